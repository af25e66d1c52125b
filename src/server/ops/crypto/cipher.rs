//! Block-cipher primitives for Encrypt and Decrypt (KMIP 1.2 §4.29–4.30):
//! AES and Triple DES in ECB and CBC mode with PKCS#5 or no padding
//! (RustCrypto `aes`, `des`, `cbc`, `ecb`), and AES-GCM (NIST SP 800-38D).
//!
//! GCM with a 96-bit IV and a full 16-byte tag runs on `ring`'s AEAD; other
//! IV lengths and truncated tags (12–15 bytes, which SP 800-38D allows and
//! the OASIS transcripts CS-BC-M-GCM-* exercise) use the small software GCM
//! below, built on the AES block cipher, because `ring` supports neither.

use aes::{Aes128, Aes192, Aes256};
use cipher::block_padding::{NoPadding, Pkcs7};
use cipher::generic_array::GenericArray;
use cipher::{BlockCipher, BlockDecryptMut, BlockEncrypt, BlockEncryptMut, KeyInit, KeyIvInit};
use des::{TdesEde2, TdesEde3};

/// Why a primitive refused its input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CipherError {
    /// The key length does not fit the algorithm.
    KeyLength(usize),
    /// The IV has the wrong length for the mode.
    IvLength { expected: &'static str, got: usize },
    /// Unpadded data that is not a whole number of blocks.
    NotBlockAligned { block: usize, got: usize },
    /// Bad padding or a failed authentication tag on decryption.
    Integrity,
    /// A GCM or ChaCha20-Poly1305 tag length outside 12–16 bytes.
    TagLength(i64),
}

impl std::fmt::Display for CipherError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CipherError::KeyLength(n) => write!(f, "a {n}-byte key does not fit the algorithm"),
            CipherError::IvLength { expected, got } => {
                write!(f, "IV/Counter/Nonce is {got} bytes; the mode needs {expected}")
            }
            CipherError::NotBlockAligned { block, got } => write!(
                f,
                "{got} bytes is not a multiple of the {block}-byte block and no padding was requested"
            ),
            CipherError::Integrity => {
                f.write_str("decryption failed: bad padding or authentication tag")
            }
            CipherError::TagLength(n) => {
                write!(f, "Tag Length {n} is not supported (AEAD tags are 12 to 16 bytes)")
            }
        }
    }
}

/// The block ciphers the server supports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockAlgorithm {
    Aes,
    TripleDes,
}

impl BlockAlgorithm {
    pub fn block_size(self) -> usize {
        match self {
            BlockAlgorithm::Aes => 16,
            BlockAlgorithm::TripleDes => 8,
        }
    }
}

/// Chaining modes for [`block_encrypt`] / [`block_decrypt`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chaining {
    Ecb,
    Cbc,
}

fn aligned(data: &[u8], block: usize, padded: bool) -> Result<(), CipherError> {
    if !padded && data.len() % block != 0 {
        return Err(CipherError::NotBlockAligned {
            block,
            got: data.len(),
        });
    }
    Ok(())
}

fn check_iv(iv: &[u8], block: usize) -> Result<(), CipherError> {
    if iv.len() != block {
        return Err(CipherError::IvLength {
            expected: if block == 16 { "16 bytes" } else { "8 bytes" },
            got: iv.len(),
        });
    }
    Ok(())
}

fn encrypt_with<C>(
    key: &[u8],
    chaining: Chaining,
    iv: &[u8],
    data: &[u8],
    padded: bool,
) -> Result<Vec<u8>, CipherError>
where
    C: BlockCipher + BlockEncryptMut + BlockEncrypt + KeyInit + Clone,
{
    let block = C::block_size();
    aligned(data, block, padded)?;
    let bad_key = |_| CipherError::KeyLength(key.len());
    Ok(match chaining {
        Chaining::Ecb => {
            let c = ecb::Encryptor::<C>::new_from_slice(key).map_err(bad_key)?;
            if padded {
                c.encrypt_padded_vec_mut::<Pkcs7>(data)
            } else {
                c.encrypt_padded_vec_mut::<NoPadding>(data)
            }
        }
        Chaining::Cbc => {
            check_iv(iv, block)?;
            let c = cbc::Encryptor::<C>::new_from_slices(key, iv)
                .map_err(|_| CipherError::KeyLength(key.len()))?;
            if padded {
                c.encrypt_padded_vec_mut::<Pkcs7>(data)
            } else {
                c.encrypt_padded_vec_mut::<NoPadding>(data)
            }
        }
    })
}

fn decrypt_with<C>(
    key: &[u8],
    chaining: Chaining,
    iv: &[u8],
    data: &[u8],
    padded: bool,
) -> Result<Vec<u8>, CipherError>
where
    C: BlockCipher + BlockDecryptMut + cipher::BlockDecrypt + KeyInit + Clone,
{
    let block = C::block_size();
    // Ciphertext is always whole blocks, padded or not.
    aligned(data, block, false)?;
    let bad_key = |_| CipherError::KeyLength(key.len());
    let result = match chaining {
        Chaining::Ecb => {
            let c = ecb::Decryptor::<C>::new_from_slice(key).map_err(bad_key)?;
            if padded {
                c.decrypt_padded_vec_mut::<Pkcs7>(data)
            } else {
                c.decrypt_padded_vec_mut::<NoPadding>(data)
            }
        }
        Chaining::Cbc => {
            check_iv(iv, block)?;
            let c = cbc::Decryptor::<C>::new_from_slices(key, iv)
                .map_err(|_| CipherError::KeyLength(key.len()))?;
            if padded {
                c.decrypt_padded_vec_mut::<Pkcs7>(data)
            } else {
                c.decrypt_padded_vec_mut::<NoPadding>(data)
            }
        }
    };
    result.map_err(|_| CipherError::Integrity)
}

/// Which way a block-cipher operation runs.
#[derive(Clone, Copy)]
enum Direction {
    Encrypt,
    Decrypt,
}

fn run_with<C>(
    direction: Direction,
    key: &[u8],
    chaining: Chaining,
    iv: &[u8],
    data: &[u8],
    padded: bool,
) -> Result<Vec<u8>, CipherError>
where
    C: BlockCipher
        + BlockEncryptMut
        + BlockEncrypt
        + BlockDecryptMut
        + cipher::BlockDecrypt
        + KeyInit
        + Clone,
{
    match direction {
        Direction::Encrypt => encrypt_with::<C>(key, chaining, iv, data, padded),
        Direction::Decrypt => decrypt_with::<C>(key, chaining, iv, data, padded),
    }
}

/// Picks the cipher from the algorithm and the key length, then runs it.
fn block_run(
    direction: Direction,
    algorithm: BlockAlgorithm,
    key: &[u8],
    chaining: Chaining,
    iv: &[u8],
    data: &[u8],
    padded: bool,
) -> Result<Vec<u8>, CipherError> {
    let run = match (algorithm, key.len()) {
        (BlockAlgorithm::Aes, 16) => run_with::<Aes128>,
        (BlockAlgorithm::Aes, 24) => run_with::<Aes192>,
        (BlockAlgorithm::Aes, 32) => run_with::<Aes256>,
        (BlockAlgorithm::TripleDes, 16) => run_with::<TdesEde2>,
        (BlockAlgorithm::TripleDes, 24) => run_with::<TdesEde3>,
        (_, n) => return Err(CipherError::KeyLength(n)),
    };
    run(direction, key, chaining, iv, data, padded)
}

/// Encrypts with a block cipher in ECB or CBC mode (PKCS#5 padding when `padded`).
pub fn block_encrypt(
    algorithm: BlockAlgorithm,
    key: &[u8],
    chaining: Chaining,
    iv: &[u8],
    data: &[u8],
    padded: bool,
) -> Result<Vec<u8>, CipherError> {
    block_run(
        Direction::Encrypt,
        algorithm,
        key,
        chaining,
        iv,
        data,
        padded,
    )
}

/// Decrypts with a block cipher in ECB or CBC mode (PKCS#5 padding removed when `padded`).
pub fn block_decrypt(
    algorithm: BlockAlgorithm,
    key: &[u8],
    chaining: Chaining,
    iv: &[u8],
    data: &[u8],
    padded: bool,
) -> Result<Vec<u8>, CipherError> {
    block_run(
        Direction::Decrypt,
        algorithm,
        key,
        chaining,
        iv,
        data,
        padded,
    )
}

/// Checks a GCM tag length (SP 800-38D §5.2.1.2: 96 to 128 bits here).
pub fn gcm_tag_length(requested: Option<i64>) -> Result<usize, CipherError> {
    match requested {
        None => Ok(16),
        Some(n @ 12..=16) => Ok(n as usize),
        Some(n) => Err(CipherError::TagLength(n)),
    }
}

/// AES-GCM encryption: (ciphertext, tag of `tag_len` bytes).
pub fn gcm_encrypt(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
    tag_len: usize,
) -> Result<(Vec<u8>, Vec<u8>), CipherError> {
    if iv.is_empty() {
        return Err(CipherError::IvLength {
            expected: "at least 1 byte (12 recommended)",
            got: 0,
        });
    }
    if iv.len() == 12 && tag_len == 16 {
        return ring_gcm_seal(key, iv, aad, data);
    }
    let aes = AnyAes::new(key)?;
    let (ciphertext, tag) = soft_gcm(&aes, iv, aad, data, true);
    Ok((ciphertext, tag[..tag_len].to_vec()))
}

/// AES-GCM decryption, verifying a tag of 12–16 bytes.
pub fn gcm_decrypt(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, CipherError> {
    gcm_tag_length(Some(tag.len() as i64))?;
    if iv.is_empty() {
        return Err(CipherError::IvLength {
            expected: "at least 1 byte (12 recommended)",
            got: 0,
        });
    }
    if iv.len() == 12 && tag.len() == 16 {
        return ring_gcm_open(key, iv, aad, data, tag);
    }
    let aes = AnyAes::new(key)?;
    let (plaintext, expected) = soft_gcm(&aes, iv, aad, data, false);
    if !tags_equal(&expected[..tag.len()], tag) {
        return Err(CipherError::Integrity);
    }
    Ok(plaintext)
}

/// Compares two tags without an early exit.
pub(super) fn tags_equal(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The GCM counter-mode transform of `data` alone (no tag): the output a
/// multi-part operation may release before its final part.
pub fn gcm_transform(key: &[u8], iv: &[u8], data: &[u8]) -> Result<Vec<u8>, CipherError> {
    if iv.is_empty() {
        return Err(CipherError::IvLength {
            expected: "at least 1 byte (12 recommended)",
            got: 0,
        });
    }
    let aes = AnyAes::new(key)?;
    Ok(soft_gcm(&aes, iv, &[], data, true).0)
}

fn ring_key(key: &[u8]) -> Result<ring::aead::LessSafeKey, CipherError> {
    let algorithm = match key.len() {
        16 => &ring::aead::AES_128_GCM,
        32 => &ring::aead::AES_256_GCM,
        n => return Err(CipherError::KeyLength(n)),
    };
    let unbound = ring::aead::UnboundKey::new(algorithm, key)
        .map_err(|_| CipherError::KeyLength(key.len()))?;
    Ok(ring::aead::LessSafeKey::new(unbound))
}

fn ring_nonce(iv: &[u8]) -> Result<ring::aead::Nonce, CipherError> {
    ring::aead::Nonce::try_assume_unique_for_key(iv).map_err(|_| CipherError::IvLength {
        expected: "12 bytes",
        got: iv.len(),
    })
}

fn ring_gcm_seal(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
) -> Result<(Vec<u8>, Vec<u8>), CipherError> {
    if key.len() == 24 {
        let (c, t) = soft_gcm(&AnyAes::new(key)?, iv, aad, data, true);
        return Ok((c, t.to_vec()));
    }
    let key = ring_key(key)?;
    let mut in_out = data.to_vec();
    let tag = key
        .seal_in_place_separate_tag(ring_nonce(iv)?, ring::aead::Aad::from(aad), &mut in_out)
        .map_err(|_| CipherError::Integrity)?;
    Ok((in_out, tag.as_ref().to_vec()))
}

fn ring_gcm_open(
    key: &[u8],
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
    tag: &[u8],
) -> Result<Vec<u8>, CipherError> {
    if key.len() == 24 {
        let (p, expected) = soft_gcm(&AnyAes::new(key)?, iv, aad, data, false);
        return if tags_equal(&expected, tag) {
            Ok(p)
        } else {
            Err(CipherError::Integrity)
        };
    }
    let key = ring_key(key)?;
    let mut in_out = data.to_vec();
    in_out.extend_from_slice(tag);
    let plain = key
        .open_in_place(ring_nonce(iv)?, ring::aead::Aad::from(aad), &mut in_out)
        .map_err(|_| CipherError::Integrity)?;
    Ok(plain.to_vec())
}

/// AES with any of its three key sizes, for the software GCM.
enum AnyAes {
    A128(Aes128),
    A192(Aes192),
    A256(Aes256),
}

impl AnyAes {
    fn new(key: &[u8]) -> Result<AnyAes, CipherError> {
        let bad = |_| CipherError::KeyLength(key.len());
        Ok(match key.len() {
            16 => AnyAes::A128(Aes128::new_from_slice(key).map_err(bad)?),
            24 => AnyAes::A192(Aes192::new_from_slice(key).map_err(bad)?),
            32 => AnyAes::A256(Aes256::new_from_slice(key).map_err(bad)?),
            n => return Err(CipherError::KeyLength(n)),
        })
    }

    fn encrypt(&self, block: u128) -> u128 {
        let mut b = GenericArray::from(block.to_be_bytes());
        match self {
            AnyAes::A128(c) => c.encrypt_block(&mut b),
            AnyAes::A192(c) => c.encrypt_block(&mut b),
            AnyAes::A256(c) => c.encrypt_block(&mut b),
        }
        u128::from_be_bytes(b.into())
    }
}

/// Multiplication in GF(2^128) with the GCM bit order (SP 800-38D §6.3).
fn gf_multiply(x: u128, y: u128) -> u128 {
    const R: u128 = 0xE1 << 120;
    let mut z = 0u128;
    let mut v = y;
    for i in 0..128 {
        if (x >> (127 - i)) & 1 == 1 {
            z ^= v;
        }
        v = if v & 1 == 1 { (v >> 1) ^ R } else { v >> 1 };
    }
    z
}

/// GHASH over `a` and `c` (each zero-padded to whole blocks) and their bit lengths.
fn ghash(h: u128, a: &[u8], c: &[u8]) -> u128 {
    let mut x = 0u128;
    for part in [a, c] {
        for chunk in part.chunks(16) {
            let mut block = [0u8; 16];
            block[..chunk.len()].copy_from_slice(chunk);
            x = gf_multiply(x ^ u128::from_be_bytes(block), h);
        }
    }
    let lengths = ((a.len() as u128 * 8) << 64) | (c.len() as u128 * 8);
    gf_multiply(x ^ lengths, h)
}

/// GCM-AE / GCM-AD (SP 800-38D §7): returns the output text and the full tag,
/// computed over the ciphertext (`data` when decrypting, the output when encrypting).
fn soft_gcm(
    aes: &AnyAes,
    iv: &[u8],
    aad: &[u8],
    data: &[u8],
    encrypting: bool,
) -> (Vec<u8>, [u8; 16]) {
    let h = aes.encrypt(0);
    let j0 = if iv.len() == 12 {
        let mut block = [0u8; 16];
        block[..12].copy_from_slice(iv);
        block[15] = 1;
        u128::from_be_bytes(block)
    } else {
        ghash(h, &[], iv)
    };
    let increment = |counter: u128| {
        let low = (counter as u32).wrapping_add(1);
        (counter & !u128::from(u32::MAX)) | u128::from(low)
    };
    let mut counter = j0;
    let mut output = Vec::with_capacity(data.len());
    for chunk in data.chunks(16) {
        counter = increment(counter);
        let keystream = aes.encrypt(counter).to_be_bytes();
        output.extend(chunk.iter().zip(keystream).map(|(d, k)| d ^ k));
    }
    let ciphertext = if encrypting { &output[..] } else { data };
    let tag = aes.encrypt(j0) ^ ghash(h, aad, ciphertext);
    (output, tag.to_be_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// NIST GCM test case 2 (AES-128, zero key and IV, one zero block).
    #[test]
    fn software_gcm_matches_nist_test_case_2() {
        let aes = AnyAes::new(&[0u8; 16]).unwrap();
        let (c, t) = soft_gcm(&aes, &[0u8; 12], &[], &[0u8; 16], true);
        assert_eq!(hex(&c), "0388dace60b6a392f328c2b971b2fe78");
        assert_eq!(hex(&t), "ab6e47d42cec13bdf53a67b21257bddf");
    }

    /// The software GCM and ring agree on a 96-bit IV with AAD.
    #[test]
    fn software_gcm_matches_ring() {
        let key = [7u8; 16];
        let iv = [9u8; 12];
        let data: Vec<u8> = (0u8..37).collect();
        let (rc, rt) = ring_gcm_seal(&key, &iv, b"aad", &data).unwrap();
        let (sc, st) = soft_gcm(&AnyAes::new(&key).unwrap(), &iv, b"aad", &data, true);
        assert_eq!(rc, sc);
        assert_eq!(rt, st.to_vec());
    }

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }
}
