//! Mutational fuzzing of a live KMIP target (`kmip-conform fuzz`).
//!
//! Valid requests from the suites are mutated (bit flips, length lies, type
//! swaps, truncations, splices, deep nesting, huge batches, random tags and
//! enumeration values), the top-level length is kept consistent so every frame
//! is complete, and each is sent over (m)TLS. Between mutations a known-good
//! Query on a fresh connection checks the target is alive. Findings:
//! * **crash**: the target refuses connections or fails the liveness Query;
//! * **hang**: no answer and no close within the timeout for a complete frame;
//! * **protocol violation**: an answer that does not decode as TTLV, or that
//!   accepts a message our strict decoder rejects with Success.
//!
//! Each finding is saved as a one-case suite with a `raw` step, so
//! `kmip-conform --target … FILE` replays it. The loop is bounded by count and
//! time, and talks only to the address given.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::connection::{Connection, ConnectionError};
use super::target::Target;
use crate::kmip::{tags, Operation, QueryFunction, ResultStatus, Version};
use crate::suite::model::{Action, Case};
use crate::ttlv::render::hex;
use crate::ttlv::{decode, encode, validate, Item, Reader, Value, HEADER_LEN};

/// A small, seedable PRNG (xorshift64*), so a run is reproducible from its seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }
}

/// Offsets of every item header in a message (walking the zero-copy reader).
fn header_offsets(bytes: &[u8]) -> Vec<usize> {
    fn walk(reader: &mut Reader<'_>, out: &mut Vec<usize>) {
        while let Some(Ok(item)) = reader.next() {
            out.push(item.offset);
            if item.item_type == crate::ttlv::ItemType::Structure {
                let mut children = reader.children(&item);
                walk(&mut children, out);
            }
        }
    }
    let mut out = Vec::new();
    walk(&mut Reader::new(bytes), &mut out);
    out
}

/// Makes the top-level declared length match the bytes actually sent.
fn fix_frame(bytes: &mut Vec<u8>) {
    if bytes.len() < HEADER_LEN {
        bytes.resize(HEADER_LEN, 0);
    }
    // A frame is a whole number of 8-byte units, so a receiver never waits for padding.
    bytes.resize(crate::ttlv::padded_len(bytes.len()), 0);
    let body = (bytes.len() - HEADER_LEN) as u32;
    bytes[4..8].copy_from_slice(&body.to_be_bytes());
}

/// The mutation kinds, by name.
pub const MUTATIONS: [&str; 8] = [
    "bit-flip",
    "length-lie",
    "type-swap",
    "truncate",
    "splice",
    "deep-nesting",
    "huge-batch",
    "random-tag-or-enum",
];

/// Applies mutation `kind` to `seed` (a valid request), using `other` for splices.
pub fn mutate(seed: &[u8], other: &[u8], kind: usize, rng: &mut Rng) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    let headers = header_offsets(seed);
    let pick = |rng: &mut Rng| headers.get(rng.below(headers.len())).copied().unwrap_or(0);
    match kind {
        0 => {
            let at = rng.below(bytes.len());
            bytes[at] ^= 1 << rng.below(8);
        }
        1 => {
            let at = pick(rng).max(HEADER_LEN);
            if at + 8 <= bytes.len() {
                let lies = [
                    0u32,
                    1,
                    7,
                    0xFFFF_FFFF,
                    0x7FFF_FFF8,
                    u32::from_be_bytes([
                        bytes[at + 4],
                        bytes[at + 5],
                        bytes[at + 6],
                        bytes[at + 7],
                    ])
                    .wrapping_add(8),
                ];
                bytes[at + 4..at + 8].copy_from_slice(&lies[rng.below(lies.len())].to_be_bytes());
            }
        }
        2 => {
            let at = pick(rng);
            if at + 4 <= bytes.len() {
                bytes[at + 3] = rng.below(16) as u8;
            }
        }
        3 => {
            let cut = HEADER_LEN + rng.below(bytes.len().saturating_sub(HEADER_LEN).max(1));
            bytes.truncate(cut);
        }
        4 => {
            let from = header_offsets(other);
            if let (Some(&start), at) = (from.get(rng.below(from.len())), pick(rng).max(HEADER_LEN))
            {
                let piece = &other[start..(start + 8 + rng.below(64)).min(other.len())];
                let at = at.min(bytes.len());
                bytes.splice(at..at, piece.iter().copied());
            }
        }
        5 => {
            // Wrap the first batch item's payload region in hundreds of structures.
            let depth = 100 + rng.below(900);
            let mut wrapped = Vec::new();
            for level in 0..depth {
                let remaining = ((depth - level - 1) * HEADER_LEN) as u32;
                wrapped.extend_from_slice(&[0x42, 0x00, 0x79, 0x01]);
                wrapped.extend_from_slice(&remaining.to_be_bytes());
            }
            bytes.extend_from_slice(&wrapped);
        }
        6 => {
            // Repeat the last top-level child (a Batch Item) many times.
            if let Ok(top) = decode(seed) {
                let mut item = top.item;
                if let Value::Structure(children) = &mut item.value {
                    if let Some(last) = children.last().cloned() {
                        for _ in 0..(100 + rng.below(2000)) {
                            children.push(last.clone());
                        }
                    }
                }
                bytes = encode(&item).unwrap_or(bytes);
            }
        }
        _ => {
            let at = pick(rng);
            if at + 8 <= bytes.len() {
                if bytes[at + 3] == 0x05 && at + 12 <= bytes.len() {
                    let value =
                        [0u32, 0xFFFF_FFFF, 0x8000_0001, rng.next_u64() as u32][rng.below(4)];
                    bytes[at + 8..at + 12].copy_from_slice(&value.to_be_bytes());
                } else {
                    let tag = if rng.below(2) == 0 {
                        0x42_0000 | (rng.next_u64() as u32 & 0x1FF)
                    } else {
                        rng.next_u64() as u32 & 0xFF_FFFF
                    };
                    bytes[at..at + 3].copy_from_slice(&tag.to_be_bytes()[1..]);
                }
            }
        }
    }
    fix_frame(&mut bytes);
    bytes
}

/// The valid requests the mutations start from: every request step of every case.
pub fn seeds(cases: &[Case]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for case in cases {
        for step in &case.steps {
            if let Action::Request(message) = &step.action {
                let mut message = message.clone();
                // Captures are unknown here: bind them to plausible values.
                crate::suite::oasis::bind_samples(&mut message);
                if let Ok(bytes) = encode(&message) {
                    out.push(bytes);
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Limits and output of a fuzzing run.
#[derive(Clone, Debug)]
pub struct FuzzOptions {
    pub duration: Duration,
    pub max_iterations: u64,
    pub seed: u64,
    pub timeout: Duration,
    /// Liveness check every this many mutations.
    pub liveness_every: u64,
    pub findings_dir: PathBuf,
    /// The command line prefix that targets the same server (for repro files).
    pub target_args: String,
}

/// What a run saw.
#[derive(Clone, Debug, Default)]
pub struct FuzzStats {
    pub sent: u64,
    pub answered: u64,
    pub closed: u64,
    pub crashes: u64,
    pub hangs: u64,
    pub violations: u64,
    /// Malformed requests the target answered with Success.
    pub lenient: u64,
    pub per_mutation: [u64; 8],
}

/// Why an answer breaks the protocol: it does not decode, is not a Response
/// Message, or has a batch item without Result Status.
fn protocol_violation(response: &[u8]) -> Option<String> {
    let decoded = match decode(response) {
        Ok(d) => d,
        Err(e) => return Some(format!("the response does not decode: {e}")),
    };
    if decoded.item.tag != tags::RESPONSE_MESSAGE {
        return Some("the answer is not a Response Message".into());
    }
    if decoded
        .item
        .children_with(tags::BATCH_ITEM)
        .any(|i| i.child(tags::RESULT_STATUS).is_none())
    {
        return Some("a response batch item has no Result Status".into());
    }
    None
}

fn answered_success(response: &[u8]) -> bool {
    decode(response).is_ok_and(|d| {
        d.item.children_with(tags::BATCH_ITEM).any(|i| {
            i.child(tags::RESULT_STATUS).map(|s| &s.value)
                == Some(&Value::Enumeration(ResultStatus::SUCCESS.0))
        })
    })
}

/// Valid TTLV with no strictness finding. Nesting is not limited here (that is
/// a decoder's own limit, not a KMIP rule) beyond what the mutations produce.
fn strictly_valid(bytes: &[u8]) -> bool {
    validate(bytes, 2048).is_ok_and(|v| v.findings == 0)
}

fn liveness_query() -> Vec<u8> {
    let header = crate::suite::build::Builder {
        version: Version::V1_2,
    }
    .header(&serde_norway::Value::Null, 1)
    .expect("static header");
    let message = Item::structure(
        tags::REQUEST_MESSAGE,
        vec![
            header,
            Item::structure(
                tags::BATCH_ITEM,
                vec![
                    Item::new(tags::OPERATION, Value::Enumeration(Operation::QUERY.0)),
                    Item::structure(
                        tags::REQUEST_PAYLOAD,
                        vec![Item::new(
                            tags::QUERY_FUNCTION,
                            Value::Enumeration(QueryFunction::QUERY_OPERATIONS.0),
                        )],
                    ),
                ],
            ),
        ],
    );
    encode(&message).expect("static request")
}

fn save(
    dir: &Path,
    kind: &str,
    index: u64,
    bytes: &[u8],
    why: &str,
    target_args: &str,
) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("{kind}-{index:04}.yaml"));
    let suite = format!(
        "# {why}\n# Replay: kmip-conform {target_args} {}\nsuite: fuzz-finding\ntitle: {kind} found by kmip-conform fuzz\ncases:\n  - id: fuzz/{kind}-{index:04}\n    title: {kind}\n    spec: \"robustness: KMIP 1.2 §11.1 (Invalid Message)\"\n    versions: [\"1.2\"]\n    steps:\n      - raw: \"{}\"\n        expect: {{outcome: error-or-close}}\n",
        path.display(),
        hex::encode(bytes)
    );
    std::fs::write(&path, suite)?;
    Ok(path)
}

/// Fuzzes `target` until the duration or iteration limit; returns the stats.
pub async fn fuzz<T: Target>(
    target: &T,
    seeds: &[Vec<u8>],
    options: &FuzzOptions,
    mut progress: impl FnMut(&FuzzStats),
) -> Result<FuzzStats, String> {
    if seeds.is_empty() {
        return Err("no seed requests".into());
    }
    let mut rng = Rng::new(options.seed);
    let mut stats = FuzzStats::default();
    let started = Instant::now();
    let liveness = liveness_query();
    let mut connection: Option<Connection> = None;
    while started.elapsed() < options.duration && stats.sent < options.max_iterations {
        let seed = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())];
        let kind = rng.below(MUTATIONS.len());
        let mutated = mutate(seed, other, kind, &mut rng);
        stats.per_mutation[kind] += 1;
        if connection.is_none() {
            match target.connect(false).await {
                Ok(mut c) => {
                    c.response_timeout = options.timeout;
                    connection = Some(c);
                }
                Err(e) => {
                    stats.crashes += 1;
                    let why = format!("the target refused a new connection ({e}) after this input");
                    save(
                        &options.findings_dir,
                        "crash",
                        stats.crashes,
                        &mutated,
                        &why,
                        &options.target_args,
                    )
                    .map_err(|e| e.to_string())?;
                    return Ok(stats);
                }
            }
        }
        stats.sent += 1;
        let result = connection
            .as_mut()
            .expect("connected")
            .exchange(&mutated)
            .await;
        match result {
            Ok(response) => {
                stats.answered += 1;
                if let Some(why) = protocol_violation(&response) {
                    stats.violations += 1;
                    save(
                        &options.findings_dir,
                        "violation",
                        stats.violations,
                        &mutated,
                        &why,
                        &options.target_args,
                    )
                    .map_err(|e| e.to_string())?;
                } else if answered_success(&response) && !strictly_valid(&mutated) {
                    // Accepting a malformed message is lenient, not a broken answer:
                    // counted, and a few samples kept.
                    stats.lenient += 1;
                    if stats.lenient <= 10 {
                        let why = "a message that is not valid TTLV (KMIP 1.2 §9.1) was answered with Success";
                        save(
                            &options.findings_dir,
                            "lenient",
                            stats.lenient,
                            &mutated,
                            why,
                            &options.target_args,
                        )
                        .map_err(|e| e.to_string())?;
                    }
                }
            }
            Err(ConnectionError::Timeout(wait)) => {
                stats.hangs += 1;
                let why = format!(
                    "no answer and no close within {wait:?} for a complete frame ({})",
                    MUTATIONS[kind]
                );
                save(
                    &options.findings_dir,
                    "hang",
                    stats.hangs,
                    &mutated,
                    &why,
                    &options.target_args,
                )
                .map_err(|e| e.to_string())?;
                connection = None;
            }
            Err(_) => {
                stats.closed += 1;
                connection = None;
            }
        }
        if stats.sent % options.liveness_every == 0 {
            let alive = match target.connect(false).await {
                Ok(mut c) => {
                    c.response_timeout = options.timeout;
                    c.exchange(&liveness)
                        .await
                        .is_ok_and(|r| decode(&r).is_ok())
                }
                Err(_) => false,
            };
            if !alive {
                stats.crashes += 1;
                let why = format!(
                    "after this input ({}), a fresh known-good Query failed",
                    MUTATIONS[kind]
                );
                save(
                    &options.findings_dir,
                    "crash",
                    stats.crashes,
                    &mutated,
                    &why,
                    &options.target_args,
                )
                .map_err(|e| e.to_string())?;
                return Ok(stats);
            }
            progress(&stats);
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mutations_keep_frames_complete() {
        let seed = hex::decode("42007801000000604200770100000038420069010000002042006a0200000004000000010000000042006b0200000004000000020000000042000d0200000004000000010000000042000f010000001842005c050000000400000018000000004200790100000000").unwrap();
        let mut rng = Rng::new(7);
        for (kind, name) in MUTATIONS.iter().enumerate() {
            for _ in 0..50 {
                let m = mutate(&seed, &seed, kind, &mut rng);
                let declared = u32::from_be_bytes([m[4], m[5], m[6], m[7]]) as usize;
                assert_eq!(declared + HEADER_LEN, m.len(), "{name}");
                assert_eq!(m.len() % 8, 0, "{name}");
            }
        }
    }
}
