//! Decoding bytes into the owned tree, with strictness findings.
//!
//! The decoder is iterative (an explicit stack, never recursion), so a depth
//! bomb cannot overflow the call stack, and it stops at [`DecodeOptions::max_depth`].
//! It never reserves memory from a declared length: every allocation is for
//! bytes that are actually present, so memory stays proportional to the input.

use super::error::{DecodeError, ErrorKind, Finding, FindingKind, PathStep, TagPath};
use super::item::{canonical_big_integer, Item, Value};
use super::reader::{RawError, RawItem, Reader};
use super::tag::{ItemType, Tag};

/// Limits and policies for one decode.
#[derive(Clone, Copy, Debug)]
pub struct DecodeOptions {
    /// Deepest structure nesting accepted (a real KMIP message stays under 16).
    pub max_depth: usize,
    /// Findings kept in full; later ones are only counted.
    pub max_findings: usize,
}

impl Default for DecodeOptions {
    fn default() -> Self {
        DecodeOptions {
            max_depth: 64,
            max_findings: 256,
        }
    }
}

/// A lenient decode: the tree plus everything a strict decoder would reject.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decoded {
    pub item: Item,
    pub findings: Vec<Finding>,
    /// Findings beyond `max_findings`, counted but not kept.
    pub findings_dropped: usize,
    /// Bytes the top-level item occupies.
    pub consumed: usize,
}

/// Decodes one message: a single top-level item; trailing bytes are a finding.
pub fn decode(input: &[u8]) -> Result<Decoded, DecodeError> {
    decode_with(input, &DecodeOptions::default())
}

/// [`decode`] with explicit options.
pub fn decode_with(input: &[u8], options: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let mut decoded = decode_prefix(input, options)?;
    if decoded.consumed < input.len() {
        let trailing = (input.len() - decoded.consumed) as u64;
        push_finding(
            &mut decoded.findings,
            &mut decoded.findings_dropped,
            options,
            Finding {
                kind: FindingKind::TrailingBytes(trailing),
                offset: decoded.consumed,
                path: TagPath::default(),
            },
        );
    }
    Ok(decoded)
}

/// Decodes one message and rejects any finding, as a strict peer would.
pub fn decode_strict(input: &[u8]) -> Result<Item, DecodeError> {
    let decoded = decode(input)?;
    match decoded.findings.into_iter().next() {
        None => Ok(decoded.item),
        Some(f) => Err(DecodeError {
            kind: ErrorKind::Strict(f.kind),
            offset: f.offset,
            path: f.path,
        }),
    }
}

/// Decodes the item at the start of `input`, ignoring whatever follows it
/// (for streams that carry several messages back to back).
pub fn decode_prefix(input: &[u8], options: &DecodeOptions) -> Result<Decoded, DecodeError> {
    let mut decoder = Decoder {
        options,
        frames: Vec::new(),
        findings: Vec::new(),
        findings_dropped: 0,
    };
    let mut top = Reader::new(input);
    let first = match top.next() {
        None => {
            return Err(DecodeError {
                kind: ErrorKind::Empty,
                offset: 0,
                path: TagPath::default(),
            })
        }
        Some(result) => result,
    };
    let item = decoder.run(&top, first)?;
    Ok(Decoded {
        consumed: top.position(),
        item,
        findings: decoder.findings,
        findings_dropped: decoder.findings_dropped,
    })
}

struct Frame<'a> {
    tag: Tag,
    reader: Reader<'a>,
    children: Vec<Item>,
    /// Set when this structure's declared length runs past the input: once its
    /// present children are read, the truncation is reported here.
    truncated: Option<RawError>,
}

struct Decoder<'o> {
    options: &'o DecodeOptions,
    frames: Vec<Frame<'o>>,
    findings: Vec<Finding>,
    findings_dropped: usize,
}

fn push_finding(
    findings: &mut Vec<Finding>,
    dropped: &mut usize,
    options: &DecodeOptions,
    finding: Finding,
) {
    if findings.len() < options.max_findings {
        findings.push(finding);
    } else {
        *dropped += 1;
    }
}

impl<'o> Decoder<'o> {
    /// The path of the frames, plus `leaf` as the next child of the innermost frame.
    fn path(&self, leaf: Option<Tag>) -> TagPath {
        let mut steps = Vec::with_capacity(self.frames.len() + 1);
        for (i, frame) in self.frames.iter().enumerate() {
            let index = match i {
                0 => 0,
                _ => sibling_index(&self.frames[i - 1].children, frame.tag),
            };
            steps.push(PathStep {
                tag: frame.tag,
                index,
            });
        }
        if let Some(tag) = leaf {
            let index = self
                .frames
                .last()
                .map_or(0, |f| sibling_index(&f.children, tag));
            steps.push(PathStep { tag, index });
        }
        TagPath(steps)
    }

    fn error(&self, raw: RawError) -> DecodeError {
        DecodeError {
            kind: raw.kind,
            offset: raw.offset,
            path: self.path(raw.tag),
        }
    }

    fn finding(&mut self, kind: FindingKind, offset: usize, tag: Tag) {
        let finding = Finding {
            kind,
            offset,
            path: self.path(Some(tag)),
        };
        push_finding(
            &mut self.findings,
            &mut self.findings_dropped,
            self.options,
            finding,
        );
    }

    /// Opens a structure frame, or reports the nesting limit.
    fn open(
        &mut self,
        reader: Reader<'o>,
        tag: Tag,
        offset: usize,
        truncated: Option<RawError>,
    ) -> Result<(), DecodeError> {
        if self.frames.len() >= self.options.max_depth {
            return Err(DecodeError {
                kind: ErrorKind::TooDeep {
                    limit: self.options.max_depth,
                },
                offset,
                path: self.path(Some(tag)),
            });
        }
        self.frames.push(Frame {
            tag,
            reader,
            children: Vec::new(),
            truncated,
        });
        Ok(())
    }

    /// Handles one raw read: descends into structures, decodes primitives.
    /// Returns a finished primitive item, or `None` after opening a frame.
    fn step(
        &mut self,
        parent: &Reader<'o>,
        read: Result<RawItem<'o>, RawError>,
    ) -> Result<Option<Item>, DecodeError> {
        match read {
            Ok(raw) if raw.item_type == ItemType::Structure => {
                self.open(parent.children(&raw), raw.tag, raw.offset, None)?;
                Ok(None)
            }
            Ok(raw) => Ok(Some(self.primitive(&raw))),
            Err(err) => {
                // A structure cut short by the end of input: read what is there so
                // the error can name the deepest item the cut falls in.
                let is_cut_structure = matches!(err.kind, ErrorKind::Truncated { .. })
                    && err.tag.is_some()
                    && parent.input().get(err.offset + 3) == Some(&ItemType::Structure.byte());
                if is_cut_structure {
                    let tag = err.tag.unwrap_or(Tag(0));
                    self.open(
                        parent.salvage_children(err.offset),
                        tag,
                        err.offset,
                        Some(err),
                    )?;
                    Ok(None)
                } else {
                    Err(self.error(err))
                }
            }
        }
    }

    fn run(
        &mut self,
        top: &Reader<'o>,
        first: Result<RawItem<'o>, RawError>,
    ) -> Result<Item, DecodeError> {
        if let Some(item) = self.step(top, first)? {
            return Ok(item);
        }
        loop {
            let frame = self
                .frames
                .last_mut()
                .expect("run keeps at least one frame open");
            match frame.reader.next() {
                Some(read) => {
                    let parent = frame.reader.clone();
                    if let Some(item) = self.step(&parent, read)? {
                        self.frames
                            .last_mut()
                            .expect("frame still open")
                            .children
                            .push(item);
                    }
                }
                None => {
                    if let Some(cut) = self.frames.last().and_then(|f| f.truncated) {
                        let frame = self.frames.pop().expect("frame still open");
                        return Err(DecodeError {
                            kind: cut.kind,
                            offset: cut.offset,
                            path: self.path(Some(frame.tag)),
                        });
                    }
                    let frame = self.frames.pop().expect("frame still open");
                    let item = Item::structure(frame.tag, frame.children);
                    match self.frames.last_mut() {
                        Some(parent) => parent.children.push(item),
                        None => return Ok(item),
                    }
                }
            }
        }
    }

    fn primitive(&mut self, raw: &RawItem<'_>) -> Item {
        if raw.padding.iter().any(|&b| b != 0) {
            self.finding(
                FindingKind::NonZeroPadding,
                raw.value_offset() + raw.value.len(),
                raw.tag,
            );
        }
        let v = raw.value;
        let value = match raw.item_type {
            ItemType::Integer => Value::Integer(i32::from_be_bytes(arr4(v))),
            ItemType::Enumeration => Value::Enumeration(u32::from_be_bytes(arr4(v))),
            ItemType::Interval => Value::Interval(u32::from_be_bytes(arr4(v))),
            ItemType::LongInteger => Value::LongInteger(i64::from_be_bytes(arr8(v))),
            ItemType::DateTime => Value::DateTime(i64::from_be_bytes(arr8(v))),
            ItemType::DateTimeExtended => Value::DateTimeExtended(i64::from_be_bytes(arr8(v))),
            ItemType::Boolean => {
                let raw_value = u64::from_be_bytes(arr8(v));
                if raw_value > 1 {
                    self.finding(
                        FindingKind::BooleanNotZeroOrOne(raw_value),
                        raw.offset,
                        raw.tag,
                    );
                }
                Value::Boolean(raw_value != 0)
            }
            ItemType::BigInteger => {
                let minimal = canonical_big_integer(v).len();
                if minimal < v.len() {
                    self.finding(
                        FindingKind::NonMinimalBigInteger {
                            length: raw.length,
                            minimal: minimal as u32,
                        },
                        raw.offset,
                        raw.tag,
                    );
                }
                Value::BigInteger(v.to_vec())
            }
            ItemType::TextString => match std::str::from_utf8(v) {
                Ok(text) => Value::TextString(text.to_owned()),
                Err(_) => {
                    self.finding(FindingKind::TextNotUtf8, raw.value_offset(), raw.tag);
                    Value::TextString(String::from_utf8_lossy(v).into_owned())
                }
            },
            ItemType::ByteString => Value::ByteString(v.to_vec()),
            ItemType::Structure => unreachable!("structures are opened as frames"),
        };
        Item::new(raw.tag, value)
    }
}

fn sibling_index(siblings: &[Item], tag: Tag) -> u32 {
    siblings.iter().filter(|c| c.tag == tag).count() as u32
}

// The reader has already checked fixed lengths, so these conversions cannot fail.
fn arr4(v: &[u8]) -> [u8; 4] {
    v.try_into().unwrap_or([0; 4])
}

fn arr8(v: &[u8]) -> [u8; 8] {
    v.try_into().unwrap_or([0; 8])
}
