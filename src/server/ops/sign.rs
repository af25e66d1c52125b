//! Sign and Signature Verify (KMIP 1.2 §4.31–4.32, 2.1 §6.1.50–6.1.51).

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn sign(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::SIGN)
}

pub fn signature_verify(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::SIGNATURE_VERIFY)
}
