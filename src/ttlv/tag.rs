//! Tags and item types: the first four bytes of every TTLV item.
//!
//! A tag is three bytes on the wire (`0x42xxxx` for KMIP-defined tags, `0x54xxxx`
//! for vendor extensions). The type byte selects one of the eleven item types of
//! KMIP 1.0–2.1 (`../shared/kmip/tables/item_types.tsv`). Both are *open*: any
//! 24-bit tag is representable, so unknown and vendor tags round-trip byte for byte.

use std::fmt;

/// A 24-bit TTLV tag. The upper byte of the `u32` is always zero.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag(pub u32);

impl Tag {
    /// The largest value a three-byte tag can hold.
    pub const MAX: u32 = 0x00FF_FFFF;

    /// Builds a tag, rejecting values that do not fit in three bytes.
    pub const fn new(value: u32) -> Option<Tag> {
        if value <= Self::MAX {
            Some(Tag(value))
        } else {
            None
        }
    }

    /// True for the vendor-extension range `0x540000..=0x54FFFF`.
    pub const fn is_extension(self) -> bool {
        self.0 >> 16 == 0x54
    }

    /// The tag as the spec writes it, e.g. `0x420078`.
    pub fn hex(self) -> String {
        format!("0x{:06X}", self.0)
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Tag(0x{:06X})", self.0)
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "0x{:06X}", self.0)
    }
}

/// The eleven TTLV item types (KMIP 1.0 §9.1.1.2, KMIP 2.1 §9.1.1.2).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum ItemType {
    Structure = 0x01,
    Integer = 0x02,
    LongInteger = 0x03,
    BigInteger = 0x04,
    Enumeration = 0x05,
    Boolean = 0x06,
    TextString = 0x07,
    ByteString = 0x08,
    DateTime = 0x09,
    Interval = 0x0A,
    /// KMIP 2.0 and later: microseconds since the epoch.
    DateTimeExtended = 0x0B,
}

impl ItemType {
    /// Every item type, in type-byte order.
    pub const ALL: [ItemType; 11] = [
        ItemType::Structure,
        ItemType::Integer,
        ItemType::LongInteger,
        ItemType::BigInteger,
        ItemType::Enumeration,
        ItemType::Boolean,
        ItemType::TextString,
        ItemType::ByteString,
        ItemType::DateTime,
        ItemType::Interval,
        ItemType::DateTimeExtended,
    ];

    /// Maps a type byte to an item type; `None` for bytes no KMIP version defines.
    pub const fn from_byte(byte: u8) -> Option<ItemType> {
        Some(match byte {
            0x01 => ItemType::Structure,
            0x02 => ItemType::Integer,
            0x03 => ItemType::LongInteger,
            0x04 => ItemType::BigInteger,
            0x05 => ItemType::Enumeration,
            0x06 => ItemType::Boolean,
            0x07 => ItemType::TextString,
            0x08 => ItemType::ByteString,
            0x09 => ItemType::DateTime,
            0x0A => ItemType::Interval,
            0x0B => ItemType::DateTimeExtended,
            _ => return None,
        })
    }

    /// The type byte written on the wire.
    pub const fn byte(self) -> u8 {
        self as u8
    }

    /// The exact value length the spec requires, for fixed-size types.
    pub const fn fixed_length(self) -> Option<u32> {
        match self {
            ItemType::Integer | ItemType::Enumeration | ItemType::Interval => Some(4),
            ItemType::LongInteger
            | ItemType::Boolean
            | ItemType::DateTime
            | ItemType::DateTimeExtended => Some(8),
            ItemType::Structure
            | ItemType::BigInteger
            | ItemType::TextString
            | ItemType::ByteString => None,
        }
    }

    /// The CamelCase name used by the XML and JSON encodings (`LongInteger`).
    pub const fn xml_name(self) -> &'static str {
        match self {
            ItemType::Structure => "Structure",
            ItemType::Integer => "Integer",
            ItemType::LongInteger => "LongInteger",
            ItemType::BigInteger => "BigInteger",
            ItemType::Enumeration => "Enumeration",
            ItemType::Boolean => "Boolean",
            ItemType::TextString => "TextString",
            ItemType::ByteString => "ByteString",
            ItemType::DateTime => "DateTime",
            ItemType::Interval => "Interval",
            ItemType::DateTimeExtended => "DateTimeExtended",
        }
    }

    /// Parses the CamelCase type name of the XML and JSON encodings.
    pub fn from_xml_name(name: &str) -> Option<ItemType> {
        ItemType::ALL.into_iter().find(|t| t.xml_name() == name)
    }
}

impl fmt::Display for ItemType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.xml_name())
    }
}

/// Rounds a value length up to the next multiple of eight, as TTLV padding does.
pub const fn padded_len(len: usize) -> usize {
    (len + 7) & !7
}
