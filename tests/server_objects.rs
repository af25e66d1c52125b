//! Objects and their lifecycle (KMIP 1.2 §3–4, 2.1 §4–6): Create, Register,
//! Get, the attribute operations in 1.x and 2.x form, Locate, Activate,
//! Revoke, Destroy, and ownership by client identity.

mod common;

use common::kmip_client::*;
use kmip_conform::kmip::{
    tags, ObjectType, Operation, ResultReason, ResultStatus, RevocationReasonCode, State, Version,
};
use kmip_conform::server::{respond, Identity, ServerConfig, Shared};
use kmip_conform::ttlv::{decode_strict, encode, Item, Value};

fn uid_field(uid: &str) -> Item {
    Item::new(tags::UNIQUE_IDENTIFIER, Value::TextString(uid.into()))
}

fn one(version: Version, operation: Operation, payload: Vec<Item>) -> Item {
    request(version, vec![], vec![op(operation, None, payload)])
}

async fn create(client: &mut Client, version: Version, name: Option<&str>) -> String {
    let response = client
        .call(&one(
            version,
            Operation::CREATE,
            create_payload(version, 256, name),
        ))
        .await;
    let item = items(&response)[0];
    assert_eq!(status(item), ResultStatus::SUCCESS, "{response:?}");
    uid(item)
}

/// The value of one attribute from a Get Attributes response, in either form.
fn attribute(
    response: &Item,
    name: &str,
    tag: kmip_conform::ttlv::Tag,
    version: Version,
) -> Option<Value> {
    let payload = items(response)[0].child(tags::RESPONSE_PAYLOAD)?;
    if version.is_2x() {
        return payload
            .child(tags::ATTRIBUTES)?
            .child(tag)
            .map(|a| a.value.clone());
    }
    payload
        .children_with(tags::ATTRIBUTE)
        .find(|a| {
            a.child(tags::ATTRIBUTE_NAME).map(|n| &n.value) == Some(&Value::TextString(name.into()))
        })
        .and_then(|a| a.child(tags::ATTRIBUTE_VALUE))
        .map(|v| v.value.clone())
}

async fn state(client: &mut Client, version: Version, uid: &str) -> State {
    let response = client
        .call(&one(
            version,
            Operation::GET_ATTRIBUTES,
            vec![uid_field(uid)],
        ))
        .await;
    match attribute(&response, "State", tags::STATE, version) {
        Some(Value::Enumeration(s)) => State(s),
        other => panic!("no State: {other:?}"),
    }
}

#[tokio::test]
async fn symmetric_key_lifecycle_in_every_version() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    for version in Version::ALL {
        let uid = create(&mut client, version, None).await;
        let get = client
            .call(&one(version, Operation::GET, vec![uid_field(&uid)]))
            .await;
        let key = payload_field(items(&get)[0], tags::SYMMETRIC_KEY).expect("a Symmetric Key");
        let material = key
            .child(tags::KEY_BLOCK)
            .unwrap()
            .child(tags::KEY_VALUE)
            .unwrap()
            .child(tags::KEY_MATERIAL)
            .unwrap();
        assert!(
            matches!(&material.value, Value::ByteString(k) if k.len() == 32),
            "{version}"
        );
        assert_eq!(state(&mut client, version, &uid).await, State::PRE_ACTIVE);
        // Destroying an active key is refused; Activate, Revoke, then Destroy.
        client
            .call(&one(version, Operation::ACTIVATE, vec![uid_field(&uid)]))
            .await;
        assert_eq!(state(&mut client, version, &uid).await, State::ACTIVE);
        let refused = client
            .call(&one(version, Operation::DESTROY, vec![uid_field(&uid)]))
            .await;
        let expected = if version.is_2x() {
            ResultReason::WRONG_KEY_LIFECYCLE_STATE
        } else {
            ResultReason::PERMISSION_DENIED
        };
        assert_eq!(reason(items(&refused)[0]), Some(expected), "{version}");
        let revoke = vec![
            uid_field(&uid),
            Item::structure(
                tags::REVOCATION_REASON,
                vec![Item::new(
                    tags::REVOCATION_REASON_CODE,
                    Value::Enumeration(RevocationReasonCode::CESSATION_OF_OPERATION.0),
                )],
            ),
        ];
        assert_eq!(
            status(items(&client.call(&one(version, Operation::REVOKE, revoke)).await)[0]),
            ResultStatus::SUCCESS
        );
        assert_eq!(state(&mut client, version, &uid).await, State::DEACTIVATED);
        assert_eq!(
            status(
                items(
                    &client
                        .call(&one(version, Operation::DESTROY, vec![uid_field(&uid)]))
                        .await
                )[0]
            ),
            ResultStatus::SUCCESS
        );
        // Destroyed objects keep their metadata but not their key material.
        assert_eq!(state(&mut client, version, &uid).await, State::DESTROYED);
        let gone = client
            .call(&one(version, Operation::GET, vec![uid_field(&uid)]))
            .await;
        assert_eq!(status(items(&gone)[0]), ResultStatus::OPERATION_FAILED);
    }
}

#[tokio::test]
async fn key_compromise_leads_to_destroyed_compromised() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let version = Version::V1_4;
    let uid = create(&mut client, version, None).await;
    let revoke = vec![
        uid_field(&uid),
        Item::structure(
            tags::REVOCATION_REASON,
            vec![Item::new(
                tags::REVOCATION_REASON_CODE,
                Value::Enumeration(RevocationReasonCode::KEY_COMPROMISE.0),
            )],
        ),
    ];
    client.call(&one(version, Operation::REVOKE, revoke)).await;
    assert_eq!(state(&mut client, version, &uid).await, State::COMPROMISED);
    client
        .call(&one(version, Operation::DESTROY, vec![uid_field(&uid)]))
        .await;
    assert_eq!(
        state(&mut client, version, &uid).await,
        State::DESTROYED_COMPROMISED
    );
}

#[tokio::test]
async fn attributes_add_modify_delete_in_1x_form() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let version = Version::V1_2;
    let uid = create(&mut client, version, None).await;
    let custom = |value: &str, index: Option<i32>| {
        let mut fields = vec![Item::new(
            tags::ATTRIBUTE_NAME,
            Value::TextString("x-purpose".into()),
        )];
        if let Some(i) = index {
            fields.push(Item::new(tags::ATTRIBUTE_INDEX, Value::Integer(i)));
        }
        fields.push(Item::new(
            tags::ATTRIBUTE_VALUE,
            Value::TextString(value.into()),
        ));
        Item::structure(tags::ATTRIBUTE, fields)
    };
    for value in ["first", "second"] {
        let added = client
            .call(&one(
                version,
                Operation::ADD_ATTRIBUTE,
                vec![uid_field(&uid), custom(value, None)],
            ))
            .await;
        assert_eq!(status(items(&added)[0]), ResultStatus::SUCCESS, "{added:?}");
    }
    let modified = client
        .call(&one(
            version,
            Operation::MODIFY_ATTRIBUTE,
            vec![uid_field(&uid), custom("changed", Some(1))],
        ))
        .await;
    assert_eq!(status(items(&modified)[0]), ResultStatus::SUCCESS);
    let list = client
        .call(&one(
            version,
            Operation::GET_ATTRIBUTES,
            vec![
                uid_field(&uid),
                Item::new(tags::ATTRIBUTE_NAME, Value::TextString("x-purpose".into())),
            ],
        ))
        .await;
    let values: Vec<Value> = items(&list)[0]
        .child(tags::RESPONSE_PAYLOAD)
        .unwrap()
        .children_with(tags::ATTRIBUTE)
        .map(|a| a.child(tags::ATTRIBUTE_VALUE).unwrap().value.clone())
        .collect();
    assert_eq!(
        values,
        vec![
            Value::TextString("first".into()),
            Value::TextString("changed".into())
        ]
    );
    let delete = vec![
        uid_field(&uid),
        Item::new(tags::ATTRIBUTE_NAME, Value::TextString("x-purpose".into())),
        Item::new(tags::ATTRIBUTE_INDEX, Value::Integer(0)),
    ];
    assert_eq!(
        status(
            items(
                &client
                    .call(&one(version, Operation::DELETE_ATTRIBUTE, delete))
                    .await
            )[0]
        ),
        ResultStatus::SUCCESS
    );
    // Read-only attributes are refused; single-instance attributes cannot be added twice.
    let set_state = Item::structure(
        tags::ATTRIBUTE,
        vec![
            Item::new(tags::ATTRIBUTE_NAME, Value::TextString("State".into())),
            Item::new(tags::ATTRIBUTE_VALUE, Value::Enumeration(2)),
        ],
    );
    let refused = client
        .call(&one(
            version,
            Operation::MODIFY_ATTRIBUTE,
            vec![uid_field(&uid), set_state],
        ))
        .await;
    assert_eq!(
        reason(items(&refused)[0]),
        Some(ResultReason::PERMISSION_DENIED)
    );
}

#[tokio::test]
async fn attributes_in_2x_form() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let version = Version::V2_1;
    let uid = create(&mut client, version, Some("two-x")).await;
    let new_name = |n: &str| Item::structure(tags::NEW_ATTRIBUTE, vec![name_value(n)]);
    let added = client
        .call(&one(
            version,
            Operation::ADD_ATTRIBUTE,
            vec![uid_field(&uid), new_name("alias")],
        ))
        .await;
    assert_eq!(status(items(&added)[0]), ResultStatus::SUCCESS, "{added:?}");
    let modify = vec![
        uid_field(&uid),
        Item::structure(tags::CURRENT_ATTRIBUTE, vec![name_value("alias")]),
        new_name("alias-2"),
    ];
    assert_eq!(
        status(
            items(
                &client
                    .call(&one(version, Operation::MODIFY_ATTRIBUTE, modify))
                    .await
            )[0]
        ),
        ResultStatus::SUCCESS
    );
    let reference = Item::new(tags::ATTRIBUTE_REFERENCE, Value::Enumeration(tags::NAME.0));
    let names = client
        .call(&one(
            version,
            Operation::GET_ATTRIBUTES,
            vec![uid_field(&uid), reference],
        ))
        .await;
    let attributes = items(&names)[0]
        .child(tags::RESPONSE_PAYLOAD)
        .unwrap()
        .child(tags::ATTRIBUTES)
        .unwrap()
        .clone();
    let listed: Vec<&Item> = attributes.children_with(tags::NAME).collect();
    assert_eq!(listed.len(), 2);
    let delete = vec![
        uid_field(&uid),
        Item::structure(tags::CURRENT_ATTRIBUTE, vec![name_value("alias-2")]),
    ];
    assert_eq!(
        status(
            items(
                &client
                    .call(&one(version, Operation::DELETE_ATTRIBUTE, delete))
                    .await
            )[0]
        ),
        ResultStatus::SUCCESS
    );
    let list = client
        .call(&one(
            version,
            Operation::GET_ATTRIBUTE_LIST,
            vec![uid_field(&uid)],
        ))
        .await;
    let references: Vec<&Item> = items(&list)[0]
        .child(tags::RESPONSE_PAYLOAD)
        .unwrap()
        .children_with(tags::ATTRIBUTE_REFERENCE)
        .collect();
    assert!(references
        .iter()
        .any(|r| r.value == Value::Enumeration(tags::CRYPTOGRAPHIC_ALGORITHM.0)));
    // A second Cryptographic Usage Mask: the attribute is single-valued.
    let usage_mask = Item::structure(
        tags::NEW_ATTRIBUTE,
        vec![Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(4))],
    );
    let refused = client
        .call(&one(
            version,
            Operation::ADD_ATTRIBUTE,
            vec![uid_field(&uid), usage_mask],
        ))
        .await;
    assert_eq!(
        reason(items(&refused)[0]),
        Some(ResultReason::ATTRIBUTE_SINGLE_VALUED)
    );
}

#[tokio::test]
async fn locate_filters_pages_and_counts() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let version = Version::V2_1;
    let mut created = Vec::new();
    for i in 0..5 {
        created.push(create(&mut client, version, Some(&format!("locate-{i}"))).await);
    }
    let by_type = Item::structure(
        tags::ATTRIBUTES,
        vec![Item::new(
            tags::OBJECT_TYPE,
            Value::Enumeration(ObjectType::SYMMETRIC_KEY.0),
        )],
    );
    let page = client
        .call(&one(
            version,
            Operation::LOCATE,
            vec![
                Item::new(tags::MAXIMUM_ITEMS, Value::Integer(2)),
                Item::new(tags::OFFSET_ITEMS, Value::Integer(1)),
                by_type,
            ],
        ))
        .await;
    let payload = items(&page)[0].child(tags::RESPONSE_PAYLOAD).unwrap();
    assert_eq!(
        payload.child(tags::LOCATED_ITEMS).map(|l| &l.value),
        Some(&Value::Integer(5))
    );
    let uids: Vec<Value> = payload
        .children_with(tags::UNIQUE_IDENTIFIER)
        .map(|u| u.value.clone())
        .collect();
    assert_eq!(
        uids,
        vec![
            Value::TextString(created[1].clone()),
            Value::TextString(created[2].clone())
        ]
    );
    let by_name = Item::structure(tags::ATTRIBUTES, vec![name_value("locate-3")]);
    let found = client
        .call(&one(version, Operation::LOCATE, vec![by_name]))
        .await;
    assert_eq!(uid(items(&found)[0]), created[3]);
}

#[tokio::test]
async fn register_secret_data_and_opaque_objects() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let version = Version::V1_4;
    let secret = Item::structure(
        tags::SECRET_DATA,
        vec![
            Item::new(tags::SECRET_DATA_TYPE, Value::Enumeration(1)),
            Item::structure(
                tags::KEY_BLOCK,
                vec![
                    Item::new(tags::KEY_FORMAT_TYPE, Value::Enumeration(2)),
                    Item::structure(
                        tags::KEY_VALUE,
                        vec![Item::new(
                            tags::KEY_MATERIAL,
                            Value::ByteString(b"s3cret".to_vec()),
                        )],
                    ),
                ],
            ),
        ],
    );
    let opaque = Item::structure(
        tags::OPAQUE_OBJECT,
        vec![
            Item::new(tags::OPAQUE_DATA_TYPE, Value::Enumeration(0x8000_0001)),
            Item::new(tags::OPAQUE_DATA_VALUE, Value::ByteString(vec![1, 2, 3])),
        ],
    );
    for (object_type, object) in [
        (ObjectType::SECRET_DATA, secret),
        (ObjectType::OPAQUE_OBJECT, opaque),
    ] {
        let payload = vec![
            Item::new(tags::OBJECT_TYPE, Value::Enumeration(object_type.0)),
            Item::structure(tags::TEMPLATE_ATTRIBUTE, vec![]),
            object.clone(),
        ];
        let registered = client
            .call(&one(version, Operation::REGISTER, payload))
            .await;
        let uid = uid(items(&registered)[0]);
        let got = client
            .call(&one(version, Operation::GET, vec![uid_field(&uid)]))
            .await;
        assert_eq!(
            payload_field(items(&got)[0], object.tag),
            Some(&object),
            "{object_type:?}"
        );
    }
    // An object type that does not match its structure is an Invalid Field.
    let mismatch = vec![
        Item::new(
            tags::OBJECT_TYPE,
            Value::Enumeration(ObjectType::SYMMETRIC_KEY.0),
        ),
        Item::structure(tags::TEMPLATE_ATTRIBUTE, vec![]),
    ];
    let refused = client
        .call(&one(version, Operation::REGISTER, mismatch))
        .await;
    assert_eq!(
        reason(items(&refused)[0]),
        Some(ResultReason::INVALID_FIELD)
    );
}

#[test]
fn objects_belong_to_the_identity_that_created_them() {
    let shared = Shared::new(ServerConfig::default());
    let alice = Identity::Certificate("alice".into());
    let bob = Identity::Certificate("bob".into());
    let version = Version::V1_4;
    let ask = |who: &Identity, request: Item| {
        decode_strict(&respond(&shared, who, &encode(&request).unwrap()).0).unwrap()
    };
    let created = ask(
        &alice,
        one(
            version,
            Operation::CREATE,
            create_payload(version, 128, Some("alice-key")),
        ),
    );
    let uid = uid(items(&created)[0]);
    let stolen = ask(&bob, one(version, Operation::GET, vec![uid_field(&uid)]));
    assert_eq!(
        reason(items(&stolen)[0]),
        Some(ResultReason::PERMISSION_DENIED)
    );
    let filter = Item::structure(
        tags::ATTRIBUTE,
        vec![
            Item::new(tags::ATTRIBUTE_NAME, Value::TextString("Name".into())),
            Item::new(tags::ATTRIBUTE_VALUE, name_value("alice-key").value),
        ],
    );
    let located = ask(&bob, one(version, Operation::LOCATE, vec![filter.clone()]));
    assert!(items(&located)[0]
        .child(tags::RESPONSE_PAYLOAD)
        .unwrap()
        .child(tags::UNIQUE_IDENTIFIER)
        .is_none());
    let own = ask(&alice, one(version, Operation::LOCATE, vec![filter]));
    assert_eq!(common::kmip_client::uid(items(&own)[0]), uid);
}
