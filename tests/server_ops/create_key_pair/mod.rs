//! Create Key Pair (KMIP 1.2 §4.2, 2.1 §6.1.9): RSA, ECDSA and Ed25519
//! pairs, their links, attributes and key material in 1.x and 2.x forms.
//! Also the helpers the other asymmetric test files share.

mod pairs;

pub use pairs::*;

use super::common::kmip_client::{items, op, reason, request, status};
use super::support::*;
use kmip_conform::kmip::{
    tags, CryptographicAlgorithm, KeyFormatType, LinkType, ObjectType, Operation, RecommendedCurve,
    ResultReason, ResultStatus, State, Version,
};
use kmip_conform::ttlv::{Item, Tag, Value};

/// Checks one half of a new pair: type, algorithm, length, mask, state, link, digest.
#[allow(clippy::too_many_arguments)]
async fn check_half(
    client: &mut Client,
    version: Version,
    uid: &str,
    other: &str,
    object_type: ObjectType,
    link_type: LinkType,
    alg: CryptographicAlgorithm,
    bits: i32,
    usage: i32,
    format: KeyFormatType,
) {
    let get = |name: &'static str, tag: Tag| (name, tag);
    for ((name, tag), expected) in [
        (
            get("Object Type", tags::OBJECT_TYPE),
            Value::Enumeration(object_type.0),
        ),
        (
            get("Cryptographic Algorithm", tags::CRYPTOGRAPHIC_ALGORITHM),
            Value::Enumeration(alg.0),
        ),
        (
            get("Cryptographic Length", tags::CRYPTOGRAPHIC_LENGTH),
            Value::Integer(bits),
        ),
        (
            get("Cryptographic Usage Mask", tags::CRYPTOGRAPHIC_USAGE_MASK),
            Value::Integer(usage),
        ),
        (
            get("State", tags::STATE),
            Value::Enumeration(State::PRE_ACTIVE.0),
        ),
    ] {
        assert_eq!(
            attribute(client, version, uid, name, tag).await,
            Some(expected),
            "{name} of {uid} on {version}"
        );
    }
    assert_eq!(
        links(client, version, uid).await,
        vec![(link_type.0, other.to_owned())],
        "the link of {uid} on {version}"
    );
    let block = key_block(client, version, uid, None).await;
    assert_eq!(format_of(&block), format);
    let digest = attribute(client, version, uid, "Digest", tags::DIGEST)
        .await
        .expect("a Digest");
    let Value::Structure(digest) = digest else {
        panic!("Digest is {digest:?}")
    };
    let digest = Item::structure(tags::DIGEST, digest);
    assert_eq!(
        field(&digest, tags::DIGEST_VALUE),
        &Value::ByteString(sha256(&material(&block)))
    );
    assert_eq!(
        field(&digest, tags::KEY_FORMAT_TYPE),
        &Value::Enumeration(format.0)
    );
}

#[tokio::test]
async fn rsa_2048_pair_is_linked_described_and_usable_in_every_version() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_0, Version::V1_2, Version::V1_4, Version::V2_1] {
        let (private, public) = create_pair(
            &mut client,
            version,
            rsa_2048(),
            vec![mask(SIGN), name(&format!("rsa-private-{version}"))],
            vec![mask(VERIFY), name(&format!("rsa-public-{version}"))],
        )
        .await;
        assert_ne!(private, public);
        let rsa = CryptographicAlgorithm::RSA;
        let pkcs1 = KeyFormatType::PKCS_1;
        check_half(
            &mut client,
            version,
            &private,
            &public,
            ObjectType::PRIVATE_KEY,
            LinkType::PUBLIC_KEY_LINK,
            rsa,
            2048,
            SIGN,
            pkcs1,
        )
        .await;
        check_half(
            &mut client,
            version,
            &public,
            &private,
            ObjectType::PUBLIC_KEY,
            LinkType::PRIVATE_KEY_LINK,
            rsa,
            2048,
            VERIFY,
            pkcs1,
        )
        .await;
        // The two halves belong together: the public key is the private key's.
        use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
        let private_key = rsa::RsaPrivateKey::from_pkcs1_der(&material(
            &key_block(&mut client, version, &private, None).await,
        ))
        .expect("PKCS#1 private key");
        let public_key = rsa::RsaPublicKey::from_pkcs1_der(&material(
            &key_block(&mut client, version, &public, None).await,
        ))
        .expect("PKCS#1 public key");
        assert_eq!(private_key.to_public_key(), public_key);
        let name_attr = attribute(&mut client, version, &private, "Name", tags::NAME).await;
        assert!(name_attr.is_some(), "the private key keeps its Name");
    }
}

#[tokio::test]
async fn rsa_3072_pair() {
    let (_server, mut client) = connect().await;
    let version = Version::V2_1;
    let (private, public) = create_pair(
        &mut client,
        version,
        vec![algorithm(CryptographicAlgorithm::RSA), length(3072)],
        vec![mask(SIGN | DECRYPT)],
        vec![mask(VERIFY | ENCRYPT)],
    )
    .await;
    let block = key_block(&mut client, version, &public, Some(KeyFormatType::X_509)).await;
    use rsa::pkcs8::DecodePublicKey;
    use rsa::traits::PublicKeyParts;
    let key = rsa::RsaPublicKey::from_public_key_der(&material(&block)).expect("SPKI");
    assert_eq!(key.size() * 8, 3072);
    assert_eq!(
        attribute(
            &mut client,
            version,
            &private,
            "",
            tags::CRYPTOGRAPHIC_LENGTH
        )
        .await,
        Some(Value::Integer(3072))
    );
}

#[tokio::test]
async fn rsa_4096_pair() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_4;
    let (private, _) = sign_verify_pair(
        &mut client,
        version,
        vec![algorithm(CryptographicAlgorithm::RSA), length(4096)],
    )
    .await;
    use rsa::pkcs1::DecodeRsaPrivateKey;
    use rsa::traits::PublicKeyParts;
    let key = rsa::RsaPrivateKey::from_pkcs1_der(&material(
        &key_block(&mut client, version, &private, None).await,
    ))
    .expect("PKCS#1");
    assert_eq!(key.size() * 8, 4096);
}

#[tokio::test]
async fn ec_pairs_by_length_and_by_curve_hold_pkcs8_and_x509() {
    use ring::signature::{
        EcdsaKeyPair, KeyPair, ECDSA_P256_SHA256_ASN1_SIGNING, ECDSA_P384_SHA384_ASN1_SIGNING,
    };
    let (_server, mut client) = connect().await;
    let cases = [
        (Version::V1_2, ecdsa_p256(), 256),
        (
            Version::V2_1,
            vec![
                algorithm(CryptographicAlgorithm::ECDSA),
                curve(RecommendedCurve::P_384),
            ],
            384,
        ),
        (
            Version::V2_0,
            vec![
                algorithm(CryptographicAlgorithm::EC),
                length(256),
                curve(RecommendedCurve::P_256),
            ],
            256,
        ),
    ];
    for (version, common, bits) in cases {
        let (private, public) = sign_verify_pair(&mut client, version, common).await;
        let private_block = key_block(&mut client, version, &private, None).await;
        let public_block = key_block(&mut client, version, &public, None).await;
        assert_eq!(format_of(&private_block), KeyFormatType::PKCS_8);
        assert_eq!(format_of(&public_block), KeyFormatType::X_509);
        let signing = if bits == 256 {
            &ECDSA_P256_SHA256_ASN1_SIGNING
        } else {
            &ECDSA_P384_SHA384_ASN1_SIGNING
        };
        let rng = ring::rand::SystemRandom::new();
        let pair = EcdsaKeyPair::from_pkcs8(signing, &material(&private_block), &rng)
            .expect("ring accepts the PKCS#8 private key");
        assert_eq!(
            pair.public_key().as_ref(),
            spki_key(&material(&public_block)).as_slice()
        );
        assert_eq!(
            attribute(
                &mut client,
                version,
                &public,
                "Cryptographic Length",
                tags::CRYPTOGRAPHIC_LENGTH
            )
            .await,
            Some(Value::Integer(bits))
        );
    }
}

#[tokio::test]
async fn ed25519_pair_in_2x_only() {
    use ring::signature::{Ed25519KeyPair, KeyPair};
    let (_server, mut client) = connect().await;
    let version = Version::V2_0;
    let (private, public) = sign_verify_pair(
        &mut client,
        version,
        vec![algorithm(CryptographicAlgorithm::ED25519)],
    )
    .await;
    let pkcs8 = material(&key_block(&mut client, version, &private, None).await);
    let pair = Ed25519KeyPair::from_pkcs8(&pkcs8).expect("PKCS#8 v2 Ed25519 key");
    let spki = material(&key_block(&mut client, version, &public, None).await);
    assert_eq!(spki_key(&spki), pair.public_key().as_ref());
    assert_eq!(
        links(&mut client, version, &private).await,
        vec![(LinkType::PUBLIC_KEY_LINK.0, public.clone())]
    );
    // Ed25519 is not a KMIP 1.x Cryptographic Algorithm.
    let reason = fails(
        &mut client,
        Version::V1_4,
        Operation::CREATE_KEY_PAIR,
        pair_payload(
            Version::V1_4,
            vec![algorithm(CryptographicAlgorithm::ED25519)],
            vec![mask(SIGN)],
            vec![mask(VERIFY)],
        ),
    )
    .await;
    assert_eq!(reason, ResultReason::INVALID_FIELD);
}

#[tokio::test]
async fn get_converts_rsa_keys_between_formats() {
    use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
    use rsa::traits::PublicKeyParts;
    let (_server, mut client) = connect().await;
    let version = Version::V1_2;
    let (private, public) = sign_verify_pair(&mut client, version, rsa_2048()).await;
    let pkcs8 = key_block(&mut client, version, &private, Some(KeyFormatType::PKCS_8)).await;
    assert_eq!(format_of(&pkcs8), KeyFormatType::PKCS_8);
    let key = rsa::RsaPrivateKey::from_pkcs8_der(&material(&pkcs8)).expect("PKCS#8");
    let x509 = key_block(&mut client, version, &public, Some(KeyFormatType::X_509)).await;
    let public_key = rsa::RsaPublicKey::from_public_key_der(&material(&x509)).expect("SPKI");
    assert_eq!(key.to_public_key(), public_key);
    // Transparent forms carry the numbers (KMIP 1.2 §2.1.7.3-4).
    let transparent = key_block(
        &mut client,
        version,
        &private,
        Some(KeyFormatType::TRANSPARENT_RSA_PRIVATE_KEY),
    )
    .await;
    let numbers = key_material(&transparent);
    let big = |tag| match field(numbers, tag) {
        Value::BigInteger(b) => rsa::BigUint::from_bytes_be(b),
        other => panic!("{tag:?} is {other:?}"),
    };
    assert_eq!(&big(tags::MODULUS), public_key.n());
    assert_eq!(&big(tags::PUBLIC_EXPONENT), public_key.e());
    assert_eq!(big(tags::P) * big(tags::Q), big(tags::MODULUS));
    let transparent_public = key_block(
        &mut client,
        version,
        &public,
        Some(KeyFormatType::TRANSPARENT_RSA_PUBLIC_KEY),
    )
    .await;
    assert_eq!(
        format_of(&transparent_public),
        KeyFormatType::TRANSPARENT_RSA_PUBLIC_KEY
    );
    // A public key has no PKCS#8 form.
    let reason = fails(
        &mut client,
        version,
        Operation::GET,
        vec![
            uid_field(&public),
            Item::new(
                tags::KEY_FORMAT_TYPE,
                Value::Enumeration(KeyFormatType::PKCS_8.0),
            ),
        ],
    )
    .await;
    assert_eq!(reason, ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED);
}

#[tokio::test]
async fn id_placeholder_is_the_private_key() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_2;
    let response = client
        .call(&request(
            version,
            vec![],
            vec![
                op(
                    Operation::CREATE_KEY_PAIR,
                    Some(b"1"),
                    pair_payload(version, ecdsa_p256(), vec![mask(SIGN)], vec![mask(VERIFY)]),
                ),
                op(Operation::ACTIVATE, Some(b"2"), vec![]),
            ],
        ))
        .await;
    let batch = items(&response);
    assert!(
        batch.iter().all(|i| status(i) == ResultStatus::SUCCESS),
        "{response:?}"
    );
    let created = batch[0].child(tags::RESPONSE_PAYLOAD).expect("payload");
    let private = text(created, tags::PRIVATE_KEY_UNIQUE_IDENTIFIER);
    let public = text(created, tags::PUBLIC_KEY_UNIQUE_IDENTIFIER);
    assert_eq!(
        attribute(&mut client, version, &private, "State", tags::STATE).await,
        Some(Value::Enumeration(State::ACTIVE.0))
    );
    assert_eq!(
        attribute(&mut client, version, &public, "State", tags::STATE).await,
        Some(Value::Enumeration(State::PRE_ACTIVE.0))
    );
    assert!(reason(batch[1]).is_none());
}

/// (what, common, private, public, expected reason).
type BadCase = (
    &'static str,
    Vec<Field>,
    Vec<Field>,
    Vec<Field>,
    ResultReason,
);

#[tokio::test]
async fn bad_requests_are_refused_with_the_versions_reason() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_2, Version::V2_1] {
        let invalid_value = if version.is_2x() {
            ResultReason::INVALID_ATTRIBUTE_VALUE
        } else {
            ResultReason::INVALID_FIELD
        };
        let rsa = || algorithm(CryptographicAlgorithm::RSA);
        let cases: Vec<BadCase> = vec![
            (
                "no algorithm",
                vec![length(2048)],
                vec![mask(SIGN)],
                vec![mask(VERIFY)],
                ResultReason::INVALID_FIELD,
            ),
            (
                "odd RSA size",
                vec![rsa(), length(1000)],
                vec![mask(SIGN)],
                vec![mask(VERIFY)],
                invalid_value,
            ),
            (
                "RSA without length",
                vec![rsa()],
                vec![mask(SIGN)],
                vec![mask(VERIFY)],
                invalid_value,
            ),
            (
                "EC curve not supported",
                vec![algorithm(CryptographicAlgorithm::ECDSA), length(521)],
                vec![mask(SIGN)],
                vec![mask(VERIFY)],
                invalid_value,
            ),
            (
                "symmetric algorithm",
                vec![algorithm(CryptographicAlgorithm::AES), length(256)],
                vec![mask(SIGN)],
                vec![mask(VERIFY)],
                invalid_value,
            ),
            (
                "public key that signs",
                vec![rsa(), length(2048)],
                vec![mask(SIGN)],
                vec![mask(SIGN | VERIFY)],
                invalid_value,
            ),
            (
                "private key that encrypts",
                vec![rsa(), length(2048)],
                vec![mask(ENCRYPT)],
                vec![mask(VERIFY)],
                invalid_value,
            ),
            (
                "EC key that decrypts",
                ecdsa_p256(),
                vec![mask(DECRYPT)],
                vec![mask(VERIFY)],
                invalid_value,
            ),
            (
                "different lengths",
                vec![rsa()],
                vec![mask(SIGN), length(2048)],
                vec![mask(VERIFY), length(3072)],
                invalid_value,
            ),
        ];
        for (what, common, private, public, expected) in cases {
            let reason = fails(
                &mut client,
                version,
                Operation::CREATE_KEY_PAIR,
                pair_payload(version, common, private, public),
            )
            .await;
            assert_eq!(reason, expected, "{what} on {version}");
        }
        // The same Name for both halves, or one another object already has.
        let non_unique = if version.is_2x() {
            ResultReason::NON_UNIQUE_NAME_ATTRIBUTE
        } else {
            ResultReason::INVALID_FIELD
        };
        let shared = format!("shared-{version}");
        let reason = fails(
            &mut client,
            version,
            Operation::CREATE_KEY_PAIR,
            pair_payload(
                version,
                vec![rsa(), length(2048), name(&shared)],
                vec![mask(SIGN)],
                vec![mask(VERIFY)],
            ),
        )
        .await;
        assert_eq!(reason, non_unique, "shared Name on {version}");
        let taken = format!("taken-{version}");
        create_pair(
            &mut client,
            version,
            ecdsa_p256(),
            vec![mask(SIGN), name(&taken)],
            vec![mask(VERIFY)],
        )
        .await;
        let reason = fails(
            &mut client,
            version,
            Operation::CREATE_KEY_PAIR,
            pair_payload(
                version,
                ecdsa_p256(),
                vec![mask(SIGN)],
                vec![mask(VERIFY), name(&taken)],
            ),
        )
        .await;
        assert_eq!(reason, non_unique, "taken Name on {version}");
    }
    // KMIP 1.x requires a Cryptographic Usage Mask for both keys (Table 141); 2.x does not.
    let no_mask = |v| pair_payload(v, ecdsa_p256(), vec![mask(SIGN)], vec![]);
    assert_eq!(
        fails(
            &mut client,
            Version::V1_2,
            Operation::CREATE_KEY_PAIR,
            no_mask(Version::V1_2)
        )
        .await,
        ResultReason::INVALID_FIELD
    );
    ok(
        &mut client,
        Version::V2_1,
        Operation::CREATE_KEY_PAIR,
        no_mask(Version::V2_1),
    )
    .await;
}

#[tokio::test]
async fn algorithm_stated_for_one_half_describes_both() {
    let (_server, mut client) = connect().await;
    let version = Version::V2_1;
    let (private, public) = create_pair(
        &mut client,
        version,
        vec![],
        vec![
            mask(SIGN),
            algorithm(CryptographicAlgorithm::ECDSA),
            length(384),
        ],
        vec![mask(VERIFY)],
    )
    .await;
    for uid in [&private, &public] {
        assert_eq!(
            attribute(&mut client, version, uid, "", tags::CRYPTOGRAPHIC_ALGORITHM).await,
            Some(Value::Enumeration(CryptographicAlgorithm::ECDSA.0))
        );
        assert_eq!(
            attribute(&mut client, version, uid, "", tags::CRYPTOGRAPHIC_LENGTH).await,
            Some(Value::Integer(384))
        );
    }
}

#[tokio::test]
async fn rsa_sizes_above_the_servers_policy_are_refused() {
    let server = start(|config| config.max_rsa_bits = 2048).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    for version in [Version::V1_2, Version::V2_1] {
        let reason = fails(
            &mut client,
            version,
            Operation::CREATE_KEY_PAIR,
            pair_payload(
                version,
                vec![algorithm(CryptographicAlgorithm::RSA), length(3072)],
                vec![mask(SIGN)],
                vec![mask(VERIFY)],
            ),
        )
        .await;
        assert_eq!(reason, ResultReason::PERMISSION_DENIED, "KMIP {version}");
    }
}
