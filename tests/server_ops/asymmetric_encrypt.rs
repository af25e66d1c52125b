//! Encrypt and Decrypt with RSA key pairs (KMIP 1.2 §4.29–4.30): the server
//! encrypts with the Public Key and the test decrypts with the private key
//! material obtained by Get (rsa crate), and the other way round.
//!
//! These go through the Encrypt/Decrypt operations, which dispatch Public and
//! Private Keys to `server::ops::asymmetric`; that dispatch lives on the
//! symmetric-crypto branch, so the tests are ignored until both are merged
//! (run with `cargo test --test server_ops asymmetric_encrypt -- --ignored`).

use super::create_key_pair::{create_pair, key_block, mask, material, rsa_2048, DECRYPT, ENCRYPT};
use super::support::*;
use kmip_conform::kmip::{tags, HashingAlgorithm, Operation, PaddingMethod, Version};
use kmip_conform::ttlv::{Item, Value};
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::{Oaep, Pkcs1v15Encrypt};

fn oaep_parameters(version: Version) -> Item {
    let mut fields = vec![
        Item::new(
            tags::PADDING_METHOD,
            Value::Enumeration(PaddingMethod::OAEP.0),
        ),
        Item::new(
            tags::HASHING_ALGORITHM,
            Value::Enumeration(HashingAlgorithm::SHA_256.0),
        ),
    ];
    if version >= Version::V1_4 {
        fields.push(Item::new(
            tags::MASK_GENERATOR_HASHING_ALGORITHM,
            Value::Enumeration(HashingAlgorithm::SHA_256.0),
        ));
    }
    Item::structure(tags::CRYPTOGRAPHIC_PARAMETERS, fields)
}

async fn rsa_pair(client: &mut Client, version: Version) -> (String, String) {
    let (private, public) = create_pair(
        client,
        version,
        rsa_2048(),
        vec![mask(DECRYPT)],
        vec![mask(ENCRYPT)],
    )
    .await;
    activate(client, version, &private).await;
    activate(client, version, &public).await;
    (private, public)
}

async fn crypt(
    client: &mut Client,
    version: Version,
    operation: Operation,
    uid: &str,
    parameters: Item,
    data: &[u8],
) -> Vec<u8> {
    let payload = ok(
        client,
        version,
        operation,
        vec![
            uid_field(uid),
            parameters,
            Item::new(tags::DATA, Value::ByteString(data.to_vec())),
        ],
    )
    .await;
    bytes_of(&payload, tags::DATA)
}

#[tokio::test]
async fn rsa_oaep_round_trips_with_an_independent_peer() {
    let (_server, mut client) = connect().await;
    let message = b"key transport test";
    for version in [Version::V1_2, Version::V1_4, Version::V2_1] {
        let (private, public) = rsa_pair(&mut client, version).await;
        let private_key = rsa::RsaPrivateKey::from_pkcs1_der(&material(
            &key_block(&mut client, version, &private, None).await,
        ))
        .unwrap();
        let public_key = rsa::RsaPublicKey::from_pkcs1_der(&material(
            &key_block(&mut client, version, &public, None).await,
        ))
        .unwrap();
        // MGF1 hash: SHA-256 where the version can say so (1.4+), else the default SHA-1.
        let peer = || {
            if version >= Version::V1_4 {
                Oaep::new::<sha2::Sha256>()
            } else {
                Oaep::new_with_mgf_hash::<sha2::Sha256, sha1::Sha1>()
            }
        };
        let parameters = oaep_parameters(version);
        let ciphertext = crypt(
            &mut client,
            version,
            Operation::ENCRYPT,
            &public,
            parameters.clone(),
            message,
        )
        .await;
        assert_eq!(private_key.decrypt(peer(), &ciphertext).unwrap(), message);
        let mut rng = rsa::rand_core::OsRng;
        let ciphertext = public_key.encrypt(&mut rng, peer(), message).unwrap();
        let plain = crypt(
            &mut client,
            version,
            Operation::DECRYPT,
            &private,
            parameters,
            &ciphertext,
        )
        .await;
        assert_eq!(plain, message);
    }
}

#[tokio::test]
async fn rsa_pkcs1_v1_5_round_trips_with_an_independent_peer() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_2;
    let (private, public) = rsa_pair(&mut client, version).await;
    let private_key = rsa::RsaPrivateKey::from_pkcs1_der(&material(
        &key_block(&mut client, version, &private, None).await,
    ))
    .unwrap();
    let parameters = Item::structure(
        tags::CRYPTOGRAPHIC_PARAMETERS,
        vec![Item::new(
            tags::PADDING_METHOD,
            Value::Enumeration(PaddingMethod::PKCS1_V1_5.0),
        )],
    );
    let ciphertext = crypt(
        &mut client,
        version,
        Operation::ENCRYPT,
        &public,
        parameters.clone(),
        b"m",
    )
    .await;
    assert_eq!(
        private_key.decrypt(Pkcs1v15Encrypt, &ciphertext).unwrap(),
        b"m"
    );
    let plain = crypt(
        &mut client,
        version,
        Operation::DECRYPT,
        &private,
        parameters,
        &ciphertext,
    )
    .await;
    assert_eq!(plain, b"m");
}
