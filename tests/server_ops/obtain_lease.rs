//! Obtain Lease (KMIP 1.2 §4.17, 2.1 §6.1.33): a lease of the server's
//! policy length and the object's Last Change Date.

use super::support::*;
use kmip_conform::kmip::{tags, Operation, ResultReason, Version};
use kmip_conform::ttlv::{Item, Value};

#[tokio::test]
async fn lease_time_and_last_change_date_are_returned() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_0, Version::V1_3, Version::V2_0, Version::V2_1] {
        let uid = create_aes(&mut client, version, 128).await;
        let answer = ok(
            &mut client,
            version,
            Operation::OBTAIN_LEASE,
            vec![uid_field(&uid)],
        )
        .await;
        assert_eq!(uid_of(&answer), uid);
        assert_eq!(field(&answer, tags::LEASE_TIME), &Value::Interval(3600));
        let last_change = attribute(
            &mut client,
            version,
            &uid,
            "Last Change Date",
            tags::LAST_CHANGE_DATE,
        )
        .await;
        assert_eq!(
            Some(field(&answer, tags::LAST_CHANGE_DATE).clone()),
            last_change
        );
        assert_eq!(
            attribute(&mut client, version, &uid, "Lease Time", tags::LEASE_TIME).await,
            Some(Value::Interval(3600))
        );
    }
}

#[tokio::test]
async fn no_lease_for_destroyed_or_unknown_objects() {
    let (_server, mut client) = connect().await;
    for (version, not_found) in [
        (Version::V1_2, ResultReason::ITEM_NOT_FOUND),
        (Version::V2_1, ResultReason::OBJECT_NOT_FOUND),
    ] {
        let uid = create_aes(&mut client, version, 128).await;
        ok(
            &mut client,
            version,
            Operation::DESTROY,
            vec![uid_field(&uid)],
        )
        .await;
        let reason = fails(
            &mut client,
            version,
            Operation::OBTAIN_LEASE,
            vec![uid_field(&uid)],
        )
        .await;
        assert_eq!(reason, ResultReason::PERMISSION_DENIED);
        let reason = fails(
            &mut client,
            version,
            Operation::OBTAIN_LEASE,
            vec![uid_field("missing")],
        )
        .await;
        assert_eq!(reason, not_found);
    }
    // The ID Placeholder names the object when no Unique Identifier is given.
    let version = Version::V1_4;
    create_aes(&mut client, version, 128).await;
    let batch = crate::common::kmip_client::request(
        version,
        vec![],
        vec![
            crate::common::kmip_client::op(
                Operation::LOCATE,
                Some(b"1"),
                vec![Item::new(tags::MAXIMUM_ITEMS, Value::Integer(1))],
            ),
            crate::common::kmip_client::op(Operation::OBTAIN_LEASE, Some(b"2"), vec![]),
        ],
    );
    let response = client.call(&batch).await;
    let answers = crate::common::kmip_client::items(&response);
    assert_eq!(
        crate::common::kmip_client::uid(answers[1]),
        crate::common::kmip_client::uid(answers[0])
    );
}
