//! Property tests: arbitrary TTLV trees survive binary, XML and JSON round
//! trips, and arbitrary bytes never panic the decoder.

use kmip_conform::kmip::{tags, KmipNames};
use kmip_conform::ttlv::render::{json, xml};
use kmip_conform::ttlv::{canonical_big_integer, decode, decode_strict, encode, Item, Tag, Value};
use proptest::prelude::*;

/// Tags that exercise names, enumerations, masks, vendor extensions and unknowns.
fn tag() -> impl Strategy<Value = Tag> {
    prop_oneof![
        Just(tags::OBJECT_TYPE),
        Just(tags::CRYPTOGRAPHIC_USAGE_MASK),
        Just(tags::OPERATION),
        Just(tags::UNIQUE_IDENTIFIER),
        Just(tags::ATTRIBUTE_REFERENCE),
        (0x540000u32..=0x54FFFF).prop_map(Tag),
        (0u32..=0xFF_FFFF).prop_map(Tag),
    ]
}

/// Text that XML 1.0 can carry (it cannot carry most C0 controls, even escaped).
fn xml_safe_text() -> impl Strategy<Value = String> {
    "[^\u{0}-\u{8}\u{B}\u{C}\u{E}-\u{1F}\u{FFFE}\u{FFFF}]{0,24}"
}

fn primitive() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i32>().prop_map(Value::Integer),
        any::<i64>().prop_map(Value::LongInteger),
        proptest::collection::vec(any::<u8>(), 0..24)
            .prop_map(|b| Value::BigInteger(canonical_big_integer(&b))),
        prop_oneof![0u32..64, any::<u32>()].prop_map(Value::Enumeration),
        any::<bool>().prop_map(Value::Boolean),
        xml_safe_text().prop_map(Value::TextString),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::ByteString),
        any::<i64>().prop_map(Value::DateTime),
        any::<u32>().prop_map(Value::Interval),
        any::<i64>().prop_map(Value::DateTimeExtended),
    ]
}

fn tree() -> impl Strategy<Value = Item> {
    let leaf = (tag(), primitive()).prop_map(|(t, v)| Item::new(t, v));
    leaf.prop_recursive(6, 64, 8, |inner| {
        (tag(), proptest::collection::vec(inner, 0..8))
            .prop_map(|(t, children)| Item::structure(t, children))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn binary_round_trip(item in tree()) {
        let bytes = encode(&item).unwrap();
        prop_assert_eq!(bytes.len() % 8, 0);
        prop_assert_eq!(decode_strict(&bytes).unwrap(), item.clone());
        prop_assert_eq!(encode(&decode(&bytes).unwrap().item).unwrap(), bytes);
    }

    #[test]
    fn xml_round_trip(item in tree()) {
        let text = xml::write(&item, &KmipNames);
        let options = xml::ReadOptions { placeholders: false };
        let back = xml::read(&text, &KmipNames, options).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, vec![item]);
    }

    #[test]
    fn json_round_trip(item in tree()) {
        let text = json::write(&item, &KmipNames);
        let options = json::ReadOptions { placeholders: false };
        let back = json::read(&text, &KmipNames, options).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(back, vec![item]);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Ok(decoded) = decode(&bytes) {
            // Whatever decodes cleanly re-encodes to the bytes it came from.
            if decoded.findings.is_empty() {
                prop_assert_eq!(encode(&decoded.item).unwrap(), bytes);
            }
        }
    }

    #[test]
    fn mutated_messages_never_panic(flips in proptest::collection::vec((0usize..152, any::<u8>()), 1..6)) {
        let mut message = kmip_conform::ttlv::render::hex::decode(QUERY).unwrap();
        for (at, byte) in flips {
            message[at] = byte;
        }
        let _ = decode(&message);
    }
}

const QUERY: &str = "42007801000000904200770100000048420069010000002042006a0200000004000000010000000042006b020000000400000000000000004200500200000004000001000000000042000d0200000004000000010000000042000f010000003842005c0500000004000000180000000042007901000000204200740500000004000000010000000042007405000000040000000200000000";

proptest! {
    #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

    /// The zero-copy validator and the owned decoder agree on every input.
    #[test]
    fn validate_agrees_with_decode(flips in proptest::collection::vec((0usize..152, any::<u8>()), 0..4), cut in 0usize..=152) {
        let mut message = kmip_conform::ttlv::render::hex::decode(QUERY).unwrap();
        for (at, byte) in flips {
            message[at] = byte;
        }
        message.truncate(cut.max(1));
        let validated = kmip_conform::ttlv::validate(&message, 64);
        match decode(&message) {
            Ok(decoded) => {
                let validated = validated.map_err(|e| TestCaseError::fail(format!("validate rejected what decode accepts: {e:?}")))?;
                prop_assert_eq!(validated.findings, decoded.findings.len());
                prop_assert_eq!(validated.first_finding, decoded.findings.first().map(|f| (f.kind, f.offset)));
                prop_assert_eq!(validated.consumed, decoded.consumed);
            }
            Err(err) => {
                let rejected = validated.expect_err("validate accepted what decode rejects");
                // On a truncated message the decoder looks inside the cut structure
                // and may name a deeper error; otherwise both report the same kind.
                if !matches!(rejected.kind, kmip_conform::ttlv::ErrorKind::Truncated { .. }) {
                    prop_assert_eq!(std::mem::discriminant(&rejected.kind), std::mem::discriminant(&err.kind));
                }
            }
        }
    }
}
