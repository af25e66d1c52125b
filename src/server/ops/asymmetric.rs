//! Encryption and decryption with public and private keys (RSA OAEP and
//! PKCS#1 v1.5, KMIP 1.2 §4.29–4.30, 2.1 §6.1.17, §6.1.11), called by
//! [`super::crypto`] when the key is asymmetric; also the checks and
//! Cryptographic Parameters handling shared with Sign and Signature Verify.
//!
//! [`encrypt`] and [`decrypt`] keep the signatures the Encrypt/Decrypt
//! operations call; those make the key-use checks first. Sign and Signature
//! Verify use [`use_key`] for the same checks: state (§3.22), Process Start /
//! Protect Stop Dates (§3.25–3.26), Cryptographic Usage Mask (§3.19) and
//! Usage Limits (§3.21).

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
    /// The OAEP label (P Source, KMIP 1.4 §3.6).
    pub p_source: Option<Vec<u8>>,
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
        p_source: fields
            .iter()
            .find(|f| f.tag == tags::P_SOURCE)
            .and_then(|f| match &f.value {
                Value::ByteString(v) => Some(v.clone()),
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
    let reason = if ResultReason::def().defined_in(
        ResultReason::UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS.0,
        ctx.version,
    ) {
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
        Purpose::Process => (
            tags::PROCESS_START_DATE,
            "its Process Start Date is still to come",
        ),
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

/// The padding the parameters ask for, for RSA encryption. Reasons are
/// ones every version has (Invalid Field, Feature Not Supported), as the
/// caller passes no version.
enum Padding {
    Oaep(Oaep),
    Pkcs1v15,
}

fn padding(parameters: &Parameters) -> Result<Padding, OpError> {
    let invalid = |message: String| OpError::new(ResultReason::INVALID_FIELD, message);
    let unsupported = |message: String| OpError::new(ResultReason::FEATURE_NOT_SUPPORTED, message);
    if let Some(algorithm) = parameters.algorithm {
        if algorithm != CryptographicAlgorithm::RSA {
            return Err(invalid(format!(
                "Cryptographic Algorithm {algorithm:?} does not match an RSA key"
            )));
        }
    }
    match parameters.padding {
        Some(PaddingMethod::PKCS1_V1_5) => Ok(Padding::Pkcs1v15),
        Some(PaddingMethod::OAEP) => {
            // PKCS#1 (RFC 8017 §A.2.1): SHA-1 and MGF1 with SHA-1 unless stated.
            let hash = parameters.hash.unwrap_or(HashingAlgorithm::SHA_1);
            let mgf = parameters.mask_generator_hash.unwrap_or(HashingAlgorithm::SHA_1);
            let mut oaep =
                with_hash!(hash, D => with_hash!(mgf, M => Oaep::new_with_mgf_hash::<D, M>()))
                    .flatten()
                    .ok_or_else(|| {
                        unsupported(format!(
                            "OAEP with {hash:?} / MGF1 {mgf:?} is not supported (SHA-1, SHA-2 are)"
                        ))
                    })?;
            if let Some(label) = &parameters.p_source {
                let text = String::from_utf8(label.clone()).map_err(|_| {
                    unsupported("OAEP P Source labels must be UTF-8 text on this server".into())
                })?;
                oaep.label = Some(text);
            }
            Ok(Padding::Oaep(oaep))
        }
        Some(other) => Err(unsupported(format!(
            "RSA encryption with Padding Method {other:?} is not supported (OAEP, PKCS1 v1.5 are)"
        ))),
        None => Err(invalid(
            "RSA encryption needs a Padding Method (OAEP or PKCS1 v1.5) in the request's or the key's Cryptographic Parameters".into(),
        )),
    }
}

/// Encrypts `data` with a Public Key (or Certificate) object under the
/// effective Cryptographic Parameters (the request's, else the key's).
/// The caller ([`super::crypto`]) has already checked the object's state,
/// dates and usage mask and charged its Usage Limits.
pub fn encrypt(
    object: &ManagedObject,
    parameters: Option<&Item>,
    data: &[u8],
) -> Result<Vec<u8>, OpError> {
    let PublicKey::Rsa(key) = keys::public_key(object)? else {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!(
                "object {} is not an RSA key; only RSA keys encrypt",
                object.uid
            ),
        ));
    };
    let result = match padding(&self::parameters(object, parameters))? {
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

/// Decrypts `data` with a Private Key object under the effective
/// Cryptographic Parameters. The caller has made the key-use checks.
pub fn decrypt(
    object: &ManagedObject,
    parameters: Option<&Item>,
    data: &[u8],
) -> Result<Vec<u8>, OpError> {
    let PrivateKey::Rsa(key) = keys::private_key(object)? else {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!(
                "object {} is not an RSA key; only RSA keys decrypt",
                object.uid
            ),
        ));
    };
    let result = match padding(&self::parameters(object, parameters))? {
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

#[cfg(test)]
mod tests {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::EncodePrivateKey;

    use super::*;
    use crate::kmip::{KeyFormatType, State};
    use crate::server::identity::Identity;
    use crate::server::object::{AttrKey, Attribute};

    fn key_object(
        object_type: ObjectType,
        tag: Tag,
        format: KeyFormatType,
        der: &[u8],
    ) -> ManagedObject {
        let block = Item::structure(
            tags::KEY_BLOCK,
            vec![
                Item::new(tags::KEY_FORMAT_TYPE, Value::Enumeration(format.0)),
                Item::structure(
                    tags::KEY_VALUE,
                    vec![Item::new(
                        tags::KEY_MATERIAL,
                        Value::ByteString(der.to_vec()),
                    )],
                ),
            ],
        );
        ManagedObject::new(
            Identity::Anonymous,
            object_type,
            State::ACTIVE,
            Vec::new(),
            Some(Item::structure(tag, vec![block])),
            0,
        )
    }

    /// A 2048-bit RSA key and its Public Key (PKCS#1) and Private Key (PKCS#8) objects.
    fn rsa_objects() -> (rsa::RsaPrivateKey, ManagedObject, ManagedObject) {
        let key = rsa::RsaPrivateKey::new(&mut SystemRng, 2048).unwrap();
        let public = key_object(
            ObjectType::PUBLIC_KEY,
            tags::PUBLIC_KEY,
            KeyFormatType::PKCS_1,
            key.to_public_key().to_pkcs1_der().unwrap().as_bytes(),
        );
        let private = key_object(
            ObjectType::PRIVATE_KEY,
            tags::PRIVATE_KEY,
            KeyFormatType::PKCS_8,
            key.to_pkcs8_der().unwrap().as_bytes(),
        );
        (key, public, private)
    }

    fn params(padding: PaddingMethod, hash: Option<HashingAlgorithm>) -> Item {
        let mut fields = vec![Item::new(
            tags::PADDING_METHOD,
            Value::Enumeration(padding.0),
        )];
        fields.extend(hash.map(|h| Item::new(tags::HASHING_ALGORITHM, Value::Enumeration(h.0))));
        Item::structure(tags::CRYPTOGRAPHIC_PARAMETERS, fields)
    }

    #[test]
    fn oaep_and_pkcs1_round_trip_with_an_independent_peer() {
        let (key, public, private) = rsa_objects();
        let message = b"attack at dawn";
        // Server encrypts, the rsa crate in the test decrypts.
        let oaep256 = params(PaddingMethod::OAEP, Some(HashingAlgorithm::SHA_256));
        let ciphertext = encrypt(&public, Some(&oaep256), message).unwrap();
        assert_eq!(ciphertext.len(), 256);
        let plain = key
            .decrypt(
                Oaep::new_with_mgf_hash::<sha2::Sha256, sha1::Sha1>(),
                &ciphertext,
            )
            .unwrap();
        assert_eq!(plain, message);
        // The test encrypts with OAEP's default SHA-1, the server decrypts.
        let ciphertext = key
            .to_public_key()
            .encrypt(&mut SystemRng, Oaep::new::<sha1::Sha1>(), message)
            .unwrap();
        let oaep = params(PaddingMethod::OAEP, None);
        assert_eq!(
            decrypt(&private, Some(&oaep), &ciphertext).unwrap(),
            message
        );
        // An OAEP label (P Source) and an explicit MGF1 hash, as CS-AC-M-OAEP-9-14.
        let labelled = Item::structure(
            tags::CRYPTOGRAPHIC_PARAMETERS,
            vec![
                Item::new(
                    tags::PADDING_METHOD,
                    Value::Enumeration(PaddingMethod::OAEP.0),
                ),
                Item::new(
                    tags::HASHING_ALGORITHM,
                    Value::Enumeration(HashingAlgorithm::SHA_384.0),
                ),
                Item::new(
                    tags::MASK_GENERATOR_HASHING_ALGORITHM,
                    Value::Enumeration(HashingAlgorithm::SHA_256.0),
                ),
                Item::new(
                    tags::P_SOURCE,
                    Value::ByteString(b"Kilroy was here".to_vec()),
                ),
            ],
        );
        let ciphertext = encrypt(&public, Some(&labelled), message).unwrap();
        let peer =
            Oaep::new_with_mgf_hash_and_label::<sha2::Sha384, sha2::Sha256, _>("Kilroy was here");
        assert_eq!(key.decrypt(peer, &ciphertext).unwrap(), message);
        assert_eq!(
            decrypt(&private, Some(&labelled), &ciphertext).unwrap(),
            message
        );
        // PKCS#1 v1.5 both ways.
        let v15 = params(PaddingMethod::PKCS1_V1_5, None);
        let ciphertext = encrypt(&public, Some(&v15), message).unwrap();
        assert_eq!(key.decrypt(Pkcs1v15Encrypt, &ciphertext).unwrap(), message);
        assert_eq!(decrypt(&private, Some(&v15), &ciphertext).unwrap(), message);
    }

    #[test]
    fn the_keys_cryptographic_parameters_apply_without_request_parameters() {
        let (key, mut public, _) = rsa_objects();
        public.attributes.push(Attribute {
            key: AttrKey::Tag(tags::CRYPTOGRAPHIC_PARAMETERS),
            value: params(PaddingMethod::OAEP, Some(HashingAlgorithm::SHA_512)).value,
        });
        let ciphertext = encrypt(&public, None, b"m").unwrap();
        assert_eq!(
            key.decrypt(
                Oaep::new_with_mgf_hash::<sha2::Sha512, sha1::Sha1>(),
                &ciphertext
            )
            .unwrap(),
            b"m"
        );
    }

    #[test]
    fn bad_parameters_keys_and_data_are_refused() {
        let (_, public, private) = rsa_objects();
        let reason = |r: Result<Vec<u8>, OpError>| r.unwrap_err().reason;
        assert_eq!(
            reason(encrypt(&public, None, b"m")),
            ResultReason::INVALID_FIELD
        );
        let pss = params(PaddingMethod::PSS, None);
        assert_eq!(
            reason(encrypt(&public, Some(&pss), b"m")),
            ResultReason::FEATURE_NOT_SUPPORTED
        );
        let md5 = params(PaddingMethod::OAEP, Some(HashingAlgorithm::MD5));
        assert_eq!(
            reason(encrypt(&public, Some(&md5), b"m")),
            ResultReason::FEATURE_NOT_SUPPORTED
        );
        let oaep = params(PaddingMethod::OAEP, Some(HashingAlgorithm::SHA_256));
        assert_eq!(
            reason(encrypt(&public, Some(&oaep), &[0u8; 300])),
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            "longer than the modulus"
        );
        assert_eq!(
            reason(decrypt(&private, Some(&oaep), &[7u8; 256])),
            ResultReason::CRYPTOGRAPHIC_FAILURE
        );
        // An EC key does not encrypt.
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = ring::signature::EcdsaKeyPair::generate_pkcs8(
            &ring::signature::ECDSA_P256_SHA256_ASN1_SIGNING,
            &rng,
        )
        .unwrap();
        let ec = key_object(
            ObjectType::PRIVATE_KEY,
            tags::PRIVATE_KEY,
            KeyFormatType::PKCS_8,
            pkcs8.as_ref(),
        );
        assert_eq!(
            reason(decrypt(&ec, Some(&oaep), &[7u8; 64])),
            ResultReason::INVALID_FIELD
        );
    }
}
