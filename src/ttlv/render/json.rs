//! The KMIP JSON encoding (Additional Message Encodings v1.0 §4), both ways.
//!
//! Each item is `{"tag": …, "type": …, "value": …}`; `type` is omitted for
//! structures, whose value is an array. Tags are CamelCase names or `0x`-hex.
//! Several messages are written one after another; the reader accepts a single
//! object, an array of message objects, or a whitespace-separated stream
//! (one message per line, as in the OASIS `.json.txt` files).

use serde_json::Value as Json;

use super::datetime;
use super::values::{enum_to_text, hex, mask_to_text, value_from_text, ReadError};
use super::xml::parse_tag_text;
use crate::ttlv::item::{Item, Value};
use crate::ttlv::names::{Names, ValueContext};
use crate::ttlv::tag::ItemType;

/// Deepest nesting the reader accepts, matching the binary decoder's default.
pub const MAX_DEPTH: usize = 64;

/// Largest magnitude a JSON Number carries exactly (2^52, per §4.1.6.5).
const EXACT_NUMBER_LIMIT: i64 = 1 << 52;

/// Renders one item as indented JSON (with a trailing newline).
pub fn write(item: &Item, names: &dyn Names) -> String {
    let mut out = String::new();
    write_item(&mut out, item, &[], names, 0);
    out.push('\n');
    out
}

/// Renders several messages, one after another.
pub fn write_all(items: &[Item], names: &dyn Names) -> String {
    items.iter().map(|item| write(item, names)).collect()
}

fn quoted(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

fn write_item(out: &mut String, item: &Item, preceding: &[Item], names: &dyn Names, depth: usize) {
    let tag = match names.tag_name(item.tag) {
        Some(name) => quoted(name),
        None => quoted(&item.tag.to_string()),
    };
    out.push_str("{\"tag\": ");
    out.push_str(&tag);
    let value = match &item.value {
        Value::Structure(children) => {
            out.push_str(", \"value\": [");
            for (i, child) in children.iter().enumerate() {
                out.push_str(if i == 0 { "\n" } else { ",\n" });
                for _ in 0..=depth {
                    out.push_str("  ");
                }
                write_item(out, child, &children[..i], names, depth + 1);
            }
            out.push_str("]}");
            return;
        }
        v => v,
    };
    let domain = names.domain(
        item.tag,
        ValueContext {
            preceding_siblings: preceding,
        },
    );
    let text = match value {
        Value::Structure(_) => unreachable!("handled above"),
        Value::Integer(v) => {
            mask_to_text(domain, *v, "|").map_or_else(|| v.to_string(), |m| quoted(&m))
        }
        Value::LongInteger(v) if v.unsigned_abs() < EXACT_NUMBER_LIMIT as u64 => v.to_string(),
        Value::LongInteger(v) => quoted(&format!("0x{:016x}", *v as u64)),
        Value::BigInteger(v) => quoted(&format!("0x{}", hex(v))),
        Value::Enumeration(v) => quoted(&enum_to_text(domain, *v)),
        Value::Boolean(v) => v.to_string(),
        Value::TextString(v) => quoted(v),
        Value::ByteString(v) => quoted(&hex(v)),
        Value::DateTime(v) => quoted(&datetime::format_seconds(*v)),
        Value::Interval(v) => v.to_string(),
        Value::DateTimeExtended(v) => quoted(&datetime::format_micros(*v)),
        Value::Placeholder(p) => quoted(&p.text),
    };
    out.push_str(", \"type\": \"");
    out.push_str(value.item_type().xml_name());
    out.push_str("\", \"value\": ");
    out.push_str(&text);
    out.push('}');
}

/// Options for reading JSON.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    /// Read transcript symbols (`$UNIQUE_IDENTIFIER_0`, `$NOW`) as placeholders.
    pub placeholders: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { placeholders: true }
    }
}

/// Reads every message in a JSON text.
pub fn read(text: &str, names: &dyn Names, options: ReadOptions) -> Result<Vec<Item>, ReadError> {
    let mut messages = Vec::new();
    let stream = serde_json::Deserializer::from_str(text).into_iter::<Json>();
    for (index, document) in stream.enumerate() {
        let document = document.map_err(|e| {
            ReadError::new(
                format!("line {}, column {}", e.line(), e.column()),
                e.to_string(),
            )
        })?;
        let location = format!("document {}", index + 1);
        match document {
            Json::Array(items) => {
                for (i, json) in items.iter().enumerate() {
                    let path = format!("{location} $[{i}]");
                    messages.push(read_item(json, &[], names, options, &path, 0)?);
                }
            }
            json => messages.push(read_item(
                &json,
                &[],
                names,
                options,
                &format!("{location} $"),
                0,
            )?),
        }
    }
    Ok(messages)
}

fn read_item(
    json: &Json,
    preceding: &[Item],
    names: &dyn Names,
    options: ReadOptions,
    path: &str,
    depth: usize,
) -> Result<Item, ReadError> {
    let err = |message: String| ReadError::new(path.to_owned(), message);
    if depth >= MAX_DEPTH {
        return Err(err(format!("nested deeper than {MAX_DEPTH} levels")));
    }
    let object = json
        .as_object()
        .ok_or_else(|| err("expected an object with tag/type/value".into()))?;
    let tag_text = object
        .get("tag")
        .and_then(Json::as_str)
        .ok_or_else(|| err("missing string property `tag`".into()))?;
    let tag = parse_tag_text(tag_text, names).map_err(err)?;
    let item_type = match object.get("type") {
        None | Some(Json::Null) => ItemType::Structure,
        Some(Json::String(name)) => {
            ItemType::from_xml_name(name).ok_or_else(|| err(format!("unknown type `{name}`")))?
        }
        Some(other) => return Err(err(format!("`type` must be a string, found {other}"))),
    };
    let value = object.get("value").unwrap_or(&Json::Null);
    if item_type == ItemType::Structure {
        let children_json: &[Json] = match value {
            Json::Array(children) => children,
            Json::Null => &[],
            other => {
                return Err(err(format!(
                    "a Structure's value must be an array, found {other}"
                )))
            }
        };
        let mut children = Vec::with_capacity(children_json.len().min(1024));
        for (i, child) in children_json.iter().enumerate() {
            let child_path = format!("{path}.value[{i}]");
            let item = read_item(child, &children, names, options, &child_path, depth + 1)?;
            children.push(item);
        }
        return Ok(Item::structure(tag, children));
    }
    let domain = names.domain(
        tag,
        ValueContext {
            preceding_siblings: preceding,
        },
    );
    let value = match value {
        Json::String(text) => {
            value_from_text(item_type, text, domain, options.placeholders).map_err(err)?
        }
        Json::Number(n) => number_value(item_type, n).map_err(err)?,
        Json::Bool(b) if item_type == ItemType::Boolean => Value::Boolean(*b),
        other => {
            return Err(err(format!(
                "{} value cannot be {other}",
                item_type.xml_name()
            )))
        }
    };
    Ok(Item::new(tag, value))
}

fn number_value(item_type: ItemType, n: &serde_json::Number) -> Result<Value, String> {
    let int = n.as_i64().ok_or_else(|| format!("{n} is not an integer"))?;
    let out_of_range = || format!("{n} is out of range for {}", item_type.xml_name());
    Ok(match item_type {
        ItemType::Integer => Value::Integer(i32::try_from(int).map_err(|_| out_of_range())?),
        ItemType::LongInteger => Value::LongInteger(int),
        ItemType::BigInteger => Value::BigInteger(int.to_be_bytes().to_vec()),
        ItemType::Enumeration => {
            Value::Enumeration(u32::try_from(int).map_err(|_| out_of_range())?)
        }
        ItemType::Interval => Value::Interval(u32::try_from(int).map_err(|_| out_of_range())?),
        ItemType::DateTime => Value::DateTime(int),
        ItemType::DateTimeExtended => Value::DateTimeExtended(int),
        other => return Err(format!("{} value cannot be a number", other.xml_name())),
    })
}
