//! Hash (KMIP 1.2 §4.37, 2.1 §6.1.24): SHA-1, SHA-224, SHA-256, SHA-384 and
//! SHA-512 checked against the `sha1`/`sha2` crates; unsupported algorithms
//! answer Feature Not Supported.

use super::encrypt::{bytes, VERSIONS};
use super::support::*;
use kmip_conform::kmip::{tags, HashingAlgorithm, Operation, ResultReason};
use kmip_conform::ttlv::{Item, Value};
use sha2::Digest;

fn hashing(algorithm: HashingAlgorithm) -> Item {
    Item::structure(
        tags::CRYPTOGRAPHIC_PARAMETERS,
        vec![Item::new(
            tags::HASHING_ALGORITHM,
            Value::Enumeration(algorithm.0),
        )],
    )
}

#[tokio::test]
async fn digests_match_the_sha_crates() {
    let (_server, mut client) = connect().await;
    let data = b"The quick brown fox jumps over the lazy dog".to_vec();
    let cases: Vec<(HashingAlgorithm, Vec<u8>)> = vec![
        (HashingAlgorithm::SHA_1, sha1::Sha1::digest(&data).to_vec()),
        (
            HashingAlgorithm::SHA_224,
            sha2::Sha224::digest(&data).to_vec(),
        ),
        (
            HashingAlgorithm::SHA_256,
            sha2::Sha256::digest(&data).to_vec(),
        ),
        (
            HashingAlgorithm::SHA_384,
            sha2::Sha384::digest(&data).to_vec(),
        ),
        (
            HashingAlgorithm::SHA_512,
            sha2::Sha512::digest(&data).to_vec(),
        ),
    ];
    for version in VERSIONS {
        for (algorithm, expected) in &cases {
            let payload = ok(
                &mut client,
                version,
                Operation::HASH,
                vec![hashing(*algorithm), bytes(tags::DATA, &data)],
            )
            .await;
            assert_eq!(
                &bytes_of(&payload, tags::DATA),
                expected,
                "{version} {algorithm:?}"
            );
        }
        // The empty message hashes too.
        let empty = ok(
            &mut client,
            version,
            Operation::HASH,
            vec![hashing(HashingAlgorithm::SHA_256), bytes(tags::DATA, &[])],
        )
        .await;
        assert_eq!(
            bytes_of(&empty, tags::DATA),
            sha2::Sha256::digest([]).to_vec()
        );
    }
}

#[tokio::test]
async fn hash_errors() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        // MD5 (Hashing Algorithm 3) is not offered.
        let reason = fails(
            &mut client,
            version,
            Operation::HASH,
            vec![hashing(HashingAlgorithm(3)), bytes(tags::DATA, b"x")],
        )
        .await;
        assert_eq!(reason, ResultReason::FEATURE_NOT_SUPPORTED, "{version} MD5");
        let reason = fails(
            &mut client,
            version,
            Operation::HASH,
            vec![bytes(tags::DATA, b"x")],
        )
        .await;
        assert_eq!(
            reason,
            ResultReason::INVALID_MESSAGE,
            "{version} no parameters"
        );
        let reason = fails(
            &mut client,
            version,
            Operation::HASH,
            vec![
                Item::structure(tags::CRYPTOGRAPHIC_PARAMETERS, vec![]),
                bytes(tags::DATA, b"x"),
            ],
        )
        .await;
        assert_eq!(
            reason,
            ResultReason::INVALID_FIELD,
            "{version} no algorithm"
        );
        let reason = fails(
            &mut client,
            version,
            Operation::HASH,
            vec![hashing(HashingAlgorithm::SHA_256)],
        )
        .await;
        assert_eq!(reason, ResultReason::INVALID_MESSAGE, "{version} no data");
    }
}
