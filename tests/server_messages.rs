//! Message-level rules of the reference server: Maximum Response Size,
//! Message Extensions, Discover Versions, unsupported operations, templates.

mod common;

use common::kmip_client::*;
use kmip_conform::kmip::{
    tags, ObjectType, Operation, QueryFunction, ResultReason, ResultStatus, Version,
};
use kmip_conform::ttlv::{Item, Value};

fn query_all(version: Version, max: Option<i32>) -> Item {
    let header = max
        .map(|m| vec![Item::new(tags::MAXIMUM_RESPONSE_SIZE, Value::Integer(m))])
        .unwrap_or_default();
    request(
        version,
        header,
        vec![op(
            Operation::QUERY,
            None,
            vec![
                Item::new(
                    tags::QUERY_FUNCTION,
                    Value::Enumeration(QueryFunction::QUERY_OPERATIONS.0),
                ),
                Item::new(
                    tags::QUERY_FUNCTION,
                    Value::Enumeration(QueryFunction::QUERY_OBJECTS.0),
                ),
            ],
        )],
    )
}

/// MSGENC-XML-M-1-10: Query with Maximum Response Size 256 is too large; 2048 fits.
#[tokio::test]
async fn maximum_response_size_is_enforced() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let small = client.call(&query_all(Version::V1_0, Some(256))).await;
    let item = items(&small)[0];
    assert_eq!(status(item), ResultStatus::OPERATION_FAILED);
    assert_eq!(reason(item), Some(ResultReason::RESPONSE_TOO_LARGE));
    assert_eq!(
        item.child(tags::OPERATION).map(|o| &o.value),
        Some(&Value::Enumeration(Operation::QUERY.0))
    );
    let fits = client.call(&query_all(Version::V1_0, Some(2048))).await;
    assert_eq!(status(items(&fits)[0]), ResultStatus::SUCCESS);
}

fn with_extension(critical: bool) -> Item {
    let mut query = op(
        Operation::QUERY,
        None,
        vec![Item::new(
            tags::QUERY_FUNCTION,
            Value::Enumeration(QueryFunction::QUERY_OPERATIONS.0),
        )],
    );
    if let kmip_conform::ttlv::Value::Structure(fields) = &mut query.value {
        fields.push(Item::structure(
            tags::MESSAGE_EXTENSION,
            vec![
                Item::new(
                    tags::VENDOR_IDENTIFICATION,
                    Value::TextString("example".into()),
                ),
                Item::new(tags::CRITICALITY_INDICATOR, Value::Boolean(critical)),
                Item::structure(
                    tags::VENDOR_EXTENSION,
                    vec![Item::new(
                        kmip_conform::ttlv::Tag(0x54_0001),
                        Value::TextString("na".into()),
                    )],
                ),
            ],
        ));
    }
    request(Version::V1_2, vec![], vec![query])
}

/// TC-71/TC-72: a non-critical unknown extension is ignored; a critical one rejects the message.
#[tokio::test]
async fn message_extensions_follow_their_criticality() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    assert_eq!(
        status(items(&client.call(&with_extension(false)).await)[0]),
        ResultStatus::SUCCESS
    );
    let rejected = client.call(&with_extension(true)).await;
    assert_eq!(
        reason(items(&rejected)[0]),
        Some(ResultReason::FEATURE_NOT_SUPPORTED)
    );
}

fn versions_in(response: &Item) -> Vec<(i32, i32)> {
    items(response)[0]
        .child(tags::RESPONSE_PAYLOAD)
        .map(|p| {
            p.children_with(tags::PROTOCOL_VERSION)
                .map(|v| {
                    let part = |t| match v.child(t).unwrap().value {
                        Value::Integer(i) => i,
                        _ => panic!(),
                    };
                    (
                        part(tags::PROTOCOL_VERSION_MAJOR),
                        part(tags::PROTOCOL_VERSION_MINOR),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

fn protocol_version(major: i32, minor: i32) -> Item {
    Item::structure(
        tags::PROTOCOL_VERSION,
        vec![
            Item::new(tags::PROTOCOL_VERSION_MAJOR, Value::Integer(major)),
            Item::new(tags::PROTOCOL_VERSION_MINOR, Value::Integer(minor)),
        ],
    )
}

/// KMIP 1.2 §4.26.
#[tokio::test]
async fn discover_versions_follows_the_spec() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let all = client
        .call(&request(
            Version::V1_1,
            vec![],
            vec![op(Operation::DISCOVER_VERSIONS, None, vec![])],
        ))
        .await;
    assert_eq!(
        versions_in(&all),
        vec![(2, 1), (2, 0), (1, 4), (1, 3), (1, 2), (1, 1), (1, 0)]
    );
    let some = client
        .call(&request(
            Version::V1_2,
            vec![],
            vec![op(
                Operation::DISCOVER_VERSIONS,
                None,
                vec![
                    protocol_version(1, 2),
                    protocol_version(3, 0),
                    protocol_version(1, 4),
                ],
            )],
        ))
        .await;
    assert_eq!(versions_in(&some), vec![(1, 4), (1, 2)]);
    let none = client
        .call(&request(
            Version::V1_2,
            vec![],
            vec![op(
                Operation::DISCOVER_VERSIONS,
                None,
                vec![protocol_version(9, 9)],
            )],
        ))
        .await;
    assert_eq!(status(items(&none)[0]), ResultStatus::SUCCESS);
    assert!(versions_in(&none).is_empty());
    // Discover Versions is not an operation of KMIP 1.0.
    let old = client
        .call(&request(
            Version::V1_0,
            vec![],
            vec![op(Operation::DISCOVER_VERSIONS, None, vec![])],
        ))
        .await;
    assert_eq!(
        reason(items(&old)[0]),
        Some(ResultReason::OPERATION_NOT_SUPPORTED)
    );
}

#[tokio::test]
async fn unimplemented_operations_answer_operation_not_supported() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let check = client
        .call(&request(
            Version::V2_1,
            vec![],
            vec![op(Operation::CREATE_SPLIT_KEY, None, vec![])],
        ))
        .await;
    assert_eq!(
        reason(items(&check)[0]),
        Some(ResultReason::OPERATION_NOT_SUPPORTED)
    );
    let query = client.call(&query_all(Version::V2_1, None)).await;
    let listed: Vec<Value> = items(&query)[0]
        .child(tags::RESPONSE_PAYLOAD)
        .unwrap()
        .children_with(tags::OPERATION)
        .map(|o| o.value.clone())
        .collect();
    assert!(
        !listed.contains(&Value::Enumeration(Operation::CREATE_SPLIT_KEY.0)),
        "Query lists only what is implemented"
    );
    assert!(listed.contains(&Value::Enumeration(Operation::LOCATE.0)));
}

/// KMIP 1.x templates: Register one, then Create naming it.
#[tokio::test]
async fn create_from_a_registered_template() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let version = Version::V1_2;
    let attribute = |name: &str, value: Value| {
        Item::structure(
            tags::ATTRIBUTE,
            vec![
                Item::new(tags::ATTRIBUTE_NAME, Value::TextString(name.into())),
                Item::new(tags::ATTRIBUTE_VALUE, value),
            ],
        )
    };
    let template = Item::structure(
        tags::TEMPLATE,
        vec![
            attribute("Cryptographic Algorithm", Value::Enumeration(3)),
            attribute("Cryptographic Length", Value::Integer(192)),
        ],
    );
    let register = vec![
        Item::new(
            tags::OBJECT_TYPE,
            Value::Enumeration(ObjectType::TEMPLATE.0),
        ),
        Item::structure(
            tags::TEMPLATE_ATTRIBUTE,
            vec![attribute("Name", name_value("aes-192-template").value)],
        ),
        template,
    ];
    let registered = client
        .call(&request(
            version,
            vec![],
            vec![op(Operation::REGISTER, None, register)],
        ))
        .await;
    assert_eq!(
        status(items(&registered)[0]),
        ResultStatus::SUCCESS,
        "{registered:?}"
    );
    let create = vec![
        Item::new(
            tags::OBJECT_TYPE,
            Value::Enumeration(ObjectType::SYMMETRIC_KEY.0),
        ),
        Item::structure(
            tags::TEMPLATE_ATTRIBUTE,
            vec![name_value("aes-192-template")],
        ),
    ];
    let created = client
        .call(&request(
            version,
            vec![],
            vec![op(Operation::CREATE, None, create)],
        ))
        .await;
    let uid = uid(items(&created)[0]);
    let get = client
        .call(&request(
            version,
            vec![],
            vec![op(
                Operation::GET,
                None,
                vec![Item::new(tags::UNIQUE_IDENTIFIER, Value::TextString(uid))],
            )],
        ))
        .await;
    let block = payload_field(items(&get)[0], tags::SYMMETRIC_KEY)
        .unwrap()
        .child(tags::KEY_BLOCK)
        .unwrap();
    assert_eq!(
        block.child(tags::CRYPTOGRAPHIC_LENGTH).map(|l| &l.value),
        Some(&Value::Integer(192))
    );
}
