//! Derive Key (KMIP 1.2 §4.6, 2.1 §6.1.14): PBKDF2, HASH, HMAC and ENCRYPT
//! derivations checked against implementations in the tests, the Derived Key
//! and Derivation Base Object links, and the errors of KMIP 1.2 §11.7.

use super::certify::linked;
use super::encrypt::{bytes, reference_aes_encrypt, register_key, DERIVE_KEY, ENCRYPT, VERSIONS};
use super::mac::reference_hmac;
use super::support::*;
use kmip_conform::kmip::{
    tags, BlockCipherMode, CryptographicAlgorithm, DerivationMethod, HashingAlgorithm, LinkType,
    ObjectType, Operation, ResultReason, Version,
};
use kmip_conform::ttlv::{Item, Tag, Value};
use sha2::Digest;

const BASE_KEY: [u8; 16] = [0x0F; 16];

/// The objects Derive Key makes.
const KEY_OBJECTS: [Tag; 2] = [tags::SYMMETRIC_KEY, tags::SECRET_DATA];

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
        length(bits),
        (
            "Cryptographic Usage Mask",
            Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(ENCRYPT)),
        ),
    ]
}

/// A Cryptographic Length attribute of `bits`.
fn length(bits: i32) -> (&'static str, Item) {
    (
        "Cryptographic Length",
        Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(bits)),
    )
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

/// Registers and activates the AES base key with a usage mask.
async fn register_base(client: &mut Client, version: Version, mask: i32) -> String {
    register_key(
        client,
        version,
        CryptographicAlgorithm::AES,
        &BASE_KEY,
        mask,
        vec![],
    )
    .await
}

/// Runs a Derive Key request, asserts Success and returns the new object's identifier.
async fn derive(client: &mut Client, version: Version, request: Vec<Item>) -> String {
    uid_of(&ok(client, version, Operation::DERIVE_KEY, request).await)
}

/// A 128-bit AES key derived from `bases` by HASH with SHA-256.
fn hash_sha256_request(version: Version, object_type: ObjectType, bases: &[&str]) -> Vec<Item> {
    derive_request(
        version,
        object_type,
        bases,
        DerivationMethod::HASH,
        vec![hashing(HashingAlgorithm::SHA_256)],
        aes_key(128),
    )
}

#[tokio::test]
async fn pbkdf2_from_derivation_data_or_a_secret_data_password() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        // Password in the request; the base key only authorises (Derive Key bit).
        let base = register_base(&mut client, version, DERIVE_KEY).await;
        let mut derivation = pbkdf2_parameters(b"salty", 1000);
        derivation.push(bytes(tags::DERIVATION_DATA, b"correct horse"));
        let request = derive_request(
            version,
            ObjectType::SYMMETRIC_KEY,
            &[&base],
            DerivationMethod::PBKDF2,
            derivation,
            aes_key(256),
        );
        let derived = derive(&mut client, version, request).await;
        assert_eq!(
            key_bytes(&mut client, version, &derived, &KEY_OBJECTS).await,
            reference_pbkdf2_sha256(b"correct horse", b"salty", 1000, 32),
            "{version}"
        );
        // Password held as Secret Data; the result is 48 bytes of Secret Data.
        let password = register_password(&mut client, version, b"battery staple").await;
        let request = derive_request(
            version,
            ObjectType::SECRET_DATA,
            &[&password],
            DerivationMethod::PBKDF2,
            pbkdf2_parameters(b"NaCl", 3),
            vec![length(384)],
        );
        let secret = derive(&mut client, version, request).await;
        assert_eq!(
            key_bytes(&mut client, version, &secret, &KEY_OBJECTS).await,
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
        let base = register_base(&mut client, version, DERIVE_KEY).await;
        let request = hash_sha256_request(version, ObjectType::SYMMETRIC_KEY, &[&base]);
        let hashed = derive(&mut client, version, request).await;
        assert_eq!(
            key_bytes(&mut client, version, &hashed, &KEY_OBJECTS).await,
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
        let request = derive_request(
            version,
            ObjectType::SYMMETRIC_KEY,
            &[&hmac_key],
            DerivationMethod::HMAC,
            vec![bytes(tags::DERIVATION_DATA, b"context")],
            aes_key(256),
        );
        let hmaced = derive(&mut client, version, request).await;
        assert_eq!(
            key_bytes(&mut client, version, &hmaced, &KEY_OBJECTS).await,
            reference_hmac(
                CryptographicAlgorithm::HMAC_SHA256,
                b"derivation hmac key",
                b"context"
            ),
            "{version} HMAC"
        );
        // ENCRYPT: the Derivation Data under the base key, AES-ECB.
        let data = [0x77u8; 32];
        let request = derive_request(
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
        );
        let encrypted = derive(&mut client, version, request).await;
        assert_eq!(
            key_bytes(&mut client, version, &encrypted, &KEY_OBJECTS).await,
            reference_aes_encrypt(&BASE_KEY, &[], &data, false),
            "{version} ENCRYPT"
        );
    }
}

#[tokio::test]
async fn derived_and_base_objects_link_to_each_other() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let base = register_base(&mut client, version, DERIVE_KEY).await;
        let request = hash_sha256_request(version, ObjectType::SYMMETRIC_KEY, &[&base]);
        let derived = derive(&mut client, version, request).await;
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
        let sha256 = || vec![hashing(HashingAlgorithm::SHA_256)];
        // A base object without the Derive Key bit.
        let no_bit = register_base(&mut client, version, ENCRYPT).await;
        let base = register_base(&mut client, version, DERIVE_KEY).await;
        let password = register_password(&mut client, version, b"pw").await;
        // Derivation Data twice: in the request and as Secret Data.
        let mut both = pbkdf2_parameters(b"salt", 2);
        both.push(bytes(tags::DERIVATION_DATA, b"pw"));
        let without_length: Vec<_> = aes_key(128)
            .into_iter()
            .filter(|(n, _)| *n != "Cryptographic Length")
            .collect();
        let symmetric = ObjectType::SYMMETRIC_KEY;
        let cases = vec![
            (
                "mask",
                hash_sha256_request(version, symmetric, &[&no_bit]),
                by_version(
                    version,
                    ResultReason::INVALID_FIELD,
                    ResultReason::INCOMPATIBLE_CRYPTOGRAPHIC_USAGE_MASK,
                ),
            ),
            (
                // More than SHA-256 can give.
                "too long",
                derive_request(
                    version,
                    ObjectType::SECRET_DATA,
                    &[&base],
                    DerivationMethod::HASH,
                    sha256(),
                    vec![length(512)],
                ),
                ResultReason::CRYPTOGRAPHIC_FAILURE,
            ),
            (
                "ambiguous data",
                derive_request(
                    version,
                    symmetric,
                    &[&base, &password],
                    DerivationMethod::PBKDF2,
                    both,
                    aes_key(128),
                ),
                ResultReason::INVALID_MESSAGE,
            ),
            (
                // An SP 800-108 method is not implemented.
                "method",
                derive_request(
                    version,
                    symmetric,
                    &[&base],
                    DerivationMethod(5),
                    sha256(),
                    aes_key(128),
                ),
                ResultReason::INVALID_FIELD,
            ),
            (
                "no length",
                derive_request(
                    version,
                    symmetric,
                    &[&base],
                    DerivationMethod::HASH,
                    sha256(),
                    without_length,
                ),
                by_version(
                    version,
                    ResultReason::INVALID_FIELD,
                    ResultReason::INVALID_ATTRIBUTE,
                ),
            ),
            (
                "unknown",
                hash_sha256_request(version, symmetric, &["no-such-base"]),
                not_found_reason(version),
            ),
            (
                // Deriving a Certificate is not possible.
                "object type",
                hash_sha256_request(version, ObjectType::CERTIFICATE, &[&base]),
                by_version(
                    version,
                    ResultReason::INVALID_FIELD,
                    ResultReason::INVALID_OBJECT_TYPE,
                ),
            ),
        ];
        assert_failures(&mut client, version, Operation::DERIVE_KEY, cases).await;
    }
}

#[tokio::test]
async fn pbkdf2_iterations_above_the_servers_policy_are_refused() {
    let server = start(|config| config.max_kdf_iterations = 100).await;
    let mut client = Client::connect(&server, Cert::Valid).await.unwrap();
    for version in VERSIONS {
        let base = register_base(&mut client, version, DERIVE_KEY).await;
        let request = |iterations| {
            let mut derivation = pbkdf2_parameters(b"salty", iterations);
            derivation.push(bytes(tags::DERIVATION_DATA, b"correct horse"));
            derive_request(
                version,
                ObjectType::SYMMETRIC_KEY,
                &[&base],
                DerivationMethod::PBKDF2,
                derivation,
                aes_key(128),
            )
        };
        derive(&mut client, version, request(100)).await;
        let reason = fails(&mut client, version, Operation::DERIVE_KEY, request(101)).await;
        assert_eq!(reason, ResultReason::INVALID_FIELD, "KMIP {version}");
    }
}
