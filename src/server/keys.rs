//! Key material held in managed objects, in the forms the cryptographic
//! operations need: SubjectPublicKeyInfo for public keys, PKCS#8 for private
//! keys (KMIP 1.2 §2.1.7 Key Value, §9.1.3.2.3 Key Format Type).

use super::object::ManagedObject;
use super::ops::OpError;
use crate::kmip::{tags, KeyFormatType, ObjectType, ResultReason};
use crate::ttlv::Value;

/// The Key Format Type and Key Material bytes of an object's Key Block.
pub fn key_block_bytes(object: &ManagedObject) -> Result<(KeyFormatType, &[u8]), OpError> {
    let block = object
        .material
        .as_ref()
        .and_then(|m| m.child(tags::KEY_BLOCK))
        .ok_or_else(|| {
            OpError::new(
                ResultReason::KEY_VALUE_NOT_PRESENT,
                format!("object {} has no Key Block", object.uid),
            )
        })?;
    let format = match block.child(tags::KEY_FORMAT_TYPE).map(|f| &f.value) {
        Some(Value::Enumeration(f)) => KeyFormatType(*f),
        _ => KeyFormatType::RAW,
    };
    match block
        .child(tags::KEY_VALUE)
        .and_then(|v| v.child(tags::KEY_MATERIAL))
        .map(|m| &m.value)
    {
        Some(Value::ByteString(bytes)) => Ok((format, bytes)),
        _ => Err(OpError::new(
            ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            format!(
                "object {} holds {format:?} key material this server cannot use",
                object.uid
            ),
        )),
    }
}

/// A Public Key object's SubjectPublicKeyInfo (DER): X.509 as held, PKCS#1
/// RSA public keys wrapped.
pub fn public_key_spki(object: &ManagedObject) -> Result<Vec<u8>, OpError> {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::pkcs8::EncodePublicKey;
    if object.object_type != ObjectType::PUBLIC_KEY {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!(
                "object {} is a {:?}, not a Public Key",
                object.uid, object.object_type
            ),
        ));
    }
    let (format, bytes) = key_block_bytes(object)?;
    match format {
        KeyFormatType::X_509 => Ok(bytes.to_vec()),
        KeyFormatType::PKCS_1 => rsa::RsaPublicKey::from_pkcs1_der(bytes)
            .and_then(|k| {
                k.to_public_key_der()
                    .map_err(|_| rsa::pkcs1::Error::Version)
            })
            .map(|d| d.as_bytes().to_vec())
            .map_err(|e| {
                OpError::new(
                    ResultReason::INVALID_FIELD,
                    format!(
                        "object {}: PKCS#1 public key does not parse: {e}",
                        object.uid
                    ),
                )
            }),
        other => Err(OpError::new(
            ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            format!("public keys held as {other:?} are not supported"),
        )),
    }
}
