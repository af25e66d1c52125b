//! Reading the TSV tables: a strict tab-separated reader (header checked, column
//! count checked per line) and the parsers for the cells the generator
//! interprets (hex values, versions, item types, the free-text status column).

use std::fs;
use std::path::{Path, PathBuf};

/// The item type names `tags.tsv` may use, as spelled by `crate::ttlv::ItemType`.
pub const ITEM_TYPE_NAMES: &[&str] = &[
    "Structure",
    "Integer",
    "LongInteger",
    "BigInteger",
    "Enumeration",
    "Boolean",
    "TextString",
    "ByteString",
    "DateTime",
    "Interval",
    "DateTimeExtended",
];

/// The versions `Version` has constants for: `("1.0", "V1_0")`, ….
const VERSIONS: &[(&str, &str)] = &[
    ("1.0", "V1_0"),
    ("1.1", "V1_1"),
    ("1.2", "V1_2"),
    ("1.3", "V1_3"),
    ("1.4", "V1_4"),
    ("2.0", "V2_0"),
    ("2.1", "V2_1"),
];

/// One data line of a table.
#[derive(Debug, Clone)]
pub struct Row {
    /// 1-based line number in the file.
    pub line: usize,
    pub fields: Vec<String>,
}

impl Row {
    /// Field `i`; the reader guarantees every row has all header columns.
    pub fn get(&self, i: usize) -> &str {
        &self.fields[i]
    }
}

/// A whole table, header checked against the expected column names.
#[derive(Debug)]
pub struct Table {
    pub path: PathBuf,
    pub rows: Vec<Row>,
}

impl Table {
    /// `file:line` for error messages.
    pub fn at(&self, row: &Row) -> String {
        format!("{}:{}", self.path.display(), row.line)
    }
}

/// Reads `dir/name`, checks its header is exactly `columns` and that every
/// non-empty line has that many tab-separated fields.
pub fn read_table(dir: &Path, name: &str, columns: &[&str]) -> Result<Table, String> {
    let path = dir.join(name);
    let text =
        fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut lines = text.lines().enumerate();
    let header = lines
        .next()
        .map(|(_, l)| l.trim_end_matches('\r'))
        .ok_or_else(|| format!("{} is empty (expected a header line)", path.display()))?;
    let found: Vec<&str> = header.split('\t').collect();
    if found != columns {
        return Err(format!(
            "{}:1: unexpected header {found:?}, expected {columns:?}",
            path.display()
        ));
    }
    let mut rows = Vec::new();
    for (i, line) in lines {
        let line = line.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let fields: Vec<String> = line.split('\t').map(str::to_owned).collect();
        if fields.len() != columns.len() {
            return Err(format!(
                "{}:{}: {} fields, expected {} ({columns:?})",
                path.display(),
                i + 1,
                fields.len(),
                columns.len()
            ));
        }
        rows.push(Row {
            line: i + 1,
            fields,
        });
    }
    Ok(Table { path, rows })
}

/// Parses `0x…` hex (the prefix is required).
pub fn parse_hex(s: &str) -> Result<u32, String> {
    let digits = s
        .strip_prefix("0x")
        .or_else(|| s.strip_prefix("0X"))
        .ok_or_else(|| format!("`{s}` is not a 0x-prefixed hex value"))?;
    u32::from_str_radix(digits, 16).map_err(|e| format!("`{s}` is not a hex value: {e}"))
}

/// `1.0` → `Some("V1_0")`; `-` or empty → `None`; anything else is an error.
pub fn parse_version(s: &str) -> Result<Option<&'static str>, String> {
    let s = s.trim();
    if s.is_empty() || s == "-" {
        return Ok(None);
    }
    VERSIONS
        .iter()
        .find(|(text, _)| *text == s)
        .map(|(_, constant)| Some(*constant))
        .ok_or_else(|| format!("unknown KMIP version `{s}`"))
}

/// A tag's or value's lifetime, as `Version` constant names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Life {
    pub since: Option<&'static str>,
    pub removed_in: Option<&'static str>,
    pub deprecated_in: Option<&'static str>,
}

/// The version written right at the start of `rest` (`2.1…`, `2.x…` → 2.0).
fn leading_version(rest: &str) -> Option<&'static str> {
    let head = rest.get(..3)?;
    if head.eq_ignore_ascii_case("2.x") {
        return Some("V2_0");
    }
    parse_version(head).ok().flatten()
}

/// The version after the first occurrence of any of `patterns` in `lower`.
fn version_after(lower: &str, patterns: &[&str]) -> Option<&'static str> {
    patterns.iter().find_map(|p| {
        let at = lower.find(p)?;
        leading_version(&lower[at + p.len()..])
    })
}

/// Derives the lifetime from `first_version` and the free-text status column.
///
/// * `Reserved in 2.x …` → removed in 2.0; `Reserved in 2.1 …` → removed in
///   2.1, or in 2.0 when the note adds that 2.0 already designated the value
///   `'(Reserved)'`.
/// * `deprecated as of version 1.1`, `Deprecated as of KMIP 1.2`,
///   `Deprecated in KMIP 1.3` → deprecated in that version.
pub fn parse_life(first_version: &str, status: &str) -> Result<Life, String> {
    let since = parse_version(first_version)?;
    let lower = status.to_ascii_lowercase();
    let mut removed_in = version_after(&lower, &["reserved in "]);
    if removed_in.is_some() && lower.contains("designated '(reserved)' in kmip 2.0") {
        removed_in = Some("V2_0");
    }
    let deprecated_in = version_after(
        &lower,
        &[
            "deprecated as of version ",
            "deprecated as of kmip ",
            "deprecated in kmip ",
        ],
    );
    Ok(Life {
        since,
        removed_in,
        deprecated_in,
    })
}

/// Does a status mention reserving or deprecating without [`parse_life`]
/// finding a version in it? (Reported as a note, not an error.)
pub fn status_unparsed(status: &str, life: &Life) -> bool {
    let lower = status.to_ascii_lowercase();
    (lower.contains("reserved") && life.removed_in.is_none())
        || (lower.contains("deprecated") && life.deprecated_in.is_none())
}

/// Splits an `item_type_spec` cell (`Boolean|Enumeration`) and checks each name.
pub fn parse_item_types(spec: &str) -> Result<Vec<String>, String> {
    let spec = spec.trim();
    if spec.is_empty() {
        return Ok(Vec::new());
    }
    spec.split('|')
        .map(|t| {
            let t = t.trim();
            if ITEM_TYPE_NAMES.contains(&t) {
                Ok(t.to_owned())
            } else {
                Err(format!("unknown item type `{t}` in `{spec}`"))
            }
        })
        .collect()
}

/// The file under `enums/` that holds an enumeration: `FIPS186 Variation` →
/// `fips186_variation.tsv`.
pub fn enum_file_name(enumeration: &str) -> String {
    let mut out = String::new();
    for c in enumeration.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('_') {
            out.push('_');
        }
    }
    while out.ends_with('_') {
        out.pop();
    }
    out + ".tsv"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes() {
        let l = parse_life(
            "1.0",
            "Reserved in 2.x (removed); deprecated as of version 1.1",
        )
        .unwrap();
        assert_eq!(l.since, Some("V1_0"));
        assert_eq!(l.removed_in, Some("V2_0"));
        assert_eq!(l.deprecated_in, Some("V1_1"));
        let l = parse_life("1.0", "Reserved in 2.1").unwrap();
        assert_eq!((l.removed_in, l.deprecated_in), (Some("V2_1"), None));
        let l = parse_life(
            "1.0",
            "Reserved in 2.1; PyKMIP: Deprecated in KMIP 1.4, designated '(Reserved)' in KMIP 2.0",
        )
        .unwrap();
        assert_eq!(
            (l.removed_in, l.deprecated_in),
            (Some("V2_0"), Some("V1_4"))
        );
        let l = parse_life(
            "1.0",
            "Reserved in 2.1; PyKMIP: Designated '(Reserved)' in KMIP 2.0",
        )
        .unwrap();
        assert_eq!((l.removed_in, l.deprecated_in), (Some("V2_0"), None));
        let l = parse_life(
            "1.0",
            "PyKMIP: Deprecated as of KMIP 1.2, not deprecated in KMIP 2.0",
        )
        .unwrap();
        assert_eq!((l.removed_in, l.deprecated_in), (None, Some("V1_2")));
        let l = parse_life(
            "1.3",
            "Reserved in 2.x (2.1 reserves 0x00000001-0x00000103)",
        )
        .unwrap();
        assert_eq!((l.since, l.removed_in), (Some("V1_3"), Some("V2_0")));
        let l = parse_life("-", "").unwrap();
        assert_eq!(l, Life::default());
        assert!(parse_life("3.0", "").is_err());
    }

    #[test]
    fn cells() {
        assert_eq!(parse_hex("0x42000A"), Ok(0x42000A));
        assert!(parse_hex("42").is_err());
        assert_eq!(parse_item_types("").unwrap(), Vec::<String>::new());
        assert_eq!(
            parse_item_types("Boolean|Enumeration").unwrap(),
            ["Boolean", "Enumeration"]
        );
        assert!(parse_item_types("Bogus").is_err());
        assert_eq!(enum_file_name("FIPS186 Variation"), "fips186_variation.tsv");
        assert_eq!(enum_file_name("DRBG Algorithm"), "drbg_algorithm.tsv");
    }
}
