//! The checks every cryptographic operation makes before it touches a key:
//! the object's state (KMIP 1.2 §3.22), its Cryptographic Usage Mask
//! (§3.19) and its Usage Limits (§3.21), and the accounting afterwards.

use super::object::ManagedObject;
use super::ops::{OpContext, OpError};
use crate::kmip::{tags, CryptographicUsageMask, ResultReason, State, UsageLimitsUnit};
use crate::ttlv::{Item, Value};

/// Whether an operation applies protection (Encrypt, Sign, MAC) or processes
/// protected data (Decrypt, Signature Verify, MAC Verify).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Protect,
    Process,
}

/// Refuses an object whose state does not allow `purpose` (KMIP 1.2 §3.22):
/// only Active objects protect; Active, Deactivated and Compromised objects
/// may still process.
pub fn require_state(
    ctx: &OpContext<'_, '_>,
    object: &ManagedObject,
    purpose: Purpose,
) -> Result<(), OpError> {
    let allowed = match purpose {
        Purpose::Protect => object.state == State::ACTIVE,
        Purpose::Process => {
            [State::ACTIVE, State::DEACTIVATED, State::COMPROMISED].contains(&object.state)
        }
    };
    if allowed {
        return Ok(());
    }
    Err(OpError::new(
        ctx.wrong_state(),
        format!(
            "object {} is {:?}; {} needs an Active object",
            object.uid,
            object.state,
            match purpose {
                Purpose::Protect => "applying protection",
                Purpose::Process => "processing",
            }
        ),
    ))
}

/// Refuses an object whose Cryptographic Usage Mask lacks `bit` (KMIP 2.1
/// §4.21; 1.x answers Permission Denied, 2.x Incompatible Cryptographic
/// Usage Mask). An object without a mask is not restricted.
pub fn require_usage(
    ctx: &OpContext<'_, '_>,
    object: &ManagedObject,
    bit: CryptographicUsageMask,
) -> Result<(), OpError> {
    match object.attribute(tags::CRYPTOGRAPHIC_USAGE_MASK) {
        Some(Value::Integer(mask)) if (*mask as u32) & bit.0 == 0 => Err(OpError::new(
            ctx.by_version(
                ResultReason::PERMISSION_DENIED,
                ResultReason::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
            ),
            format!(
                "object {} has Cryptographic Usage Mask 0x{:X}, which does not allow {bit:?}",
                object.uid, mask
            ),
        )),
        _ => Ok(()),
    }
}

/// The Usage Limits fields: (total, remaining count, unit).
pub fn usage_limits(object: &ManagedObject) -> Option<(i64, i64, UsageLimitsUnit)> {
    let Some(Value::Structure(fields)) = object.attribute(tags::USAGE_LIMITS) else {
        return None;
    };
    let long = |tag| {
        fields
            .iter()
            .find(|f| f.tag == tag)
            .and_then(|f| match f.value {
                Value::LongInteger(v) => Some(v),
                _ => None,
            })
    };
    let unit = fields
        .iter()
        .find(|f| f.tag == tags::USAGE_LIMITS_UNIT)
        .and_then(|f| match f.value {
            Value::Enumeration(u) => Some(UsageLimitsUnit(u)),
            _ => None,
        })
        .unwrap_or(UsageLimitsUnit::OBJECT);
    let total = long(tags::USAGE_LIMITS_TOTAL)?;
    Some((total, long(tags::USAGE_LIMITS_COUNT).unwrap_or(total), unit))
}

/// Writes the Usage Limits attribute back with a new remaining count.
pub fn set_usage_count(object: &mut ManagedObject, total: i64, count: i64, unit: UsageLimitsUnit) {
    object.set(
        tags::USAGE_LIMITS,
        Value::Structure(vec![
            Item::new(tags::USAGE_LIMITS_TOTAL, Value::LongInteger(total)),
            Item::new(tags::USAGE_LIMITS_COUNT, Value::LongInteger(count)),
            Item::new(tags::USAGE_LIMITS_UNIT, Value::Enumeration(unit.0)),
        ]),
    );
}

/// Charges one use of `object` on `data_len` bytes against its Usage Limits
/// (KMIP 1.2 §3.21, §4.18): units this client reserved with Get Usage
/// Allocation are spent first, then the object's remaining count; refuses
/// when both together are too small. Objects without limits pass.
pub fn consume(
    ctx: &mut OpContext<'_, '_>,
    object: &ManagedObject,
    data_len: usize,
) -> Result<(), OpError> {
    let Some((total, count, unit)) = usage_limits(object) else {
        return Ok(());
    };
    let cost = if unit == UsageLimitsUnit::BYTE {
        i64::try_from(data_len).unwrap_or(i64::MAX)
    } else {
        1
    };
    let reserved = object
        .bookkeeping
        .usage_allocations
        .iter()
        .find(|(who, _)| who == ctx.identity)
        .map_or(0, |(_, n)| *n);
    let from_reserved = cost.min(reserved);
    let from_count = cost - from_reserved;
    if from_count > count {
        return Err(OpError::new(
            ctx.by_version(
                ResultReason::PERMISSION_DENIED,
                ResultReason::USAGE_LIMIT_EXCEEDED,
            ),
            format!(
                "object {} has {} {} of its Usage Limits left for this client; this use needs {cost}",
                object.uid,
                count.saturating_add(reserved),
                if unit == UsageLimitsUnit::BYTE {
                    "bytes"
                } else {
                    "uses"
                }
            ),
        ));
    }
    let mut updated = object.clone();
    if from_reserved > 0 {
        for (who, held) in &mut updated.bookkeeping.usage_allocations {
            if who == ctx.identity {
                *held -= from_reserved;
            }
        }
        updated
            .bookkeeping
            .usage_allocations
            .retain(|(_, held)| *held > 0);
    }
    set_usage_count(&mut updated, total, count - from_count, unit);
    ctx.txn.put(updated);
    Ok(())
}
