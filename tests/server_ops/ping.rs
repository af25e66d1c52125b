//! Ping (KMIP 2.1 §6.1.36): an empty payload back; unknown before 2.1.

use super::support::*;
use kmip_conform::kmip::{Operation, ResultReason, Version};

#[tokio::test]
async fn ping_answers_an_empty_payload() {
    let (_server, mut client) = connect().await;
    let answer = ok(&mut client, Version::V2_1, Operation::PING, vec![]).await;
    assert!(answer.children().is_empty(), "{answer:?}");
    for version in [Version::V1_4, Version::V2_0] {
        let reason = fails(&mut client, version, Operation::PING, vec![]).await;
        assert_eq!(reason, ResultReason::OPERATION_NOT_SUPPORTED);
    }
}
