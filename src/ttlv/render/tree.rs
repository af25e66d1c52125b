//! The human tree view: one line per item with name, wire type and value.
//!
//! ```text
//! RequestMessage (Structure)
//!   BatchItem (Structure)
//!     Operation (Enumeration) = Create [0x00000001]
//!     0x540001 (TextString) = "na"
//! ```
//! Enumerations and masks show their names and the raw hex; unknown tags show
//! their hex value; text is quoted with Rust escapes so control bytes are visible.

use std::fmt::Write;

use super::datetime;
use super::values::hex;
use crate::ttlv::item::{Item, Value};
use crate::ttlv::names::{Names, ValueContext};

/// Renders a tree, two spaces of indentation per level.
pub fn render(item: &Item, names: &dyn Names) -> String {
    let mut out = String::new();
    render_item(&mut out, item, &[], names, 0);
    out
}

fn render_item(out: &mut String, item: &Item, preceding: &[Item], names: &dyn Names, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    match names.tag_name(item.tag) {
        Some(name) => out.push_str(name),
        None => out.push_str(&item.tag.to_string()),
    }
    let _ = write!(out, " ({})", item.item_type());
    let domain = names.domain(
        item.tag,
        ValueContext {
            preceding_siblings: preceding,
        },
    );
    match &item.value {
        Value::Structure(children) => {
            out.push('\n');
            for (i, child) in children.iter().enumerate() {
                render_item(out, child, &children[..i], names, depth + 1);
            }
            return;
        }
        Value::Integer(v) => match domain.filter(|d| d.is_mask) {
            Some(mask) => {
                let (flags, rest) = mask.mask_names(*v as u32);
                let mut parts: Vec<String> = flags.into_iter().map(str::to_owned).collect();
                if rest != 0 || parts.is_empty() {
                    parts.push(format!("0x{rest:08X}"));
                }
                let _ = write!(out, " = {} [0x{:08X}]", parts.join(" | "), *v as u32);
            }
            None => {
                let _ = write!(out, " = {v}");
            }
        },
        Value::LongInteger(v) => {
            let _ = write!(out, " = {v}");
        }
        Value::BigInteger(v) => {
            let _ = write!(out, " = 0x{} ({} bytes)", hex(v), v.len());
        }
        Value::Enumeration(v) => match domain.and_then(|d| d.name_of(*v)) {
            Some(name) => {
                let _ = write!(out, " = {name} [0x{v:08X}]");
            }
            None => {
                let _ = write!(out, " = 0x{v:08X}");
            }
        },
        Value::Boolean(v) => {
            let _ = write!(out, " = {v}");
        }
        Value::TextString(v) => {
            let _ = write!(out, " = {v:?}");
        }
        Value::ByteString(v) => {
            let _ = write!(out, " = {} ({} bytes)", hex(v), v.len());
        }
        Value::DateTime(v) => {
            let _ = write!(out, " = {} [{v}]", datetime::format_seconds(*v));
        }
        Value::Interval(v) => {
            let _ = write!(out, " = {v} s");
        }
        Value::DateTimeExtended(v) => {
            let _ = write!(out, " = {} [{v} us]", datetime::format_micros(*v));
        }
        Value::Placeholder(p) => {
            let _ = write!(out, " = {} (placeholder)", p.text);
        }
    }
    out.push('\n');
}
