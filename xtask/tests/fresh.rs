//! The committed `src/kmip/generated.rs` must be exactly what the generator
//! produces from the tables (`$KMIP_TABLES`, or `<workspace>/../shared/kmip/tables`).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

fn tables_dir() -> PathBuf {
    let dir = std::env::var_os("KMIP_TABLES")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared/kmip/tables"));
    assert!(
        dir.is_dir(),
        "KMIP tables directory not found at {} (set KMIP_TABLES to the directory holding tags.tsv)",
        dir.display()
    );
    dir
}

fn generated() -> String {
    let dir = tables_dir();
    xtask::generate(&dir).unwrap_or_else(|e| panic!("generating from {}: {e}", dir.display()))
}

#[test]
fn generated_rs_is_fresh() {
    let fresh = generated();
    let path = workspace_root().join("src/kmip/generated.rs");
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}; generated.rs is stale: run cargo run -p xtask -- gen-dictionary",
            path.display()
        )
    });
    if committed != fresh {
        let first = committed
            .lines()
            .zip(fresh.lines())
            .position(|(a, b)| a != b)
            .unwrap_or_else(|| committed.lines().count().min(fresh.lines().count()));
        panic!(
            "generated.rs is stale: run cargo run -p xtask -- gen-dictionary\n\
             ({} differs from the generator's output from line {}: committed {:?}, generated {:?})",
            path.display(),
            first + 1,
            committed.lines().nth(first).unwrap_or("<end of file>"),
            fresh.lines().nth(first).unwrap_or("<end of file>"),
        );
    }
}

#[test]
fn output_is_deterministic() {
    assert_eq!(generated(), generated());
}

/// Every `pub const` / `pub struct` name in the output is a valid identifier,
/// unique within its scope (the `tags` module, each `impl`, the file).
#[test]
fn identifiers_are_valid_and_unique() {
    let text = generated();
    let mut types = BTreeSet::new();
    let mut scope = String::from("<file>");
    let mut consts = BTreeSet::new();
    let mut total = 0;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if let Some(rest) = line.strip_prefix("pub struct ") {
            let name = rest.split('(').next().unwrap();
            assert!(xtask::is_valid_ident(name), "invalid type name {name:?}");
            assert!(types.insert(name.to_owned()), "duplicate type {name}");
        } else if line.starts_with("impl ") || line.starts_with("pub mod ") {
            scope = line.to_owned();
            consts.clear();
        } else if let Some(rest) = trimmed.strip_prefix("pub const ") {
            let name = rest.split(':').next().unwrap();
            assert!(
                xtask::is_valid_ident(name),
                "invalid constant {name:?} in {scope}"
            );
            assert!(
                consts.insert(name.to_owned()),
                "duplicate constant {name} in {scope}"
            );
            total += 1;
        }
    }
    assert!(types.contains("ObjectType") && types.contains("ItemTypeEnum"));
    for imported in [
        "ItemType",
        "Tag",
        "Version",
        "Lifetime",
        "TagDef",
        "EnumDef",
        "EnumValueDef",
    ] {
        assert!(
            !types.contains(imported),
            "type {imported} collides with an import"
        );
    }
    assert!(total > 1000, "only {total} constants found");
}
