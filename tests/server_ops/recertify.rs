//! Re-certify (KMIP 1.2 §4.8, 2.1 §6.1.45): a new certificate for the same
//! key, Replacement / Replaced Object Links, the Public Key's Certificate Link
//! moved, names moved (Table 160), Offset dates (Table 159), and errors.

use super::certify::{
    assert_issued_by, certificate_der, certify, common_name, csr, ec_key, fails_with,
    fails_with_each, issuing_ca, linked, name, parse, register_public_key, request_fields,
    uid_and_request, VERSIONS,
};
use super::support::*;
use kmip_conform::kmip::{
    tags, CertificateRequestType, LinkType, Operation, ResultReason, RevocationReasonCode, State,
    Version,
};
use kmip_conform::ttlv::{Item, Tag, Value};

/// A Date-Time attribute of an object.
async fn date(client: &mut Client, version: Version, uid: &str, name: &str, tag: Tag) -> i64 {
    match attribute(client, version, uid, name, tag).await {
        Some(Value::DateTime(t)) => t,
        other => panic!("{name} of {uid} is not a Date-Time: {other:?}"),
    }
}

#[tokio::test]
async fn recertify_links_moves_names_and_issues_a_new_certificate() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let (_, spki) = ec_key();
        let key = register_public_key(&mut client, version, &spki).await;
        let first_name = format!("recertify-1-{version}");
        let old = certify(
            &mut client,
            version,
            vec![
                uid_field(&key),
                attributes(version, vec![("Name", name(&first_name))]),
            ],
        )
        .await;
        let old_der = certificate_der(&mut client, version, &old).await;
        let second_name = format!("recertify-2-{version}");
        let new = uid_of(
            &ok(
                &mut client,
                version,
                Operation::RE_CERTIFY,
                vec![
                    uid_field(&old),
                    attributes(version, vec![("Name", name(&second_name))]),
                ],
            )
            .await,
        );
        assert_ne!(old, new);
        let new_der = certificate_der(&mut client, version, &new).await;
        assert_ne!(old_der, new_der, "a new certificate");
        let ca = issuing_ca(&mut client, version, &new).await;
        assert_issued_by(&new_der, &ca, &spki);
        assert_eq!(
            common_name(&parse(&new_der)),
            common_name(&parse(&old_der)),
            "same subject"
        );
        assert_ne!(parse(&new_der).raw_serial(), parse(&old_der).raw_serial());
        // Links (§4.8).
        assert_eq!(
            linked(
                &mut client,
                version,
                &old,
                LinkType::REPLACEMENT_OBJECT_LINK
            )
            .await,
            vec![new.clone()]
        );
        assert_eq!(
            linked(&mut client, version, &new, LinkType::REPLACED_OBJECT_LINK).await,
            vec![old.clone()]
        );
        assert_eq!(
            linked(&mut client, version, &new, LinkType::PUBLIC_KEY_LINK).await,
            vec![key.clone()]
        );
        assert_eq!(
            linked(&mut client, version, &key, LinkType::CERTIFICATE_LINK).await,
            vec![new.clone()],
            "the key's Certificate Link now points to the new certificate"
        );
        // Names: the new certificate has its own and the old one's; the old has none.
        let names =
            super::certify::all_instances(&mut client, version, &new, "Name", tags::NAME).await;
        let rendered = format!("{names:?}");
        assert!(
            rendered.contains(&first_name) && rendered.contains(&second_name),
            "{rendered}"
        );
        assert_eq!(
            attribute(&mut client, version, &old, "Name", tags::NAME).await,
            None
        );
    }
}

#[tokio::test]
async fn recertify_with_a_request_and_the_id_placeholder() {
    use crate::common::kmip_client::{items, op, request, status};
    use kmip_conform::kmip::ResultStatus;
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let (key_pair, spki) = ec_key();
        let key = register_public_key(&mut client, version, &spki).await;
        let old = certify(&mut client, version, vec![uid_field(&key)]).await;
        // Certify then Re-certify the ID Placeholder with a new request, then Get it.
        let recertify = request_fields(
            version,
            CertificateRequestType::PKCS_10,
            &csr(&key_pair, "renewed-subject", "renewed.example"),
        );
        let response = client
            .call(&request(
                version,
                vec![],
                vec![
                    op(Operation::GET_ATTRIBUTES, Some(b"1"), vec![uid_field(&old)]),
                    op(Operation::RE_CERTIFY, Some(b"2"), {
                        let mut p = vec![uid_field(&old)];
                        p.extend(recertify);
                        p
                    }),
                    op(Operation::GET, Some(b"3"), vec![]),
                ],
            ))
            .await;
        let results = items(&response);
        assert!(
            results.iter().all(|i| status(i) == ResultStatus::SUCCESS),
            "{response:?}"
        );
        let new = crate::common::kmip_client::uid(results[1]);
        assert_eq!(new, crate::common::kmip_client::uid(results[2]));
        let new_der = certificate_der(&mut client, version, &new).await;
        let ca = issuing_ca(&mut client, version, &new).await;
        assert_issued_by(&new_der, &ca, &spki);
        assert_eq!(common_name(&parse(&new_der)), "renewed-subject");
    }
}

#[tokio::test]
async fn recertify_offset_dates() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let (_, spki) = ec_key();
        let key = register_public_key(&mut client, version, &spki).await;
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let at1 = now - 600;
        let old = certify(
            &mut client,
            version,
            vec![
                uid_field(&key),
                attributes(
                    version,
                    vec![(
                        "Activation Date",
                        Item::new(tags::ACTIVATION_DATE, Value::DateTime(at1)),
                    )],
                ),
            ],
        )
        .await;
        assert_eq!(
            attribute(&mut client, version, &old, "State", tags::STATE).await,
            Some(Value::Enumeration(State::ACTIVE.0)),
            "an Activation Date in the past makes the certificate Active"
        );
        // Without an Offset the dates are copied.
        let copied = uid_of(
            &ok(
                &mut client,
                version,
                Operation::RE_CERTIFY,
                vec![uid_field(&old)],
            )
            .await,
        );
        let activation = date(
            &mut client,
            version,
            &copied,
            "Activation Date",
            tags::ACTIVATION_DATE,
        )
        .await;
        assert_eq!(activation, at1);
        // Revoking it (superseded) deactivates it and sets its Deactivation Date.
        revoke(
            &mut client,
            version,
            &copied,
            RevocationReasonCode::SUPERSEDED,
        )
        .await;
        let dt1 = date(
            &mut client,
            version,
            &copied,
            "Deactivation Date",
            tags::DEACTIVATION_DATE,
        )
        .await;
        // With an Offset: AT2 = IT2 + Offset, DT2 = DT1 + (AT2 - AT1) (Table 159).
        let offset = 3600;
        let shifted = uid_of(
            &ok(
                &mut client,
                version,
                Operation::RE_CERTIFY,
                vec![
                    uid_field(&copied),
                    Item::new(tags::OFFSET, Value::Interval(offset)),
                ],
            )
            .await,
        );
        let it2 = date(
            &mut client,
            version,
            &shifted,
            "Initial Date",
            tags::INITIAL_DATE,
        )
        .await;
        let at2 = date(
            &mut client,
            version,
            &shifted,
            "Activation Date",
            tags::ACTIVATION_DATE,
        )
        .await;
        assert_eq!(at2, it2 + i64::from(offset));
        let dt2 = date(
            &mut client,
            version,
            &shifted,
            "Deactivation Date",
            tags::DEACTIVATION_DATE,
        )
        .await;
        assert_eq!(dt2, dt1 + (at2 - at1));
        assert_eq!(
            attribute(&mut client, version, &shifted, "State", tags::STATE).await,
            Some(Value::Enumeration(State::PRE_ACTIVE.0)),
            "activation an hour from now"
        );
        // Offset together with an Activation Date is refused (KMIP 1.2 §11.9).
        fails_with(
            &mut client,
            version,
            Operation::RE_CERTIFY,
            vec![
                uid_field(&shifted),
                Item::new(tags::OFFSET, Value::Interval(60)),
                attributes(
                    version,
                    vec![(
                        "Activation Date",
                        Item::new(tags::ACTIVATION_DATE, Value::DateTime(now)),
                    )],
                ),
            ],
            ResultReason::INVALID_MESSAGE,
        )
        .await;
    }
}

#[tokio::test]
async fn recertify_errors() {
    let (_server, mut client) = connect().await;
    for version in VERSIONS {
        let (key_pair, spki) = ec_key();
        let key = register_public_key(&mut client, version, &spki).await;
        let cases = vec![
            (
                "unknown",
                vec![uid_field("no-such-certificate")],
                not_found_reason(version),
            ),
            // A Public Key is not a certificate to renew.
            (
                "public key",
                vec![uid_field(&key)],
                by_version(
                    version,
                    ResultReason::PERMISSION_DENIED,
                    ResultReason::INVALID_OBJECT_TYPE,
                ),
            ),
        ];
        fails_with_each(&mut client, version, Operation::RE_CERTIFY, cases).await;
        let old = certify(&mut client, version, vec![uid_field(&key)]).await;
        let bad_csr = by_version(
            version,
            ResultReason::INVALID_FIELD,
            ResultReason::INVALID_CSR,
        );
        let pkcs10 =
            |bytes: &[u8]| uid_and_request(&old, version, CertificateRequestType::PKCS_10, bytes);
        // A request for another key: Re-certify keeps the key pair.
        let (other, _) = ec_key();
        let cases = vec![
            ("bad CSR", pkcs10(&[0x30, 0x03, 0x02, 0x01, 0x00]), bad_csr),
            (
                "another key",
                pkcs10(&csr(&other, "other", "other.example")),
                bad_csr,
            ),
        ];
        fails_with_each(&mut client, version, Operation::RE_CERTIFY, cases).await;
        // A compromised certificate is not renewed.
        revoke(
            &mut client,
            version,
            &old,
            RevocationReasonCode::KEY_COMPROMISE,
        )
        .await;
        fails_with(
            &mut client,
            version,
            Operation::RE_CERTIFY,
            pkcs10(&csr(&key_pair, "again", "again.example")),
            ResultReason::PERMISSION_DENIED,
        )
        .await;
        // Nothing was issued by the failures.
        assert!(linked(
            &mut client,
            version,
            &old,
            LinkType::REPLACEMENT_OBJECT_LINK
        )
        .await
        .is_empty());
    }
}
