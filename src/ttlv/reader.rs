//! The zero-copy reader: walks TTLV items over a borrowed byte slice.
//!
//! Shaped after rustls' `codec::Reader`: a [`Reader`] is bounded to one span of
//! the input, and [`Reader::children`] hands out a child reader bounded to one
//! structure's value, so a child can never read past its parent. Offsets are
//! always absolute (from the start of the whole input) so that errors and dumps
//! can point at the offending bytes. Reading allocates nothing.

use super::error::ErrorKind;
use super::tag::{ItemType, Tag};

/// Length of a TTLV item header: 3 tag bytes, 1 type byte, 4 length bytes.
pub const HEADER_LEN: usize = 8;

/// One item as it sits on the wire, borrowing its value bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawItem<'a> {
    pub tag: Tag,
    pub item_type: ItemType,
    /// The declared value length.
    pub length: u32,
    /// The `length` value bytes.
    pub value: &'a [u8],
    /// The padding bytes that follow the value (zero when canonical).
    pub padding: &'a [u8],
    /// Absolute offset of the item's first header byte.
    pub offset: usize,
}

impl RawItem<'_> {
    /// Absolute offset one past the item's last (padding) byte.
    pub fn end(&self) -> usize {
        self.offset + HEADER_LEN + self.value.len() + self.padding.len()
    }

    /// Absolute offset of the first value byte.
    pub fn value_offset(&self) -> usize {
        self.offset + HEADER_LEN
    }
}

/// An error from the raw reader: what went wrong and where.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RawError {
    pub kind: ErrorKind,
    pub offset: usize,
    /// The tag of the item being read, when its header was complete.
    pub tag: Option<Tag>,
}

/// A cursor over a span `[pos, end)` of the whole input.
#[derive(Clone, Debug)]
pub struct Reader<'a> {
    input: &'a [u8],
    pos: usize,
    end: usize,
    /// True when `end` is a parent structure's end rather than the input's end.
    bounded_by_parent: bool,
}

impl<'a> Reader<'a> {
    /// A reader over the whole input.
    pub fn new(input: &'a [u8]) -> Reader<'a> {
        Reader {
            input,
            pos: 0,
            end: input.len(),
            bounded_by_parent: false,
        }
    }

    /// The absolute offset of the next unread byte.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// Bytes left in this reader's span.
    pub fn remaining(&self) -> usize {
        self.end - self.pos
    }

    /// True when the span is exhausted.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.end
    }

    /// The whole input this reader walks (for dumps around an offset).
    pub fn input(&self) -> &'a [u8] {
        self.input
    }

    /// A reader over a structure's value, bounded to it.
    pub fn children(&self, item: &RawItem<'a>) -> Reader<'a> {
        Reader {
            input: self.input,
            pos: item.value_offset(),
            end: item.value_offset() + item.value.len(),
            bounded_by_parent: true,
        }
    }

    /// Reads the next item, or `None` at the end of the span.
    ///
    /// On error the reader does not advance, so the caller can report it.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> Option<Result<RawItem<'a>, RawError>> {
        if self.is_empty() {
            return None;
        }
        Some(self.read_item())
    }

    fn read_item(&mut self) -> Result<RawItem<'a>, RawError> {
        let item = item_at(self.input, self.pos, self.end, self.bounded_by_parent)?;
        self.pos = item.end();
        Ok(item)
    }
}

/// Reads the item whose header starts at `offset`, within `[offset, end)`.
/// `bounded_by_parent` says `end` is a parent structure's end, so running past
/// it is an overrun rather than truncation (when `end` is also the input's end,
/// it is truncation either way). Shared by [`Reader`] and the owned decoder so
/// both enforce exactly the same rules.
#[inline]
pub(crate) fn item_at(
    input: &[u8],
    offset: usize,
    end: usize,
    bounded_by_parent: bool,
) -> Result<RawItem<'_>, RawError> {
    let limit_error = |needed_end: u64, tag: Option<Tag>| {
        let kind = if bounded_by_parent && end < input.len() {
            ErrorKind::OverrunsParent {
                child_end: needed_end,
                parent_end: end as u64,
            }
        } else {
            ErrorKind::Truncated {
                needed: needed_end - end as u64,
                available: (end - offset) as u64,
            }
        };
        RawError { kind, offset, tag }
    };
    let header_end = offset as u64 + HEADER_LEN as u64;
    if header_end > end as u64 {
        // Name the item if at least its three tag bytes are present.
        let tag = input[offset..end]
            .get(..3)
            .map(|t| Tag(u32::from_be_bytes([0, t[0], t[1], t[2]])));
        return Err(limit_error(header_end, tag));
    }
    let h = &input[offset..offset + HEADER_LEN];
    let tag = Tag(u32::from_be_bytes([0, h[0], h[1], h[2]]));
    let type_byte = h[3];
    let length = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
    let at = |kind| RawError {
        kind,
        offset,
        tag: Some(tag),
    };
    let item_type = ItemType::from_byte(type_byte).ok_or(at(ErrorKind::UnknownType(type_byte)))?;
    if let Some(expected) = item_type.fixed_length() {
        if length != expected {
            return Err(at(ErrorKind::WrongLength {
                expected,
                actual: length,
            }));
        }
    }
    match item_type {
        ItemType::BigInteger if length % 8 != 0 => {
            return Err(at(ErrorKind::BigIntegerLength(length)))
        }
        ItemType::Structure if length % 8 != 0 => {
            return Err(at(ErrorKind::StructureLength(length)))
        }
        _ => {}
    }
    // All arithmetic in u64: a declared length of 4 GiB cannot overflow or allocate.
    let value_end = header_end + u64::from(length);
    let item_end = header_end + padded_len_u64(length);
    if item_end > end as u64 {
        return Err(limit_error(item_end, Some(tag)));
    }
    let value_start = offset + HEADER_LEN;
    Ok(RawItem {
        tag,
        item_type,
        length,
        value: &input[value_start..value_end as usize],
        padding: &input[value_end as usize..item_end as usize],
        offset,
    })
}

/// Reads the declared total length (header + padded value) of the item at the
/// start of `header`, for stream framing. `None` until eight bytes are present.
pub fn declared_item_len(header: &[u8]) -> Option<u64> {
    let h = header.get(..HEADER_LEN)?;
    let length = u32::from_be_bytes([h[4], h[5], h[6], h[7]]);
    Some(HEADER_LEN as u64 + padded_len_u64(length))
}

/// A declared length rounded up to the next multiple of eight, without overflow.
pub const fn padded_len_u64(length: u32) -> u64 {
    (length as u64 + 7) & !7
}
