//! What the reference server supports, as data: the operations it
//! implements, the object types each works on, and the versions each exists
//! in. Query answers from it, and [`matrix_markdown`] renders the README's
//! support matrix from it (a test keeps the two identical).

use super::ops::IMPLEMENTED;
use crate::kmip::{ObjectType, Operation, Version};

/// Every object type the server stores (Register accepts all of them).
pub const OBJECT_TYPES: &[ObjectType] = &[
    ObjectType::CERTIFICATE,
    ObjectType::SYMMETRIC_KEY,
    ObjectType::PUBLIC_KEY,
    ObjectType::PRIVATE_KEY,
    ObjectType::SPLIT_KEY,
    ObjectType::TEMPLATE,
    ObjectType::SECRET_DATA,
    ObjectType::OPAQUE_OBJECT,
    ObjectType::PGP_KEY,
];

/// Keys and certificates: the objects with a lifecycle (not Templates).
const MANAGED: &[ObjectType] = &[
    ObjectType::CERTIFICATE,
    ObjectType::SYMMETRIC_KEY,
    ObjectType::PUBLIC_KEY,
    ObjectType::PRIVATE_KEY,
    ObjectType::SPLIT_KEY,
    ObjectType::SECRET_DATA,
    ObjectType::OPAQUE_OBJECT,
    ObjectType::PGP_KEY,
];

/// The object types an operation acts on or produces; empty for operations
/// that involve no managed object (Query, RNG Retrieve, Poll, …).
pub fn object_types(operation: Operation) -> &'static [ObjectType] {
    match operation {
        Operation::CREATE | Operation::RE_KEY => &[ObjectType::SYMMETRIC_KEY],
        Operation::CREATE_KEY_PAIR | Operation::RE_KEY_KEY_PAIR => {
            &[ObjectType::PUBLIC_KEY, ObjectType::PRIVATE_KEY]
        }
        Operation::DERIVE_KEY => &[ObjectType::SYMMETRIC_KEY, ObjectType::SECRET_DATA],
        Operation::CERTIFY | Operation::RE_CERTIFY | Operation::VALIDATE => {
            &[ObjectType::CERTIFICATE]
        }
        Operation::ENCRYPT => &[ObjectType::SYMMETRIC_KEY, ObjectType::PUBLIC_KEY],
        Operation::DECRYPT => &[ObjectType::SYMMETRIC_KEY, ObjectType::PRIVATE_KEY],
        Operation::SIGN => &[ObjectType::PRIVATE_KEY],
        Operation::SIGNATURE_VERIFY => &[ObjectType::PUBLIC_KEY],
        Operation::MAC | Operation::MAC_VERIFY => &[ObjectType::SYMMETRIC_KEY],
        Operation::GET_USAGE_ALLOCATION => &[
            ObjectType::SYMMETRIC_KEY,
            ObjectType::PUBLIC_KEY,
            ObjectType::PRIVATE_KEY,
            ObjectType::SPLIT_KEY,
            ObjectType::SECRET_DATA,
        ],
        Operation::ACTIVATE | Operation::REVOKE => MANAGED,
        Operation::REGISTER
        | Operation::LOCATE
        | Operation::CHECK
        | Operation::GET
        | Operation::GET_ATTRIBUTES
        | Operation::GET_ATTRIBUTE_LIST
        | Operation::ADD_ATTRIBUTE
        | Operation::MODIFY_ATTRIBUTE
        | Operation::DELETE_ATTRIBUTE
        | Operation::SET_ATTRIBUTE
        | Operation::ADJUST_ATTRIBUTE
        | Operation::OBTAIN_LEASE
        | Operation::DESTROY
        | Operation::ARCHIVE
        | Operation::RECOVER => OBJECT_TYPES,
        _ => &[],
    }
}

/// Is `operation` implemented and defined in `version`?
pub fn supported(operation: Operation, version: Version) -> bool {
    IMPLEMENTED.contains(&operation) && Operation::def().defined_in(operation.0, version)
}

/// A short display name for an object type.
fn object_type_name(object_type: ObjectType) -> &'static str {
    ObjectType::def()
        .value(object_type.0)
        .map_or("?", |v| v.name)
}

/// The README's support matrix: one row per operation, one column per version.
pub fn matrix_markdown() -> String {
    let mut out = String::from("| Operation | Object types |");
    for version in Version::ALL {
        out.push_str(&format!(" {version} |"));
    }
    out.push_str("\n|---|---|");
    out.push_str(&"---|".repeat(Version::ALL.len()));
    out.push('\n');
    let mut operations: Vec<Operation> = IMPLEMENTED.to_vec();
    operations.sort_by_key(|o| o.0);
    for operation in operations {
        let name = Operation::def().value(operation.0).map_or("?", |v| v.name);
        let types = object_types(operation);
        let types = if types.is_empty() {
            "—".to_owned()
        } else if types == OBJECT_TYPES {
            "all".to_owned()
        } else if types == MANAGED {
            "all but Template".to_owned()
        } else {
            types
                .iter()
                .map(|t| object_type_name(*t))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str(&format!("| {name} | {types} |"));
        for version in Version::ALL {
            out.push_str(if supported(operation, version) {
                " ✓ |"
            } else {
                " |"
            });
        }
        out.push('\n');
    }
    out
}
