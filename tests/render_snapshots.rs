//! Snapshot tests of the renderings (insta). With `CI=true` a changed rendering
//! fails instead of writing a new snapshot; locally, review `.snap.new` files.

use kmip_conform::kmip::{tags, KmipNames};
use kmip_conform::ttlv::render::{hex, json, tree, xml};
use kmip_conform::ttlv::{decode, Item, ItemType, Placeholder, Tag, Value};

/// MSGENC-XML-M-1-10: Query request and its Response Too Large answer.
const QUERY: &str = "42007801000000904200770100000048420069010000002042006a0200000004000000010000000042006b020000000400000000000000004200500200000004000001000000000042000d0200000004000000010000000042000f010000003842005c0500000004000000180000000042007901000000204200740500000004000000010000000042007405000000040000000200000000";
const TOO_LARGE: &str = "42007b01000000a042007a0100000048420069010000002042006a0200000004000000010000000042006b0200000004000000000000000042009209000000080000000051caafbd42000d0200000004000000010000000042000f010000004842005c0500000004000000180000000042007f0500000004000000010000000042007e0500000004000000020000000042007d0700000009544f4f5f4c4152474500000000000000";

fn message(hex_text: &str) -> Item {
    decode(&hex::decode(hex_text).unwrap()).unwrap().item
}

/// One of everything the renderings treat specially.
fn showcase() -> Item {
    Item::structure(
        tags::TEMPLATE_ATTRIBUTE,
        vec![
            Item::structure(
                tags::ATTRIBUTE,
                vec![
                    Item::new(
                        tags::ATTRIBUTE_NAME,
                        Value::TextString("Cryptographic Algorithm".into()),
                    ),
                    Item::new(tags::ATTRIBUTE_VALUE, Value::Enumeration(3)),
                ],
            ),
            Item::structure(
                tags::ATTRIBUTE,
                vec![
                    Item::new(
                        tags::ATTRIBUTE_NAME,
                        Value::TextString("Cryptographic Usage Mask".into()),
                    ),
                    Item::new(
                        tags::ATTRIBUTE_VALUE,
                        Value::Integer(0x0000_000C | 0x0100_0000),
                    ),
                ],
            ),
            Item::new(tags::OBJECT_TYPE, Value::Enumeration(0x8000_0001)),
            Item::new(
                Tag(0x54_0001),
                Value::TextString("vendor \"quoted\" <text>\n".into()),
            ),
            Item::new(
                tags::NONCE_VALUE,
                Value::ByteString(vec![0xDE, 0xAD, 0xBE, 0xEF]),
            ),
            Item::new(tags::ACTIVATION_DATE, Value::DateTime(0x47DA_67F8)),
            Item::new(tags::LEASE_TIME, Value::Interval(3600)),
            Item::new(tags::USAGE_LIMITS_COUNT, Value::LongInteger(1 << 60)),
            Item::new(
                tags::PRIME_FIELD_SIZE,
                Value::BigInteger(vec![0, 0, 0, 0, 0, 1, 0, 1]),
            ),
            Item::new(tags::SENSITIVE, Value::Boolean(true)),
            Item::new(
                tags::UNIQUE_IDENTIFIER,
                Value::Placeholder(
                    Placeholder::parse(ItemType::TextString, "$UNIQUE_IDENTIFIER_0").unwrap(),
                ),
            ),
        ],
    )
}

#[test]
fn tree_view() {
    insta::assert_snapshot!("query_tree", tree::render(&message(QUERY), &KmipNames));
    insta::assert_snapshot!(
        "too_large_tree",
        tree::render(&message(TOO_LARGE), &KmipNames)
    );
    insta::assert_snapshot!("showcase_tree", tree::render(&showcase(), &KmipNames));
}

#[test]
fn xml_encoding() {
    insta::assert_snapshot!("query_xml", xml::write(&message(QUERY), &KmipNames));
    insta::assert_snapshot!("showcase_xml", xml::write(&showcase(), &KmipNames));
}

#[test]
fn json_encoding() {
    insta::assert_snapshot!(
        "too_large_json",
        json::write(&message(TOO_LARGE), &KmipNames)
    );
    insta::assert_snapshot!("showcase_json", json::write(&showcase(), &KmipNames));
}
