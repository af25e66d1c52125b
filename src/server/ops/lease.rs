//! Obtain Lease and Get Usage Allocation (KMIP 1.2 §4.17–4.18, 2.1 §6.1.33,
//! §6.1.23), tracked per client identity in the object's bookkeeping.
//!
//! Server policy: a lease is [`LEASE_SECONDS`] long and is granted for objects
//! that may still be used (not Compromised or Destroyed). A usage allocation
//! takes units out of the object's Usage Limits Count and reserves them for
//! the asking client; its later protective uses draw on that reservation first.

use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{tags, ObjectType, ResultReason, State};
use crate::server::usage::{set_usage_count, usage_limits};
use crate::ttlv::{Item, Value};

/// The lease this server grants, in seconds (the policy Check compares against).
pub const LEASE_SECONDS: u32 = 3600;

/// Object types that can apply cryptographic protection.
const PROTECTING: &[ObjectType] = &[
    ObjectType::SYMMETRIC_KEY,
    ObjectType::PRIVATE_KEY,
    ObjectType::PUBLIC_KEY,
    ObjectType::SPLIT_KEY,
    ObjectType::SECRET_DATA,
];

pub fn obtain_lease(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    let mut object = ctx.owned(&uid)?.clone();
    if [
        State::COMPROMISED,
        State::DESTROYED,
        State::DESTROYED_COMPROMISED,
    ]
    .contains(&object.state)
    {
        return Err(OpError::new(
            ResultReason::PERMISSION_DENIED,
            format!(
                "no lease is issued for object {uid} in state {:?}",
                object.state
            ),
        ));
    }
    let expiry = ctx.now.saturating_add(i64::from(LEASE_SECONDS));
    object
        .bookkeeping
        .leases
        .retain(|(who, _)| who != ctx.identity);
    object
        .bookkeeping
        .leases
        .push((ctx.identity.clone(), expiry));
    object.set(tags::LEASE_TIME, Value::Interval(LEASE_SECONDS));
    let last_change = object
        .attribute(tags::LAST_CHANGE_DATE)
        .cloned()
        .unwrap_or(Value::DateTime(ctx.now));
    ctx.txn.put(object);
    Ok(response_payload(vec![
        uid_item(&uid),
        Item::new(tags::LEASE_TIME, Value::Interval(LEASE_SECONDS)),
        Item::new(tags::LAST_CHANGE_DATE, last_change),
    ]))
}

pub fn get_usage_allocation(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    let requested = match payload.child(tags::USAGE_LIMITS_COUNT).map(|c| &c.value) {
        Some(Value::LongInteger(n)) if *n > 0 => *n,
        Some(Value::LongInteger(n)) => {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                format!("Usage Limits Count {n} must be positive"),
            ))
        }
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Get Usage Allocation needs a Usage Limits Count (Long Integer)",
            ))
        }
    };
    let mut object = ctx.owned(&uid)?.clone();
    let illegal = |why: String| {
        OpError::new(
            ctx.by_version(
                ResultReason::ILLEGAL_OPERATION,
                ResultReason::PERMISSION_DENIED,
            ),
            why,
        )
    };
    if !PROTECTING.contains(&object.object_type) {
        return Err(illegal(format!(
            "a {:?} cannot apply cryptographic protection",
            object.object_type
        )));
    }
    let (total, count, unit) = usage_limits(&object)
        .ok_or_else(|| illegal(format!("object {uid} has no Usage Limits attribute")))?;
    if object.state != State::ACTIVE {
        return Err(illegal(format!(
            "object {uid} is {:?}; allocations are only given while protection is enabled",
            object.state
        )));
    }
    if requested > count {
        return Err(OpError::new(
            ResultReason::PERMISSION_DENIED,
            format!(
                "object {uid} has {count} units of Usage Limits left; {requested} were asked for"
            ),
        ));
    }
    set_usage_count(&mut object, total, count - requested, unit);
    let allocations = &mut object.bookkeeping.usage_allocations;
    match allocations.iter_mut().find(|(who, _)| who == ctx.identity) {
        Some((_, held)) => *held = held.saturating_add(requested),
        None => allocations.push((ctx.identity.clone(), requested)),
    }
    object.set(tags::LAST_CHANGE_DATE, Value::DateTime(ctx.now));
    ctx.txn.put(object);
    Ok(response_payload(vec![uid_item(&uid)]))
}
