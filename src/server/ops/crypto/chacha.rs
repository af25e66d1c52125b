//! ChaCha20 (D. J. Bernstein's original form: 64-bit nonce, 64-bit block
//! counter from 0) for Encrypt/Decrypt with ChaCha20 keys (KMIP 1.4+,
//! Cryptographic Algorithm ChaCha20), written on its definition because
//! `ring` exposes ChaCha20 only inside ChaCha20-Poly1305.

use super::cipher::CipherError;

fn quarter_round(s: &mut [u32; 16], a: usize, b: usize, c: usize, d: usize) {
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(16);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(12);
    s[a] = s[a].wrapping_add(s[b]);
    s[d] = (s[d] ^ s[a]).rotate_left(8);
    s[c] = s[c].wrapping_add(s[d]);
    s[b] = (s[b] ^ s[c]).rotate_left(7);
}

fn word(bytes: &[u8], index: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&bytes[index * 4..index * 4 + 4]);
    u32::from_le_bytes(w)
}

/// One 64-byte keystream block; `tail` is the last four state words
/// (block counter and nonce, in the original or the RFC 8439 layout).
fn block(key: &[u8; 32], tail: [u32; 4]) -> [u8; 64] {
    let mut state = [0u32; 16];
    state[..4].copy_from_slice(&[0x6170_7865, 0x3320_646e, 0x7962_2d32, 0x6b20_6574]);
    for i in 0..8 {
        state[4 + i] = word(key, i);
    }
    state[12..].copy_from_slice(&tail);
    let mut working = state;
    for _ in 0..10 {
        quarter_round(&mut working, 0, 4, 8, 12);
        quarter_round(&mut working, 1, 5, 9, 13);
        quarter_round(&mut working, 2, 6, 10, 14);
        quarter_round(&mut working, 3, 7, 11, 15);
        quarter_round(&mut working, 0, 5, 10, 15);
        quarter_round(&mut working, 1, 6, 11, 12);
        quarter_round(&mut working, 2, 7, 8, 13);
        quarter_round(&mut working, 3, 4, 9, 14);
    }
    let mut out = [0u8; 64];
    for (i, (w, s)) in working.iter().zip(state).enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&w.wrapping_add(s).to_le_bytes());
    }
    out
}

/// XORs `data` with the ChaCha20 keystream of a 32-byte key and 8-byte nonce.
pub fn chacha20(key: &[u8], nonce: &[u8], data: &[u8]) -> Result<Vec<u8>, CipherError> {
    let key: &[u8; 32] = key
        .try_into()
        .map_err(|_| CipherError::KeyLength(key.len()))?;
    let nonce: &[u8; 8] = nonce.try_into().map_err(|_| CipherError::IvLength {
        expected: "8 bytes",
        got: nonce.len(),
    })?;
    Ok(data
        .chunks(64)
        .enumerate()
        .flat_map(|(i, chunk)| {
            let counter = i as u64;
            let tail = [
                counter as u32,
                (counter >> 32) as u32,
                word(nonce, 0),
                word(nonce, 1),
            ];
            let keystream = block(key, tail);
            chunk
                .iter()
                .zip(keystream)
                .map(|(d, k)| d ^ k)
                .collect::<Vec<u8>>()
        })
        .collect())
}

/// The RFC 8439 §2.4 ChaCha20 transform (96-bit nonce, 32-bit counter from
/// 1) that ChaCha20-Poly1305 encrypts with.
fn ietf_chacha20(key: &[u8], nonce: &[u8], data: &[u8]) -> Result<Vec<u8>, CipherError> {
    let key: &[u8; 32] = key
        .try_into()
        .map_err(|_| CipherError::KeyLength(key.len()))?;
    if nonce.len() != 12 {
        return Err(CipherError::IvLength {
            expected: "12 bytes",
            got: nonce.len(),
        });
    }
    let mut out = Vec::with_capacity(data.len());
    for (i, chunk) in data.chunks(64).enumerate() {
        let counter = u32::try_from(i + 1).map_err(|_| CipherError::Integrity)?;
        let tail = [counter, word(nonce, 0), word(nonce, 1), word(nonce, 2)];
        out.extend(chunk.iter().zip(block(key, tail)).map(|(d, k)| d ^ k));
    }
    Ok(out)
}

/// ChaCha20-Poly1305 (RFC 8439) sealing via `ring`: (ciphertext, 16-byte tag).
pub fn chacha20_poly1305_seal(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    data: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), CipherError> {
    let (key, nonce) = poly_inputs(key, nonce)?;
    let mut in_out = data.to_vec();
    let tag = key
        .seal_in_place_separate_tag(nonce, ring::aead::Aad::from(aad), &mut in_out)
        .map_err(|_| CipherError::Integrity)?;
    Ok((in_out, tag.as_ref().to_vec()))
}

/// ChaCha20-Poly1305 (RFC 8439) opening, verifying a tag of 12–16 bytes: a
/// full tag via `ring`; a truncated one by decrypting with the keystream,
/// sealing the result again with `ring` and comparing the tag's prefix.
pub fn chacha20_poly1305_open(
    key: &[u8],
    nonce: &[u8],
    aad: &[u8],
    data: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, CipherError> {
    super::cipher::gcm_tag_length(Some(tag.len() as i64))?;
    if tag.len() < 16 {
        let plain = ietf_chacha20(key, nonce, data)?;
        let (_, full) = chacha20_poly1305_seal(key, nonce, aad, &plain)?;
        return if super::cipher::tags_equal(&full[..tag.len()], tag) {
            Ok(plain)
        } else {
            Err(CipherError::Integrity)
        };
    }
    let (key, nonce) = poly_inputs(key, nonce)?;
    let mut in_out = data.to_vec();
    in_out.extend_from_slice(tag);
    let plain = key
        .open_in_place(nonce, ring::aead::Aad::from(aad), &mut in_out)
        .map_err(|_| CipherError::Integrity)?;
    Ok(plain.to_vec())
}

fn poly_inputs(
    key: &[u8],
    nonce: &[u8],
) -> Result<(ring::aead::LessSafeKey, ring::aead::Nonce), CipherError> {
    let unbound = ring::aead::UnboundKey::new(&ring::aead::CHACHA20_POLY1305, key)
        .map_err(|_| CipherError::KeyLength(key.len()))?;
    let nonce =
        ring::aead::Nonce::try_assume_unique_for_key(nonce).map_err(|_| CipherError::IvLength {
            expected: "12 bytes",
            got: nonce.len(),
        })?;
    Ok((ring::aead::LessSafeKey::new(unbound), nonce))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The zero key and nonce give the well-known first keystream block
    /// (draft-agl-tls-chacha20poly1305 test vector 1).
    #[test]
    fn zero_key_keystream() {
        let out = chacha20(&[0u8; 32], &[0u8; 8], &[0u8; 8]).unwrap();
        assert_eq!(out, [0x76, 0xb8, 0xe0, 0xad, 0xa0, 0xf1, 0x3d, 0x90]);
    }

    /// The RFC 8439 keystream agrees with ring's ChaCha20-Poly1305 ciphertext.
    #[test]
    fn ietf_keystream_matches_ring() {
        let data: Vec<u8> = (0..150u8).collect();
        let (sealed, _) = chacha20_poly1305_seal(&[5u8; 32], &[6u8; 12], b"", &data).unwrap();
        assert_eq!(
            ietf_chacha20(&[5u8; 32], &[6u8; 12], &data).unwrap(),
            sealed
        );
    }

    /// Encryption is its own inverse and spans blocks.
    #[test]
    fn round_trip_over_several_blocks() {
        let data: Vec<u8> = (0..200u8).collect();
        let c = chacha20(&[9u8; 32], &[1u8; 8], &data).unwrap();
        assert_ne!(c, data);
        assert_eq!(chacha20(&[9u8; 32], &[1u8; 8], &c).unwrap(), data);
    }
}
