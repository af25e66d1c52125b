//! Check (KMIP 1.2 §4.10, 2.1 §6.1.5).

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn check(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::CHECK)
}
