//! Get (KMIP 1.2 §4.11, 2.1 §6.1.19): return the object itself, keys in
//! the Key Format Type asked for where this server can convert them
//! (symmetric: Raw/Transparent; asymmetric: see [`keys::reformat`]).

use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{tags, KeyFormatType, ObjectType, ResultReason};
use crate::server::keys;
use crate::ttlv::{Item, Value};

/// Re-expresses a Raw symmetric key block in another key format, where possible.
fn convert_symmetric(object: &Item, wanted: KeyFormatType) -> Result<Item, OpError> {
    let block = object.child(tags::KEY_BLOCK).ok_or_else(|| {
        OpError::new(ResultReason::GENERAL_FAILURE, "stored key has no Key Block")
    })?;
    let current = match block.child(tags::KEY_FORMAT_TYPE).map(|f| &f.value) {
        Some(Value::Enumeration(f)) => KeyFormatType(*f),
        _ => KeyFormatType::RAW,
    };
    if current == wanted {
        return Ok(object.clone());
    }
    let raw_to_transparent =
        current == KeyFormatType::RAW && wanted == KeyFormatType::TRANSPARENT_SYMMETRIC_KEY;
    let transparent_to_raw =
        current == KeyFormatType::TRANSPARENT_SYMMETRIC_KEY && wanted == KeyFormatType::RAW;
    if !raw_to_transparent && !transparent_to_raw {
        return Err(OpError::new(
            ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            format!("this key is held as {current:?} and cannot be returned as {wanted:?}"),
        ));
    }
    // A Transparent Symmetric Key's Key Material is a structure holding the Key (KMIP 1.2 §2.1.7.1).
    let mut block = block.clone();
    block.walk_mut(&mut |item| {
        if item.tag == tags::KEY_FORMAT_TYPE {
            item.value = Value::Enumeration(wanted.0);
        } else if item.tag == tags::KEY_MATERIAL {
            item.value = match std::mem::replace(&mut item.value, Value::Structure(Vec::new())) {
                Value::ByteString(key) if raw_to_transparent => {
                    Value::Structure(vec![Item::new(tags::KEY, Value::ByteString(key))])
                }
                Value::Structure(fields) if transparent_to_raw => fields
                    .into_iter()
                    .find(|f| f.tag == tags::KEY)
                    .map_or(Value::ByteString(Vec::new()), |k| k.value),
                other => other,
            };
        }
    });
    Ok(Item::structure(object.tag, vec![block]))
}

pub fn get(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    let object = ctx.owned(&uid)?;
    let material = object.material.as_ref().ok_or_else(|| {
        OpError::new(
            ctx.by_version(
                ResultReason::ILLEGAL_OPERATION,
                ResultReason::KEY_VALUE_NOT_PRESENT,
            ),
            format!("object {uid} has been destroyed; only its attributes remain"),
        )
    })?;
    if payload.child(tags::KEY_WRAPPING_SPECIFICATION).is_some() {
        return Err(OpError::new(
            ResultReason::FEATURE_NOT_SUPPORTED,
            "key wrapping is not supported by the reference server",
        ));
    }
    let returned = match payload.child(tags::KEY_FORMAT_TYPE).map(|f| &f.value) {
        Some(Value::Enumeration(wanted)) if object.object_type == ObjectType::SYMMETRIC_KEY => {
            convert_symmetric(material, KeyFormatType(*wanted))?
        }
        Some(Value::Enumeration(wanted))
            if [ObjectType::PUBLIC_KEY, ObjectType::PRIVATE_KEY].contains(&object.object_type) =>
        {
            keys::reformat(object, KeyFormatType(*wanted))?
        }
        Some(Value::Enumeration(_)) => return Err(OpError::new(
            ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED,
            "only symmetric, public and private keys can be returned in another Key Format Type",
        )),
        _ => material.clone(),
    };
    Ok(response_payload(vec![
        Item::new(tags::OBJECT_TYPE, Value::Enumeration(object.object_type.0)),
        uid_item(&uid),
        returned,
    ]))
}
