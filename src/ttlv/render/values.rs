//! Value text shared by the XML and JSON encodings: enumeration names, mask
//! flags, hex numbers and Big Integers (Additional Message Encodings v1.0 §4.1, §6.1).

use std::fmt;

use super::datetime;
use crate::ttlv::item::{Placeholder, Value};
use crate::ttlv::names::EnumDomain;
use crate::ttlv::tag::ItemType;

/// An error reading XML or JSON, with a human location (`line 12, column 5`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub location: String,
    pub message: String,
}

impl ReadError {
    pub(crate) fn new(location: impl Into<String>, message: impl Into<String>) -> ReadError {
        ReadError {
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for ReadError {}

/// An enumeration value as text: its CamelCase name, else `0x%08X`.
pub(crate) fn enum_to_text(domain: Option<EnumDomain>, value: u32) -> String {
    match domain.and_then(|d| d.name_of(value)) {
        Some(name) => name.to_owned(),
        None => format!("0x{value:08X}"),
    }
}

/// A mask as flag names joined by `separator`, leftover bits as one hex word.
/// `None` when the value is zero or no flag is named (render it as a number).
pub(crate) fn mask_to_text(
    domain: Option<EnumDomain>,
    value: i32,
    separator: &str,
) -> Option<String> {
    let domain = domain.filter(|d| d.is_mask)?;
    let (names, rest) = domain.mask_names(value as u32);
    if names.is_empty() {
        return None;
    }
    let mut parts: Vec<String> = names.into_iter().map(str::to_owned).collect();
    if rest != 0 {
        parts.push(format!("0x{rest:08X}"));
    }
    Some(parts.join(separator))
}

/// Parses `0x`-prefixed hex into at most `bits` bits.
pub(crate) fn parse_hex_number(text: &str, bits: u32) -> Option<u64> {
    let digits = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))?;
    if digits.is_empty() || digits.len() > (bits as usize).div_ceil(4) {
        return None;
    }
    u64::from_str_radix(digits, 16).ok()
}

/// An enumeration value from text: `0x` hex, or a CamelCase name of `domain`.
pub(crate) fn enum_from_text(domain: Option<EnumDomain>, text: &str) -> Result<u32, String> {
    if let Some(v) = parse_hex_number(text, 32) {
        return Ok(v as u32);
    }
    if let Some(v) = domain.and_then(|d| d.value_of(text)) {
        return Ok(v);
    }
    match domain {
        Some(d) => Err(format!(
            "`{text}` is not a value of enumeration {} (nor 0x-hex)",
            d.name
        )),
        None => Err(format!(
            "`{text}` is not 0x-hex and this tag has no known enumeration"
        )),
    }
}

/// An Integer from text: decimal, `0x` hex, or (for masks) flag names and hex
/// words separated by spaces or `|`.
pub(crate) fn integer_from_text(domain: Option<EnumDomain>, text: &str) -> Result<i32, String> {
    let trimmed = text.trim();
    if let Ok(v) = trimmed.parse::<i32>() {
        return Ok(v);
    }
    if let Some(v) = parse_hex_number(trimmed, 32) {
        return Ok(v as u32 as i32);
    }
    let Some(mask) = domain.filter(|d| d.is_mask) else {
        return Err(format!("`{text}` is not a 32-bit integer"));
    };
    let mut value = 0u32;
    for part in trimmed
        .split(|c: char| c == '|' || c.is_whitespace())
        .filter(|p| !p.is_empty())
    {
        value |= match parse_hex_number(part, 32) {
            Some(v) => v as u32,
            None => mask
                .value_of(part)
                .ok_or_else(|| format!("`{part}` is not a flag of {}", mask.name))?,
        };
    }
    Ok(value as i32)
}

/// Lowercase hex digits for a Big Integer or Byte String.
pub(crate) fn hex(bytes: &[u8]) -> String {
    super::hex::encode(bytes)
}

/// Hex digits (no `0x`, no whitespace) to bytes.
pub(crate) fn bytes_from_hex(text: &str) -> Result<Vec<u8>, String> {
    if text.bytes().any(|b| b.is_ascii_whitespace()) {
        return Err("hex value contains whitespace".into());
    }
    super::hex::decode(text).map_err(|e| e.to_string())
}

/// A typed value from its XML attribute text (JSON string values use it too).
/// With `placeholders`, transcript symbols such as `$NOW-3600` become
/// [`Value::Placeholder`] instead of an error.
pub(crate) fn value_from_text(
    item_type: ItemType,
    text: &str,
    domain: Option<EnumDomain>,
    placeholders: bool,
) -> Result<Value, String> {
    if placeholders && text.starts_with('$') {
        if let Some(p) = Placeholder::parse(item_type, text) {
            return Ok(Value::Placeholder(p));
        }
    }
    let bad = |what: &str| format!("`{text}` is not a valid {what}");
    Ok(match item_type {
        ItemType::Structure => return Err("a Structure has no value attribute".into()),
        ItemType::Integer => Value::Integer(integer_from_text(domain, text)?),
        ItemType::LongInteger => Value::LongInteger(
            text.parse::<i64>()
                .ok()
                .or_else(|| parse_hex_number(text, 64).map(|v| v as i64))
                .ok_or_else(|| bad("Long Integer"))?,
        ),
        ItemType::BigInteger => {
            let digits = text
                .strip_prefix("0x")
                .or_else(|| text.strip_prefix("0X"))
                .unwrap_or(text);
            Value::BigInteger(bytes_from_hex(digits).map_err(|e| format!("Big Integer: {e}"))?)
        }
        ItemType::Enumeration => Value::Enumeration(enum_from_text(domain, text)?),
        ItemType::Boolean => Value::Boolean(match text {
            "true" | "1" => true,
            "false" | "0" => false,
            other => match parse_hex_number(other, 64) {
                Some(v) => v != 0,
                None => return Err(bad("Boolean (true/false)")),
            },
        }),
        ItemType::TextString => Value::TextString(text.to_owned()),
        ItemType::ByteString => {
            Value::ByteString(bytes_from_hex(text).map_err(|e| format!("Byte String: {e}"))?)
        }
        ItemType::DateTime => Value::DateTime(
            datetime::parse_seconds(text)
                .or_else(|| parse_hex_number(text, 64).map(|v| v as i64))
                .ok_or_else(|| bad("Date-Time (xsd:dateTime)"))?,
        ),
        ItemType::Interval => Value::Interval(
            text.parse::<u32>()
                .ok()
                .or_else(|| parse_hex_number(text, 32).map(|v| v as u32))
                .ok_or_else(|| bad("Interval"))?,
        ),
        ItemType::DateTimeExtended => Value::DateTimeExtended(
            datetime::parse_micros(text)
                .or_else(|| parse_hex_number(text, 64).map(|v| v as i64))
                .ok_or_else(|| bad("Date-Time Extended"))?,
        ),
    })
}

/// A value as XML attribute text (masks space-separated, enumerations by name).
pub(crate) fn value_to_xml_text(value: &Value, domain: Option<EnumDomain>) -> String {
    match value {
        Value::Structure(_) => String::new(),
        Value::Integer(v) => mask_to_text(domain, *v, " ").unwrap_or_else(|| v.to_string()),
        Value::LongInteger(v) => v.to_string(),
        Value::BigInteger(v) => hex(v),
        Value::Enumeration(v) => enum_to_text(domain, *v),
        Value::Boolean(v) => v.to_string(),
        Value::TextString(v) => v.clone(),
        Value::ByteString(v) => hex(v),
        Value::DateTime(v) => datetime::format_seconds(*v),
        Value::Interval(v) => v.to_string(),
        Value::DateTimeExtended(v) => datetime::format_micros(*v),
        Value::Placeholder(p) => p.text.clone(),
    }
}
