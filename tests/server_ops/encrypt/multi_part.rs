//! Multi-part (streaming) Encrypt and Decrypt (KMIP 1.3+, 2.1 §6.1.17 and
//! §6.1.11): Init Indicator, Correlation Value, Final Indicator; the parts'
//! outputs joined must equal the one-shot reference.

use super::super::support::*;
use super::helpers::*;
use kmip_conform::kmip::{tags, BlockCipherMode, Operation, PaddingMethod, ResultReason, Version};
use kmip_conform::ttlv::{Item, Value};

/// Sends one part of a multi-part operation and returns its payload.
async fn part(
    client: &mut Client,
    version: Version,
    operation: Operation,
    fields: Vec<Item>,
) -> Item {
    ok(client, version, operation, fields).await
}

#[tokio::test]
async fn multi_part_cbc_encryption_and_decryption_match_one_shot() {
    let (_server, mut client) = connect().await;
    let iv = [0x3Cu8; 16];
    let message: Vec<u8> = (0u8..=99).collect();
    for version in [Version::V1_4, Version::V2_1] {
        let uid = register_aes(&mut client, version, &KEY_128, ENCRYPT | DECRYPT).await;
        let cbc = || parameters(BlockCipherMode::CBC, Some(PaddingMethod::PKCS5), vec![]);
        // Encrypt in three parts of 30, 40 and 30 bytes.
        let first = part(
            &mut client,
            version,
            Operation::ENCRYPT,
            vec![
                uid_field(&uid),
                cbc(),
                bytes(tags::DATA, &message[..30]),
                bytes(tags::IV_COUNTER_NONCE, &iv),
                Item::new(tags::INIT_INDICATOR, Value::Boolean(true)),
            ],
        )
        .await;
        let correlation = bytes_of(&first, tags::CORRELATION_VALUE);
        let mut ciphertext = bytes_of(&first, tags::DATA);
        let middle = part(
            &mut client,
            version,
            Operation::ENCRYPT,
            vec![
                uid_field(&uid),
                cbc(),
                bytes(tags::DATA, &message[30..70]),
                bytes(tags::CORRELATION_VALUE, &correlation),
            ],
        )
        .await;
        ciphertext.extend(bytes_of(&middle, tags::DATA));
        let last = part(
            &mut client,
            version,
            Operation::ENCRYPT,
            vec![
                uid_field(&uid),
                cbc(),
                bytes(tags::DATA, &message[70..]),
                bytes(tags::CORRELATION_VALUE, &correlation),
                Item::new(tags::FINAL_INDICATOR, Value::Boolean(true)),
            ],
        )
        .await;
        ciphertext.extend(bytes_of(&last, tags::DATA));
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
        let first = part(
            &mut client,
            version,
            Operation::DECRYPT,
            vec![
                uid_field(&uid),
                cbc(),
                bytes(tags::DATA, &ciphertext[..48]),
                bytes(tags::IV_COUNTER_NONCE, &iv),
                Item::new(tags::INIT_INDICATOR, Value::Boolean(true)),
            ],
        )
        .await;
        let correlation = bytes_of(&first, tags::CORRELATION_VALUE);
        let mut plaintext = bytes_of(&first, tags::DATA);
        let last = part(
            &mut client,
            version,
            Operation::DECRYPT,
            vec![
                uid_field(&uid),
                cbc(),
                bytes(tags::DATA, &ciphertext[48..]),
                bytes(tags::CORRELATION_VALUE, &correlation),
                Item::new(tags::FINAL_INDICATOR, Value::Boolean(true)),
            ],
        )
        .await;
        plaintext.extend(bytes_of(&last, tags::DATA));
        assert_eq!(plaintext, message, "{version}");
    }
}
