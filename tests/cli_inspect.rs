//! `kmip-conform inspect` as a user runs it: exit codes, one-line errors, and
//! hex → JSON → hex and hex → XML → hex round trips over the whole OASIS corpus.

mod common;

use std::io::Write;
use std::process::{Command, Output, Stdio};

use kmip_conform::suite::oasis::binary_corpus;
use kmip_conform::ttlv::render::hex;

const QUERY: &str = "42007801000000904200770100000048420069010000002042006a0200000004000000010000000042006b020000000400000000000000004200500200000004000001000000000042000d0200000004000000010000000042000f010000003842005c0500000004000000180000000042007901000000204200740500000004000000010000000042007405000000040000000200000000";

fn inspect(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kmip-conform"))
        .arg("inspect")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run kmip-conform");
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap();
    output
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn valid_hex_prints_a_named_tree() {
    let out = inspect(&[], QUERY.as_bytes());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let tree = text(&out.stdout);
    assert!(
        tree.contains("Operation (Enumeration) = Query [0x00000018]"),
        "{tree}"
    );
    assert!(
        tree.contains("QueryFunction (Enumeration) = QueryObjects"),
        "{tree}"
    );
}

#[test]
fn binary_input_is_detected() {
    let out = inspect(&["--to", "hex"], &hex::decode(QUERY).unwrap());
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), QUERY);
}

#[test]
fn hostile_inputs_exit_2_with_one_line_naming_offset_and_path() {
    let mut depth_bomb = Vec::new();
    for i in 0..10_000u32 {
        depth_bomb.extend_from_slice(&[0x42, 0x00, 0x78, 0x01]);
        depth_bomb.extend_from_slice(&((10_000 - i - 1) * 8).to_be_bytes());
    }
    let mut huge = hex::decode(QUERY).unwrap();
    huge[4..8].copy_from_slice(&[0xFF, 0xFF, 0xFF, 0xF8]);
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("4 GiB declared length", huge, "RequestMessage @ 0x0"),
        ("depth bomb", depth_bomb, "nested deeper than 64"),
        (
            "truncated",
            hex::decode(&QUERY[..200]).unwrap(),
            "RequestMessage/BatchItem/Operation @ 0x60",
        ),
        (
            "garbage",
            b"\x42\x00\x78\x77garbage".to_vec(),
            "unknown item type byte 0x77",
        ),
        ("empty", Vec::new(), "no TTLV item"),
    ];
    for (name, input, expected) in cases {
        let out = inspect(&["--from", "bin"], &input);
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
        assert!(stderr.contains(expected), "{name}: {stderr}");
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    }
}

#[test]
fn findings_warn_by_default_and_fail_with_strict() {
    let mut padded = hex::decode(QUERY).unwrap();
    padded[0x54] = 1;
    let lenient = inspect(&["--from", "bin"], &padded);
    assert_eq!(lenient.status.code(), Some(0));
    assert!(text(&lenient.stderr).contains("warning: <stdin>: non-zero padding bytes at RequestMessage/RequestHeader/BatchCount @ 0x54"));
    let strict = inspect(&["--from", "bin", "--strict"], &padded);
    assert_eq!(strict.status.code(), Some(2));
    assert_eq!(text(&strict.stderr).lines().count(), 1);
    assert!(text(&strict.stderr).contains("@ 0x54"));
}

#[test]
fn placeholders_cannot_be_encoded_to_binary() {
    let xml = r#"<RequestMessage><UniqueIdentifier type="TextString" value="$UNIQUE_IDENTIFIER_0"/></RequestMessage>"#;
    let out = inspect(&["--to", "hex"], xml.as_bytes());
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr)
        .contains("placeholder $UNIQUE_IDENTIFIER_0 at RequestMessage/UniqueIdentifier"));
}

#[test]
fn usage_errors_exit_2() {
    let out = inspect(&["--to", "nonsense"], b"");
    assert_eq!(out.status.code(), Some(2));
}

/// Every canonical corpus message, through the CLI: hex → JSON → hex and hex → XML → hex.
#[test]
fn whole_corpus_round_trips_through_json_and_xml() {
    let corpus = binary_corpus(&common::vectors_dir()).unwrap();
    assert!(corpus.len() > 3000);
    let hex_lines: String = corpus
        .iter()
        .map(|m| hex::encode(&m.bytes) + "\n")
        .collect();
    for via in ["json", "xml"] {
        let there = inspect(
            &["--from", "hex", "--stream", "--to", via],
            hex_lines.as_bytes(),
        );
        assert_eq!(
            there.status.code(),
            Some(0),
            "to {via}: {}",
            text(&there.stderr)
        );
        let back = inspect(&["--from", via, "--to", "hex"], &there.stdout);
        assert_eq!(
            back.status.code(),
            Some(0),
            "from {via}: {}",
            text(&back.stderr)
        );
        let back = text(&back.stdout);
        assert_eq!(back.lines().count(), corpus.len(), "via {via}");
        for (line, message) in back.lines().zip(&corpus) {
            assert_eq!(
                line,
                hex::encode(&message.bytes),
                "via {via}: {} message {}",
                message.file.display(),
                message.index
            );
        }
    }
}
