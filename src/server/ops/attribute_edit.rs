//! Add, Modify and Delete Attribute (KMIP 1.2 §4.14–4.16, 2.1 §6.1.2, 6.1.32, 6.1.19).
//!
//! 1.x names an instance by Attribute Name and Attribute Index and returns the
//! attribute; 2.x uses New Attribute / Current Attribute / Attribute Reference
//! and returns only the Unique Identifier.

use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{tags, ResultReason};
use crate::server::attributes::{self, from_1x, from_2x, to_wire};
use crate::server::object::{multi_instance, read_only, AttrKey, Attribute, ManagedObject};
use crate::ttlv::{Item, Value};

/// The reason for an attempt to change a read-only attribute.
/// (1.x: Permission Denied; in 2.x Add Attribute lists Read Only Attribute,
/// Modify and Delete list Attribute Read Only.)
pub(super) fn refuse_read_only(
    ctx: &OpContext<'_, '_>,
    key: &AttrKey,
    adding: bool,
) -> Result<(), OpError> {
    if read_only(key) {
        let v2 = if adding {
            ResultReason::READ_ONLY_ATTRIBUTE
        } else {
            ResultReason::ATTRIBUTE_READ_ONLY
        };
        return Err(OpError::new(
            ctx.by_version(ResultReason::PERMISSION_DENIED, v2),
            format!(
                "attribute `{}` is read-only for clients",
                attributes::name_of(key)
            ),
        ));
    }
    Ok(())
}

/// Refuses a change the object's state forbids (KMIP 1.2 §3.24 Activation
/// Date: only while Pre-Active; §3.25–3.27 Process Start, Protect Stop and
/// Deactivation Date: only while Pre-Active or Active; SKLC-M-3, AKLC-M-3).
/// 1.x answers Permission Denied, 2.x Wrong Key Lifecycle State.
pub(super) fn refuse_in_state(
    ctx: &OpContext<'_, '_>,
    object: &ManagedObject,
    key: &AttrKey,
) -> Result<(), OpError> {
    use crate::kmip::State;
    let AttrKey::Tag(tag) = key else {
        return Ok(());
    };
    let allowed: &[State] = if *tag == tags::ACTIVATION_DATE {
        &[State::PRE_ACTIVE]
    } else if [
        tags::PROCESS_START_DATE,
        tags::PROTECT_STOP_DATE,
        tags::DEACTIVATION_DATE,
    ]
    .contains(tag)
    {
        &[State::PRE_ACTIVE, State::ACTIVE]
    } else {
        return Ok(());
    };
    if allowed.contains(&object.state) {
        return Ok(());
    }
    Err(OpError::new(
        ctx.wrong_state(),
        format!(
            "attribute `{}` of object {} cannot change in state {:?}",
            attributes::name_of(key),
            object.uid,
            object.state
        ),
    ))
}

/// The object to change, owned by this client, and its uid.
pub(super) fn target(ctx: &OpContext<'_, '_>, payload: &Item) -> Result<ManagedObject, OpError> {
    let uid = ctx.target_uid(payload)?;
    Ok(ctx.owned(&uid)?.clone())
}

pub(super) fn touched(ctx: &mut OpContext<'_, '_>, mut object: ManagedObject) {
    object.set(tags::LAST_CHANGE_DATE, Value::DateTime(ctx.now));
    ctx.txn.put(object);
}

/// The 1.x answer: the Unique Identifier and the attribute instance as stored.
fn answer(ctx: &OpContext<'_, '_>, uid: &str, attribute: Option<(&Attribute, usize)>) -> OpResult {
    let mut fields = vec![uid_item(uid)];
    if let (false, Some((attribute, index))) = (ctx.version.is_2x(), attribute) {
        fields.push(to_wire(attribute, index, ctx.version));
    }
    Ok(response_payload(fields))
}

pub(super) fn single_child<'a>(
    payload: &'a Item,
    tag: crate::ttlv::Tag,
    what: &str,
) -> Result<&'a Item, OpError> {
    payload
        .child(tag)
        .and_then(|c| c.children().first())
        .ok_or_else(|| OpError::new(ResultReason::INVALID_MESSAGE, format!("missing {what}")))
}

pub fn add_attribute(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let mut object = target(ctx, payload)?;
    let attribute = if ctx.version.is_2x() {
        from_2x(single_child(payload, tags::NEW_ATTRIBUTE, "New Attribute")?)?
    } else {
        let item = payload
            .child(tags::ATTRIBUTE)
            .ok_or_else(|| OpError::new(ResultReason::INVALID_MESSAGE, "missing Attribute"))?;
        let (attribute, index) = from_1x(item)?;
        if index.is_some() {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "a new attribute carries no Attribute Index",
            ));
        }
        attribute
    };
    refuse_read_only(ctx, &attribute.key, true)?;
    refuse_in_state(ctx, &object, &attribute.key)?;
    let existing = object.instances(&attribute.key).count();
    if existing > 0 && !multi_instance(&attribute.key) {
        let reason = if ctx.version.is_2x() {
            ResultReason::ATTRIBUTE_SINGLE_VALUED
        } else {
            ResultReason::ILLEGAL_OPERATION
        };
        return Err(OpError::new(
            reason,
            format!(
                "attribute `{}` already exists and allows one instance",
                attributes::name_of(&attribute.key)
            ),
        ));
    }
    if attribute.key == AttrKey::Tag(tags::NAME) {
        super::create::check_unique_names(ctx, std::slice::from_ref(&attribute))?;
    }
    object.attributes.push(attribute.clone());
    let uid = object.uid.clone();
    touched(ctx, object);
    answer(ctx, &uid, Some((&attribute, existing)))
}

/// Position in `object.attributes` of instance `index` of `key`.
fn position(object: &ManagedObject, key: &AttrKey, index: usize) -> Option<usize> {
    object
        .attributes
        .iter()
        .enumerate()
        .filter(|(_, a)| &a.key == key)
        .nth(index)
        .map(|(i, _)| i)
}

/// Position of the instance whose value equals `current`.
fn position_of_value(object: &ManagedObject, current: &Attribute) -> Option<usize> {
    object.attributes.iter().position(|a| a == current)
}

pub fn modify_attribute(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let mut object = target(ctx, payload)?;
    let (new, at) = if ctx.version.is_2x() {
        let new = from_2x(single_child(payload, tags::NEW_ATTRIBUTE, "New Attribute")?)?;
        let at = match payload
            .child(tags::CURRENT_ATTRIBUTE)
            .and_then(|c| c.children().first())
        {
            Some(current) => position_of_value(&object, &from_2x(current)?),
            None => position(&object, &new.key, 0),
        };
        (new, at)
    } else {
        let item = payload
            .child(tags::ATTRIBUTE)
            .ok_or_else(|| OpError::new(ResultReason::INVALID_MESSAGE, "missing Attribute"))?;
        let (new, index) = from_1x(item)?;
        let at = position(&object, &new.key, index.unwrap_or(0).max(0) as usize);
        (new, at)
    };
    refuse_read_only(ctx, &new.key, false)?;
    refuse_in_state(ctx, &object, &new.key)?;
    if object.instances(&new.key).next().is_none() {
        let reason = if ctx.version.is_2x() {
            ResultReason::ATTRIBUTE_NOT_FOUND
        } else {
            ResultReason::INVALID_FIELD
        };
        return Err(OpError::new(
            reason,
            format!(
                "attribute `{}` does not exist; add it first",
                attributes::name_of(&new.key)
            ),
        ));
    }
    let at = at.ok_or_else(|| {
        OpError::new(
            ctx.by_version(
                ResultReason::ITEM_NOT_FOUND,
                ResultReason::ATTRIBUTE_INSTANCE_NOT_FOUND,
            ),
            "no matching attribute instance",
        )
    })?;
    if new.key == AttrKey::Tag(tags::NAME) && object.attributes[at] != new {
        super::create::check_unique_names(ctx, std::slice::from_ref(&new))?;
    }
    let index = object.attributes[..at]
        .iter()
        .filter(|a| a.key == new.key)
        .count();
    object.attributes[at] = new.clone();
    let uid = object.uid.clone();
    touched(ctx, object);
    answer(ctx, &uid, Some((&new, index)))
}

pub fn delete_attribute(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let mut object = target(ctx, payload)?;
    let positions: Vec<usize> = if ctx.version.is_2x() {
        if let Some(current) = payload
            .child(tags::CURRENT_ATTRIBUTE)
            .and_then(|c| c.children().first())
        {
            let current = from_2x(current)?;
            refuse_read_only(ctx, &current.key, false)?;
            refuse_in_state(ctx, &object, &current.key)?;
            position_of_value(&object, &current).into_iter().collect()
        } else {
            let key = attributes::requested_keys(payload, ctx.version)?
                .and_then(|keys| keys.into_iter().next())
                .ok_or_else(|| {
                    OpError::new(
                        ResultReason::INVALID_MESSAGE,
                        "Delete Attribute needs Current Attribute or Attribute Reference",
                    )
                })?;
            refuse_read_only(ctx, &key, false)?;
            refuse_in_state(ctx, &object, &key)?;
            object
                .attributes
                .iter()
                .enumerate()
                .filter(|(_, a)| a.key == key)
                .map(|(i, _)| i)
                .collect()
        }
    } else {
        let name = match payload.child(tags::ATTRIBUTE_NAME).map(|n| &n.value) {
            Some(Value::TextString(name)) => name.clone(),
            _ => {
                return Err(OpError::new(
                    ResultReason::INVALID_MESSAGE,
                    "Delete Attribute needs an Attribute Name",
                ))
            }
        };
        let key = attributes::key_from_name(&name)?;
        refuse_read_only(ctx, &key, false)?;
        refuse_in_state(ctx, &object, &key)?;
        let index = match payload.child(tags::ATTRIBUTE_INDEX).map(|i| &i.value) {
            Some(Value::Integer(i)) if *i >= 0 => *i as usize,
            None => 0,
            Some(_) => {
                return Err(OpError::new(
                    ResultReason::INVALID_FIELD,
                    "Attribute Index must be a non-negative Integer",
                ))
            }
        };
        position(&object, &key, index).into_iter().collect()
    };
    if positions.is_empty() {
        let reason = if ctx.version.is_2x() {
            ResultReason::ATTRIBUTE_NOT_FOUND
        } else {
            ResultReason::ITEM_NOT_FOUND
        };
        return Err(OpError::new(reason, "no matching attribute instance"));
    }
    let first = positions[0];
    let index = object.attributes[..first]
        .iter()
        .filter(|a| a.key == object.attributes[first].key)
        .count();
    let deleted = object.attributes[first].clone();
    for at in positions.into_iter().rev() {
        object.attributes.remove(at);
    }
    let uid = object.uid.clone();
    touched(ctx, object);
    answer(ctx, &uid, Some((&deleted, index)))
}
