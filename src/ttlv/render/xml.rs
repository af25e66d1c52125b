//! The KMIP XML encoding (Additional Message Encodings v1.0 §6), both ways.
//!
//! Known tags are written as elements named by their CamelCase name; unknown
//! ones use the generic `<TTLV tag="0x540001" type="…" value="…"/>` form. The
//! `type` attribute is omitted for structures. Several messages are wrapped in
//! a `<KMIP>` element, as the OASIS test-case files are; the reader accepts
//! that wrapper (or `<KmipTestCase>`), a single message, or a bare sequence,
//! and ignores comments and the `# TIME n` text between messages.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader as XmlReader;

use super::values::{value_from_text, value_to_xml_text, ReadError};
use crate::ttlv::item::{Item, Value};
use crate::ttlv::names::{Names, ValueContext};
use crate::ttlv::tag::{ItemType, Tag};

/// Deepest nesting the reader accepts, matching the binary decoder's default.
pub const MAX_DEPTH: usize = 64;

/// Renders one item as an indented XML element (with a trailing newline).
pub fn write(item: &Item, names: &dyn Names) -> String {
    let mut out = String::new();
    write_item(&mut out, item, &[], names, 0);
    out
}

/// Renders several messages: one alone as [`write`], more wrapped in `<KMIP>`.
pub fn write_all(items: &[Item], names: &dyn Names) -> String {
    if items.len() == 1 {
        return write(&items[0], names);
    }
    let mut out = String::from("<KMIP>\n");
    for item in items {
        write_item(&mut out, item, &[], names, 1);
    }
    out.push_str("</KMIP>\n");
    out
}

fn write_item(out: &mut String, item: &Item, preceding: &[Item], names: &dyn Names, depth: usize) {
    for _ in 0..depth {
        out.push_str("  ");
    }
    out.push('<');
    let element = match names.tag_name(item.tag) {
        Some(name) => name,
        None => {
            out.push_str("TTLV tag=\"");
            out.push_str(&item.tag.to_string());
            out.push('"');
            "TTLV"
        }
    };
    if element != "TTLV" {
        out.push_str(element);
    }
    match &item.value {
        Value::Structure(children) if children.is_empty() => out.push_str("/>\n"),
        Value::Structure(children) => {
            out.push_str(">\n");
            for (i, child) in children.iter().enumerate() {
                write_item(out, child, &children[..i], names, depth + 1);
            }
            for _ in 0..depth {
                out.push_str("  ");
            }
            out.push_str("</");
            out.push_str(element);
            out.push_str(">\n");
        }
        value => {
            let domain = names.domain(
                item.tag,
                ValueContext {
                    preceding_siblings: preceding,
                },
            );
            out.push_str(" type=\"");
            out.push_str(value.item_type().xml_name());
            out.push_str("\" value=\"");
            escape_attribute(out, &value_to_xml_text(value, domain));
            out.push_str("\"/>\n");
        }
    }
}

fn escape_attribute(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 => out.push_str(&format!("&#x{:X};", c as u32)),
            c => out.push(c),
        }
    }
}

/// Options for reading XML.
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

struct Open {
    tag: Tag,
    element: Vec<u8>,
    /// `None` for a structure; the finished value for a primitive written as start/end.
    primitive: Option<Value>,
    children: Vec<Item>,
}

/// Reads every message in an XML document.
pub fn read(text: &str, names: &dyn Names, options: ReadOptions) -> Result<Vec<Item>, ReadError> {
    let mut reader = XmlReader::from_str(text);
    reader.config_mut().trim_text(true);
    let mut stack: Vec<Open> = Vec::new();
    let mut messages = Vec::new();
    // Depth of wrapper elements (<KMIP>, <KmipTestCase>) currently open.
    let mut wrappers: Vec<Vec<u8>> = Vec::new();
    loop {
        let position = reader.buffer_position() as usize;
        let location = || line_column(text, position);
        let event = reader.read_event().map_err(|e| {
            ReadError::new(
                line_column(text, reader.error_position() as usize),
                e.to_string(),
            )
        })?;
        match event {
            Event::Start(start) if stack.is_empty() && is_wrapper(&start) => {
                wrappers.push(start.name().as_ref().to_vec());
            }
            Event::Empty(start) if stack.is_empty() && is_wrapper(&start) => {}
            Event::Start(start) => {
                let open = open_element(&start, &stack, names, options)
                    .map_err(|m| ReadError::new(location(), m))?;
                if stack.len() >= MAX_DEPTH {
                    return Err(ReadError::new(
                        location(),
                        format!("elements nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                stack.push(open);
            }
            Event::Empty(start) => {
                let open = open_element(&start, &stack, names, options)
                    .map_err(|m| ReadError::new(location(), m))?;
                let item = close(open);
                attach(item, &mut stack, &mut messages);
            }
            Event::End(end) => {
                if let Some(open) = stack.pop() {
                    if open.element != end.name().as_ref() {
                        return Err(ReadError::new(location(), "mismatched end tag"));
                    }
                    let item = close(open);
                    attach(item, &mut stack, &mut messages);
                } else if wrappers.pop().is_none() {
                    return Err(ReadError::new(location(), "end tag without a start tag"));
                }
            }
            Event::Eof => break,
            // Comments, `# TIME n` text, declarations and processing instructions carry no TTLV.
            _ => {}
        }
    }
    if let Some(open) = stack.last() {
        return Err(ReadError::new(
            "end of input",
            format!(
                "element <{}> is not closed",
                String::from_utf8_lossy(&open.element)
            ),
        ));
    }
    Ok(messages)
}

fn is_wrapper(start: &BytesStart<'_>) -> bool {
    matches!(start.name().as_ref(), b"KMIP" | b"KmipTestCase")
}

fn attach(item: Item, stack: &mut [Open], messages: &mut Vec<Item>) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(item),
        None => messages.push(item),
    }
}

fn close(open: Open) -> Item {
    match open.primitive {
        Some(value) => Item::new(open.tag, value),
        None => Item::structure(open.tag, open.children),
    }
}

fn open_element(
    start: &BytesStart<'_>,
    stack: &[Open],
    names: &dyn Names,
    options: ReadOptions,
) -> Result<Open, String> {
    let element = start.name().as_ref().to_vec();
    let element_name = String::from_utf8_lossy(&element).into_owned();
    let mut tag_attr = None;
    let mut type_attr = None;
    let mut value_attr = None;
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("bad attribute on <{element_name}>: {e}"))?;
        let value = attr
            .unescape_value()
            .map_err(|e| format!("bad attribute value on <{element_name}>: {e}"))?
            .into_owned();
        match attr.key.as_ref() {
            b"tag" => tag_attr = Some(value),
            b"type" => type_attr = Some(value),
            b"value" => value_attr = Some(value),
            _ => {} // `name` (informative) and namespaces
        }
    }
    let tag = if element == b"TTLV" {
        let text = tag_attr.ok_or("<TTLV> needs a tag attribute")?;
        parse_tag_text(&text, names)?
    } else {
        parse_tag_text(&element_name, names)?
    };
    let item_type = match type_attr.as_deref() {
        None => ItemType::Structure,
        Some(name) => ItemType::from_xml_name(name)
            .ok_or_else(|| format!("<{element_name}>: unknown type `{name}`"))?,
    };
    let primitive = match item_type {
        ItemType::Structure => {
            if value_attr.is_some() {
                return Err(format!(
                    "<{element_name}>: a Structure has no value attribute"
                ));
            }
            None
        }
        _ => {
            let text =
                value_attr.ok_or_else(|| format!("<{element_name}>: missing value attribute"))?;
            let preceding = stack.last().map_or(&[][..], |parent| &parent.children[..]);
            let domain = names.domain(
                tag,
                ValueContext {
                    preceding_siblings: preceding,
                },
            );
            Some(
                value_from_text(item_type, &text, domain, options.placeholders)
                    .map_err(|m| format!("<{element_name}>: {m}"))?,
            )
        }
    };
    Ok(Open {
        tag,
        element,
        primitive,
        children: Vec::new(),
    })
}

/// A tag from a CamelCase name, `0x420001`, or the XML-safe `x420001` form.
pub(crate) fn parse_tag_text(text: &str, names: &dyn Names) -> Result<Tag, String> {
    let hex = text
        .strip_prefix("0x")
        .or_else(|| text.strip_prefix("0X"))
        .or_else(|| text.strip_prefix('x').filter(|h| h.len() == 6));
    if let Some(digits) = hex {
        if digits.len() == 6 {
            if let Ok(v) = u32::from_str_radix(digits, 16) {
                return Ok(Tag(v));
            }
        }
    }
    names
        .tag_by_name(text)
        .ok_or_else(|| format!("unknown tag name `{text}`"))
}

fn line_column(text: &str, offset: usize) -> String {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
    format!("line {line}, column {column}")
}
