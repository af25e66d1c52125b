//! Register (KMIP 1.2 §4.3, 2.1 §6.1.43) of every object type each version
//! defines, each Get back unchanged; and registered asymmetric keys in
//! PKCS#1, PKCS#8 and X.509 forms used by Sign and Signature Verify.

use super::create_key_pair::{mask, SIGN, VERIFY};
use super::sign::{sign, DATA};
use super::signature_verify::verify;
use super::support::*;
use kmip_conform::kmip::{
    tags, CryptographicAlgorithm, HashingAlgorithm, KeyFormatType, ObjectType, Operation,
    PaddingMethod, ValidityIndicator, Version,
};
use kmip_conform::ttlv::{Item, Tag, Value};
use ring::signature::{self as ring_sig, KeyPair, UnparsedPublicKey};

/// A Key Block with byte-string Key Material.
fn key_block(
    format: KeyFormatType,
    material: &[u8],
    alg: Option<(CryptographicAlgorithm, i32)>,
) -> Item {
    let mut fields = vec![
        Item::new(tags::KEY_FORMAT_TYPE, Value::Enumeration(format.0)),
        Item::structure(
            tags::KEY_VALUE,
            vec![Item::new(
                tags::KEY_MATERIAL,
                Value::ByteString(material.to_vec()),
            )],
        ),
    ];
    if let Some((algorithm, bits)) = alg {
        fields.push(Item::new(
            tags::CRYPTOGRAPHIC_ALGORITHM,
            Value::Enumeration(algorithm.0),
        ));
        fields.push(Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(bits)));
    }
    Item::structure(tags::KEY_BLOCK, fields)
}

fn integer(tag: Tag, v: i32) -> Item {
    Item::new(tag, Value::Integer(v))
}

fn enumeration(tag: Tag, v: u32) -> Item {
    Item::new(tag, Value::Enumeration(v))
}

/// A P-256 key pair from ring: (PKCS#8 private key, SubjectPublicKeyInfo).
fn ec_key() -> (Vec<u8>, Vec<u8>) {
    let rng = ring::rand::SystemRandom::new();
    let alg = &ring_sig::ECDSA_P256_SHA256_ASN1_SIGNING;
    let pkcs8 = ring_sig::EcdsaKeyPair::generate_pkcs8(alg, &rng).unwrap();
    let pair = ring_sig::EcdsaKeyPair::from_pkcs8(alg, pkcs8.as_ref(), &rng).unwrap();
    // SubjectPublicKeyInfo for id-ecPublicKey on prime256v1 (RFC 5480 §2).
    let mut spki = vec![
        0x30, 0x59, 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08,
        0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07, 0x03, 0x42, 0x00,
    ];
    spki.extend_from_slice(pair.public_key().as_ref());
    (pkcs8.as_ref().to_vec(), spki)
}

/// One object of each type `version` defines: (Object Type, object structure).
fn every_object(version: Version) -> Vec<(ObjectType, Item)> {
    let (ec_private, ec_public) = ec_key();
    let ec = Some((CryptographicAlgorithm::ECDSA, 256));
    let cert_key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["registered.example".to_string()])
        .unwrap()
        .self_signed(&cert_key)
        .unwrap();
    let aes = Some((CryptographicAlgorithm::AES, 256));
    let mut objects = vec![
        (
            ObjectType::CERTIFICATE,
            Item::structure(
                tags::CERTIFICATE,
                vec![
                    enumeration(tags::CERTIFICATE_TYPE, 1),
                    Item::new(
                        tags::CERTIFICATE_VALUE,
                        Value::ByteString(cert.der().to_vec()),
                    ),
                ],
            ),
        ),
        (
            ObjectType::SYMMETRIC_KEY,
            Item::structure(
                tags::SYMMETRIC_KEY,
                vec![key_block(KeyFormatType::RAW, &[0x11; 32], aes)],
            ),
        ),
        (
            ObjectType::PUBLIC_KEY,
            Item::structure(
                tags::PUBLIC_KEY,
                vec![key_block(KeyFormatType::X_509, &ec_public, ec)],
            ),
        ),
        (
            ObjectType::PRIVATE_KEY,
            Item::structure(
                tags::PRIVATE_KEY,
                vec![key_block(KeyFormatType::PKCS_8, &ec_private, ec)],
            ),
        ),
        (
            ObjectType::SPLIT_KEY,
            Item::structure(
                tags::SPLIT_KEY,
                vec![
                    integer(tags::SPLIT_KEY_PARTS, 3),
                    integer(tags::KEY_PART_IDENTIFIER, 1),
                    integer(tags::SPLIT_KEY_THRESHOLD, 2),
                    enumeration(tags::SPLIT_KEY_METHOD, 1),
                    key_block(KeyFormatType::RAW, &[0x22; 32], aes),
                ],
            ),
        ),
        (
            ObjectType::SECRET_DATA,
            Item::structure(
                tags::SECRET_DATA,
                vec![
                    enumeration(tags::SECRET_DATA_TYPE, 1),
                    key_block(KeyFormatType::OPAQUE, b"correct horse battery staple", None),
                ],
            ),
        ),
        (
            ObjectType::OPAQUE_OBJECT,
            Item::structure(
                tags::OPAQUE_OBJECT,
                vec![
                    enumeration(tags::OPAQUE_DATA_TYPE, 0x8000_0001),
                    Item::new(
                        tags::OPAQUE_DATA_VALUE,
                        Value::ByteString(b"opaque".to_vec()),
                    ),
                ],
            ),
        ),
    ];
    if !version.is_2x() {
        objects.push((
            ObjectType::TEMPLATE,
            Item::structure(
                tags::TEMPLATE,
                vec![Item::structure(
                    tags::ATTRIBUTE,
                    vec![
                        Item::new(
                            tags::ATTRIBUTE_NAME,
                            Value::TextString("Cryptographic Algorithm".into()),
                        ),
                        Item::new(
                            tags::ATTRIBUTE_VALUE,
                            Value::Enumeration(CryptographicAlgorithm::AES.0),
                        ),
                    ],
                )],
            ),
        ));
    }
    if version >= Version::V1_2 {
        objects.push((
            ObjectType::PGP_KEY,
            Item::structure(
                tags::PGP_KEY,
                vec![
                    integer(tags::PGP_KEY_VERSION, 4),
                    key_block(
                        KeyFormatType::OPAQUE,
                        b"\x99\x01\x0dPGP public key packet",
                        None,
                    ),
                ],
            ),
        ));
    }
    objects
}

async fn register(
    client: &mut Client,
    version: Version,
    object_type: ObjectType,
    object: Item,
    attrs: Vec<(&str, Item)>,
) -> String {
    let mut payload = vec![Item::new(
        tags::OBJECT_TYPE,
        Value::Enumeration(object_type.0),
    )];
    if !attrs.is_empty() {
        payload.push(attributes(version, attrs));
    }
    payload.push(object);
    uid_of(&ok(client, version, Operation::REGISTER, payload).await)
}

#[tokio::test]
async fn every_object_type_registers_and_gets_back_unchanged() {
    let (server, mut client) = connect().await;
    for version in [
        Version::V1_0,
        Version::V1_1,
        Version::V1_2,
        Version::V1_4,
        Version::V2_0,
        Version::V2_1,
    ] {
        let objects = every_object(version);
        let expected_count = match version {
            v if v.is_2x() => 8,
            v if v >= Version::V1_2 => 9,
            _ => 8,
        };
        assert_eq!(objects.len(), expected_count, "object types of {version}");
        for (object_type, object) in objects {
            let uid = register(&mut client, version, object_type, object.clone(), vec![]).await;
            let payload = ok(&mut client, version, Operation::GET, vec![uid_field(&uid)]).await;
            assert_eq!(
                field(&payload, tags::OBJECT_TYPE),
                &Value::Enumeration(object_type.0),
                "{object_type:?} on {version}"
            );
            assert_eq!(
                payload.child(object.tag),
                Some(&object),
                "{object_type:?} comes back unchanged on {version}"
            );
        }
    }
    // Template is gone from 2.x, PGP Key arrives in 1.2.
    let mut client2 = Client::connect(&server, Cert::Valid).await.unwrap();
    let template = Item::structure(tags::TEMPLATE, vec![]);
    let reason = fails(
        &mut client2,
        Version::V2_1,
        Operation::REGISTER,
        vec![
            Item::new(
                tags::OBJECT_TYPE,
                Value::Enumeration(ObjectType::TEMPLATE.0),
            ),
            template,
        ],
    )
    .await;
    assert_eq!(reason, kmip_conform::kmip::ResultReason::INVALID_FIELD);
}

/// Registers a private/public pair, activated, with Sign/Verify masks.
async fn register_pair(
    client: &mut Client,
    version: Version,
    private: Item,
    public: Item,
) -> (String, String) {
    let private = register(
        client,
        version,
        ObjectType::PRIVATE_KEY,
        private,
        vec![mask(SIGN)],
    )
    .await;
    let public = register(
        client,
        version,
        ObjectType::PUBLIC_KEY,
        public,
        vec![mask(VERIFY)],
    )
    .await;
    activate(client, version, &private).await;
    activate(client, version, &public).await;
    (private, public)
}

/// Registers an EC pair: the private key in `private_format`, the public key
/// as an X.509 SubjectPublicKeyInfo; returns (private uid, public uid).
async fn register_ec_pair(
    client: &mut Client,
    version: Version,
    private_format: KeyFormatType,
    private: &[u8],
    spki: &[u8],
    ec: Option<(CryptographicAlgorithm, i32)>,
) -> (String, String) {
    register_pair(
        client,
        version,
        Item::structure(
            tags::PRIVATE_KEY,
            vec![key_block(private_format, private, ec)],
        ),
        Item::structure(
            tags::PUBLIC_KEY,
            vec![key_block(KeyFormatType::X_509, spki, ec)],
        ),
    )
    .await
}

/// Signs [`DATA`] with `private`; ring checks the signature against the P-256
/// point of `spki` and the server verifies it with `public`. Returns the signature.
async fn sign_and_check_p256(
    client: &mut Client,
    version: Version,
    private: &str,
    public: &str,
    spki: &[u8],
    what: &str,
) -> Vec<u8> {
    let signature = sign(client, version, private, None, DATA).await;
    UnparsedPublicKey::new(&ring_sig::ECDSA_P256_SHA256_ASN1, &spki[26..])
        .verify(DATA, &signature)
        .unwrap_or_else(|_| panic!("{what}: the server's ECDSA signature verifies"));
    assert_eq!(
        verify(client, version, public, None, DATA, &signature).await,
        ValidityIndicator::VALID,
        "{what}"
    );
    signature
}

#[tokio::test]
async fn registered_rsa_and_ec_keys_in_every_form_sign_and_verify() {
    use rsa::pkcs1::{EncodeRsaPrivateKey, EncodeRsaPublicKey};
    use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey};
    let (_server, mut client) = connect().await;
    let version = Version::V1_2;
    let rsa_private = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).unwrap();
    let rsa_public = rsa_private.to_public_key();
    let pkcs1_public = rsa_public.to_pkcs1_der().unwrap().as_bytes().to_vec();
    let rsa = Some((CryptographicAlgorithm::RSA, 2048));
    let forms = [
        (
            "PKCS#1 pair",
            key_block(
                KeyFormatType::PKCS_1,
                rsa_private.to_pkcs1_der().unwrap().as_bytes(),
                rsa,
            ),
            key_block(KeyFormatType::PKCS_1, &pkcs1_public, rsa),
        ),
        (
            "PKCS#8 and X.509 pair",
            key_block(
                KeyFormatType::PKCS_8,
                rsa_private.to_pkcs8_der().unwrap().as_bytes(),
                rsa,
            ),
            key_block(
                KeyFormatType::X_509,
                rsa_public.to_public_key_der().unwrap().as_bytes(),
                rsa,
            ),
        ),
    ];
    let pkcs1_sha256 = || {
        Some(super::create_key_pair::crypto_parameters(&[
            (tags::PADDING_METHOD, PaddingMethod::PKCS1_V1_5.0),
            (tags::HASHING_ALGORITHM, HashingAlgorithm::SHA_256.0),
        ]))
    };
    for (what, private, public) in forms {
        let (private, public) = register_pair(
            &mut client,
            version,
            Item::structure(tags::PRIVATE_KEY, vec![private]),
            Item::structure(tags::PUBLIC_KEY, vec![public]),
        )
        .await;
        let signature = sign(&mut client, version, &private, pkcs1_sha256(), DATA).await;
        UnparsedPublicKey::new(&ring_sig::RSA_PKCS1_2048_8192_SHA256, &pkcs1_public)
            .verify(DATA, &signature)
            .unwrap_or_else(|_| panic!("{what}: the server's signature verifies"));
        assert_eq!(
            verify(
                &mut client,
                version,
                &public,
                pkcs1_sha256(),
                DATA,
                &signature
            )
            .await,
            ValidityIndicator::VALID,
            "{what}"
        );
    }
    // EC: PKCS#8 private key and X.509 public key.
    let (ec_private, ec_public) = ec_key();
    let ec = Some((CryptographicAlgorithm::ECDSA, 256));
    let (private, public) = register_ec_pair(
        &mut client,
        version,
        KeyFormatType::PKCS_8,
        &ec_private,
        &ec_public,
        ec,
    )
    .await;
    sign_and_check_p256(
        &mut client,
        version,
        &private,
        &public,
        &ec_public,
        "PKCS#8",
    )
    .await;
}

#[tokio::test]
async fn ec_private_keys_convert_to_sec1_and_register_in_it() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_4;
    let (ec_private, ec_public) = ec_key();
    let ec = Some((CryptographicAlgorithm::EC, 256));
    let (pkcs8_uid, _) = register_ec_pair(
        &mut client,
        version,
        KeyFormatType::PKCS_8,
        &ec_private,
        &ec_public,
        ec,
    )
    .await;
    // Get as EC Private Key: an RFC 5915 ECPrivateKey naming prime256v1.
    let block = super::create_key_pair::key_block(
        &mut client,
        version,
        &pkcs8_uid,
        Some(KeyFormatType::EC_PRIVATE_KEY),
    )
    .await;
    assert_eq!(
        super::create_key_pair::format_of(&block),
        KeyFormatType::EC_PRIVATE_KEY
    );
    let sec1 = super::create_key_pair::material(&block);
    assert_eq!(&sec1[2..5], &[0x02, 0x01, 0x01], "version 1");
    let prime256v1 = [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    assert!(sec1.windows(prime256v1.len()).any(|w| w == prime256v1));
    // Registered in that form, the key signs; ring checks the signature.
    let (sec1_uid, public_uid) = register_ec_pair(
        &mut client,
        version,
        KeyFormatType::EC_PRIVATE_KEY,
        &sec1,
        &ec_public,
        ec,
    )
    .await;
    let signature = sign_and_check_p256(
        &mut client,
        version,
        &sec1_uid,
        &public_uid,
        &ec_public,
        "a SEC1-registered key",
    )
    .await;
    // Transparent EC forms (KMIP 1.3+): Recommended Curve with Q String / D.
    let transparent = super::create_key_pair::key_block(
        &mut client,
        version,
        &public_uid,
        Some(KeyFormatType::TRANSPARENT_EC_PUBLIC_KEY),
    )
    .await;
    let q = super::create_key_pair::key_material(&transparent).clone();
    assert_eq!(
        field(&q, tags::RECOMMENDED_CURVE),
        &Value::Enumeration(kmip_conform::kmip::RecommendedCurve::P_256.0)
    );
    assert_eq!(
        field(&q, tags::Q_STRING),
        &Value::ByteString(ec_public[26..].to_vec())
    );
    let d_block = super::create_key_pair::key_block(
        &mut client,
        version,
        &sec1_uid,
        Some(KeyFormatType::TRANSPARENT_EC_PRIVATE_KEY),
    )
    .await;
    let d = super::create_key_pair::key_material(&d_block);
    let Value::BigInteger(d) = field(d, tags::D) else {
        panic!("D is a Big Integer")
    };
    assert_eq!(d.len() % 8, 0);
    assert_eq!(
        rsa::BigUint::from_bytes_be(d),
        rsa::BigUint::from_bytes_be(&sec1[7..39]),
        "D is the SEC1 private key"
    );
    // A Transparent EC Public Key registers and verifies.
    let transparent_uid = register(
        &mut client,
        version,
        ObjectType::PUBLIC_KEY,
        Item::structure(
            tags::PUBLIC_KEY,
            vec![Item::structure(
                tags::KEY_BLOCK,
                vec![
                    enumeration(
                        tags::KEY_FORMAT_TYPE,
                        KeyFormatType::TRANSPARENT_EC_PUBLIC_KEY.0,
                    ),
                    Item::structure(tags::KEY_VALUE, vec![q]),
                ],
            )],
        ),
        vec![mask(VERIFY)],
    )
    .await;
    activate(&mut client, version, &transparent_uid).await;
    assert_eq!(
        verify(
            &mut client,
            version,
            &transparent_uid,
            None,
            DATA,
            &signature
        )
        .await,
        ValidityIndicator::VALID
    );
    // And converts back to PKCS#8 that ring accepts.
    let pkcs8 = super::create_key_pair::key_block(
        &mut client,
        version,
        &sec1_uid,
        Some(KeyFormatType::PKCS_8),
    )
    .await;
    let rng = ring::rand::SystemRandom::new();
    ring_sig::EcdsaKeyPair::from_pkcs8(
        &ring_sig::ECDSA_P256_SHA256_ASN1_SIGNING,
        &super::create_key_pair::material(&pkcs8),
        &rng,
    )
    .expect("PKCS#8 from SEC1");
}
