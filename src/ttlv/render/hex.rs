//! Hex: plain lowercase pairs, and a lenient reader that ignores whitespace.

/// Lowercase hex of `bytes`, no separators.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 0xF)] as char);
    }
    out
}

/// Why hex text did not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum HexError {
    #[error("invalid hex character {found:?} at character offset {offset}")]
    BadChar { found: char, offset: usize },
    #[error("odd number of hex digits ({0})")]
    OddLength(usize),
}

/// Decodes hex digits, skipping ASCII whitespace anywhere (including between
/// the two digits of a byte). An optional leading `0x` is not accepted: this is
/// for byte dumps, not numbers.
pub fn decode(text: &str) -> Result<Vec<u8>, HexError> {
    let mut out = Vec::with_capacity(text.len() / 2);
    let mut high: Option<u8> = None;
    let mut digits = 0usize;
    for (offset, c) in text.char_indices() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let nibble = c
            .to_digit(16)
            .ok_or(HexError::BadChar { found: c, offset })? as u8;
        digits += 1;
        match high.take() {
            None => high = Some(nibble),
            Some(h) => out.push(h << 4 | nibble),
        }
    }
    if high.is_some() {
        return Err(HexError::OddLength(digits));
    }
    Ok(out)
}

/// True if `text` is non-empty and holds only hex digits and whitespace.
pub fn looks_like_hex(text: &[u8]) -> bool {
    text.iter().any(u8::is_ascii_hexdigit)
        && text
            .iter()
            .all(|b| b.is_ascii_hexdigit() || b.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_whitespace() {
        assert_eq!(encode(&[0x42, 0x00, 0xff]), "4200ff");
        assert_eq!(decode("42 00\nf f").unwrap(), vec![0x42, 0x00, 0xff]);
        assert_eq!(
            decode("4g"),
            Err(HexError::BadChar {
                found: 'g',
                offset: 1
            })
        );
        assert_eq!(decode("420"), Err(HexError::OddLength(3)));
    }
}
