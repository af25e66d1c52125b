//! RNG Seed (KMIP 1.2 §4.36, 2.1 §6.1.50): the server's generator is the
//! operating system's, which cannot be seeded; it accepts the request and
//! reports Data Length 0, as the spec allows ("MAY elect to ignore").

use super::encrypt::{bytes, VERSIONS};
use super::support::*;
use kmip_conform::kmip::{tags, Operation, ResultReason};
use kmip_conform::ttlv::Value;

#[tokio::test]
async fn seed_material_is_accepted_and_reported_unused() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let payload = ok(
            &mut client,
            version,
            Operation::RNG_SEED,
            vec![bytes(tags::DATA, &[0x33; 32])],
        )
        .await;
        assert_eq!(
            field(&payload, tags::DATA_LENGTH),
            &Value::Integer(0),
            "{version}"
        );
        // The generator still works afterwards.
        let random = ok(
            &mut client,
            version,
            Operation::RNG_RETRIEVE,
            vec![kmip_conform::ttlv::Item::new(
                tags::DATA_LENGTH,
                Value::Integer(16),
            )],
        )
        .await;
        assert_eq!(bytes_of(&random, tags::DATA).len(), 16);
    }
}

#[tokio::test]
async fn seeding_needs_data() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let reason = fails(&mut client, version, Operation::RNG_SEED, vec![]).await;
        assert_eq!(reason, ResultReason::INVALID_MESSAGE, "{version}");
    }
}
