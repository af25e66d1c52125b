//! RNG Retrieve, RNG Seed and Hash (KMIP 1.2 §4.35–4.37, 2.1 §6.1.24,
//! 6.1.49–6.1.50).

use ring::digest;
use sha2::Digest;

use super::{reject_streaming, required_bytes, Parameters};
use crate::kmip::{tags, HashingAlgorithm, ResultReason};
use crate::server::ops::{response_payload, OpContext, OpError, OpResult};
use crate::server::store::random_bytes;
use crate::ttlv::{Item, Value};

/// The most random bytes one RNG Retrieve returns.
pub const MAX_RNG_RETRIEVE: i32 = 64 * 1024;

/// RNG Retrieve (KMIP 1.2 §4.35): Data Length bytes from the system CSPRNG.
pub fn rng_retrieve(_ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let length = match payload.child(tags::DATA_LENGTH).map(|f| &f.value) {
        Some(Value::Integer(n)) => *n,
        Some(other) => {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                format!("Data Length must be an Integer, not {}", other.item_type()),
            ))
        }
        None => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "RNG Retrieve needs a Data Length",
            ))
        }
    };
    if !(1..=MAX_RNG_RETRIEVE).contains(&length) {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!("Data Length {length} is out of range: this server returns 1 to {MAX_RNG_RETRIEVE} bytes per request"),
        ));
    }
    let bytes = random_bytes(length as usize).ok_or_else(|| {
        OpError::new(
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            "the system random number generator failed",
        )
    })?;
    Ok(response_payload(vec![Item::new(
        tags::DATA,
        Value::ByteString(bytes),
    )]))
}

/// RNG Seed (KMIP 1.2 §4.36). The server's generator is the operating
/// system's CSPRNG (via `ring`), which cannot be seeded from a request; the
/// spec lets a server ignore the material and say so with Data Length 0.
pub fn rng_seed(_ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    required_bytes(payload, tags::DATA, "Data")?;
    Ok(response_payload(vec![Item::new(
        tags::DATA_LENGTH,
        Value::Integer(0),
    )]))
}

/// The digest of `data` under a KMIP Hashing Algorithm, if supported.
pub(crate) fn digest_of(algorithm: HashingAlgorithm, data: &[u8]) -> Option<Vec<u8>> {
    let ring_algorithm = match algorithm {
        HashingAlgorithm::SHA_1 => &digest::SHA1_FOR_LEGACY_USE_ONLY,
        HashingAlgorithm::SHA_224 => return Some(sha2::Sha224::digest(data).to_vec()),
        HashingAlgorithm::SHA_256 => &digest::SHA256,
        HashingAlgorithm::SHA_384 => &digest::SHA384,
        HashingAlgorithm::SHA_512 => &digest::SHA512,
        HashingAlgorithm::SHA_512_256 => &digest::SHA512_256,
        _ => return None,
    };
    Some(digest::digest(ring_algorithm, data).as_ref().to_vec())
}

/// Hash (KMIP 1.2 §4.37): SHA-1, SHA-224, SHA-256, SHA-384, SHA-512, SHA-512/256.
pub fn hash(_ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    reject_streaming(payload)?;
    let parameters = payload
        .child(tags::CRYPTOGRAPHIC_PARAMETERS)
        .ok_or_else(|| {
            OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Hash needs Cryptographic Parameters with a Hashing Algorithm",
            )
        })?;
    let algorithm = Parameters::parse(Some(parameters))?
        .hashing
        .map(HashingAlgorithm)
        .ok_or_else(|| {
            OpError::new(
                ResultReason::INVALID_FIELD,
                "Cryptographic Parameters name no Hashing Algorithm",
            )
        })?;
    let data = required_bytes(payload, tags::DATA, "Data")?;
    let digest = digest_of(algorithm, &data).ok_or_else(|| {
        OpError::new(
            ResultReason::FEATURE_NOT_SUPPORTED,
            format!("Hashing Algorithm {algorithm:?} is not supported (SHA-1, SHA-224, SHA-256, SHA-384, SHA-512, SHA-512/256 are)"),
        )
    })?;
    Ok(response_payload(vec![Item::new(
        tags::DATA,
        Value::ByteString(digest),
    )]))
}
