//! MAC (KMIP 1.2 §4.33, 2.1 §6.1.32): HMAC-SHA1/256/384/512, checked against
//! an HMAC (RFC 2104) written here on the `sha1`/`sha2` digests.

use super::encrypt::{
    bytes, register_aes, register_key, register_key_inactive, ENCRYPT, MAC_GENERATE, MAC_VERIFY,
    VERSIONS,
};
use super::support::*;
use kmip_conform::kmip::{tags, CryptographicAlgorithm, Operation, ResultReason, Version};
use kmip_conform::ttlv::{Item, Value};
use sha2::Digest;

/// HMAC (RFC 2104) over a digest with `block` bytes per block.
fn hmac_with<D: Digest>(block: usize, key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut key = if key.len() > block {
        D::digest(key).to_vec()
    } else {
        key.to_vec()
    };
    key.resize(block, 0);
    let pad = |byte: u8| key.iter().map(|k| k ^ byte).collect::<Vec<u8>>();
    let mut inner = D::new();
    inner.update(pad(0x36));
    inner.update(data);
    let inner = inner.finalize();
    let mut outer = D::new();
    outer.update(pad(0x5C));
    outer.update(inner);
    outer.finalize().to_vec()
}

/// The reference HMAC for a KMIP HMAC algorithm.
pub fn reference_hmac(algorithm: CryptographicAlgorithm, key: &[u8], data: &[u8]) -> Vec<u8> {
    match algorithm {
        CryptographicAlgorithm::HMAC_SHA1 => hmac_with::<sha1::Sha1>(64, key, data),
        CryptographicAlgorithm::HMAC_SHA256 => hmac_with::<sha2::Sha256>(64, key, data),
        CryptographicAlgorithm::HMAC_SHA384 => hmac_with::<sha2::Sha384>(128, key, data),
        CryptographicAlgorithm::HMAC_SHA512 => hmac_with::<sha2::Sha512>(128, key, data),
        other => panic!("no reference HMAC for {other:?}"),
    }
}

pub const HMAC_KEY: &[u8] = b"an HMAC key of thirty-two bytes!";

#[tokio::test]
async fn hmac_matches_a_reference_implementation() {
    let (_server, mut client) = connect().await;
    let data = b"message to authenticate".to_vec();
    for version in VERSIONS {
        for algorithm in [
            CryptographicAlgorithm::HMAC_SHA1,
            CryptographicAlgorithm::HMAC_SHA256,
            CryptographicAlgorithm::HMAC_SHA384,
            CryptographicAlgorithm::HMAC_SHA512,
        ] {
            let uid = register_key(
                &mut client,
                version,
                algorithm,
                HMAC_KEY,
                MAC_GENERATE,
                vec![],
            )
            .await;
            let payload = ok(
                &mut client,
                version,
                Operation::MAC,
                vec![uid_field(&uid), bytes(tags::DATA, &data)],
            )
            .await;
            assert_eq!(uid_of(&payload), uid);
            assert_eq!(
                bytes_of(&payload, tags::MAC_DATA),
                reference_hmac(algorithm, HMAC_KEY, &data),
                "{version} {algorithm:?}"
            );
        }
    }
}

#[tokio::test]
async fn cryptographic_parameters_may_name_the_hmac_algorithm() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let uid = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::HMAC_SHA1,
            HMAC_KEY,
            MAC_GENERATE,
            vec![],
        )
        .await;
        let payload = ok(
            &mut client,
            version,
            Operation::MAC,
            vec![
                uid_field(&uid),
                Item::structure(
                    tags::CRYPTOGRAPHIC_PARAMETERS,
                    vec![Item::new(
                        tags::CRYPTOGRAPHIC_ALGORITHM,
                        Value::Enumeration(CryptographicAlgorithm::HMAC_SHA512.0),
                    )],
                ),
                bytes(tags::DATA, b"x"),
            ],
        )
        .await;
        assert_eq!(
            bytes_of(&payload, tags::MAC_DATA),
            reference_hmac(CryptographicAlgorithm::HMAC_SHA512, HMAC_KEY, b"x")
        );
    }
}

/// Registers and activates an HMAC-SHA256 key holding [`HMAC_KEY`].
pub async fn register_hmac(client: &mut Client, version: Version, mask: i32) -> String {
    register_key(
        client,
        version,
        CryptographicAlgorithm::HMAC_SHA256,
        HMAC_KEY,
        mask,
        vec![],
    )
    .await
}

#[tokio::test]
async fn mac_errors_follow_the_version() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let data = || bytes(tags::DATA, b"data");
        // An AES key cannot HMAC (CMAC is not supported).
        let aes = register_aes(&mut client, version, &[1u8; 16], MAC_GENERATE | ENCRYPT).await;
        // Usage mask without MAC Generate.
        let verify_only = register_hmac(&mut client, version, MAC_VERIFY).await;
        let inactive = register_key_inactive(
            &mut client,
            version,
            CryptographicAlgorithm::HMAC_SHA256,
            HMAC_KEY,
            MAC_GENERATE,
            vec![],
        )
        .await;
        let uid = register_hmac(&mut client, version, MAC_GENERATE).await;
        let mut cases = vec![
            // (CMAC is not offered; KMIP 2.1's MAC errors have no Unsupported Cryptographic Parameters.)
            (
                "AES",
                vec![uid_field(&aes), data()],
                ResultReason::FEATURE_NOT_SUPPORTED,
            ),
            (
                "mask",
                vec![uid_field(&verify_only), data()],
                usage_mask_reason(version),
            ),
            (
                "state",
                vec![uid_field(&inactive), data()],
                wrong_state_reason(version),
            ),
        ];
        // Multi-part MAC is not supported (Encrypt/Decrypt streaming is).
        if version >= Version::V1_4 {
            cases.push((
                "streaming",
                vec![
                    uid_field(&uid),
                    data(),
                    Item::new(tags::INIT_INDICATOR, Value::Boolean(true)),
                ],
                ResultReason::FEATURE_NOT_SUPPORTED,
            ));
        }
        // No Data; unknown key.
        cases.push((
            "no data",
            vec![uid_field(&uid)],
            ResultReason::INVALID_MESSAGE,
        ));
        cases.push((
            "unknown",
            vec![uid_field("nope"), data()],
            not_found_reason(version),
        ));
        assert_failures(&mut client, version, Operation::MAC, cases).await;
    }
}
