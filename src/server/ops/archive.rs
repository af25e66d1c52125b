//! Archive and Recover (KMIP 1.2 §4.22–4.23, 2.1 §6.1.4, §6.1.39).

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn archive(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::ARCHIVE)
}

pub fn recover(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::RECOVER)
}
