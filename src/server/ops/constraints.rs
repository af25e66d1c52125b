//! Get Constraints (KMIP 2.1 §6.1.21).

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn get_constraints(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::GET_CONSTRAINTS)
}
