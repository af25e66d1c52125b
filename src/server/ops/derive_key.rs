//! Derive Key (KMIP 1.2 §4.6, 2.1 §6.1.20).

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn derive_key(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::DERIVE_KEY)
}
