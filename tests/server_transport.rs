//! The reference server over real TLS sockets: mutual TLS, the Query-only mode,
//! framing limits, malformed messages, and several requests per connection.

mod common;

use common::kmip_client::*;
use kmip_conform::kmip::{tags, Operation, QueryFunction, ResultReason, ResultStatus, Version};
use kmip_conform::server::ClientAuth;
use kmip_conform::ttlv::{Item, Value};

fn query(version: Version) -> Item {
    request(
        version,
        vec![],
        vec![op(
            Operation::QUERY,
            None,
            vec![Item::new(
                tags::QUERY_FUNCTION,
                Value::Enumeration(QueryFunction::QUERY_OPERATIONS.0),
            )],
        )],
    )
}

#[tokio::test]
async fn mutual_tls_serves_many_requests_on_one_connection() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid)
        .await
        .expect("handshake");
    for version in Version::ALL {
        let response = client.call(&query(version)).await;
        assert_eq!(response_version(&response), version);
        let item = items(&response)[0];
        assert_eq!(status(item), ResultStatus::SUCCESS);
        let operations: Vec<&Item> = item
            .child(tags::RESPONSE_PAYLOAD)
            .unwrap()
            .children_with(tags::OPERATION)
            .collect();
        assert!(operations.len() >= 12, "{version}: {operations:?}");
        assert!(response
            .child(tags::RESPONSE_HEADER)
            .unwrap()
            .child(tags::TIME_STAMP)
            .is_some());
    }
}

#[tokio::test]
async fn tls12_with_aes_gcm_works() {
    let server = start(|_| {}).await;
    let config = client_config(&server, Cert::Valid, &[&rustls::version::TLS12]);
    let mut client = Client::connect_with(&server, config)
        .await
        .expect("TLS 1.2 handshake");
    let suite = client
        .stream
        .get_ref()
        .1
        .negotiated_cipher_suite()
        .unwrap()
        .suite();
    assert!(format!("{suite:?}").contains("GCM"), "{suite:?}");
    assert_eq!(
        status(items(&client.call(&query(Version::V1_2)).await)[0]),
        ResultStatus::SUCCESS
    );
}

#[tokio::test]
async fn no_client_certificate_is_refused_by_default() {
    let server = start(|_| {}).await;
    // With TLS 1.3 the refusal arrives after the client's handshake completes: the first read fails.
    let outcome = match Client::connect(&server, Cert::None).await {
        Err(_) => true,
        Ok(mut client) => client
            .raw(&kmip_conform::ttlv::encode(&query(Version::V1_4)).unwrap())
            .await
            .map_or(true, |r| r.is_none()),
    };
    assert!(outcome, "a client without a certificate was served");
}

#[tokio::test]
async fn certificate_from_another_ca_is_refused() {
    let server = start(|_| {}).await;
    let stranger = kmip_conform::server::pki::generate().unwrap();
    let refused = match Client::connect(&server, Cert::Other(&stranger)).await {
        Err(_) => true,
        Ok(mut client) => client
            .raw(&kmip_conform::ttlv::encode(&query(Version::V1_4)).unwrap())
            .await
            .map_or(true, |r| r.is_none()),
    };
    assert!(refused, "a certificate from a foreign CA was accepted");
}

#[tokio::test]
async fn without_a_certificate_only_query_is_allowed_when_configured() {
    let server = start(|c| c.client_auth = ClientAuth::QueryOnlyWithout).await;
    let mut client = Client::connect(&server, Cert::None)
        .await
        .expect("handshake without certificate");
    assert_eq!(
        status(items(&client.call(&query(Version::V1_4)).await)[0]),
        ResultStatus::SUCCESS
    );
    let create = request(
        Version::V1_4,
        vec![],
        vec![op(
            Operation::CREATE,
            None,
            create_payload(Version::V1_4, 128, None),
        )],
    );
    let denied = client.call(&create).await;
    assert_eq!(status(items(&denied)[0]), ResultStatus::OPERATION_FAILED);
    assert_eq!(
        reason(items(&denied)[0]),
        Some(ResultReason::PERMISSION_DENIED)
    );
}

/// KMIP 1.2 §11.1: a message that cannot be parsed gets a header and one batch
/// item without Operation: Operation Failed / Invalid Message.
fn assert_invalid_message(response: &Item) {
    let batch = items(response);
    assert_eq!(batch.len(), 1);
    assert!(batch[0].child(tags::OPERATION).is_none(), "{response:?}");
    assert_eq!(status(batch[0]), ResultStatus::OPERATION_FAILED);
    assert_eq!(reason(batch[0]), Some(ResultReason::INVALID_MESSAGE));
}

#[tokio::test]
async fn malformed_messages_get_invalid_message_and_the_connection_survives() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let good = kmip_conform::ttlv::encode(&query(Version::V1_2)).unwrap();
    let find = |bytes: &[u8], tag: kmip_conform::ttlv::Tag| {
        let t = tag.0.to_be_bytes();
        bytes.windows(3).position(|w| w == &t[1..]).unwrap()
    };
    let mut padded = good.clone();
    padded[find(&good, tags::BATCH_COUNT) + 12] = 0xFF; // the padding after Batch Count's value
    let mut bad_type = good.clone();
    bad_type[find(&good, tags::OPERATION) + 3] = 0x0C; // an item type byte no KMIP version defines
    let mut boolean_two = kmip_conform::ttlv::encode(&request(
        Version::V1_2,
        vec![Item::new(tags::BATCH_ORDER_OPTION, Value::Boolean(true))],
        vec![op(Operation::QUERY, None, vec![])],
    ))
    .unwrap();
    let at = boolean_two
        .windows(4)
        .position(|w| w == [0x42, 0x00, 0x10, 0x06])
        .unwrap();
    boolean_two[at + 15] = 2;
    for (name, bytes) in [
        ("non-zero padding", padded),
        ("unknown type", bad_type),
        ("Boolean 2", boolean_two),
    ] {
        let response = client
            .raw(&bytes)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("{name}: closed"));
        let response = checked_response(&response);
        assert_invalid_message(&response);
        assert_eq!(
            response_version(&response),
            Version::V1_2,
            "{name}: answered in the request's version"
        );
    }
    // Batch Count that does not match the items.
    let mut wrong_count = query(Version::V1_2);
    wrong_count.walk_mut(&mut |i| {
        if i.tag == tags::BATCH_COUNT {
            i.value = Value::Integer(2);
        }
    });
    assert_invalid_message(&client.call(&wrong_count).await);
    // The same connection still serves a good request.
    assert_eq!(
        status(items(&client.call(&query(Version::V1_2)).await)[0]),
        ResultStatus::SUCCESS
    );
}

#[tokio::test]
async fn oversized_declared_length_is_answered_then_closed_without_allocating() {
    let server = start(|c| c.max_message_size = 4096).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    // A header declaring a 4 GiB - 8 structure, and nothing else.
    let response = client
        .raw(&[0x42, 0x00, 0x78, 0x01, 0xFF, 0xFF, 0xFF, 0xF8])
        .await
        .unwrap()
        .expect("an answer before closing");
    assert_invalid_message(&checked_response(&response));
    // The connection is closed: the rest of that frame can never be re-framed.
    assert!(client
        .raw(&kmip_conform::ttlv::encode(&query(Version::V1_2)).unwrap())
        .await
        .map_or(true, |r| r.is_none()));
    // Other clients are still served.
    let mut other = Client::connect(&server, Cert::Valid).await.unwrap();
    assert_eq!(
        status(items(&other.call(&query(Version::V1_2)).await)[0]),
        ResultStatus::SUCCESS
    );
}

#[tokio::test]
async fn unknown_major_version_is_invalid_message_and_unknown_minor_is_negotiated_down() {
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let mut three = query(Version::V1_0);
    three.walk_mut(&mut |i| {
        if i.tag == tags::PROTOCOL_VERSION_MAJOR {
            i.value = Value::Integer(3);
        }
    });
    assert_invalid_message(&client.call(&three).await);
    let mut one_seven = query(Version::V1_0);
    one_seven.walk_mut(&mut |i| {
        if i.tag == tags::PROTOCOL_VERSION_MINOR {
            i.value = Value::Integer(7);
        }
    });
    let response = client.call(&one_seven).await;
    assert_eq!(response_version(&response), Version::V1_4);
    assert_eq!(status(items(&response)[0]), ResultStatus::SUCCESS);
}
