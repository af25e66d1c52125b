//! Multi-part (streaming) Encrypt and Decrypt (KMIP 1.3+, 2.1 §6.1.17 and
//! §6.1.11): Init Indicator, Correlation Value, Final Indicator; the parts'
//! outputs joined must equal the one-shot reference.

use super::super::support::*;
use super::helpers::*;
use kmip_conform::kmip::{tags, BlockCipherMode, Operation, PaddingMethod, ResultReason, Version};
use kmip_conform::ttlv::{Item, Value};

/// CBC with PKCS#5 padding.
fn cbc() -> Item {
    parameters(BlockCipherMode::CBC, Some(PaddingMethod::PKCS5), vec![])
}

/// Runs `operation` with `uid` as a stream of `parts` (at least two): the IV
/// and Init Indicator on the first, the Correlation Value on the others, the
/// Final Indicator on the last. Returns the joined output and the Correlation Value.
async fn stream(
    client: &mut Client,
    version: Version,
    operation: Operation,
    uid: &str,
    iv: &[u8],
    parts: &[&[u8]],
) -> (Vec<u8>, Vec<u8>) {
    let (first, rest) = parts.split_first().expect("a first part");
    let opened = ok(
        client,
        version,
        operation,
        vec![
            uid_field(uid),
            cbc(),
            bytes(tags::DATA, first),
            bytes(tags::IV_COUNTER_NONCE, iv),
            Item::new(tags::INIT_INDICATOR, Value::Boolean(true)),
        ],
    )
    .await;
    let correlation = bytes_of(&opened, tags::CORRELATION_VALUE);
    let mut output = bytes_of(&opened, tags::DATA);
    for (index, data) in rest.iter().enumerate() {
        let mut fields = vec![
            uid_field(uid),
            cbc(),
            bytes(tags::DATA, data),
            bytes(tags::CORRELATION_VALUE, &correlation),
        ];
        if index + 1 == rest.len() {
            fields.push(Item::new(tags::FINAL_INDICATOR, Value::Boolean(true)));
        }
        let payload = ok(client, version, operation, fields).await;
        output.extend(bytes_of(&payload, tags::DATA));
    }
    (output, correlation)
}

#[tokio::test]
async fn multi_part_cbc_encryption_and_decryption_match_one_shot() {
    let (_server, mut client) = connect().await;
    let iv = [0x3Cu8; 16];
    let message: Vec<u8> = (0u8..=99).collect();
    for version in [Version::V1_4, Version::V2_1] {
        let uid = register_aes(&mut client, version, &KEY_128, ENCRYPT | DECRYPT).await;
        // Encrypt in three parts of 30, 40 and 30 bytes.
        let parts = [&message[..30], &message[30..70], &message[70..]];
        let (ciphertext, correlation) =
            stream(&mut client, version, Operation::ENCRYPT, &uid, &iv, &parts).await;
        assert_eq!(
            ciphertext,
            reference_aes_encrypt(&KEY_128, &iv, &message, true),
            "{version}"
        );
        // The stream is closed after its final part.
        let reason = fails(
            &mut client,
            version,
            Operation::ENCRYPT,
            vec![
                uid_field(&uid),
                cbc(),
                bytes(tags::DATA, &[1]),
                bytes(tags::CORRELATION_VALUE, &correlation),
            ],
        )
        .await;
        assert_ne!(reason, ResultReason::FEATURE_NOT_SUPPORTED);
        // Decrypt in two parts: padding is removed only at the end.
        let parts = [&ciphertext[..48], &ciphertext[48..]];
        let (plaintext, _) =
            stream(&mut client, version, Operation::DECRYPT, &uid, &iv, &parts).await;
        assert_eq!(plaintext, message, "{version}");
    }
}
