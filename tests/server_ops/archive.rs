//! Archive (KMIP 1.2 §4.22, 2.1 §6.1.4): the object goes to archival storage;
//! other operations answer Object Archived, Locate needs the Archival Storage bit.

use super::support::*;
use kmip_conform::kmip::{tags, Operation, ResultReason, Version};
use kmip_conform::ttlv::{Item, Value};

async fn locate_all(
    client: &mut Client,
    version: Version,
    storage_mask: Option<i32>,
) -> Vec<String> {
    let mut payload = vec![];
    if let Some(mask) = storage_mask {
        payload.push(Item::new(tags::STORAGE_STATUS_MASK, Value::Integer(mask)));
    }
    let answer = ok(client, version, Operation::LOCATE, payload).await;
    answer
        .children_with(tags::UNIQUE_IDENTIFIER)
        .filter_map(|u| match &u.value {
            Value::TextString(s) => Some(s.clone()),
            _ => None,
        })
        .collect()
}

#[tokio::test]
async fn archived_objects_answer_object_archived_and_leave_on_line_storage() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_0, Version::V1_2, Version::V2_0, Version::V2_1] {
        let uid = create_aes(&mut client, version, 128).await;
        let answer = ok(
            &mut client,
            version,
            Operation::ARCHIVE,
            vec![uid_field(&uid)],
        )
        .await;
        assert_eq!(uid_of(&answer), uid);
        for operation in [
            Operation::GET,
            Operation::GET_ATTRIBUTES,
            Operation::ACTIVATE,
            Operation::ARCHIVE,
        ] {
            let reason = fails(&mut client, version, operation, vec![uid_field(&uid)]).await;
            assert_eq!(
                reason,
                ResultReason::OBJECT_ARCHIVED,
                "{operation:?} on {version}"
            );
        }
        assert!(!locate_all(&mut client, version, None).await.contains(&uid));
        assert!(locate_all(&mut client, version, Some(0x02))
            .await
            .contains(&uid));
        assert!(locate_all(&mut client, version, Some(0x03))
            .await
            .contains(&uid));
        assert!(!locate_all(&mut client, version, Some(0x01))
            .await
            .contains(&uid));
    }
}

#[tokio::test]
async fn archive_of_an_unknown_object_fails() {
    let (_server, mut client) = connect().await;
    let reason = fails(
        &mut client,
        Version::V1_2,
        Operation::ARCHIVE,
        vec![uid_field("missing")],
    )
    .await;
    assert_eq!(reason, ResultReason::ITEM_NOT_FOUND);
    let reason = fails(
        &mut client,
        Version::V2_1,
        Operation::ARCHIVE,
        vec![uid_field("missing")],
    )
    .await;
    assert_eq!(reason, ResultReason::OBJECT_NOT_FOUND);
}
