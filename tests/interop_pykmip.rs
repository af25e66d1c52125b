//! Interoperability with a real KMIP client: PyKMIP 0.11's `ProxyKmipClient`
//! (installed from PyPI into a throw-away venv by `interop/pykmip/venv.sh`)
//! runs discover_versions, query, create, get, get_attributes,
//! get_attribute_list, locate, activate, revoke and destroy against
//! `kmip-conform serve` over mutual TLS, for KMIP 1.0 through 2.0.
//! Then SIGTERM must stop the server cleanly.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The venv's Python: `$KMIP_PYKMIP_VENV/bin/python` if set and present, else
/// whatever `interop/pykmip/venv.sh` creates or reuses.
fn python() -> PathBuf {
    if let Some(venv) = std::env::var_os("KMIP_PYKMIP_VENV") {
        let python = Path::new(&venv).join("bin/python");
        if python.exists() {
            return python;
        }
    }
    let out = Command::new("bash")
        .arg(root().join("interop/pykmip/venv.sh"))
        .stderr(Stdio::inherit())
        .output()
        .expect("run interop/pykmip/venv.sh");
    assert!(
        out.status.success(),
        "interop/pykmip/venv.sh failed: PyKMIP 0.11 must be installable from PyPI"
    );
    let venv = String::from_utf8_lossy(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .trim()
        .to_owned();
    Path::new(&venv).join("bin/python")
}

#[test]
fn pykmip_client_against_kmip_conform_serve() {
    let python = python();
    let pki = std::env::temp_dir().join(format!("kmip-conform-interop-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&pki);
    let mut server = Command::new(env!("CARGO_BIN_EXE_kmip-conform"))
        .args(["serve", "--listen", "127.0.0.1:0", "--pki-dir"])
        .arg(&pki)
        .stderr(Stdio::piped())
        .spawn()
        .expect("start kmip-conform serve");
    // The server prints the address it bound; read until it does.
    let mut stderr = BufReader::new(server.stderr.take().unwrap());
    let mut port = None;
    let mut line = String::new();
    while port.is_none() && stderr.read_line(&mut line).unwrap_or(0) > 0 {
        if let Some(rest) = line.split("listening on 127.0.0.1:").nth(1) {
            port = rest.split_whitespace().next().map(str::to_owned);
        }
        line.clear();
    }
    let port = port.expect("serve printed its address");
    // Keep draining the request log so the server never blocks on a full pipe.
    let drain =
        std::thread::spawn(move || stderr.lines().map_while(Result::ok).collect::<Vec<_>>());

    let mut failures = Vec::new();
    for version in ["1.0", "1.1", "1.2", "1.3", "1.4", "2.0"] {
        let out = Command::new(&python)
            .arg(root().join("interop/pykmip/client_interop.py"))
            .args(["--host", "127.0.0.1", "--port", &port, "--version", version])
            .arg("--ca")
            .arg(pki.join("ca.crt"))
            .arg("--cert")
            .arg(pki.join("client.crt"))
            .arg("--key")
            .arg(pki.join("client.key"))
            .output()
            .expect("run client_interop.py");
        let report = String::from_utf8_lossy(&out.stdout);
        eprintln!(
            "== PyKMIP 0.11 client, KMIP {version}\n{report}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let passes = report.lines().filter(|l| l.starts_with("PASS ")).count();
        // Every step PyKMIP can send in that version: 1.0 lacks Discover
        // Versions, and the cryptographic steps need 1.2.
        let wanted = match version {
            "1.0" => 10,
            "1.1" => 11,
            _ => 14,
        };
        if !out.status.success()
            || report.lines().any(|l| l.starts_with("FAIL "))
            || passes < wanted
        {
            failures.push(format!(
                "KMIP {version}: exit {:?}, {passes} PASS",
                out.status.code()
            ));
        }
    }

    // SIGTERM stops the server cleanly.
    let stopped_at = Instant::now();
    Command::new("kill")
        .arg("-TERM")
        .arg(server.id().to_string())
        .status()
        .expect("kill");
    let status = loop {
        if let Some(status) = server.try_wait().unwrap() {
            break status;
        }
        assert!(
            stopped_at.elapsed() < Duration::from_secs(5),
            "serve did not stop after SIGTERM"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    let log = drain.join().unwrap();
    let _ = std::fs::remove_dir_all(&pki);
    assert!(status.success(), "serve exited with {status} after SIGTERM");
    assert!(
        log.iter().any(|l| l.contains("kmip-conform-client")),
        "the request log names the client CN"
    );
    assert!(
        failures.is_empty(),
        "PyKMIP interop failures: {failures:#?}"
    );
}
