//! The committed fuzz seeds (`fuzz/seeds/<target>/`) replayed through the same
//! entry points the libFuzzer targets call, so every input a fuzzer ever
//! crashed on stays a regression test in an ordinary `cargo test`.

use std::path::Path;

use arbitrary::{Arbitrary, Unstructured};
use kmip_conform::fuzzing::{self, FuzzTree};

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/seeds")
        .join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no seeds for {target}");
    files
        .into_iter()
        .map(|p| (p.display().to_string(), std::fs::read(&p).unwrap()))
        .collect()
}

fn tree(data: &[u8]) -> Option<FuzzTree> {
    FuzzTree::arbitrary_take_rest(Unstructured::new(data)).ok()
}

#[test]
fn byte_targets_replay_their_seeds() {
    for (target, run) in [
        ("ttlv_decode", fuzzing::ttlv_decode as fn(&[u8])),
        ("ttlv_roundtrip", fuzzing::ttlv_roundtrip),
        ("message_parse", fuzzing::message_parse),
        ("server_connection", fuzzing::server_connection),
        ("suite_yaml", fuzzing::suite_yaml),
    ] {
        for (name, data) in seeds(target) {
            eprintln!("{target}: {name}");
            run(&data);
        }
    }
}

#[test]
fn tree_targets_replay_their_seeds() {
    for (target, run) in [
        ("ttlv_structured", fuzzing::ttlv_structured as fn(&FuzzTree)),
        ("xml_json_roundtrip", fuzzing::xml_json_roundtrip),
    ] {
        let mut built = 0;
        for (_, data) in seeds(target) {
            if let Some(tree) = tree(&data) {
                run(&tree);
                built += 1;
            }
        }
        assert!(built > 0, "{target}: no seed builds a tree");
    }
}

/// The decoder/validator cross-check of `ttlv_decode` on every committed seed
/// of every target, and on every truncation and single-byte corruption of the
/// TTLV seeds: the two walks must agree on all of them.
#[test]
fn decode_and_validate_agree_on_seeds_and_their_damage() {
    let mut checked = 0usize;
    for target in [
        "ttlv_decode",
        "ttlv_roundtrip",
        "message_parse",
        "server_connection",
        "suite_yaml",
        "ttlv_structured",
        "xml_json_roundtrip",
    ] {
        for (_, data) in seeds(target) {
            fuzzing::ttlv_decode(&data);
            checked += 1;
            if !["ttlv_decode", "ttlv_roundtrip", "message_parse"].contains(&target) {
                continue;
            }
            for end in 0..data.len().min(512) {
                fuzzing::ttlv_decode(&data[..end]);
                let mut damaged = data.clone();
                damaged[end] ^= 0xA5;
                fuzzing::ttlv_decode(&damaged);
                checked += 2;
            }
        }
    }
    assert!(checked > 1_000, "only {checked} inputs checked");
}
