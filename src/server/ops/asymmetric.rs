//! Encryption and decryption with public and private keys (RSA OAEP and
//! PKCS#1 v1.5, KMIP 1.2 §4.29–4.30, 2.1 §6.1.18/§6.1.15), called by
//! [`super::crypto`] when the key is asymmetric; also the checks and
//! Cryptographic Parameters handling shared with Sign and Signature Verify.
//!
//! These functions make every check themselves — state (§3.22), Process
//! Start / Protect Stop Dates (§3.25–3.26), Cryptographic Usage Mask
//! (§3.19) and Usage Limits (§3.21) — so the caller only finds the object.

use rsa::{Oaep, Pkcs1v15Encrypt};

use super::{OpContext, OpError};
use crate::kmip::{
    tags, CryptographicAlgorithm, CryptographicUsageMask, DigitalSignatureAlgorithm,
    HashingAlgorithm, ObjectType, PaddingMethod, ResultReason,
};
use crate::server::keys::{self, PrivateKey, PublicKey, SystemRng};
use crate::server::object::ManagedObject;
use crate::server::usage::{self, Purpose};
use crate::ttlv::{Item, Tag, Value};

/// Runs `$body` with `$t` bound to the RustCrypto digest type of a Hashing
/// Algorithm; `None` for hashes this server does not implement.
macro_rules! with_hash {
    ($hash:expr, $t:ident => $body:expr) => {
        match $hash {
            HashingAlgorithm::SHA_1 => {
                type $t = sha1::Sha1;
                Some($body)
            }
            HashingAlgorithm::SHA_224 => {
                type $t = sha2::Sha224;
                Some($body)
            }
            HashingAlgorithm::SHA_256 => {
                type $t = sha2::Sha256;
                Some($body)
            }
            HashingAlgorithm::SHA_384 => {
                type $t = sha2::Sha384;
                Some($body)
            }
            HashingAlgorithm::SHA_512 => {
                type $t = sha2::Sha512;
                Some($body)
            }
            _ => None,
        }
    };
}
pub(super) use with_hash;

/// The Cryptographic Parameters fields these operations use (KMIP 1.2 §3.6).
#[derive(Clone, Debug, Default)]
pub(super) struct Parameters {
    pub algorithm: Option<CryptographicAlgorithm>,
    pub padding: Option<PaddingMethod>,
    pub hash: Option<HashingAlgorithm>,
    pub signature: Option<DigitalSignatureAlgorithm>,
    pub mask_generator_hash: Option<HashingAlgorithm>,
    pub salt_length: Option<i32>,
}

/// The request's Cryptographic Parameters or, when it has none, the key's
/// Cryptographic Parameters attribute with the lowest index (KMIP 1.2 §4.29, §4.31).
pub(super) fn parameters(object: &ManagedObject, request: Option<&Item>) -> Parameters {
    let fields: &[Item] = match request.map(|r| &r.value) {
        Some(Value::Structure(fields)) => fields,
        _ => match object.attribute(tags::CRYPTOGRAPHIC_PARAMETERS) {
            Some(Value::Structure(fields)) => fields,
            _ => &[],
        },
    };
    let enumeration = |tag: Tag| {
        fields
            .iter()
            .find(|f| f.tag == tag)
            .and_then(|f| match f.value {
                Value::Enumeration(v) => Some(v),
                _ => None,
            })
    };
    Parameters {
        algorithm: enumeration(tags::CRYPTOGRAPHIC_ALGORITHM).map(CryptographicAlgorithm),
        padding: enumeration(tags::PADDING_METHOD).map(PaddingMethod),
        hash: enumeration(tags::HASHING_ALGORITHM).map(HashingAlgorithm),
        signature: enumeration(tags::DIGITAL_SIGNATURE_ALGORITHM).map(DigitalSignatureAlgorithm),
        mask_generator_hash: enumeration(tags::MASK_GENERATOR_HASHING_ALGORITHM)
            .map(HashingAlgorithm),
        salt_length: fields
            .iter()
            .find(|f| f.tag == tags::SALT_LENGTH)
            .and_then(|f| match f.value {
                Value::Integer(v) => Some(v),
                _ => None,
            }),
    }
}

/// Parameters that are wrong for the key or the operation: Bad Cryptographic
/// Parameters where the version has it (2.0+), else Invalid Field.
pub(super) fn bad_parameters(ctx: &OpContext<'_, '_>, message: impl Into<String>) -> OpError {
    let reason = if ResultReason::def()
        .defined_in(ResultReason::BAD_CRYPTOGRAPHIC_PARAMETERS.0, ctx.version)
    {
        ResultReason::BAD_CRYPTOGRAPHIC_PARAMETERS
    } else {
        ResultReason::INVALID_FIELD
    };
    OpError::new(reason, message)
}

/// Valid parameters this server does not implement: Unsupported Cryptographic
/// Parameters (2.0+), else Feature Not Supported.
pub(super) fn unsupported_parameters(
    ctx: &OpContext<'_, '_>,
    message: impl Into<String>,
) -> OpError {
    let reason = if ResultReason::def()
        .defined_in(ResultReason::UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS.0, ctx.version)
    {
        ResultReason::UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS
    } else {
        ResultReason::FEATURE_NOT_SUPPORTED
    };
    OpError::new(reason, message)
}

/// The object is not the kind of key the operation needs.
pub(super) fn require_type(
    ctx: &OpContext<'_, '_>,
    object: &ManagedObject,
    allowed: &[ObjectType],
    operation: &str,
) -> Result<(), OpError> {
    if allowed.contains(&object.object_type) {
        return Ok(());
    }
    Err(OpError::new(
        ctx.by_version(
            ResultReason::INVALID_FIELD,
            ResultReason::INVALID_OBJECT_TYPE,
        ),
        format!(
            "object {} is a {:?}; {operation} needs a {allowed:?}",
            object.uid, object.object_type
        ),
    ))
}

/// Refuses use outside the key's Process Start Date / Protect Stop Date window (KMIP 1.2 §3.25–3.26).
fn require_dates(
    ctx: &OpContext<'_, '_>,
    object: &ManagedObject,
    purpose: Purpose,
) -> Result<(), OpError> {
    let (tag, refused) = match purpose {
        Purpose::Protect => (tags::PROTECT_STOP_DATE, "its Protect Stop Date has passed"),
        Purpose::Process => (tags::PROCESS_START_DATE, "its Process Start Date is still to come"),
    };
    let blocked = match (purpose, object.attribute(tag)) {
        (Purpose::Protect, Some(Value::DateTime(stop))) => *stop <= ctx.now,
        (Purpose::Process, Some(Value::DateTime(start))) => *start > ctx.now,
        _ => false,
    };
    if blocked {
        return Err(OpError::new(
            ctx.wrong_state(),
            format!("object {} cannot be used: {refused}", object.uid),
        ));
    }
    Ok(())
}

/// Every check a cryptographic use of `object` needs, then, for applying
/// protection, one use charged against its Usage Limits (KMIP 1.2 §3.21:
/// the limits "only reflect their usage for applying that protection").
pub(super) fn use_key(
    ctx: &mut OpContext<'_, '_>,
    object: &ManagedObject,
    purpose: Purpose,
    bit: CryptographicUsageMask,
    data_len: usize,
) -> Result<(), OpError> {
    usage::require_state(ctx, object, purpose)?;
    require_dates(ctx, object, purpose)?;
    usage::require_usage(ctx, object, bit)?;
    match purpose {
        Purpose::Protect => usage::consume(ctx, object, data_len),
        Purpose::Process => Ok(()),
    }
}

/// The padding the parameters ask for, for RSA encryption.
enum Padding {
    Oaep(Oaep),
    Pkcs1v15,
}

fn padding(ctx: &OpContext<'_, '_>, parameters: &Parameters) -> Result<Padding, OpError> {
    if let Some(algorithm) = parameters.algorithm {
        if algorithm != CryptographicAlgorithm::RSA {
            return Err(bad_parameters(
                ctx,
                format!("Cryptographic Algorithm {algorithm:?} does not match an RSA key"),
            ));
        }
    }
    match parameters.padding {
        Some(PaddingMethod::PKCS1_V1_5) => Ok(Padding::Pkcs1v15),
        Some(PaddingMethod::OAEP) => {
            // PKCS#1 (RFC 8017 §A.2.1): SHA-1 and MGF1 with SHA-1 unless stated.
            let hash = parameters.hash.unwrap_or(HashingAlgorithm::SHA_1);
            let mgf = parameters.mask_generator_hash.unwrap_or(HashingAlgorithm::SHA_1);
            with_hash!(hash, D => with_hash!(mgf, M => Oaep::new_with_mgf_hash::<D, M>()))
                .flatten()
                .map(Padding::Oaep)
                .ok_or_else(|| {
                    unsupported_parameters(
                        ctx,
                        format!("OAEP with {hash:?} / MGF1 {mgf:?} is not supported (SHA-1, SHA-2 are)"),
                    )
                })
        }
        Some(other) => Err(unsupported_parameters(
            ctx,
            format!("RSA encryption with Padding Method {other:?} is not supported (OAEP, PKCS1 v1.5 are)"),
        )),
        None => Err(bad_parameters(
            ctx,
            "RSA encryption needs a Padding Method (OAEP or PKCS1 v1.5) in the request's or the key's Cryptographic Parameters",
        )),
    }
}

/// Encrypts `data` with a Public Key (or Certificate) object under the
/// request's Cryptographic Parameters. `object` is a copy of the stored
/// object (the Usage Limits update is written back through `ctx`).
pub fn encrypt(
    ctx: &mut OpContext<'_, '_>,
    object: &ManagedObject,
    parameters: Option<&Item>,
    data: &[u8],
) -> Result<Vec<u8>, OpError> {
    require_type(
        ctx,
        object,
        &[ObjectType::PUBLIC_KEY, ObjectType::CERTIFICATE],
        "asymmetric Encrypt",
    )?;
    let PublicKey::Rsa(key) = keys::public_key(object)? else {
        return Err(bad_parameters(
            ctx,
            format!("object {} is not an RSA key; only RSA keys encrypt", object.uid),
        ));
    };
    let padding = padding(ctx, &self::parameters(object, parameters))?;
    use_key(
        ctx,
        object,
        Purpose::Protect,
        CryptographicUsageMask::ENCRYPT,
        data.len(),
    )?;
    let result = match padding {
        Padding::Oaep(oaep) => key.encrypt(&mut SystemRng, oaep, data),
        Padding::Pkcs1v15 => key.encrypt(&mut SystemRng, Pkcs1v15Encrypt, data),
    };
    result.map_err(|e| {
        OpError::new(
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            format!("RSA encryption failed (is the data too long for the key and padding?): {e}"),
        )
    })
}

/// Decrypts `data` with a Private Key object under the request's
/// Cryptographic Parameters. `object` is a copy of the stored object.
pub fn decrypt(
    ctx: &mut OpContext<'_, '_>,
    object: &ManagedObject,
    parameters: Option<&Item>,
    data: &[u8],
) -> Result<Vec<u8>, OpError> {
    require_type(ctx, object, &[ObjectType::PRIVATE_KEY], "asymmetric Decrypt")?;
    let PrivateKey::Rsa(key) = keys::private_key(object)? else {
        return Err(bad_parameters(
            ctx,
            format!("object {} is not an RSA key; only RSA keys decrypt", object.uid),
        ));
    };
    let padding = padding(ctx, &self::parameters(object, parameters))?;
    use_key(
        ctx,
        object,
        Purpose::Process,
        CryptographicUsageMask::DECRYPT,
        data.len(),
    )?;
    let result = match padding {
        Padding::Oaep(oaep) => key.decrypt_blinded(&mut SystemRng, oaep, data),
        Padding::Pkcs1v15 => key.decrypt_blinded(&mut SystemRng, Pkcs1v15Encrypt, data),
    };
    result.map_err(|_| {
        OpError::new(
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            "RSA decryption failed: the ciphertext does not decrypt under this key and padding",
        )
    })
}
