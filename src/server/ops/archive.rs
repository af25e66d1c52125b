//! Archive and Recover (KMIP 1.2 §4.22–4.23, 2.1 §6.1.4, §6.1.40): move an
//! object to archival storage and back. An archived object keeps its
//! attributes; every other operation on it answers Object Archived, and
//! Locate finds it only when the Storage Status Mask asks for Archival Storage.
//! The server sets Archive Date on Archive and deletes it on Recover (1.2 §3.32).

use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{tags, ResultReason};
use crate::ttlv::{Item, Value};

pub fn archive(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    let mut object = ctx.owned_even_archived(&uid)?.clone();
    if object.bookkeeping.archived {
        return Err(OpError::new(
            ResultReason::OBJECT_ARCHIVED,
            format!("object {uid} is already archived"),
        ));
    }
    object.bookkeeping.archived = true;
    object.set(tags::ARCHIVE_DATE, Value::DateTime(ctx.now));
    object.set(tags::LAST_CHANGE_DATE, Value::DateTime(ctx.now));
    ctx.txn.put(object);
    Ok(response_payload(vec![uid_item(&uid)]))
}

pub fn recover(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let uid = ctx.target_uid(payload)?;
    let mut object = ctx.owned_even_archived(&uid)?.clone();
    if object.bookkeeping.archived {
        object.bookkeeping.archived = false;
        object.remove(tags::ARCHIVE_DATE);
        object.set(tags::LAST_CHANGE_DATE, Value::DateTime(ctx.now));
        ctx.txn.put(object);
    }
    Ok(response_payload(vec![uid_item(&uid)]))
}
