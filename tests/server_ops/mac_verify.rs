//! MAC Verify (KMIP 1.2 §4.34, 2.1 §6.1.33): Validity Indicator Valid for an
//! HMAC computed here, Invalid for a tampered one.

use super::encrypt::{bytes, register_key, MAC_GENERATE, MAC_VERIFY, VERSIONS};
use super::mac::{reference_hmac, register_hmac, HMAC_KEY};
use super::support::*;
use kmip_conform::kmip::{
    tags, CryptographicAlgorithm, Operation, ResultReason, ValidityIndicator,
};
use kmip_conform::ttlv::{Item, Value};

#[tokio::test]
async fn valid_and_invalid_macs_are_told_apart() {
    let (_server, mut client) = connect().await;
    let data = b"authenticated message".to_vec();
    for version in VERSIONS {
        for algorithm in [
            CryptographicAlgorithm::HMAC_SHA256,
            CryptographicAlgorithm::HMAC_SHA384,
        ] {
            let uid = register_key(
                &mut client,
                version,
                algorithm,
                HMAC_KEY,
                MAC_VERIFY,
                vec![],
            )
            .await;
            let mac = reference_hmac(algorithm, HMAC_KEY, &data);
            let valid = ok(
                &mut client,
                version,
                Operation::MAC_VERIFY,
                verify_request(&uid, &data, &mac),
            )
            .await;
            assert_eq!(uid_of(&valid), uid);
            assert_eq!(
                field(&valid, tags::VALIDITY_INDICATOR),
                &Value::Enumeration(ValidityIndicator::VALID.0),
                "{version} {algorithm:?}"
            );
            let mut tampered = mac.clone();
            tampered[5] ^= 0x80;
            let invalid = ok(
                &mut client,
                version,
                Operation::MAC_VERIFY,
                verify_request(&uid, &data, &tampered),
            )
            .await;
            assert_eq!(
                field(&invalid, tags::VALIDITY_INDICATOR),
                &Value::Enumeration(ValidityIndicator::INVALID.0),
                "{version} {algorithm:?} tampered"
            );
        }
    }
}

/// A MAC Verify request for `uid` over `data` with `mac`.
fn verify_request(uid: &str, data: &[u8], mac: &[u8]) -> Vec<Item> {
    vec![
        uid_field(uid),
        bytes(tags::DATA, data),
        bytes(tags::MAC_DATA, mac),
    ]
}

#[tokio::test]
async fn mac_verify_errors_follow_the_version() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let mac = reference_hmac(CryptographicAlgorithm::HMAC_SHA256, HMAC_KEY, b"d");
        let generate_only = register_hmac(&mut client, version, MAC_GENERATE).await;
        let uid = register_hmac(&mut client, version, MAC_VERIFY).await;
        let cases = vec![
            (
                "mask",
                verify_request(&generate_only, b"d", &mac),
                usage_mask_reason(version),
            ),
            // HMAC cannot be verified without the data, nor without the MAC.
            (
                "no data",
                vec![uid_field(&uid), bytes(tags::MAC_DATA, &mac)],
                ResultReason::INVALID_MESSAGE,
            ),
            (
                "no MAC",
                vec![uid_field(&uid), bytes(tags::DATA, b"d")],
                ResultReason::INVALID_MESSAGE,
            ),
            (
                "unknown",
                verify_request("gone", b"d", &mac),
                not_found_reason(version),
            ),
        ];
        assert_failures(&mut client, version, Operation::MAC_VERIFY, cases).await;
    }
}
