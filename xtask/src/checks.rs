//! Cross-table checks: the per-enumeration copies (`enums/*.tsv`,
//! `operations.tsv`, `result_status.tsv`, `result_reason.tsv`) must repeat
//! `enumerations.tsv` (errors), and the free-text error tables should use exact
//! enumeration names (notes only).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::model::Model;
use crate::tables::{enum_file_name, read_table, Row, Table};

const ENUM_FILE_COLUMNS: &[&str] = &[
    "name",
    "xml_name",
    "hex",
    "first_version",
    "status",
    "sources",
];
/// Standalone copies of single enumerations that must match `enumerations.tsv`.
const STANDALONE: &[(&str, &str)] = &[
    ("operations.tsv", "Operation"),
    ("result_status.tsv", "Result Status"),
    ("result_reason.tsv", "Result Reason"),
];

/// Pushes a problem for every value that occurs more than once.
pub fn check_dups(what: &str, items: impl Iterator<Item = String>, problems: &mut Vec<String>) {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    for (item, n) in counts {
        if n > 1 {
            problems.push(format!("{what} {item} occurs {n} times"));
        }
    }
}

/// `enums/*.tsv` and the standalone operation/result tables must repeat the
/// rows of `enumerations.tsv` exactly, in the same order.
pub fn check_enum_copies(
    dir: &Path,
    all: &Table,
    problems: &mut Vec<String>,
) -> Result<(), String> {
    let mut expected: BTreeMap<String, (String, Vec<&Row>)> = BTreeMap::new();
    for row in &all.rows {
        let entry = expected.entry(enum_file_name(row.get(0)));
        entry
            .or_insert_with(|| (row.get(0).to_owned(), Vec::new()))
            .1
            .push(row);
    }
    let enums_dir = dir.join("enums");
    let listing = std::fs::read_dir(&enums_dir)
        .map_err(|e| format!("cannot list {}: {e}", enums_dir.display()))?;
    let mut files = BTreeSet::new();
    for entry in listing {
        let entry = entry.map_err(|e| format!("cannot list {}: {e}", enums_dir.display()))?;
        let file = entry.file_name().to_string_lossy().into_owned();
        if file.ends_with(".tsv") {
            files.insert(file);
        }
    }
    for file in &files {
        if !expected.contains_key(file) {
            problems.push(format!(
                "enums/{file} matches no enumeration in enumerations.tsv"
            ));
        }
    }
    let mut copies: Vec<(String, String, String)> = Vec::new();
    for (file, (name, _)) in &expected {
        if files.contains(file) {
            copies.push((format!("enums/{file}"), file.clone(), name.clone()));
        } else {
            problems.push(format!("enumeration `{name}` has no enums/{file}"));
        }
    }
    for (file, name) in STANDALONE {
        let key = enum_file_name(name);
        copies.push(((*file).to_owned(), key, (*name).to_owned()));
    }
    for (rel, key, name) in copies {
        let copy = read_table(dir, &rel, ENUM_FILE_COLUMNS)?;
        let Some((_, rows)) = expected.get(&key) else {
            problems.push(format!(
                "{rel}: enumeration `{name}` is missing from enumerations.tsv"
            ));
            continue;
        };
        if copy.rows.len() != rows.len() {
            problems.push(format!(
                "{rel} has {} rows but enumerations.tsv has {} for `{name}`",
                copy.rows.len(),
                rows.len()
            ));
        }
        for (c, r) in copy.rows.iter().zip(rows) {
            if c.fields[..] != r.fields[1..] {
                problems.push(format!(
                    "{} disagrees with {}: {:?} vs {:?}",
                    copy.at(c),
                    all.at(r),
                    c.fields,
                    &r.fields[1..]
                ));
                break;
            }
        }
    }
    Ok(())
}

/// Notes names in the error tables that are not exact enumeration names.
pub fn lint_errors_tables(m: &mut Model) {
    let names = |enumeration: &str| -> BTreeSet<String> {
        m.enums
            .iter()
            .filter(|e| e.name == enumeration)
            .flat_map(|e| e.values.iter().map(|v| v.name.clone()))
            .collect()
    };
    let (reasons, ops, statuses) = (
        names("Result Reason"),
        names("Operation"),
        names("Result Status"),
    );
    let mut notes = Vec::new();
    let mut odd = BTreeSet::new();
    let mut twice = Vec::new();
    for (_, op, status, allowed) in &m.errors_v21 {
        if !ops.contains(op) {
            odd.insert(format!("operation `{op}`"));
        }
        if !statuses.contains(status) {
            odd.insert(format!("result status `{status}`"));
        }
        let mut seen = BTreeSet::new();
        for reason in allowed {
            if !reasons.contains(reason) {
                odd.insert(format!("result reason `{reason}`"));
            }
            if !seen.insert(reason) {
                twice.push(format!("{op} ({reason})"));
            }
        }
    }
    if !twice.is_empty() {
        notes.push(format!(
            "errors_v2.1.tsv: {} rows list a result reason twice: {}",
            twice.len(),
            twice.join(", ")
        ));
    }
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (dir, op, _, _) in &m.errors_v21 {
        *counts.entry((dir, op)).or_default() += 1;
    }
    for ((dir, op), n) in counts.into_iter().filter(|&(_, n)| n > 1) {
        notes.push(format!("errors_v2.1.tsv: {n} rows for {dir} `{op}`"));
    }
    for item in odd {
        notes.push(format!(
            "errors_v2.1.tsv: {item} is not an enumeration name"
        ));
    }
    let mut odd = BTreeSet::new();
    for [_, _, _, reason] in &m.errors_v12 {
        if !reasons.contains(reason) {
            odd.insert(reason.clone());
        }
    }
    if !odd.is_empty() {
        let list: Vec<String> = odd.iter().map(|r| format!("`{r}`")).collect();
        notes.push(format!(
            "errors_v1.2.tsv: result_reason cells that are not Result Reason names: {}",
            list.join(", ")
        ));
    }
    let mut seen = BTreeSet::new();
    let mut odd = BTreeSet::new();
    for (reason, _) in &m.descriptions {
        if !reasons.contains(reason) {
            odd.insert(format!("`{reason}`"));
        }
        if !seen.insert(reason) {
            notes.push(format!(
                "result_reason_descriptions_v2.1.tsv: `{reason}` is described twice"
            ));
        }
    }
    if !odd.is_empty() {
        let list: Vec<String> = odd.into_iter().collect();
        notes.push(format!(
            "result_reason_descriptions_v2.1.tsv: reasons that are not Result Reason names: {}",
            list.join(", ")
        ));
    }
    m.notes.extend(notes);
}
