//! The in-memory object store, with a journal so a batch run under
//! Batch Error Continuation Option *Undo* can put everything back.

use std::collections::{BTreeSet, HashMap};

use ring::rand::{SecureRandom, SystemRandom};

use super::object::ManagedObject;

/// All managed objects, by Unique Identifier.
#[derive(Debug, Default)]
pub struct Store {
    objects: HashMap<String, ManagedObject>,
    next_sequence: u64,
    /// Date-driven state changes still to come (KMIP 1.2 §3.22): (when, uid).
    /// Entries may be stale; whoever takes one re-checks the object.
    date_queue: BTreeSet<(i64, String)>,
}

/// When `object`'s state next changes by itself: its Activation Date while
/// Pre-Active, its Deactivation Date while Active.
fn next_transition(object: &ManagedObject) -> Option<i64> {
    use crate::kmip::{tags, State};
    use crate::ttlv::Value;
    let tag = match object.state {
        State::PRE_ACTIVE => tags::ACTIVATION_DATE,
        State::ACTIVE => tags::DEACTIVATION_DATE,
        _ => return None,
    };
    match object.attribute(tag) {
        Some(Value::DateTime(t)) => Some(*t),
        _ => None,
    }
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
        if let Some(when) = next_transition(&object) {
            self.store.date_queue.insert((when, object.uid.clone()));
        }
        self.store.objects.insert(object.uid.clone(), object);
    }

    /// Takes the objects whose date-driven transition time has come (at or
    /// before `now`); cheap when none has.
    pub fn take_due(&mut self, now: i64) -> Vec<String> {
        let mut due = Vec::new();
        while let Some(first) = self.store.date_queue.first() {
            if first.0 > now {
                break;
            }
            if let Some((_, uid)) = self.store.date_queue.pop_first() {
                due.push(uid);
            }
        }
        due
    }

    /// Restores every object this session changed.
    pub fn undo(self) {
        for (uid, before) in self.journal.into_iter().rev() {
            match before {
                Some(object) => {
                    if let Some(when) = next_transition(&object) {
                        self.store.date_queue.insert((when, uid.clone()));
                    }
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
