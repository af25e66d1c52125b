//! Helpers the asymmetric-key test files share: key pair requests in the
//! 1.x and 2.x forms, Get of key blocks, links.

use super::super::support::*;
use kmip_conform::kmip::{
    tags, CryptographicAlgorithm, KeyFormatType, Operation, RecommendedCurve, Version,
};
use kmip_conform::ttlv::{Item, Tag, Value};

pub const SIGN: i32 = 0x1;
pub const VERIFY: i32 = 0x2;
pub const ENCRYPT: i32 = 0x4;
pub const DECRYPT: i32 = 0x8;

/// One attribute: (1.x Attribute Name, tagged item).
pub type Field = (&'static str, Item);

pub fn algorithm(a: CryptographicAlgorithm) -> Field {
    (
        "Cryptographic Algorithm",
        Item::new(tags::CRYPTOGRAPHIC_ALGORITHM, Value::Enumeration(a.0)),
    )
}

pub fn length(bits: i32) -> Field {
    (
        "Cryptographic Length",
        Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(bits)),
    )
}

pub fn mask(bits: i32) -> Field {
    (
        "Cryptographic Usage Mask",
        Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(bits)),
    )
}

pub fn name(text: &str) -> Field {
    ("Name", super::super::common::kmip_client::name_value(text))
}

pub fn curve(c: RecommendedCurve) -> Field {
    (
        "Cryptographic Domain Parameters",
        Item::structure(
            tags::CRYPTOGRAPHIC_DOMAIN_PARAMETERS,
            vec![Item::new(tags::RECOMMENDED_CURVE, Value::Enumeration(c.0))],
        ),
    )
}

/// Common attributes of a 2048-bit RSA pair.
pub fn rsa_2048() -> Vec<Field> {
    vec![algorithm(CryptographicAlgorithm::RSA), length(2048)]
}

/// Common attributes of an ECDSA P-256 pair (by length).
pub fn ecdsa_p256() -> Vec<Field> {
    vec![algorithm(CryptographicAlgorithm::ECDSA), length(256)]
}

/// Cryptographic Parameters with the given (tag, enumeration) fields.
pub fn crypto_parameters(fields: &[(Tag, u32)]) -> Item {
    Item::structure(
        tags::CRYPTOGRAPHIC_PARAMETERS,
        fields
            .iter()
            .map(|(t, v)| Item::new(*t, Value::Enumeration(*v)))
            .collect(),
    )
}

/// A Create Key Pair / Re-key Key Pair payload: Common, Private Key and
/// Public Key sections in the version's form (empty sections are left out).
pub fn pair_payload(
    version: Version,
    common: Vec<Field>,
    private: Vec<Field>,
    public: Vec<Field>,
) -> Vec<Item> {
    let sections = if version.is_2x() {
        [
            tags::COMMON_ATTRIBUTES,
            tags::PRIVATE_KEY_ATTRIBUTES,
            tags::PUBLIC_KEY_ATTRIBUTES,
        ]
    } else {
        [
            tags::COMMON_TEMPLATE_ATTRIBUTE,
            tags::PRIVATE_KEY_TEMPLATE_ATTRIBUTE,
            tags::PUBLIC_KEY_TEMPLATE_ATTRIBUTE,
        ]
    };
    sections
        .into_iter()
        .zip([common, private, public])
        .filter(|(_, fields)| !fields.is_empty())
        .map(|(tag, fields)| Item::new(tag, attributes(version, fields).value))
        .collect()
}

pub fn text(payload: &Item, tag: Tag) -> String {
    match field(payload, tag) {
        Value::TextString(t) => t.clone(),
        other => panic!("{tag:?} is {other:?}"),
    }
}

/// Creates a pair and returns (private uid, public uid).
pub async fn create_pair(
    client: &mut Client,
    version: Version,
    common: Vec<Field>,
    private: Vec<Field>,
    public: Vec<Field>,
) -> (String, String) {
    let payload = ok(
        client,
        version,
        Operation::CREATE_KEY_PAIR,
        pair_payload(version, common, private, public),
    )
    .await;
    (
        text(&payload, tags::PRIVATE_KEY_UNIQUE_IDENTIFIER),
        text(&payload, tags::PUBLIC_KEY_UNIQUE_IDENTIFIER),
    )
}

/// A Pre-Active pair described by `common`, Sign mask on the private key
/// and Verify on the public key; returns (private uid, public uid).
pub async fn sign_verify_pair(
    client: &mut Client,
    version: Version,
    common: Vec<Field>,
) -> (String, String) {
    create_pair(
        client,
        version,
        common,
        vec![mask(SIGN)],
        vec![mask(VERIFY)],
    )
    .await
}

/// An active Sign/Verify pair described by `common`.
pub async fn signing_pair(
    client: &mut Client,
    version: Version,
    common: Vec<Field>,
) -> (String, String) {
    let (private, public) = sign_verify_pair(client, version, common).await;
    activate(client, version, &private).await;
    activate(client, version, &public).await;
    (private, public)
}

/// The Key Block of an object, via Get (optionally in another Key Format Type).
pub async fn key_block(
    client: &mut Client,
    version: Version,
    uid: &str,
    format: Option<KeyFormatType>,
) -> Item {
    let mut fields = vec![uid_field(uid)];
    if let Some(format) = format {
        fields.push(Item::new(
            tags::KEY_FORMAT_TYPE,
            Value::Enumeration(format.0),
        ));
    }
    let payload = ok(client, version, Operation::GET, fields).await;
    let object = payload
        .children()
        .iter()
        .find(|c| c.tag == tags::PRIVATE_KEY || c.tag == tags::PUBLIC_KEY)
        .expect("a key object in the Get response");
    object.child(tags::KEY_BLOCK).expect("Key Block").clone()
}

/// The Key Material item of a Key Block (bytes or a transparent structure).
pub fn key_material(block: &Item) -> &Item {
    block
        .child(tags::KEY_VALUE)
        .and_then(|v| v.child(tags::KEY_MATERIAL))
        .expect("Key Material")
}

/// The Key Material bytes of a Key Block.
pub fn material(block: &Item) -> Vec<u8> {
    match &key_material(block).value {
        Value::ByteString(b) => b.clone(),
        other => panic!("Key Material is {other:?}"),
    }
}

pub fn format_of(block: &Item) -> KeyFormatType {
    match field(block, tags::KEY_FORMAT_TYPE) {
        Value::Enumeration(f) => KeyFormatType(*f),
        other => panic!("Key Format Type is {other:?}"),
    }
}

/// The key bytes of a SubjectPublicKeyInfo (EC point, Ed25519 key, RSAPublicKey).
pub fn spki_key(spki: &[u8]) -> Vec<u8> {
    use x509_parser::prelude::FromDer;
    let (_, info) = x509_parser::x509::SubjectPublicKeyInfo::from_der(spki).expect("SPKI parses");
    info.subject_public_key.data.to_vec()
}

/// Every Link of an object as (Link Type, Linked Object Identifier).
pub async fn links(client: &mut Client, version: Version, uid: &str) -> Vec<(u32, String)> {
    let payload = ok(
        client,
        version,
        Operation::GET_ATTRIBUTES,
        vec![uid_field(uid)],
    )
    .await;
    let values: Vec<&Item> = if version.is_2x() {
        payload
            .child(tags::ATTRIBUTES)
            .map(|a| a.children_with(tags::LINK).collect())
            .unwrap_or_default()
    } else {
        payload
            .children_with(tags::ATTRIBUTE)
            .filter(|a| {
                a.child(tags::ATTRIBUTE_NAME).map(|n| &n.value)
                    == Some(&Value::TextString("Link".into()))
            })
            .filter_map(|a| a.child(tags::ATTRIBUTE_VALUE))
            .collect()
    };
    values
        .into_iter()
        .map(|link| {
            let kind = match field(link, tags::LINK_TYPE) {
                Value::Enumeration(k) => *k,
                other => panic!("Link Type {other:?}"),
            };
            (kind, text(link, tags::LINKED_OBJECT_IDENTIFIER))
        })
        .collect()
}

pub fn sha256(bytes: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .to_vec()
}
