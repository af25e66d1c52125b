//! Re-key (KMIP 1.2 §4.4, 2.1 §6.1.43).

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn rekey(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::RE_KEY)
}
