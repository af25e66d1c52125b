//! The main job end to end: `kmip-conform` runs every built-in suite against
//! the built-in reference server (all PASS, reports written), and against
//! PyKMIP 0.11's server with its expectations file (every verdict as recorded).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("kmip-conform-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn kmip_conform(args: &[&str], reports: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_kmip-conform"))
        .current_dir(root())
        .args(args)
        .arg("--junit")
        .arg(reports.join("junit.xml"))
        .arg("--json")
        .arg(reports.join("report.json"))
        .output()
        .expect("run kmip-conform");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn every_suite_passes_against_the_builtin_server() {
    let reports = scratch("builtin");
    let (code, output) = kmip_conform(&[], &reports);
    eprintln!("{output}");
    assert_eq!(code, 0, "{output}");
    let summary = output
        .lines()
        .find(|l| l.contains("case(s) in"))
        .expect("a summary line");
    let total: usize = summary.split_whitespace().next().unwrap().parse().unwrap();
    assert!(total >= 60, "at least 60 cases: {summary}");
    assert!(
        summary.contains(&format!("{total} PASS")),
        "all PASS: {summary}"
    );
    let junit = std::fs::read_to_string(reports.join("junit.xml")).unwrap();
    assert_eq!(junit.matches("<testcase").count(), total);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(reports.join("report.json")).unwrap())
            .unwrap();
    assert_eq!(json["report_version"], 1);
    assert_eq!(json["finished"], true);
    assert_eq!(json["cases"].as_array().unwrap().len(), total);
}

#[test]
fn list_prints_case_ids_and_locations_without_running() {
    let reports = scratch("list");
    let (code, output) = kmip_conform(&["--list", "--case", "kmip-1.4/*"], &reports);
    assert_eq!(code, 0);
    assert!(
        output.lines().all(|l| l.starts_with("kmip-1.4/")),
        "{output}"
    );
    assert!(
        output.contains("suites/"),
        "locations are printed: {output}"
    );
    assert!(!reports.join("junit.xml").exists(), "nothing ran");
}

#[test]
fn a_failing_case_exits_1_and_leaves_a_repro_bundle() {
    let reports = scratch("failing");
    let suite = reports.join("failing.yaml");
    std::fs::write(
        &suite,
        "suite: failing\ntitle: deliberately failing\ncases:\n  - id: failing/get-unknown-expects-success\n    title: wrong on purpose\n    spec: test\n    steps:\n      - request:\n          operation: Get\n          payload: {UniqueIdentifier: nope}\n",
    )
    .unwrap();
    let (code, output) = kmip_conform(&[suite.to_str().unwrap()], &reports);
    assert_eq!(code, 1, "{output}");
    assert!(
        output.contains("FAIL          kmip-1.4/failing/get-unknown-expects-success"),
        "{output}"
    );
    let bundle = reports.join("repro/kmip-1.4_failing_get-unknown-expects-success");
    let readme = std::fs::read_to_string(bundle.join("README.txt")).expect("repro bundle");
    assert!(readme.contains("rerun: kmip-conform"), "{readme}");
    for file in [
        "01-request.hex",
        "01-request.tree",
        "01-request.xml",
        "01-response.hex",
        "01-response.tree",
        "01-response.xml",
    ] {
        assert!(bundle.join(file).exists(), "{file}");
    }
}

#[test]
fn a_schema_error_names_file_line_and_column() {
    let reports = scratch("schema");
    let suite = reports.join("typo.yaml");
    std::fs::write(
        &suite,
        "suite: x\ntitle: y\ncases:\n  - id: a\n    title: t\n    spec: s\n    stepz: []\n",
    )
    .unwrap();
    let (code, output) = kmip_conform(&[suite.to_str().unwrap()], &reports);
    assert_eq!(code, 2);
    assert!(output.contains("typo.yaml:7:5"), "{output}");
    assert!(output.contains("unknown field `stepz`"), "{output}");
}

/// The venv's Python (same rule as tests/interop_pykmip.rs).
fn venv() -> PathBuf {
    if let Some(venv) = std::env::var_os("KMIP_PYKMIP_VENV") {
        if Path::new(&venv).join("bin/python").exists() {
            return PathBuf::from(venv);
        }
    }
    let out = Command::new("bash")
        .arg(root().join("interop/pykmip/venv.sh"))
        .stderr(Stdio::inherit())
        .output()
        .unwrap();
    assert!(out.status.success(), "interop/pykmip/venv.sh failed");
    PathBuf::from(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .last()
            .unwrap_or_default()
            .trim(),
    )
}

#[test]
fn pykmip_server_gives_exactly_the_recorded_verdicts() {
    let venv = venv();
    let work = scratch("pykmip-target");
    let pki = work.join("pki");
    let bash = |script: &str, args: &[&str]| {
        Command::new("bash")
            .arg(root().join("interop/pykmip").join(script))
            .args(args)
            .env("KMIP_PYKMIP_VENV", &venv)
            .output()
            .expect("run interop script")
    };
    assert!(bash("make-pki.sh", &[pki.to_str().unwrap()])
        .status
        .success());
    // A port derived from the process id keeps parallel runs apart.
    let port = (20000 + std::process::id() % 20000).to_string();
    let server_dir = work.join("server");
    let started = bash(
        "run-server.sh",
        &[pki.to_str().unwrap(), &port, server_dir.to_str().unwrap()],
    );
    assert!(
        started.status.success(),
        "pykmip-server did not start: {}",
        String::from_utf8_lossy(&started.stderr)
    );
    let target = format!("127.0.0.1:{port}");
    let ca = pki.join("ca.crt");
    let cert = pki.join("client.crt");
    let key = pki.join("client.key");
    let (code, output) = kmip_conform(
        &[
            "--target",
            &target,
            "--ca",
            ca.to_str().unwrap(),
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
            "--expect",
            "suites/expectations/pykmip-0.11.yaml",
        ],
        &work,
    );
    let _ = bash("stop-server.sh", &[server_dir.to_str().unwrap()]);
    eprintln!("{output}");
    assert_eq!(
        code, 0,
        "PyKMIP's verdicts differ from suites/expectations/pykmip-0.11.yaml:\n{output}"
    );
    assert!(output.contains("PASS"), "{output}");
}

#[test]
fn a_changed_golden_snapshot_fails_the_case_with_a_diff() {
    let reports = scratch("golden");
    let golden = reports.join("golden");
    std::fs::create_dir_all(&golden).unwrap();
    std::fs::copy(
        root().join("golden/redactions.yaml"),
        golden.join("redactions.yaml"),
    )
    .unwrap();
    let case = "kmip-1.4/lifecycle/get-unknown";
    let snapshot =
        std::fs::read_to_string(root().join("golden/kmip-1.4_lifecycle_get-unknown.snap")).unwrap();
    std::fs::write(
        golden.join("kmip-1.4_lifecycle_get-unknown.snap"),
        snapshot.replace("ItemNotFound", "PermissionDenied"),
    )
    .unwrap();
    let (code, output) = kmip_conform(
        &["--case", case, "--golden-dir", golden.to_str().unwrap()],
        &reports,
    );
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("golden snapshot"), "{output}");
    assert!(
        output.contains("- ") && output.contains("+ "),
        "a diff is shown: {output}"
    );
    assert!(output.contains("ItemNotFound"), "{output}");
}

#[test]
fn snapshots_are_never_written_on_ci() {
    let reports = scratch("ci-bless");
    let out = Command::new(env!("CARGO_BIN_EXE_kmip-conform"))
        .current_dir(root())
        .args([
            "update",
            "--case",
            "kmip-1.4/lifecycle/get-unknown",
            "--golden-dir",
        ])
        .arg(reports.join("golden"))
        .env("CI", "true")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("never writes snapshots on CI"));
    assert!(!reports.join("golden").exists());
}

/// A target that accepts connections and drops them at once: every case fails
/// (closing instead of answering), the run exits non-zero, and the reports
/// still hold every case.
#[test]
fn reports_are_complete_when_the_target_dies() {
    let reports = scratch("dead-target");
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            drop(stream);
        }
    });
    let target = format!("127.0.0.1:{port}");
    let (code, output) = kmip_conform(
        &[
            "--target",
            &target,
            "--plaintext",
            "--no-prescan",
            "--case",
            "kmip-1.4/lifecycle/*",
            "--step-timeout",
            "2",
        ],
        &reports,
    );
    assert_eq!(code, 1, "{output}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(reports.join("report.json")).unwrap())
            .unwrap();
    assert_eq!(json["finished"], true);
    let cases = json["cases"].as_array().unwrap();
    assert!(!cases.is_empty());
    assert!(cases.iter().all(|c| c["verdict"] != "PASS"), "{json}");
    let junit = std::fs::read_to_string(reports.join("junit.xml")).unwrap();
    assert_eq!(junit.matches("<testcase").count(), cases.len());
}
