//! Certify and Re-certify (KMIP 1.2 §4.7–4.8, 2.1 §6.1.6, §6.1.42).

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn certify(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::CERTIFY)
}

pub fn recertify(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::RE_CERTIFY)
}
