//! MAC Verify (KMIP 1.2 §4.34, 2.1 §6.1.33): Validity Indicator Valid for an
//! HMAC computed here, Invalid for a tampered one.

use super::encrypt::{bytes, connect, register_key, MAC_GENERATE, MAC_VERIFY, VERSIONS};
use super::mac::{reference_hmac, HMAC_KEY};
use super::support::*;
use kmip_conform::kmip::{
    tags, CryptographicAlgorithm, Operation, ResultReason, ValidityIndicator,
};
use kmip_conform::ttlv::Value;

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
                vec![
                    uid_field(&uid),
                    bytes(tags::DATA, &data),
                    bytes(tags::MAC_DATA, &mac),
                ],
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
                vec![
                    uid_field(&uid),
                    bytes(tags::DATA, &data),
                    bytes(tags::MAC_DATA, &tampered),
                ],
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

#[tokio::test]
async fn mac_verify_errors_follow_the_version() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let v2 = version.is_2x();
        let mac = reference_hmac(CryptographicAlgorithm::HMAC_SHA256, HMAC_KEY, b"d");
        let generate_only = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::HMAC_SHA256,
            HMAC_KEY,
            MAC_GENERATE,
            vec![],
        )
        .await;
        let reason = fails(
            &mut client,
            version,
            Operation::MAC_VERIFY,
            vec![
                uid_field(&generate_only),
                bytes(tags::DATA, b"d"),
                bytes(tags::MAC_DATA, &mac),
            ],
        )
        .await;
        let mask = if v2 {
            ResultReason::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK
        } else {
            ResultReason::PERMISSION_DENIED
        };
        assert_eq!(reason, mask, "{version} mask");
        let uid = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::HMAC_SHA256,
            HMAC_KEY,
            MAC_VERIFY,
            vec![],
        )
        .await;
        // HMAC cannot be verified without the data, nor without the MAC.
        let reason = fails(
            &mut client,
            version,
            Operation::MAC_VERIFY,
            vec![uid_field(&uid), bytes(tags::MAC_DATA, &mac)],
        )
        .await;
        assert_eq!(reason, ResultReason::INVALID_MESSAGE, "{version} no data");
        let reason = fails(
            &mut client,
            version,
            Operation::MAC_VERIFY,
            vec![uid_field(&uid), bytes(tags::DATA, b"d")],
        )
        .await;
        assert_eq!(reason, ResultReason::INVALID_MESSAGE, "{version} no MAC");
        let reason = fails(
            &mut client,
            version,
            Operation::MAC_VERIFY,
            vec![
                uid_field("gone"),
                bytes(tags::DATA, b"d"),
                bytes(tags::MAC_DATA, &mac),
            ],
        )
        .await;
        let not_found = if v2 {
            ResultReason::OBJECT_NOT_FOUND
        } else {
            ResultReason::ITEM_NOT_FOUND
        };
        assert_eq!(reason, not_found, "{version} unknown");
    }
}
