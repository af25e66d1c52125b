//! Signature Verify (KMIP 1.2 §4.32, 2.1 §6.1.56): signatures made in the
//! test with ring (from key material obtained by Get) are checked by the
//! server; tampered data or signatures are Invalid; the checks before use.

use super::create_key_pair::{
    algorithm, create_pair, key_block, length, mask, material, rsa_2048, sign_verify_pair,
    signing_pair, SIGN, VERIFY,
};
use super::sign::{self, DATA};
use super::support::*;
use kmip_conform::kmip::{
    tags, CryptographicAlgorithm, HashingAlgorithm, ObjectType, Operation, PaddingMethod,
    ResultReason, RevocationReasonCode, ValidityIndicator, Version,
};
use kmip_conform::ttlv::{Item, Value};
use ring::signature as ring_sig;

/// A Signature Verify payload.
pub fn verify_payload(
    uid: &str,
    parameters: Option<Item>,
    data: &[u8],
    signature: &[u8],
) -> Vec<Item> {
    let mut fields = vec![uid_field(uid)];
    fields.extend(parameters);
    fields.push(Item::new(tags::DATA, Value::ByteString(data.to_vec())));
    fields.push(Item::new(
        tags::SIGNATURE_DATA,
        Value::ByteString(signature.to_vec()),
    ));
    fields
}

/// Runs Signature Verify and returns the Validity Indicator.
pub async fn verify(
    client: &mut Client,
    version: Version,
    uid: &str,
    parameters: Option<Item>,
    data: &[u8],
    signature: &[u8],
) -> ValidityIndicator {
    let payload = ok(
        client,
        version,
        Operation::SIGNATURE_VERIFY,
        verify_payload(uid, parameters, data, signature),
    )
    .await;
    assert_eq!(
        field(&payload, tags::UNIQUE_IDENTIFIER),
        &Value::TextString(uid.into())
    );
    match field(&payload, tags::VALIDITY_INDICATOR) {
        Value::Enumeration(v) => ValidityIndicator(*v),
        other => panic!("Validity Indicator is {other:?}"),
    }
}

/// Cryptographic Parameters with a padding method and a hashing algorithm.
fn padding_and_hash(padding: PaddingMethod, hash: HashingAlgorithm) -> Option<Item> {
    Some(sign::padding_and_hash(padding, hash))
}

/// Asserts that `signature` over [`DATA`] is Valid and the same signature
/// over other data is Invalid, with the key's own parameters.
async fn assert_valid_for_data_only(
    client: &mut Client,
    version: Version,
    public: &str,
    signature: &[u8],
    label: &str,
) {
    assert_eq!(
        verify(client, version, public, None, DATA, signature).await,
        ValidityIndicator::VALID,
        "{label}"
    );
    assert_eq!(
        verify(client, version, public, None, b"x", signature).await,
        ValidityIndicator::INVALID,
        "{label} other data"
    );
}

/// Signs with ring using a PKCS#1 RSA private key.
fn ring_rsa_sign(pkcs1: &[u8], scheme: &'static dyn ring_sig::RsaEncoding) -> Vec<u8> {
    let pair = ring_sig::RsaKeyPair::from_der(pkcs1).expect("ring accepts the PKCS#1 key");
    let mut signature = vec![0u8; pair.public().modulus_len()];
    pair.sign(
        scheme,
        &ring::rand::SystemRandom::new(),
        DATA,
        &mut signature,
    )
    .expect("ring signs");
    signature
}

#[tokio::test]
async fn rsa_signatures_made_with_ring_verify_on_the_server() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_2, Version::V2_1] {
        let (private, public) = signing_pair(&mut client, version, rsa_2048()).await;
        let pkcs1 = material(&key_block(&mut client, version, &private, None).await);
        let cases: [(
            PaddingMethod,
            HashingAlgorithm,
            &'static dyn ring_sig::RsaEncoding,
        ); 3] = [
            (
                PaddingMethod::PKCS1_V1_5,
                HashingAlgorithm::SHA_256,
                &ring_sig::RSA_PKCS1_SHA256,
            ),
            (
                PaddingMethod::PKCS1_V1_5,
                HashingAlgorithm::SHA_512,
                &ring_sig::RSA_PKCS1_SHA512,
            ),
            (
                PaddingMethod::PSS,
                HashingAlgorithm::SHA_256,
                &ring_sig::RSA_PSS_SHA256,
            ),
        ];
        for (padding, hash, scheme) in cases {
            let signature = ring_rsa_sign(&pkcs1, scheme);
            let params = || padding_and_hash(padding, hash);
            assert_eq!(
                verify(&mut client, version, &public, params(), DATA, &signature).await,
                ValidityIndicator::VALID,
                "{padding:?} {hash:?} on {version}"
            );
            let mut tampered = signature.clone();
            tampered[0] ^= 0xFF;
            assert_eq!(
                verify(&mut client, version, &public, params(), DATA, &tampered).await,
                ValidityIndicator::INVALID
            );
            assert_eq!(
                verify(
                    &mut client,
                    version,
                    &public,
                    params(),
                    b"other",
                    &signature
                )
                .await,
                ValidityIndicator::INVALID
            );
        }
        // PSS with the maximum salt length (as the CS-AC-M-2 signature uses)
        // verifies without a Salt Length parameter.
        {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            use sha2::Digest;
            let key = rsa::RsaPrivateKey::from_pkcs1_der(&pkcs1).unwrap();
            let hashed = sha2::Sha256::digest(DATA);
            let long_salt = key
                .sign_with_rng(
                    &mut rsa::rand_core::OsRng,
                    rsa::Pss::new_with_salt::<sha2::Sha256>(256 - 32 - 2),
                    &hashed,
                )
                .unwrap();
            let pss = padding_and_hash(PaddingMethod::PSS, HashingAlgorithm::SHA_256);
            assert_eq!(
                verify(&mut client, version, &public, pss, DATA, &long_salt).await,
                ValidityIndicator::VALID,
                "maximum-salt PSS on {version}"
            );
        }
        // CS-AC-M-3: the same PSS signature checked with another hash is Invalid.
        let signature = ring_rsa_sign(&pkcs1, &ring_sig::RSA_PSS_SHA256);
        let sha1 = padding_and_hash(PaddingMethod::PSS, HashingAlgorithm::SHA_1);
        assert_eq!(
            verify(&mut client, version, &public, sha1, DATA, &signature).await,
            ValidityIndicator::INVALID
        );
        // A truncated signature is simply Invalid, not an error.
        let pkcs = padding_and_hash(PaddingMethod::PKCS1_V1_5, HashingAlgorithm::SHA_256);
        assert_eq!(
            verify(&mut client, version, &public, pkcs, DATA, &signature[..10]).await,
            ValidityIndicator::INVALID
        );
    }
}

#[tokio::test]
async fn ecdsa_and_ed25519_signatures_made_with_ring_verify_on_the_server() {
    let (_server, mut client) = connect().await;
    let rng = ring::rand::SystemRandom::new();
    for (version, bits, signing) in [
        (
            Version::V1_2,
            256,
            &ring_sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        ),
        (
            Version::V2_1,
            384,
            &ring_sig::ECDSA_P384_SHA384_ASN1_SIGNING,
        ),
    ] {
        let (private, public) = signing_pair(
            &mut client,
            version,
            vec![algorithm(CryptographicAlgorithm::ECDSA), length(bits)],
        )
        .await;
        let pkcs8 = material(&key_block(&mut client, version, &private, None).await);
        let pair = ring_sig::EcdsaKeyPair::from_pkcs8(signing, &pkcs8, &rng).expect("PKCS#8");
        let signature = pair.sign(&rng, DATA).expect("ring signs");
        let label = format!("P-{bits} on {version}");
        assert_valid_for_data_only(&mut client, version, &public, signature.as_ref(), &label).await;
    }
    let version = Version::V2_1;
    let (private, public) = signing_pair(
        &mut client,
        version,
        vec![algorithm(CryptographicAlgorithm::ED25519)],
    )
    .await;
    let pkcs8 = material(&key_block(&mut client, version, &private, None).await);
    let pair = ring_sig::Ed25519KeyPair::from_pkcs8(&pkcs8).expect("PKCS#8");
    let signature = pair.sign(DATA);
    assert_valid_for_data_only(&mut client, version, &public, signature.as_ref(), "Ed25519").await;
}

#[tokio::test]
async fn a_certificate_verifies_with_its_subject_key() {
    let (_server, mut client) = connect().await;
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let certificate = rcgen::CertificateParams::new(vec!["signer.example".to_string()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let version = Version::V1_2;
    let payload = ok(
        &mut client,
        version,
        Operation::REGISTER,
        vec![
            Item::new(
                tags::OBJECT_TYPE,
                Value::Enumeration(ObjectType::CERTIFICATE.0),
            ),
            attributes(version, vec![mask(VERIFY)]),
            Item::structure(
                tags::CERTIFICATE,
                vec![
                    Item::new(tags::CERTIFICATE_TYPE, Value::Enumeration(1)),
                    Item::new(
                        tags::CERTIFICATE_VALUE,
                        Value::ByteString(certificate.der().to_vec()),
                    ),
                ],
            ),
        ],
    )
    .await;
    let uid = uid_of(&payload);
    activate(&mut client, version, &uid).await;
    let rng = ring::rand::SystemRandom::new();
    let pair = ring_sig::EcdsaKeyPair::from_pkcs8(
        &ring_sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        &key.serialize_der(),
        &rng,
    )
    .unwrap();
    let signature = pair.sign(&rng, DATA).unwrap();
    assert_eq!(
        verify(&mut client, version, &uid, None, DATA, signature.as_ref()).await,
        ValidityIndicator::VALID
    );
}

#[tokio::test]
async fn verify_checks_state_dates_mask_and_request() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_2, Version::V2_1] {
        let wrong_state = wrong_state_reason(version);
        let pkcs = || padding_and_hash(PaddingMethod::PKCS1_V1_5, HashingAlgorithm::SHA_256);
        let (private, public) = sign_verify_pair(&mut client, version, rsa_2048()).await;
        let pkcs1 = material(&key_block(&mut client, version, &private, None).await);
        let signature = ring_rsa_sign(&pkcs1, &ring_sig::RSA_PKCS1_SHA256);
        let call = |uid: &str| verify_payload(uid, pkcs(), DATA, &signature);
        // Pre-Active keys do not process.
        let reason = fails(
            &mut client,
            version,
            Operation::SIGNATURE_VERIFY,
            call(&public),
        )
        .await;
        assert_eq!(reason, wrong_state, "pre-active on {version}");
        activate(&mut client, version, &public).await;
        activate(&mut client, version, &private).await;
        let cases = vec![
            // A private key is not for verifying.
            (
                "private key",
                call(&private),
                by_version(
                    version,
                    ResultReason::INVALID_FIELD,
                    ResultReason::INVALID_OBJECT_TYPE,
                ),
            ),
            (
                "no Signature Data",
                vec![
                    uid_field(&public),
                    Item::new(tags::DATA, Value::ByteString(DATA.to_vec())),
                ],
                ResultReason::INVALID_MESSAGE,
            ),
        ];
        assert_failures(&mut client, version, Operation::SIGNATURE_VERIFY, cases).await;
        // A Deactivated key still verifies (KMIP 1.2 §3.22).
        revoke(
            &mut client,
            version,
            &public,
            RevocationReasonCode::UNSPECIFIED,
        )
        .await;
        assert_eq!(
            verify(&mut client, version, &public, pkcs(), DATA, &signature).await,
            ValidityIndicator::VALID
        );
        // Process Start Date still to come (CS-AC-M-8), and a mask without Verify.
        let (_, not_yet) = create_pair(
            &mut client,
            version,
            rsa_2048(),
            vec![mask(SIGN)],
            vec![
                mask(VERIFY),
                (
                    "Process Start Date",
                    Item::new(tags::PROCESS_START_DATE, Value::DateTime(4_000_000_000)),
                ),
            ],
        )
        .await;
        activate(&mut client, version, &not_yet).await;
        let (_, no_verify) = create_pair(
            &mut client,
            version,
            rsa_2048(),
            vec![mask(SIGN)],
            vec![mask(super::create_key_pair::ENCRYPT)],
        )
        .await;
        activate(&mut client, version, &no_verify).await;
        let cases = vec![
            ("Process Start Date", call(&not_yet), wrong_state),
            ("usage mask", call(&no_verify), usage_mask_reason(version)),
        ];
        assert_failures(&mut client, version, Operation::SIGNATURE_VERIFY, cases).await;
    }
}
