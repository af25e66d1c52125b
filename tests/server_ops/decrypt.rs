//! Decrypt (KMIP 1.2 §4.30, 2.1 §6.1.11) with symmetric keys: ciphertext is
//! produced here (bare AES block cipher, `ring` for GCM) and the server must
//! recover the plaintext; tampered tags and padding are Cryptographic Failures.

use super::encrypt::{
    bytes, ecb, ecb_request, parameters, reference_aes_encrypt, register_aes, register_key,
    register_key_inactive, usage_limits, DECRYPT, ENCRYPT, KEY_128, VERSIONS,
};
use super::support::*;
use kmip_conform::kmip::{
    tags, BlockCipherMode, CryptographicAlgorithm, Operation, PaddingMethod, ResultReason,
    RevocationReasonCode, Version,
};

const PLAINTEXT: &[u8] = b"the server decrypts what the test encrypted";

#[tokio::test]
async fn aes_cbc_and_ecb_ciphertext_from_a_reference_implementation_decrypts() {
    let (_server, mut client) = connect().await;
    let iv = [0xA5u8; 16];
    for version in VERSIONS {
        let uid = register_aes(&mut client, version, &KEY_128, DECRYPT).await;
        let cbc = ok(
            &mut client,
            version,
            Operation::DECRYPT,
            vec![
                uid_field(&uid),
                parameters(BlockCipherMode::CBC, Some(PaddingMethod::PKCS5), vec![]),
                bytes(
                    tags::DATA,
                    &reference_aes_encrypt(&KEY_128, &iv, PLAINTEXT, true),
                ),
                bytes(tags::IV_COUNTER_NONCE, &iv),
            ],
        )
        .await;
        assert_eq!(uid_of(&cbc), uid);
        assert_eq!(bytes_of(&cbc, tags::DATA), PLAINTEXT, "{version} CBC");
        let ecb = ok(
            &mut client,
            version,
            Operation::DECRYPT,
            vec![
                uid_field(&uid),
                parameters(BlockCipherMode::ECB, Some(PaddingMethod::PKCS5), vec![]),
                bytes(
                    tags::DATA,
                    &reference_aes_encrypt(&KEY_128, &[], PLAINTEXT, true),
                ),
            ],
        )
        .await;
        assert_eq!(bytes_of(&ecb, tags::DATA), PLAINTEXT, "{version} ECB");
    }
}

#[tokio::test]
async fn bad_padding_is_a_cryptographic_failure() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let uid = register_aes(&mut client, version, &KEY_128, DECRYPT).await;
        // One block of zeros encrypted without padding does not unpad.
        let reason = fails(
            &mut client,
            version,
            Operation::DECRYPT,
            vec![
                uid_field(&uid),
                parameters(BlockCipherMode::ECB, Some(PaddingMethod::PKCS5), vec![]),
                bytes(
                    tags::DATA,
                    &reference_aes_encrypt(&KEY_128, &[], &[0u8; 16], false),
                ),
            ],
        )
        .await;
        assert_eq!(reason, ResultReason::CRYPTOGRAPHIC_FAILURE, "{version}");
    }
}

#[tokio::test]
async fn aes_gcm_sealed_by_ring_opens_and_a_bad_tag_fails() {
    use ring::aead;
    let (_server, mut client) = connect().await;
    let key = [0x24u8; 16];
    let nonce = [1u8; 12];
    let sealer = aead::LessSafeKey::new(aead::UnboundKey::new(&aead::AES_128_GCM, &key).unwrap());
    let mut ciphertext = PLAINTEXT.to_vec();
    let tag = sealer
        .seal_in_place_separate_tag(
            aead::Nonce::assume_unique_for_key(nonce),
            aead::Aad::from(b"aad"),
            &mut ciphertext,
        )
        .unwrap();
    for version in [Version::V1_4, Version::V2_1] {
        let uid = register_aes(&mut client, version, &key, DECRYPT).await;
        let request = |tag: &[u8]| {
            vec![
                uid_field(&uid),
                parameters(BlockCipherMode::GCM, None, vec![]),
                bytes(tags::DATA, &ciphertext),
                bytes(tags::IV_COUNTER_NONCE, &nonce),
                bytes(tags::AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, b"aad"),
                bytes(tags::AUTHENTICATED_ENCRYPTION_TAG, tag),
            ]
        };
        let opened = ok(
            &mut client,
            version,
            Operation::DECRYPT,
            request(tag.as_ref()),
        )
        .await;
        assert_eq!(bytes_of(&opened, tags::DATA), PLAINTEXT, "{version}");
        // A truncated (12-byte) tag is still verified.
        let truncated = ok(
            &mut client,
            version,
            Operation::DECRYPT,
            request(&tag.as_ref()[..12]),
        )
        .await;
        assert_eq!(
            bytes_of(&truncated, tags::DATA),
            PLAINTEXT,
            "{version} truncated tag"
        );
        let mut bad = tag.as_ref().to_vec();
        bad[0] ^= 1;
        let reason = fails(&mut client, version, Operation::DECRYPT, request(&bad)).await;
        assert_eq!(
            reason,
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            "{version} bad tag"
        );
        // GCM without a tag is an incomplete request.
        let mut no_tag = request(&bad);
        no_tag.pop();
        let reason = fails(&mut client, version, Operation::DECRYPT, no_tag).await;
        assert_eq!(reason, ResultReason::INVALID_MESSAGE, "{version} no tag");
    }
}

#[tokio::test]
async fn a_deactivated_key_still_decrypts_but_no_longer_encrypts() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let uid = register_aes(&mut client, version, &KEY_128, ENCRYPT | DECRYPT).await;
        revoke(
            &mut client,
            version,
            &uid,
            RevocationReasonCode::CESSATION_OF_OPERATION,
        )
        .await;
        let block = reference_aes_encrypt(&KEY_128, &[], &[3u8; 16], false);
        let plain = ok(
            &mut client,
            version,
            Operation::DECRYPT,
            ecb_request(&uid, &block),
        )
        .await;
        assert_eq!(bytes_of(&plain, tags::DATA), [3u8; 16], "{version}");
        let reason = fails(
            &mut client,
            version,
            Operation::ENCRYPT,
            ecb_request(&uid, &[3u8; 16]),
        )
        .await;
        assert_eq!(reason, wrong_state_reason(version), "{version}");
    }
}

#[tokio::test]
async fn decrypt_errors_follow_the_version() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let data = || bytes(tags::DATA, &[0u8; 16]);
        let cbc = || parameters(BlockCipherMode::CBC, None, vec![]);
        let inactive = register_key_inactive(
            &mut client,
            version,
            CryptographicAlgorithm::AES,
            &KEY_128,
            DECRYPT,
            vec![],
        )
        .await;
        let encrypt_only = register_aes(&mut client, version, &KEY_128, ENCRYPT).await;
        let uid = register_aes(&mut client, version, &KEY_128, DECRYPT).await;
        let cases = vec![
            (
                "pre-active",
                vec![uid_field(&inactive), ecb(), data()],
                wrong_state_reason(version),
            ),
            (
                "usage mask",
                vec![uid_field(&encrypt_only), ecb(), data()],
                usage_mask_reason(version),
            ),
            (
                "missing IV",
                vec![uid_field(&uid), cbc(), data()],
                by_version(
                    version,
                    ResultReason::INVALID_MESSAGE,
                    ResultReason::MISSING_INITIALIZATION_VECTOR,
                ),
            ),
            (
                "short IV",
                vec![
                    uid_field(&uid),
                    cbc(),
                    data(),
                    bytes(tags::IV_COUNTER_NONCE, &[0u8; 5]),
                ],
                by_version(
                    version,
                    ResultReason::INVALID_FIELD,
                    ResultReason::BAD_CRYPTOGRAPHIC_PARAMETERS,
                ),
            ),
            (
                "unknown",
                vec![uid_field("missing"), ecb(), data()],
                not_found_reason(version),
            ),
        ];
        assert_failures(&mut client, version, Operation::DECRYPT, cases).await;
    }
}

#[tokio::test]
async fn usage_limits_do_not_restrict_decryption() {
    use kmip_conform::kmip::UsageLimitsUnit;
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        // One object-use of protection; processing is not limited (KMIP 1.2 §3.21).
        let limits = usage_limits(1, UsageLimitsUnit::OBJECT);
        let uid = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::AES,
            &KEY_128,
            ENCRYPT | DECRYPT,
            vec![("Usage Limits", limits)],
        )
        .await;
        let sealed = ok(
            &mut client,
            version,
            Operation::ENCRYPT,
            ecb_request(&uid, &[4u8; 16]),
        )
        .await;
        let ciphertext = bytes_of(&sealed, tags::DATA);
        for _ in 0..3 {
            let opened = ok(
                &mut client,
                version,
                Operation::DECRYPT,
                ecb_request(&uid, &ciphertext),
            )
            .await;
            assert_eq!(bytes_of(&opened, tags::DATA), [4u8; 16], "{version}");
        }
        let reason = fails(
            &mut client,
            version,
            Operation::ENCRYPT,
            ecb_request(&uid, &[4u8; 16]),
        )
        .await;
        assert_eq!(reason, usage_limit_reason(version), "{version}");
    }
}
