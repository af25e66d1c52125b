//! Asynchronous operations (KMIP 1.2 §6.7–6.8, §4.27–4.28): operations the
//! server answered with Operation Pending, waiting for Poll or Cancel.
//!
//! A pending operation runs when it is first polled after its delay; until
//! then it has had no effect, so Cancel can truly cancel it.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use super::identity::Identity;
use crate::kmip::message::ResponseBatchItem;
use crate::kmip::{Operation, Version};
use crate::ttlv::Item;

/// One outstanding operation.
#[derive(Clone, Debug)]
pub struct PendingOp {
    pub owner: Identity,
    pub version: Version,
    pub operation: Operation,
    pub payload: Option<Item>,
    pub ready_at: Instant,
    /// Set once it has run (by a Cancel that found it ready), until polled.
    pub outcome: Option<ResponseBatchItem>,
}

/// Outstanding operations by Asynchronous Correlation Value.
#[derive(Debug, Default)]
pub struct Pending {
    ops: HashMap<Vec<u8>, PendingOp>,
}

impl Pending {
    /// Registers an operation; returns its correlation value.
    pub fn add(&mut self, op: PendingOp) -> Vec<u8> {
        // Results nobody polled for ten minutes are abandoned.
        self.expire(Instant::now(), Duration::from_secs(600));
        let value = super::store::random_bytes(16).unwrap_or_else(|| {
            // The OS RNG failed: fall back to a unique, non-secret value.
            (self.ops.len() as u128 + 1).to_be_bytes().to_vec()
        });
        self.ops.insert(value.clone(), op);
        value
    }

    /// The operation with this correlation value, if it belongs to `owner`.
    pub fn get_mut(&mut self, value: &[u8], owner: &Identity) -> Option<&mut PendingOp> {
        self.ops.get_mut(value).filter(|op| &op.owner == owner)
    }

    pub fn remove(&mut self, value: &[u8]) -> Option<PendingOp> {
        self.ops.remove(value)
    }

    /// Drops operations abandoned for longer than `max_age` past their readiness.
    pub fn expire(&mut self, now: Instant, max_age: Duration) {
        self.ops
            .retain(|_, op| now.saturating_duration_since(op.ready_at) < max_age);
    }
}
