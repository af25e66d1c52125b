//! The owned TTLV tree: what decoding produces and encoding consumes.
//!
//! Values keep their wire meaning exactly: Big Integers keep every byte
//! (including sign extension), enumerations are open `u32`s, and tags are open.
//! A [`Value::Placeholder`] stands for a value a transcript leaves symbolic
//! (`$UNIQUE_IDENTIFIER_0`, `$NOW-3600`); it must be bound before it can be encoded.

use super::tag::{ItemType, Tag};

/// One TTLV item: a tag and its typed value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item {
    pub tag: Tag,
    pub value: Value,
}

/// A typed TTLV value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Value {
    Structure(Vec<Item>),
    Integer(i32),
    LongInteger(i64),
    /// Two's-complement big-endian bytes exactly as on the wire (a multiple of 8 when canonical).
    BigInteger(Vec<u8>),
    Enumeration(u32),
    Boolean(bool),
    TextString(String),
    ByteString(Vec<u8>),
    /// POSIX seconds.
    DateTime(i64),
    /// Seconds.
    Interval(u32),
    /// POSIX microseconds (KMIP 2.x).
    DateTimeExtended(i64),
    /// A symbolic value from a transcript or suite, typed but not yet bound.
    Placeholder(Placeholder),
}

/// A named, typed hole in a tree, such as `$UNIQUE_IDENTIFIER_0` or `$NOW-3600`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Placeholder {
    /// The item type the bound value must have.
    pub item_type: ItemType,
    /// The text as written, including the leading `$`.
    pub text: String,
}

impl Placeholder {
    /// Recognises placeholders: `$NAME`, `$NAME_n`, `$NAME±n` (transcripts) and `$name` (suite captures).
    pub fn parse(item_type: ItemType, text: &str) -> Option<Placeholder> {
        let rest = text.strip_prefix('$')?;
        let (name, offset) = match rest.find(['+', '-']) {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        // Transcripts use `$UPPER_CASE`; suites capture into `$lower_case` names.
        let name_ok = name.starts_with(|c: char| c.is_ascii_alphabetic())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        let offset_ok =
            offset.is_none_or(|o| !o.is_empty() && o.chars().all(|c| c.is_ascii_digit()));
        (name_ok && offset_ok).then(|| Placeholder {
            item_type,
            text: text.to_owned(),
        })
    }
}

impl Item {
    /// Builds an item from a tag and a value.
    pub fn new(tag: Tag, value: Value) -> Item {
        Item { tag, value }
    }

    /// Builds a structure item.
    pub fn structure(tag: Tag, children: Vec<Item>) -> Item {
        Item::new(tag, Value::Structure(children))
    }

    /// The item type of the value (a placeholder reports the type it stands for).
    pub fn item_type(&self) -> ItemType {
        self.value.item_type()
    }

    /// The children of a structure; empty for any other type.
    pub fn children(&self) -> &[Item] {
        match &self.value {
            Value::Structure(children) => children,
            _ => &[],
        }
    }

    /// The first direct child with `tag`.
    pub fn child(&self, tag: Tag) -> Option<&Item> {
        self.children().iter().find(|c| c.tag == tag)
    }

    /// Every direct child with `tag`, in order.
    pub fn children_with(&self, tag: Tag) -> impl Iterator<Item = &Item> {
        self.children().iter().filter(move |c| c.tag == tag)
    }

    /// The nesting depth: 1 for a primitive, 1 + the deepest child for a structure.
    pub fn depth(&self) -> usize {
        1 + self.children().iter().map(Item::depth).max().unwrap_or(0)
    }

    /// True if this item or any descendant is an unbound placeholder.
    pub fn has_placeholders(&self) -> bool {
        match &self.value {
            Value::Placeholder(_) => true,
            Value::Structure(children) => children.iter().any(Item::has_placeholders),
            _ => false,
        }
    }

    /// Visits every item depth-first, letting the caller replace values in place.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Item)) {
        f(self);
        if let Value::Structure(children) = &mut self.value {
            for child in children {
                child.walk_mut(f);
            }
        }
    }
}

impl Value {
    /// The wire item type of this value.
    pub fn item_type(&self) -> ItemType {
        match self {
            Value::Structure(_) => ItemType::Structure,
            Value::Integer(_) => ItemType::Integer,
            Value::LongInteger(_) => ItemType::LongInteger,
            Value::BigInteger(_) => ItemType::BigInteger,
            Value::Enumeration(_) => ItemType::Enumeration,
            Value::Boolean(_) => ItemType::Boolean,
            Value::TextString(_) => ItemType::TextString,
            Value::ByteString(_) => ItemType::ByteString,
            Value::DateTime(_) => ItemType::DateTime,
            Value::Interval(_) => ItemType::Interval,
            Value::DateTimeExtended(_) => ItemType::DateTimeExtended,
            Value::Placeholder(p) => p.item_type,
        }
    }
}

/// The minimal two's-complement encoding of a Big Integer, sign-extended to a
/// multiple of eight bytes as KMIP 1.0 §9.1.1.4 requires (at least eight bytes).
pub fn canonical_big_integer(bytes: &[u8]) -> Vec<u8> {
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let fill = if negative { 0xFF } else { 0x00 };
    let significant = &bytes[super::checks::redundant_sign_bytes(bytes)..];
    let total = super::tag::padded_len(significant.len().max(1));
    let mut out = vec![fill; total - significant.len()];
    out.extend_from_slice(significant);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholder_syntax() {
        assert!(Placeholder::parse(ItemType::TextString, "$UNIQUE_IDENTIFIER_0").is_some());
        assert!(Placeholder::parse(ItemType::DateTime, "$NOW-3600").is_some());
        assert!(Placeholder::parse(ItemType::DateTime, "$NOW+12").is_some());
        assert!(Placeholder::parse(ItemType::TextString, "$").is_none());
        assert!(Placeholder::parse(ItemType::TextString, "$key_1").is_some());
        assert!(Placeholder::parse(ItemType::TextString, "$1abc").is_none());
        assert!(Placeholder::parse(ItemType::TextString, "$a b").is_none());
        assert!(Placeholder::parse(ItemType::TextString, "$NOW+").is_none());
        assert!(Placeholder::parse(ItemType::TextString, "plain").is_none());
    }

    #[test]
    fn big_integer_canonical_form() {
        assert_eq!(canonical_big_integer(&[0; 16]), vec![0; 8]);
        assert_eq!(canonical_big_integer(&[0xFF; 16]), vec![0xFF; 8]);
        let mut positive_high_bit = vec![0; 8];
        positive_high_bit.push(0x80);
        assert_eq!(
            canonical_big_integer(&positive_high_bit),
            vec![0, 0, 0, 0, 0, 0, 0, 0x80]
        );
        assert_eq!(canonical_big_integer(&[0x01]), vec![0, 0, 0, 0, 0, 0, 0, 1]);
        assert_eq!(canonical_big_integer(&[]), vec![0; 8]);
    }
}
