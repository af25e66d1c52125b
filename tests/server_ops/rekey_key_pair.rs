//! Re-key Key Pair (KMIP 1.2 §4.5, 2.1 §6.1.47): a replacement pair with
//! new material, the old pair's attributes and Names, Replacement/Replaced
//! Object links both ways, and dates moved by the Offset (Table 149).

use super::common::kmip_client::{items, op, request, status};
use super::create_key_pair::{
    create_pair, ecdsa_p256, key_block, links, mask, material, name, pair_payload, rsa_2048,
    sign_verify_pair, SIGN, VERIFY,
};
use super::support::*;
use kmip_conform::kmip::{tags, LinkType, Operation, ResultReason, ResultStatus, State, Version};
use kmip_conform::ttlv::{Item, Tag, Value};

fn text(payload: &Item, tag: Tag) -> String {
    match field(payload, tag) {
        Value::TextString(t) => t.clone(),
        other => panic!("{tag:?} is {other:?}"),
    }
}

/// Re-keys; returns (new private uid, new public uid).
async fn rekey(client: &mut Client, version: Version, fields: Vec<Item>) -> (String, String) {
    let payload = ok(client, version, Operation::RE_KEY_KEY_PAIR, fields).await;
    (
        text(&payload, tags::PRIVATE_KEY_UNIQUE_IDENTIFIER),
        text(&payload, tags::PUBLIC_KEY_UNIQUE_IDENTIFIER),
    )
}

fn private_uid(uid: &str) -> Item {
    Item::new(
        tags::PRIVATE_KEY_UNIQUE_IDENTIFIER,
        Value::TextString(uid.into()),
    )
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

async fn date(client: &mut Client, version: Version, uid: &str, name: &str, tag: Tag) -> i64 {
    match attribute(client, version, uid, name, tag).await {
        Some(Value::DateTime(t)) => t,
        other => panic!("{name} of {uid} is {other:?}"),
    }
}

/// The private key uid of a Pre-Active ECDSA Sign/Verify pair, destroyed.
async fn destroyed_private_key(client: &mut Client, version: Version) -> String {
    let (doomed, _) = sign_verify_pair(client, version, ecdsa_p256()).await;
    ok(
        client,
        version,
        Operation::DESTROY,
        vec![uid_field(&doomed)],
    )
    .await;
    doomed
}

#[tokio::test]
async fn replacement_pair_is_linked_named_and_new() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_1, Version::V1_2, Version::V2_1] {
        let private_name = format!("signer-{version}");
        let (old_private, old_public) = create_pair(
            &mut client,
            version,
            ecdsa_p256(),
            vec![mask(SIGN), name(&private_name)],
            vec![mask(VERIFY), name(&format!("checker-{version}"))],
        )
        .await;
        activate(&mut client, version, &old_private).await;
        activate(&mut client, version, &old_public).await;
        let (new_private, new_public) =
            rekey(&mut client, version, vec![private_uid(&old_private)]).await;
        assert!(![&old_private, &old_public].contains(&&new_private));
        assert!(![&old_private, &old_public].contains(&&new_public));
        let has = |all: &[(u32, String)], kind: LinkType, uid: &str| {
            all.contains(&(kind.0, uid.to_owned()))
        };
        let l = links(&mut client, version, &old_private).await;
        assert!(
            has(&l, LinkType::REPLACEMENT_OBJECT_LINK, &new_private),
            "{l:?}"
        );
        assert!(has(&l, LinkType::PUBLIC_KEY_LINK, &old_public), "{l:?}");
        let l = links(&mut client, version, &old_public).await;
        assert!(
            has(&l, LinkType::REPLACEMENT_OBJECT_LINK, &new_public),
            "{l:?}"
        );
        let l = links(&mut client, version, &new_private).await;
        assert!(
            has(&l, LinkType::REPLACED_OBJECT_LINK, &old_private),
            "{l:?}"
        );
        assert!(has(&l, LinkType::PUBLIC_KEY_LINK, &new_public), "{l:?}");
        assert_eq!(l.len(), 2, "only the new links, not the old pair's: {l:?}");
        let l = links(&mut client, version, &new_public).await;
        assert!(
            has(&l, LinkType::REPLACED_OBJECT_LINK, &old_public),
            "{l:?}"
        );
        assert!(has(&l, LinkType::PRIVATE_KEY_LINK, &new_private), "{l:?}");
        // The Names move to the replacement (Table 150).
        assert!(
            attribute(&mut client, version, &old_private, "Name", tags::NAME)
                .await
                .is_none()
        );
        let Some(Value::Structure(moved)) =
            attribute(&mut client, version, &new_private, "Name", tags::NAME).await
        else {
            panic!("the replacement private key has a Name");
        };
        assert!(moved.contains(&Item::new(
            tags::NAME_VALUE,
            Value::TextString(private_name.clone())
        )));
        // Same kind of key, new material; mask and activation carried over.
        let old_block = key_block(&mut client, version, &old_private, None).await;
        let new_block = key_block(&mut client, version, &new_private, None).await;
        assert_ne!(material(&old_block), material(&new_block));
        assert_eq!(
            attribute(
                &mut client,
                version,
                &new_private,
                "Cryptographic Usage Mask",
                tags::CRYPTOGRAPHIC_USAGE_MASK
            )
            .await,
            Some(Value::Integer(SIGN))
        );
        assert_eq!(
            attribute(
                &mut client,
                version,
                &new_public,
                "Cryptographic Length",
                tags::CRYPTOGRAPHIC_LENGTH
            )
            .await,
            Some(Value::Integer(256))
        );
        assert_eq!(
            attribute(&mut client, version, &new_private, "State", tags::STATE).await,
            Some(Value::Enumeration(State::ACTIVE.0)),
            "the copied Activation Date has passed"
        );
    }
}

#[tokio::test]
async fn rsa_pair_is_replaced_by_a_new_modulus_of_the_same_size() {
    use rsa::pkcs1::DecodeRsaPublicKey;
    use rsa::traits::PublicKeyParts;
    let (_server, mut client) = connect().await;
    let version = Version::V1_4;
    let (old_private, old_public) = sign_verify_pair(&mut client, version, rsa_2048()).await;
    let (_, new_public) = rekey(&mut client, version, vec![private_uid(&old_private)]).await;
    let old = rsa::RsaPublicKey::from_pkcs1_der(&material(
        &key_block(&mut client, version, &old_public, None).await,
    ))
    .unwrap();
    let new = rsa::RsaPublicKey::from_pkcs1_der(&material(
        &key_block(&mut client, version, &new_public, None).await,
    ))
    .unwrap();
    assert_ne!(old.n(), new.n());
    assert_eq!(new.size() * 8, 2048);
    assert_eq!(
        attribute(&mut client, version, &new_public, "State", tags::STATE).await,
        Some(Value::Enumeration(State::PRE_ACTIVE.0)),
        "no Activation Date to copy"
    );
}

#[tokio::test]
async fn offset_moves_activation_and_later_dates() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_2, Version::V2_1] {
        let activation = now() - 1000;
        let deactivation = activation + 50_000;
        let dates = || {
            vec![(
                "Activation Date",
                Item::new(tags::ACTIVATION_DATE, Value::DateTime(activation)),
            )]
        };
        // Deactivation Date is server-set in this server's attribute rules,
        // so Protect Stop Date (moved the same way) stands in for it.
        let mut common = ecdsa_p256();
        common.extend(dates());
        common.push((
            "Protect Stop Date",
            Item::new(tags::PROTECT_STOP_DATE, Value::DateTime(deactivation)),
        ));
        let (old_private, _) = sign_verify_pair(&mut client, version, common).await;
        let before = now();
        let (new_private, new_public) = rekey(
            &mut client,
            version,
            vec![
                private_uid(&old_private),
                Item::new(tags::OFFSET, Value::Interval(3600)),
            ],
        )
        .await;
        let after = now();
        for uid in [&new_private, &new_public] {
            let at2 = date(
                &mut client,
                version,
                uid,
                "Activation Date",
                tags::ACTIVATION_DATE,
            )
            .await;
            assert!(
                (before + 3600..=after + 3600).contains(&at2),
                "Activation Date = Initial Date + Offset"
            );
            let dt2 = date(
                &mut client,
                version,
                uid,
                "Protect Stop Date",
                tags::PROTECT_STOP_DATE,
            )
            .await;
            assert_eq!(
                dt2,
                deactivation + (at2 - activation),
                "moved like Deactivation Date: DT2 = DT1 + (AT2 - AT1)"
            );
            assert_eq!(
                attribute(&mut client, version, uid, "State", tags::STATE).await,
                Some(Value::Enumeration(State::PRE_ACTIVE.0)),
                "activation is an hour away"
            );
        }
        // Offset together with new dates is a contradiction (KMIP 1.2 §11.6).
        let mut fields = vec![
            private_uid(&new_private),
            Item::new(tags::OFFSET, Value::Interval(60)),
        ];
        fields.extend(pair_payload(version, dates(), vec![], vec![]));
        let reason = fails(&mut client, version, Operation::RE_KEY_KEY_PAIR, fields).await;
        assert_eq!(reason, ResultReason::INVALID_MESSAGE);
    }
}

#[tokio::test]
async fn id_placeholder_and_errors() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_2, Version::V2_1] {
        // Create Key Pair then Re-key Key Pair on the ID Placeholder, in one batch.
        let response = client
            .call(&request(
                version,
                vec![],
                vec![
                    op(
                        Operation::CREATE_KEY_PAIR,
                        Some(b"1"),
                        pair_payload(version, ecdsa_p256(), vec![mask(SIGN)], vec![mask(VERIFY)]),
                    ),
                    op(Operation::RE_KEY_KEY_PAIR, Some(b"2"), vec![]),
                ],
            ))
            .await;
        let batch = items(&response);
        assert!(
            batch.iter().all(|i| status(i) == ResultStatus::SUCCESS),
            "{response:?}"
        );
        let created = batch[0].child(tags::RESPONSE_PAYLOAD).unwrap();
        let rekeyed = batch[1].child(tags::RESPONSE_PAYLOAD).unwrap();
        let old_private = text(created, tags::PRIVATE_KEY_UNIQUE_IDENTIFIER);
        let new_private = text(rekeyed, tags::PRIVATE_KEY_UNIQUE_IDENTIFIER);
        assert!(links(&mut client, version, &new_private)
            .await
            .contains(&(LinkType::REPLACED_OBJECT_LINK.0, old_private.clone())));

        let two = version.is_2x();
        let pick = |v1: ResultReason, v2: ResultReason| if two { v2 } else { v1 };
        let reason = fails(
            &mut client,
            version,
            Operation::RE_KEY_KEY_PAIR,
            vec![private_uid("no-such-key")],
        )
        .await;
        assert_eq!(
            reason,
            pick(ResultReason::ITEM_NOT_FOUND, ResultReason::OBJECT_NOT_FOUND)
        );
        let public = text(created, tags::PUBLIC_KEY_UNIQUE_IDENTIFIER);
        let reason = fails(
            &mut client,
            version,
            Operation::RE_KEY_KEY_PAIR,
            vec![private_uid(&public)],
        )
        .await;
        assert_eq!(
            reason,
            pick(
                ResultReason::PERMISSION_DENIED,
                ResultReason::INVALID_OBJECT_TYPE
            )
        );
        // A destroyed private key has no material to replace.
        let doomed = destroyed_private_key(&mut client, version).await;
        let reason = fails(
            &mut client,
            version,
            Operation::RE_KEY_KEY_PAIR,
            vec![private_uid(&doomed)],
        )
        .await;
        assert_eq!(reason, ResultReason::KEY_VALUE_NOT_PRESENT);
    }
}

#[tokio::test]
async fn destroyed_key_in_1_1_is_refused_with_permission_denied() {
    let (_server, mut client) = connect().await;
    let version = Version::V1_1;
    let doomed = destroyed_private_key(&mut client, version).await;
    let reason = fails(
        &mut client,
        version,
        Operation::RE_KEY_KEY_PAIR,
        vec![private_uid(&doomed)],
    )
    .await;
    // Key Value Not Present is a KMIP 1.2 reason.
    assert_eq!(reason, ResultReason::PERMISSION_DENIED);
}
