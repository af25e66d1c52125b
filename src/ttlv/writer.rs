//! Encoding: a streaming [`Writer`] with back-patched structure lengths, and
//! [`encode`] for whole trees.
//!
//! Like rustls' `LengthPrefixedBuffer`, [`Writer::begin_structure`] reserves the
//! length field and [`Writer::end_structure`] patches it once the children are
//! written. Values are followed by zero padding to the next multiple of eight.
//! An optional size cap stops runaway output (hickory-dns' encoder does the same).

use super::error::{EncodeError, PathStep, TagPath};
use super::item::{Item, Value};
use super::reader::HEADER_LEN;
use super::tag::{padded_len, ItemType, Tag};

/// A TTLV byte writer.
#[derive(Debug, Default)]
pub struct Writer {
    buf: Vec<u8>,
    open: Vec<usize>,
    limit: Option<usize>,
}

impl Writer {
    /// A writer with no size limit.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// A writer that fails once the output would exceed `limit` bytes.
    pub fn with_limit(limit: usize) -> Writer {
        Writer {
            limit: Some(limit),
            ..Writer::default()
        }
    }

    /// The bytes written so far (structures still open have placeholder lengths).
    pub fn as_bytes(&self) -> &[u8] {
        &self.buf
    }

    /// Finishes writing; every structure must be closed.
    pub fn finish(self) -> Vec<u8> {
        debug_assert!(self.open.is_empty(), "unclosed structure");
        self.buf
    }

    fn reserve(&mut self, more: usize) -> Result<(), EncodeError> {
        if let Some(limit) = self.limit {
            if self.buf.len() + more > limit {
                return Err(EncodeError::TooLarge { limit });
            }
        }
        self.buf.reserve(more);
        Ok(())
    }

    fn header(&mut self, tag: Tag, item_type: ItemType, length: u32) -> Result<(), EncodeError> {
        if tag.0 > Tag::MAX {
            return Err(EncodeError::TagTooLarge(tag.0));
        }
        self.reserve(HEADER_LEN)?;
        let t = tag.0.to_be_bytes();
        self.buf
            .extend_from_slice(&[t[1], t[2], t[3], item_type.byte()]);
        self.buf.extend_from_slice(&length.to_be_bytes());
        Ok(())
    }

    /// Writes a header and a value padded with zeros to a multiple of eight.
    pub fn primitive(
        &mut self,
        tag: Tag,
        item_type: ItemType,
        value: &[u8],
    ) -> Result<(), EncodeError> {
        let length = u32::try_from(value.len())
            .map_err(|_| EncodeError::ValueTooLong { len: value.len() })?;
        let padded = padded_len(value.len());
        self.header(tag, item_type, length)?;
        self.reserve(padded)?;
        self.buf.extend_from_slice(value);
        self.buf.resize(self.buf.len() + padded - value.len(), 0);
        Ok(())
    }

    /// Opens a structure; its length is patched by [`Writer::end_structure`].
    pub fn begin_structure(&mut self, tag: Tag) -> Result<(), EncodeError> {
        self.header(tag, ItemType::Structure, 0)?;
        self.open.push(self.buf.len());
        Ok(())
    }

    /// Closes the innermost open structure and patches its length.
    pub fn end_structure(&mut self) -> Result<(), EncodeError> {
        let start = self
            .open
            .pop()
            .expect("end_structure without begin_structure");
        let length = self.buf.len() - start;
        let length =
            u32::try_from(length).map_err(|_| EncodeError::ValueTooLong { len: length })?;
        self.buf[start - 4..start].copy_from_slice(&length.to_be_bytes());
        Ok(())
    }

    pub fn integer(&mut self, tag: Tag, v: i32) -> Result<(), EncodeError> {
        self.primitive(tag, ItemType::Integer, &v.to_be_bytes())
    }

    pub fn long_integer(&mut self, tag: Tag, v: i64) -> Result<(), EncodeError> {
        self.primitive(tag, ItemType::LongInteger, &v.to_be_bytes())
    }

    pub fn enumeration(&mut self, tag: Tag, v: u32) -> Result<(), EncodeError> {
        self.primitive(tag, ItemType::Enumeration, &v.to_be_bytes())
    }

    pub fn boolean(&mut self, tag: Tag, v: bool) -> Result<(), EncodeError> {
        self.primitive(tag, ItemType::Boolean, &u64::from(v).to_be_bytes())
    }

    pub fn text(&mut self, tag: Tag, v: &str) -> Result<(), EncodeError> {
        self.primitive(tag, ItemType::TextString, v.as_bytes())
    }

    pub fn bytes(&mut self, tag: Tag, v: &[u8]) -> Result<(), EncodeError> {
        self.primitive(tag, ItemType::ByteString, v)
    }

    pub fn date_time(&mut self, tag: Tag, v: i64) -> Result<(), EncodeError> {
        self.primitive(tag, ItemType::DateTime, &v.to_be_bytes())
    }

    pub fn interval(&mut self, tag: Tag, v: u32) -> Result<(), EncodeError> {
        self.primitive(tag, ItemType::Interval, &v.to_be_bytes())
    }

    /// Writes a whole item (and its subtree).
    pub fn item(&mut self, item: &Item) -> Result<(), EncodeError> {
        self.item_unlocated(item).map_err(|err| match err {
            EncodeError::UnboundPlaceholder { text, .. } => {
                let path = first_placeholder_path(item).unwrap_or_default();
                EncodeError::UnboundPlaceholder { text, path }
            }
            other => other,
        })
    }

    fn item_unlocated(&mut self, item: &Item) -> Result<(), EncodeError> {
        let tag = item.tag;
        match &item.value {
            Value::Structure(children) => {
                self.begin_structure(tag)?;
                for child in children {
                    self.item_unlocated(child)?;
                }
                self.end_structure()
            }
            Value::Integer(v) => self.integer(tag, *v),
            Value::LongInteger(v) => self.long_integer(tag, *v),
            Value::BigInteger(v) => self.primitive(tag, ItemType::BigInteger, v),
            Value::Enumeration(v) => self.enumeration(tag, *v),
            Value::Boolean(v) => self.boolean(tag, *v),
            Value::TextString(v) => self.text(tag, v),
            Value::ByteString(v) => self.bytes(tag, v),
            Value::DateTime(v) => self.date_time(tag, *v),
            Value::Interval(v) => self.interval(tag, *v),
            Value::DateTimeExtended(v) => {
                self.primitive(tag, ItemType::DateTimeExtended, &v.to_be_bytes())
            }
            Value::Placeholder(p) => Err(EncodeError::UnboundPlaceholder {
                text: p.text.clone(),
                path: TagPath::default(),
            }),
        }
    }
}

/// The path of the first placeholder in document order (only computed on error).
fn first_placeholder_path(root: &Item) -> Option<TagPath> {
    fn walk(item: &Item, steps: &mut Vec<PathStep>) -> bool {
        match &item.value {
            Value::Placeholder(_) => true,
            Value::Structure(children) => {
                for (i, child) in children.iter().enumerate() {
                    let index = children[..i].iter().filter(|c| c.tag == child.tag).count() as u32;
                    steps.push(PathStep {
                        tag: child.tag,
                        index,
                    });
                    if walk(child, steps) {
                        return true;
                    }
                    steps.pop();
                }
                false
            }
            _ => false,
        }
    }
    let mut steps = vec![PathStep {
        tag: root.tag,
        index: 0,
    }];
    walk(root, &mut steps).then_some(TagPath(steps))
}

/// The exact number of bytes [`encode`] produces for `item`.
pub fn encoded_len(item: &Item) -> usize {
    HEADER_LEN
        + match &item.value {
            Value::Structure(children) => children.iter().map(encoded_len).sum(),
            Value::BigInteger(v) | Value::ByteString(v) => padded_len(v.len()),
            Value::TextString(v) => padded_len(v.len()),
            Value::Placeholder(_) => 0,
            _ => 8,
        }
}

/// Encodes a tree to canonical TTLV bytes.
pub fn encode(item: &Item) -> Result<Vec<u8>, EncodeError> {
    let mut writer = Writer {
        buf: Vec::with_capacity(encoded_len(item)),
        ..Writer::default()
    };
    writer.item(item)?;
    Ok(writer.finish())
}

/// Encodes a tree, failing if the output would exceed `limit` bytes.
pub fn encode_with_limit(item: &Item, limit: usize) -> Result<Vec<u8>, EncodeError> {
    let mut writer = Writer::with_limit(limit);
    writer.item(item)?;
    Ok(writer.finish())
}
