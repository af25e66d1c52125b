//! Asynchronous operations (KMIP 1.2 §6.7–6.8, §4.27–4.28): Operation Pending
//! with a correlation value, Poll until done, Cancel, and unknown values.

mod common;

use std::time::Duration;

use common::kmip_client::*;
use kmip_conform::kmip::{
    tags, AsynchronousIndicator, CancellationResult, Operation, ResultReason, ResultStatus, Version,
};
use kmip_conform::ttlv::{Item, Value};

const DELAY: Duration = Duration::from_millis(300);

async fn server() -> TestServer {
    start(|c| {
        c.async_ops = vec![Operation::CREATE];
        c.async_delay = DELAY;
    })
    .await
}

fn async_header(version: Version) -> Vec<Item> {
    let value = if version.is_2x() {
        Value::Enumeration(AsynchronousIndicator::OPTIONAL.0)
    } else {
        Value::Boolean(true)
    };
    vec![Item::new(tags::ASYNCHRONOUS_INDICATOR, value)]
}

fn correlation(item: &Item) -> Vec<u8> {
    match item
        .child(tags::ASYNCHRONOUS_CORRELATION_VALUE)
        .map(|c| &c.value)
    {
        Some(Value::ByteString(v)) => v.clone(),
        other => panic!("no correlation value: {other:?}"),
    }
}

fn with_correlation(operation: Operation, version: Version, value: &[u8]) -> Item {
    request(
        version,
        vec![],
        vec![op(
            operation,
            None,
            vec![Item::new(
                tags::ASYNCHRONOUS_CORRELATION_VALUE,
                Value::ByteString(value.to_vec()),
            )],
        )],
    )
}

#[tokio::test]
async fn pending_then_poll_until_done() {
    let server = server().await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    for version in [Version::V1_2, Version::V2_1] {
        let create = request(
            version,
            async_header(version),
            vec![op(
                Operation::CREATE,
                None,
                create_payload(version, 128, None),
            )],
        );
        let pending = client.call(&create).await;
        let item = items(&pending)[0];
        assert_eq!(status(item), ResultStatus::OPERATION_PENDING);
        let value = correlation(item);
        let early = client
            .call(&with_correlation(Operation::POLL, version, &value))
            .await;
        assert_eq!(status(items(&early)[0]), ResultStatus::OPERATION_PENDING);
        tokio::time::sleep(DELAY + Duration::from_millis(100)).await;
        let done = client
            .call(&with_correlation(Operation::POLL, version, &value))
            .await;
        let done = items(&done)[0];
        assert_eq!(status(done), ResultStatus::SUCCESS, "{version}");
        // The answer is what a synchronous Create would have returned.
        assert_eq!(
            done.child(tags::OPERATION).map(|o| &o.value),
            Some(&Value::Enumeration(Operation::CREATE.0))
        );
        let created = uid(done);
        let get = client
            .call(&request(
                version,
                vec![],
                vec![op(
                    Operation::GET,
                    None,
                    vec![Item::new(
                        tags::UNIQUE_IDENTIFIER,
                        Value::TextString(created),
                    )],
                )],
            ))
            .await;
        assert_eq!(status(items(&get)[0]), ResultStatus::SUCCESS);
        // Polled once, it is gone.
        let again = client
            .call(&with_correlation(Operation::POLL, version, &value))
            .await;
        assert_eq!(status(items(&again)[0]), ResultStatus::OPERATION_FAILED);
    }
}

#[tokio::test]
async fn without_the_indicator_the_operation_is_synchronous() {
    let server = server().await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let response = client
        .call(&request(
            Version::V1_4,
            vec![],
            vec![op(
                Operation::CREATE,
                None,
                create_payload(Version::V1_4, 128, None),
            )],
        ))
        .await;
    assert_eq!(status(items(&response)[0]), ResultStatus::SUCCESS);
}

#[tokio::test]
async fn cancel_before_completion_cancels() {
    let server = server().await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let version = Version::V1_4;
    let pending = client
        .call(&request(
            version,
            async_header(version),
            vec![op(
                Operation::CREATE,
                None,
                create_payload(version, 128, None),
            )],
        ))
        .await;
    let value = correlation(items(&pending)[0]);
    let cancel = client
        .call(&with_correlation(Operation::CANCEL, version, &value))
        .await;
    let cancel = items(&cancel)[0];
    assert_eq!(status(cancel), ResultStatus::SUCCESS);
    assert_eq!(
        payload_field(cancel, tags::CANCELLATION_RESULT).map(|c| &c.value),
        Some(&Value::Enumeration(CancellationResult::CANCELED.0))
    );
    let poll = client
        .call(&with_correlation(Operation::POLL, version, &value))
        .await;
    assert_eq!(reason(items(&poll)[0]), Some(ResultReason::ITEM_NOT_FOUND));
}

#[tokio::test]
async fn cancel_after_completion_reports_completed_and_poll_still_answers() {
    let server = server().await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let version = Version::V2_1;
    let pending = client
        .call(&request(
            version,
            async_header(version),
            vec![op(
                Operation::CREATE,
                None,
                create_payload(version, 128, None),
            )],
        ))
        .await;
    let value = correlation(items(&pending)[0]);
    tokio::time::sleep(DELAY + Duration::from_millis(100)).await;
    let cancel = client
        .call(&with_correlation(Operation::CANCEL, version, &value))
        .await;
    assert_eq!(
        payload_field(items(&cancel)[0], tags::CANCELLATION_RESULT).map(|c| &c.value),
        Some(&Value::Enumeration(CancellationResult::COMPLETED.0))
    );
    let poll = client
        .call(&with_correlation(Operation::POLL, version, &value))
        .await;
    assert_eq!(status(items(&poll)[0]), ResultStatus::SUCCESS);
}

#[tokio::test]
async fn unknown_correlation_value_per_version() {
    let server = server().await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    for (version, expected) in [
        (Version::V1_0, ResultReason::ITEM_NOT_FOUND),
        (Version::V1_4, ResultReason::ITEM_NOT_FOUND),
        (
            Version::V2_0,
            ResultReason::INVALID_ASYNCHRONOUS_CORRELATION_VALUE,
        ),
        (
            Version::V2_1,
            ResultReason::INVALID_ASYNCHRONOUS_CORRELATION_VALUE,
        ),
    ] {
        for operation in [Operation::POLL, Operation::CANCEL] {
            let response = client
                .call(&with_correlation(operation, version, b"never issued"))
                .await;
            assert_eq!(
                reason(items(&response)[0]),
                Some(expected),
                "{version} {operation:?}"
            );
        }
    }
}
