//! Derive Key (KMIP 1.2 §4.6, 2.1 §6.1.14): a new Symmetric Key or Secret
//! Data object computed from existing keys or Secret Data.
//!
//! Methods: PBKDF2 (PKCS#5 / RFC 2898, HMAC-SHA1/256/384/512 PRF via `ring`),
//! HASH (a digest of the Derivation Data, or of the derivation key when no
//! data is given), HMAC (keyed by the derivation key over the Derivation Data;
//! the PRF is the key's HMAC algorithm, else Cryptographic Parameters' Hashing
//! Algorithm) and ENCRYPT (the Derivation Data encrypted under an AES or 3DES
//! derivation key in ECB or CBC mode, the Initialization Vector defaulting to
//! zeros). The SP 800-108 methods are not implemented.
//!
//! The base objects need the Derive Key usage mask bit and an Active state.
//! Derivation Data comes from the request or from a Secret Data base object,
//! never both (KMIP 1.2 §11.7). The result gets a Derivation Base Object link
//! to each base object, and each base object a Derived Key link to it.

use std::num::NonZeroU32;

use ring::{hmac, pbkdf2};

use super::create::{client_attributes, digest_of, server_attributes, symmetric_key};
use super::crypto::{
    block_encrypt_for, check_key_use, digest_for, hmac_algorithm, optional_bytes, reason_or,
    unsupported_parameters, Parameters,
};
use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{
    tags, CryptographicAlgorithm, CryptographicUsageMask, DerivationMethod, HashingAlgorithm,
    KeyFormatType, LinkType, ObjectType, ResultReason, SecretDataType, State,
};
use crate::server::object::{AttrKey, Attribute, ManagedObject};
use crate::server::usage::Purpose;
use crate::ttlv::{Item, Value};

/// The most iterations one PBKDF2 derivation may ask for.
const MAX_ITERATIONS: i32 = 1_000_000;

/// Invalid Field in 1.x (KMIP 1.2 §11.7), `v2` in 2.x.
fn invalid(ctx: &OpContext<'_, '_>, v2: ResultReason, message: impl Into<String>) -> OpError {
    OpError::new(ctx.by_version(ResultReason::INVALID_FIELD, v2), message)
}

/// The bytes held in a Symmetric Key or Secret Data object's Key Block.
fn raw_material(ctx: &OpContext<'_, '_>, object: &ManagedObject) -> Result<Vec<u8>, OpError> {
    let block = object
        .material
        .as_ref()
        .and_then(|m| m.child(tags::KEY_BLOCK))
        .ok_or_else(|| {
            OpError::new(
                reason_or(
                    ctx,
                    ResultReason::KEY_VALUE_NOT_PRESENT,
                    ResultReason::INVALID_FIELD,
                ),
                format!("object {} has no key material", object.uid),
            )
        })?;
    match block
        .child(tags::KEY_VALUE)
        .and_then(|v| v.child(tags::KEY_MATERIAL))
        .map(|m| &m.value)
    {
        Some(Value::ByteString(bytes)) => Ok(bytes.clone()),
        Some(Value::Structure(fields)) => fields
            .iter()
            .find(|f| f.tag == tags::KEY)
            .and_then(|k| match &k.value {
                Value::ByteString(b) => Some(b.clone()),
                _ => None,
            })
            .ok_or_else(|| {
                OpError::new(
                    ResultReason::FEATURE_NOT_SUPPORTED,
                    format!("object {}: key material has no Key", object.uid),
                )
            }),
        _ => Err(OpError::new(
            ResultReason::FEATURE_NOT_SUPPORTED,
            format!(
                "object {} holds key material this server cannot use",
                object.uid
            ),
        )),
    }
}

fn algorithm_of(object: &ManagedObject) -> Option<CryptographicAlgorithm> {
    match object.attribute(tags::CRYPTOGRAPHIC_ALGORITHM) {
        Some(Value::Enumeration(a)) => Some(CryptographicAlgorithm(*a)),
        _ => None,
    }
}

/// The request's base objects, checked for type, usage mask and state.
fn base_objects(ctx: &OpContext<'_, '_>, payload: &Item) -> Result<Vec<ManagedObject>, OpError> {
    let mut objects = Vec::new();
    for field in payload.children_with(tags::UNIQUE_IDENTIFIER) {
        let Value::TextString(uid) = &field.value else {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "Derive Key names its base objects by text Unique Identifier (the ID Placeholder is not used)",
            ));
        };
        let object = ctx.owned(uid)?.clone();
        if object.object_type != ObjectType::SYMMETRIC_KEY
            && object.object_type != ObjectType::SECRET_DATA
        {
            return Err(invalid(
                ctx,
                ResultReason::INVALID_OBJECT_TYPE,
                format!(
                    "object {uid} is a {:?}; keys are derived from Symmetric Keys and Secret Data",
                    object.object_type
                ),
            ));
        }
        if let Some(Value::Integer(mask)) = object.attribute(tags::CRYPTOGRAPHIC_USAGE_MASK) {
            if (*mask as u32) & CryptographicUsageMask::DERIVE_KEY.0 == 0 {
                return Err(invalid(
                    ctx,
                    ResultReason::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
                    format!(
                        "object {uid} has Cryptographic Usage Mask 0x{mask:X}, without Derive Key"
                    ),
                ));
            }
        }
        check_key_use(
            ctx,
            &object,
            Purpose::Protect,
            CryptographicUsageMask::DERIVE_KEY,
        )?;
        objects.push(object);
    }
    if objects.is_empty() {
        return Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            "Derive Key needs at least one Unique Identifier of a base object",
        ));
    }
    Ok(objects)
}

/// What the derivation works on.
struct Inputs {
    /// The first Symmetric Key base object's material and algorithm.
    key: Option<(Vec<u8>, Option<CryptographicAlgorithm>)>,
    /// Derivation Data from the request or from a Secret Data base object.
    data: Option<Vec<u8>>,
    parameters: Parameters,
    derivation: Item,
}

fn inputs(
    ctx: &OpContext<'_, '_>,
    bases: &[ManagedObject],
    derivation: &Item,
) -> Result<Inputs, OpError> {
    let mut key = None;
    let mut secret_data = None;
    for object in bases {
        let material = raw_material(ctx, object)?;
        if object.object_type == ObjectType::SECRET_DATA {
            if secret_data.is_some() {
                return Err(invalid(
                    ctx,
                    ResultReason::INVALID_FIELD,
                    "more than one Secret Data base object",
                ));
            }
            secret_data = Some(material);
        } else if key.is_none() {
            key = Some((material, algorithm_of(object)));
        }
    }
    let explicit = optional_bytes(derivation, tags::DERIVATION_DATA, "Derivation Data")?;
    let data = match (explicit, secret_data) {
        (Some(_), Some(_)) => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Derivation Data was given both in the request and as a Secret Data object",
            ))
        }
        (explicit, secret) => explicit.or(secret),
    };
    let mut parameters_item = derivation.child(tags::CRYPTOGRAPHIC_PARAMETERS).cloned();
    if parameters_item.is_none() {
        parameters_item = bases.iter().find_map(|o| {
            o.attribute(tags::CRYPTOGRAPHIC_PARAMETERS)
                .map(|v| Item::new(tags::CRYPTOGRAPHIC_PARAMETERS, v.clone()))
        });
    }
    Ok(Inputs {
        key,
        data,
        parameters: Parameters::parse(parameters_item.as_ref())?,
        derivation: derivation.clone(),
    })
}

fn pbkdf2(ctx: &OpContext<'_, '_>, inputs: &Inputs, length: usize) -> Result<Vec<u8>, OpError> {
    let prf = match inputs.parameters.hashing.map(HashingAlgorithm) {
        None | Some(HashingAlgorithm::SHA_1) => pbkdf2::PBKDF2_HMAC_SHA1,
        Some(HashingAlgorithm::SHA_256) => pbkdf2::PBKDF2_HMAC_SHA256,
        Some(HashingAlgorithm::SHA_384) => pbkdf2::PBKDF2_HMAC_SHA384,
        Some(HashingAlgorithm::SHA_512) => pbkdf2::PBKDF2_HMAC_SHA512,
        Some(other) => {
            return Err(unsupported_parameters(
                ctx,
                format!("PBKDF2 with {other:?} is not supported (SHA-1/256/384/512 are)"),
            ))
        }
    };
    let salt = optional_bytes(&inputs.derivation, tags::SALT, "Salt")?.ok_or_else(|| {
        invalid(
            ctx,
            ResultReason::INVALID_MESSAGE,
            "PBKDF2 needs a Salt in Derivation Parameters",
        )
    })?;
    let max_iterations = MAX_ITERATIONS.min(ctx.config.max_kdf_iterations);
    let iterations = match inputs
        .derivation
        .child(tags::ITERATION_COUNT)
        .map(|i| &i.value)
    {
        Some(Value::Integer(n)) if (1..=max_iterations).contains(n) => *n as u32,
        Some(Value::Integer(n)) => {
            return Err(invalid(
                ctx,
                ResultReason::INVALID_FIELD,
                format!("Iteration Count {n} is out of range (1 to {max_iterations})"),
            ))
        }
        _ => {
            return Err(invalid(
                ctx,
                ResultReason::INVALID_MESSAGE,
                "PBKDF2 needs an Integer Iteration Count in Derivation Parameters",
            ))
        }
    };
    // The password: the Derivation Data (or Secret Data), else the base key itself.
    let password = inputs
        .data
        .as_ref()
        .or(inputs.key.as_ref().map(|(k, _)| k))
        .ok_or_else(|| {
            invalid(
                ctx,
                ResultReason::INVALID_MESSAGE,
                "PBKDF2 needs a password",
            )
        })?;
    let mut out = vec![0u8; length];
    let iterations = NonZeroU32::new(iterations).unwrap_or(NonZeroU32::MIN);
    pbkdf2::derive(prf, iterations, &salt, password, &mut out);
    Ok(out)
}

/// A derivation output cut to `length`, or the error for a too-short output.
fn truncated(output: Vec<u8>, length: usize, method: &str) -> Result<Vec<u8>, OpError> {
    if output.len() < length {
        return Err(OpError::new(
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            format!(
                "{method} yields {} bytes, fewer than the {length} requested",
                output.len()
            ),
        ));
    }
    Ok(output[..length].to_vec())
}

fn derive(
    ctx: &OpContext<'_, '_>,
    method: DerivationMethod,
    inputs: &Inputs,
    length: usize,
) -> Result<Vec<u8>, OpError> {
    let need_key = |what: &str| {
        inputs.key.clone().ok_or_else(|| {
            invalid(
                ctx,
                ResultReason::INVALID_FIELD,
                format!("{what} derivation needs a Symmetric Key base object"),
            )
        })
    };
    let need_data = |what: &str| {
        inputs.data.clone().ok_or_else(|| {
            OpError::new(
                ResultReason::INVALID_MESSAGE,
                format!("{what} derivation needs Derivation Data or a Secret Data base object"),
            )
        })
    };
    match method {
        DerivationMethod::PBKDF2 => pbkdf2(ctx, inputs, length),
        DerivationMethod::HASH => {
            let algorithm = inputs
                .parameters
                .hashing
                .map(HashingAlgorithm)
                .ok_or_else(|| {
                    invalid(
                        ctx,
                        ResultReason::BAD_CRYPTOGRAPHIC_PARAMETERS,
                        "HASH derivation needs a Hashing Algorithm in Cryptographic Parameters",
                    )
                })?;
            let input = match &inputs.data {
                Some(data) => data.clone(),
                None => need_key("HASH")?.0,
            };
            let digest = digest_for(algorithm, &input).ok_or_else(|| {
                unsupported_parameters(
                    ctx,
                    format!("Hashing Algorithm {algorithm:?} is not supported"),
                )
            })?;
            truncated(digest, length, "the hash")
        }
        DerivationMethod::HMAC => {
            let (key, key_algorithm) = need_key("HMAC")?;
            let data = need_data("HMAC")?;
            let by_key = key_algorithm.and_then(hmac_algorithm);
            let by_hash = match inputs.parameters.hashing.map(HashingAlgorithm) {
                Some(HashingAlgorithm::SHA_1) => Some(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY),
                Some(HashingAlgorithm::SHA_256) => Some(hmac::HMAC_SHA256),
                Some(HashingAlgorithm::SHA_384) => Some(hmac::HMAC_SHA384),
                Some(HashingAlgorithm::SHA_512) => Some(hmac::HMAC_SHA512),
                _ => None,
            };
            let prf = by_key.or(by_hash).ok_or_else(|| {
                unsupported_parameters(
                    ctx,
                    "HMAC derivation needs an HMAC-SHA1/256/384/512 key or a SHA-1/256/384/512 Hashing Algorithm",
                )
            })?;
            let tag = hmac::sign(&hmac::Key::new(prf, &key), &data);
            truncated(tag.as_ref().to_vec(), length, "the HMAC")
        }
        DerivationMethod::ENCRYPT => {
            let (key, key_algorithm) = need_key("ENCRYPT")?;
            let data = need_data("ENCRYPT")?;
            let iv = optional_bytes(
                &inputs.derivation,
                tags::INITIALIZATION_VECTOR,
                "Initialization Vector",
            )?;
            let output =
                block_encrypt_for(ctx, key_algorithm, &inputs.parameters, &key, iv, &data)?;
            truncated(output, length, "the encryption")
        }
        other => Err(invalid(
            ctx,
            ResultReason::INVALID_FIELD,
            format!(
                "Derivation Method {other:?} is not supported (PBKDF2, HASH, HMAC, ENCRYPT are)"
            ),
        )),
    }
}

fn secret_data(material: &[u8]) -> Item {
    Item::structure(
        tags::SECRET_DATA,
        vec![
            Item::new(
                tags::SECRET_DATA_TYPE,
                Value::Enumeration(SecretDataType::SEED.0),
            ),
            Item::structure(
                tags::KEY_BLOCK,
                vec![
                    Item::new(
                        tags::KEY_FORMAT_TYPE,
                        Value::Enumeration(KeyFormatType::OPAQUE.0),
                    ),
                    Item::structure(
                        tags::KEY_VALUE,
                        vec![Item::new(
                            tags::KEY_MATERIAL,
                            Value::ByteString(material.to_vec()),
                        )],
                    ),
                ],
            ),
        ],
    )
}

fn attribute_value(attributes: &[Attribute], tag: crate::ttlv::Tag) -> Option<&Value> {
    attributes
        .iter()
        .find(|a| a.key == AttrKey::Tag(tag))
        .map(|a| &a.value)
}

pub fn derive_key(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let object_type = match payload.child(tags::OBJECT_TYPE).map(|o| &o.value) {
        Some(Value::Enumeration(t)) => ObjectType(*t),
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Derive Key needs an Object Type",
            ))
        }
    };
    if object_type != ObjectType::SYMMETRIC_KEY && object_type != ObjectType::SECRET_DATA {
        return Err(invalid(
            ctx,
            ResultReason::INVALID_OBJECT_TYPE,
            format!("Derive Key creates Symmetric Keys or Secret Data, not {object_type:?}"),
        ));
    }
    let method = match payload.child(tags::DERIVATION_METHOD).map(|m| &m.value) {
        Some(Value::Enumeration(m)) => DerivationMethod(*m),
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Derive Key needs a Derivation Method",
            ))
        }
    };
    let derivation = payload.child(tags::DERIVATION_PARAMETERS).ok_or_else(|| {
        OpError::new(
            ResultReason::INVALID_MESSAGE,
            "Derive Key needs Derivation Parameters",
        )
    })?;
    let mut attributes = client_attributes(ctx, payload)?;
    let bits = match attribute_value(&attributes, tags::CRYPTOGRAPHIC_LENGTH) {
        Some(Value::Integer(bits)) if *bits > 0 && bits % 8 == 0 && *bits <= 4096 => *bits,
        Some(Value::Integer(bits)) => {
            return Err(invalid(
                ctx,
                ResultReason::INVALID_ATTRIBUTE,
                format!(
                    "Cryptographic Length {bits} must be a positive multiple of 8, at most 4096"
                ),
            ))
        }
        _ => {
            return Err(invalid(
                ctx,
                ResultReason::INVALID_ATTRIBUTE,
                "Derive Key needs the Cryptographic Length of the new object",
            ))
        }
    };
    let algorithm = match attribute_value(&attributes, tags::CRYPTOGRAPHIC_ALGORITHM) {
        Some(Value::Enumeration(a)) => Some(CryptographicAlgorithm(*a)),
        _ => None,
    };
    if object_type == ObjectType::SYMMETRIC_KEY {
        match algorithm {
            None => {
                return Err(invalid(
                    ctx,
                    ResultReason::INVALID_ATTRIBUTE,
                    "a derived Symmetric Key needs a Cryptographic Algorithm",
                ))
            }
            Some(CryptographicAlgorithm::AES) if ![128, 192, 256].contains(&bits) => {
                return Err(invalid(
                    ctx,
                    ResultReason::INVALID_ATTRIBUTE,
                    format!("AES keys are 128, 192 or 256 bits, not {bits}"),
                ))
            }
            _ => {}
        }
    }
    let bases = base_objects(ctx, payload)?;
    let inputs = inputs(ctx, &bases, derivation)?;
    let length = bits as usize / 8;
    let material = derive(ctx, method, &inputs, length)?;
    let (object_material, format) = if object_type == ObjectType::SYMMETRIC_KEY {
        let algorithm = algorithm.map_or(0, |a| a.0);
        (
            symmetric_key(algorithm, bits, &material),
            KeyFormatType::RAW,
        )
    } else {
        (secret_data(&material), KeyFormatType::OPAQUE)
    };
    attributes.extend(server_attributes(ctx));
    attributes.push(Attribute {
        key: AttrKey::Tag(tags::DIGEST),
        value: digest_of(&material, format),
    });
    for base in &bases {
        attributes.push(Attribute::link(
            LinkType::DERIVATION_BASE_OBJECT_LINK,
            &base.uid,
        ));
    }
    let object = ManagedObject::new(
        ctx.identity.clone(),
        object_type,
        State::PRE_ACTIVE,
        attributes,
        Some(object_material),
        ctx.txn.next_sequence(),
    );
    let uid = object.uid.clone();
    ctx.txn.put(object);
    for base in &bases {
        // Re-read: consume() may have stored a new Usage Limits count.
        let mut updated = ctx
            .txn
            .get(&base.uid)
            .cloned()
            .unwrap_or_else(|| base.clone());
        updated
            .attributes
            .push(Attribute::link(LinkType::DERIVED_KEY_LINK, &uid));
        ctx.txn.put(updated);
    }
    *ctx.id_placeholder = Some(uid.clone());
    Ok(response_payload(vec![uid_item(&uid)]))
}
