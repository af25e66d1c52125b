//! Get Constraints (KMIP 2.1 §6.1.22): the constraints the server applies to
//! managed objects. The reference server applies none beyond the spec's own
//! rules (it does not implement Set Constraints), so the Constraints
//! structure it returns is empty.

use super::{response_payload, OpContext, OpResult};
use crate::kmip::tags;
use crate::ttlv::Item;

pub fn get_constraints(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    Ok(response_payload(vec![Item::structure(
        tags::CONSTRAINTS,
        Vec::new(),
    )]))
}
