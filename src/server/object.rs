//! Managed objects and their attributes, held in one version-neutral form.
//!
//! Attributes are stored by tag (the KMIP 2.x view); the 1.x `Attribute`
//! structure (name, index, value) and the 2.x `Attributes` structure are both
//! converted to and from this form in [`super::attributes`].

use super::identity::Identity;
use crate::kmip::{tags, ObjectType, State};
use crate::ttlv::{Item, Tag, Value};

/// An attribute's identity: a KMIP tag, or a custom/vendor attribute name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AttrKey {
    Tag(Tag),
    /// A 1.x custom attribute (`x-…`, `y-…`) or a 2.x Vendor Attribute name.
    Custom(String),
}

/// One attribute instance.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Attribute {
    pub key: AttrKey,
    pub value: Value,
}

impl Attribute {
    /// A Link attribute (KMIP 1.2 §3.35): Link Type and Linked Object Identifier.
    pub fn link(link_type: crate::kmip::LinkType, uid: &str) -> Attribute {
        Attribute {
            key: AttrKey::Tag(tags::LINK),
            value: Value::Structure(vec![
                Item::new(tags::LINK_TYPE, Value::Enumeration(link_type.0)),
                Item::new(
                    tags::LINKED_OBJECT_IDENTIFIER,
                    Value::TextString(uid.to_owned()),
                ),
            ]),
        }
    }
}

/// A managed object: its server-managed fields, attributes and material.
#[derive(Clone, Debug)]
pub struct ManagedObject {
    pub uid: String,
    pub owner: Identity,
    pub object_type: ObjectType,
    pub state: State,
    /// Attributes other than Unique Identifier, Object Type and State.
    pub attributes: Vec<Attribute>,
    /// The object structure (`SymmetricKey`, `SecretData`, …); `None` once destroyed.
    pub material: Option<Item>,
    /// Creation order, for Locate.
    pub sequence: u64,
    /// Server bookkeeping that is not an attribute.
    pub bookkeeping: Bookkeeping,
}

/// What the server tracks about an object besides its attributes.
#[derive(Clone, Debug, Default)]
pub struct Bookkeeping {
    /// Archived (KMIP 1.2 §4.22): off-line storage; most operations answer Object Archived.
    pub archived: bool,
    /// Leases granted by Obtain Lease: (client, expiry as POSIX seconds).
    pub leases: Vec<(Identity, i64)>,
    /// Usage granted by Get Usage Allocation and not yet used: (client, count).
    pub usage_allocations: Vec<(Identity, i64)>,
}

/// The state a new object starts in from its dates (KMIP 1.2 §3.22, and
/// Table 146 "State" for replacements): Deactivated once its Deactivation
/// Date has passed, Active once its Activation Date has, else Pre-Active.
pub fn state_from_dates(attributes: &[Attribute], now: i64) -> State {
    let date = |tag| {
        attributes.iter().find_map(|a| match a.value {
            Value::DateTime(t) if a.key == AttrKey::Tag(tag) => Some(t),
            _ => None,
        })
    };
    match (date(tags::ACTIVATION_DATE), date(tags::DEACTIVATION_DATE)) {
        (_, Some(deactivation)) if deactivation <= now => State::DEACTIVATED,
        (Some(activation), _) if activation <= now => State::ACTIVE,
        _ => State::PRE_ACTIVE,
    }
}

/// Attributes that may have several instances (KMIP 1.2 §3, "Multiple instances permitted").
pub fn multi_instance(key: &AttrKey) -> bool {
    match key {
        AttrKey::Custom(_) => true,
        AttrKey::Tag(t) => [
            tags::NAME,
            tags::LINK,
            tags::OBJECT_GROUP,
            tags::APPLICATION_SPECIFIC_INFORMATION,
            tags::CRYPTOGRAPHIC_PARAMETERS,
            tags::ALTERNATIVE_NAME,
            tags::KEY_VALUE_LOCATION,
            tags::CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
        ]
        .contains(t),
    }
}

/// Attributes only the server sets (KMIP 1.2 §3: "Modifiable by client: No").
pub fn read_only(key: &AttrKey) -> bool {
    match key {
        AttrKey::Custom(name) => name.starts_with("y-"),
        AttrKey::Tag(t) => [
            tags::UNIQUE_IDENTIFIER,
            tags::OBJECT_TYPE,
            tags::STATE,
            tags::INITIAL_DATE,
            tags::LAST_CHANGE_DATE,
            tags::DIGEST,
            tags::DESTROY_DATE,
            tags::COMPROMISE_DATE,
            tags::REVOCATION_REASON,
            tags::ORIGINAL_CREATION_DATE,
            tags::FRESH,
            tags::LEASE_TIME,
            tags::CRYPTOGRAPHIC_ALGORITHM,
            tags::CRYPTOGRAPHIC_LENGTH,
        ]
        .contains(t),
    }
}

impl ManagedObject {
    /// A new object with a fresh Unique Identifier and empty bookkeeping.
    pub fn new(
        owner: Identity,
        object_type: ObjectType,
        state: State,
        attributes: Vec<Attribute>,
        material: Option<Item>,
        sequence: u64,
    ) -> ManagedObject {
        ManagedObject {
            uid: super::store::new_uid(),
            owner,
            object_type,
            state,
            attributes,
            material,
            sequence,
            bookkeeping: Bookkeeping::default(),
        }
    }

    /// The first instance of a tagged attribute.
    pub fn attribute(&self, tag: Tag) -> Option<&Value> {
        self.attributes
            .iter()
            .find(|a| a.key == AttrKey::Tag(tag))
            .map(|a| &a.value)
    }

    /// Removes every instance of a tagged attribute.
    pub fn remove(&mut self, tag: Tag) {
        self.attributes.retain(|a| a.key != AttrKey::Tag(tag));
    }

    /// Every instance of an attribute, in order.
    pub fn instances<'a>(&'a self, key: &'a AttrKey) -> impl Iterator<Item = &'a Attribute> + 'a {
        self.attributes.iter().filter(move |a| &a.key == key)
    }

    /// Sets a single-instance attribute (replacing any existing value).
    pub fn set(&mut self, tag: Tag, value: Value) {
        match self
            .attributes
            .iter_mut()
            .find(|a| a.key == AttrKey::Tag(tag))
        {
            Some(existing) => existing.value = value,
            None => self.attributes.push(Attribute {
                key: AttrKey::Tag(tag),
                value,
            }),
        }
    }

    /// Every attribute including the derived ones, in a stable order.
    pub fn all_attributes(&self) -> Vec<Attribute> {
        let mut all = vec![
            Attribute {
                key: AttrKey::Tag(tags::UNIQUE_IDENTIFIER),
                value: Value::TextString(self.uid.clone()),
            },
            Attribute {
                key: AttrKey::Tag(tags::OBJECT_TYPE),
                value: Value::Enumeration(self.object_type.0),
            },
            Attribute {
                key: AttrKey::Tag(tags::STATE),
                value: Value::Enumeration(self.state.0),
            },
        ];
        all.extend(self.attributes.iter().cloned());
        all
    }
}
