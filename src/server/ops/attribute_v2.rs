//! Set Attribute and Adjust Attribute (KMIP 2.1 §6.1.51, §6.1.3): the 2.x
//! single-instance edits. Set adds the attribute or replaces its only
//! instance; Adjust increments, decrements or negates a numeric, interval,
//! date or Boolean attribute (a missing one counts as 0 or false).

use super::attribute_edit::{refuse_in_state, refuse_read_only, single_child, target, touched};
use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{tags, AdjustmentType, ResultReason};
use crate::server::attributes::{self, from_2x, key_from_reference};
use crate::server::object::{AttrKey, Attribute};
use crate::ttlv::{Item, ItemType, Value};

fn multi_valued(key: &AttrKey) -> OpError {
    OpError::new(
        ResultReason::MULTI_VALUED_ATTRIBUTE,
        format!(
            "attribute `{}` has several instances; name one with Modify or Delete Attribute",
            attributes::name_of(key)
        ),
    )
}

pub fn set_attribute(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let mut object = target(ctx, payload)?;
    let attribute = from_2x(single_child(payload, tags::NEW_ATTRIBUTE, "New Attribute")?)?;
    refuse_read_only(ctx, &attribute.key, true)
        .map_err(|e| OpError::new(ResultReason::READ_ONLY_ATTRIBUTE, e.message))?;
    refuse_in_state(ctx, &object, &attribute.key)?;
    match object.instances(&attribute.key).count() {
        0 => {
            if attribute.key == AttrKey::Tag(tags::NAME) {
                super::create::check_unique_names(ctx, std::slice::from_ref(&attribute))?;
            }
            object.attributes.push(attribute);
        }
        1 => {
            if attribute.key == AttrKey::Tag(tags::NAME) {
                super::create::check_unique_names(ctx, std::slice::from_ref(&attribute))?;
            }
            if let Some(existing) = object
                .attributes
                .iter_mut()
                .find(|a| a.key == attribute.key)
            {
                existing.value = attribute.value;
            }
        }
        _ => return Err(multi_valued(&attribute.key)),
    }
    let uid = object.uid.clone();
    touched(ctx, object);
    Ok(response_payload(vec![uid_item(&uid)]))
}

/// The adjusted value, or why it cannot be adjusted.
fn adjust(current: &Value, how: AdjustmentType, by: Option<&Value>) -> Result<Value, OpError> {
    let numeric_range = || {
        OpError::new(
            ResultReason::NUMERIC_RANGE,
            "the adjustment overflows the attribute's type",
        )
    };
    let step = |expected: &str| -> Result<i128, OpError> {
        match by {
            None => Ok(1),
            Some(Value::Integer(v)) => Ok(i128::from(*v)),
            Some(Value::LongInteger(v)) => Ok(i128::from(*v)),
            Some(Value::Interval(v)) => Ok(i128::from(*v)),
            Some(Value::DateTime(v)) => Ok(i128::from(*v)),
            Some(other) => Err(OpError::new(
                ResultReason::INVALID_DATA_TYPE,
                format!(
                    "Adjustment Value is a {}, the attribute needs {expected}",
                    other.item_type()
                ),
            )),
        }
    };
    let apply = |value: i128, expected: &str| -> Result<i128, OpError> {
        match how {
            AdjustmentType::INCREMENT => Ok(value + step(expected)?),
            AdjustmentType::DECREMENT => Ok(value - step(expected)?),
            AdjustmentType::NEGATE if by.is_none() => Ok(-value),
            AdjustmentType::NEGATE => Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "Negate takes no Adjustment Value",
            )),
            other => Err(OpError::new(
                ResultReason::INVALID_FIELD,
                format!("Adjustment Type {other:?} is not defined"),
            )),
        }
    };
    Ok(match current {
        Value::Integer(v) => Value::Integer(
            i32::try_from(apply(i128::from(*v), "an Integer")?).map_err(|_| numeric_range())?,
        ),
        Value::LongInteger(v) => Value::LongInteger(
            i64::try_from(apply(i128::from(*v), "a Long Integer")?).map_err(|_| numeric_range())?,
        ),
        Value::Interval(v) => Value::Interval(
            u32::try_from(apply(i128::from(*v), "an Interval")?).map_err(|_| numeric_range())?,
        ),
        Value::DateTime(v) => Value::DateTime(
            i64::try_from(apply(i128::from(*v), "an Interval")?).map_err(|_| numeric_range())?,
        ),
        Value::Boolean(b) if how == AdjustmentType::NEGATE && by.is_none() => Value::Boolean(!b),
        Value::Boolean(_) => {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "a Boolean attribute can only be negated",
            ))
        }
        other => {
            return Err(OpError::new(
                ResultReason::INVALID_DATA_TYPE,
                format!("a {} attribute cannot be adjusted", other.item_type()),
            ))
        }
    })
}

/// The starting value of a missing attribute: 0 of its numeric type, or false.
fn zero_of(tag: crate::ttlv::Tag) -> Result<Value, OpError> {
    let item_type = crate::kmip::dictionary::tag(tag.0)
        .and_then(|d| d.item_types.first().copied())
        .ok_or_else(|| {
            OpError::new(
                ResultReason::UNSUPPORTED_ATTRIBUTE,
                format!("{tag:?} is not a known attribute"),
            )
        })?;
    Ok(match item_type {
        ItemType::Integer => Value::Integer(0),
        ItemType::LongInteger => Value::LongInteger(0),
        ItemType::Interval => Value::Interval(0),
        ItemType::DateTime => Value::DateTime(0),
        ItemType::Boolean => Value::Boolean(false),
        other => {
            return Err(OpError::new(
                ResultReason::INVALID_DATA_TYPE,
                format!("a {other} attribute cannot be adjusted"),
            ))
        }
    })
}

pub fn adjust_attribute(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    // KMIP 2.1 §6.1.3.1 lists Item Not Found (not Object Not Found) for Adjust Attribute.
    let mut object = target(ctx, payload).map_err(|e| match e.reason {
        ResultReason::OBJECT_NOT_FOUND => OpError::new(ResultReason::ITEM_NOT_FOUND, e.message),
        _ => e,
    })?;
    let reference = payload.child(tags::ATTRIBUTE_REFERENCE).ok_or_else(|| {
        OpError::new(
            ResultReason::INVALID_MESSAGE,
            "Adjust Attribute needs an Attribute Reference",
        )
    })?;
    let key = key_from_reference(reference)?;
    refuse_read_only(ctx, &key, false)
        .map_err(|e| OpError::new(ResultReason::READ_ONLY_ATTRIBUTE, e.message))?;
    refuse_in_state(ctx, &object, &key)?;
    let how = match payload.child(tags::ADJUSTMENT_TYPE).map(|t| &t.value) {
        Some(Value::Enumeration(t)) => AdjustmentType(*t),
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Adjust Attribute needs an Adjustment Type (Enumeration)",
            ))
        }
    };
    let by = payload.child(tags::ADJUSTMENT_VALUE).map(|v| &v.value);
    match object.instances(&key).count() {
        0 => {
            // No instance: the previous value is 0 (or false) of the attribute's type.
            let zero = match &key {
                AttrKey::Tag(tag) => zero_of(*tag)?,
                AttrKey::Custom(_) => Value::Integer(0),
            };
            let value = adjust(&zero, how, by)?;
            object.attributes.push(Attribute {
                key: key.clone(),
                value,
            });
        }
        1 => {
            let existing = object
                .attributes
                .iter_mut()
                .find(|a| a.key == key)
                .ok_or_else(|| multi_valued(&key))?;
            existing.value = adjust(&existing.value, how, by)?;
        }
        _ => return Err(multi_valued(&key)),
    }
    let uid = object.uid.clone();
    touched(ctx, object);
    Ok(response_payload(vec![uid_item(&uid)]))
}
