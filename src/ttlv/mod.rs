//! The TTLV codec: item model, zero-copy reader, back-patching writer,
//! strictness findings, and the hex / tree / XML / JSON renderings.
//!
//! This module is a leaf: it imports nothing else from the crate. Names for tags
//! and enumerations come in through the [`Names`] trait, which the `kmip`
//! dictionary implements.

mod checks;
mod decode;
mod error;
mod item;
mod names;
mod reader;
pub mod render;
mod tag;
mod validate;
mod writer;

pub use checks::minimal_big_integer_len;
pub use decode::{decode, decode_prefix, decode_strict, decode_with, DecodeOptions, Decoded};
pub use error::{DecodeError, EncodeError, ErrorKind, Finding, FindingKind, PathStep, TagPath};
pub use item::{canonical_big_integer, Item, Placeholder, Value};
pub use names::{EnumDomain, Names, NoNames, ValueContext};
pub use reader::{declared_item_len, padded_len_u64, RawError, RawItem, Reader, HEADER_LEN};
pub use tag::{padded_len, ItemType, Tag};
pub use validate::{validate, Validated};
pub use writer::{encode, encode_with_limit, encoded_len, Writer};
