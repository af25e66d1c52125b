//! Code generation for kmip-conform.
//!
//! [`generate`] turns the KMIP tables (`../shared/kmip/tables/*.tsv`) into the
//! text of `src/kmip/generated.rs`; the binary writes it
//! (`cargo run -p xtask -- gen-dictionary`) and `tests/fresh.rs` checks that
//! the committed file is up to date.

use std::path::Path;

mod checks;
mod emit;
mod model;
mod names;
mod tables;

pub use names::is_valid_ident;

/// The generated file for the tables in `tables_dir`, plus the non-fatal
/// findings (unmapped tags, names in the error tables that match no
/// enumeration value, …) worth printing.
///
/// Errors name the file and line of a malformed table, or list every
/// cross-table inconsistency (enumeration copies that disagree, duplicate
/// values or names).
pub fn generate_with_notes(tables_dir: &Path) -> Result<(String, Vec<String>), String> {
    let model = model::load(tables_dir)?;
    let text = emit::render(&model)?;
    Ok((text, model.notes))
}

/// The generated file for the tables in `tables_dir`.
pub fn generate(tables_dir: &Path) -> Result<String, String> {
    generate_with_notes(tables_dir).map(|(text, _)| text)
}
