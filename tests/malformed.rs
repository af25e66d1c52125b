//! A table of malformed inputs, each with the exact error or finding the
//! decoder must report: kind, byte offset and tag path.

use kmip_conform::kmip::KmipNames;
use kmip_conform::ttlv::render::hex;
use kmip_conform::ttlv::{decode, ErrorKind, FindingKind};

/// MSGENC-XML-M-1-10, first request: Query with Maximum Response Size 256.
/// Offsets: 0x00 RequestMessage, 0x08 RequestHeader, 0x10 ProtocolVersion,
/// 0x18 Major, 0x28 Minor, 0x38 MaximumResponseSize, 0x48 BatchCount,
/// 0x58 BatchItem, 0x60 Operation, 0x70 RequestPayload, 0x78 and 0x88 QueryFunction.
const QUERY: &str = "42007801000000904200770100000048420069010000002042006a0200000004000000010000000042006b020000000400000000000000004200500200000004000001000000000042000d0200000004000000010000000042000f010000003842005c0500000004000000180000000042007901000000204200740500000004000000010000000042007405000000040000000200000000";

fn query() -> Vec<u8> {
    hex::decode(QUERY).unwrap()
}

fn patched(at: usize, bytes: &[u8]) -> Vec<u8> {
    let mut message = query();
    message[at..at + bytes.len()].copy_from_slice(bytes);
    message
}

enum Expect {
    Error(ErrorKind, usize, &'static str),
    Finding(FindingKind, usize, &'static str),
}

fn cases() -> Vec<(&'static str, Vec<u8>, Expect)> {
    use Expect::*;
    let mut depth_bomb = Vec::new();
    for i in 0..10_000u32 {
        let remaining = (10_000 - i - 1) * 8;
        depth_bomb.extend_from_slice(&[0x42, 0x00, 0x20, 0x01]);
        depth_bomb.extend_from_slice(&remaining.to_be_bytes());
    }
    let mut trailing = query();
    trailing.extend_from_slice(&[0; 8]);
    vec![
        (
            "empty input",
            vec![],
            Error(ErrorKind::Empty, 0, "(top level)"),
        ),
        (
            "header cut",
            query()[..7].to_vec(),
            Error(
                ErrorKind::Truncated {
                    needed: 1,
                    available: 7,
                },
                0,
                "RequestMessage",
            ),
        ),
        (
            "cut inside Operation",
            query()[..100].to_vec(),
            Error(
                ErrorKind::Truncated {
                    needed: 4,
                    available: 4,
                },
                0x60,
                "RequestMessage/BatchItem/Operation",
            ),
        ),
        (
            "cut between items",
            query()[..0x88].to_vec(),
            Error(
                ErrorKind::Truncated {
                    needed: 16,
                    available: 24,
                },
                0x70,
                "RequestMessage/BatchItem/RequestPayload",
            ),
        ),
        (
            "top-level length 4 GiB - 8",
            patched(4, &[0xFF, 0xFF, 0xFF, 0xF8]),
            Error(
                ErrorKind::Truncated {
                    needed: 0xFFFF_FF68,
                    available: 152,
                },
                0,
                "RequestMessage",
            ),
        ),
        (
            "Text String length 4 GiB - 2",
            hex::decode("54000007fffffffe48656c6c6f000000").unwrap(),
            Error(
                ErrorKind::Truncated {
                    needed: 0xFFFF_FFF8,
                    available: 16,
                },
                0,
                "0x540000",
            ),
        ),
        (
            "child overruns its parent",
            patched(0x0C, &[0x00, 0x00, 0x00, 0x50]),
            Error(
                ErrorKind::OverrunsParent {
                    child_end: 0x98,
                    parent_end: 0x60,
                },
                0x58,
                "RequestMessage/RequestHeader/BatchItem",
            ),
        ),
        (
            "unknown type byte 0x0C",
            patched(0x63, &[0x0C]),
            Error(
                ErrorKind::UnknownType(0x0C),
                0x60,
                "RequestMessage/BatchItem/Operation",
            ),
        ),
        (
            "Integer with length 8",
            patched(0x1C, &[0, 0, 0, 8]),
            Error(
                ErrorKind::WrongLength {
                    expected: 4,
                    actual: 8,
                },
                0x18,
                "RequestMessage/RequestHeader/ProtocolVersion/ProtocolVersionMajor",
            ),
        ),
        (
            "Structure length not a multiple of 8",
            patched(0x74, &[0, 0, 0, 0x1F]),
            Error(
                ErrorKind::StructureLength(0x1F),
                0x70,
                "RequestMessage/BatchItem/RequestPayload",
            ),
        ),
        (
            "Big Integer length 5",
            hex::decode("54000004000000050102030405000000").unwrap(),
            Error(ErrorKind::BigIntegerLength(5), 0, "0x540000"),
        ),
        (
            "depth bomb of 10 000 structures",
            depth_bomb,
            Error(ErrorKind::TooDeep { limit: 64 }, 64 * 8, ""),
        ),
        (
            "non-zero padding after Batch Count",
            patched(0x54, &[0x01]),
            Finding(
                FindingKind::NonZeroPadding,
                0x54,
                "RequestMessage/RequestHeader/BatchCount",
            ),
        ),
        (
            "non-zero padding after the second Query Function",
            patched(0x97, &[0xAA]),
            Finding(
                FindingKind::NonZeroPadding,
                0x94,
                "RequestMessage/BatchItem/RequestPayload/QueryFunction[1]",
            ),
        ),
        (
            "Boolean 2",
            hex::decode("54000006000000080000000000000002").unwrap(),
            Finding(FindingKind::BooleanNotZeroOrOne(2), 0, "0x540000"),
        ),
        (
            "non-minimal Big Integer",
            hex::decode("5400000400000010ffffffffffffffffffffffffffffff85").unwrap(),
            Finding(
                FindingKind::NonMinimalBigInteger {
                    length: 16,
                    minimal: 8,
                },
                0,
                "0x540000",
            ),
        ),
        (
            "Text String not UTF-8",
            hex::decode("5400000700000002c328000000000000").unwrap(),
            Finding(FindingKind::TextNotUtf8, 8, "0x540000"),
        ),
        (
            "trailing bytes",
            trailing,
            Finding(FindingKind::TrailingBytes(8), 0x98, "(top level)"),
        ),
    ]
}

#[test]
fn each_malformed_input_reports_what_and_where() {
    let names = KmipNames;
    for (name, input, expect) in cases() {
        match (decode(&input), expect) {
            (Err(err), Expect::Error(kind, offset, path)) => {
                assert_eq!(err.kind, kind, "{name}: {}", err.describe(&names));
                assert_eq!(err.offset, offset, "{name}: {}", err.describe(&names));
                if !path.is_empty() {
                    assert_eq!(err.path.display(&names).to_string(), path, "{name}");
                }
                let line = err.describe(&names);
                assert!(
                    !line.contains('\n') && line.contains(&format!("@ 0x{offset:X}")),
                    "{name}: {line}"
                );
            }
            (Ok(decoded), Expect::Finding(kind, offset, path)) => {
                let finding = decoded
                    .findings
                    .first()
                    .unwrap_or_else(|| panic!("{name}: no finding"));
                assert_eq!(decoded.findings.len(), 1, "{name}: {:?}", decoded.findings);
                assert_eq!(finding.kind, kind, "{name}");
                assert_eq!(finding.offset, offset, "{name}");
                assert_eq!(finding.path.display(&names).to_string(), path, "{name}");
                let strict = kmip_conform::ttlv::decode_strict(&input).expect_err(name);
                assert_eq!(strict.kind, ErrorKind::Strict(kind), "{name}");
            }
            (Ok(decoded), Expect::Error(kind, ..)) => panic!(
                "{name}: decoded {:?}, expected error {kind:?}",
                decoded.item.tag
            ),
            (Err(err), Expect::Finding(kind, ..)) => {
                panic!("{name}: error {err}, expected finding {kind:?}")
            }
        }
    }
}

#[test]
fn every_prefix_of_a_valid_message_is_an_error_not_a_panic() {
    let message = query();
    for cut in 0..message.len() {
        let err = decode(&message[..cut]).expect_err("a strict prefix cannot be a whole message");
        assert!(
            matches!(err.kind, ErrorKind::Truncated { .. } | ErrorKind::Empty),
            "cut {cut}: {err}"
        );
    }
}
