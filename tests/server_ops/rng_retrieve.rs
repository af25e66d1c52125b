//! RNG Retrieve (KMIP 1.2 §4.35, 2.1 §6.1.49): the requested number of bytes,
//! different every time; out-of-range lengths are refused.

use super::encrypt::VERSIONS;
use super::support::*;
use kmip_conform::kmip::{tags, Operation, ResultReason};
use kmip_conform::ttlv::{Item, Value};

fn length(n: i32) -> Vec<Item> {
    vec![Item::new(tags::DATA_LENGTH, Value::Integer(n))]
}

#[tokio::test]
async fn returns_the_requested_number_of_fresh_bytes() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let mut seen = Vec::new();
        for n in [1, 32, 4096] {
            let payload = ok(&mut client, version, Operation::RNG_RETRIEVE, length(n)).await;
            let data = bytes_of(&payload, tags::DATA);
            assert_eq!(data.len(), n as usize, "{version}");
            seen.push(data);
        }
        let again = bytes_of(
            &ok(&mut client, version, Operation::RNG_RETRIEVE, length(32)).await,
            tags::DATA,
        );
        assert_ne!(again, seen[1], "{version}: two 32-byte outputs are equal");
        // 4096 random bytes are not all one value.
        assert!(seen[2].iter().any(|b| *b != seen[2][0]));
    }
}

#[tokio::test]
async fn out_of_range_or_missing_lengths_are_refused() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        for n in [0, -5, 64 * 1024 + 1, i32::MAX] {
            let reason = fails(&mut client, version, Operation::RNG_RETRIEVE, length(n)).await;
            assert_eq!(reason, ResultReason::INVALID_FIELD, "{version} length {n}");
        }
        let reason = fails(&mut client, version, Operation::RNG_RETRIEVE, vec![]).await;
        assert_eq!(reason, ResultReason::INVALID_MESSAGE, "{version} no length");
        let reason = fails(
            &mut client,
            version,
            Operation::RNG_RETRIEVE,
            vec![Item::new(tags::DATA_LENGTH, Value::LongInteger(8))],
        )
        .await;
        assert_eq!(reason, ResultReason::INVALID_FIELD, "{version} wrong type");
    }
}
