//! Codec errors and strictness findings, each pinned to a byte offset and a tag path.
//!
//! An *error* stops decoding: the bytes cannot be a TTLV tree. A *finding* is
//! something a lenient decoder accepts but the spec forbids (non-zero padding,
//! a Boolean of 2, …); strict decoding turns findings into errors.

use std::fmt;

use super::names::Names;
use super::tag::Tag;

/// One step of a [`TagPath`]: a tag and how many earlier siblings carried the same tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PathStep {
    pub tag: Tag,
    /// 0 for the first sibling with this tag; rendered as `[n]` when non-zero.
    pub index: u32,
}

/// Where an item sits in the tree, e.g. `RequestMessage/BatchItem[1]/RequestPayload`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TagPath(pub Vec<PathStep>);

impl TagPath {
    /// Renders the path with names from `names` (hex for unknown tags).
    pub fn display<'a>(&'a self, names: &'a dyn Names) -> impl fmt::Display + 'a {
        PathDisplay { path: self, names }
    }
}

struct PathDisplay<'a> {
    path: &'a TagPath,
    names: &'a dyn Names,
}

impl fmt::Display for PathDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.0.is_empty() {
            return f.write_str("(top level)");
        }
        for (i, step) in self.path.0.iter().enumerate() {
            if i > 0 {
                f.write_str("/")?;
            }
            match self.names.tag_name(step.tag) {
                Some(name) => f.write_str(name)?,
                None => write!(f, "{}", step.tag)?,
            }
            if step.index > 0 {
                write!(f, "[{}]", step.index)?;
            }
        }
        Ok(())
    }
}

impl fmt::Display for TagPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.display(&super::names::NoNames))
    }
}

/// Why bytes are not a TTLV tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    /// The input ended inside an item header or value.
    Truncated { needed: u64, available: u64 },
    /// A child item's encoding runs past the end of its parent structure.
    OverrunsParent { child_end: u64, parent_end: u64 },
    /// The type byte is not one of the eleven item types.
    UnknownType(u8),
    /// A fixed-size type with a length other than the spec's.
    WrongLength { expected: u32, actual: u32 },
    /// A Big Integer whose length is not a multiple of eight.
    BigIntegerLength(u32),
    /// A structure's declared length is not a multiple of eight.
    StructureLength(u32),
    /// Structures nested deeper than the decoder's limit.
    TooDeep { limit: usize },
    /// The input holds no item at all.
    Empty,
    /// The message is larger than the configured maximum.
    TooLarge { limit: usize, declared: u64 },
    /// A strictness finding, promoted to an error by strict decoding.
    Strict(FindingKind),
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ErrorKind::Truncated { needed, available } => write!(
                f,
                "truncated: needs {needed} more byte(s), only {available} available"
            ),
            ErrorKind::OverrunsParent {
                child_end,
                parent_end,
            } => write!(
                f,
                "item ends at 0x{child_end:X}, past its parent structure's end at 0x{parent_end:X}"
            ),
            ErrorKind::UnknownType(byte) => write!(f, "unknown item type byte 0x{byte:02X}"),
            ErrorKind::WrongLength { expected, actual } => {
                write!(
                    f,
                    "length {actual} for a type whose length must be {expected}"
                )
            }
            ErrorKind::BigIntegerLength(len) => {
                write!(f, "Big Integer length {len} is not a multiple of 8")
            }
            ErrorKind::StructureLength(len) => {
                write!(f, "Structure length {len} is not a multiple of 8")
            }
            ErrorKind::TooDeep { limit } => {
                write!(f, "structures nested deeper than {limit} levels")
            }
            ErrorKind::Empty => f.write_str("no TTLV item in the input"),
            ErrorKind::TooLarge { limit, declared } => write!(
                f,
                "declared message size {declared} exceeds the limit of {limit} bytes"
            ),
            ErrorKind::Strict(finding) => write!(f, "strict: {finding}"),
        }
    }
}

/// A decode error: what, at which byte offset, under which tag path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DecodeError {
    pub kind: ErrorKind,
    /// Offset of the offending item's first byte (or of the missing bytes).
    pub offset: usize,
    /// The path of the offending item (including it, when its tag was read).
    pub path: TagPath,
}

impl DecodeError {
    /// One line: `<kind> at <path> @ 0x<offset>`, with names from `names`.
    pub fn describe(&self, names: &dyn Names) -> String {
        format!(
            "{} at {} @ 0x{:X}",
            self.kind,
            self.path.display(names),
            self.offset
        )
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(&super::names::NoNames))
    }
}

impl std::error::Error for DecodeError {}

/// Something the spec forbids but a lenient decoder can accept.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FindingKind {
    /// Padding bytes after a value are not all zero.
    NonZeroPadding,
    /// A Boolean whose eight bytes are neither 0 nor 1.
    BooleanNotZeroOrOne(u64),
    /// A Big Integer with more sign-extension bytes than needed.
    NonMinimalBigInteger { length: u32, minimal: u32 },
    /// A Text String that is not valid UTF-8 (decoded lossily).
    TextNotUtf8,
    /// Bytes left over after the top-level item.
    TrailingBytes(u64),
}

impl fmt::Display for FindingKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            FindingKind::NonZeroPadding => f.write_str("non-zero padding bytes"),
            FindingKind::BooleanNotZeroOrOne(v) => {
                write!(f, "Boolean value 0x{v:016X} is neither 0 nor 1")
            }
            FindingKind::NonMinimalBigInteger { length, minimal } => write!(
                f,
                "Big Integer uses {length} bytes where {minimal} suffice (non-minimal sign extension)"
            ),
            FindingKind::TextNotUtf8 => f.write_str("Text String is not valid UTF-8"),
            FindingKind::TrailingBytes(n) => write!(f, "{n} trailing byte(s) after the message"),
        }
    }
}

/// A strictness finding, located like an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub kind: FindingKind,
    pub offset: usize,
    pub path: TagPath,
}

impl Finding {
    /// One line: `<kind> at <path> @ 0x<offset>`, with names from `names`.
    pub fn describe(&self, names: &dyn Names) -> String {
        format!(
            "{} at {} @ 0x{:X}",
            self.kind,
            self.path.display(names),
            self.offset
        )
    }
}

/// Why a tree cannot be encoded.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EncodeError {
    #[error("unbound placeholder {text} at {path}")]
    UnboundPlaceholder { text: String, path: TagPath },
    #[error("tag 0x{0:X} does not fit in three bytes")]
    TagTooLarge(u32),
    #[error("encoded size would exceed the limit of {limit} bytes")]
    TooLarge { limit: usize },
    #[error("value of {len} bytes does not fit a 32-bit TTLV length")]
    ValueTooLong { len: usize },
}
