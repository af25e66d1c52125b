//! Derive Key (KMIP 1.2 §4.6, 2.1 §6.1.14): PBKDF2, HASH, HMAC and ENCRYPT
//! derivations checked against implementations in the tests, the Derived Key
//! and Derivation Base Object links, and the errors of KMIP 1.2 §11.7.

use super::encrypt::{
    bytes, connect, reference_aes_encrypt, register_key, DERIVE_KEY, ENCRYPT, VERSIONS,
};
use super::mac::reference_hmac;
use super::support::*;
use kmip_conform::kmip::{
    tags, BlockCipherMode, CryptographicAlgorithm, DerivationMethod, HashingAlgorithm, LinkType,
    ObjectType, Operation, ResultReason, Version,
};
use kmip_conform::ttlv::{Item, Value};
use sha2::Digest;

const BASE_KEY: [u8; 16] = [0x0F; 16];

fn hashing(algorithm: HashingAlgorithm) -> Item {
    Item::structure(
        tags::CRYPTOGRAPHIC_PARAMETERS,
        vec![Item::new(
            tags::HASHING_ALGORITHM,
            Value::Enumeration(algorithm.0),
        )],
    )
}

/// Attributes of an AES key of `bits` (Encrypt mask).
fn aes_key(bits: i32) -> Vec<(&'static str, Item)> {
    vec![
        (
            "Cryptographic Algorithm",
            Item::new(
                tags::CRYPTOGRAPHIC_ALGORITHM,
                Value::Enumeration(CryptographicAlgorithm::AES.0),
            ),
        ),
        (
            "Cryptographic Length",
            Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(bits)),
        ),
        (
            "Cryptographic Usage Mask",
            Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(ENCRYPT)),
        ),
    ]
}

fn derive_request(
    version: Version,
    object_type: ObjectType,
    bases: &[&str],
    method: DerivationMethod,
    derivation: Vec<Item>,
    new_attributes: Vec<(&str, Item)>,
) -> Vec<Item> {
    let mut payload = vec![Item::new(
        tags::OBJECT_TYPE,
        Value::Enumeration(object_type.0),
    )];
    payload.extend(bases.iter().map(|uid| uid_field(uid)));
    payload.push(Item::new(
        tags::DERIVATION_METHOD,
        Value::Enumeration(method.0),
    ));
    payload.push(Item::structure(tags::DERIVATION_PARAMETERS, derivation));
    payload.push(attributes(version, new_attributes));
    payload
}

/// The key material of a Symmetric Key or Secret Data object, via Get.
async fn material(client: &mut Client, version: Version, uid: &str) -> Vec<u8> {
    let payload = ok(client, version, Operation::GET, vec![uid_field(uid)]).await;
    let object = payload
        .child(tags::SYMMETRIC_KEY)
        .or_else(|| payload.child(tags::SECRET_DATA))
        .expect("a key object");
    match &object
        .child(tags::KEY_BLOCK)
        .and_then(|b| b.child(tags::KEY_VALUE))
        .and_then(|v| v.child(tags::KEY_MATERIAL))
        .expect("key material")
        .value
    {
        Value::ByteString(b) => b.clone(),
        other => panic!("key material {other:?}"),
    }
}

/// Registers and activates a Secret Data (password) object with the Derive Key mask.
async fn register_password(client: &mut Client, version: Version, password: &[u8]) -> String {
    let secret = Item::structure(
        tags::SECRET_DATA,
        vec![
            Item::new(tags::SECRET_DATA_TYPE, Value::Enumeration(1)),
            Item::structure(
                tags::KEY_BLOCK,
                vec![
                    Item::new(tags::KEY_FORMAT_TYPE, Value::Enumeration(2)),
                    Item::structure(tags::KEY_VALUE, vec![bytes(tags::KEY_MATERIAL, password)]),
                ],
            ),
        ],
    );
    let mask = (
        "Cryptographic Usage Mask",
        Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(DERIVE_KEY)),
    );
    let payload = ok(
        client,
        version,
        Operation::REGISTER,
        vec![
            Item::new(
                tags::OBJECT_TYPE,
                Value::Enumeration(ObjectType::SECRET_DATA.0),
            ),
            attributes(version, vec![mask]),
            secret,
        ],
    )
    .await;
    let uid = uid_of(&payload);
    activate(client, version, &uid).await;
    uid
}

/// PBKDF2 (RFC 2898 §5.2) with HMAC-SHA256, written on the reference HMAC.
fn reference_pbkdf2_sha256(
    password: &[u8],
    salt: &[u8],
    iterations: u32,
    length: usize,
) -> Vec<u8> {
    let mut out = Vec::new();
    let mut block = 1u32;
    while out.len() < length {
        let mut first = salt.to_vec();
        first.extend(block.to_be_bytes());
        let mut u = reference_hmac(CryptographicAlgorithm::HMAC_SHA256, password, &first);
        let mut t = u.clone();
        for _ in 1..iterations {
            u = reference_hmac(CryptographicAlgorithm::HMAC_SHA256, password, &u);
            t.iter_mut().zip(&u).for_each(|(a, b)| *a ^= b);
        }
        out.extend(t);
        block += 1;
    }
    out.truncate(length);
    out
}

fn pbkdf2_parameters(salt: &[u8], iterations: i32) -> Vec<Item> {
    vec![
        hashing(HashingAlgorithm::SHA_256),
        bytes(tags::SALT, salt),
        Item::new(tags::ITERATION_COUNT, Value::Integer(iterations)),
    ]
}

#[tokio::test]
async fn pbkdf2_from_derivation_data_or_a_secret_data_password() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        // Password in the request; the base key only authorises (Derive Key bit).
        let base = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::AES,
            &BASE_KEY,
            DERIVE_KEY,
            vec![],
        )
        .await;
        let mut derivation = pbkdf2_parameters(b"salty", 1000);
        derivation.push(bytes(tags::DERIVATION_DATA, b"correct horse"));
        let payload = ok(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SYMMETRIC_KEY,
                &[&base],
                DerivationMethod::PBKDF2,
                derivation,
                aes_key(256),
            ),
        )
        .await;
        let derived = uid_of(&payload);
        assert_eq!(
            material(&mut client, version, &derived).await,
            reference_pbkdf2_sha256(b"correct horse", b"salty", 1000, 32),
            "{version}"
        );
        // Password held as Secret Data; the result is 48 bytes of Secret Data.
        let password = register_password(&mut client, version, b"battery staple").await;
        let length = (
            "Cryptographic Length",
            Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(384)),
        );
        let payload = ok(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SECRET_DATA,
                &[&password],
                DerivationMethod::PBKDF2,
                pbkdf2_parameters(b"NaCl", 3),
                vec![length],
            ),
        )
        .await;
        let secret = uid_of(&payload);
        assert_eq!(
            material(&mut client, version, &secret).await,
            reference_pbkdf2_sha256(b"battery staple", b"NaCl", 3, 48),
            "{version} secret data"
        );
    }
}

#[tokio::test]
async fn hash_hmac_and_encrypt_derivations() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        // HASH of the key itself (as in the OASIS TC-DERIVEKEY-1 transcript).
        let base = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::AES,
            &BASE_KEY,
            DERIVE_KEY,
            vec![],
        )
        .await;
        let hashed = ok(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SYMMETRIC_KEY,
                &[&base],
                DerivationMethod::HASH,
                vec![hashing(HashingAlgorithm::SHA_256)],
                aes_key(128),
            ),
        )
        .await;
        assert_eq!(
            material(&mut client, version, &uid_of(&hashed)).await,
            sha2::Sha256::digest(BASE_KEY)[..16].to_vec(),
            "{version} HASH"
        );
        // HMAC keyed by an HMAC-SHA256 key over the Derivation Data.
        let hmac_key = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::HMAC_SHA256,
            b"derivation hmac key",
            DERIVE_KEY,
            vec![],
        )
        .await;
        let hmaced = ok(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SYMMETRIC_KEY,
                &[&hmac_key],
                DerivationMethod::HMAC,
                vec![bytes(tags::DERIVATION_DATA, b"context")],
                aes_key(256),
            ),
        )
        .await;
        assert_eq!(
            material(&mut client, version, &uid_of(&hmaced)).await,
            reference_hmac(
                CryptographicAlgorithm::HMAC_SHA256,
                b"derivation hmac key",
                b"context"
            ),
            "{version} HMAC"
        );
        // ENCRYPT: the Derivation Data under the base key, AES-ECB.
        let data = [0x77u8; 32];
        let encrypted = ok(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SYMMETRIC_KEY,
                &[&base],
                DerivationMethod::ENCRYPT,
                vec![
                    Item::structure(
                        tags::CRYPTOGRAPHIC_PARAMETERS,
                        vec![Item::new(
                            tags::BLOCK_CIPHER_MODE,
                            Value::Enumeration(BlockCipherMode::ECB.0),
                        )],
                    ),
                    bytes(tags::DERIVATION_DATA, &data),
                ],
                aes_key(256),
            ),
        )
        .await;
        assert_eq!(
            material(&mut client, version, &uid_of(&encrypted)).await,
            reference_aes_encrypt(&BASE_KEY, &[], &data, false),
            "{version} ENCRYPT"
        );
    }
}

/// The Link of `link_type` on an object, via Get Attributes (either form).
async fn linked(
    client: &mut Client,
    version: Version,
    uid: &str,
    link_type: LinkType,
) -> Vec<String> {
    let payload = ok(
        client,
        version,
        Operation::GET_ATTRIBUTES,
        vec![uid_field(uid)],
    )
    .await;
    let links: Vec<Item> = if version.is_2x() {
        payload
            .child(tags::ATTRIBUTES)
            .map(|a| a.children_with(tags::LINK).cloned().collect())
            .unwrap_or_default()
    } else {
        payload
            .children_with(tags::ATTRIBUTE)
            .filter(|a| {
                a.child(tags::ATTRIBUTE_NAME).map(|n| &n.value)
                    == Some(&Value::TextString("Link".into()))
            })
            .filter_map(|a| a.child(tags::ATTRIBUTE_VALUE).cloned())
            .collect()
    };
    links
        .iter()
        .filter(|l| {
            l.child(tags::LINK_TYPE).map(|t| &t.value) == Some(&Value::Enumeration(link_type.0))
        })
        .filter_map(
            |l| match l.child(tags::LINKED_OBJECT_IDENTIFIER).map(|i| &i.value) {
                Some(Value::TextString(s)) => Some(s.clone()),
                _ => None,
            },
        )
        .collect()
}

#[tokio::test]
async fn derived_and_base_objects_link_to_each_other() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let base = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::AES,
            &BASE_KEY,
            DERIVE_KEY,
            vec![],
        )
        .await;
        let payload = ok(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SYMMETRIC_KEY,
                &[&base],
                DerivationMethod::HASH,
                vec![hashing(HashingAlgorithm::SHA_256)],
                aes_key(128),
            ),
        )
        .await;
        let derived = uid_of(&payload);
        assert_eq!(
            linked(
                &mut client,
                version,
                &derived,
                LinkType::DERIVATION_BASE_OBJECT_LINK
            )
            .await,
            vec![base.clone()],
            "{version}"
        );
        assert_eq!(
            linked(&mut client, version, &base, LinkType::DERIVED_KEY_LINK).await,
            vec![derived.clone()],
            "{version}"
        );
        // The new key carries the client's attributes and starts Pre-Active.
        let mask = attribute(
            &mut client,
            version,
            &derived,
            "Cryptographic Usage Mask",
            tags::CRYPTOGRAPHIC_USAGE_MASK,
        )
        .await;
        assert_eq!(mask, Some(Value::Integer(ENCRYPT)));
        let state = attribute(&mut client, version, &derived, "State", tags::STATE).await;
        assert_eq!(state, Some(Value::Enumeration(1)), "{version} Pre-Active");
    }
}

#[tokio::test]
async fn derive_key_errors_follow_the_version() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let v2 = version.is_2x();
        let sha256 = || vec![hashing(HashingAlgorithm::SHA_256)];
        // A base object without the Derive Key bit.
        let no_bit = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::AES,
            &BASE_KEY,
            ENCRYPT,
            vec![],
        )
        .await;
        let reason = fails(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SYMMETRIC_KEY,
                &[&no_bit],
                DerivationMethod::HASH,
                sha256(),
                aes_key(128),
            ),
        )
        .await;
        let mask = if v2 {
            ResultReason::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK
        } else {
            ResultReason::INVALID_FIELD
        };
        assert_eq!(reason, mask, "{version} mask");
        let base = register_key(
            &mut client,
            version,
            CryptographicAlgorithm::AES,
            &BASE_KEY,
            DERIVE_KEY,
            vec![],
        )
        .await;
        // More than SHA-256 can give.
        let long_secret = vec![(
            "Cryptographic Length",
            Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(512)),
        )];
        let reason = fails(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SECRET_DATA,
                &[&base],
                DerivationMethod::HASH,
                sha256(),
                long_secret,
            ),
        )
        .await;
        assert_eq!(
            reason,
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            "{version} too long"
        );
        // Derivation Data twice: in the request and as Secret Data.
        let password = register_password(&mut client, version, b"pw").await;
        let mut both = pbkdf2_parameters(b"salt", 2);
        both.push(bytes(tags::DERIVATION_DATA, b"pw"));
        let reason = fails(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SYMMETRIC_KEY,
                &[&base, &password],
                DerivationMethod::PBKDF2,
                both,
                aes_key(128),
            ),
        )
        .await;
        assert_eq!(
            reason,
            ResultReason::INVALID_MESSAGE,
            "{version} ambiguous data"
        );
        // An SP 800-108 method is not implemented.
        let reason = fails(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SYMMETRIC_KEY,
                &[&base],
                DerivationMethod(5),
                sha256(),
                aes_key(128),
            ),
        )
        .await;
        assert_eq!(reason, ResultReason::INVALID_FIELD, "{version} method");
        // No Cryptographic Length.
        let reason = fails(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SYMMETRIC_KEY,
                &[&base],
                DerivationMethod::HASH,
                sha256(),
                aes_key(128)
                    .into_iter()
                    .filter(|(n, _)| *n != "Cryptographic Length")
                    .collect(),
            ),
        )
        .await;
        let missing = if v2 {
            ResultReason::INVALID_ATTRIBUTE
        } else {
            ResultReason::INVALID_FIELD
        };
        assert_eq!(reason, missing, "{version} no length");
        // Unknown base object.
        let reason = fails(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::SYMMETRIC_KEY,
                &["no-such-base"],
                DerivationMethod::HASH,
                sha256(),
                aes_key(128),
            ),
        )
        .await;
        let not_found = if v2 {
            ResultReason::OBJECT_NOT_FOUND
        } else {
            ResultReason::ITEM_NOT_FOUND
        };
        assert_eq!(reason, not_found, "{version} unknown");
        // Deriving a Certificate is not possible.
        let reason = fails(
            &mut client,
            version,
            Operation::DERIVE_KEY,
            derive_request(
                version,
                ObjectType::CERTIFICATE,
                &[&base],
                DerivationMethod::HASH,
                sha256(),
                aes_key(128),
            ),
        )
        .await;
        let wrong_type = if v2 {
            ResultReason::INVALID_OBJECT_TYPE
        } else {
            ResultReason::INVALID_FIELD
        };
        assert_eq!(reason, wrong_type, "{version} object type");
    }
}
