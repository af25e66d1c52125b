//! Operations: one file each (or one per family), all with the same shape —
//! `fn(&mut OpContext, payload) -> Result<response payload, OpError>`.

mod archive;
mod asymmetric;
mod attribute_edit;
mod attribute_v2;
mod certify;
mod check;
mod constraints;
mod create;
mod crypto;
mod derive_key;
mod discover_versions;
mod get;
mod get_attributes;
mod key_pair;
mod lease;
mod lifecycle;
mod locate;
mod ping;
mod query;
mod register;
mod rekey;
mod sign;
mod validate;

use super::config::ServerConfig;
use super::identity::Identity;
use super::object::ManagedObject;
use super::store::Txn;
use crate::kmip::{tags, Operation, ResultReason, Version};
use crate::ttlv::{Item, Value};

/// An operation failure: the Result Reason and a helpful Result Message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpError {
    pub reason: ResultReason,
    pub message: String,
}

impl OpError {
    pub fn new(reason: ResultReason, message: impl Into<String>) -> OpError {
        OpError {
            reason,
            message: message.into(),
        }
    }
}

/// What an operation may touch.
pub struct OpContext<'a, 'b> {
    pub txn: &'a mut Txn<'b>,
    pub identity: &'a Identity,
    pub version: Version,
    /// POSIX seconds, for dates the server sets.
    pub now: i64,
    /// The ID Placeholder: the Unique Identifier the last operation in this batch produced.
    pub id_placeholder: &'a mut Option<String>,
    pub config: &'a ServerConfig,
}

/// The response payload, or `None` for operations that return none.
pub type OpResult = Result<Option<Item>, OpError>;

/// The operations this server implements.
pub const IMPLEMENTED: &[Operation] = &[
    Operation::CREATE,
    Operation::REGISTER,
    Operation::LOCATE,
    Operation::GET,
    Operation::GET_ATTRIBUTES,
    Operation::GET_ATTRIBUTE_LIST,
    Operation::ADD_ATTRIBUTE,
    Operation::MODIFY_ATTRIBUTE,
    Operation::DELETE_ATTRIBUTE,
    Operation::ACTIVATE,
    Operation::REVOKE,
    Operation::DESTROY,
    Operation::QUERY,
    Operation::CANCEL,
    Operation::POLL,
    Operation::DISCOVER_VERSIONS,
    Operation::RE_KEY,
    Operation::CHECK,
    Operation::OBTAIN_LEASE,
    Operation::GET_USAGE_ALLOCATION,
    Operation::ARCHIVE,
    Operation::RECOVER,
    Operation::SET_ATTRIBUTE,
    Operation::ADJUST_ATTRIBUTE,
    Operation::GET_CONSTRAINTS,
    Operation::PING,
    Operation::DERIVE_KEY,
    Operation::ENCRYPT,
    Operation::DECRYPT,
    Operation::MAC,
    Operation::MAC_VERIFY,
    Operation::RNG_RETRIEVE,
    Operation::RNG_SEED,
    Operation::HASH,
    Operation::CERTIFY,
    Operation::RE_CERTIFY,
    Operation::VALIDATE,
    Operation::CREATE_KEY_PAIR,
    Operation::RE_KEY_KEY_PAIR,
    Operation::SIGN,
    Operation::SIGNATURE_VERIFY,
];

/// Runs one operation (Poll and Cancel are handled by the batch layer).
pub fn execute(
    operation: Operation,
    ctx: &mut OpContext<'_, '_>,
    payload: Option<&Item>,
) -> OpResult {
    let empty = Item::structure(tags::REQUEST_PAYLOAD, Vec::new());
    let payload = payload.unwrap_or(&empty);
    apply_date_transitions(ctx);
    match operation {
        Operation::CREATE => create::create(ctx, payload),
        Operation::REGISTER => register::register(ctx, payload),
        Operation::LOCATE => locate::locate(ctx, payload),
        Operation::GET => get::get(ctx, payload),
        Operation::GET_ATTRIBUTES => get_attributes::get_attributes(ctx, payload),
        Operation::GET_ATTRIBUTE_LIST => get_attributes::get_attribute_list(ctx, payload),
        Operation::ADD_ATTRIBUTE => attribute_edit::add_attribute(ctx, payload),
        Operation::MODIFY_ATTRIBUTE => attribute_edit::modify_attribute(ctx, payload),
        Operation::DELETE_ATTRIBUTE => attribute_edit::delete_attribute(ctx, payload),
        Operation::ACTIVATE => lifecycle::activate(ctx, payload),
        Operation::REVOKE => lifecycle::revoke(ctx, payload),
        Operation::DESTROY => lifecycle::destroy(ctx, payload),
        Operation::QUERY => query::query(ctx, payload),
        Operation::DISCOVER_VERSIONS => discover_versions::discover_versions(ctx, payload),
        Operation::CREATE_KEY_PAIR => key_pair::create_key_pair(ctx, payload),
        Operation::RE_KEY_KEY_PAIR => key_pair::rekey_key_pair(ctx, payload),
        Operation::RE_KEY => rekey::rekey(ctx, payload),
        Operation::DERIVE_KEY => derive_key::derive_key(ctx, payload),
        Operation::CERTIFY => certify::certify(ctx, payload),
        Operation::RE_CERTIFY => certify::recertify(ctx, payload),
        Operation::VALIDATE => validate::validate(ctx, payload),
        Operation::CHECK => check::check(ctx, payload),
        Operation::OBTAIN_LEASE => lease::obtain_lease(ctx, payload),
        Operation::GET_USAGE_ALLOCATION => lease::get_usage_allocation(ctx, payload),
        Operation::ARCHIVE => archive::archive(ctx, payload),
        Operation::RECOVER => archive::recover(ctx, payload),
        Operation::ENCRYPT => crypto::encrypt(ctx, payload),
        Operation::DECRYPT => crypto::decrypt(ctx, payload),
        Operation::SIGN => sign::sign(ctx, payload),
        Operation::SIGNATURE_VERIFY => sign::signature_verify(ctx, payload),
        Operation::MAC => crypto::mac(ctx, payload),
        Operation::MAC_VERIFY => crypto::mac_verify(ctx, payload),
        Operation::RNG_RETRIEVE => crypto::rng_retrieve(ctx, payload),
        Operation::RNG_SEED => crypto::rng_seed(ctx, payload),
        Operation::HASH => crypto::hash(ctx, payload),
        Operation::SET_ATTRIBUTE => attribute_v2::set_attribute(ctx, payload),
        Operation::ADJUST_ATTRIBUTE => attribute_v2::adjust_attribute(ctx, payload),
        Operation::GET_CONSTRAINTS => constraints::get_constraints(ctx, payload),
        Operation::PING => ping::ping(ctx, payload),
        other => Err(OpError::new(
            ResultReason::OPERATION_NOT_SUPPORTED,
            format!("{other:?} is not implemented by the reference server"),
        )),
    }
}

/// Date-driven state transitions (KMIP 1.2 §3.22 items 1, 4 and 6): an
/// object created or registered with an Activation Date that has passed, or
/// whose Activation Date is reached later, is Active; an Active object whose
/// Deactivation Date is reached is Deactivated. Applied before every
/// operation, to the objects the store's date queue says are due.
fn apply_date_transitions(ctx: &mut OpContext<'_, '_>) {
    use crate::kmip::State;
    let now = ctx.now;
    let reached = |object: &ManagedObject, tag| matches!(object.attribute(tag), Some(Value::DateTime(t)) if *t <= now);
    for uid in ctx.txn.take_due(now) {
        let Some(object) = ctx.txn.get(&uid) else {
            continue;
        };
        let mut state = object.state;
        if state == State::PRE_ACTIVE && reached(object, tags::ACTIVATION_DATE) {
            state = State::ACTIVE;
        }
        if state == State::ACTIVE && reached(object, tags::DEACTIVATION_DATE) {
            state = State::DEACTIVATED;
        }
        if state != object.state {
            let mut changed = object.clone();
            changed.state = state;
            ctx.txn.put(changed);
        }
    }
}

/// The Offset (an Interval, seconds) of Re-key, Re-key Key Pair and Re-certify.
pub fn offset(payload: &Item) -> Result<Option<i64>, OpError> {
    match payload.child(tags::OFFSET).map(|o| &o.value) {
        None => Ok(None),
        Some(Value::Interval(seconds)) => Ok(Some(i64::from(*seconds))),
        Some(other) => Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            format!("Offset must be an Interval, not {}", other.item_type()),
        )),
    }
}

/// A Response Payload structure.
pub fn response_payload(fields: Vec<Item>) -> Option<Item> {
    Some(Item::structure(tags::RESPONSE_PAYLOAD, fields))
}

/// A Unique Identifier field.
pub fn uid_item(uid: &str) -> Item {
    Item::new(tags::UNIQUE_IDENTIFIER, Value::TextString(uid.to_owned()))
}

impl OpContext<'_, '_> {
    /// The Unique Identifier a request names, or the ID Placeholder when it names none.
    pub fn target_uid(&self, payload: &Item) -> Result<String, OpError> {
        match payload.child(tags::UNIQUE_IDENTIFIER).map(|u| &u.value) {
            Some(Value::TextString(uid)) => Ok(uid.clone()),
            // KMIP 2.x: Unique Identifier Enumeration "ID Placeholder" (1) names it explicitly.
            Some(Value::Enumeration(1)) | None => self.id_placeholder.clone().ok_or_else(|| {
                OpError::new(
                    self.not_found(),
                    "no Unique Identifier in the request and no ID Placeholder set by an earlier batch item",
                )
            }),
            Some(other) => Err(OpError::new(
                ResultReason::INVALID_FIELD,
                format!("Unique Identifier as {} is not supported", other.item_type()),
            )),
        }
    }

    /// The object, if it exists, belongs to this client and is not archived
    /// (KMIP 1.2 §11: operations on an archived object answer Object Archived).
    pub fn owned(&self, uid: &str) -> Result<&ManagedObject, OpError> {
        let object = self.owned_even_archived(uid)?;
        if object.bookkeeping.archived {
            return Err(OpError::new(
                ResultReason::OBJECT_ARCHIVED,
                format!("object {uid} is archived; Recover it first"),
            ));
        }
        Ok(object)
    }

    /// The object, if it exists and belongs to this client, archived or not.
    pub fn owned_even_archived(&self, uid: &str) -> Result<&ManagedObject, OpError> {
        let object = self.txn.get(uid).ok_or_else(|| {
            OpError::new(
                self.not_found(),
                format!("no object with Unique Identifier {uid}"),
            )
        })?;
        if &object.owner != self.identity {
            return Err(OpError::new(
                ResultReason::PERMISSION_DENIED,
                format!("object {uid} belongs to another client identity"),
            ));
        }
        Ok(object)
    }

    /// Picks the 2.x reason when the request is 2.x, else the 1.x one: the
    /// KMIP 2.1 error table renamed several reasons (Item Not Found became
    /// Object Not Found, Illegal Operation became Invalid Object Type, …).
    pub fn by_version(&self, v1: ResultReason, v2: ResultReason) -> ResultReason {
        if self.version.is_2x() {
            v2
        } else {
            v1
        }
    }

    /// No such object: Item Not Found (1.x), Object Not Found (2.x).
    pub fn not_found(&self) -> ResultReason {
        self.by_version(ResultReason::ITEM_NOT_FOUND, ResultReason::OBJECT_NOT_FOUND)
    }

    /// The Result Reason for an operation refused because of the object's
    /// state: 2.x has Wrong Key Lifecycle State, 1.x uses Permission Denied
    /// (KMIP 1.2 §11.20–11.22).
    pub fn wrong_state(&self) -> ResultReason {
        if ResultReason::def().defined_in(ResultReason::WRONG_KEY_LIFECYCLE_STATE.0, self.version) {
            ResultReason::WRONG_KEY_LIFECYCLE_STATE
        } else {
            ResultReason::PERMISSION_DENIED
        }
    }
}
