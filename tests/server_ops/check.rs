//! Check (KMIP 1.2 §4.10, 2.1 §6.1.7): usage limits, usage mask and lease
//! time against the object and the server's policy; a denial empties the ID
//! Placeholder, so the Get batched after it fails too.

use super::support::*;
use crate::common::kmip_client::{items, op, reason, request, status};
use kmip_conform::kmip::{
    tags, BatchErrorContinuationOption, Operation, ResultReason, ResultStatus, Version,
};
use kmip_conform::ttlv::{Item, Value};

fn mask(m: i32) -> Item {
    Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(m))
}

#[tokio::test]
async fn check_allows_what_the_object_allows() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_0, Version::V1_4, Version::V2_1] {
        let uid = create_aes(&mut client, version, 256).await; // mask Encrypt|Decrypt
        let answer = ok(
            &mut client,
            version,
            Operation::CHECK,
            vec![
                uid_field(&uid),
                mask(0x04),
                Item::new(tags::LEASE_TIME, Value::Interval(60)),
            ],
        )
        .await;
        assert_eq!(uid_of(&answer), uid);
        assert!(answer.child(tags::CRYPTOGRAPHIC_USAGE_MASK).is_none());
    }
}

#[tokio::test]
async fn check_denies_by_version_and_names_the_offending_fields() {
    let (_server, mut client) = connect().await;
    for (version, mask_reason) in [
        (Version::V1_2, ResultReason::PERMISSION_DENIED),
        (
            Version::V2_1,
            ResultReason::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
        ),
    ] {
        let uid = create_aes(&mut client, version, 256).await;
        // Sign (0x01) is not in Encrypt|Decrypt.
        let got = fails(
            &mut client,
            version,
            Operation::CHECK,
            vec![uid_field(&uid), mask(0x01)],
        )
        .await;
        assert_eq!(got, mask_reason);
        // A lease longer than the server's policy (3600 s).
        let got = fails(
            &mut client,
            version,
            Operation::CHECK,
            vec![
                uid_field(&uid),
                Item::new(tags::LEASE_TIME, Value::Interval(86_400)),
            ],
        )
        .await;
        assert_eq!(got, ResultReason::PERMISSION_DENIED);
        let got = fails(
            &mut client,
            version,
            Operation::CHECK,
            vec![uid_field("missing")],
        )
        .await;
        assert_eq!(
            got,
            if version.is_2x() {
                ResultReason::OBJECT_NOT_FOUND
            } else {
                ResultReason::ITEM_NOT_FOUND
            }
        );
    }
}

#[tokio::test]
async fn check_denial_empties_the_id_placeholder_in_a_batch() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_2;
    let uid = create_aes(&mut client, version, 128).await;
    // Locate → Check(deny) → Get, Continue (1) on error: Get has no placeholder left.
    let batch = request(
        version,
        vec![Item::new(
            tags::BATCH_ERROR_CONTINUATION_OPTION,
            Value::Enumeration(BatchErrorContinuationOption::CONTINUE.0),
        )],
        vec![
            op(Operation::LOCATE, Some(b"1"), vec![]),
            op(
                Operation::CHECK,
                Some(b"2"),
                vec![uid_field(&uid), mask(0x01)],
            ),
            op(Operation::GET, Some(b"3"), vec![]),
        ],
    );
    let response = client.call(&batch).await;
    let answers = items(&response);
    assert_eq!(status(answers[0]), ResultStatus::SUCCESS);
    assert_eq!(status(answers[1]), ResultStatus::OPERATION_FAILED);
    assert_eq!(
        status(answers[2]),
        ResultStatus::OPERATION_FAILED,
        "{response:?}"
    );
    assert_eq!(reason(answers[2]), Some(ResultReason::ITEM_NOT_FOUND));
}

#[tokio::test]
async fn check_counts_usage_limits_and_allocations() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_4;
    let uid = super::get_usage_allocation::aes_with_limits(&mut client, version, 10).await;
    let want = |n: i64| {
        vec![
            uid_field(&uid),
            Item::new(tags::USAGE_LIMITS_COUNT, Value::LongInteger(n)),
        ]
    };
    ok(&mut client, version, Operation::CHECK, want(10)).await;
    assert_eq!(
        fails(&mut client, version, Operation::CHECK, want(11)).await,
        ResultReason::PERMISSION_DENIED
    );
    // Units this client reserved still count as available to it.
    activate(&mut client, version, &uid).await;
    ok(
        &mut client,
        version,
        Operation::GET_USAGE_ALLOCATION,
        want(4),
    )
    .await;
    ok(&mut client, version, Operation::CHECK, want(10)).await;
}
