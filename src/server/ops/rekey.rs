//! Re-key (KMIP 1.2 §4.4, 2.1 §6.1.43): a replacement for an existing
//! symmetric key, with the attributes of Table 146 handled specially, dates
//! moved by the Offset as in Table 145, and Replacement/Replaced links.
//!
//! [`replace`] is the part every "re-" operation shares (Re-key, Re-key Key
//! Pair, Re-certify): what the replacement inherits and what the existing
//! object loses.

use super::create::{client_attributes, digest_of, server_attributes, symmetric_key};
use super::{offset, response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{tags, KeyFormatType, LinkType, ObjectType, ResultReason, State};
use crate::server::keys::key_block_bytes;
use crate::server::object::state_from_dates;
use crate::server::object::{AttrKey, Attribute, ManagedObject};
use crate::server::store::random_bytes;
use crate::server::usage::{set_usage_count, usage_limits};
use crate::ttlv::{Item, Tag, Value};

/// Attributes the replacement never inherits (Table 146): the server sets or
/// recomputes them, or they describe the existing object's history.
const NOT_INHERITED: &[Tag] = &[
    tags::INITIAL_DATE,
    tags::DESTROY_DATE,
    tags::COMPROMISE_OCCURRENCE_DATE,
    tags::COMPROMISE_DATE,
    tags::REVOCATION_REASON,
    tags::DIGEST,
    tags::LINK,
    tags::LAST_CHANGE_DATE,
    tags::ORIGINAL_CREATION_DATE,
    tags::ARCHIVE_DATE,
    tags::LEASE_TIME,
    tags::FRESH,
];

/// The dates Table 145 moves with the Activation Date.
const SHIFTED_DATES: &[Tag] = &[
    tags::PROCESS_START_DATE,
    tags::PROTECT_STOP_DATE,
    tags::DEACTIVATION_DATE,
];

fn date(attributes: &[Attribute], tag: Tag) -> Option<i64> {
    attributes.iter().find_map(|a| match a.value {
        Value::DateTime(t) if a.key == AttrKey::Tag(tag) => Some(t),
        _ => None,
    })
}

/// The replacement's attributes and the existing object as it must be stored
/// afterwards (names moved away, Replacement link added, Last Change Date).
///
/// `requested` are the client's attributes for the replacement; they win over
/// inherited ones. `replacement_uid` is the new object's identifier.
pub fn replace(
    ctx: &OpContext<'_, '_>,
    existing: &ManagedObject,
    requested: Vec<Attribute>,
    offset: Option<i64>,
    replacement_uid: &str,
) -> Result<(Vec<Attribute>, ManagedObject), OpError> {
    let requested_dates = [tags::ACTIVATION_DATE]
        .iter()
        .chain(SHIFTED_DATES)
        .any(|t| requested.iter().any(|a| a.key == AttrKey::Tag(*t)));
    if offset.is_some() && requested_dates {
        return Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            "Offset may not be given together with Activation, Process Start, Protect Stop or Deactivation Date (KMIP 1.2 §11.5)",
        ));
    }
    let mut attributes: Vec<Attribute> = existing
        .attributes
        .iter()
        .filter(|a| !matches!(a.key, AttrKey::Tag(t) if NOT_INHERITED.contains(&t)))
        .filter(|a| !requested.iter().any(|r| r.key == a.key))
        .cloned()
        .collect();
    if let Some(offset) = offset {
        let old_activation =
            date(&existing.attributes, tags::ACTIVATION_DATE).ok_or_else(|| {
                OpError::new(
                    ctx.by_version(ResultReason::ILLEGAL_OPERATION, ResultReason::INVALID_FIELD),
                    "an Offset needs an Activation Date on the existing object (KMIP 1.2 §4.4)",
                )
            })?;
        let new_activation = ctx.now.saturating_add(offset);
        let shift = new_activation - old_activation;
        for attribute in &mut attributes {
            match (&attribute.key, &mut attribute.value) {
                (AttrKey::Tag(t), Value::DateTime(v)) if *t == tags::ACTIVATION_DATE => {
                    *v = new_activation
                }
                (AttrKey::Tag(t), Value::DateTime(v)) if SHIFTED_DATES.contains(t) => {
                    *v = v.saturating_add(shift)
                }
                _ => {}
            }
        }
    }
    if let Some((total, _, unit)) = usage_limits(existing) {
        let mut holder = existing.clone();
        set_usage_count(&mut holder, total, total, unit);
        attributes.retain(|a| a.key != AttrKey::Tag(tags::USAGE_LIMITS));
        attributes.extend(
            holder
                .attributes
                .into_iter()
                .filter(|a| a.key == AttrKey::Tag(tags::USAGE_LIMITS)),
        );
    }
    attributes.extend(requested);
    attributes.extend(server_attributes(ctx));
    attributes.push(Attribute::link(
        LinkType::REPLACED_OBJECT_LINK,
        &existing.uid,
    ));

    let mut updated = existing.clone();
    updated
        .attributes
        .retain(|a| a.key != AttrKey::Tag(tags::NAME));
    updated.attributes.push(Attribute::link(
        LinkType::REPLACEMENT_OBJECT_LINK,
        replacement_uid,
    ));
    updated.set(tags::LAST_CHANGE_DATE, Value::DateTime(ctx.now));
    Ok((attributes, updated))
}

pub fn rekey(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    let existing = ctx.owned(&uid)?.clone();
    if existing.object_type != ObjectType::SYMMETRIC_KEY {
        return Err(OpError::new(
            ctx.by_version(
                ResultReason::PERMISSION_DENIED,
                ResultReason::INVALID_OBJECT_TYPE,
            ),
            format!(
                "Re-key replaces Symmetric Keys; object {uid} is a {:?}",
                existing.object_type
            ),
        ));
    }
    let (_, old_material) = key_block_bytes(&existing).map_err(|_| {
        OpError::new(
            ResultReason::KEY_VALUE_NOT_PRESENT,
            format!("object {uid} has no key material (destroyed?) to take the length from"),
        )
    })?;
    let (algorithm, bits) = match (
        existing.attribute(tags::CRYPTOGRAPHIC_ALGORITHM),
        existing.attribute(tags::CRYPTOGRAPHIC_LENGTH),
    ) {
        (Some(Value::Enumeration(a)), Some(Value::Integer(b))) => (*a, *b),
        _ => {
            return Err(OpError::new(
                ctx.by_version(ResultReason::PERMISSION_DENIED, ResultReason::INVALID_FIELD),
                format!("object {uid} has no Cryptographic Algorithm and Length to re-key with"),
            ))
        }
    };
    let material = random_bytes(old_material.len()).ok_or_else(|| {
        OpError::new(
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            "the system random number generator failed",
        )
    })?;
    let requested = client_attributes(ctx, payload)?;
    let mut replacement = ManagedObject::new(
        ctx.identity.clone(),
        ObjectType::SYMMETRIC_KEY,
        State::PRE_ACTIVE,
        Vec::new(),
        Some(symmetric_key(algorithm, bits, &material)),
        ctx.txn.next_sequence(),
    );
    let (mut attributes, updated) = replace(
        ctx,
        &existing,
        requested,
        offset(payload)?,
        &replacement.uid,
    )?;
    attributes.push(Attribute {
        key: AttrKey::Tag(tags::DIGEST),
        value: digest_of(&material, KeyFormatType::RAW),
    });
    replacement.state = state_from_dates(&attributes, ctx.now);
    replacement.attributes = attributes;
    let new_uid = replacement.uid.clone();
    ctx.txn.put(updated);
    ctx.txn.put(replacement);
    *ctx.id_placeholder = Some(new_uid.clone());
    Ok(response_payload(vec![uid_item(&new_uid)]))
}
