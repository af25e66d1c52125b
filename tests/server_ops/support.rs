//! Helpers shared by the per-operation tests: one-item requests, success and
//! failure expectations, attributes in the version's own form.

use super::common::kmip_client::*;
use kmip_conform::kmip::{
    tags, Operation, ResultReason, ResultStatus, RevocationReasonCode, Version,
};
use kmip_conform::ttlv::{Item, Tag, Value};

#[allow(unused_imports)]
pub use super::common::kmip_client::{start, Cert, Client};

/// A fresh server (default configuration) and a client connected to it.
pub async fn connect() -> (TestServer, Client) {
    let server = start(|_| {}).await;
    let client = Client::connect(&server, Cert::Valid)
        .await
        .expect("connect");
    (server, client)
}

/// A Unique Identifier request field.
pub fn uid_field(uid: &str) -> Item {
    Item::new(tags::UNIQUE_IDENTIFIER, Value::TextString(uid.into()))
}

/// A request with one batch item.
pub fn one(version: Version, operation: Operation, payload: Vec<Item>) -> Item {
    request(version, vec![], vec![op(operation, None, payload)])
}

/// Runs one operation, asserts Success and returns the response payload.
pub async fn ok(
    client: &mut Client,
    version: Version,
    operation: Operation,
    payload: Vec<Item>,
) -> Item {
    let response = client.call(&one(version, operation, payload)).await;
    let item = items(&response)[0];
    assert_eq!(
        status(item),
        ResultStatus::SUCCESS,
        "{operation:?} on {version} failed: {response:?}"
    );
    item.child(tags::RESPONSE_PAYLOAD)
        .cloned()
        .unwrap_or_else(|| Item::structure(tags::RESPONSE_PAYLOAD, Vec::new()))
}

/// Runs one operation, asserts Operation Failed and returns the Result Reason.
pub async fn fails(
    client: &mut Client,
    version: Version,
    operation: Operation,
    payload: Vec<Item>,
) -> ResultReason {
    let response = client.call(&one(version, operation, payload)).await;
    let item = items(&response)[0];
    assert_eq!(
        status(item),
        ResultStatus::OPERATION_FAILED,
        "{operation:?} on {version} should fail: {response:?}"
    );
    reason(item).expect("a failure carries a Result Reason")
}

/// A field of a response payload (as returned by [`ok`]).
pub fn field(payload: &Item, tag: Tag) -> &Value {
    &payload
        .child(tag)
        .unwrap_or_else(|| panic!("no {tag:?} in {payload:?}"))
        .value
}

/// The text Unique Identifier of a response payload.
pub fn uid_of(payload: &Item) -> String {
    match field(payload, tags::UNIQUE_IDENTIFIER) {
        Value::TextString(uid) => uid.clone(),
        other => panic!("Unique Identifier is {other:?}"),
    }
}

/// Bytes of a Byte String field of a response payload.
pub fn bytes_of(payload: &Item, tag: Tag) -> Vec<u8> {
    match field(payload, tag) {
        Value::ByteString(b) => b.clone(),
        other => panic!("{tag:?} is {other:?}"),
    }
}

/// Attributes in the version's request form: 1.x Template-Attribute of
/// Attribute structures, 2.x Attributes. `fields` are (1.x name, tagged item).
pub fn attributes(version: Version, fields: Vec<(&str, Item)>) -> Item {
    if version.is_2x() {
        return Item::structure(
            tags::ATTRIBUTES,
            fields.into_iter().map(|(_, i)| i).collect(),
        );
    }
    Item::structure(
        tags::TEMPLATE_ATTRIBUTE,
        fields
            .into_iter()
            .map(|(name, item)| {
                Item::structure(
                    tags::ATTRIBUTE,
                    vec![
                        Item::new(tags::ATTRIBUTE_NAME, Value::TextString(name.into())),
                        Item::new(tags::ATTRIBUTE_VALUE, item.value),
                    ],
                )
            })
            .collect(),
    )
}

/// The value of one attribute of an object, via Get Attributes, in either form.
pub async fn attribute(
    client: &mut Client,
    version: Version,
    uid: &str,
    name: &str,
    tag: Tag,
) -> Option<Value> {
    let payload = ok(
        client,
        version,
        Operation::GET_ATTRIBUTES,
        vec![uid_field(uid)],
    )
    .await;
    if version.is_2x() {
        return payload
            .child(tags::ATTRIBUTES)?
            .child(tag)
            .map(|a| a.value.clone());
    }
    let value = payload
        .children_with(tags::ATTRIBUTE)
        .find(|a| {
            a.child(tags::ATTRIBUTE_NAME).map(|n| &n.value) == Some(&Value::TextString(name.into()))
        })
        .and_then(|a| a.child(tags::ATTRIBUTE_VALUE))
        .map(|v| v.value.clone());
    value
}

/// Creates an AES key (Encrypt|Decrypt mask) and returns its Unique Identifier.
pub async fn create_aes(client: &mut Client, version: Version, bits: i32) -> String {
    let payload = ok(
        client,
        version,
        Operation::CREATE,
        create_payload(version, bits, None),
    )
    .await;
    uid_of(&payload)
}

/// Activates an object.
pub async fn activate(client: &mut Client, version: Version, uid: &str) {
    ok(client, version, Operation::ACTIVATE, vec![uid_field(uid)]).await;
}

/// The Result Reason a version expects: `v1` in KMIP 1.x, `v2` in 2.x.
pub fn by_version(version: Version, v1: ResultReason, v2: ResultReason) -> ResultReason {
    if version.is_2x() {
        v2
    } else {
        v1
    }
}

/// Unknown object: Item Not Found in 1.x, Object Not Found in 2.x.
pub fn not_found_reason(version: Version) -> ResultReason {
    by_version(
        version,
        ResultReason::ITEM_NOT_FOUND,
        ResultReason::OBJECT_NOT_FOUND,
    )
}

/// Key in the wrong state: Permission Denied in 1.x, Wrong Key Lifecycle State in 2.x.
pub fn wrong_state_reason(version: Version) -> ResultReason {
    by_version(
        version,
        ResultReason::PERMISSION_DENIED,
        ResultReason::WRONG_KEY_LIFECYCLE_STATE,
    )
}

/// Usage mask without the operation's bit: Permission Denied in 1.x,
/// Incompatible Cryptographic Usage Mask in 2.x.
pub fn usage_mask_reason(version: Version) -> ResultReason {
    by_version(
        version,
        ResultReason::PERMISSION_DENIED,
        ResultReason::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
    )
}

/// An expected failure: a label for the assertion message, the request
/// payload, and the Result Reason the server must answer.
pub type FailureCase = (&'static str, Vec<Item>, ResultReason);

/// Runs every case as one `operation` and asserts each fails with its reason.
pub async fn assert_failures(
    client: &mut Client,
    version: Version,
    operation: Operation,
    cases: Vec<FailureCase>,
) {
    for (label, payload, expected) in cases {
        let reason = fails(client, version, operation, payload).await;
        assert_eq!(reason, expected, "{version} {label}");
    }
}

/// Usage Limits used up: Permission Denied in 1.x, Usage Limit Exceeded in 2.x.
pub fn usage_limit_reason(version: Version) -> ResultReason {
    by_version(
        version,
        ResultReason::PERMISSION_DENIED,
        ResultReason::USAGE_LIMIT_EXCEEDED,
    )
}

/// Revokes an object with a Revocation Reason Code (asserts Success).
pub async fn revoke(client: &mut Client, version: Version, uid: &str, code: RevocationReasonCode) {
    let reason = Item::structure(
        tags::REVOCATION_REASON,
        vec![Item::new(
            tags::REVOCATION_REASON_CODE,
            Value::Enumeration(code.0),
        )],
    );
    ok(
        client,
        version,
        Operation::REVOKE,
        vec![uid_field(uid), reason],
    )
    .await;
}

/// The Raw key material of an object, via Get; the object in the response
/// must be one of `object_tags` (e.g. Symmetric Key, Secret Data).
pub async fn key_bytes(
    client: &mut Client,
    version: Version,
    uid: &str,
    object_tags: &[Tag],
) -> Vec<u8> {
    let payload = ok(client, version, Operation::GET, vec![uid_field(uid)]).await;
    let object = object_tags
        .iter()
        .find_map(|tag| payload.child(*tag))
        .unwrap_or_else(|| panic!("none of {object_tags:?} in {payload:?}"));
    match &object
        .child(tags::KEY_BLOCK)
        .and_then(|b| b.child(tags::KEY_VALUE))
        .and_then(|v| v.child(tags::KEY_MATERIAL))
        .expect("key material")
        .value
    {
        Value::ByteString(b) => b.clone(),
        other => panic!("key material {other:?}"),
    }
}
