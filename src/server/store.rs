//! The in-memory object store, with a journal so a batch run under
//! Batch Error Continuation Option *Undo* can put everything back.

use std::collections::HashMap;

use ring::rand::{SecureRandom, SystemRandom};

use super::object::ManagedObject;

/// All managed objects, by Unique Identifier.
#[derive(Debug, Default)]
pub struct Store {
    objects: HashMap<String, ManagedObject>,
    next_sequence: u64,
}

/// A write session over the store; it remembers each object's state before its
/// first change so [`Txn::undo`] can restore it.
pub struct Txn<'a> {
    store: &'a mut Store,
    journal: Vec<(String, Option<ManagedObject>)>,
}

impl Store {
    /// Starts a write session.
    pub fn txn(&mut self) -> Txn<'_> {
        Txn {
            store: self,
            journal: Vec::new(),
        }
    }
}

impl Txn<'_> {
    pub fn get(&self, uid: &str) -> Option<&ManagedObject> {
        self.store.objects.get(uid)
    }

    /// Every object, in creation order.
    pub fn all(&self) -> Vec<&ManagedObject> {
        let mut all: Vec<&ManagedObject> = self.store.objects.values().collect();
        all.sort_by_key(|o| o.sequence);
        all
    }

    /// The next creation sequence number.
    pub fn next_sequence(&mut self) -> u64 {
        self.store.next_sequence += 1;
        self.store.next_sequence
    }

    /// Inserts or replaces an object, journaling what was there before.
    pub fn put(&mut self, object: ManagedObject) {
        if !self.journal.iter().any(|(uid, _)| *uid == object.uid) {
            let before = self.store.objects.get(&object.uid).cloned();
            self.journal.push((object.uid.clone(), before));
        }
        self.store.objects.insert(object.uid.clone(), object);
    }

    /// Restores every object this session changed.
    pub fn undo(self) {
        for (uid, before) in self.journal.into_iter().rev() {
            match before {
                Some(object) => {
                    self.store.objects.insert(uid, object);
                }
                None => {
                    self.store.objects.remove(&uid);
                }
            }
        }
    }

    /// Forgets the journal (changes are kept).
    pub fn commit(self) {}
}

/// A new UUID-style (version 4) Unique Identifier.
pub fn new_uid() -> String {
    let mut bytes = [0u8; 16];
    // SystemRandom only fails if the OS RNG is unavailable; fall back to a counter-free pattern then.
    let _ = SystemRandom::new().fill(&mut bytes);
    bytes[6] = (bytes[6] & 0x0F) | 0x40;
    bytes[8] = (bytes[8] & 0x3F) | 0x80;
    let hex = crate::ttlv::render::hex::encode(&bytes);
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Random bytes from the OS RNG.
pub fn random_bytes(len: usize) -> Option<Vec<u8>> {
    let mut bytes = vec![0u8; len];
    SystemRandom::new().fill(&mut bytes).ok()?;
    Some(bytes)
}
