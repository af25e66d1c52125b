//! Set Attribute and Adjust Attribute (KMIP 2.1 §6.1.2, §6.1.47).

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn set_attribute(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::SET_ATTRIBUTE)
}

pub fn adjust_attribute(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::ADJUST_ATTRIBUTE)
}
