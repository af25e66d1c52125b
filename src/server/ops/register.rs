//! Register (KMIP 1.2 §4.3, 2.1 §6.1.41): store an object the client supplies.
//! Every object type: Certificate, Symmetric/Public/Private/Split Key, Secret
//! Data, Opaque Object, Template (1.x) and PGP Key (1.2+).

use super::create::{add_server_attributes, check_unique_names, client_attributes, digest_of};
use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{tags, KeyFormatType, ObjectType, ResultReason, State};
use crate::server::object::{AttrKey, Attribute, ManagedObject};
use crate::ttlv::{Item, Tag, Value};

/// The object structure tag for each registrable object type.
fn object_tag(object_type: ObjectType) -> Option<Tag> {
    Some(match object_type {
        ObjectType::SYMMETRIC_KEY => tags::SYMMETRIC_KEY,
        ObjectType::SECRET_DATA => tags::SECRET_DATA,
        ObjectType::OPAQUE_OBJECT => tags::OPAQUE_OBJECT,
        ObjectType::TEMPLATE => tags::TEMPLATE,
        ObjectType::CERTIFICATE => tags::CERTIFICATE,
        ObjectType::PUBLIC_KEY => tags::PUBLIC_KEY,
        ObjectType::PRIVATE_KEY => tags::PRIVATE_KEY,
        ObjectType::SPLIT_KEY => tags::SPLIT_KEY,
        ObjectType::PGP_KEY => tags::PGP_KEY,
        _ => return None,
    })
}

/// Attributes the key block itself states (algorithm, length) and the digest of raw material.
fn key_block_attributes(object: &Item) -> Vec<Attribute> {
    let Some(block) = object.child(tags::KEY_BLOCK) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for tag in [tags::CRYPTOGRAPHIC_ALGORITHM, tags::CRYPTOGRAPHIC_LENGTH] {
        if let Some(item) = block.child(tag) {
            out.push(Attribute {
                key: AttrKey::Tag(tag),
                value: item.value.clone(),
            });
        }
    }
    let format = match block.child(tags::KEY_FORMAT_TYPE).map(|f| &f.value) {
        Some(Value::Enumeration(f)) => KeyFormatType(*f),
        _ => KeyFormatType::RAW,
    };
    let material = block
        .child(tags::KEY_VALUE)
        .and_then(|v| v.child(tags::KEY_MATERIAL));
    if let Some(Item {
        value: Value::ByteString(bytes),
        ..
    }) = material
    {
        out.push(Attribute {
            key: AttrKey::Tag(tags::DIGEST),
            value: digest_of(bytes, format),
        });
    }
    out
}

pub fn register(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let object_type = match payload.child(tags::OBJECT_TYPE).map(|o| &o.value) {
        Some(Value::Enumeration(t)) => ObjectType(*t),
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Register needs an Object Type",
            ))
        }
    };
    if !ObjectType::def().defined_in(object_type.0, ctx.version) {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!(
                "{object_type:?} is not an object type of KMIP {}",
                ctx.version
            ),
        ));
    }
    let tag = object_tag(object_type).ok_or_else(|| {
        OpError::new(
            ctx.by_version(
                ResultReason::INVALID_FIELD,
                ResultReason::INVALID_OBJECT_TYPE,
            ),
            format!("Register of {object_type:?} is not supported by the reference server"),
        )
    })?;
    let object = payload
        .child(tag)
        .filter(|o| matches!(o.value, Value::Structure(_)))
        .ok_or_else(|| {
            OpError::new(
                ResultReason::INVALID_FIELD,
                format!("Object Type {object_type:?} but no matching object structure"),
            )
        })?;
    let mut attrs = client_attributes(ctx, payload)?;
    for derived in key_block_attributes(object) {
        if !attrs.iter().any(|a| a.key == derived.key) {
            attrs.push(derived);
        }
    }
    if object_type == ObjectType::TEMPLATE
        && attrs.iter().any(|a| a.key == AttrKey::Tag(tags::NAME))
        && object.child(tags::NAME).is_some()
    {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            "a Template may not carry a Name inside the Template structure",
        ));
    }
    check_unique_names(ctx, &attrs)?;
    add_server_attributes(ctx, &mut attrs);
    let managed = ManagedObject::new(
        ctx.identity.clone(),
        object_type,
        State::PRE_ACTIVE,
        attrs,
        Some(object.clone()),
        ctx.txn.next_sequence(),
    );
    let uid = managed.uid.clone();
    ctx.txn.put(managed);
    *ctx.id_placeholder = Some(uid.clone());
    Ok(response_payload(vec![uid_item(&uid)]))
}
