//! Every OASIS test-case XML file survives XML → TTLV → XML with its meaning
//! intact, and the message-encoding hex and JSON files decode to the same
//! trees as their XML.

mod common;

use std::collections::HashMap;

use kmip_conform::kmip::KmipNames;
use kmip_conform::ttlv::render::{hex, json, xml};
use kmip_conform::ttlv::{decode_strict, encode, Item};

fn read_xml(path: &std::path::Path) -> Vec<Item> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    xml::read(&text, &KmipNames, xml::ReadOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// `MANIFEST.tsv` request + response counts, keyed by `version/file`.
fn manifest_counts() -> HashMap<String, usize> {
    let text = std::fs::read_to_string(common::vectors_dir().join("MANIFEST.tsv")).unwrap();
    text.lines()
        .skip(1)
        .filter_map(|line| {
            let cols: Vec<&str> = line.split('\t').collect();
            let requests: usize = cols.get(6)?.parse().ok()?;
            let responses: usize = cols.get(7)?.parse().ok()?;
            Some((format!("{}/{}", cols[0], cols[1]), requests + responses))
        })
        .collect()
}

fn strip_comments(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("<!--") {
        out.push_str(&rest[..start]);
        rest = rest[start..]
            .find("-->")
            .map_or("", |end| &rest[start + end + 3..]);
    }
    out.push_str(rest);
    out
}

fn count_messages(text: &str) -> usize {
    text.matches("<RequestMessage").count() + text.matches("<ResponseMessage").count()
}

#[test]
fn every_xml_vector_round_trips_through_binary_and_xml() {
    let files = common::vector_files(".xml");
    assert!(
        files.len() >= 480,
        "expected the full OASIS corpus, found {} XML files",
        files.len()
    );
    let counts = manifest_counts();
    let names = KmipNames;
    let mut messages_checked = 0;
    for path in &files {
        let messages = read_xml(path);
        let key = format!(
            "{}/{}",
            path.parent()
                .unwrap()
                .file_name()
                .unwrap()
                .to_string_lossy(),
            path.file_name().unwrap().to_string_lossy()
        );
        if let Some(&listed) = counts.get(&key) {
            // MANIFEST.tsv also counts messages that a file comments out.
            let text = std::fs::read_to_string(path).unwrap();
            let live = count_messages(&strip_comments(&text));
            let commented = count_messages(&text) - live;
            assert_eq!(
                messages.len(),
                live,
                "{key}: message count differs from the file"
            );
            assert_eq!(
                listed,
                live + commented,
                "{key}: MANIFEST.tsv count unexplained"
            );
        }
        assert!(!messages.is_empty(), "{key}: no messages");

        // The XML writer and reader preserve everything, placeholders included.
        let rewritten = xml::read(
            &xml::write_all(&messages, &names),
            &names,
            Default::default(),
        )
        .unwrap_or_else(|e| panic!("{key}: re-reading our XML: {e}"));
        assert_eq!(
            rewritten, messages,
            "{key}: XML → tree → XML changed the tree"
        );

        for (i, message) in messages.iter().enumerate() {
            let mut bound = message.clone();
            common::bind_placeholders(&mut bound);
            let bytes = encode(&bound).unwrap_or_else(|e| panic!("{key} message {i}: {e}"));
            let decoded =
                decode_strict(&bytes).unwrap_or_else(|e| panic!("{key} message {i}: {e}"));
            assert_eq!(
                decoded, bound,
                "{key} message {i}: TTLV round trip changed the tree"
            );
            let xml_again =
                xml::read(&xml::write(&decoded, &names), &names, Default::default()).unwrap();
            assert_eq!(
                xml_again,
                vec![decoded.clone()],
                "{key} message {i}: TTLV → XML changed the tree"
            );
            let json_again =
                json::read(&json::write(&decoded, &names), &names, Default::default()).unwrap();
            assert_eq!(
                json_again,
                vec![decoded],
                "{key} message {i}: TTLV → JSON changed the tree"
            );
            messages_checked += 1;
        }
    }
    eprintln!(
        "{} XML vector files, {messages_checked} messages checked",
        files.len()
    );
    assert!(messages_checked > 3000);
}

/// Copies the response header Time Stamp (tag 0x420092) from `from` into `to`.
fn copy_time_stamps(from: &Item, to: &mut Item) {
    const TIME_STAMP: kmip_conform::ttlv::Tag = kmip_conform::kmip::tags::TIME_STAMP;
    let stamp = from
        .children()
        .iter()
        .flat_map(Item::children)
        .find(|i| i.tag == TIME_STAMP)
        .cloned();
    if let Some(stamp) = stamp {
        to.walk_mut(&mut |item| {
            if item.tag == TIME_STAMP {
                item.value = stamp.value.clone();
            }
        });
    }
}

fn hex_messages(path: &std::path::Path) -> Vec<Vec<u8>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| hex::decode(l).unwrap())
        .collect()
}

/// The v1.0 JSON transcript's first request lacks its final `}` (a defect in
/// the OASIS document, present in the spec text too). The test records that the
/// defect is detected, then checks the repaired text.
const KNOWN_JSON_DEFECTS: &[(&str, usize)] = &[("MSGENC-JSON-M-1-10.json.txt", 0)];

#[test]
fn message_encoding_hex_and_json_files_match_their_xml() {
    let names = KmipNames;
    let mut compared = 0;
    for hex_path in common::vector_files(".ttlv.hex") {
        let file = hex_path.file_name().unwrap().to_string_lossy().into_owned();
        let binary: Vec<Item> = hex_messages(&hex_path)
            .iter()
            .map(|bytes| {
                let item = decode_strict(bytes).unwrap_or_else(|e| panic!("{file}: {e}"));
                assert_eq!(&encode(&item).unwrap(), bytes, "{file}: hex not canonical");
                item
            })
            .collect();
        // The HTTPS transcript of the same version carries the same four messages as XML.
        let dir = hex_path.parent().unwrap();
        let stem = file.trim_end_matches(".ttlv.hex");
        let https = stem
            .replace("MSGENC-JSON", "MSGENC-HTTPS")
            .replace("MSGENC-XML", "MSGENC-HTTPS");
        let mut xml_messages = read_xml(&dir.join(format!("{https}.xml")));
        // The v1.1 transcript's XML and hex carry different Time Stamps, which
        // KMIP Profiles 2.1 §4.1 permits to vary; everything else must agree.
        for (from_hex, from_xml) in binary.iter().zip(&mut xml_messages) {
            copy_time_stamps(from_hex, from_xml);
        }
        assert_eq!(binary, xml_messages, "{file}: differs from {https}.xml");
        compared += binary.len();

        let json_path = dir.join(format!("{stem}.json.txt"));
        if json_path.exists() {
            let text = std::fs::read_to_string(&json_path).unwrap();
            for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
                let json_name = json_path
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned();
                let parsed = match json::read(line, &names, Default::default()) {
                    Ok(items) => {
                        assert!(
                            !KNOWN_JSON_DEFECTS.contains(&(json_name.as_str(), i)),
                            "{json_name} line {i} is listed as defective but parses"
                        );
                        items
                    }
                    Err(e) => {
                        assert!(
                            KNOWN_JSON_DEFECTS.contains(&(json_name.as_str(), i)),
                            "{json_name} line {i}: {e}"
                        );
                        json::read(&format!("{line}}}"), &names, Default::default()).unwrap()
                    }
                };
                assert_eq!(
                    parsed,
                    vec![binary[i].clone()],
                    "{json_name} line {i} differs from the hex"
                );
                compared += 1;
            }
        }
    }
    assert!(
        compared >= 24,
        "expected the v1.0–v1.2 message-encoding files, compared {compared}"
    );
}
