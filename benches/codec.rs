//! Codec throughput: decode and encode over the whole OASIS corpus converted to
//! TTLV, and over one 168-byte message.
//!
//! * `*/decode` builds the owned tree; `*/validate` is the zero-allocation
//!   check over the zero-copy reader (same errors and findings, no tree).
//! * `corpus/decode`, `corpus/encode`: every transcript message (`../shared/kmip/vectors`
//!   or `$KMIP_VECTORS`), placeholders bound to samples.
//! * `one/decode_168`, `one/encode_168`: a single 168-byte request from that corpus.
//! * `subset/*`: with `KMIP_BENCH_CORPUS=FILE` (hex, one message per line), the
//!   same measurements on exactly the messages `benches/compare-pykmip.sh` timed
//!   PyKMIP on, so the ratio compares like with like.

use std::hint::black_box;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use kmip_conform::suite::oasis::{binary_corpus, default_vectors_dir};
use kmip_conform::ttlv::render::hex;
use kmip_conform::ttlv::{decode, encode, validate, Item};

fn decode_all(messages: &[Vec<u8>]) -> usize {
    messages
        .iter()
        .map(|m| decode(m).expect("corpus decodes").consumed)
        .sum()
}

fn validate_all(messages: &[Vec<u8>]) -> usize {
    messages
        .iter()
        .map(|m| validate(m, 64).expect("corpus validates").items)
        .sum()
}

fn encode_all(trees: &[Item]) -> usize {
    trees
        .iter()
        .map(|t| encode(t).expect("corpus encodes").len())
        .sum()
}

/// The first request of exactly 168 bytes, else the first 168-byte message,
/// else the first request (the rule `pykmip_codec.py` uses too).
fn pick_168(messages: &[Vec<u8>]) -> Vec<u8> {
    let is_request = |m: &Vec<u8>| m.starts_with(&[0x42, 0x00, 0x78]);
    messages
        .iter()
        .find(|m| m.len() == 168 && is_request(m))
        .or_else(|| messages.iter().find(|m| m.len() == 168))
        .or_else(|| messages.iter().find(|m| is_request(m)))
        .expect("corpus has a request")
        .clone()
}

fn bench_set(c: &mut Criterion, group_name: &str, messages: &[Vec<u8>]) {
    let total: usize = messages.iter().map(Vec::len).sum();
    let trees: Vec<Item> = messages.iter().map(|m| decode(m).unwrap().item).collect();
    let mut group = c.benchmark_group(group_name);
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("decode", |b| b.iter(|| decode_all(black_box(messages))));
    group.bench_function("encode", |b| b.iter(|| encode_all(black_box(&trees))));
    group.bench_function("validate", |b| b.iter(|| validate_all(black_box(messages))));
    let one = pick_168(messages);
    let one_tree = decode(&one).unwrap().item;
    group.throughput(Throughput::Bytes(one.len() as u64));
    group.bench_function("decode_168", |b| {
        b.iter(|| decode(black_box(&one)).unwrap())
    });
    group.bench_function("encode_168", |b| {
        b.iter(|| encode(black_box(&one_tree)).unwrap())
    });
    group.finish();
    eprintln!(
        "{group_name}: {} messages, {total} bytes; single message {} bytes",
        messages.len(),
        one.len()
    );
}

fn codec(c: &mut Criterion) {
    if let Some(file) = std::env::var_os("KMIP_BENCH_CORPUS") {
        let text = std::fs::read_to_string(&file).expect("read KMIP_BENCH_CORPUS");
        let subset: Vec<Vec<u8>> = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| hex::decode(l).expect("hex line"))
            .collect();
        bench_set(c, "subset", &subset);
        return;
    }
    let dir = default_vectors_dir(Path::new(env!("CARGO_MANIFEST_DIR")));
    let corpus = binary_corpus(&dir).unwrap_or_else(|e| panic!("loading the OASIS corpus: {e}"));
    let messages: Vec<Vec<u8>> = corpus.into_iter().map(|m| m.bytes).collect();
    bench_set(c, "corpus", &messages);
}

criterion_group!(benches, codec);
criterion_main!(benches);
