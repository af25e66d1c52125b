//! The cryptographic services of KMIP 1.2 §4.29–4.37 (2.1 §6.1.18, 6.1.28–6.1.29,
//! 6.1.39–6.1.45): Encrypt, Decrypt, MAC, MAC Verify, RNG Retrieve, RNG Seed, Hash.
//!
//! Every use of a key checks its state and dates (KMIP 1.2 §3.22, §3.25–3.28:
//! protection needs an Active key before its Protect Stop Date, processing a
//! key after its Process Start Date), its Cryptographic Usage Mask (§3.19)
//! and charges its Usage Limits (§3.21). Cryptographic Parameters come from the
//! request, else from the key's Cryptographic Parameters attribute with the
//! lowest index (§4.29). Streaming (Init/Final Indicator, Correlation Value,
//! KMIP 1.3+) is not supported: such requests answer Feature Not Supported.

mod cipher;
mod mac;
mod random;

pub(super) use mac::hmac_algorithm;
pub use mac::{mac, mac_verify};
pub(super) use random::digest_of as digest_for;
pub use random::{hash, rng_retrieve, rng_seed};

use super::{asymmetric, response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{
    tags, BlockCipherMode, CryptographicAlgorithm, CryptographicUsageMask, KeyFormatType,
    ObjectType, PaddingMethod, ResultReason, Version,
};
use crate::server::object::ManagedObject;
use crate::server::store::random_bytes;
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

/// Refuses multi-part (streaming) requests: KMIP 1.3 §4.29's Init Indicator,
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
                ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
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

fn cipher_error(ctx: &OpContext<'_, '_>, error: CipherError) -> OpError {
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

fn missing_iv(ctx: &OpContext<'_, '_>, mode: BlockCipherMode) -> OpError {
    OpError::new(
        reason_or(
            ctx,
            ResultReason::MISSING_INITIALIZATION_VECTOR,
            ResultReason::INVALID_MESSAGE,
        ),
        format!("{mode:?} needs an IV/Counter/Nonce and none was given (and Random IV is not set)"),
    )
}

/// What a symmetric Encrypt/Decrypt needs: algorithm, mode, padding, key.
struct SymmetricJob {
    algorithm: CryptographicAlgorithm,
    key: Vec<u8>,
    mode: BlockCipherMode,
    padded: bool,
    parameters: Parameters,
}

fn symmetric_job(
    ctx: &OpContext<'_, '_>,
    object: &ManagedObject,
    parameters: Option<&Item>,
) -> Result<SymmetricJob, OpError> {
    let (algorithm, key) = symmetric_material(ctx, object)?;
    let parameters = Parameters::parse(parameters)?;
    if let Some(requested) = parameters.algorithm {
        if requested != algorithm {
            return Err(bad_parameters(
                ctx,
                format!("Cryptographic Parameters name {requested:?} but the key is {algorithm:?}"),
            ));
        }
    }
    if algorithm != CryptographicAlgorithm::AES && algorithm != CryptographicAlgorithm::DES3 {
        return Err(unsupported_parameters(
            ctx,
            format!("encryption with {algorithm:?} keys is not supported (AES and 3DES are)"),
        ));
    }
    let mode = parameters.mode.ok_or_else(|| {
        bad_parameters(
            ctx,
            "no Block Cipher Mode in the request's Cryptographic Parameters nor in the key's attributes",
        )
    })?;
    let padded = match parameters.padding {
        None | Some(PaddingMethod::NONE) => false,
        Some(PaddingMethod::PKCS5) => true,
        Some(other) => {
            return Err(unsupported_parameters(
                ctx,
                format!("Padding Method {other:?} is not supported (None and PKCS5 are)"),
            ))
        }
    };
    match mode {
        BlockCipherMode::ECB | BlockCipherMode::CBC => {}
        BlockCipherMode::GCM if algorithm == CryptographicAlgorithm::AES => {
            if ctx.version < Version::V1_4 {
                return Err(OpError::new(
                    ResultReason::FEATURE_NOT_SUPPORTED,
                    "GCM needs the Authenticated Encryption Tag field of KMIP 1.4 or later",
                ));
            }
            if padded {
                return Err(bad_parameters(ctx, "GCM takes no padding"));
            }
        }
        other => {
            return Err(unsupported_parameters(
                ctx,
                format!("Block Cipher Mode {other:?} with {algorithm:?} is not supported (ECB, CBC, and GCM for AES, are)"),
            ))
        }
    }
    Ok(SymmetricJob {
        algorithm,
        key,
        mode,
        padded,
        parameters,
    })
}

impl SymmetricJob {
    fn block_algorithm(&self) -> BlockAlgorithm {
        if self.algorithm == CryptographicAlgorithm::DES3 {
            BlockAlgorithm::TripleDes
        } else {
            BlockAlgorithm::Aes
        }
    }

    fn chaining(&self) -> Chaining {
        if self.mode == BlockCipherMode::ECB {
            Chaining::Ecb
        } else {
            Chaining::Cbc
        }
    }
}

fn generated_iv(len: usize) -> Result<Vec<u8>, OpError> {
    random_bytes(len).ok_or_else(|| {
        OpError::new(
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            "the system random number generator failed",
        )
    })
}

/// Encrypt (KMIP 1.2 §4.29, 2.1 §6.1.18).
pub fn encrypt(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    reject_streaming(payload)?;
    let object = ctx.owned(&uid)?.clone();
    let data = required_bytes(payload, tags::DATA, "Data")?;
    let parameters = effective_parameters(payload, &object);
    if object.object_type == ObjectType::PUBLIC_KEY {
        check_key_use(
            ctx,
            &object,
            Purpose::Protect,
            CryptographicUsageMask::ENCRYPT,
        )?;
        usage::consume(ctx, &object, data.len())?;
        let ciphertext = asymmetric::encrypt(&object, parameters.as_ref(), &data)?;
        return Ok(response_payload(vec![
            uid_item(&uid),
            Item::new(tags::DATA, Value::ByteString(ciphertext)),
        ]));
    }
    if object.object_type != ObjectType::SYMMETRIC_KEY {
        return Err(wrong_object_type(
            ctx,
            &object,
            "Encrypt needs a Symmetric Key or Public Key",
        ));
    }
    check_key_use(
        ctx,
        &object,
        Purpose::Protect,
        CryptographicUsageMask::ENCRYPT,
    )?;
    let job = symmetric_job(ctx, &object, parameters.as_ref())?;
    let requested_iv = optional_bytes(payload, tags::IV_COUNTER_NONCE, "IV/Counter/Nonce")?;
    let mut fields = vec![uid_item(&uid)];
    let needs_iv = job.mode != BlockCipherMode::ECB;
    let (iv, generated) = match requested_iv {
        Some(iv) => (iv, false),
        None if !needs_iv => (Vec::new(), false),
        None if job.parameters.random_iv => {
            let len = if job.mode == BlockCipherMode::GCM {
                12
            } else {
                job.block_algorithm().block_size()
            };
            (generated_iv(len)?, true)
        }
        None => return Err(missing_iv(ctx, job.mode)),
    };
    if job.mode == BlockCipherMode::GCM {
        let tag_length =
            cipher::gcm_tag_length(job.parameters.tag_length).map_err(|e| cipher_error(ctx, e))?;
        let aad = optional_bytes(
            payload,
            tags::AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA,
            "Authenticated Encryption Additional Data",
        )?
        .unwrap_or_default();
        usage::consume(ctx, &object, data.len())?;
        let (ciphertext, tag) = cipher::gcm_encrypt(&job.key, &iv, &aad, &data, tag_length)
            .map_err(|e| cipher_error(ctx, e))?;
        fields.push(Item::new(tags::DATA, Value::ByteString(ciphertext)));
        if generated {
            fields.push(Item::new(tags::IV_COUNTER_NONCE, Value::ByteString(iv)));
        }
        fields.push(Item::new(
            tags::AUTHENTICATED_ENCRYPTION_TAG,
            Value::ByteString(tag),
        ));
        return Ok(response_payload(fields));
    }
    usage::consume(ctx, &object, data.len())?;
    let ciphertext = cipher::block_encrypt(
        job.block_algorithm(),
        &job.key,
        job.chaining(),
        &iv,
        &data,
        job.padded,
    )
    .map_err(|e| cipher_error(ctx, e))?;
    fields.push(Item::new(tags::DATA, Value::ByteString(ciphertext)));
    if generated {
        fields.push(Item::new(tags::IV_COUNTER_NONCE, Value::ByteString(iv)));
    }
    Ok(response_payload(fields))
}

/// Decrypt (KMIP 1.2 §4.30, 2.1 §6.1.16).
pub fn decrypt(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    reject_streaming(payload)?;
    let object = ctx.owned(&uid)?.clone();
    let data = required_bytes(payload, tags::DATA, "Data")?;
    let parameters = effective_parameters(payload, &object);
    if object.object_type == ObjectType::PRIVATE_KEY {
        check_key_use(
            ctx,
            &object,
            Purpose::Process,
            CryptographicUsageMask::DECRYPT,
        )?;
        usage::consume(ctx, &object, data.len())?;
        let plaintext = asymmetric::decrypt(&object, parameters.as_ref(), &data)?;
        return Ok(response_payload(vec![
            uid_item(&uid),
            Item::new(tags::DATA, Value::ByteString(plaintext)),
        ]));
    }
    if object.object_type != ObjectType::SYMMETRIC_KEY {
        return Err(wrong_object_type(
            ctx,
            &object,
            "Decrypt needs a Symmetric Key or Private Key",
        ));
    }
    check_key_use(
        ctx,
        &object,
        Purpose::Process,
        CryptographicUsageMask::DECRYPT,
    )?;
    let job = symmetric_job(ctx, &object, parameters.as_ref())?;
    let iv = match optional_bytes(payload, tags::IV_COUNTER_NONCE, "IV/Counter/Nonce")? {
        Some(iv) => iv,
        None if job.mode == BlockCipherMode::ECB => Vec::new(),
        None => return Err(missing_iv(ctx, job.mode)),
    };
    let plaintext = if job.mode == BlockCipherMode::GCM {
        let tag = required_bytes(
            payload,
            tags::AUTHENTICATED_ENCRYPTION_TAG,
            "Authenticated Encryption Tag (GCM)",
        )?;
        if let Some(expected) = job.parameters.tag_length {
            if expected != tag.len() as i64 {
                return Err(bad_parameters(
                    ctx,
                    format!("Tag Length is {expected} but the Authenticated Encryption Tag has {} bytes", tag.len()),
                ));
            }
        }
        let aad = optional_bytes(
            payload,
            tags::AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA,
            "Authenticated Encryption Additional Data",
        )?
        .unwrap_or_default();
        usage::consume(ctx, &object, data.len())?;
        cipher::gcm_decrypt(&job.key, &iv, &aad, &data, &tag).map_err(|e| cipher_error(ctx, e))?
    } else {
        usage::consume(ctx, &object, data.len())?;
        cipher::block_decrypt(
            job.block_algorithm(),
            &job.key,
            job.chaining(),
            &iv,
            &data,
            job.padded,
        )
        .map_err(|e| cipher_error(ctx, e))?
    };
    Ok(response_payload(vec![
        uid_item(&uid),
        Item::new(tags::DATA, Value::ByteString(plaintext)),
    ]))
}

/// ECB/CBC encryption for Derive Key's ENCRYPT method (KMIP 1.2 §4.6): the
/// Block Cipher Mode is required; a missing CBC IV is all zeros ("an empty
/// IV is assumed").
pub(super) fn block_encrypt_for(
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
