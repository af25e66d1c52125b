//! The dictionary model built from the tables: tags, enumerations (sorted, with
//! lifetimes), the tag → enumeration map and the error tables. Cross-table
//! checks live in `checks`; problems they find are errors, oddities are notes.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::checks::{check_dups, check_enum_copies, lint_errors_tables};
use crate::tables::{
    parse_hex, parse_item_types, parse_life, parse_version, read_table, status_unparsed, Life, Row,
    Table,
};

const TAG_COLUMNS: &[&str] = &[
    "name",
    "hex",
    "first_version",
    "xml_name",
    "item_type_spec",
    "item_types_seen_in_vectors",
    "status",
    "other_names_in_other_versions",
];
const ENUMERATION_COLUMNS: &[&str] = &[
    "enumeration",
    "name",
    "xml_name",
    "hex",
    "first_version",
    "status",
    "sources",
];
const ITEM_TYPE_COLUMNS: &[&str] = &[
    "name",
    "xml_name",
    "type_byte_hex",
    "first_version",
    "fixed_value_length",
    "padding_after_value",
    "notes",
];
const ERRORS_V12_COLUMNS: &[&str] = &[
    "section",
    "error_definition",
    "result_status_or_action",
    "result_reason",
];
const ERRORS_V21_COLUMNS: &[&str] = &[
    "direction",
    "operation",
    "result_status",
    "allowed_result_reasons_listed_in_spec",
];
const DESCRIPTION_COLUMNS: &[&str] = &["result_reason", "description_from_kmip_2.1_spec"];

/// Tags that carry another enumeration's values (tag name → enumeration name).
pub const EXTRA_TAG_ENUMS: &[(&str, &str)] =
    &[("Mask Generator Hashing Algorithm", "Hashing Algorithm")];

/// One row of `tags.tsv`.
#[derive(Debug)]
pub struct TagRow {
    pub value: u32,
    pub name: String,
    pub xml_name: String,
    pub item_types: Vec<String>,
    pub seen: Vec<String>,
    pub life: Life,
    pub note: String,
}

/// One value row of an enumeration.
#[derive(Debug)]
pub struct ValueRow {
    pub value: u32,
    pub name: String,
    pub xml_name: String,
    pub life: Life,
    pub note: String,
}

/// One enumeration, values sorted by value.
#[derive(Debug)]
pub struct Enumeration {
    pub name: String,
    pub is_mask: bool,
    pub values: Vec<ValueRow>,
}

/// Everything the generated file holds.
#[derive(Debug, Default)]
pub struct Model {
    /// Sorted by tag value.
    pub tags: Vec<TagRow>,
    /// Sorted by enumeration name.
    pub enums: Vec<Enumeration>,
    /// `(tag, index into enums)`, sorted by tag.
    pub tag_enums: Vec<(u32, usize)>,
    /// `(type byte, xml_name, fixed length)`.
    pub item_types: Vec<(u8, String, Option<u32>)>,
    /// `[section, condition, status or action, reason]`, table order.
    pub errors_v12: Vec<[String; 4]>,
    /// `(direction, operation, result status, allowed reasons)`, table order.
    pub errors_v21: Vec<(String, String, String, Vec<String>)>,
    /// `(result reason, description)`, table order.
    pub descriptions: Vec<(String, String)>,
    /// Non-fatal findings, for stderr.
    pub notes: Vec<String>,
}

fn at_err(table: &Table, row: &Row) -> impl Fn(String) -> String {
    let at = table.at(row);
    move |e| format!("{at}: {e}")
}

/// Loads and checks every table under `dir`.
pub fn load(dir: &Path) -> Result<Model, String> {
    if !dir.is_dir() {
        return Err(format!(
            "KMIP tables directory not found: {}",
            dir.display()
        ));
    }
    let mut m = Model::default();
    let mut problems = Vec::new();
    load_tags(dir, &mut m, &mut problems)?;
    let enum_table = read_table(dir, "enumerations.tsv", ENUMERATION_COLUMNS)?;
    load_enums(&enum_table, &mut m, &mut problems)?;
    check_enum_copies(dir, &enum_table, &mut problems)?;
    map_tag_enums(&mut m, &mut problems);
    load_misc(dir, &mut m)?;
    lint_errors_tables(&mut m);
    if problems.is_empty() {
        Ok(m)
    } else {
        Err(format!(
            "table inconsistencies:\n  {}",
            problems.join("\n  ")
        ))
    }
}

fn load_tags(dir: &Path, m: &mut Model, problems: &mut Vec<String>) -> Result<(), String> {
    let t = read_table(dir, "tags.tsv", TAG_COLUMNS)?;
    for row in &t.rows {
        let e = at_err(&t, row);
        let life = parse_life(row.get(2), row.get(6)).map_err(&e)?;
        if status_unparsed(row.get(6), &life) {
            m.notes.push(format!(
                "tag {} `{}`: status mentions reserved/deprecated without a version: {:?}",
                row.get(1),
                row.get(0),
                row.get(6)
            ));
        }
        m.tags.push(TagRow {
            value: parse_hex(row.get(1)).map_err(&e)?,
            name: row.get(0).to_owned(),
            xml_name: row.get(3).to_owned(),
            item_types: parse_item_types(row.get(4)).map_err(&e)?,
            seen: parse_item_types(row.get(5)).map_err(&e)?,
            life,
            note: row.get(6).to_owned(),
        });
    }
    m.tags.sort_by_key(|t| t.value);
    check_dups(
        "tags.tsv: tag value",
        m.tags.iter().map(|t| format!("0x{:06X}", t.value)),
        problems,
    );
    let named = m.tags.iter().filter(|t| !t.xml_name.is_empty());
    check_dups(
        "tags.tsv: xml_name",
        named.map(|t| t.xml_name.clone()),
        problems,
    );
    let untyped: Vec<&str> = m
        .tags
        .iter()
        .filter(|t| t.item_types.is_empty() && !t.xml_name.is_empty())
        .map(|t| t.name.as_str())
        .collect();
    if !untyped.is_empty() {
        m.notes.push(format!(
            "{} named tags have an empty item_type_spec: {}",
            untyped.len(),
            untyped.join(", ")
        ));
    }
    Ok(())
}

fn load_enums(t: &Table, m: &mut Model, problems: &mut Vec<String>) -> Result<(), String> {
    let mut by_name: BTreeMap<String, Vec<ValueRow>> = BTreeMap::new();
    for row in &t.rows {
        let e = at_err(t, row);
        let life = parse_life(row.get(4), row.get(5)).map_err(&e)?;
        if status_unparsed(row.get(5), &life) {
            m.notes.push(format!(
                "{} {} `{}`: status mentions reserved/deprecated without a version: {:?}",
                row.get(0),
                row.get(3),
                row.get(1),
                row.get(5)
            ));
        }
        by_name
            .entry(row.get(0).to_owned())
            .or_default()
            .push(ValueRow {
                value: parse_hex(row.get(3)).map_err(&e)?,
                name: row.get(1).to_owned(),
                xml_name: row.get(2).to_owned(),
                life,
                note: row.get(5).to_owned(),
            });
    }
    for (name, mut values) in by_name {
        values.sort_by_key(|v| v.value);
        let what = format!("enumeration `{name}`: value");
        check_dups(
            &what,
            values.iter().map(|v| format!("0x{:08X}", v.value)),
            problems,
        );
        let what = format!("enumeration `{name}`: xml_name");
        let named = values.iter().filter(|v| !v.xml_name.is_empty());
        check_dups(&what, named.map(|v| v.xml_name.clone()), problems);
        let is_mask = name.ends_with("Mask");
        m.enums.push(Enumeration {
            name,
            is_mask,
            values,
        });
    }
    Ok(())
}

/// Fills `tag_enums` and notes the enumeration tags with no enumeration.
fn map_tag_enums(m: &mut Model, problems: &mut Vec<String>) {
    let index: BTreeMap<&str, usize> = m
        .enums
        .iter()
        .enumerate()
        .map(|(i, e)| (e.name.as_str(), i))
        .collect();
    for (tag, target) in EXTRA_TAG_ENUMS {
        if !index.contains_key(target) || !m.tags.iter().any(|t| t.name == *tag) {
            problems.push(format!(
                "extra tag mapping `{tag}` → `{target}`: tag or enumeration missing"
            ));
        }
    }
    let mut unmapped = Vec::new();
    let mut used = BTreeSet::new();
    for tag in &m.tags {
        let is_enum = tag
            .item_types
            .iter()
            .chain(&tag.seen)
            .any(|t| t == "Enumeration");
        let is_mask = index
            .get(tag.name.as_str())
            .is_some_and(|&i| m.enums[i].is_mask);
        // Tags the table leaves untyped but that share an enumeration's name
        // (Adjustment Type, Endpoint Role, …) carry that enumeration.
        let untyped_namesake = tag.item_types.is_empty()
            && tag.seen.is_empty()
            && index.contains_key(tag.name.as_str());
        if !is_enum && !is_mask && !untyped_namesake {
            continue;
        }
        let target = EXTRA_TAG_ENUMS
            .iter()
            .find(|(t, _)| *t == tag.name)
            .map_or(tag.name.as_str(), |(_, e)| e);
        match index.get(target) {
            Some(&i) => {
                m.tag_enums.push((tag.value, i));
                used.insert(i);
            }
            None => unmapped.push(tag.name.clone()),
        }
    }
    m.notes.push(format!(
        "info: {} Enumeration tags have no enumeration (left out of TAG_ENUMS): {}",
        unmapped.len(),
        unmapped.join(", ")
    ));
    let unused: Vec<&str> = (0..m.enums.len())
        .filter(|i| !used.contains(i))
        .map(|i| m.enums[i].name.as_str())
        .collect();
    m.notes.push(format!(
        "info: {} enumerations are carried by no Enumeration tag: {}",
        unused.len(),
        unused.join(", ")
    ));
}

fn load_misc(dir: &Path, m: &mut Model) -> Result<(), String> {
    let t = read_table(dir, "item_types.tsv", ITEM_TYPE_COLUMNS)?;
    for row in &t.rows {
        let e = at_err(&t, row);
        let byte = u8::try_from(parse_hex(row.get(2)).map_err(&e)?)
            .map_err(|_| e(format!("type byte {} does not fit in a u8", row.get(2))))?;
        parse_version(row.get(3)).map_err(&e)?;
        let fixed = row.get(4).trim().parse::<u32>().ok();
        m.item_types.push((byte, row.get(1).to_owned(), fixed));
    }
    m.item_types.sort();
    let t = read_table(dir, "errors_v1.2.tsv", ERRORS_V12_COLUMNS)?;
    m.errors_v12 = t
        .rows
        .iter()
        .map(|r| [0, 1, 2, 3].map(|i| r.get(i).to_owned()))
        .collect();
    let t = read_table(dir, "errors_v2.1.tsv", ERRORS_V21_COLUMNS)?;
    for r in &t.rows {
        let reasons = r.get(3).trim();
        let reasons = if reasons.is_empty() {
            Vec::new()
        } else {
            reasons.split(", ").map(str::to_owned).collect()
        };
        m.errors_v21.push((
            r.get(0).to_owned(),
            r.get(1).to_owned(),
            r.get(2).to_owned(),
            reasons,
        ));
    }
    let t = read_table(
        dir,
        "result_reason_descriptions_v2.1.tsv",
        DESCRIPTION_COLUMNS,
    )?;
    m.descriptions = t
        .rows
        .iter()
        .map(|r| (r.get(0).to_owned(), r.get(1).to_owned()))
        .collect();
    Ok(())
}
