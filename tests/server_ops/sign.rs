//! Sign (KMIP 1.2 §4.31, 2.1 §6.1.55): signatures made by the server are
//! checked with ring in the test, for RSA PKCS#1 v1.5 and PSS, ECDSA and
//! Ed25519; and the checks before signing (state, dates, mask, limits).

use super::create_key_pair::{
    algorithm, create_pair, crypto_parameters, ecdsa_p256, key_block, length, mask, material,
    rsa_2048, sign_verify_pair, signing_pair, spki_key, Field, DECRYPT, SIGN, VERIFY,
};
use super::support::*;
use kmip_conform::kmip::{
    tags, CryptographicAlgorithm, DigitalSignatureAlgorithm, HashingAlgorithm, Operation,
    PaddingMethod, ResultReason, Version,
};
use kmip_conform::ttlv::{Item, Value};
use ring::signature::{self as ring_sig, UnparsedPublicKey};

pub const DATA: &[u8] = b"the quick brown fox jumps over the lazy dog";

/// Signs `data`; returns the Signature Data.
pub async fn sign(
    client: &mut Client,
    version: Version,
    uid: &str,
    parameters: Option<Item>,
    data: &[u8],
) -> Vec<u8> {
    let payload = ok(
        client,
        version,
        Operation::SIGN,
        sign_payload(uid, parameters, data),
    )
    .await;
    assert_eq!(
        field(&payload, tags::UNIQUE_IDENTIFIER),
        &Value::TextString(uid.into())
    );
    bytes_of(&payload, tags::SIGNATURE_DATA)
}

/// A Sign request payload.
pub fn sign_payload(uid: &str, parameters: Option<Item>, data: &[u8]) -> Vec<Item> {
    let mut fields = vec![uid_field(uid)];
    fields.extend(parameters);
    fields.push(Item::new(tags::DATA, Value::ByteString(data.to_vec())));
    fields
}

/// Cryptographic Parameters with a padding method and a hashing algorithm.
pub fn padding_and_hash(padding: PaddingMethod, hash: HashingAlgorithm) -> Item {
    crypto_parameters(&[
        (tags::PADDING_METHOD, padding.0),
        (tags::HASHING_ALGORITHM, hash.0),
    ])
}

/// Cryptographic Parameters for PKCS#1 v1.5 with SHA-256.
pub fn pkcs1_sha256() -> Option<Item> {
    Some(padding_and_hash(
        PaddingMethod::PKCS1_V1_5,
        HashingAlgorithm::SHA_256,
    ))
}

/// An active RSA-2048 private key with `private` attributes (its public key
/// has the Verify mask).
async fn active_rsa_private_key(
    client: &mut Client,
    version: Version,
    private: Vec<Field>,
) -> String {
    let (uid, _) = create_pair(client, version, rsa_2048(), private, vec![mask(VERIFY)]).await;
    activate(client, version, &uid).await;
    uid
}

#[tokio::test]
async fn rsa_signatures_verify_with_ring() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_2, Version::V2_1] {
        let (private, public) = signing_pair(&mut client, version, rsa_2048()).await;
        let public_der = material(&key_block(&mut client, version, &public, None).await);
        let cases: [(
            PaddingMethod,
            HashingAlgorithm,
            &'static dyn ring_sig::VerificationAlgorithm,
        ); 6] = [
            (
                PaddingMethod::PKCS1_V1_5,
                HashingAlgorithm::SHA_256,
                &ring_sig::RSA_PKCS1_2048_8192_SHA256,
            ),
            (
                PaddingMethod::PKCS1_V1_5,
                HashingAlgorithm::SHA_384,
                &ring_sig::RSA_PKCS1_2048_8192_SHA384,
            ),
            (
                PaddingMethod::PKCS1_V1_5,
                HashingAlgorithm::SHA_512,
                &ring_sig::RSA_PKCS1_2048_8192_SHA512,
            ),
            (
                PaddingMethod::PSS,
                HashingAlgorithm::SHA_256,
                &ring_sig::RSA_PSS_2048_8192_SHA256,
            ),
            (
                PaddingMethod::PSS,
                HashingAlgorithm::SHA_384,
                &ring_sig::RSA_PSS_2048_8192_SHA384,
            ),
            (
                PaddingMethod::PSS,
                HashingAlgorithm::SHA_512,
                &ring_sig::RSA_PSS_2048_8192_SHA512,
            ),
        ];
        for (padding, hash, verification) in cases {
            let signature = sign(
                &mut client,
                version,
                &private,
                Some(padding_and_hash(padding, hash)),
                DATA,
            )
            .await;
            UnparsedPublicKey::new(verification, &public_der)
                .verify(DATA, &signature)
                .unwrap_or_else(|_| panic!("{padding:?} {hash:?} signature on {version} verifies"));
            assert!(
                UnparsedPublicKey::new(verification, &public_der)
                    .verify(b"other data", &signature)
                    .is_err(),
                "a signature does not verify other data"
            );
        }
        // SHA-1 PKCS#1 v1.5 (legacy) through a Digital Signature Algorithm.
        let signature = sign(
            &mut client,
            version,
            &private,
            Some(crypto_parameters(&[(
                tags::DIGITAL_SIGNATURE_ALGORITHM,
                DigitalSignatureAlgorithm::SHA_1_WITH_RSA_ENCRYPTION.0,
            )])),
            DATA,
        )
        .await;
        UnparsedPublicKey::new(
            &ring_sig::RSA_PKCS1_2048_8192_SHA1_FOR_LEGACY_USE_ONLY,
            &public_der,
        )
        .verify(DATA, &signature)
        .expect("SHA-1 with RSA signature verifies");
    }
}

#[tokio::test]
async fn key_attribute_parameters_apply_when_the_request_has_none() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_2;
    let mut common = rsa_2048();
    common.push((
        "Cryptographic Parameters",
        padding_and_hash(PaddingMethod::PSS, HashingAlgorithm::SHA_256),
    ));
    let (private, public) = signing_pair(&mut client, version, common).await;
    let public_der = material(&key_block(&mut client, version, &public, None).await);
    let signature = sign(&mut client, version, &private, None, DATA).await;
    UnparsedPublicKey::new(&ring_sig::RSA_PSS_2048_8192_SHA256, &public_der)
        .verify(DATA, &signature)
        .expect("PSS SHA-256 from the key's Cryptographic Parameters");
    // A Digital Signature Algorithm in the request wins over the attribute.
    let signature = sign(
        &mut client,
        version,
        &private,
        Some(crypto_parameters(&[(
            tags::DIGITAL_SIGNATURE_ALGORITHM,
            DigitalSignatureAlgorithm::SHA_512_WITH_RSA_ENCRYPTION.0,
        )])),
        DATA,
    )
    .await;
    UnparsedPublicKey::new(&ring_sig::RSA_PKCS1_2048_8192_SHA512, &public_der)
        .verify(DATA, &signature)
        .expect("SHA-512 with RSA from the request");
}

#[tokio::test]
async fn ecdsa_and_ed25519_signatures_verify_with_ring() {
    let (_server, mut client) = connect().await;
    let version = Version::V2_1;
    let cases: [(
        i32,
        &'static ring_sig::EcdsaVerificationAlgorithm,
        Option<Item>,
    ); 3] = [
        (256, &ring_sig::ECDSA_P256_SHA256_ASN1, None),
        (
            256,
            &ring_sig::ECDSA_P256_SHA256_ASN1,
            Some(crypto_parameters(&[(
                tags::DIGITAL_SIGNATURE_ALGORITHM,
                DigitalSignatureAlgorithm::ECDSA_WITH_SHA256.0,
            )])),
        ),
        (384, &ring_sig::ECDSA_P384_SHA384_ASN1, None),
    ];
    for (bits, verification, parameters) in cases {
        let (private, public) = signing_pair(
            &mut client,
            version,
            vec![algorithm(CryptographicAlgorithm::ECDSA), length(bits)],
        )
        .await;
        let point = spki_key(&material(
            &key_block(&mut client, version, &public, None).await,
        ));
        let signature = sign(&mut client, version, &private, parameters, DATA).await;
        assert_eq!(signature[0], 0x30, "ECDSA signatures are DER sequences");
        UnparsedPublicKey::new(verification, &point)
            .verify(DATA, &signature)
            .unwrap_or_else(|_| panic!("P-{bits} signature verifies"));
    }
    let (private, public) = signing_pair(
        &mut client,
        version,
        vec![algorithm(CryptographicAlgorithm::ED25519)],
    )
    .await;
    let point = spki_key(&material(
        &key_block(&mut client, version, &public, None).await,
    ));
    let signature = sign(&mut client, version, &private, None, DATA).await;
    UnparsedPublicKey::new(&ring_sig::ED25519, &point)
        .verify(DATA, &signature)
        .expect("Ed25519 signature verifies");
}

#[tokio::test]
async fn sign_refuses_unusable_keys_and_parameters() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_2, Version::V2_1] {
        let pick = |v1: ResultReason, v2: ResultReason| by_version(version, v1, v2);
        // Pre-Active: only Active keys sign.
        let (private, public) = sign_verify_pair(&mut client, version, rsa_2048()).await;
        let reason = fails(
            &mut client,
            version,
            Operation::SIGN,
            sign_payload(&private, pkcs1_sha256(), DATA),
        )
        .await;
        assert_eq!(reason, wrong_state_reason(version), "{version} pre-active");
        activate(&mut client, version, &private).await;
        activate(&mut client, version, &public).await;
        // A private key whose mask does not include Sign.
        let decrypt_only = active_rsa_private_key(&mut client, version, vec![mask(DECRYPT)]).await;
        let bad_parameters = pick(
            ResultReason::INVALID_FIELD,
            ResultReason::BAD_CRYPTOGRAPHIC_PARAMETERS,
        );
        let ecdsa_dsa = Some(crypto_parameters(&[(
            tags::DIGITAL_SIGNATURE_ALGORITHM,
            DigitalSignatureAlgorithm::ECDSA_WITH_SHA256.0,
        )]));
        let oaep = Some(padding_and_hash(
            PaddingMethod::OAEP,
            HashingAlgorithm::SHA_256,
        ));
        let cases = vec![
            (
                "public key",
                sign_payload(&public, pkcs1_sha256(), DATA),
                pick(
                    ResultReason::INVALID_FIELD,
                    ResultReason::INVALID_OBJECT_TYPE,
                ),
            ),
            // RSA needs parameters (KMIP 1.2 §4.31) and they must fit the key.
            (
                "no parameters",
                sign_payload(&private, None, DATA),
                bad_parameters,
            ),
            (
                "ECDSA algorithm",
                sign_payload(&private, ecdsa_dsa, DATA),
                bad_parameters,
            ),
            (
                "OAEP padding",
                sign_payload(&private, oaep, DATA),
                bad_parameters,
            ),
            (
                "no data",
                vec![uid_field(&private)],
                ResultReason::INVALID_MESSAGE,
            ),
            (
                "unknown",
                sign_payload("no-such-key", pkcs1_sha256(), DATA),
                not_found_reason(version),
            ),
            (
                "usage mask",
                sign_payload(&decrypt_only, pkcs1_sha256(), DATA),
                usage_mask_reason(version),
            ),
        ];
        assert_failures(&mut client, version, Operation::SIGN, cases).await;
    }
}

#[tokio::test]
async fn protect_stop_date_and_usage_limits_end_signing() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_2, Version::V2_1] {
        // Protect Stop Date in the past (CS-AC-M-8): no more signing.
        let private = active_rsa_private_key(
            &mut client,
            version,
            vec![
                mask(SIGN),
                (
                    "Protect Stop Date",
                    Item::new(tags::PROTECT_STOP_DATE, Value::DateTime(1_000_000_000)),
                ),
            ],
        )
        .await;
        let reason = fails(
            &mut client,
            version,
            Operation::SIGN,
            sign_payload(&private, pkcs1_sha256(), DATA),
        )
        .await;
        assert_eq!(
            reason,
            wrong_state_reason(version),
            "Protect Stop Date passed on {version}"
        );
        // Usage Limits of one object: one signature, then refused (KMIP 1.2 §4.31).
        let limits = Item::structure(
            tags::USAGE_LIMITS,
            vec![
                Item::new(tags::USAGE_LIMITS_TOTAL, Value::LongInteger(1)),
                Item::new(tags::USAGE_LIMITS_COUNT, Value::LongInteger(1)),
                Item::new(tags::USAGE_LIMITS_UNIT, Value::Enumeration(2)),
            ],
        );
        let limited = active_rsa_private_key(
            &mut client,
            version,
            vec![mask(SIGN), ("Usage Limits", limits)],
        )
        .await;
        sign(&mut client, version, &limited, pkcs1_sha256(), DATA).await;
        let reason = fails(
            &mut client,
            version,
            Operation::SIGN,
            sign_payload(&limited, pkcs1_sha256(), DATA),
        )
        .await;
        assert_eq!(
            reason,
            usage_limit_reason(version),
            "Usage Limits exhausted on {version}"
        );
    }
}

#[tokio::test]
async fn digested_data_is_signed_as_given_for_rsa() {
    use sha2::Digest;
    let (_server, mut client) = connect().await;
    let version = Version::V2_1;
    let (private, public) = signing_pair(&mut client, version, rsa_2048()).await;
    let public_der = material(&key_block(&mut client, version, &public, None).await);
    let digest = sha2::Sha256::digest(DATA).to_vec();
    for (padding, verification) in [
        (
            PaddingMethod::PKCS1_V1_5,
            &ring_sig::RSA_PKCS1_2048_8192_SHA256 as &dyn ring_sig::VerificationAlgorithm,
        ),
        (PaddingMethod::PSS, &ring_sig::RSA_PSS_2048_8192_SHA256),
    ] {
        let payload = ok(
            &mut client,
            version,
            Operation::SIGN,
            vec![
                uid_field(&private),
                padding_and_hash(padding, HashingAlgorithm::SHA_256),
                Item::new(tags::DIGESTED_DATA, Value::ByteString(digest.clone())),
            ],
        )
        .await;
        let signature = bytes_of(&payload, tags::SIGNATURE_DATA);
        UnparsedPublicKey::new(verification, &public_der)
            .verify(DATA, &signature)
            .unwrap_or_else(|_| panic!("{padding:?} over the digest verifies over the data"));
    }
    // Data and Digested Data together are refused; ECDSA does not take digests.
    let reason = fails(
        &mut client,
        version,
        Operation::SIGN,
        vec![
            uid_field(&private),
            padding_and_hash(PaddingMethod::PSS, HashingAlgorithm::SHA_256),
            Item::new(tags::DATA, Value::ByteString(DATA.to_vec())),
            Item::new(tags::DIGESTED_DATA, Value::ByteString(digest.clone())),
        ],
    )
    .await;
    assert_eq!(reason, ResultReason::INVALID_MESSAGE);
    let (ec_private, _) = signing_pair(&mut client, version, ecdsa_p256()).await;
    let reason = fails(
        &mut client,
        version,
        Operation::SIGN,
        vec![
            uid_field(&ec_private),
            Item::new(tags::DIGESTED_DATA, Value::ByteString(digest)),
        ],
    )
    .await;
    assert_eq!(reason, ResultReason::UNSUPPORTED_CRYPTOGRAPHIC_PARAMETERS);
}

#[tokio::test]
async fn pss_salt_length_is_honoured_and_bounded() {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use sha2::Digest;
    let (_server, mut client) = connect().await;
    let version = Version::V1_4;
    let (private, public) = signing_pair(&mut client, version, rsa_2048()).await;
    let public_key = rsa::RsaPublicKey::from_pkcs1_der(&material(
        &key_block(&mut client, version, &public, None).await,
    ))
    .unwrap();
    let with_salt = |salt: i32| {
        Some(Item::structure(
            tags::CRYPTOGRAPHIC_PARAMETERS,
            vec![
                Item::new(
                    tags::PADDING_METHOD,
                    Value::Enumeration(PaddingMethod::PSS.0),
                ),
                Item::new(
                    tags::HASHING_ALGORITHM,
                    Value::Enumeration(HashingAlgorithm::SHA_256.0),
                ),
                Item::new(tags::SALT_LENGTH, Value::Integer(salt)),
            ],
        ))
    };
    let signature = sign(&mut client, version, &private, with_salt(0), DATA).await;
    public_key
        .verify(
            rsa::Pss::new_with_salt::<sha2::Sha256>(0),
            &sha2::Sha256::digest(DATA),
            &signature,
        )
        .expect("a PSS signature with an empty salt");
    for bad in [-1, 1_000_000] {
        let reason = fails(
            &mut client,
            version,
            Operation::SIGN,
            sign_payload(&private, with_salt(bad), DATA),
        )
        .await;
        assert_eq!(reason, ResultReason::INVALID_FIELD, "Salt Length {bad}");
    }
}
