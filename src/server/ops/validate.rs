//! Validate (KMIP 1.2 §4.24, 2.1 §6.1.55).

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn validate(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::VALIDATE)
}
