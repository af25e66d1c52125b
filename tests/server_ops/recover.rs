//! Recover (KMIP 1.2 §4.23, 2.1 §6.1.40): an archived object is back on-line,
//! usable again, and its Archive Date is gone (1.2 §3.32).

use super::support::*;
use kmip_conform::kmip::{tags, Operation, ResultReason, Version};

#[tokio::test]
async fn recover_brings_an_archived_object_back() {
    let (_server, mut client) = connect().await;
    for version in [Version::V1_1, Version::V1_4, Version::V2_1] {
        let uid = create_aes(&mut client, version, 128).await;
        ok(
            &mut client,
            version,
            Operation::ARCHIVE,
            vec![uid_field(&uid)],
        )
        .await;
        let answer = ok(
            &mut client,
            version,
            Operation::RECOVER,
            vec![uid_field(&uid)],
        )
        .await;
        assert_eq!(uid_of(&answer), uid);
        ok(&mut client, version, Operation::GET, vec![uid_field(&uid)]).await;
        assert_eq!(
            attribute(
                &mut client,
                version,
                &uid,
                "Archive Date",
                tags::ARCHIVE_DATE
            )
            .await,
            None
        );
        // Recovering an on-line object is harmless.
        ok(
            &mut client,
            version,
            Operation::RECOVER,
            vec![uid_field(&uid)],
        )
        .await;
    }
    let reason = fails(
        &mut client,
        Version::V1_2,
        Operation::RECOVER,
        vec![uid_field("missing")],
    )
    .await;
    assert_eq!(reason, ResultReason::ITEM_NOT_FOUND);
}
