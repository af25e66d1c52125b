//! Helpers shared by the crypto-service tests (Encrypt, Decrypt, MAC, MAC
//! Verify, RNG, Hash, Derive Key): key registration, Cryptographic
//! Parameters, and a reference AES written on the bare block cipher.

use super::super::support::*;
use aes::cipher::{BlockEncrypt, KeyInit};
use kmip_conform::kmip::{
    tags, BlockCipherMode, CryptographicAlgorithm, ObjectType, Operation, PaddingMethod,
    UsageLimitsUnit, Version,
};
use kmip_conform::ttlv::{Item, Value};

/// The versions the crypto services are tested in (they exist from KMIP 1.2).
pub const VERSIONS: [Version; 3] = [Version::V1_2, Version::V1_4, Version::V2_1];

/// Usage mask bits (KMIP 1.2 §9.1.3.3.1).
pub const ENCRYPT: i32 = 0x4;
pub const DECRYPT: i32 = 0x8;
pub const MAC_GENERATE: i32 = 0x80;
pub const MAC_VERIFY: i32 = 0x100;
pub const DERIVE_KEY: i32 = 0x200;

pub const KEY_128: [u8; 16] = *b"0123456789abcdef";

/// Registers a Raw symmetric key with a usage mask and extra attributes
/// (1.x name, tagged item) and returns its Unique Identifier (Pre-Active).
pub async fn register_key_inactive(
    client: &mut Client,
    version: Version,
    algorithm: CryptographicAlgorithm,
    material: &[u8],
    mask: i32,
    extra: Vec<(&str, Item)>,
) -> String {
    let mut fields = vec![(
        "Cryptographic Usage Mask",
        Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(mask)),
    )];
    fields.extend(extra);
    let bits = if algorithm == CryptographicAlgorithm::DES3 {
        168
    } else {
        material.len() as i32 * 8
    };
    let key = Item::structure(
        tags::SYMMETRIC_KEY,
        vec![Item::structure(
            tags::KEY_BLOCK,
            vec![
                Item::new(tags::KEY_FORMAT_TYPE, Value::Enumeration(1)),
                Item::structure(
                    tags::KEY_VALUE,
                    vec![Item::new(
                        tags::KEY_MATERIAL,
                        Value::ByteString(material.to_vec()),
                    )],
                ),
                Item::new(
                    tags::CRYPTOGRAPHIC_ALGORITHM,
                    Value::Enumeration(algorithm.0),
                ),
                Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(bits)),
            ],
        )],
    );
    let payload = ok(
        client,
        version,
        Operation::REGISTER,
        vec![
            Item::new(
                tags::OBJECT_TYPE,
                Value::Enumeration(ObjectType::SYMMETRIC_KEY.0),
            ),
            attributes(version, fields),
            key,
        ],
    )
    .await;
    uid_of(&payload)
}

/// Registers and activates a Raw symmetric key.
pub async fn register_key(
    client: &mut Client,
    version: Version,
    algorithm: CryptographicAlgorithm,
    material: &[u8],
    mask: i32,
    extra: Vec<(&str, Item)>,
) -> String {
    let uid = register_key_inactive(client, version, algorithm, material, mask, extra).await;
    activate(client, version, &uid).await;
    uid
}

/// Registers and activates a Raw AES key with a usage mask and no other attributes.
pub async fn register_aes(client: &mut Client, version: Version, key: &[u8], mask: i32) -> String {
    register_key(
        client,
        version,
        CryptographicAlgorithm::AES,
        key,
        mask,
        vec![],
    )
    .await
}

/// Cryptographic Parameters with a mode and optional padding, plus `extra` fields.
pub fn parameters(mode: BlockCipherMode, padding: Option<PaddingMethod>, extra: Vec<Item>) -> Item {
    let mut fields = vec![Item::new(
        tags::BLOCK_CIPHER_MODE,
        Value::Enumeration(mode.0),
    )];
    if let Some(padding) = padding {
        fields.push(Item::new(
            tags::PADDING_METHOD,
            Value::Enumeration(padding.0),
        ));
    }
    fields.extend(extra);
    Item::structure(tags::CRYPTOGRAPHIC_PARAMETERS, fields)
}

/// ECB Cryptographic Parameters without a padding method.
pub fn ecb() -> Item {
    parameters(BlockCipherMode::ECB, None, vec![])
}

/// An ECB request payload (no padding) for `uid` over `data`.
pub fn ecb_request(uid: &str, data: &[u8]) -> Vec<Item> {
    vec![uid_field(uid), ecb(), bytes(tags::DATA, data)]
}

/// Usage Limits of `total` units.
pub fn usage_limits(total: i64, unit: UsageLimitsUnit) -> Item {
    Item::structure(
        tags::USAGE_LIMITS,
        vec![
            Item::new(tags::USAGE_LIMITS_TOTAL, Value::LongInteger(total)),
            Item::new(tags::USAGE_LIMITS_UNIT, Value::Enumeration(unit.0)),
        ],
    )
}

pub fn bytes(tag: kmip_conform::ttlv::Tag, value: &[u8]) -> Item {
    Item::new(tag, Value::ByteString(value.to_vec()))
}

/// AES in CBC mode (IV given) or ECB (IV empty) with PKCS#7 padding, built
/// here on the bare block cipher: the independent check of the server.
pub fn reference_aes_encrypt(key: &[u8], iv: &[u8], data: &[u8], pad: bool) -> Vec<u8> {
    let mut input = data.to_vec();
    if pad {
        let n = 16 - data.len() % 16;
        input.extend(std::iter::repeat_n(n as u8, n));
    }
    let mut previous: Vec<u8> = iv.to_vec();
    let mut out = Vec::new();
    for chunk in input.chunks(16) {
        let mut block = [0u8; 16];
        block.copy_from_slice(chunk);
        if !previous.is_empty() {
            block.iter_mut().zip(&previous).for_each(|(b, p)| *b ^= p);
        }
        let mut ga = aes::cipher::generic_array::GenericArray::from(block);
        match key.len() {
            16 => aes::Aes128::new_from_slice(key)
                .unwrap()
                .encrypt_block(&mut ga),
            _ => aes::Aes256::new_from_slice(key)
                .unwrap()
                .encrypt_block(&mut ga),
        }
        if !iv.is_empty() {
            previous = ga.to_vec();
        }
        out.extend_from_slice(&ga);
    }
    out
}
