//! The cryptographic services of KMIP 1.2 §4.29–4.37 (2.1 §6.1.x): Encrypt, Decrypt, MAC, MAC Verify, RNG Retrieve, RNG Seed, Hash.

use super::{not_yet, OpContext, OpResult};
use crate::kmip::Operation;
use crate::ttlv::Item;

pub fn encrypt(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::ENCRYPT)
}

pub fn decrypt(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::DECRYPT)
}

pub fn mac(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::MAC)
}

pub fn mac_verify(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::MAC_VERIFY)
}

pub fn rng_retrieve(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::RNG_RETRIEVE)
}

pub fn rng_seed(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::RNG_SEED)
}

pub fn hash(_ctx: &mut OpContext<'_, '_>, _payload: &Item) -> OpResult {
    not_yet(Operation::HASH)
}
