//! Entry points for the libFuzzer targets in `fuzz/` (each target is one call
//! here) and for `tests/fuzz_corpus.rs`, which replays the committed corpus
//! through the same functions. Every function panics only on a real bug: a
//! codec panic, a broken invariant, or a hang.

use std::time::Duration;

use arbitrary::{Arbitrary, Unstructured};

use crate::kmip::{message, KmipNames};
use crate::server::{serve_stream, Identity, ServerConfig, Shared};
use crate::ttlv::render::{json, xml};
use crate::ttlv::{
    canonical_big_integer, decode, decode_strict, encode, validate, Item, Tag, Value,
};

/// Lenient and strict decoding of any bytes, cross-checked against the
/// zero-copy validator: never a panic, and the two independent walks agree on
/// whether the bytes are a message, how many bytes it takes, how deep it
/// nests, and whether a strict peer would accept it. (Strict decoding is the
/// lenient decode refusing any finding — `ttlv::decode_strict` — so one decode
/// gives both verdicts; decoding twice only halved the fuzzer's speed.)
pub fn ttlv_decode(data: &[u8]) {
    let lenient = decode(data);
    let validated = validate(data, 64);
    match (&lenient, &validated) {
        (Ok(decoded), Ok(seen)) => {
            assert!(decoded.consumed <= data.len());
            assert_eq!(
                decoded.consumed, seen.consumed,
                "decode and validate disagree on the length"
            );
            assert_eq!(
                decoded.item.depth(),
                seen.depth,
                "decode and validate disagree on the depth"
            );
            assert!(seen.depth <= 64);
            assert_eq!(
                decoded.findings.is_empty(),
                seen.findings == 0,
                "decode and validate disagree on strictness"
            );
        }
        (Err(_), Err(_)) => {}
        _ => panic!(
            "decode and validate disagree on whether this is a message: {:?} vs {:?}",
            lenient.as_ref().map(|_| ()),
            validated.as_ref().map(|_| ())
        ),
    }
}

/// Bytes that decode cleanly (no findings) re-encode to exactly themselves.
pub fn ttlv_roundtrip(data: &[u8]) {
    if let Ok(decoded) = decode(data) {
        if decoded.findings.is_empty() {
            assert_eq!(
                encode(&decoded.item).expect("a decoded tree encodes"),
                data,
                "canonical input did not round-trip"
            );
        }
    }
}

/// A TTLV tree built from fuzzer bytes: every item type, nesting up to eight levels.
#[derive(Debug)]
pub struct FuzzTree(pub Item);

fn text(u: &mut Unstructured<'_>) -> arbitrary::Result<String> {
    // XML 1.0 cannot carry most C0 controls, so trees stay within what all three encodings hold.
    let raw: String = u.arbitrary()?;
    Ok(raw
        .chars()
        .filter(|c| !matches!(*c as u32, 0..=8 | 0xB | 0xC | 0xE..=0x1F | 0xFFFE | 0xFFFF))
        .take(64)
        .collect())
}

fn tree(u: &mut Unstructured<'_>, depth: usize) -> arbitrary::Result<Item> {
    let tag = Tag(match u.int_in_range(0u8..=3)? {
        0 => 0x42_0000 | u32::from(u.int_in_range(1u16..=0x015F)?),
        1 => 0x54_0000 | u32::from(u16::arbitrary(u)?),
        _ => u.int_in_range(0u32..=0xFF_FFFF)?,
    });
    let kind = u.int_in_range(0u8..=11)?;
    let value = match kind {
        0 if depth < 8 => {
            let count = u.int_in_range(0usize..=6)?;
            let mut children = Vec::with_capacity(count);
            for _ in 0..count {
                children.push(tree(u, depth + 1)?);
            }
            Value::Structure(children)
        }
        0 | 1 => Value::Integer(u.arbitrary()?),
        2 => Value::LongInteger(u.arbitrary()?),
        3 => Value::BigInteger(canonical_big_integer(&Vec::<u8>::arbitrary(u)?)),
        4 => Value::Enumeration(u.arbitrary()?),
        5 => Value::Boolean(u.arbitrary()?),
        6 => Value::TextString(text(u)?),
        7 => Value::ByteString(u.arbitrary()?),
        8 => Value::DateTime(u.arbitrary()?),
        9 => Value::Interval(u.arbitrary()?),
        _ => Value::DateTimeExtended(u.arbitrary()?),
    };
    Ok(Item::new(tag, value))
}

impl<'a> Arbitrary<'a> for FuzzTree {
    fn arbitrary(u: &mut Unstructured<'a>) -> arbitrary::Result<Self> {
        tree(u, 0).map(FuzzTree)
    }
}

/// An arbitrary tree survives encode → decode (strictly) unchanged.
pub fn ttlv_structured(tree: &FuzzTree) {
    let bytes = encode(&tree.0).expect("trees without placeholders encode");
    assert_eq!(
        decode_strict(&bytes).expect("our own encoding decodes strictly"),
        tree.0
    );
}

/// An arbitrary tree survives tree → XML → tree and tree → JSON → tree.
pub fn xml_json_roundtrip(tree: &FuzzTree) {
    let xml_text = xml::write(&tree.0, &KmipNames);
    let from_xml = xml::read(
        &xml_text,
        &KmipNames,
        xml::ReadOptions {
            placeholders: false,
        },
    )
    .expect("our XML reads back");
    assert_eq!(
        from_xml,
        vec![tree.0.clone()],
        "XML changed the tree:\n{xml_text}"
    );
    let json_text = json::write(&tree.0, &KmipNames);
    let from_json = json::read(
        &json_text,
        &KmipNames,
        json::ReadOptions {
            placeholders: false,
        },
    )
    .expect("our JSON reads back");
    assert_eq!(
        from_json,
        vec![tree.0.clone()],
        "JSON changed the tree:\n{json_text}"
    );
}

/// Bytes parsed into a typed request: never a panic; errors name a path.
pub fn message_parse(data: &[u8]) {
    if let Ok(decoded) = decode(data) {
        let _ = message::request_version(&decoded.item);
        if let Err(e) = message::parse_request(&decoded.item) {
            assert!(!e.message.is_empty());
        }
    }
}

/// A byte stream fed to the reference server's connection handler over an
/// in-memory duplex: it answers or closes, never panics, never hangs.
pub fn server_connection(data: &[u8]) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let config = ServerConfig {
            read_timeout: Duration::from_millis(200),
            idle_timeout: Duration::from_millis(200),
            max_message_size: 64 << 10,
            // RSA generation and long PBKDF2 runs take seconds under ASan,
            // which libFuzzer reports as timeouts; the refusal path is fuzzed instead.
            max_rsa_bits: 0,
            max_kdf_iterations: 1_000,
            ..ServerConfig::default()
        };
        let shared = Shared::new(config);
        let (mut client, server) = tokio::io::duplex(256 << 10);
        let serving = serve_stream(server, &shared, Identity::Certificate("fuzz".into()));
        let talking = async {
            use tokio::io::{AsyncReadExt, AsyncWriteExt};
            let _ = client.write_all(data).await;
            let _ = client.shutdown().await;
            let mut answer = Vec::new();
            let _ = client.read_to_end(&mut answer).await;
            answer
        };
        let finished = tokio::time::timeout(Duration::from_secs(10), async {
            tokio::join!(serving, talking)
        })
        .await;
        let (_, answer) = finished.expect("the server neither answered nor closed within 10 s");
        // Whatever came back is a sequence of well-formed responses.
        let mut rest = &answer[..];
        while !rest.is_empty() {
            let decoded = crate::ttlv::decode_prefix(rest, &Default::default())
                .expect("the server sent malformed TTLV");
            rest = &rest[decoded.consumed..];
        }
    });
}

/// The suite parser on any text: never a panic.
pub fn suite_yaml(data: &[u8]) {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::suite::parse::parse_suite(text, std::path::Path::new("fuzz.yaml"));
    }
}
