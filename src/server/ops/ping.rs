//! Ping (KMIP 2.1 §6.1.36): an empty request answered by an empty payload.

use super::{response_payload, OpContext, OpResult};
use crate::ttlv::Item;

pub fn ping(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    Ok(response_payload(Vec::new()))
}
