//! The network fuzzer against the reference server over mutual TLS: a bounded
//! run finds no crash, no hang and no protocol violation.

mod common;

use std::time::Duration;

use common::kmip_client::start;
use kmip_conform::runner::connection::ClientTls;
use kmip_conform::runner::netfuzz::{fuzz, seeds, FuzzOptions};
use kmip_conform::runner::target::{TcpTarget, TlsPair};
use kmip_conform::suite::parse::{read_suite, suite_files};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reference_server_survives_mutated_requests() {
    let server = start(|_| {}).await;
    let tls = TlsPair::new(&ClientTls {
        ca_pem: server.pki.ca_cert.clone(),
        identity: Some((
            server.pki.client_cert.clone(),
            server.pki.client_key.clone(),
        )),
        insecure: false,
    })
    .unwrap();
    let target = TcpTarget {
        address: server.addr.to_string(),
        tls: Some(tls),
        server_name: "localhost".into(),
        label: "reference".into(),
    };
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("suites");
    let mut cases = Vec::new();
    for file in suite_files(&dir).unwrap() {
        cases.extend(read_suite(&file).unwrap().cases);
    }
    // RSA key generation takes seconds (a mutated length can ask for 4096
    // bits), which the 3 s hang timeout below would report as a hang; the key
    // pair cases are fuzzed by `kmip-conform fuzz` runs, not by this test.
    cases.retain(|c| {
        !c.needs
            .contains(&kmip_conform::kmip::Operation::CREATE_KEY_PAIR.0)
    });
    let seeds = seeds(&cases);
    assert!(seeds.len() > 50);
    let findings =
        std::env::temp_dir().join(format!("kmip-conform-netfuzz-{}", std::process::id()));
    let options = FuzzOptions {
        duration: Duration::from_secs(120),
        max_iterations: 400,
        seed: 20261128,
        timeout: Duration::from_secs(3),
        liveness_every: 25,
        findings_dir: findings.clone(),
        target_args: format!("--target {}", server.addr),
    };
    let stats = fuzz(&target, &seeds, &options, |_| {}).await.unwrap();
    let _ = std::fs::remove_dir_all(&findings);
    assert_eq!(stats.sent, 400, "{stats:?}");
    assert_eq!(
        (stats.crashes, stats.hangs, stats.violations),
        (0, 0, 0),
        "{stats:?}"
    );
    assert!(
        stats.per_mutation.iter().all(|&n| n > 0),
        "every mutation kind was exercised: {stats:?}"
    );
}
