//! Check (KMIP 1.2 §4.10, 2.1 §6.1.7): may this client use the object for
//! the stated purpose? The request may give a Usage Limits Count, a
//! Cryptographic Usage Mask and a Lease Time; each is compared with the
//! object and the server's policy ([`super::lease::LEASE_SECONDS`]). On a
//! denial the ID Placeholder is emptied and the failure names every field
//! that caused it (1.x: Permission Denied; 2.x: Incompatible Cryptographic
//! Usage Mask or Usage Limit Exceeded where those apply).

use super::lease::LEASE_SECONDS;
use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{tags, ObjectType, ResultReason};
use crate::server::usage::usage_limits;
use crate::ttlv::{Item, Value};

fn field<'a>(
    payload: &'a Item,
    tag: crate::ttlv::Tag,
    name: &str,
) -> Result<Option<&'a Value>, OpError> {
    let value = payload.child(tag).map(|f| &f.value);
    let expected = match tag {
        t if t == tags::USAGE_LIMITS_COUNT => matches!(value, None | Some(Value::LongInteger(_))),
        t if t == tags::CRYPTOGRAPHIC_USAGE_MASK => matches!(value, None | Some(Value::Integer(_))),
        _ => matches!(value, None | Some(Value::Interval(_))),
    };
    if !expected {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!("{name} has the wrong type"),
        ));
    }
    Ok(value)
}

pub fn check(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    let object = ctx.owned(&uid)?.clone();
    if object.object_type == ObjectType::TEMPLATE {
        return Err(OpError::new(
            ctx.by_version(
                ResultReason::ILLEGAL_OPERATION,
                ResultReason::ILLEGAL_OBJECT_TYPE,
            ),
            "a Template cannot be checked for use",
        ));
    }
    let mut denied: Vec<(String, ResultReason)> = Vec::new();
    if let Some(Value::LongInteger(wanted)) =
        field(payload, tags::USAGE_LIMITS_COUNT, "Usage Limits Count")?
    {
        if let Some((_, count, _)) = usage_limits(&object) {
            let reserved: i64 = object
                .bookkeeping
                .usage_allocations
                .iter()
                .filter(|(who, _)| who == ctx.identity)
                .map(|(_, n)| *n)
                .sum();
            let available = count.saturating_add(reserved);
            if *wanted > available {
                denied.push((
                    format!("Usage Limits Count {wanted} exceeds the {available} available"),
                    ResultReason::USAGE_LIMIT_EXCEEDED,
                ));
            }
        }
    }
    if let Some(Value::Integer(wanted)) = field(
        payload,
        tags::CRYPTOGRAPHIC_USAGE_MASK,
        "Cryptographic Usage Mask",
    )? {
        if let Some(Value::Integer(allowed)) = object.attribute(tags::CRYPTOGRAPHIC_USAGE_MASK) {
            let extra = (*wanted as u32) & !(*allowed as u32);
            if extra != 0 {
                denied.push((
                    format!("Cryptographic Usage Mask asks for 0x{extra:X}, which the object does not allow (0x{allowed:X})"),
                    ResultReason::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
                ));
            }
        }
    }
    if let Some(Value::Interval(wanted)) = field(payload, tags::LEASE_TIME, "Lease Time")? {
        if *wanted > LEASE_SECONDS {
            denied.push((
                format!("Lease Time {wanted} s exceeds the {LEASE_SECONDS} s this server grants"),
                ResultReason::PERMISSION_DENIED,
            ));
        }
    }
    if denied.is_empty() {
        return Ok(response_payload(vec![uid_item(&uid)]));
    }
    *ctx.id_placeholder = None;
    let reason = ctx.by_version(ResultReason::PERMISSION_DENIED, denied[0].1);
    let why: Vec<String> = denied.into_iter().map(|(why, _)| why).collect();
    Err(OpError::new(
        reason,
        format!("object {uid} may not be used so: {}", why.join("; ")),
    ))
}
