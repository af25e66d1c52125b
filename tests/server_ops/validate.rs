//! Validate (KMIP 1.2 §4.24, 2.1 §6.1.57): chains leaf first, anchored at the
//! server's Certify CA or at a registered self-signed root. Broken chains
//! answer Validity Indicator Invalid (not an error); a certificate type the
//! server cannot judge answers Unknown.

use super::certify::{
    certificate_der, certificate_structure, certify, ec_key, fails_with_each, issuing_ca,
    register_certificate, register_public_key, VERSIONS,
};
use super::support::*;
use kmip_conform::kmip::{
    tags, CertificateType, Operation, ResultReason, RevocationReasonCode, ValidityIndicator,
    Version,
};
use kmip_conform::ttlv::{Item, Value};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    PKCS_ECDSA_P256_SHA256,
};

/// A root, an intermediate and a leaf made in the test (rcgen), DER.
struct TestChain {
    root: Vec<u8>,
    intermediate: Vec<u8>,
    leaf: Vec<u8>,
}

fn ca_params(cn: &str) -> CertificateParams {
    let mut params = CertificateParams::default();
    params.distinguished_name.push(DnType::CommonName, cn);
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params
}

fn test_chain(tag: &str) -> TestChain {
    let root_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let root_params = ca_params(&format!("{tag} root"));
    let root = root_params.self_signed(&root_key).unwrap();
    let root_issuer = Issuer::new(root_params, root_key);
    let intermediate_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let intermediate_params = ca_params(&format!("{tag} intermediate"));
    let intermediate = intermediate_params
        .signed_by(&intermediate_key, &root_issuer)
        .unwrap();
    let intermediate_issuer = Issuer::new(intermediate_params, intermediate_key);
    let leaf_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let mut leaf_params = CertificateParams::new(vec![format!("{tag}.example")]).unwrap();
    leaf_params
        .distinguished_name
        .push(DnType::CommonName, format!("{tag} leaf"));
    let leaf = leaf_params
        .signed_by(&leaf_key, &intermediate_issuer)
        .unwrap();
    TestChain {
        root: root.der().to_vec(),
        intermediate: intermediate.der().to_vec(),
        leaf: leaf.der().to_vec(),
    }
}

/// What Validate answers for a chain (Certificate structures and uids, in order).
async fn validity(
    client: &mut Client,
    version: Version,
    chain: Vec<Item>,
    at: Option<i64>,
) -> ValidityIndicator {
    let mut payload = chain;
    if let Some(at) = at {
        payload.push(Item::new(tags::VALIDITY_DATE, Value::DateTime(at)));
    }
    let response = ok(client, version, Operation::VALIDATE, payload).await;
    match field(&response, tags::VALIDITY_INDICATOR) {
        Value::Enumeration(v) => ValidityIndicator(*v),
        other => panic!("Validity Indicator is {other:?}"),
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// The certificate with one byte flipped `from_end` bytes before its end
/// (inside the signature for small values).
fn tampered(der: &[u8], from_end: usize) -> Vec<u8> {
    let mut copy = der.to_vec();
    let index = copy.len() - from_end;
    copy[index] ^= 0x01;
    copy
}

/// A certificate issued by the server, by uid.
async fn issued(client: &mut Client, version: Version) -> String {
    let (_, spki) = ec_key();
    let key = register_public_key(client, version, &spki).await;
    certify(client, version, vec![uid_field(&key)]).await
}

/// Certificate structures for each DER certificate, in order.
fn certificates(ders: &[&[u8]]) -> Vec<Item> {
    ders.iter().map(|der| certificate_structure(der)).collect()
}

#[tokio::test]
async fn validate_certificates_the_server_issued() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let uid = issued(&mut client, version).await;
        let leaf = certificate_der(&mut client, version, &uid).await;
        let ca = issuing_ca(&mut client, version, &uid).await;
        use ValidityIndicator as V;
        assert_eq!(
            validity(&mut client, version, vec![uid_field(&uid)], None).await,
            V::VALID,
            "by Unique Identifier, anchored at the server's CA"
        );
        assert_eq!(
            validity(
                &mut client,
                version,
                vec![certificate_structure(&leaf)],
                None
            )
            .await,
            V::VALID
        );
        let full = certificates(&[&leaf, &ca]);
        assert_eq!(
            validity(&mut client, version, full.clone(), None).await,
            V::VALID,
            "leaf and CA"
        );
        // Validity Date: inside, after notAfter (expired), before notBefore.
        assert_eq!(
            validity(&mut client, version, full.clone(), Some(now() + 3600)).await,
            V::VALID
        );
        assert_eq!(
            validity(
                &mut client,
                version,
                full.clone(),
                Some(now() + 2 * 365 * 86_400)
            )
            .await,
            V::INVALID,
            "expired at that date"
        );
        assert_eq!(
            validity(&mut client, version, full, Some(now() - 7 * 86_400)).await,
            V::INVALID,
            "not yet valid at that date"
        );
        // Wrong order: the CA first.
        assert_eq!(
            validity(&mut client, version, certificates(&[&ca, &leaf]), None).await,
            V::INVALID
        );
        // A broken signature.
        assert_eq!(
            validity(
                &mut client,
                version,
                vec![certificate_structure(&tampered(&leaf, 5))],
                None
            )
            .await,
            V::INVALID
        );
        // Not a certificate at all.
        assert_eq!(
            validity(
                &mut client,
                version,
                vec![certificate_structure(b"not DER")],
                None
            )
            .await,
            V::INVALID
        );
        // Revoked (compromised): no longer valid by uid.
        revoke(
            &mut client,
            version,
            &uid,
            RevocationReasonCode::KEY_COMPROMISE,
        )
        .await;
        assert_eq!(
            validity(&mut client, version, vec![uid_field(&uid)], None).await,
            V::INVALID
        );
    }
}

#[tokio::test]
async fn validate_a_chain_to_a_registered_root() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        use ValidityIndicator as V;
        let chain = test_chain(&format!("validate-{version}"));
        let full = || certificates(&[&chain.leaf, &chain.intermediate, &chain.root]);
        // Unknown root: not a trust anchor until registered.
        assert_eq!(
            validity(&mut client, version, full(), None).await,
            V::INVALID
        );
        let root = register_certificate(&mut client, version, &chain.root).await;
        assert_eq!(validity(&mut client, version, full(), None).await, V::VALID);
        // The registered root anchors a chain that stops below it.
        assert_eq!(
            validity(
                &mut client,
                version,
                certificates(&[&chain.leaf, &chain.intermediate]),
                None
            )
            .await,
            V::VALID
        );
        // Structures and Unique Identifiers together.
        let intermediate = register_certificate(&mut client, version, &chain.intermediate).await;
        assert_eq!(
            validity(
                &mut client,
                version,
                vec![
                    certificate_structure(&chain.leaf),
                    uid_field(&intermediate),
                    uid_field(&root)
                ],
                None
            )
            .await,
            V::VALID
        );
        // A missing link, a wrong order, a tampered intermediate.
        assert_eq!(
            validity(
                &mut client,
                version,
                certificates(&[&chain.leaf, &chain.root]),
                None
            )
            .await,
            V::INVALID
        );
        assert_eq!(
            validity(
                &mut client,
                version,
                certificates(&[&chain.intermediate, &chain.leaf, &chain.root]),
                None
            )
            .await,
            V::INVALID
        );
        assert_eq!(
            validity(
                &mut client,
                version,
                certificates(&[&chain.leaf, &tampered(&chain.intermediate, 4), &chain.root]),
                None
            )
            .await,
            V::INVALID
        );
        // Another client-made root with the same name does not anchor this chain.
        let impostor = test_chain(&format!("validate-{version}"));
        assert_eq!(
            validity(
                &mut client,
                version,
                certificates(&[&impostor.leaf, &impostor.intermediate]),
                None
            )
            .await,
            V::INVALID
        );
        // A compromised root anchors nothing any more.
        revoke(
            &mut client,
            version,
            &root,
            RevocationReasonCode::CA_COMPROMISE,
        )
        .await;
        assert_eq!(
            validity(&mut client, version, full(), None).await,
            V::INVALID
        );
    }
}

#[tokio::test]
async fn validate_answers_unknown_for_a_non_x509_certificate() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_2, Version::V2_1] {
        let pgp = Item::structure(
            tags::CERTIFICATE,
            vec![
                Item::new(
                    tags::CERTIFICATE_TYPE,
                    Value::Enumeration(CertificateType::PGP.0),
                ),
                Item::new(tags::CERTIFICATE_VALUE, Value::ByteString(vec![0x99, 0x01])),
            ],
        );
        assert_eq!(
            validity(&mut client, version, vec![pgp], None).await,
            ValidityIndicator::UNKNOWN
        );
    }
}

#[tokio::test]
async fn validate_errors() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let key = create_aes(&mut client, version, 128).await;
        let cases = vec![
            // No chain at all (KMIP 1.2 §11.25).
            ("no chain", vec![], ResultReason::INVALID_MESSAGE),
            (
                "unknown",
                vec![uid_field("no-such-certificate")],
                by_version(
                    version,
                    ResultReason::INVALID_MESSAGE,
                    ResultReason::OBJECT_NOT_FOUND,
                ),
            ),
            (
                "symmetric key",
                vec![uid_field(&key)],
                by_version(
                    version,
                    ResultReason::INVALID_MESSAGE,
                    ResultReason::INVALID_OBJECT_TYPE,
                ),
            ),
            // A Certificate structure without a value.
            (
                "no value",
                vec![Item::structure(
                    tags::CERTIFICATE,
                    vec![Item::new(
                        tags::CERTIFICATE_TYPE,
                        Value::Enumeration(CertificateType::X_509.0),
                    )],
                )],
                ResultReason::INVALID_FIELD,
            ),
        ];
        fails_with_each(&mut client, version, Operation::VALIDATE, cases).await;
    }
}
