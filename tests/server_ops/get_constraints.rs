//! Get Constraints (KMIP 2.1 §6.1.22): the (empty) set of constraints the
//! reference server applies; not an operation before 2.1.

use super::support::*;
use kmip_conform::kmip::{tags, Operation, ResultReason, Version};
use kmip_conform::ttlv::Value;

#[tokio::test]
async fn constraints_are_returned_in_2_1_only() {
    let (_server, mut client) = connect().await;
    let answer = ok(
        &mut client,
        Version::V2_1,
        Operation::GET_CONSTRAINTS,
        vec![],
    )
    .await;
    assert_eq!(field(&answer, tags::CONSTRAINTS), &Value::Structure(vec![]));
    let reason = fails(
        &mut client,
        Version::V2_0,
        Operation::GET_CONSTRAINTS,
        vec![],
    )
    .await;
    assert_eq!(reason, ResultReason::OPERATION_NOT_SUPPORTED);
}
