//! Decoding bytes into the owned tree, with strictness findings.
//!
//! The decoder recurses once per structure level and stops at
//! [`DecodeOptions::max_depth`] (64 by default), so a depth bomb cannot exhaust
//! the call stack. Errors and findings are located cheaply: each carries only its
//! own step until it passes back up through its ancestors, which prepend theirs.
//! It never reserves memory from a declared length: every allocation is for
//! bytes that are actually present, so memory stays proportional to the input.

use super::checks;
use super::error::{DecodeError, ErrorKind, Finding, FindingKind, PathStep, TagPath};
use super::item::{Item, Value};
use super::reader::{item_at, RawError, RawItem, HEADER_LEN};
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
    if input.is_empty() {
        return Err(DecodeError {
            kind: ErrorKind::Empty,
            offset: 0,
            path: TagPath::default(),
        });
    }
    let mut decoder = Decoder {
        input,
        options,
        findings: Vec::new(),
        findings_dropped: 0,
    };
    let mut siblings = Vec::new();
    let consumed = decoder
        .item(0, input.len(), false, 0, &mut siblings)
        .map_err(|failure| *failure)?;
    let item = siblings.pop().expect("a decoded item");
    Ok(Decoded {
        item,
        findings: decoder.findings,
        findings_dropped: decoder.findings_dropped,
        consumed,
    })
}

/// A decode error on its way up: boxed so `Result`s stay one word wide on the
/// hot path. Its path grows a step at each level it passes.
type Failure = Box<DecodeError>;

struct Decoder<'a, 'o> {
    input: &'a [u8],
    options: &'o DecodeOptions,
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

/// The step naming `tag` as the next child after `siblings`.
fn step(siblings: &[Item], tag: Tag) -> PathStep {
    PathStep {
        tag,
        index: siblings.iter().filter(|c| c.tag == tag).count() as u32,
    }
}

impl Decoder<'_, '_> {
    /// Decodes the item at `offset` (within `[offset, end)`), appends it to
    /// `siblings`, and returns the offset after it.
    fn item(
        &mut self,
        offset: usize,
        end: usize,
        bounded_by_parent: bool,
        depth: usize,
        siblings: &mut Vec<Item>,
    ) -> Result<usize, Failure> {
        let raw = match item_at(self.input, offset, end, bounded_by_parent) {
            Ok(raw) => raw,
            Err(err) => return self.salvage_or_fail(err, end, depth, siblings),
        };
        if raw.item_type != ItemType::Structure {
            let item = self.primitive(&raw, siblings);
            siblings.push(item);
            return Ok(raw.end());
        }
        let children = self.structure(
            raw.tag,
            raw.value_offset(),
            raw.value_offset() + raw.value.len(),
            depth,
            siblings,
        )?;
        siblings.push(Item::structure(raw.tag, children));
        Ok(raw.end())
    }

    /// Decodes the children of a structure whose value spans `[start, end)`.
    /// Errors and findings from below gain this structure's path step.
    fn structure(
        &mut self,
        tag: Tag,
        start: usize,
        end: usize,
        depth: usize,
        siblings: &[Item],
    ) -> Result<Vec<Item>, Failure> {
        // This structure's own path step, computed only when something needs it.
        let here = || step(siblings, tag);
        if depth >= self.options.max_depth {
            return Err(Box::new(DecodeError {
                kind: ErrorKind::TooDeep {
                    limit: self.options.max_depth,
                },
                offset: start - HEADER_LEN,
                path: TagPath(vec![here()]),
            }));
        }
        let first_finding = self.findings.len();
        let mut children = Vec::with_capacity(count_children(self.input, start, end));
        let mut pos = start;
        while pos < end {
            pos = self
                .item(pos, end, true, depth + 1, &mut children)
                .map_err(|mut failure| {
                    failure.path.0.insert(0, here());
                    failure
                })?;
        }
        for finding in &mut self.findings[first_finding..] {
            finding.path.0.insert(0, here());
        }
        Ok(children)
    }

    /// A structure cut short by the end of input: decode what is present so the
    /// error names the deepest item the cut falls in; otherwise report `err`.
    #[cold]
    fn salvage_or_fail(
        &mut self,
        err: RawError,
        end: usize,
        depth: usize,
        siblings: &[Item],
    ) -> Result<usize, Failure> {
        let leaf = err.tag.map(|tag| step(siblings, tag));
        let cut_structure = matches!(err.kind, ErrorKind::Truncated { .. })
            && self.input.get(err.offset + 3) == Some(&ItemType::Structure.byte());
        if let (true, Some(tag)) = (cut_structure, err.tag) {
            let start = (err.offset + HEADER_LEN).min(end);
            self.structure(tag, start, end, depth, siblings)?;
        }
        Err(Box::new(DecodeError {
            kind: err.kind,
            offset: err.offset,
            path: TagPath(leaf.into_iter().collect()),
        }))
    }

    #[cold]
    fn finding(&mut self, (kind, offset): checks::Located, siblings: &[Item], tag: Tag) {
        let finding = Finding {
            kind,
            offset,
            path: TagPath(vec![step(siblings, tag)]),
        };
        push_finding(
            &mut self.findings,
            &mut self.findings_dropped,
            self.options,
            finding,
        );
    }

    fn primitive(&mut self, raw: &RawItem<'_>, siblings: &[Item]) -> Item {
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
                if let Some(finding) = checks::boolean(raw, raw_value) {
                    self.finding(finding, siblings, raw.tag);
                }
                Value::Boolean(raw_value != 0)
            }
            ItemType::BigInteger => {
                if let Some(finding) = checks::big_integer(raw) {
                    self.finding(finding, siblings, raw.tag);
                }
                Value::BigInteger(v.to_vec())
            }
            ItemType::TextString => match std::str::from_utf8(v) {
                Ok(text) => Value::TextString(text.to_owned()),
                Err(_) => {
                    if let Some(finding) = checks::text(raw, false) {
                        self.finding(finding, siblings, raw.tag);
                    }
                    Value::TextString(String::from_utf8_lossy(v).into_owned())
                }
            },
            ItemType::ByteString => Value::ByteString(v.to_vec()),
            ItemType::Structure => unreachable!("structures are decoded by Decoder::structure"),
        };
        if let Some(finding) = checks::padding(raw) {
            self.finding(finding, siblings, raw.tag);
        }
        Item::new(raw.tag, value)
    }
}

/// How many whole items `[start, end)` holds, hopping headers without checks
/// beyond bounds; only sizes the children vector, never trusted otherwise.
fn count_children(input: &[u8], start: usize, end: usize) -> usize {
    let mut count = 0;
    let mut pos = start;
    while let Some(header) = input
        .get(pos..pos + HEADER_LEN)
        .filter(|_| pos + HEADER_LEN <= end)
    {
        let length = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
        pos += HEADER_LEN + ((length as usize + 7) & !7);
        if pos > end {
            break;
        }
        count += 1;
    }
    count
}

// The reader has already checked fixed lengths, so these conversions cannot fail.
fn arr4(v: &[u8]) -> [u8; 4] {
    v.try_into().unwrap_or([0; 4])
}

fn arr8(v: &[u8]) -> [u8; 8] {
    v.try_into().unwrap_or([0; 8])
}
