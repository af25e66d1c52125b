//! Key Format Type conversions for Get (KMIP 1.2 §4.11, §2.1.7): RSA keys
//! as PKCS#1, PKCS#8 / X.509 or Transparent RSA; EC keys as PKCS#8, SEC1
//! (EC Private Key) or Transparent EC(DSA) / X.509 or Transparent EC(DSA);
//! Ed25519 keys as PKCS#8 / X.509.

use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
use rsa::pkcs8::EncodePrivateKey;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::BigUint;

use super::{
    block_format, key_block, private_key, public_key, public_of, spki_of, PrivateKey, PublicKey,
};
use crate::kmip::{tags, KeyFormatType, ObjectType, ResultReason};
use crate::server::object::ManagedObject;
use crate::server::ops::OpError;
use crate::ttlv::{Item, Value};

/// A positive integer as a KMIP Big Integer: big-endian two's complement,
/// sign-padded to a multiple of 8 bytes (KMIP 1.2 §9.1.1.4).
fn big_integer(value: &BigUint) -> Value {
    let mut bytes = value.to_bytes_be();
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        bytes.insert(0, 0);
    }
    let padding = (8 - bytes.len() % 8) % 8;
    let mut out = vec![0u8; padding];
    out.extend(bytes);
    Value::BigInteger(out)
}

/// The Key Material of a key in `wanted` format, or `None` when this key
/// cannot be expressed that way.
fn key_material_as(
    object_type: ObjectType,
    private: Option<&PrivateKey>,
    public: &PublicKey,
    wanted: KeyFormatType,
) -> Result<Option<Value>, String> {
    let der = |r: Result<Vec<u8>, String>| r.map(|d| Some(Value::ByteString(d)));
    if object_type == ObjectType::PRIVATE_KEY {
        return match (private, wanted) {
            (Some(PrivateKey::Rsa(rsa)), KeyFormatType::PKCS_1) => der(rsa
                .to_pkcs1_der()
                .map(|d| d.as_bytes().to_vec())
                .map_err(|e| e.to_string())),
            (Some(PrivateKey::Rsa(rsa)), KeyFormatType::PKCS_8) => der(rsa
                .to_pkcs8_der()
                .map(|d| d.as_bytes().to_vec())
                .map_err(|e| e.to_string())),
            (Some(PrivateKey::Rsa(rsa)), KeyFormatType::TRANSPARENT_RSA_PRIVATE_KEY) => {
                let primes = rsa.primes();
                let (Some(p), Some(q)) = (primes.first(), primes.get(1)) else {
                    return Err("RSA key without two primes".into());
                };
                let one = BigUint::from(1u8);
                let exponent_p = rsa.d() % (p - &one);
                let exponent_q = rsa.d() % (q - &one);
                let crt = rsa
                    .crt_coefficient()
                    .ok_or("RSA key without a CRT coefficient")?;
                let fields = [
                    (tags::MODULUS, rsa.n().clone()),
                    (tags::PRIVATE_EXPONENT, rsa.d().clone()),
                    (tags::PUBLIC_EXPONENT, rsa.e().clone()),
                    (tags::P, p.clone()),
                    (tags::Q, q.clone()),
                    (tags::PRIME_EXPONENT_P, exponent_p),
                    (tags::PRIME_EXPONENT_Q, exponent_q),
                    (tags::CRT_COEFFICIENT, crt),
                ];
                Ok(Some(Value::Structure(
                    fields
                        .iter()
                        .map(|(tag, v)| Item::new(*tag, big_integer(v)))
                        .collect(),
                )))
            }
            (
                Some(PrivateKey::Ecdsa { curve, pkcs8 }),
                KeyFormatType::TRANSPARENT_EC_PRIVATE_KEY
                | KeyFormatType::TRANSPARENT_ECDSA_PRIVATE_KEY,
            ) => {
                let scalar = super::sec1::private_scalar(pkcs8)?;
                Ok(Some(Value::Structure(vec![
                    Item::new(
                        tags::RECOMMENDED_CURVE,
                        Value::Enumeration(curve.recommended().0),
                    ),
                    Item::new(tags::D, big_integer(&BigUint::from_bytes_be(&scalar))),
                ])))
            }
            (Some(PrivateKey::Ecdsa { curve, pkcs8 }), KeyFormatType::EC_PRIVATE_KEY) => {
                super::sec1::from_pkcs8(pkcs8, *curve).map(|d| Some(Value::ByteString(d)))
            }
            (Some(PrivateKey::Ecdsa { pkcs8, .. }), KeyFormatType::PKCS_8)
            | (Some(PrivateKey::Ed25519 { pkcs8 }), KeyFormatType::PKCS_8) => {
                Ok(Some(Value::ByteString(pkcs8.clone())))
            }
            _ => Ok(None),
        };
    }
    match (public, wanted) {
        (PublicKey::Rsa(rsa), KeyFormatType::PKCS_1) => der(rsa
            .to_pkcs1_der()
            .map(|d| d.as_bytes().to_vec())
            .map_err(|e| e.to_string())),
        (_, KeyFormatType::X_509) => spki_of(public)
            .map(|d| Some(Value::ByteString(d)))
            .map_err(|e| e.message),
        (
            PublicKey::Ecdsa { curve, point },
            KeyFormatType::TRANSPARENT_EC_PUBLIC_KEY | KeyFormatType::TRANSPARENT_ECDSA_PUBLIC_KEY,
        ) => Ok(Some(Value::Structure(vec![
            Item::new(
                tags::RECOMMENDED_CURVE,
                Value::Enumeration(curve.recommended().0),
            ),
            Item::new(tags::Q_STRING, Value::ByteString(point.clone())),
        ]))),
        (PublicKey::Rsa(rsa), KeyFormatType::TRANSPARENT_RSA_PUBLIC_KEY) => {
            Ok(Some(Value::Structure(vec![
                Item::new(tags::MODULUS, big_integer(rsa.n())),
                Item::new(tags::PUBLIC_EXPONENT, big_integer(rsa.e())),
            ])))
        }
        _ => Ok(None),
    }
}

/// Re-expresses a Public or Private Key object in another Key Format Type
/// (Get, KMIP 1.2 §4.11): RSA keys as PKCS#1, PKCS#8 / X.509 or Transparent
/// RSA; EC and Ed25519 keys as PKCS#8 / X.509.
pub fn reformat(object: &ManagedObject, wanted: KeyFormatType) -> Result<Item, OpError> {
    let block = key_block(object)?;
    let material = object.material.as_ref().ok_or_else(|| {
        OpError::new(
            ResultReason::KEY_VALUE_NOT_PRESENT,
            format!("object {} has no key material", object.uid),
        )
    })?;
    let current = block_format(block);
    if current == wanted {
        return Ok(material.clone());
    }
    if block.child(tags::KEY_WRAPPING_DATA).is_some() {
        return Err(OpError::new(
            ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            format!("object {} is wrapped and cannot be converted", object.uid),
        ));
    }
    let private = match object.object_type {
        ObjectType::PRIVATE_KEY => Some(private_key(object)?),
        _ => None,
    };
    let public = match &private {
        Some(key) => public_of(key)?,
        None => public_key(object)?,
    };
    let value = key_material_as(object.object_type, private.as_ref(), &public, wanted)
        .map_err(|e| OpError::new(ResultReason::CRYPTOGRAPHIC_FAILURE, e))?
        .ok_or_else(|| {
            OpError::new(
                ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
                format!(
                    "object {} is held as {current:?} and cannot be returned as {wanted:?}",
                    object.uid
                ),
            )
        })?;
    let mut block = block.clone();
    block.walk_mut(&mut |item| {
        if item.tag == tags::KEY_FORMAT_TYPE {
            item.value = Value::Enumeration(wanted.0);
        } else if item.tag == tags::KEY_MATERIAL {
            item.value = value.clone();
        }
    });
    Ok(Item::structure(material.tag, vec![block]))
}
