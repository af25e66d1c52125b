//! Re-key (KMIP 1.2 §4.4, 2.1 §6.1.43): new material of the same length,
//! Table 146 attribute handling, Table 145 date offsets, Replacement/Replaced links.

use super::support::*;
use kmip_conform::kmip::{tags, LinkType, ObjectType, Operation, ResultReason, State, Version};
use kmip_conform::ttlv::{Item, Value};

fn links(payload_value: &Option<Value>) -> Option<(u32, String)> {
    let Some(Value::Structure(fields)) = payload_value else {
        return None;
    };
    let link_type = fields.iter().find(|f| f.tag == tags::LINK_TYPE)?;
    let target = fields
        .iter()
        .find(|f| f.tag == tags::LINKED_OBJECT_IDENTIFIER)?;
    match (&link_type.value, &target.value) {
        (Value::Enumeration(t), Value::TextString(u)) => Some((*t, u.clone())),
        _ => None,
    }
}

#[tokio::test]
async fn rekey_replaces_material_moves_the_name_and_links_both_keys() {
    let (_server, mut client) = connect().await;
    for version in [
        Version::V1_0,
        Version::V1_2,
        Version::V1_4,
        Version::V2_0,
        Version::V2_1,
    ] {
        let name = format!("rekey-{version}");
        let created = ok(
            &mut client,
            version,
            Operation::CREATE,
            crate::common::kmip_client::create_payload(version, 256, Some(&name)),
        )
        .await;
        let old = uid_of(&created);
        let new = uid_of(
            &ok(
                &mut client,
                version,
                Operation::RE_KEY,
                vec![uid_field(&old)],
            )
            .await,
        );
        assert_ne!(old, new);
        let (old_key, new_key) = (
            key_bytes(&mut client, version, &old, &[tags::SYMMETRIC_KEY]).await,
            key_bytes(&mut client, version, &new, &[tags::SYMMETRIC_KEY]).await,
        );
        assert_eq!(new_key.len(), 32, "same length as the existing key");
        assert_ne!(old_key, new_key, "fresh material");
        // The name moved to the replacement (Table 146 "Name").
        let new_name = attribute(&mut client, version, &new, "Name", tags::NAME).await;
        assert!(format!("{new_name:?}").contains(&name), "{new_name:?}");
        assert_eq!(
            attribute(&mut client, version, &old, "Name", tags::NAME).await,
            None
        );
        // Links both ways.
        let old_link = links(&attribute(&mut client, version, &old, "Link", tags::LINK).await);
        assert_eq!(
            old_link,
            Some((LinkType::REPLACEMENT_OBJECT_LINK.0, new.clone()))
        );
        let new_link = links(&attribute(&mut client, version, &new, "Link", tags::LINK).await);
        assert_eq!(
            new_link,
            Some((LinkType::REPLACED_OBJECT_LINK.0, old.clone()))
        );
        // Inherited: algorithm, length, usage mask.
        assert_eq!(
            attribute(
                &mut client,
                version,
                &new,
                "Cryptographic Usage Mask",
                tags::CRYPTOGRAPHIC_USAGE_MASK
            )
            .await,
            Some(Value::Integer(0x0C))
        );
    }
}

#[tokio::test]
async fn rekey_with_offset_shifts_the_dates_and_without_copies_them() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_2;
    let old = create_aes(&mut client, version, 128).await;
    activate(&mut client, version, &old).await;
    let Some(Value::DateTime(activated)) = attribute(
        &mut client,
        version,
        &old,
        "Activation Date",
        tags::ACTIVATION_DATE,
    )
    .await
    else {
        panic!("no Activation Date")
    };
    // Without Offset the Activation Date is copied and the replacement is Active.
    let copy = uid_of(
        &ok(
            &mut client,
            version,
            Operation::RE_KEY,
            vec![uid_field(&old)],
        )
        .await,
    );
    assert_eq!(
        attribute(
            &mut client,
            version,
            &copy,
            "Activation Date",
            tags::ACTIVATION_DATE
        )
        .await,
        Some(Value::DateTime(activated))
    );
    assert_eq!(
        attribute(&mut client, version, &copy, "State", tags::STATE).await,
        Some(Value::Enumeration(State::ACTIVE.0))
    );
    // With Offset 1 day, Activation Date = Initial Date + Offset; state Pre-Active.
    let shifted = uid_of(
        &ok(
            &mut client,
            version,
            Operation::RE_KEY,
            vec![
                uid_field(&old),
                Item::new(tags::OFFSET, Value::Interval(86_400)),
            ],
        )
        .await,
    );
    let Some(Value::DateTime(initial)) = attribute(
        &mut client,
        version,
        &shifted,
        "Initial Date",
        tags::INITIAL_DATE,
    )
    .await
    else {
        panic!("no Initial Date")
    };
    assert_eq!(
        attribute(
            &mut client,
            version,
            &shifted,
            "Activation Date",
            tags::ACTIVATION_DATE
        )
        .await,
        Some(Value::DateTime(initial + 86_400))
    );
    assert_eq!(
        attribute(&mut client, version, &shifted, "State", tags::STATE).await,
        Some(Value::Enumeration(State::PRE_ACTIVE.0))
    );
}

#[tokio::test]
async fn rekey_errors_follow_the_error_tables() {
    let (_server, mut client) = connect().await;
    for (version, not_found) in [
        (Version::V1_2, ResultReason::ITEM_NOT_FOUND),
        (Version::V2_1, ResultReason::OBJECT_NOT_FOUND),
    ] {
        let reason = fails(
            &mut client,
            version,
            Operation::RE_KEY,
            vec![uid_field("nope")],
        )
        .await;
        assert_eq!(reason, not_found);
        // Offset on a key that was never activated (KMIP 1.2 §11.5: Illegal Operation).
        let fresh = create_aes(&mut client, version, 128).await;
        let reason = fails(
            &mut client,
            version,
            Operation::RE_KEY,
            vec![
                uid_field(&fresh),
                Item::new(tags::OFFSET, Value::Interval(10)),
            ],
        )
        .await;
        assert_eq!(
            reason,
            if version.is_2x() {
                ResultReason::INVALID_FIELD
            } else {
                ResultReason::ILLEGAL_OPERATION
            }
        );
        // Re-key of something that is not a symmetric key.
        let secret = ok(
            &mut client,
            version,
            Operation::REGISTER,
            vec![
                Item::new(
                    tags::OBJECT_TYPE,
                    Value::Enumeration(ObjectType::SECRET_DATA.0),
                ),
                attributes(
                    version,
                    vec![(
                        "Cryptographic Usage Mask",
                        Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(0x0C)),
                    )],
                ),
                Item::structure(
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
                                        Value::ByteString(b"pw".to_vec()),
                                    )],
                                ),
                            ],
                        ),
                    ],
                ),
            ],
        )
        .await;
        let reason = fails(
            &mut client,
            version,
            Operation::RE_KEY,
            vec![uid_field(&uid_of(&secret))],
        )
        .await;
        assert_eq!(
            reason,
            if version.is_2x() {
                ResultReason::INVALID_OBJECT_TYPE
            } else {
                ResultReason::PERMISSION_DENIED
            }
        );
    }
}
