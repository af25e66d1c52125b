//! SEC1 `ECPrivateKey` (RFC 5915 §3; KMIP Key Format Type "EC Private Key",
//! KMIP 1.2 §9.1.3.2.3) to and from PKCS#8 `PrivateKeyInfo` (RFC 5208), by
//! a minimal DER walk: ring takes EC keys as PKCS#8 only.

use rsa::pkcs8::der::asn1::AnyRef;
use rsa::pkcs8::der::Encode;
use rsa::pkcs8::spki::AlgorithmIdentifierRef;
use rsa::pkcs8::{ObjectIdentifier, PrivateKeyInfo};

use super::{curve_of, Curve, OID_EC_PUBLIC_KEY};

const SEQUENCE: u8 = 0x30;
const OBJECT_IDENTIFIER: u8 = 0x06;
/// `[0] EXPLICIT ECParameters` of `ECPrivateKey`.
const PARAMETERS: u8 = 0xA0;

/// One DER element: (tag, whole encoding, contents), and what follows it.
struct Element<'a> {
    tag: u8,
    raw: &'a [u8],
    contents: &'a [u8],
}

fn element(input: &[u8]) -> Option<(Element<'_>, &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)? as usize;
    let (length, header) = if first < 0x80 {
        (first, 2)
    } else {
        let count = first & 0x7F;
        if count == 0 || count > 3 {
            return None;
        }
        let bytes = input.get(2..2 + count)?;
        (
            bytes.iter().fold(0usize, |n, b| (n << 8) | *b as usize),
            2 + count,
        )
    };
    let end = header.checked_add(length)?;
    let raw = input.get(..end)?;
    Some((
        Element {
            tag,
            raw,
            contents: &raw[header..],
        },
        &input[end..],
    ))
}

/// The elements of a SEQUENCE's contents.
fn elements(mut contents: &[u8]) -> Option<Vec<Element<'_>>> {
    let mut out = Vec::new();
    while !contents.is_empty() {
        let (next, rest) = element(contents)?;
        out.push(next);
        contents = rest;
    }
    Some(out)
}

/// A DER element from a tag and contents.
fn encode(tag: u8, contents: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let length = contents.len();
    if length < 0x80 {
        out.push(length as u8);
    } else {
        let bytes: Vec<u8> = length
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
    out.extend_from_slice(contents);
    out
}

/// The top-level fields of an `ECPrivateKey`.
fn fields(sec1: &[u8]) -> Result<Vec<Element<'_>>, String> {
    let malformed = || "not a DER ECPrivateKey".to_string();
    let (outer, rest) = element(sec1).ok_or_else(malformed)?;
    if outer.tag != SEQUENCE || !rest.is_empty() {
        return Err(malformed());
    }
    let fields = elements(outer.contents).ok_or_else(malformed)?;
    if fields.len() < 2 || fields[0].contents != [1] || fields[1].tag != 0x04 {
        return Err("an ECPrivateKey starts with version 1 and the private key".into());
    }
    Ok(fields)
}

/// Wraps a SEC1 key in PKCS#8; the curve comes from its `[0]` parameters.
pub(super) fn to_pkcs8(sec1: &[u8]) -> Result<(Curve, Vec<u8>), String> {
    let fields = fields(sec1)?;
    let curve_oid = fields
        .iter()
        .find(|f| f.tag == PARAMETERS)
        .and_then(|p| element(p.contents))
        .filter(|(oid, _)| oid.tag == OBJECT_IDENTIFIER)
        .and_then(|(oid, _)| ObjectIdentifier::from_bytes(oid.contents).ok());
    let curve = curve_of(curve_oid)?;
    let curve_oid = curve.oid();
    let info = PrivateKeyInfo {
        algorithm: AlgorithmIdentifierRef {
            oid: OID_EC_PUBLIC_KEY,
            parameters: Some(AnyRef::from(&curve_oid)),
        },
        private_key: sec1,
        public_key: None,
    };
    let der = info
        .to_der()
        .map_err(|e| format!("re-encoding as PKCS#8: {e}"))?;
    Ok((curve, der))
}

/// The SEC1 key inside a PKCS#8 EC key, with its `[0]` curve parameters
/// added when the PKCS#8 form left them to the outer AlgorithmIdentifier.
pub(super) fn from_pkcs8(pkcs8: &[u8], curve: Curve) -> Result<Vec<u8>, String> {
    let info = PrivateKeyInfo::try_from(pkcs8).map_err(|e| format!("PKCS#8: {e}"))?;
    let fields = fields(info.private_key)?;
    if fields.iter().any(|f| f.tag == PARAMETERS) {
        return Ok(info.private_key.to_vec());
    }
    let oid = curve.oid();
    let parameters = encode(PARAMETERS, &encode(OBJECT_IDENTIFIER, oid.as_bytes()));
    let mut contents = Vec::new();
    contents.extend_from_slice(fields[0].raw);
    contents.extend_from_slice(fields[1].raw);
    contents.extend(parameters);
    for rest in &fields[2..] {
        contents.extend_from_slice(rest.raw);
    }
    Ok(encode(SEQUENCE, &contents))
}

/// The private scalar of a PKCS#8 EC key (the SEC1 `privateKey` octets).
pub(super) fn private_scalar(pkcs8: &[u8]) -> Result<Vec<u8>, String> {
    let info = PrivateKeyInfo::try_from(pkcs8).map_err(|e| format!("PKCS#8: {e}"))?;
    Ok(fields(info.private_key)?[1].contents.to_vec())
}
