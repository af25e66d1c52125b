//! The cryptographic services of KMIP 1.2 §4.29–4.37 (2.1 §6.1.11, 6.1.17,
//! 6.1.24, 6.1.32–6.1.33, 6.1.49–6.1.50): Encrypt, Decrypt, MAC, MAC Verify, RNG Retrieve, RNG Seed, Hash.
//!
//! Every use of a key checks its state and dates (KMIP 1.2 §3.22, §3.25–3.28:
//! protection needs an Active key before its Protect Stop Date, processing a
//! key after its Process Start Date) and its Cryptographic Usage Mask (§3.19);
//! applying protection (Encrypt, MAC) charges its Usage Limits, processing
//! (Decrypt, MAC Verify) does not (§3.21: "Usage for processing
//! cryptographically protected data … is not limited"). Cryptographic Parameters come from the
//! request, else from the key's Cryptographic Parameters attribute with the
//! lowest index (§4.29). Multi-part (streaming) Encrypt and Decrypt (Init/Final
//! Indicator, Correlation Value, KMIP 1.3+) are handled in [`stream`]; MAC,
//! MAC Verify and Hash answer such requests with Feature Not Supported.

mod chacha;
mod cipher;
mod mac;
mod random;
mod stream;
mod symmetric;

pub(super) use mac::hmac_algorithm;
pub use mac::{mac, mac_verify};
pub(super) use random::digest_of as digest_for;
pub use random::{hash, rng_retrieve, rng_seed};
pub use symmetric::{decrypt, encrypt};

use super::{OpContext, OpError};
use crate::kmip::{
    tags, BlockCipherMode, CryptographicAlgorithm, CryptographicUsageMask, KeyFormatType,
    PaddingMethod, ResultReason,
};
use crate::server::object::ManagedObject;
use crate::server::usage::{self, Purpose};
use crate::ttlv::{Item, Tag, Value};
use cipher::{BlockAlgorithm, Chaining, CipherError};

/// `preferred` when the request's version defines it, else `fallback`.
pub(super) fn reason_or(
    ctx: &OpContext<'_, '_>,
    preferred: ResultReason,
    fallback: ResultReason,
) -> ResultReason {
    if ResultReason::def().defined_in(preferred.0, ctx.version) {
        preferred
    } else {
        fallback
    }
}

/// Bad Cryptographic Parameters (2.x) / Invalid Field (1.x).
pub(super) fn bad_parameters(ctx: &OpContext<'_, '_>, message: impl Into<String>) -> OpError {
    OpError::new(
        reason_or(
            ctx,
            ResultReason::BAD_CRYPTOGRAPHIC_PARAMETERS,
            ResultReason::INVALID_FIELD,
        ),
        message,
    )
}

/// Unsupported Cryptographic Parameters (2.x) / Feature Not Supported (1.x).
pub(super) fn unsupported_parameters(
    ctx: &OpContext<'_, '_>,
    message: impl Into<String>,
) -> OpError {
    OpError::new(
        reason_or(
            ctx,
            ResultReason::UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS,
            ResultReason::FEATURE_NOT_SUPPORTED,
        ),
        message,
    )
}

/// A Byte String field, if present.
pub(super) fn optional_bytes(
    payload: &Item,
    tag: Tag,
    name: &str,
) -> Result<Option<Vec<u8>>, OpError> {
    match payload.child(tag).map(|f| &f.value) {
        None => Ok(None),
        Some(Value::ByteString(bytes)) => Ok(Some(bytes.clone())),
        Some(other) => Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!("{name} must be a Byte String, not {}", other.item_type()),
        )),
    }
}

/// A Byte String field the operation requires.
pub(super) fn required_bytes(payload: &Item, tag: Tag, name: &str) -> Result<Vec<u8>, OpError> {
    optional_bytes(payload, tag, name)?.ok_or_else(|| {
        OpError::new(
            ResultReason::INVALID_MESSAGE,
            format!("the request payload has no {name}"),
        )
    })
}

fn optional_bool(payload: &Item, tag: Tag, name: &str) -> Result<Option<bool>, OpError> {
    match payload.child(tag).map(|f| &f.value) {
        None => Ok(None),
        Some(Value::Boolean(b)) => Ok(Some(*b)),
        Some(other) => Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!("{name} must be a Boolean, not {}", other.item_type()),
        )),
    }
}

/// Refuses multi-part (streaming) MAC, MAC Verify and Hash requests: KMIP 1.3+ (2.1 §6.1.32) Init Indicator,
/// Final Indicator and Correlation Value. A request with both indicators true
/// is a single-part operation and is accepted.
pub(super) fn reject_streaming(payload: &Item) -> Result<(), OpError> {
    let init = optional_bool(payload, tags::INIT_INDICATOR, "Init Indicator")?;
    let last = optional_bool(payload, tags::FINAL_INDICATOR, "Final Indicator")?;
    let one_shot = payload.child(tags::CORRELATION_VALUE).is_none()
        && matches!((init, last), (None, None) | (Some(true), Some(true)));
    if one_shot {
        Ok(())
    } else {
        Err(OpError::new(
            ResultReason::FEATURE_NOT_SUPPORTED,
            "multi-part (streaming) cryptographic operations (Init Indicator, Final Indicator, \
             Correlation Value) are not supported by the reference server; send all data in one request",
        ))
    }
}

/// The Cryptographic Parameters that govern an operation: the request's, else
/// the key's first Cryptographic Parameters attribute (KMIP 1.2 §4.29).
pub(super) fn effective_parameters(payload: &Item, object: &ManagedObject) -> Option<Item> {
    if let Some(requested) = payload.child(tags::CRYPTOGRAPHIC_PARAMETERS) {
        return Some(requested.clone());
    }
    object
        .attribute(tags::CRYPTOGRAPHIC_PARAMETERS)
        .map(|value| Item::new(tags::CRYPTOGRAPHIC_PARAMETERS, value.clone()))
}

/// The fields of Cryptographic Parameters (KMIP 1.2 §3.6) this module uses.
#[derive(Debug, Default, Clone)]
pub(super) struct Parameters {
    pub mode: Option<BlockCipherMode>,
    pub padding: Option<PaddingMethod>,
    pub hashing: Option<u32>,
    pub algorithm: Option<CryptographicAlgorithm>,
    pub random_iv: bool,
    pub tag_length: Option<i64>,
}

impl Parameters {
    pub fn parse(item: Option<&Item>) -> Result<Parameters, OpError> {
        let mut parameters = Parameters::default();
        let Some(item) = item else {
            return Ok(parameters);
        };
        let Value::Structure(fields) = &item.value else {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "Cryptographic Parameters must be a Structure",
            ));
        };
        for field in fields {
            let enumeration = || match field.value {
                Value::Enumeration(v) => Ok(v),
                _ => Err(OpError::new(
                    ResultReason::INVALID_FIELD,
                    format!(
                        "{:?} in Cryptographic Parameters must be an Enumeration",
                        field.tag
                    ),
                )),
            };
            match field.tag {
                t if t == tags::BLOCK_CIPHER_MODE => {
                    parameters.mode = Some(BlockCipherMode(enumeration()?))
                }
                t if t == tags::PADDING_METHOD => {
                    parameters.padding = Some(PaddingMethod(enumeration()?))
                }
                t if t == tags::HASHING_ALGORITHM => parameters.hashing = Some(enumeration()?),
                t if t == tags::CRYPTOGRAPHIC_ALGORITHM => {
                    parameters.algorithm = Some(CryptographicAlgorithm(enumeration()?))
                }
                t if t == tags::RANDOM_IV => {
                    parameters.random_iv = matches!(field.value, Value::Boolean(true))
                }
                t if t == tags::TAG_LENGTH => match field.value {
                    Value::Integer(n) => parameters.tag_length = Some(i64::from(n)),
                    _ => {
                        return Err(OpError::new(
                            ResultReason::INVALID_FIELD,
                            "Tag Length must be an Integer",
                        ))
                    }
                },
                _ => {}
            }
        }
        Ok(parameters)
    }
}

/// Refuses a key whose state or dates do not allow `purpose`, or whose usage
/// mask lacks `bit` (date-driven state transitions are applied before every
/// operation, see [`super::execute`]).
pub(super) fn check_key_use(
    ctx: &OpContext<'_, '_>,
    object: &ManagedObject,
    purpose: Purpose,
    bit: CryptographicUsageMask,
) -> Result<(), OpError> {
    let date = |tag| match object.attribute(tag) {
        Some(Value::DateTime(t)) => Some(*t),
        _ => None,
    };
    usage::require_state(ctx, object, purpose)?;
    let refused = match purpose {
        Purpose::Protect => date(tags::PROTECT_STOP_DATE)
            .filter(|t| *t <= ctx.now)
            .map(|_| "its Protect Stop Date has passed"),
        Purpose::Process => date(tags::PROCESS_START_DATE)
            .filter(|t| *t > ctx.now)
            .map(|_| "its Process Start Date has not been reached"),
    };
    if let Some(why) = refused {
        return Err(OpError::new(
            ctx.wrong_state(),
            format!("object {} cannot be used: {why}", object.uid),
        ));
    }
    usage::require_usage(ctx, object, bit)
}

/// The algorithm and raw bytes of a Symmetric Key object (Raw or Transparent
/// Symmetric Key format, KMIP 1.2 §2.1.7).
pub(super) fn symmetric_material(
    ctx: &OpContext<'_, '_>,
    object: &ManagedObject,
) -> Result<(CryptographicAlgorithm, Vec<u8>), OpError> {
    let block = object
        .material
        .as_ref()
        .and_then(|m| m.child(tags::KEY_BLOCK))
        .ok_or_else(|| {
            OpError::new(
                reason_or(
                    ctx,
                    ResultReason::KEY_VALUE_NOT_PRESENT,
                    ResultReason::PERMISSION_DENIED,
                ),
                format!(
                    "object {} has no key material (destroyed or never held)",
                    object.uid
                ),
            )
        })?;
    let format = match block.child(tags::KEY_FORMAT_TYPE).map(|f| &f.value) {
        Some(Value::Enumeration(f)) => KeyFormatType(*f),
        _ => KeyFormatType::RAW,
    };
    if block.child(tags::KEY_WRAPPING_DATA).is_some() {
        return Err(OpError::new(
            ResultReason::FEATURE_NOT_SUPPORTED,
            format!(
                "object {} holds wrapped key material; unwrap is not supported",
                object.uid
            ),
        ));
    }
    let material = block
        .child(tags::KEY_VALUE)
        .and_then(|v| v.child(tags::KEY_MATERIAL));
    let bytes = match (format, material.map(|m| &m.value)) {
        (KeyFormatType::RAW, Some(Value::ByteString(bytes))) => bytes.clone(),
        (KeyFormatType::TRANSPARENT_SYMMETRIC_KEY, Some(Value::Structure(fields))) => fields
            .iter()
            .find(|f| f.tag == tags::KEY)
            .and_then(|k| match &k.value {
                Value::ByteString(b) => Some(b.clone()),
                _ => None,
            })
            .ok_or_else(|| {
                OpError::new(
                    ResultReason::INVALID_FIELD,
                    format!(
                        "object {}: Transparent Symmetric Key has no Key",
                        object.uid
                    ),
                )
            })?,
        _ => {
            return Err(OpError::new(
                ResultReason::FEATURE_NOT_SUPPORTED,
                format!(
                    "object {} holds {format:?} key material this server cannot use",
                    object.uid
                ),
            ))
        }
    };
    let algorithm = match object.attribute(tags::CRYPTOGRAPHIC_ALGORITHM) {
        Some(Value::Enumeration(a)) => CryptographicAlgorithm(*a),
        _ => match block.child(tags::CRYPTOGRAPHIC_ALGORITHM).map(|a| &a.value) {
            Some(Value::Enumeration(a)) => CryptographicAlgorithm(*a),
            _ => {
                return Err(bad_parameters(
                    ctx,
                    format!("object {} has no Cryptographic Algorithm", object.uid),
                ))
            }
        },
    };
    Ok((algorithm, bytes))
}

/// Invalid Object Type (2.x) / Invalid Field (1.x) for a key of the wrong kind.
pub(super) fn wrong_object_type(
    ctx: &OpContext<'_, '_>,
    object: &ManagedObject,
    what: &str,
) -> OpError {
    OpError::new(
        ctx.by_version(
            ResultReason::INVALID_FIELD,
            ResultReason::INVALID_OBJECT_TYPE,
        ),
        format!(
            "object {} is a {:?}; {what}",
            object.uid, object.object_type
        ),
    )
}

pub(super) fn cipher_error(ctx: &OpContext<'_, '_>, error: CipherError) -> OpError {
    let message = error.to_string();
    match error {
        CipherError::Integrity => OpError::new(ResultReason::CRYPTOGRAPHIC_FAILURE, message),
        CipherError::KeyLength(_) => OpError::new(ResultReason::CRYPTOGRAPHIC_FAILURE, message),
        CipherError::IvLength { .. } => bad_parameters(ctx, message),
        CipherError::NotBlockAligned { .. } => OpError::new(ResultReason::INVALID_FIELD, message),
        // The OASIS 1.4 transcript CS-BC-M-GCM-1 expects General Failure here.
        CipherError::TagLength(_) => OpError::new(
            reason_or(
                ctx,
                ResultReason::BAD_CRYPTOGRAPHIC_PARAMETERS,
                ResultReason::GENERAL_FAILURE,
            ),
            message,
        ),
    }
}

/// ECB/CBC encryption for Derive Key's ENCRYPT method (KMIP 1.2 §4.6): the
/// Block Cipher Mode is required; a missing CBC IV is all zeros ("an empty
/// IV is assumed").
pub(in crate::server::ops) fn block_encrypt_for(
    ctx: &OpContext<'_, '_>,
    key_algorithm: Option<CryptographicAlgorithm>,
    parameters: &Parameters,
    key: &[u8],
    iv: Option<Vec<u8>>,
    data: &[u8],
) -> Result<Vec<u8>, OpError> {
    let algorithm = match parameters.algorithm.or(key_algorithm) {
        Some(CryptographicAlgorithm::AES) => BlockAlgorithm::Aes,
        Some(CryptographicAlgorithm::DES3) => BlockAlgorithm::TripleDes,
        other => {
            return Err(unsupported_parameters(
                ctx,
                format!("ENCRYPT derivation with {other:?} is not supported (AES and 3DES are)"),
            ))
        }
    };
    let chaining = match parameters.mode {
        Some(BlockCipherMode::ECB) => Chaining::Ecb,
        Some(BlockCipherMode::CBC) => Chaining::Cbc,
        Some(other) => {
            return Err(unsupported_parameters(
                ctx,
                format!("ENCRYPT derivation in {other:?} mode is not supported (ECB and CBC are)"),
            ))
        }
        None => {
            return Err(bad_parameters(
                ctx,
                "ENCRYPT derivation needs a Block Cipher Mode in Cryptographic Parameters",
            ))
        }
    };
    let padded = parameters.padding == Some(PaddingMethod::PKCS5);
    let iv = match iv {
        Some(iv) if !iv.is_empty() => iv,
        _ => vec![0u8; algorithm.block_size()],
    };
    cipher::block_encrypt(algorithm, key, chaining, &iv, data, padded)
        .map_err(|e| cipher_error(ctx, e))
}
