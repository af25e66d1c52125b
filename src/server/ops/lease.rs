//! Obtain Lease and Get Usage Allocation (KMIP 1.2 §4.16, §4.17; 2.1 §6.1.33, §6.1.27).

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn obtain_lease(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::OBTAIN_LEASE)
}

pub fn get_usage_allocation(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::GET_USAGE_ALLOCATION)
}
