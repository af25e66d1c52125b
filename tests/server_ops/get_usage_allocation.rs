//! Get Usage Allocation (KMIP 1.2 §4.18, 2.1 §6.1.23): units reserved out of
//! an object's Usage Limits for the asking client.

use super::support::*;
use kmip_conform::kmip::{tags, ObjectType, Operation, ResultReason, Version};
use kmip_conform::ttlv::{Item, Value};

/// Registers a known AES-128 key with Usage Limits of `total` objects.
pub async fn aes_with_limits(client: &mut Client, version: Version, total: i64) -> String {
    let limits = Item::structure(
        tags::USAGE_LIMITS,
        vec![
            Item::new(tags::USAGE_LIMITS_TOTAL, Value::LongInteger(total)),
            Item::new(tags::USAGE_LIMITS_UNIT, Value::Enumeration(2)),
        ],
    );
    let key = Item::structure(
        tags::SYMMETRIC_KEY,
        vec![Item::structure(
            tags::KEY_BLOCK,
            vec![
                Item::new(tags::KEY_FORMAT_TYPE, Value::Enumeration(1)),
                Item::structure(
                    tags::KEY_VALUE,
                    vec![Item::new(
                        tags::KEY_MATERIAL,
                        Value::ByteString(vec![7u8; 16]),
                    )],
                ),
                Item::new(tags::CRYPTOGRAPHIC_ALGORITHM, Value::Enumeration(3)),
                Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(128)),
            ],
        )],
    );
    let payload = ok(
        client,
        version,
        Operation::REGISTER,
        vec![
            Item::new(
                tags::OBJECT_TYPE,
                Value::Enumeration(ObjectType::SYMMETRIC_KEY.0),
            ),
            attributes(
                version,
                vec![
                    (
                        "Cryptographic Usage Mask",
                        Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(0x0C)),
                    ),
                    ("Usage Limits", limits),
                ],
            ),
            key,
        ],
    )
    .await;
    uid_of(&payload)
}

fn count(n: i64) -> Item {
    Item::new(tags::USAGE_LIMITS_COUNT, Value::LongInteger(n))
}

async fn remaining(client: &mut Client, version: Version, uid: &str) -> i64 {
    let Some(Value::Structure(fields)) =
        attribute(client, version, uid, "Usage Limits", tags::USAGE_LIMITS).await
    else {
        panic!("no Usage Limits")
    };
    fields
        .iter()
        .find_map(|f| match f.value {
            Value::LongInteger(c) if f.tag == tags::USAGE_LIMITS_COUNT => Some(c),
            _ => None,
        })
        .expect("Usage Limits Count")
}

#[tokio::test]
async fn allocation_takes_units_out_of_the_count() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_0, Version::V1_2, Version::V2_1] {
        let uid = aes_with_limits(&mut client, version, 5).await;
        activate(&mut client, version, &uid).await;
        let answer = ok(
            &mut client,
            version,
            Operation::GET_USAGE_ALLOCATION,
            vec![uid_field(&uid), count(3)],
        )
        .await;
        assert_eq!(uid_of(&answer), uid);
        assert_eq!(remaining(&mut client, version, &uid).await, 2);
        let reason = fails(
            &mut client,
            version,
            Operation::GET_USAGE_ALLOCATION,
            vec![uid_field(&uid), count(3)],
        )
        .await;
        assert_eq!(reason, ResultReason::PERMISSION_DENIED, "only 2 left");
    }
}

#[tokio::test]
async fn allocation_errors_follow_the_error_table() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_2;
    // No Usage Limits attribute: Illegal Operation (KMIP 1.2 §11.19).
    let plain = create_aes(&mut client, version, 128).await;
    activate(&mut client, version, &plain).await;
    // Not yet Active: protection is not enabled.
    let limited = aes_with_limits(&mut client, version, 5).await;
    let cases = vec![
        (
            "no Usage Limits",
            vec![uid_field(&plain), count(1)],
            ResultReason::ILLEGAL_OPERATION,
        ),
        // No Usage Limits Count: Invalid Message.
        (
            "no count",
            vec![uid_field(&plain)],
            ResultReason::INVALID_MESSAGE,
        ),
        (
            "pre-active",
            vec![uid_field(&limited), count(1)],
            ResultReason::ILLEGAL_OPERATION,
        ),
        (
            "unknown",
            vec![uid_field("missing"), count(1)],
            ResultReason::ITEM_NOT_FOUND,
        ),
    ];
    assert_failures(&mut client, version, Operation::GET_USAGE_ALLOCATION, cases).await;
}
