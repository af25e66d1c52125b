//! Checking a response against a step's expectations: plain functions, no I/O.
//! Paths start at the Response Payload; `@Name` reads an attribute in either
//! version's form (1.x `Attribute` by name, 2.x child of `Attributes`).

use std::collections::HashMap;

use crate::kmip::{tags, KmipNames, ResultReason, ResultStatus};
use crate::suite::model::{Check, ItemExpect, Matcher};
use crate::ttlv::{Item, Names, Value};

/// Values captured so far in a case, by name (without `$`).
pub type Captures = HashMap<String, Value>;

/// Why an item did not meet its expectation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Mismatch {
    /// The target answered Operation Not Supported where success was expected.
    Unimplemented(String),
    Failed(String),
}

fn name(tag: crate::ttlv::Tag) -> String {
    KmipNames
        .tag_name(tag)
        .map_or_else(|| tag.to_string(), str::to_owned)
}

fn enum_of(item: &Item, tag: crate::ttlv::Tag) -> Option<u32> {
    match item.child(tag)?.value {
        Value::Enumeration(v) => Some(v),
        _ => None,
    }
}

/// The items a path designates within `payload`. `@Attribute` starts at an
/// attribute's values (either version's form); `@Link/LinkType` descends into them.
pub fn resolve<'a>(payload: &'a Item, path: &str) -> Vec<&'a Item> {
    let (mut current, rest) = match path.strip_prefix('@') {
        Some(attribute_path) => {
            let (attribute, rest) = attribute_path
                .split_once('/')
                .unwrap_or((attribute_path, ""));
            (attribute_values(payload, attribute), rest)
        }
        None => (vec![payload], path),
    };
    for step in rest.split('/').filter(|s| !s.is_empty()) {
        let (tag_name, index) = match step.split_once('[') {
            Some((t, rest)) => (t, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (step, None),
        };
        let Some(tag) = KmipNames.tag_by_name(tag_name) else {
            return Vec::new();
        };
        let next: Vec<&Item> = current.iter().flat_map(|c| c.children_with(tag)).collect();
        current = match index {
            Some(i) => next.into_iter().nth(i).into_iter().collect(),
            None => next,
        };
    }
    current
}

/// Attribute values named `attribute` (a tag's CamelCase name), in either form.
fn attribute_values<'a>(payload: &'a Item, attribute: &str) -> Vec<&'a Item> {
    let Some(tag) = KmipNames.tag_by_name(attribute) else {
        return Vec::new();
    };
    let mut found: Vec<&Item> = payload
        .children_with(tags::ATTRIBUTES)
        .flat_map(|a| a.children_with(tag))
        .collect();
    let spec_name = crate::kmip::dictionary::tag(tag.0).map(|d| d.name);
    for a in payload.children_with(tags::ATTRIBUTE) {
        let named = matches!(a.child(tags::ATTRIBUTE_NAME).map(|n| &n.value), Some(Value::TextString(n)) if Some(n.as_str()) == spec_name);
        if named {
            found.extend(a.child(tags::ATTRIBUTE_VALUE));
        }
    }
    found
}

fn as_i64(value: &Value) -> Option<i64> {
    Some(match value {
        Value::Integer(v) => i64::from(*v),
        Value::LongInteger(v) | Value::DateTime(v) => *v,
        Value::Enumeration(v) | Value::Interval(v) => i64::from(*v),
        _ => return None,
    })
}

fn same_value(expected: &Item, actual: &Item) -> bool {
    expected.value == actual.value
}

/// Applies one check; captures go into `captures`.
pub fn apply(
    check: &Check,
    payload: Option<&Item>,
    captures: &mut Captures,
    now: i64,
) -> Result<(), String> {
    let empty = Item::structure(tags::RESPONSE_PAYLOAD, Vec::new());
    let found = resolve(payload.unwrap_or(&empty), &check.path);
    let first = || {
        found
            .first()
            .copied()
            .ok_or_else(|| format!("{} is absent", check.path))
    };
    match &check.matcher {
        Matcher::Present => first().map(|_| ()),
        Matcher::Absent => match found.first() {
            None => Ok(()),
            Some(item) => Err(format!(
                "{} is present ({})",
                check.path,
                render_value(item)
            )),
        },
        Matcher::Equals(expected) => {
            let mut expected = expected.clone();
            bind(&mut expected, captures)?;
            let expected = &expected;
            let actual = first()?;
            if same_value(expected, actual) {
                Ok(())
            } else {
                Err(format!(
                    "{} is {}, expected {}",
                    check.path,
                    render_value(actual),
                    render_value(expected)
                ))
            }
        }
        Matcher::OneOf(options) => {
            let mut options = options.clone();
            for option in &mut options {
                bind(option, captures)?;
            }
            let actual = first()?;
            if options.iter().any(|o| same_value(o, actual)) {
                Ok(())
            } else {
                Err(format!(
                    "{} is {}, expected one of {}",
                    check.path,
                    render_value(actual),
                    options
                        .iter()
                        .map(render_value)
                        .collect::<Vec<_>>()
                        .join(", ")
                ))
            }
        }
        Matcher::Regex(pattern) => {
            let actual = first()?;
            let Value::TextString(text) = &actual.value else {
                return Err(format!("{} is not a Text String", check.path));
            };
            let re = regex::Regex::new(pattern).map_err(|e| e.to_string())?;
            if re.is_match(text) {
                Ok(())
            } else {
                Err(format!(
                    "{} is {text:?}, which does not match /{pattern}/",
                    check.path
                ))
            }
        }
        Matcher::Range(min, max) => {
            let actual = first()?;
            let v =
                as_i64(&actual.value).ok_or_else(|| format!("{} is not a number", check.path))?;
            if (*min..=*max).contains(&v) {
                Ok(())
            } else {
                Err(format!("{} is {v}, outside [{min}, {max}]", check.path))
            }
        }
        Matcher::Now { offset, tolerance } => {
            let actual = first()?;
            let Value::DateTime(t) = actual.value else {
                return Err(format!("{} is not a Date-Time", check.path));
            };
            let target = now + offset;
            if (t - target).abs() <= *tolerance {
                Ok(())
            } else {
                Err(format!(
                    "{} is {}, more than {tolerance} s from {}",
                    check.path,
                    render_value(actual),
                    crate::ttlv::render::datetime::format_seconds(target)
                ))
            }
        }
        Matcher::Count { min, max } => {
            if (*min..=*max).contains(&found.len()) {
                Ok(())
            } else {
                Err(format!(
                    "{} occurs {} time(s), expected {min}..={}",
                    check.path,
                    found.len(),
                    if *max == usize::MAX {
                        "∞".into()
                    } else {
                        max.to_string()
                    }
                ))
            }
        }
        Matcher::Capture(name) => {
            let actual = first()?;
            captures.insert(name.clone(), actual.value.clone());
            Ok(())
        }
    }
}

fn render_value(item: &Item) -> String {
    let tree = crate::ttlv::render::tree::render(item, &KmipNames);
    let line = tree.lines().next().unwrap_or_default();
    line.split_once(" = ")
        .map_or_else(|| line.trim().to_owned(), |(_, v)| v.to_owned())
}

/// Checks one response batch item against its expectation.
pub fn check_item(
    expect: &ItemExpect,
    item: &Item,
    captures: &mut Captures,
    now: i64,
) -> Result<(), Mismatch> {
    let status = enum_of(item, tags::RESULT_STATUS)
        .ok_or_else(|| Mismatch::Failed("batch item without Result Status".into()))?;
    let reason = enum_of(item, tags::RESULT_REASON);
    let message = match item.child(tags::RESULT_MESSAGE).map(|m| &m.value) {
        Some(Value::TextString(m)) => format!(" ({m})"),
        _ => String::new(),
    };
    if !expect.status.contains(&status) {
        let got = match reason {
            Some(r) => format!("{:?}/{:?}{message}", ResultStatus(status), ResultReason(r)),
            None => format!("{:?}{message}", ResultStatus(status)),
        };
        let wanted: Vec<String> = expect
            .status
            .iter()
            .map(|s| format!("{:?}", ResultStatus(*s)))
            .collect();
        let text = format!("Result Status {got}, expected {}", wanted.join(" or "));
        return Err(
            if reason == Some(ResultReason::OPERATION_NOT_SUPPORTED.0)
                && expect.status.contains(&ResultStatus::SUCCESS.0)
            {
                Mismatch::Unimplemented(text)
            } else {
                Mismatch::Failed(text)
            },
        );
    }
    // Reasons only describe failures; a tolerated Success has none.
    let succeeded = status == ResultStatus::SUCCESS.0;
    if !succeeded
        && !expect.reasons.is_empty()
        && !reason.is_some_and(|r| expect.reasons.contains(&r))
    {
        let wanted: Vec<String> = expect
            .reasons
            .iter()
            .map(|r| format!("{:?}", ResultReason(*r)))
            .collect();
        return Err(Mismatch::Failed(format!(
            "Result Reason {}{message}, expected {}",
            reason.map_or("(none)".into(), |r| format!("{:?}", ResultReason(r))),
            wanted.join(" or ")
        )));
    }
    if let Some(operation) = expect.operation {
        if enum_of(item, tags::OPERATION) != Some(operation) {
            return Err(Mismatch::Failed(format!(
                "Operation is not {:?}",
                crate::kmip::Operation(operation)
            )));
        }
    }
    let payload = item.child(tags::RESPONSE_PAYLOAD);
    // Where several statuses are tolerated, payload checks describe the successful answer.
    if !succeeded && expect.status.len() > 1 {
        return Ok(());
    }
    for check in &expect.checks {
        // A path starting with `/` is relative to the batch item itself
        // (e.g. `/AsynchronousCorrelationValue`), otherwise to its payload.
        let applied = match check.path.strip_prefix('/') {
            Some(rest) => {
                let relative = Check {
                    path: rest.to_owned(),
                    matcher: check.matcher.clone(),
                };
                let mut batch_item = item.clone();
                batch_item.tag = tags::RESPONSE_PAYLOAD;
                apply(&relative, Some(&batch_item), captures, now)
            }
            None => apply(check, payload, captures, now),
        };
        applied.map_err(Mismatch::Failed)?;
    }
    Ok(())
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The offset of `$NOW`, `$NOW+n` or `$NOW-n`, in seconds.
fn now_offset(text: &str) -> Option<i64> {
    let rest = text.strip_prefix("$NOW")?;
    if rest.is_empty() {
        return Some(0);
    }
    let (sign, digits) = rest.split_at(1);
    let n: i64 = digits.parse().ok()?;
    match sign {
        "+" => Some(n),
        "-" => Some(-n),
        _ => None,
    }
}

/// Replaces `$name` placeholders with captured values (and `$NOW±n` with the
/// current time); names the first unbound one.
pub fn bind(request: &mut Item, captures: &Captures) -> Result<(), String> {
    let mut unbound = None;
    request.walk_mut(&mut |item| {
        if let Value::Placeholder(p) = &item.value {
            match captures.get(p.text.trim_start_matches('$')) {
                Some(value) => item.value = value.clone(),
                // `$NOW`, `$NOW-3600`, `$NOW+60`: the transcripts' relative dates.
                None if p.item_type == crate::ttlv::ItemType::DateTime
                    && now_offset(&p.text).is_some() =>
                {
                    item.value = Value::DateTime(unix_now() + now_offset(&p.text).unwrap_or(0));
                }
                None => {
                    unbound.get_or_insert_with(|| {
                        format!(
                            "{} in {} is not captured by an earlier step",
                            p.text,
                            name(item.tag)
                        )
                    });
                }
            }
        }
    });
    unbound.map_or(Ok(()), Err)
}
