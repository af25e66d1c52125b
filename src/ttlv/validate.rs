//! Zero-allocation validation: accepts exactly what the owned decoder accepts
//! and counts the same findings, over the zero-copy [`Reader`], without building
//! a tree.
//!
//! It is what a server wants before it trusts a frame, and what the fuzz targets
//! hammer. It reports offsets only, and for a truncated message the outermost
//! item that is cut; [`decode`](super::decode) names the innermost one by path.

use super::checks::{self, Located};
use super::error::{ErrorKind, FindingKind};
use super::reader::{RawError, RawItem, Reader};
use super::tag::ItemType;

/// What a successful validation saw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Validated {
    /// Items in the message, structures included.
    pub items: usize,
    /// Deepest nesting (1 for a lone primitive).
    pub depth: usize,
    /// Bytes the top-level item occupies.
    pub consumed: usize,
    /// Number of strictness findings (trailing bytes included).
    pub findings: usize,
    /// The first finding in document order, with its offset.
    pub first_finding: Option<(FindingKind, usize)>,
}

/// Validates one message: a single top-level item; trailing bytes are a finding.
pub fn validate(input: &[u8], max_depth: usize) -> Result<Validated, RawError> {
    let mut top = Reader::new(input);
    let first = top.next().ok_or(RawError {
        kind: ErrorKind::Empty,
        offset: 0,
        tag: None,
    })??;
    let mut seen = Validated::default();
    walk(&top, &first, 1, max_depth, &mut seen)?;
    seen.consumed = first.end();
    if seen.consumed < input.len() {
        let trailing = (input.len() - seen.consumed) as u64;
        let at = seen.consumed;
        note(&mut seen, (FindingKind::TrailingBytes(trailing), at));
    }
    Ok(seen)
}

fn note(seen: &mut Validated, finding: Located) {
    seen.findings += 1;
    seen.first_finding.get_or_insert(finding);
}

fn walk(
    parent: &Reader<'_>,
    raw: &RawItem<'_>,
    depth: usize,
    max_depth: usize,
    seen: &mut Validated,
) -> Result<(), RawError> {
    seen.items += 1;
    seen.depth = seen.depth.max(depth);
    let value_finding = match raw.item_type {
        ItemType::Structure => {
            if depth > max_depth {
                return Err(RawError {
                    kind: ErrorKind::TooDeep { limit: max_depth },
                    offset: raw.offset,
                    tag: Some(raw.tag),
                });
            }
            let mut children = parent.children(raw);
            while let Some(child) = children.next() {
                walk(&children, &child?, depth + 1, max_depth, seen)?;
            }
            return Ok(());
        }
        ItemType::Boolean => {
            let value = u64::from_be_bytes(raw.value.try_into().unwrap_or([0; 8]));
            checks::boolean(raw, value)
        }
        ItemType::BigInteger => checks::big_integer(raw),
        ItemType::TextString => checks::text(raw, std::str::from_utf8(raw.value).is_ok()),
        _ => None,
    };
    for finding in value_finding.into_iter().chain(checks::padding(raw)) {
        note(seen, finding);
    }
    Ok(())
}
