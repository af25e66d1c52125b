//! Locate (KMIP 1.2 §4.9, 2.1 §6.1.27): the client's objects whose attributes
//! match every attribute in the request, in creation order, bounded by
//! Maximum Items and (2.x) Offset Items, filtered by Storage Status Mask.

use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::dictionary::tag_defined_in;
use crate::kmip::{tags, ResultReason, State, StorageStatusMask};
use crate::server::attributes;
use crate::server::object::{Attribute, ManagedObject};
use crate::ttlv::{Item, Value};

/// KMIP 2.x Destroyed Storage bit of the Storage Status Mask.
const DESTROYED_STORAGE: u32 = 0x0000_0004;

fn integer(payload: &Item, tag: crate::ttlv::Tag) -> Result<Option<i32>, OpError> {
    match payload.child(tag).map(|i| &i.value) {
        None => Ok(None),
        Some(Value::Integer(v)) if *v >= 0 => Ok(Some(*v)),
        Some(_) => Err(OpError::new(
            ResultReason::INVALID_FIELD,
            "Maximum/Offset Items must be a non-negative Integer",
        )),
    }
}

fn matches(object: &ManagedObject, filters: &[Attribute]) -> bool {
    let all = object.all_attributes();
    filters.iter().all(|f| all.iter().any(|a| a == f))
}

fn stored_in(object: &ManagedObject, mask: u32) -> bool {
    let destroyed =
        object.state == State::DESTROYED || object.state == State::DESTROYED_COMPROMISED;
    if destroyed {
        mask & DESTROYED_STORAGE != 0
    } else if object.bookkeeping.archived {
        mask & StorageStatusMask::ARCHIVAL_STORAGE.0 != 0
    } else {
        mask & StorageStatusMask::ON_LINE_STORAGE.0 != 0
    }
}

pub fn locate(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let filters = attributes::from_request(payload, ctx.version)?;
    let maximum = integer(payload, tags::MAXIMUM_ITEMS)?;
    let offset = if ctx.version.is_2x() {
        integer(payload, tags::OFFSET_ITEMS)?
    } else {
        None
    };
    let mask = match payload.child(tags::STORAGE_STATUS_MASK).map(|m| &m.value) {
        None => StorageStatusMask::ON_LINE_STORAGE.0,
        Some(Value::Integer(m)) => *m as u32,
        Some(_) => {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "Storage Status Mask must be an Integer",
            ))
        }
    };
    let found: Vec<String> = ctx
        .txn
        .all()
        .into_iter()
        .filter(|o| o.owner == *ctx.identity && stored_in(o, mask) && matches(o, &filters))
        .map(|o| o.uid.clone())
        .collect();
    let total = found.len();
    let page: Vec<&String> = found
        .iter()
        .skip(offset.unwrap_or(0) as usize)
        .take(maximum.map_or(usize::MAX, |m| m as usize))
        .collect();
    if let Some(first) = page.first() {
        *ctx.id_placeholder = Some((*first).clone());
    }
    let mut fields = Vec::new();
    if (maximum.is_some() || offset.is_some()) && tag_defined_in(tags::LOCATED_ITEMS.0, ctx.version)
    {
        fields.push(Item::new(tags::LOCATED_ITEMS, Value::Integer(total as i32)));
    }
    fields.extend(page.into_iter().map(|uid| uid_item(uid)));
    Ok(response_payload(fields))
}
