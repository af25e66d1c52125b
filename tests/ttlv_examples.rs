//! The ten byte examples of KMIP 1.2 §9.1.2 (`tables/ttlv_examples.tsv`):
//! each decodes to the value the spec states and re-encodes to the same bytes.

mod common;

use kmip_conform::ttlv::render::hex;
use kmip_conform::ttlv::{decode_strict, encode, Item, Tag, Value};

fn expected(description: &str) -> Value {
    match description {
        "Integer 8" => Value::Integer(8),
        "Long Integer 123456789000000000" => Value::LongInteger(123_456_789_000_000_000),
        "Big Integer 1234567890000000000000000000" => {
            // 1234567890000000000000000000 = 0x03FD35EB6BC2DF4618080000, sign-extended to 16 bytes.
            Value::BigInteger(hex::decode("0000000003fd35eb6bc2df4618080000").unwrap())
        }
        "Enumeration 255" => Value::Enumeration(255),
        "Boolean True" => Value::Boolean(true),
        "Text String 'Hello World'" => Value::TextString("Hello World".into()),
        "Byte String 01 02 03" => Value::ByteString(vec![1, 2, 3]),
        "Date-Time Fri 2008-03-14 11:56:40 GMT" => Value::DateTime(0x47DA_67F8),
        "Interval 10 days (864000 s)" => Value::Interval(864_000),
        "Structure{Enumeration(0x420004)=254, Integer(0x420005)=255}" => Value::Structure(vec![
            Item::new(Tag(0x420004), Value::Enumeration(254)),
            Item::new(Tag(0x420005), Value::Integer(255)),
        ]),
        other => panic!("unexpected example row {other:?}"),
    }
}

#[test]
fn every_spec_example_decodes_and_reencodes_exactly() {
    let table = std::fs::read_to_string(common::tables_dir().join("ttlv_examples.tsv")).unwrap();
    let mut rows = 0;
    for line in table.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let cols: Vec<&str> = line.split('\t').collect();
        let (description, tag, hex_text) = (cols[0], cols[2], cols[3]);
        let bytes = hex::decode(hex_text).unwrap();
        let item = decode_strict(&bytes).unwrap_or_else(|e| panic!("{description}: {e}"));
        let tag = u32::from_str_radix(tag.trim_start_matches("0x"), 16).unwrap();
        assert_eq!(
            item,
            Item::new(Tag(tag), expected(description)),
            "{description}"
        );
        assert_eq!(
            encode(&item).unwrap(),
            bytes,
            "{description}: re-encoding differs"
        );
        rows += 1;
    }
    assert_eq!(rows, 10, "the spec has ten examples");
}
