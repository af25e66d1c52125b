//! The strictness checks of one primitive item, shared by the owned decoder and
//! the zero-copy [`validate`](super::validate) walk so both find exactly the same things.

use super::error::FindingKind;
use super::reader::RawItem;

/// A finding and the absolute offset it points at.
pub(crate) type Located = (FindingKind, usize);

/// Non-zero bytes in the padding after the value.
pub(crate) fn padding(raw: &RawItem<'_>) -> Option<Located> {
    raw.padding.iter().any(|&b| b != 0).then(|| {
        (
            FindingKind::NonZeroPadding,
            raw.value_offset() + raw.value.len(),
        )
    })
}

/// A Boolean whose eight bytes are neither 0 nor 1.
pub(crate) fn boolean(raw: &RawItem<'_>, value: u64) -> Option<Located> {
    (value > 1).then_some((FindingKind::BooleanNotZeroOrOne(value), raw.offset))
}

/// A Big Integer longer than its minimal sign-extended form.
pub(crate) fn big_integer(raw: &RawItem<'_>) -> Option<Located> {
    let minimal = minimal_big_integer_len(raw.value);
    (minimal < raw.value.len()).then_some((
        FindingKind::NonMinimalBigInteger {
            length: raw.length,
            minimal: minimal as u32,
        },
        raw.offset,
    ))
}

/// A Text String that is not UTF-8 (`utf8_ok` is the caller's validation result).
pub(crate) fn text(raw: &RawItem<'_>, utf8_ok: bool) -> Option<Located> {
    (!utf8_ok).then_some((FindingKind::TextNotUtf8, raw.value_offset()))
}

/// How many leading bytes of a two's-complement number only repeat its sign.
pub(crate) fn redundant_sign_bytes(bytes: &[u8]) -> usize {
    let negative = bytes.first().is_some_and(|b| b & 0x80 != 0);
    let fill = if negative { 0xFF } else { 0x00 };
    let mut start = 0;
    while start + 1 < bytes.len()
        && bytes[start] == fill
        && (bytes[start + 1] & 0x80 != 0) == negative
    {
        start += 1;
    }
    start
}

/// Length of the canonical (minimal, multiple-of-eight) form of a Big Integer.
pub fn minimal_big_integer_len(bytes: &[u8]) -> usize {
    ((bytes.len() - redundant_sign_bytes(bytes)).max(1) + 7) & !7
}
