//! Encrypt (KMIP 1.2 §4.29, 2.1 §6.1.17) with symmetric keys: AES and 3DES in
//! ECB/CBC (PKCS#5 or no padding), AES-GCM, Random IV; every ciphertext is
//! checked by an implementation written here on the bare block cipher (or
//! by `ring` for GCM). The helpers shared by the crypto-service tests live in
//! [`helpers`].

pub mod helpers;
mod multi_part;

use super::support::*;
pub use helpers::*;
use kmip_conform::kmip::{
    tags, BlockCipherMode, CryptographicAlgorithm, ObjectType, Operation, PaddingMethod,
    ResultReason, UsageLimitsUnit, Version,
};
use kmip_conform::ttlv::{Item, Value};

fn message() -> Vec<u8> {
    b"KMIP conformance: 37 bytes of text!!".to_vec()
}

/// Opens the Data and Authenticated Encryption Tag of an Encrypt response with
/// `ring`'s AEAD (the independent check of the server's tag).
fn ring_open(
    algorithm: &'static ring::aead::Algorithm,
    key: &[u8],
    nonce: [u8; 12],
    aad: &[u8],
    payload: &Item,
) -> Result<Vec<u8>, ring::error::Unspecified> {
    use ring::aead;
    let mut sealed = bytes_of(payload, tags::DATA);
    sealed.extend(bytes_of(payload, tags::AUTHENTICATED_ENCRYPTION_TAG));
    let opener = aead::LessSafeKey::new(aead::UnboundKey::new(algorithm, key).unwrap());
    let plain = opener.open_in_place(
        aead::Nonce::assume_unique_for_key(nonce),
        aead::Aad::from(aad),
        &mut sealed,
    )?;
    Ok(plain.to_vec())
}

#[tokio::test]
async fn aes_cbc_pkcs5_ciphertext_matches_a_reference_implementation() {
    let (_server, mut client) = connect().await;
    let key: Vec<u8> = (0u8..32).collect();
    let iv = [7u8; 16];
    for version in VERSIONS {
        let uid = register_aes(&mut client, version, &key, ENCRYPT | DECRYPT).await;
        let payload = ok(
            &mut client,
            version,
            Operation::ENCRYPT,
            vec![
                uid_field(&uid),
                parameters(BlockCipherMode::CBC, Some(PaddingMethod::PKCS5), vec![]),
                bytes(tags::DATA, &message()),
                bytes(tags::IV_COUNTER_NONCE, &iv),
            ],
        )
        .await;
        assert_eq!(uid_of(&payload), uid);
        assert_eq!(
            bytes_of(&payload, tags::DATA),
            reference_aes_encrypt(&key, &iv, &message(), true),
            "{version}"
        );
        // A fixed IV is not echoed back.
        assert!(payload.child(tags::IV_COUNTER_NONCE).is_none());
    }
}

#[tokio::test]
async fn aes_ecb_without_padding_needs_whole_blocks() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let uid = register_aes(&mut client, version, &KEY_128, ENCRYPT).await;
        let data = [0x5Au8; 32];
        let payload = ok(
            &mut client,
            version,
            Operation::ENCRYPT,
            vec![
                uid_field(&uid),
                parameters(BlockCipherMode::ECB, Some(PaddingMethod::NONE), vec![]),
                bytes(tags::DATA, &data),
            ],
        )
        .await;
        assert_eq!(
            bytes_of(&payload, tags::DATA),
            reference_aes_encrypt(&KEY_128, &[], &data, false)
        );
        let reason = fails(
            &mut client,
            version,
            Operation::ENCRYPT,
            vec![uid_field(&uid), ecb(), bytes(tags::DATA, &data[..17])],
        )
        .await;
        assert_eq!(reason, ResultReason::INVALID_FIELD, "{version}");
    }
}

#[tokio::test]
async fn random_iv_from_the_key_parameters_is_generated_and_returned() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let key_parameters = parameters(
            BlockCipherMode::CBC,
            Some(PaddingMethod::PKCS5),
            vec![Item::new(tags::RANDOM_IV, Value::Boolean(true))],
        );
        let uid = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::AES,
            &KEY_128,
            ENCRYPT,
            vec![("Cryptographic Parameters", key_parameters)],
        )
        .await;
        // No Cryptographic Parameters in the request: the key's apply.
        let first = ok(
            &mut client,
            version,
            Operation::ENCRYPT,
            vec![uid_field(&uid), bytes(tags::DATA, &message())],
        )
        .await;
        let second = ok(
            &mut client,
            version,
            Operation::ENCRYPT,
            vec![uid_field(&uid), bytes(tags::DATA, &message())],
        )
        .await;
        let iv = bytes_of(&first, tags::IV_COUNTER_NONCE);
        assert_eq!(iv.len(), 16);
        assert_ne!(
            iv,
            bytes_of(&second, tags::IV_COUNTER_NONCE),
            "IVs are random"
        );
        assert_eq!(
            bytes_of(&first, tags::DATA),
            reference_aes_encrypt(&KEY_128, &iv, &message(), true),
            "{version}"
        );
    }
}

/// A GCM Encrypt request of [`message`] with a Tag Length and a nonce.
fn gcm_request(uid: &str, tag_length: i32, nonce: &[u8]) -> Vec<Item> {
    vec![
        uid_field(uid),
        parameters(
            BlockCipherMode::GCM,
            None,
            vec![Item::new(tags::TAG_LENGTH, Value::Integer(tag_length))],
        ),
        bytes(tags::DATA, &message()),
        bytes(tags::IV_COUNTER_NONCE, nonce),
    ]
}

#[tokio::test]
async fn aes_gcm_tag_and_additional_data_verify_with_ring() {
    use ring::aead;
    let (_server, mut client) = connect().await;
    let key = [0x42u8; 32];
    let nonce = [3u8; 12];
    for version in [Version::V1_4, Version::V2_1] {
        let uid = register_aes(&mut client, version, &key, ENCRYPT).await;
        let mut request = gcm_request(&uid, 16, &nonce);
        request.push(bytes(
            tags::AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA,
            b"header",
        ));
        let payload = ok(&mut client, version, Operation::ENCRYPT, request).await;
        let plain = ring_open(&aead::AES_256_GCM, &key, nonce, b"header", &payload)
            .expect("ring verifies the server's GCM tag");
        assert_eq!(plain, message().as_slice(), "{version}");
        // A tag length outside 12..=16 is refused.
        let request = gcm_request(&uid, 4, &nonce);
        let reason = fails(&mut client, version, Operation::ENCRYPT, request).await;
        let wanted = by_version(
            version,
            ResultReason::GENERAL_FAILURE,
            ResultReason::BAD_CRYPTOGRAPHIC_PARAMETERS,
        );
        assert_eq!(reason, wanted, "{version}");
    }
}

#[tokio::test]
async fn gcm_needs_kmip_1_4_for_its_tag() {
    let (_server, mut client) = connect().await;
    let uid = register_aes(&mut client, Version::V1_2, &KEY_128, ENCRYPT).await;
    let reason = fails(
        &mut client,
        Version::V1_2,
        Operation::ENCRYPT,
        vec![
            uid_field(&uid),
            parameters(BlockCipherMode::GCM, None, vec![]),
            bytes(tags::DATA, &message()),
            bytes(tags::IV_COUNTER_NONCE, &[0u8; 12]),
        ],
    )
    .await;
    assert_eq!(reason, ResultReason::FEATURE_NOT_SUPPORTED);
}

#[tokio::test]
async fn triple_des_cbc_matches_a_reference_implementation() {
    use des::cipher::{BlockEncrypt as _, KeyInit as _};
    let (_server, mut client) = connect().await;
    let key: Vec<u8> = (1u8..=24).collect();
    let iv = [9u8; 8];
    let data = [0x11u8; 16];
    for version in VERSIONS {
        let uid = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::DES3,
            &key,
            ENCRYPT,
            vec![],
        )
        .await;
        let payload = ok(
            &mut client,
            version,
            Operation::ENCRYPT,
            vec![
                uid_field(&uid),
                parameters(BlockCipherMode::CBC, None, vec![]),
                bytes(tags::DATA, &data),
                bytes(tags::IV_COUNTER_NONCE, &iv),
            ],
        )
        .await;
        let cipher = des::TdesEde3::new_from_slice(&key).unwrap();
        let mut previous = iv.to_vec();
        let mut expected = Vec::new();
        for chunk in data.chunks(8) {
            let mut block = des::cipher::generic_array::GenericArray::clone_from_slice(chunk);
            block.iter_mut().zip(&previous).for_each(|(b, p)| *b ^= p);
            cipher.encrypt_block(&mut block);
            previous = block.to_vec();
            expected.extend_from_slice(&block);
        }
        assert_eq!(bytes_of(&payload, tags::DATA), expected, "{version}");
    }
}

#[tokio::test]
async fn transparent_symmetric_keys_encrypt_too() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_4;
    let key = Item::structure(
        tags::SYMMETRIC_KEY,
        vec![Item::structure(
            tags::KEY_BLOCK,
            vec![
                Item::new(tags::KEY_FORMAT_TYPE, Value::Enumeration(7)),
                Item::structure(
                    tags::KEY_VALUE,
                    vec![Item::structure(
                        tags::KEY_MATERIAL,
                        vec![bytes(tags::KEY, &KEY_128)],
                    )],
                ),
                Item::new(
                    tags::CRYPTOGRAPHIC_ALGORITHM,
                    Value::Enumeration(CryptographicAlgorithm::AES.0),
                ),
                Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(128)),
            ],
        )],
    );
    let registered = ok(
        &mut client,
        version,
        Operation::REGISTER,
        vec![
            Item::new(
                tags::OBJECT_TYPE,
                Value::Enumeration(ObjectType::SYMMETRIC_KEY.0),
            ),
            attributes(version, vec![]),
            key,
        ],
    )
    .await;
    let uid = uid_of(&registered);
    activate(&mut client, version, &uid).await;
    let payload = ok(
        &mut client,
        version,
        Operation::ENCRYPT,
        vec![uid_field(&uid), ecb(), bytes(tags::DATA, &[1u8; 16])],
    )
    .await;
    assert_eq!(
        bytes_of(&payload, tags::DATA),
        reference_aes_encrypt(&KEY_128, &[], &[1u8; 16], false)
    );
}

#[tokio::test]
async fn encrypt_errors_follow_the_version() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let data = || bytes(tags::DATA, &[0u8; 16]);
        // Pre-Active key: wrong state.
        let inactive = register_key_inactive(
            &mut client,
            version,
            CryptographicAlgorithm::AES,
            &KEY_128,
            ENCRYPT,
            vec![],
        )
        .await;
        // No Encrypt bit in the usage mask.
        let decrypt_only = register_aes(&mut client, version, &KEY_128, DECRYPT).await;
        let uid = register_aes(&mut client, version, &KEY_128, ENCRYPT).await;
        let mut cases = vec![
            (
                "pre-active",
                vec![uid_field(&inactive), ecb(), data()],
                wrong_state_reason(version),
            ),
            (
                "usage mask",
                vec![uid_field(&decrypt_only), ecb(), data()],
                usage_mask_reason(version),
            ),
            (
                // No Block Cipher Mode anywhere.
                "no mode",
                vec![uid_field(&uid), data()],
                by_version(
                    version,
                    ResultReason::INVALID_FIELD,
                    ResultReason::BAD_CRYPTOGRAPHIC_PARAMETERS,
                ),
            ),
            (
                // CBC without an IV and without Random IV.
                "missing IV",
                vec![
                    uid_field(&uid),
                    parameters(BlockCipherMode::CBC, None, vec![]),
                    data(),
                ],
                by_version(
                    version,
                    ResultReason::INVALID_MESSAGE,
                    ResultReason::MISSING_INITIALIZATION_VECTOR,
                ),
            ),
            (
                // A mode the server does not implement.
                "CFB",
                vec![
                    uid_field(&uid),
                    parameters(BlockCipherMode(4), None, vec![]),
                    data(),
                ],
                by_version(
                    version,
                    ResultReason::FEATURE_NOT_SUPPORTED,
                    ResultReason::UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS,
                ),
            ),
            (
                "no data",
                vec![uid_field(&uid), ecb()],
                ResultReason::INVALID_MESSAGE,
            ),
            (
                "unknown",
                vec![uid_field("no-such-key"), ecb(), data()],
                not_found_reason(version),
            ),
        ];
        // A Correlation Value that names no open stream (multi-part: KMIP 1.3+).
        if version >= Version::V1_4 {
            cases.push((
                "correlation",
                vec![
                    uid_field(&uid),
                    ecb(),
                    data(),
                    bytes(tags::CORRELATION_VALUE, b"no such stream"),
                ],
                by_version(
                    version,
                    ResultReason::INVALID_FIELD,
                    ResultReason::INVALID_CORRELATION_VALUE,
                ),
            ));
        }
        assert_failures(&mut client, version, Operation::ENCRYPT, cases).await;
    }
}

#[tokio::test]
async fn usage_limits_are_charged_per_byte() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let limits = usage_limits(32, UsageLimitsUnit::BYTE);
        let uid = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::AES,
            &KEY_128,
            ENCRYPT,
            vec![("Usage Limits", limits)],
        )
        .await;
        let request = || vec![uid_field(&uid), ecb(), bytes(tags::DATA, &[0u8; 16])];
        ok(&mut client, version, Operation::ENCRYPT, request()).await;
        ok(&mut client, version, Operation::ENCRYPT, request()).await;
        let reason = fails(&mut client, version, Operation::ENCRYPT, request()).await;
        let exceeded = usage_limit_reason(version);
        assert_eq!(reason, exceeded, "{version}");
    }
}

#[tokio::test]
async fn chacha20_poly1305_output_opens_with_ring() {
    use ring::aead;
    let (_server, mut client) = connect().await;
    let key = [0x5Eu8; 32];
    let nonce = [8u8; 12];
    for version in [Version::V1_4, Version::V2_1] {
        let uid = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::CHA_CHA20_POLY1305,
            &key,
            ENCRYPT,
            vec![],
        )
        .await;
        let payload = ok(
            &mut client,
            version,
            Operation::ENCRYPT,
            vec![
                uid_field(&uid),
                bytes(tags::DATA, &message()),
                bytes(tags::IV_COUNTER_NONCE, &nonce),
                bytes(tags::AUTHENTICATED_ENCRYPTION_ADDITIONAL_DATA, b"aad"),
            ],
        )
        .await;
        let plain = ring_open(&aead::CHACHA20_POLY1305, &key, nonce, b"aad", &payload)
            .expect("ring verifies the server's Poly1305 tag");
        assert_eq!(plain, message().as_slice(), "{version}");
    }
}
