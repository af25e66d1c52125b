//! Set Attribute (KMIP 2.1 §6.1.51): adds an attribute or replaces its only instance.

use super::support::*;
use crate::common::kmip_client::name_value;
use kmip_conform::kmip::{tags, Operation, ResultReason, Version};
use kmip_conform::ttlv::{Item, Value};

fn new_attribute(item: Item) -> Item {
    Item::structure(tags::NEW_ATTRIBUTE, vec![item])
}

#[tokio::test]
async fn set_adds_then_replaces() {
    let (_server, mut client) = connect().await;
    for version in [Version::V2_0, Version::V2_1] {
        let uid = create_aes(&mut client, version, 128).await;
        let text = |s: &str| {
            new_attribute(Item::new(
                tags::CONTACT_INFORMATION,
                Value::TextString(s.into()),
            ))
        };
        let answer = ok(
            &mut client,
            version,
            Operation::SET_ATTRIBUTE,
            vec![uid_field(&uid), text("first")],
        )
        .await;
        assert_eq!(uid_of(&answer), uid);
        ok(
            &mut client,
            version,
            Operation::SET_ATTRIBUTE,
            vec![uid_field(&uid), text("second")],
        )
        .await;
        assert_eq!(
            attribute(&mut client, version, &uid, "", tags::CONTACT_INFORMATION).await,
            Some(Value::TextString("second".into()))
        );
    }
}

#[tokio::test]
async fn set_refuses_read_only_and_multi_valued() {
    let (_server, mut client) = connect().await;
    let version = Version::V2_1;
    let uid = create_aes(&mut client, version, 128).await;
    let read_only = new_attribute(Item::new(tags::INITIAL_DATE, Value::DateTime(0)));
    let reason = fails(
        &mut client,
        version,
        Operation::SET_ATTRIBUTE,
        vec![uid_field(&uid), read_only],
    )
    .await;
    assert_eq!(reason, ResultReason::READ_ONLY_ATTRIBUTE);
    for name in ["a", "b"] {
        let add = Item::structure(tags::NEW_ATTRIBUTE, vec![name_value(name)]);
        ok(
            &mut client,
            version,
            Operation::ADD_ATTRIBUTE,
            vec![uid_field(&uid), add],
        )
        .await;
    }
    let set = Item::structure(tags::NEW_ATTRIBUTE, vec![name_value("c")]);
    let reason = fails(
        &mut client,
        version,
        Operation::SET_ATTRIBUTE,
        vec![uid_field(&uid), set],
    )
    .await;
    assert_eq!(reason, ResultReason::MULTI_VALUED_ATTRIBUTE);
    let reason = fails(
        &mut client,
        version,
        Operation::SET_ATTRIBUTE,
        vec![
            uid_field("missing"),
            new_attribute(Item::new(
                tags::CONTACT_INFORMATION,
                Value::TextString("x".into()),
            )),
        ],
    )
    .await;
    assert_eq!(reason, ResultReason::OBJECT_NOT_FOUND);
}
