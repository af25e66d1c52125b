//! Reading suite files: YAML (serde_norway, the maintained serde_yaml fork) into
//! the [`model`](super::model). Schema errors name file:line:column and what was
//! expected; semantic errors name the case's line and the step and field.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_norway::Value as Yaml;

use super::build::Builder;
use super::model::*;
use crate::kmip::{dictionary, tags, KmipNames, ResultStatus, Version};
use crate::ttlv::render::hex;
use crate::ttlv::{Item, Names, Tag, Value};

/// A suite file problem, located.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {message}")]
pub struct SuiteError {
    /// `file:line[:column]`.
    pub location: String,
    pub message: String,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawSuite {
    suite: String,
    title: String,
    #[serde(default)]
    tags: Vec<String>,
    cases: Vec<RawCase>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawCase {
    id: String,
    title: String,
    spec: String,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    needs: Vec<String>,
    steps: Vec<RawStep>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    request: Option<RawRequest>,
    #[serde(default)]
    batch: Option<RawBatch>,
    #[serde(default)]
    raw: Option<String>,
    #[serde(default)]
    anonymous: Option<RawRequest>,
    #[serde(default)]
    expect: Option<RawExpect>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawRequest {
    operation: String,
    #[serde(default)]
    payload: Yaml,
    #[serde(default)]
    header: Yaml,
    #[serde(default)]
    id: Option<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RawBatch {
    #[serde(default)]
    header: Yaml,
    items: Vec<RawRequest>,
}

#[derive(Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields)]
struct RawExpect {
    #[serde(default)]
    status: Option<OneOrMany>,
    #[serde(default)]
    reason: Option<OneOrMany>,
    #[serde(default)]
    operation: Option<String>,
    #[serde(default)]
    payload: Option<serde_norway::Mapping>,
    #[serde(default)]
    items: Option<Vec<RawExpect>>,
    #[serde(default)]
    count: Option<usize>,
    #[serde(default)]
    outcome: Option<String>,
    #[serde(default, rename = "async")]
    allow_async: bool,
    #[serde(default, rename = "if-synchronous")]
    if_synchronous: Option<String>,
}

#[derive(Deserialize, Serialize, Clone)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

impl OneOrMany {
    fn list(&self) -> Vec<String> {
        match self {
            OneOrMany::One(s) => vec![s.clone()],
            OneOrMany::Many(v) => v.clone(),
        }
    }
}

fn enum_value(enumeration: &str, name: &str) -> Result<u32, String> {
    dictionary::enumeration(enumeration)
        .and_then(|e| e.value_by_name(name))
        .map(|v| v.value)
        .ok_or_else(|| format!("`{name}` is not a {enumeration}"))
}

/// The line a case starts on (`- id: …`), found in the text.
fn case_line(text: &str, id: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim_start().trim_start_matches('-').trim_start();
            l.strip_prefix("id:")
                .is_some_and(|rest| rest.trim().trim_matches(['"', '\'']) == id)
        })
        .map_or(1, |i| i + 1)
}

/// Deserialises suite text into the raw schema; a YAML or schema error is
/// located at file:line:column.
fn read_raw(text: &str, path: &Path) -> Result<RawSuite, SuiteError> {
    serde_norway::from_str(text).map_err(|e| SuiteError {
        location: match e.location() {
            Some(l) => format!("{}:{}:{}", path.display(), l.line(), l.column()),
            None => path.display().to_string(),
        },
        message: e.to_string(),
    })
}

/// Re-serialises suite text in the schema's canonical layout (model → YAML),
/// for tools that rewrite suite files; `parse_suite` of the result gives the
/// same cases (locations aside).
pub fn canonical_yaml(text: &str, path: &Path) -> Result<String, SuiteError> {
    let raw = read_raw(text, path)?;
    serde_norway::to_string(&raw).map_err(|e| SuiteError {
        location: path.display().to_string(),
        message: e.to_string(),
    })
}

/// Reads one suite file.
pub fn read_suite(path: &Path) -> Result<Suite, SuiteError> {
    let text = std::fs::read_to_string(path).map_err(|e| SuiteError {
        location: path.display().to_string(),
        message: e.to_string(),
    })?;
    parse_suite(&text, path)
}

/// Parses suite text (`path` is only for locations).
pub fn parse_suite(text: &str, path: &Path) -> Result<Suite, SuiteError> {
    let raw = read_raw(text, path)?;
    let mut cases = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for raw_case in &raw.cases {
        let location = Location {
            file: path.to_owned(),
            line: case_line(text, &raw_case.id),
        };
        let versions: Vec<Version> = if raw_case.versions.is_empty() {
            vec![Version::V1_4]
        } else {
            raw_case
                .versions
                .iter()
                .map(|v| {
                    v.parse::<Version>().map_err(|e| SuiteError {
                        location: location.to_string(),
                        message: e.to_string(),
                    })
                })
                .collect::<Result<_, _>>()?
        };
        for version in versions {
            let case =
                build_case(&raw, raw_case, version, location.clone()).map_err(|message| {
                    SuiteError {
                        location: location.to_string(),
                        message: format!("case {}: {message}", raw_case.id),
                    }
                })?;
            if !seen.insert(case.id.clone()) {
                return Err(SuiteError {
                    location: location.to_string(),
                    message: format!("duplicate case ID {}", case.id),
                });
            }
            cases.push(case);
        }
    }
    Ok(Suite {
        name: raw.suite,
        title: raw.title,
        file: path.to_owned(),
        cases,
    })
}

fn build_case(
    suite: &RawSuite,
    raw: &RawCase,
    version: Version,
    location: Location,
) -> Result<Case, String> {
    let builder = Builder { version };
    let mut steps = Vec::new();
    for (index, raw_step) in raw.steps.iter().enumerate() {
        let name = raw_step
            .name
            .clone()
            .unwrap_or_else(|| format!("step {}", index + 1));
        steps.push(
            build_step(&builder, raw_step, &name, location.clone())
                .map_err(|e| format!("{name}: {e}"))?,
        );
    }
    let mut tags = suite.tags.clone();
    tags.extend(raw.tags.iter().cloned());
    tags.push(format!("v{version}"));
    Ok(Case {
        id: format!("kmip-{version}/{}", raw.id),
        title: raw.title.clone(),
        spec: raw.spec.clone(),
        tags,
        version,
        needs: raw
            .needs
            .iter()
            .map(|n| enum_value("Operation", n))
            .collect::<Result<_, _>>()?,
        steps,
        location,
        suite: suite.suite.clone(),
    })
}

fn request_message(builder: &Builder, header: &Yaml, items: &[RawRequest]) -> Result<Item, String> {
    let mut children = vec![builder.header(header, items.len())?];
    for raw in items {
        let operation = enum_value("Operation", &raw.operation)?;
        let mut fields = vec![Item::new(tags::OPERATION, Value::Enumeration(operation))];
        if let Some(id) = &raw.id {
            fields.push(Item::new(
                tags::UNIQUE_BATCH_ITEM_ID,
                Value::ByteString(id.as_bytes().to_vec()),
            ));
        }
        let payload = builder
            .structure(tags::REQUEST_PAYLOAD, &raw.payload)
            .map_err(|e| format!("{} payload: {e}", raw.operation))?;
        fields.push(payload);
        if raw.header != Yaml::Null {
            return Err("`header` belongs to the request or batch, not to a batch item".into());
        }
        children.push(Item::structure(tags::BATCH_ITEM, fields));
    }
    Ok(Item::structure(tags::REQUEST_MESSAGE, children))
}

fn build_step(
    builder: &Builder,
    raw: &RawStep,
    name: &str,
    location: Location,
) -> Result<Step, String> {
    let kinds = [
        raw.request.is_some(),
        raw.batch.is_some(),
        raw.raw.is_some(),
        raw.anonymous.is_some(),
    ];
    if kinds.iter().filter(|k| **k).count() != 1 {
        return Err("a step has exactly one of request, batch, raw, anonymous".into());
    }
    let action = if let Some(request) = &raw.request {
        let header = request.header.clone();
        let item = RawRequest {
            header: Yaml::Null,
            ..clone_request(request)
        };
        Action::Request(request_message(
            builder,
            &header,
            std::slice::from_ref(&item),
        )?)
    } else if let Some(batch) = &raw.batch {
        Action::Request(request_message(builder, &batch.header, &batch.items)?)
    } else if let Some(bytes) = &raw.raw {
        Action::Raw(hex::decode(bytes).map_err(|e| format!("raw: {e}"))?)
    } else {
        let request = raw.anonymous.as_ref().expect("checked above");
        let item = RawRequest {
            header: Yaml::Null,
            ..clone_request(request)
        };
        Action::Anonymous(request_message(
            builder,
            &request.header,
            std::slice::from_ref(&item),
        )?)
    };
    let expect = build_expect(
        builder,
        raw.expect.as_ref().unwrap_or(&RawExpect::default()),
    )?;
    Ok(Step {
        name: name.to_owned(),
        action,
        expect,
        location,
    })
}

fn clone_request(r: &RawRequest) -> RawRequest {
    RawRequest {
        operation: r.operation.clone(),
        payload: r.payload.clone(),
        header: r.header.clone(),
        id: r.id.clone(),
    }
}

fn build_expect(builder: &Builder, raw: &RawExpect) -> Result<StepExpect, String> {
    let outcome = match raw.outcome.as_deref() {
        None => None,
        Some("error-or-close") => Some(Outcome::ErrorOrClose),
        Some("refused") => Some(Outcome::Refused),
        Some("response") => Some(Outcome::Response),
        Some(other) => {
            return Err(format!(
                "outcome `{other}`: expected error-or-close, refused or response"
            ))
        }
    };
    let items = match &raw.items {
        Some(list) => list
            .iter()
            .map(|e| item_expect(builder, e))
            .collect::<Result<_, _>>()?,
        None => vec![item_expect(builder, raw)?],
    };
    let na_if_synchronous = match raw.if_synchronous.as_deref() {
        None => false,
        Some("n/a") | Some("N/A") => true,
        Some(other) => return Err(format!("if-synchronous `{other}`: the only choice is n/a")),
    };
    Ok(StepExpect {
        items,
        item_count: raw.count,
        outcome,
        allow_async: raw.allow_async,
        na_if_synchronous,
    })
}

fn item_expect(builder: &Builder, raw: &RawExpect) -> Result<ItemExpect, String> {
    let status = raw
        .status
        .as_ref()
        .map(|s| {
            s.list()
                .iter()
                .map(|n| enum_value("Result Status", n))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_else(|| vec![ResultStatus::SUCCESS.0]);
    let reasons = raw
        .reason
        .as_ref()
        .map(|s| {
            s.list()
                .iter()
                .map(|n| enum_value("Result Reason", n))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    let operation = raw
        .operation
        .as_deref()
        .map(|o| enum_value("Operation", o))
        .transpose()?;
    let mut checks = Vec::new();
    if let Some(payload) = &raw.payload {
        for (path, matcher) in payload {
            let path = path
                .as_str()
                .ok_or("payload paths must be strings")?
                .to_owned();
            checks.push(Check {
                matcher: matcher_of(builder, &path, matcher)
                    .map_err(|e| format!("payload {path}: {e}"))?,
                path,
            });
        }
    }
    Ok(ItemExpect {
        status,
        reasons,
        operation,
        checks,
    })
}

/// The tag a path ends in (`@Name` paths end in the attribute's tag).
fn last_tag(path: &str) -> Result<Tag, String> {
    let last = path
        .rsplit('/')
        .next()
        .unwrap_or(path)
        .trim_start_matches('@');
    let last = last.split('[').next().unwrap_or(last);
    KmipNames
        .tag_by_name(last)
        .ok_or_else(|| format!("unknown tag `{last}`"))
}

fn matcher_of(builder: &Builder, path: &str, yaml: &Yaml) -> Result<Matcher, String> {
    match yaml {
        Yaml::String(s) if s == "present" => return Ok(Matcher::Present),
        Yaml::String(s) if s == "absent" => return Ok(Matcher::Absent),
        Yaml::Mapping(map) if map.len() == 1 => {
            let (key, value) = map.iter().next().expect("one entry");
            let key = key.as_str().unwrap_or_default();
            let tag = last_tag(path)?;
            return match key {
                "equals" => Ok(Matcher::Equals(builder.item(tag, value, &[])?)),
                "one-of" => {
                    let Yaml::Sequence(options) = value else { return Err("one-of takes a list".into()) };
                    Ok(Matcher::OneOf(options.iter().map(|o| builder.item(tag, o, &[])).collect::<Result<_, _>>()?))
                }
                "regex" => {
                    let pattern = value.as_str().ok_or("regex takes a string")?;
                    regex::Regex::new(pattern).map_err(|e| e.to_string())?;
                    Ok(Matcher::Regex(pattern.to_owned()))
                }
                "range" => match value.as_sequence().map(|s| s.as_slice()) {
                    Some([min, max]) => Ok(Matcher::Range(min.as_i64().ok_or("range bounds are integers")?, max.as_i64().ok_or("range bounds are integers")?)),
                    _ => Err("range takes [min, max]".into()),
                },
                // `now: 300` is $NOW within ±300 s; `now: [-3600, 60]` is $NOW-3600 within ±60 s.
                "now" => match value {
                    Yaml::Number(n) => Ok(Matcher::Now { offset: 0, tolerance: n.as_i64().ok_or("now takes whole seconds")? }),
                    Yaml::Sequence(pair) if pair.len() == 2 => Ok(Matcher::Now {
                        offset: pair[0].as_i64().ok_or("now offsets are whole seconds")?,
                        tolerance: pair[1].as_i64().ok_or("now tolerances are whole seconds")?,
                    }),
                    _ => Err("now takes a tolerance, or [offset, tolerance], in seconds".into()),
                },
                "count" => match value {
                    Yaml::Number(n) => {
                        let n = n.as_u64().ok_or("count is a whole number")? as usize;
                        Ok(Matcher::Count { min: n, max: n })
                    }
                    Yaml::Sequence(bounds) if bounds.len() == 2 => Ok(Matcher::Count {
                        min: bounds[0].as_u64().ok_or("count bounds are whole numbers")? as usize,
                        max: bounds[1].as_u64().map_or(usize::MAX, |m| m as usize),
                    }),
                    _ => Err("count takes n or [min, max]".into()),
                },
                "capture" => Ok(Matcher::Capture(value.as_str().ok_or("capture takes a name")?.trim_start_matches('$').to_owned())),
                other => Err(format!("unknown matcher `{other}` (present, absent, equals, one-of, regex, range, now, count, capture)")),
            };
        }
        _ => {}
    }
    Err("a matcher is present, absent, or {equals|one-of|regex|range|now|count|capture: …}".into())
}

/// Every suite file under `dir` (`*.yaml`, sorted).
pub fn suite_files(dir: &Path) -> Result<Vec<PathBuf>, SuiteError> {
    let entries = std::fs::read_dir(dir).map_err(|e| SuiteError {
        location: dir.display().to_string(),
        message: e.to_string(),
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "yml"))
        .collect();
    files.sort();
    Ok(files)
}
