//! Create Key Pair and Re-key Key Pair (KMIP 1.2 §4.2, §4.5; 2.1 §6.1.8, §6.1.44).

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn create_key_pair(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::CREATE_KEY_PAIR)
}

pub fn rekey_key_pair(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::RE_KEY_KEY_PAIR)
}
