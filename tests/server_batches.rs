//! Batches (KMIP 1.2 §6.12–6.15): error continuation Stop (the default),
//! Continue and Undo, Unique Batch Item ID echo, and the ID Placeholder.

mod common;

use common::kmip_client::*;
use kmip_conform::kmip::{
    tags, BatchErrorContinuationOption, Operation, ResultReason, ResultStatus, Version,
};
use kmip_conform::ttlv::{Item, Value};

fn get(uid: &str, id: &[u8]) -> Item {
    op(
        Operation::GET,
        Some(id),
        vec![Item::new(
            tags::UNIQUE_IDENTIFIER,
            Value::TextString(uid.into()),
        )],
    )
}

fn continuation(option: BatchErrorContinuationOption) -> Vec<Item> {
    vec![Item::new(
        tags::BATCH_ERROR_CONTINUATION_OPTION,
        Value::Enumeration(option.0),
    )]
}

fn three_items(version: Version, name: &str) -> Vec<Item> {
    vec![
        op(
            Operation::CREATE,
            Some(b"1"),
            create_payload(version, 128, Some(name)),
        ),
        get("no-such-object", b"2"),
        op(
            Operation::QUERY,
            Some(b"3"),
            vec![Item::new(tags::QUERY_FUNCTION, Value::Enumeration(1))],
        ),
    ]
}

fn locate_by_name(version: Version, name: &str) -> Item {
    let filter = if version.is_2x() {
        Item::structure(tags::ATTRIBUTES, vec![name_value(name)])
    } else {
        Item::structure(
            tags::ATTRIBUTE,
            vec![
                Item::new(tags::ATTRIBUTE_NAME, Value::TextString("Name".into())),
                Item::new(tags::ATTRIBUTE_VALUE, name_value(name).value),
            ],
        )
    };
    request(
        version,
        vec![],
        vec![op(Operation::LOCATE, None, vec![filter])],
    )
}

fn located(response: &Item) -> usize {
    items(response)[0]
        .child(tags::RESPONSE_PAYLOAD)
        .unwrap()
        .children_with(tags::UNIQUE_IDENTIFIER)
        .count()
}

#[tokio::test]
async fn stop_is_the_default_in_1x_and_2x() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    for version in [Version::V1_0, Version::V1_4, Version::V2_0, Version::V2_1] {
        let response = client
            .call(&request(
                version,
                vec![],
                three_items(version, &format!("stop-{version}")),
            ))
            .await;
        let batch = items(&response);
        assert_eq!(
            batch.len(),
            2,
            "{version}: items after the failure are not returned"
        );
        assert_eq!(status(batch[0]), ResultStatus::SUCCESS);
        assert_eq!(status(batch[1]), ResultStatus::OPERATION_FAILED);
        let not_found = if version.is_2x() {
            ResultReason::OBJECT_NOT_FOUND
        } else {
            ResultReason::ITEM_NOT_FOUND
        };
        assert_eq!(reason(batch[1]), Some(not_found));
        // Completed operations are not undone under Stop.
        assert_eq!(
            located(
                &client
                    .call(&locate_by_name(version, &format!("stop-{version}")))
                    .await
            ),
            1,
            "{version}"
        );
    }
}

#[tokio::test]
async fn continue_processes_every_item_and_echoes_batch_item_ids() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    for version in [Version::V1_2, Version::V2_1] {
        let request = request(
            version,
            continuation(BatchErrorContinuationOption::CONTINUE),
            three_items(version, &format!("continue-{version}")),
        );
        let response = client.call(&request).await;
        let batch = items(&response);
        assert_eq!(batch.len(), 3);
        let statuses: Vec<ResultStatus> = batch.iter().map(|b| status(b)).collect();
        assert_eq!(
            statuses,
            [
                ResultStatus::SUCCESS,
                ResultStatus::OPERATION_FAILED,
                ResultStatus::SUCCESS
            ]
        );
        for (item, id) in batch.iter().zip([b"1", b"2", b"3"]) {
            assert_eq!(
                item.child(tags::UNIQUE_BATCH_ITEM_ID).map(|i| &i.value),
                Some(&Value::ByteString(id.to_vec()))
            );
        }
    }
}

#[tokio::test]
async fn undo_really_reverts_earlier_items() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    for version in [Version::V1_2, Version::V2_1] {
        let name = format!("undo-{version}");
        let response = client
            .call(&request(
                version,
                continuation(BatchErrorContinuationOption::UNDO),
                three_items(version, &name),
            ))
            .await;
        let batch = items(&response);
        assert_eq!(batch.len(), 2, "{version}");
        assert_eq!(status(batch[0]), ResultStatus::OPERATION_UNDONE);
        assert_eq!(status(batch[1]), ResultStatus::OPERATION_FAILED);
        assert_eq!(
            located(&client.call(&locate_by_name(version, &name)).await),
            0,
            "{version}: the created key is gone"
        );
    }
}

#[tokio::test]
async fn id_placeholder_flows_within_a_batch_and_never_to_the_next_request() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    for version in [Version::V1_0, Version::V2_1] {
        let response = client
            .call(&request(
                version,
                vec![],
                vec![
                    op(
                        Operation::CREATE,
                        Some(b"c"),
                        create_payload(version, 256, None),
                    ),
                    op(Operation::ACTIVATE, Some(b"a"), vec![]),
                    op(Operation::GET, Some(b"g"), vec![]),
                ],
            ))
            .await;
        let batch = items(&response);
        assert!(
            batch.iter().all(|b| status(b) == ResultStatus::SUCCESS),
            "{version}: {response:?}"
        );
        let created = uid(batch[0]);
        assert_eq!(uid(batch[1]), created);
        assert_eq!(uid(batch[2]), created);
        let next = client
            .call(&request(
                version,
                vec![],
                vec![op(Operation::ACTIVATE, None, vec![])],
            ))
            .await;
        assert_eq!(
            status(items(&next)[0]),
            ResultStatus::OPERATION_FAILED,
            "{version}: placeholder leaked"
        );
    }
}

#[tokio::test]
async fn several_items_need_unique_batch_item_ids() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let response = client
        .call(&request(
            Version::V1_4,
            vec![],
            vec![
                op(Operation::QUERY, None, vec![]),
                op(Operation::QUERY, None, vec![]),
            ],
        ))
        .await;
    let batch = items(&response);
    assert_eq!(batch.len(), 1);
    assert_eq!(reason(batch[0]), Some(ResultReason::INVALID_MESSAGE));
}
