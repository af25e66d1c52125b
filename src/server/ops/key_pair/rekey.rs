//! Re-key Key Pair (KMIP 1.2 §4.5, 2.1 §6.1.47): a replacement pair of the
//! same kind, with the existing pair's attributes (Table 150), its Names,
//! dates shifted by the Offset (Table 149) and Replacement/Replaced Object
//! links in both directions.

use super::generate::KeySpec;
use super::{build_pair, invalid_value, merge, pair_response, requested_attributes, value_of};
use crate::kmip::{tags, CryptographicAlgorithm, LinkType, ObjectType, ResultReason};
use crate::server::keys::{self, PublicKey};
use crate::server::object::state_from_dates;
use crate::server::object::{AttrKey, Attribute, ManagedObject};
use crate::server::ops::{OpContext, OpError, OpResult};
use crate::server::usage::{set_usage_count, usage_limits};
use crate::ttlv::{Item, Tag, Value};

/// Attributes of the existing keys that the replacement does not inherit (Table 150).
const NOT_COPIED: [Tag; 11] = [
    tags::DIGEST,
    tags::INITIAL_DATE,
    tags::LAST_CHANGE_DATE,
    tags::ORIGINAL_CREATION_DATE,
    tags::DESTROY_DATE,
    tags::COMPROMISE_OCCURRENCE_DATE,
    tags::COMPROMISE_DATE,
    tags::REVOCATION_REASON,
    tags::LINK,
    tags::FRESH,
    tags::LEASE_TIME,
];

/// The date attributes an Offset moves.
const SHIFTED: [Tag; 3] = [
    tags::DEACTIVATION_DATE,
    tags::PROCESS_START_DATE,
    tags::PROTECT_STOP_DATE,
];

/// The first Link of `link_type` on an object.
pub(in crate::server::ops) fn linked(
    object: &ManagedObject,
    link_type: LinkType,
) -> Option<String> {
    object
        .instances(&AttrKey::Tag(tags::LINK))
        .find_map(|l| match &l.value {
            Value::Structure(fields) => {
                let kind = fields.iter().find(|f| f.tag == tags::LINK_TYPE)?;
                let target = fields
                    .iter()
                    .find(|f| f.tag == tags::LINKED_OBJECT_IDENTIFIER)?;
                match (&kind.value, &target.value) {
                    (Value::Enumeration(k), Value::TextString(uid)) if *k == link_type.0 => {
                        Some(uid.clone())
                    }
                    _ => None,
                }
            }
            _ => None,
        })
}

fn date(object: &ManagedObject, tag: Tag) -> Option<i64> {
    match object.attribute(tag) {
        Some(Value::DateTime(t)) => Some(*t),
        _ => None,
    }
}

/// The existing key's attributes as the replacement inherits them.
fn inherited(
    ctx: &OpContext<'_, '_>,
    old: &ManagedObject,
    offset: Option<i64>,
) -> Result<Vec<Attribute>, OpError> {
    let mut attrs: Vec<Attribute> = old
        .attributes
        .iter()
        .filter(|a| !NOT_COPIED.iter().any(|t| a.key == AttrKey::Tag(*t)))
        .cloned()
        .collect();
    let mut copy = old.clone();
    copy.attributes = std::mem::take(&mut attrs);
    if let Some((total, _, unit)) = usage_limits(old) {
        set_usage_count(&mut copy, total, total, unit);
    }
    if let Some(offset) = offset {
        let activation = ctx.now + offset;
        match date(old, tags::ACTIVATION_DATE) {
            Some(old_activation) => {
                let shift = activation - old_activation;
                for tag in SHIFTED {
                    if let Some(t) = date(old, tag) {
                        copy.set(tag, Value::DateTime(t + shift));
                    }
                }
            }
            None if SHIFTED.iter().any(|t| date(old, *t).is_some()) => {
                return Err(OpError::new(
                    ctx.by_version(ResultReason::ILLEGAL_OPERATION, ResultReason::INVALID_FIELD),
                    format!(
                    "object {} has no Activation Date, so an Offset cannot place its other dates",
                    old.uid
                ),
                ))
            }
            None => {}
        }
        copy.set(tags::ACTIVATION_DATE, Value::DateTime(activation));
    }
    Ok(copy.attributes)
}

/// Request attributes override the inherited ones (single-instance) or add to them.
fn apply_request(inherited: Vec<Attribute>, requested: Vec<Attribute>) -> Vec<Attribute> {
    let mut out: Vec<Attribute> = inherited
        .into_iter()
        .filter(|a| {
            crate::server::object::multi_instance(&a.key)
                || !requested.iter().any(|r| r.key == a.key)
        })
        .collect();
    out = merge(&out, requested);
    out
}

/// The existing Private Key named by the request (or the ID Placeholder).
fn existing_private_key(ctx: &OpContext<'_, '_>, payload: &Item) -> Result<ManagedObject, OpError> {
    let named = payload
        .child(tags::PRIVATE_KEY_UNIQUE_IDENTIFIER)
        .map(|u| Item::new(tags::UNIQUE_IDENTIFIER, u.value.clone()));
    let uid = ctx.target_uid(&Item::structure(
        tags::REQUEST_PAYLOAD,
        named.into_iter().collect(),
    ))?;
    let old = ctx.owned(&uid)?.clone();
    if old.object_type != ObjectType::PRIVATE_KEY {
        return Err(OpError::new(
            ctx.by_version(
                ResultReason::PERMISSION_DENIED,
                ResultReason::INVALID_OBJECT_TYPE,
            ),
            format!(
                "object {uid} is a {:?}; Re-key Key Pair needs a Private Key",
                old.object_type
            ),
        ));
    }
    if old.material.is_none() {
        // Key Value Not Present arrived in KMIP 1.2; 1.1 says Permission Denied.
        let reason =
            if ResultReason::def().defined_in(ResultReason::KEY_VALUE_NOT_PRESENT.0, ctx.version) {
                ResultReason::KEY_VALUE_NOT_PRESENT
            } else {
                ResultReason::PERMISSION_DENIED
            };
        return Err(OpError::new(
            reason,
            format!("private key {uid} has been destroyed"),
        ));
    }
    Ok(old)
}

pub fn rekey_key_pair(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let old_private = existing_private_key(ctx, payload)?;
    let public_uid = linked(&old_private, LinkType::PUBLIC_KEY_LINK).ok_or_else(|| {
        OpError::new(
            ResultReason::PERMISSION_DENIED,
            format!(
                "private key {} has no Public Key Link, so it has no pair to re-key",
                old_private.uid
            ),
        )
    })?;
    let old_public = ctx.owned(&public_uid)?.clone();
    let key = keys::public_of(&keys::private_key(&old_private)?)?;
    let spec = match &key {
        PublicKey::Rsa(rsa) => KeySpec::Rsa(rsa::traits::PublicKeyParts::size(rsa.as_ref()) * 8),
        PublicKey::Ecdsa { curve, .. } => KeySpec::Ec(*curve),
        PublicKey::Ed25519 { .. } => KeySpec::Ed25519,
    };
    let algorithm = match old_private.attribute(tags::CRYPTOGRAPHIC_ALGORITHM) {
        Some(Value::Enumeration(a)) => CryptographicAlgorithm(*a),
        _ => keys::algorithm_and_length(&key).0,
    };
    let offset = crate::server::ops::offset(payload)?;
    let (requested_private, requested_public) = requested_attributes(ctx, payload)?;
    let dated = |attrs: &[Attribute]| {
        value_of(attrs, tags::ACTIVATION_DATE).is_some()
            || value_of(attrs, tags::DEACTIVATION_DATE).is_some()
    };
    if offset.is_some() && (dated(&requested_private) || dated(&requested_public)) {
        return Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            "Offset cannot be given together with an Activation Date or Deactivation Date",
        ));
    }
    for tag in [tags::CRYPTOGRAPHIC_ALGORITHM, tags::CRYPTOGRAPHIC_LENGTH] {
        if value_of(&requested_private, tag).is_some() || value_of(&requested_public, tag).is_some()
        {
            return Err(invalid_value(
                ctx,
                "the replacement pair keeps the existing Cryptographic Algorithm and Length",
            ));
        }
    }
    let private_attrs = apply_request(inherited(ctx, &old_private, offset)?, requested_private);
    let public_attrs = apply_request(inherited(ctx, &old_public, offset)?, requested_public);
    let state = state_from_dates(&private_attrs, ctx.now);
    let (mut new_private, mut new_public) =
        build_pair(ctx, spec, algorithm, private_attrs, public_attrs, state)?;
    new_private.attributes.push(Attribute::link(
        LinkType::REPLACED_OBJECT_LINK,
        &old_private.uid,
    ));
    new_public.attributes.push(Attribute::link(
        LinkType::REPLACED_OBJECT_LINK,
        &old_public.uid,
    ));
    let (private_uid, public_uid) = (new_private.uid.clone(), new_public.uid.clone());
    for (mut old, replacement) in [(old_private, &private_uid), (old_public, &public_uid)] {
        // The replacement takes over the Names (Table 150).
        old.remove(tags::NAME);
        old.attributes.push(Attribute::link(
            LinkType::REPLACEMENT_OBJECT_LINK,
            replacement,
        ));
        old.set(tags::LAST_CHANGE_DATE, Value::DateTime(ctx.now));
        ctx.txn.put(old);
    }
    ctx.txn.put(new_private);
    ctx.txn.put(new_public);
    *ctx.id_placeholder = Some(private_uid.clone());
    pair_response(&private_uid, &public_uid)
}
