//! Certify (KMIP 1.2 §4.7, 2.1 §6.1.6): the server's CA signs certificates for
//! registered Public Keys and for PKCS#10 requests made in the test (rcgen).
//! Every certificate is parsed and its signature verified with x509-parser
//! against the CA certificate fetched through the Certificate Link.
//! The helpers here are shared with the Re-certify and Validate tests.

use super::support::*;
use kmip_conform::kmip::errors::allowed_reasons;
use kmip_conform::kmip::{
    tags, CertificateRequestType, CertificateType, CryptographicAlgorithm,
    DigitalSignatureAlgorithm, KeyFormatType, LinkType, ObjectType, Operation, ResultReason,
    ResultStatus, Version,
};
use kmip_conform::ttlv::{Item, Value};
use rcgen::{CertificateParams, DnType, KeyPair, PublicKeyData, PKCS_ECDSA_P256_SHA256};
use x509_parser::prelude::{FromDer, X509Certificate};

/// The versions these tests cover (Certify exists in every version).
pub const VERSIONS: [Version; 3] = [Version::V1_2, Version::V1_4, Version::V2_1];

/// A fresh ECDSA P-256 key pair (rcgen on ring), its SubjectPublicKeyInfo DER.
pub fn ec_key() -> (KeyPair, Vec<u8>) {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let spki = key.subject_public_key_info();
    (key, spki)
}

/// A PKCS#10 request (DER) for `key` with subject `CN=<cn>` and a DNS SAN.
pub fn csr(key: &KeyPair, cn: &str, dns: &str) -> Vec<u8> {
    let mut params = CertificateParams::new(vec![dns.to_owned()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, cn);
    params.serialize_request(key).unwrap().der().to_vec()
}

/// A Certificate Request Type and Certificate Request (1.x) / Value (2.x).
pub fn request_fields(version: Version, kind: CertificateRequestType, bytes: &[u8]) -> Vec<Item> {
    let value_tag = if version.is_2x() {
        tags::CERTIFICATE_REQUEST_VALUE
    } else {
        tags::CERTIFICATE_REQUEST
    };
    vec![
        Item::new(tags::CERTIFICATE_REQUEST_TYPE, Value::Enumeration(kind.0)),
        Item::new(value_tag, Value::ByteString(bytes.to_vec())),
    ]
}

/// A DER Name holding one CommonName (UTF8String), for short names.
pub fn der_common_name(cn: &str) -> Vec<u8> {
    let value = cn.as_bytes();
    let attribute_value = [&[0x0C, value.len() as u8][..], value].concat();
    let oid = [0x06, 0x03, 0x55, 0x04, 0x03];
    let type_and_value = [
        &[0x30, (oid.len() + attribute_value.len()) as u8][..],
        &oid,
        &attribute_value,
    ]
    .concat();
    let set = [&[0x31, type_and_value.len() as u8][..], &type_and_value].concat();
    [&[0x30, set.len() as u8][..], &set].concat()
}

/// A Name attribute item.
pub fn name(text: &str) -> Item {
    crate::common::kmip_client::name_value(text)
}

/// The Register payload of `spki` as a Public Key (Key Format Type X.509).
pub fn public_key_payload(version: Version, spki: &[u8]) -> Vec<Item> {
    let algorithm = if version == Version::V1_0 {
        CryptographicAlgorithm::ECDSA
    } else {
        CryptographicAlgorithm::EC
    };
    let key = Item::structure(
        tags::PUBLIC_KEY,
        vec![Item::structure(
            tags::KEY_BLOCK,
            vec![
                Item::new(
                    tags::KEY_FORMAT_TYPE,
                    Value::Enumeration(KeyFormatType::X_509.0),
                ),
                Item::structure(
                    tags::KEY_VALUE,
                    vec![Item::new(
                        tags::KEY_MATERIAL,
                        Value::ByteString(spki.to_vec()),
                    )],
                ),
                Item::new(
                    tags::CRYPTOGRAPHIC_ALGORITHM,
                    Value::Enumeration(algorithm.0),
                ),
                Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(256)),
            ],
        )],
    );
    vec![
        Item::new(
            tags::OBJECT_TYPE,
            Value::Enumeration(ObjectType::PUBLIC_KEY.0),
        ),
        attributes(
            version,
            vec![(
                "Cryptographic Usage Mask",
                Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(0x2)),
            )],
        ),
        key,
    ]
}

/// Registers `spki` as a Public Key (Key Format Type X.509) and returns its uid.
pub async fn register_public_key(client: &mut Client, version: Version, spki: &[u8]) -> String {
    let payload = public_key_payload(version, spki);
    uid_of(&ok(client, version, Operation::REGISTER, payload).await)
}

/// Registers a Certificate object holding `der` and returns its uid.
pub async fn register_certificate(client: &mut Client, version: Version, der: &[u8]) -> String {
    let payload = ok(
        client,
        version,
        Operation::REGISTER,
        vec![
            Item::new(
                tags::OBJECT_TYPE,
                Value::Enumeration(ObjectType::CERTIFICATE.0),
            ),
            attributes(version, vec![]),
            certificate_structure(der),
        ],
    )
    .await;
    uid_of(&payload)
}

/// A Certificate structure (X.509).
pub fn certificate_structure(der: &[u8]) -> Item {
    Item::structure(
        tags::CERTIFICATE,
        vec![
            Item::new(
                tags::CERTIFICATE_TYPE,
                Value::Enumeration(CertificateType::X_509.0),
            ),
            Item::new(tags::CERTIFICATE_VALUE, Value::ByteString(der.to_vec())),
        ],
    )
}

/// Runs Certify and returns the new certificate's uid.
pub async fn certify(client: &mut Client, version: Version, payload: Vec<Item>) -> String {
    uid_of(&ok(client, version, Operation::CERTIFY, payload).await)
}

/// The X.509 value of a Certificate object, via Get.
pub async fn certificate_der(client: &mut Client, version: Version, uid: &str) -> Vec<u8> {
    let payload = ok(client, version, Operation::GET, vec![uid_field(uid)]).await;
    assert_eq!(
        field(&payload, tags::OBJECT_TYPE),
        &Value::Enumeration(ObjectType::CERTIFICATE.0)
    );
    let certificate = payload.child(tags::CERTIFICATE).expect("a Certificate");
    assert_eq!(
        certificate.child(tags::CERTIFICATE_TYPE).map(|t| &t.value),
        Some(&Value::Enumeration(CertificateType::X_509.0))
    );
    bytes_of(certificate, tags::CERTIFICATE_VALUE)
}

/// Every attribute instance with `tag`, via Get Attributes, in either form.
pub async fn all_instances(
    client: &mut Client,
    version: Version,
    uid: &str,
    attribute_name: &str,
    tag: kmip_conform::ttlv::Tag,
) -> Vec<Value> {
    let payload = ok(
        client,
        version,
        Operation::GET_ATTRIBUTES,
        vec![uid_field(uid)],
    )
    .await;
    if version.is_2x() {
        return payload
            .child(tags::ATTRIBUTES)
            .map(|a| a.children_with(tag).map(|i| i.value.clone()).collect())
            .unwrap_or_default();
    }
    payload
        .children_with(tags::ATTRIBUTE)
        .filter(|a| {
            a.child(tags::ATTRIBUTE_NAME).map(|n| &n.value)
                == Some(&Value::TextString(attribute_name.into()))
        })
        .filter_map(|a| a.child(tags::ATTRIBUTE_VALUE).map(|v| v.value.clone()))
        .collect()
}

/// An object's Links as (Link Type, Linked Object Identifier).
pub async fn links(client: &mut Client, version: Version, uid: &str) -> Vec<(LinkType, String)> {
    all_instances(client, version, uid, "Link", tags::LINK)
        .await
        .into_iter()
        .filter_map(|value| {
            let Value::Structure(fields) = value else {
                return None;
            };
            let kind = fields.iter().find(|f| f.tag == tags::LINK_TYPE)?;
            let target = fields
                .iter()
                .find(|f| f.tag == tags::LINKED_OBJECT_IDENTIFIER)?;
            match (&kind.value, &target.value) {
                (Value::Enumeration(k), Value::TextString(t)) => Some((LinkType(*k), t.clone())),
                _ => None,
            }
        })
        .collect()
}

/// The targets of an object's Links of one type.
pub async fn linked(
    client: &mut Client,
    version: Version,
    uid: &str,
    link_type: LinkType,
) -> Vec<String> {
    links(client, version, uid)
        .await
        .into_iter()
        .filter(|(k, _)| *k == link_type)
        .map(|(_, t)| t)
        .collect()
}

/// The CA certificate behind an issued certificate's Certificate Link.
pub async fn issuing_ca(client: &mut Client, version: Version, certificate_uid: &str) -> Vec<u8> {
    let parents = linked(client, version, certificate_uid, LinkType::CERTIFICATE_LINK).await;
    assert_eq!(
        parents.len(),
        1,
        "one Certificate Link to the CA: {parents:?}"
    );
    certificate_der(client, version, &parents[0]).await
}

pub fn parse(der: &[u8]) -> X509Certificate<'_> {
    let (rest, certificate) = X509Certificate::from_der(der).expect("X.509 certificate");
    assert!(rest.is_empty());
    certificate
}

/// The subject's CommonName.
pub fn common_name(certificate: &X509Certificate<'_>) -> String {
    certificate
        .subject()
        .iter_common_name()
        .next()
        .and_then(|cn| cn.as_str().ok())
        .expect("a CommonName")
        .to_owned()
}

/// Checks an issued certificate independently: its key is `spki`, and its
/// signature verifies with the CA certificate, itself a self-signed CA.
pub fn assert_issued_by(der: &[u8], ca_der: &[u8], spki: &[u8]) {
    let certificate = parse(der);
    let ca = parse(ca_der);
    assert_eq!(certificate.public_key().raw, spki, "SubjectPublicKeyInfo");
    assert_eq!(certificate.issuer().as_raw(), ca.subject().as_raw());
    certificate
        .verify_signature(Some(ca.public_key()))
        .expect("signed by the CA");
    ca.verify_signature(None).expect("the CA is self-signed");
    assert!(ca.basic_constraints().unwrap().unwrap().value.ca);
    let validity = certificate.validity();
    assert!(validity.is_valid(), "valid now: {validity:?}");
}

/// A failure's reason, also checked against the version's error table.
pub async fn fails_with(
    client: &mut Client,
    version: Version,
    operation: Operation,
    payload: Vec<Item>,
    expected: ResultReason,
) {
    let reason = fails(client, version, operation, payload).await;
    assert_eq!(reason, expected, "{operation:?} on {version}");
    let allowed = allowed_reasons(operation, version).unwrap_or_default();
    assert!(
        allowed.contains(&reason),
        "{reason:?} is not in the {version} error table of {operation:?}: {allowed:?}"
    );
}

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
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
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
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    for version in VERSIONS {
        let (key_pair, spki) = ec_key();
        let key = register_public_key(&mut client, version, &spki).await;
        let request = csr(&key_pair, "from-the-csr", "device.example");
        let mut payload = vec![uid_field(&key)];
        payload.extend(request_fields(
            version,
            CertificateRequestType::PKCS_10,
            &request,
        ));
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
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
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
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
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
    let server = start(|_| {}).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    for version in VERSIONS {
        let v2 = version.is_2x();
        // No such object: the tables say Item Not Found in 1.2 and 2.1 alike.
        fails_with(
            &mut client,
            version,
            Operation::CERTIFY,
            vec![uid_field("no-such-key")],
            ResultReason::ITEM_NOT_FOUND,
        )
        .await;
        // Not a Public Key.
        let symmetric = create_aes(&mut client, version, 128).await;
        fails_with(
            &mut client,
            version,
            Operation::CERTIFY,
            vec![uid_field(&symmetric)],
            if v2 {
                ResultReason::INVALID_OBJECT_TYPE
            } else {
                ResultReason::PERMISSION_DENIED
            },
        )
        .await;
        let bad_csr = if v2 {
            ResultReason::INVALID_CSR
        } else {
            ResultReason::INVALID_FIELD
        };
        // Garbage instead of a PKCS#10 request.
        fails_with(
            &mut client,
            version,
            Operation::CERTIFY,
            request_fields(version, CertificateRequestType::PKCS_10, b"not a request"),
            bad_csr,
        )
        .await;
        // A request whose signature does not verify.
        let (key_pair, spki) = ec_key();
        let mut tampered = csr(&key_pair, "tampered", "tampered.example");
        let last = tampered.len() - 3;
        tampered[last] ^= 0x55;
        fails_with(
            &mut client,
            version,
            Operation::CERTIFY,
            request_fields(version, CertificateRequestType::PKCS_10, &tampered),
            bad_csr,
        )
        .await;
        // A request for another key than the Public Key named.
        let key = register_public_key(&mut client, version, &spki).await;
        let (other_pair, _) = ec_key();
        let mut payload = vec![uid_field(&key)];
        payload.extend(request_fields(
            version,
            CertificateRequestType::PKCS_10,
            &csr(&other_pair, "other", "other.example"),
        ));
        fails_with(&mut client, version, Operation::CERTIFY, payload, bad_csr).await;
        // CRMF is not supported.
        let mut payload = vec![uid_field(&key)];
        payload.extend(request_fields(
            version,
            CertificateRequestType::CRMF,
            b"crmf",
        ));
        fails_with(
            &mut client,
            version,
            Operation::CERTIFY,
            payload,
            ResultReason::FEATURE_NOT_SUPPORTED,
        )
        .await;
        // A Certificate Request without its type.
        let value_only = request_fields(
            version,
            CertificateRequestType::PKCS_10,
            &csr(&key_pair, "x", "x.example"),
        )
        .pop()
        .unwrap();
        fails_with(
            &mut client,
            version,
            Operation::CERTIFY,
            vec![uid_field(&key), value_only],
            ResultReason::INVALID_MESSAGE,
        )
        .await;
        // Nothing failed half-way: the key has no certificate yet.
        assert!(
            linked(&mut client, version, &key, LinkType::CERTIFICATE_LINK)
                .await
                .is_empty()
        );
    }
}
