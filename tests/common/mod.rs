//! Shared helpers for the integration tests: where the OASIS vectors are, and
//! how to bind transcript placeholders to concrete values.
#![allow(dead_code)]

pub mod kmip_client;

use std::path::{Path, PathBuf};

use kmip_conform::ttlv::Item;

/// The OASIS vector directory: `$KMIP_VECTORS`, else `../shared/kmip/vectors`.
/// Panics with instructions when it is missing: these tests never pass silently.
pub fn vectors_dir() -> PathBuf {
    let dir = match std::env::var_os("KMIP_VECTORS") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/kmip/vectors"),
    };
    assert!(
        dir.join("MANIFEST.tsv").is_file(),
        "OASIS KMIP test vectors not found at {} (no MANIFEST.tsv). Put the vectors at \
         ../shared/kmip/vectors beside the repository or set KMIP_VECTORS to their directory.",
        dir.display()
    );
    dir
}

/// The KMIP tables directory: `$KMIP_TABLES`, else `../shared/kmip/tables`.
pub fn tables_dir() -> PathBuf {
    let dir = match std::env::var_os("KMIP_TABLES") {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/kmip/tables"),
    };
    assert!(
        dir.join("tags.tsv").is_file(),
        "KMIP tables not found at {}; set KMIP_TABLES or put ../shared beside the repository",
        dir.display()
    );
    dir
}

/// Every file under the vector directory with the given extension, sorted.
pub fn vector_files(extension: &str) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let root = vectors_dir();
    for version in std::fs::read_dir(&root).expect("read vectors dir") {
        let version = version.expect("dir entry").path();
        if !version.is_dir() {
            continue;
        }
        for file in std::fs::read_dir(&version).expect("read version dir") {
            let file = file.expect("dir entry").path();
            if file.to_string_lossy().ends_with(extension) {
                files.push(file);
            }
        }
    }
    files.sort();
    files
}

/// Replaces every placeholder with a deterministic value of its type, so a
/// transcript can be encoded to binary.
pub fn bind_placeholders(item: &mut Item) {
    kmip_conform::suite::oasis::bind_samples(item);
}
