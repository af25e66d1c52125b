//! Adjust Attribute (KMIP 2.1 §6.1.3): increment, decrement or negate a
//! numeric/interval/date/Boolean attribute; a missing one starts at 0.

use super::support::*;
use kmip_conform::kmip::{tags, AdjustmentType, Operation, ResultReason, Version};
use kmip_conform::ttlv::{Item, Value};

fn adjust(
    uid: &str,
    tag: kmip_conform::ttlv::Tag,
    how: AdjustmentType,
    by: Option<Value>,
) -> Vec<Item> {
    let mut payload = vec![
        uid_field(uid),
        Item::new(tags::ATTRIBUTE_REFERENCE, Value::Enumeration(tag.0)),
        Item::new(tags::ADJUSTMENT_TYPE, Value::Enumeration(how.0)),
    ];
    if let Some(by) = by {
        payload.push(Item::new(tags::ADJUSTMENT_VALUE, by));
    }
    payload
}

#[tokio::test]
async fn adjust_increments_decrements_and_negates() {
    let (_server, mut client) = connect().await;
    for version in [Version::V2_0, Version::V2_1] {
        let uid = create_aes(&mut client, version, 128).await;
        // The mask is 0x0C: add 0x10 (Unwrap Key), then take 0x04 away.
        ok(
            &mut client,
            version,
            Operation::ADJUST_ATTRIBUTE,
            adjust(
                &uid,
                tags::CRYPTOGRAPHIC_USAGE_MASK,
                AdjustmentType::INCREMENT,
                Some(Value::Integer(0x10)),
            ),
        )
        .await;
        ok(
            &mut client,
            version,
            Operation::ADJUST_ATTRIBUTE,
            adjust(
                &uid,
                tags::CRYPTOGRAPHIC_USAGE_MASK,
                AdjustmentType::DECREMENT,
                Some(Value::Integer(0x04)),
            ),
        )
        .await;
        assert_eq!(
            attribute(
                &mut client,
                version,
                &uid,
                "",
                tags::CRYPTOGRAPHIC_USAGE_MASK
            )
            .await,
            Some(Value::Integer(0x18))
        );
        // Missing Boolean: false, negated to true.
        ok(
            &mut client,
            version,
            Operation::ADJUST_ATTRIBUTE,
            adjust(&uid, tags::SENSITIVE, AdjustmentType::NEGATE, None),
        )
        .await;
        assert_eq!(
            attribute(&mut client, version, &uid, "", tags::SENSITIVE).await,
            Some(Value::Boolean(true))
        );
        // Activation Date moved by an Interval.
        ok(
            &mut client,
            version,
            Operation::ADJUST_ATTRIBUTE,
            adjust(
                &uid,
                tags::PROTECT_STOP_DATE,
                AdjustmentType::INCREMENT,
                Some(Value::DateTime(1_000)),
            ),
        )
        .await;
        assert_eq!(
            attribute(&mut client, version, &uid, "", tags::PROTECT_STOP_DATE).await,
            Some(Value::DateTime(1_000))
        );
    }
}

#[tokio::test]
async fn adjust_errors() {
    let (_server, mut client) = connect().await;
    let version = Version::V2_1;
    let uid = create_aes(&mut client, version, 128).await;
    ok(
        &mut client,
        version,
        Operation::SET_ATTRIBUTE,
        vec![
            uid_field(&uid),
            Item::structure(
                tags::NEW_ATTRIBUTE,
                vec![Item::new(
                    tags::CONTACT_INFORMATION,
                    Value::TextString("x".into()),
                )],
            ),
        ],
    )
    .await;
    let increment = AdjustmentType::INCREMENT;
    let cases = vec![
        (
            "text attribute",
            adjust(&uid, tags::CONTACT_INFORMATION, increment, None),
            ResultReason::INVALID_DATA_TYPE,
        ),
        (
            "Initial Date",
            adjust(&uid, tags::INITIAL_DATE, increment, None),
            ResultReason::READ_ONLY_ATTRIBUTE,
        ),
        (
            "overflow",
            adjust(
                &uid,
                tags::CRYPTOGRAPHIC_USAGE_MASK,
                increment,
                Some(Value::Integer(i32::MAX)),
            ),
            ResultReason::NUMERIC_RANGE,
        ),
        (
            "no reference",
            vec![uid_field(&uid)],
            ResultReason::INVALID_MESSAGE,
        ),
    ];
    assert_failures(&mut client, version, Operation::ADJUST_ATTRIBUTE, cases).await;
}
