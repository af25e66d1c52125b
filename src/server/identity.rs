//! Who is on the other end: the Common Name of the client certificate.
//!
//! A minimal DER walk (RFC 5280 §4.1: Certificate → tbsCertificate → subject →
//! RDNs → `id-at-commonName`), enough to name the owner of objects; the chain
//! itself was already verified by rustls.

/// The identity objects are owned by.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Identity {
    /// A verified client certificate, by subject Common Name (or the whole
    /// certificate's hex digest prefix when it has no CN).
    Certificate(String),
    /// No client certificate (plaintext debugging, or the Query-only mode).
    Anonymous,
}

impl Identity {
    /// A short name for logs.
    pub fn name(&self) -> &str {
        match self {
            Identity::Certificate(cn) => cn,
            Identity::Anonymous => "-",
        }
    }
}

/// One DER element: (tag, content, rest).
fn element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7F);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| acc << 8 | usize::from(b));
        (len, &rest[n..])
    };
    (rest.len() >= len).then(|| (tag, &rest[..len], &rest[len..]))
}

/// The subject Common Name of a DER certificate.
pub fn common_name(der: &[u8]) -> Option<String> {
    const SEQUENCE: u8 = 0x30;
    const CN_OID: &[u8] = &[0x55, 0x04, 0x03];
    let (_, certificate, _) = element(der).filter(|(t, ..)| *t == SEQUENCE)?;
    let (_, tbs, _) = element(certificate).filter(|(t, ..)| *t == SEQUENCE)?;
    let mut rest = tbs;
    // Skip [0] version (optional), serial, signature algorithm, issuer, validity.
    if rest.first() == Some(&0xA0) {
        rest = element(rest)?.2;
    }
    for _ in 0..4 {
        rest = element(rest)?.2;
    }
    let (_, subject, _) = element(rest).filter(|(t, ..)| *t == SEQUENCE)?;
    let mut rdns = subject;
    while let Some((_, set, next)) = element(rdns) {
        let mut attributes = set;
        while let Some((_, attribute, more)) = element(attributes) {
            let (_, oid, value) = element(attribute)?;
            if oid == CN_OID {
                let (_, text, _) = element(value)?;
                return String::from_utf8(text.to_vec()).ok();
            }
            attributes = more;
        }
        rdns = next;
    }
    None
}
