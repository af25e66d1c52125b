//! Certify (KMIP 1.2 §4.7, 2.1 §6.1.6): the server's CA signs certificates for
//! registered Public Keys and for PKCS#10 requests made in the test (rcgen).
//! Every certificate is parsed and its signature verified with x509-parser
//! against the CA certificate fetched through the Certificate Link.

#[path = "certify_support.rs"]
pub mod helpers;

use super::support::*;
pub use helpers::*;
use kmip_conform::kmip::{
    tags, CertificateRequestType, CertificateType, CryptographicAlgorithm,
    DigitalSignatureAlgorithm, KeyFormatType, LinkType, ObjectType, Operation, ResultReason,
    ResultStatus, Version,
};
use kmip_conform::ttlv::{Item, Value};
use rcgen::{CertificateParams, DnType};

/// The subject attribute in the version's preferred form: the 1.x text
/// Certificate Subject for 1.2, X.509 Certificate Subject (DER) otherwise.
fn subject_attribute(version: Version, cn: &str) -> (&'static str, Item) {
    if version == Version::V1_2 {
        (
            "Certificate Subject",
            Item::structure(
                tags::CERTIFICATE_SUBJECT,
                vec![Item::new(
                    tags::CERTIFICATE_SUBJECT_DISTINGUISHED_NAME,
                    Value::TextString(format!("CN={cn},O=kmip-conform tests")),
                )],
            ),
        )
    } else {
        (
            "X.509 Certificate Subject",
            Item::structure(
                tags::X_509_CERTIFICATE_SUBJECT,
                vec![Item::new(
                    tags::SUBJECT_DISTINGUISHED_NAME,
                    Value::ByteString(der_common_name(cn)),
                )],
            ),
        )
    }
}

#[tokio::test]
async fn certify_a_registered_public_key() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let (_, spki) = ec_key();
        let key = register_public_key(&mut client, version, &spki).await;
        let cn = format!("alice-{version}");
        let uid = certify(
            &mut client,
            version,
            vec![
                uid_field(&key),
                attributes(
                    version,
                    vec![
                        subject_attribute(version, &cn),
                        ("Name", name(&format!("certificate-{version}"))),
                    ],
                ),
            ],
        )
        .await;
        let der = certificate_der(&mut client, version, &uid).await;
        let ca = issuing_ca(&mut client, version, &uid).await;
        assert_issued_by(&der, &ca, &spki);
        let certificate = parse(&der);
        assert_eq!(common_name(&certificate), cn);
        if version == Version::V1_2 {
            let organization = certificate.subject().iter_organization().next().unwrap();
            assert_eq!(organization.as_str().unwrap(), "kmip-conform tests");
        }
        // Links both ways (§4.7).
        assert_eq!(
            linked(&mut client, version, &uid, LinkType::PUBLIC_KEY_LINK).await,
            vec![key.clone()]
        );
        assert_eq!(
            linked(&mut client, version, &key, LinkType::CERTIFICATE_LINK).await,
            vec![uid.clone()]
        );
        // Server-set certificate attributes.
        assert_eq!(
            attribute(
                &mut client,
                version,
                &uid,
                "Certificate Type",
                tags::CERTIFICATE_TYPE
            )
            .await,
            Some(Value::Enumeration(CertificateType::X_509.0))
        );
        assert_eq!(
            attribute(
                &mut client,
                version,
                &uid,
                "Certificate Length",
                tags::CERTIFICATE_LENGTH
            )
            .await,
            Some(Value::Integer(der.len() as i32))
        );
        assert_eq!(
            attribute(
                &mut client,
                version,
                &uid,
                "Digital Signature Algorithm",
                tags::DIGITAL_SIGNATURE_ALGORITHM
            )
            .await,
            Some(Value::Enumeration(
                DigitalSignatureAlgorithm::ECDSA_WITH_SHA256.0
            ))
        );
        let subject = attribute(
            &mut client,
            version,
            &uid,
            "X.509 Certificate Subject",
            tags::X_509_CERTIFICATE_SUBJECT,
        )
        .await;
        let Some(Value::Structure(fields)) = subject else {
            panic!("X.509 Certificate Subject: {subject:?}");
        };
        assert_eq!(
            fields[0].value,
            Value::ByteString(certificate.subject().as_raw().to_vec())
        );
        let identifier = attribute(
            &mut client,
            version,
            &uid,
            "X.509 Certificate Identifier",
            tags::X_509_CERTIFICATE_IDENTIFIER,
        )
        .await;
        assert!(
            format!("{identifier:?}").contains("IssuerDistinguishedName")
                || matches!(identifier, Some(Value::Structure(ref f)) if f.len() == 2),
            "{identifier:?}"
        );
        let names = all_instances(&mut client, version, &uid, "Name", tags::NAME).await;
        assert!(format!("{names:?}").contains(&format!("certificate-{version}")));
        // The deprecated 1.0 forms are for 1.x clients only.
        let deprecated = attribute(
            &mut client,
            version,
            &uid,
            "Certificate Subject",
            tags::CERTIFICATE_SUBJECT,
        )
        .await;
        if version.is_2x() {
            assert_eq!(deprecated, None);
        } else {
            assert!(
                format!("{deprecated:?}").contains(&format!("CN={cn}")),
                "{deprecated:?}"
            );
        }
    }
}

#[tokio::test]
async fn certify_with_a_pkcs10_request_made_in_the_test() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let (key_pair, spki) = ec_key();
        let key = register_public_key(&mut client, version, &spki).await;
        let request = csr(&key_pair, "from-the-csr", "device.example");
        let mut payload = uid_and_request(&key, version, CertificateRequestType::PKCS_10, &request);
        // The request's subject takes precedence over a conflicting attribute (§4.7).
        payload.push(attributes(
            version,
            vec![subject_attribute(version, "from-the-attributes")],
        ));
        let uid = certify(&mut client, version, payload).await;
        let der = certificate_der(&mut client, version, &uid).await;
        let ca = issuing_ca(&mut client, version, &uid).await;
        assert_issued_by(&der, &ca, &spki);
        let certificate = parse(&der);
        assert_eq!(common_name(&certificate), "from-the-csr");
        let san = certificate.subject_alternative_name().unwrap().unwrap();
        assert!(
            format!("{:?}", san.value.general_names).contains("device.example"),
            "{san:?}"
        );
        assert_eq!(
            linked(&mut client, version, &key, LinkType::CERTIFICATE_LINK).await,
            vec![uid]
        );
    }
}

#[tokio::test]
async fn certify_a_request_alone_and_in_pem() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let (key_pair, spki) = ec_key();
        let request = csr(&key_pair, "request-only", "request.example");
        // No Unique Identifier and no ID Placeholder: the request's key is certified.
        let uid = certify(
            &mut client,
            version,
            request_fields(version, CertificateRequestType::PKCS_10, &request),
        )
        .await;
        let der = certificate_der(&mut client, version, &uid).await;
        let ca = issuing_ca(&mut client, version, &uid).await;
        assert_issued_by(&der, &ca, &spki);
        assert_eq!(common_name(&parse(&der)), "request-only");
        assert!(
            linked(&mut client, version, &uid, LinkType::PUBLIC_KEY_LINK)
                .await
                .is_empty()
        );

        let (pem_pair, pem_spki) = ec_key();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "pem-request");
        let pem = params.serialize_request(&pem_pair).unwrap().pem().unwrap();
        let uid = certify(
            &mut client,
            version,
            request_fields(version, CertificateRequestType::PEM, pem.as_bytes()),
        )
        .await;
        let der = certificate_der(&mut client, version, &uid).await;
        assert_issued_by(&der, &ca, &pem_spki);
        assert_eq!(common_name(&parse(&der)), "pem-request");
    }
}

#[tokio::test]
async fn certify_the_id_placeholder_and_get_it_in_one_batch() {
    use crate::common::kmip_client::{items, op, request, status};
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let (_, spki) = ec_key();
        let response = client
            .call(&request(
                version,
                vec![],
                vec![
                    op(
                        Operation::REGISTER,
                        Some(b"1"),
                        public_key_payload(version, &spki),
                    ),
                    op(Operation::CERTIFY, Some(b"2"), vec![]),
                    op(Operation::GET, Some(b"3"), vec![]),
                ],
            ))
            .await;
        let results = items(&response);
        assert!(
            results.iter().all(|i| status(i) == ResultStatus::SUCCESS),
            "{response:?}"
        );
        let key = crate::common::kmip_client::uid(results[0]);
        let certified = crate::common::kmip_client::uid(results[1]);
        let got = crate::common::kmip_client::uid(results[2]);
        assert_eq!(certified, got, "Certify set the ID Placeholder");
        let value = results[2]
            .child(tags::RESPONSE_PAYLOAD)
            .and_then(|p| p.child(tags::CERTIFICATE))
            .map(|c| bytes_of(c, tags::CERTIFICATE_VALUE))
            .expect("Get returned the certificate");
        assert_eq!(parse(&value).public_key().raw, spki.as_slice());
        // The default subject names the key.
        assert_eq!(
            common_name(&parse(&value)),
            format!("kmip-conform key {key}")
        );
    }
}

#[tokio::test]
async fn the_ca_certificate_is_the_configured_one_and_shared() {
    let mut configured = None;
    let server = start(|config| configured = Some(config.certification_authority.clone())).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    let mut copies = Vec::new();
    for version in VERSIONS {
        let (_, spki) = ec_key();
        let key = register_public_key(&mut client, version, &spki).await;
        let uid = certify(&mut client, version, vec![uid_field(&key)]).await;
        copies.extend(linked(&mut client, version, &uid, LinkType::CERTIFICATE_LINK).await);
        let ca = issuing_ca(&mut client, version, &uid).await;
        assert_eq!(
            Some(ca),
            configured.as_ref().unwrap().certificate_der(),
            "the CA in the configuration signed it"
        );
    }
    copies.dedup();
    assert_eq!(
        copies.len(),
        1,
        "one stored copy of the CA certificate per client"
    );
}

#[tokio::test]
async fn certify_errors() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let symmetric = create_aes(&mut client, version, 128).await;
        let bad_csr = by_version(
            version,
            ResultReason::INVALID_FIELD,
            ResultReason::INVALID_CSR,
        );
        let pkcs10 = |bytes: &[u8]| request_fields(version, CertificateRequestType::PKCS_10, bytes);
        // A request whose signature does not verify.
        let (key_pair, spki) = ec_key();
        let mut tampered = csr(&key_pair, "tampered", "tampered.example");
        let last = tampered.len() - 3;
        tampered[last] ^= 0x55;
        let key = register_public_key(&mut client, version, &spki).await;
        let (other_pair, _) = ec_key();
        // A Certificate Request without its type.
        let value_only = pkcs10(&csr(&key_pair, "x", "x.example")).pop().unwrap();
        let cases = vec![
            // No such object: the tables say Item Not Found in 1.2 and 2.1 alike.
            (
                "unknown",
                vec![uid_field("no-such-key")],
                ResultReason::ITEM_NOT_FOUND,
            ),
            (
                "not a Public Key",
                vec![uid_field(&symmetric)],
                by_version(
                    version,
                    ResultReason::PERMISSION_DENIED,
                    ResultReason::INVALID_OBJECT_TYPE,
                ),
            ),
            // Garbage instead of a PKCS#10 request.
            ("garbage", pkcs10(b"not a request"), bad_csr),
            ("tampered", pkcs10(&tampered), bad_csr),
            // A request for another key than the Public Key named.
            (
                "another key",
                uid_and_request(
                    &key,
                    version,
                    CertificateRequestType::PKCS_10,
                    &csr(&other_pair, "other", "other.example"),
                ),
                bad_csr,
            ),
            (
                "CRMF",
                uid_and_request(&key, version, CertificateRequestType::CRMF, b"crmf"),
                ResultReason::FEATURE_NOT_SUPPORTED,
            ),
            (
                "no request type",
                vec![uid_field(&key), value_only],
                ResultReason::INVALID_MESSAGE,
            ),
        ];
        fails_with_each(&mut client, version, Operation::CERTIFY, cases).await;
        // Nothing failed half-way: the key has no certificate yet.
        assert!(
            linked(&mut client, version, &key, LinkType::CERTIFICATE_LINK)
                .await
                .is_empty()
        );
    }
}

#[tokio::test]
async fn certify_an_rsa_public_key_held_as_pkcs1() {
    use rsa::pkcs1::EncodeRsaPublicKey;
    use rsa::pkcs8::EncodePublicKey;
    let (_server, mut client) = connect().await;
    let private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let public = private.to_public_key();
    let pkcs1 = public.to_pkcs1_der().unwrap().as_bytes().to_vec();
    let spki = public.to_public_key_der().unwrap().as_bytes().to_vec();
    for version in VERSIONS {
        let key = Item::structure(
            tags::PUBLIC_KEY,
            vec![Item::structure(
                tags::KEY_BLOCK,
                vec![
                    Item::new(
                        tags::KEY_FORMAT_TYPE,
                        Value::Enumeration(KeyFormatType::PKCS_1.0),
                    ),
                    Item::structure(
                        tags::KEY_VALUE,
                        vec![Item::new(
                            tags::KEY_MATERIAL,
                            Value::ByteString(pkcs1.clone()),
                        )],
                    ),
                    Item::new(
                        tags::CRYPTOGRAPHIC_ALGORITHM,
                        Value::Enumeration(CryptographicAlgorithm::RSA.0),
                    ),
                    Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(2048)),
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
                    Value::Enumeration(ObjectType::PUBLIC_KEY.0),
                ),
                attributes(version, vec![]),
                key,
            ],
        )
        .await;
        let key = uid_of(&registered);
        let uid = certify(&mut client, version, vec![uid_field(&key)]).await;
        let der = certificate_der(&mut client, version, &uid).await;
        let ca = issuing_ca(&mut client, version, &uid).await;
        assert_issued_by(&der, &ca, &spki);
        assert_eq!(
            attribute(
                &mut client,
                version,
                &uid,
                "Cryptographic Length",
                tags::CRYPTOGRAPHIC_LENGTH
            )
            .await,
            Some(Value::Integer(2048))
        );
        assert_eq!(
            attribute(
                &mut client,
                version,
                &uid,
                "Cryptographic Algorithm",
                tags::CRYPTOGRAPHIC_ALGORITHM
            )
            .await,
            Some(Value::Enumeration(CryptographicAlgorithm::RSA.0))
        );
    }
}

#[tokio::test]
async fn certify_in_kmip_1_0_uses_the_1_0_certificate_attributes() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_0;
    let (key_pair, spki) = ec_key();
    let key = register_public_key(&mut client, version, &spki).await;
    let payload = uid_and_request(
        &key,
        version,
        CertificateRequestType::PKCS_10,
        &csr(&key_pair, "one-oh", "one-oh.example"),
    );
    let uid = certify(&mut client, version, payload).await;
    let der = certificate_der(&mut client, version, &uid).await;
    let ca = issuing_ca(&mut client, version, &uid).await;
    assert_issued_by(&der, &ca, &spki);
    let subject = attribute(
        &mut client,
        version,
        &uid,
        "Certificate Subject",
        tags::CERTIFICATE_SUBJECT,
    )
    .await;
    assert!(format!("{subject:?}").contains("CN=one-oh"), "{subject:?}");
    let identifier = attribute(
        &mut client,
        version,
        &uid,
        "Certificate Identifier",
        tags::CERTIFICATE_IDENTIFIER,
    )
    .await;
    let serial: String = parse(&der)
        .serial
        .to_bytes_be()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    assert!(
        format!("{identifier:?}").contains(&serial),
        "{identifier:?}"
    );
    // X.509 Certificate Subject is 1.1+: a 1.0 client does not see it.
    assert_eq!(
        attribute(
            &mut client,
            version,
            &uid,
            "X.509 Certificate Subject",
            tags::X_509_CERTIFICATE_SUBJECT
        )
        .await,
        None
    );
}

#[tokio::test]
async fn the_usage_mask_becomes_the_key_usage_unless_the_request_names_one() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let (key_pair, spki) = ec_key();
        let key = register_public_key(&mut client, version, &spki).await;
        let mask = |bits: i32| {
            attributes(
                version,
                vec![(
                    "Cryptographic Usage Mask",
                    Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(bits)),
                )],
            )
        };
        // Sign | Verify: digitalSignature only.
        let uid = certify(&mut client, version, vec![uid_field(&key), mask(0x3)]).await;
        let der = certificate_der(&mut client, version, &uid).await;
        let usage = *parse(&der).key_usage().unwrap().expect("a Key Usage").value;
        assert!(usage.digital_signature() && !usage.key_encipherment() && !usage.key_cert_sign());
        // A request's own Key Usage wins over the mask.
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "agreement");
        params.key_usages = vec![rcgen::KeyUsagePurpose::KeyAgreement];
        let request = params.serialize_request(&key_pair).unwrap().der().to_vec();
        let mut payload = vec![uid_field(&key), mask(0x3)];
        payload.extend(request_fields(
            version,
            CertificateRequestType::PKCS_10,
            &request,
        ));
        let uid = certify(&mut client, version, payload).await;
        let der = certificate_der(&mut client, version, &uid).await;
        let usage = *parse(&der).key_usage().unwrap().expect("a Key Usage").value;
        assert!(usage.key_agreement() && !usage.digital_signature());
    }
}
