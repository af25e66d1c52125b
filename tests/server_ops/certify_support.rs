//! Helpers for the Certify, Re-certify and Validate tests: keys and PKCS#10
//! requests made with rcgen, Register / Certify / Get wrappers, Links, and
//! independent checks of issued certificates with x509-parser.

use super::super::support::*;
use kmip_conform::kmip::errors::allowed_reasons;
use kmip_conform::kmip::{
    tags, CertificateRequestType, CertificateType, CryptographicAlgorithm, KeyFormatType, LinkType,
    ObjectType, Operation, ResultReason, Version,
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

/// A request payload naming `uid` and carrying a Certificate Request.
pub fn uid_and_request(
    uid: &str,
    version: Version,
    kind: CertificateRequestType,
    bytes: &[u8],
) -> Vec<Item> {
    let mut payload = vec![uid_field(uid)];
    payload.extend(request_fields(version, kind, bytes));
    payload
}

/// Asserts the operation fails with `expected`, a reason the version's
/// error table allows for it.
pub async fn fails_with(
    client: &mut Client,
    version: Version,
    operation: Operation,
    payload: Vec<Item>,
    expected: ResultReason,
) {
    let case = ("", payload, expected);
    fails_with_each(client, version, operation, vec![case]).await;
}

/// [`fails_with`] for each (label, payload, expected reason) case.
pub async fn fails_with_each(
    client: &mut Client,
    version: Version,
    operation: Operation,
    cases: Vec<FailureCase>,
) {
    for (label, payload, expected) in cases {
        let reason = fails(client, version, operation, payload).await;
        assert_eq!(reason, expected, "{operation:?} on {version} {label}");
        let allowed = allowed_reasons(operation, version).unwrap_or_default();
        assert!(
            allowed.contains(&reason),
            "{reason:?} is not in the {version} error table of {operation:?}: {allowed:?}"
        );
    }
}
