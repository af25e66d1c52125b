//! `kmip-conform bench`: a closed-loop load generator for any KMIP server.
//! N persistent (m)TLS connections each send one request at a time (Get of one
//! key, Create of AES-256 keys, or Query) for a fixed time; it reports
//! operations per second and latency percentiles, and a JSON line for scripts.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::{Args, ValueEnum};

use super::target_args::TargetArgs;
use super::{EXIT_ERROR, EXIT_OK};
use crate::kmip::message::request_message;
use crate::kmip::{
    tags, CryptographicAlgorithm, ObjectType, Operation, QueryFunction, ResultStatus, Version,
};
use crate::runner::target::{Target, TcpTarget};
use crate::ttlv::{decode, encode, Item, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BenchOp {
    Get,
    Create,
    Query,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// A PKI directory (ca.crt, client.crt, client.key), as `serve --pki-dir`
    /// writes; fills in whichever of --ca, --cert and --key are not given.
    #[arg(long)]
    pki_dir: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = BenchOp::Get)]
    op: BenchOp,
    /// Persistent connections, each with one request in flight.
    #[arg(long, default_value_t = 8)]
    connections: usize,
    #[arg(long, default_value_t = 5.0)]
    seconds: f64,
    /// Protocol version of the requests.
    #[arg(long, default_value = "1.2")]
    protocol: Version,
    /// Label for the JSON line (e.g. the server's name).
    #[arg(long, default_value = "target")]
    label: String,
}

pub fn run(args: &BenchArgs) -> u8 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: starting the runtime: {e}");
            return EXIT_ERROR;
        }
    };
    match runtime.block_on(bench(args)) {
        Ok(()) => EXIT_OK,
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_ERROR
        }
    }
}

/// The target, with --pki-dir's files standing in for missing TLS flags.
fn tcp_target(args: &BenchArgs) -> Result<TcpTarget, String> {
    let mut flags = args.target.clone();
    if let Some(dir) = &args.pki_dir {
        flags.ca = flags.ca.or_else(|| Some(dir.join("ca.crt")));
        flags.cert = flags.cert.or_else(|| Some(dir.join("client.crt")));
        flags.key = flags.key.or_else(|| Some(dir.join("client.key")));
    }
    flags.build()
}

fn request(version: Version, operation: Operation, payload: Vec<Item>) -> Vec<u8> {
    let item = Item::structure(
        tags::BATCH_ITEM,
        vec![
            Item::new(tags::OPERATION, Value::Enumeration(operation.0)),
            Item::structure(tags::REQUEST_PAYLOAD, payload),
        ],
    );
    encode(&request_message(version, Vec::new(), vec![item]))
        .expect("bench requests have no placeholders")
}

fn create_payload(version: Version) -> Vec<Item> {
    let algorithm = Value::Enumeration(CryptographicAlgorithm::AES.0);
    let attrs = if version.is_2x() {
        Item::structure(
            tags::ATTRIBUTES,
            vec![
                Item::new(tags::CRYPTOGRAPHIC_ALGORITHM, algorithm),
                Item::new(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(256)),
                Item::new(tags::CRYPTOGRAPHIC_USAGE_MASK, Value::Integer(0x0C)),
            ],
        )
    } else {
        let attribute = |name: &str, value: Value| {
            Item::structure(
                tags::ATTRIBUTE,
                vec![
                    Item::new(tags::ATTRIBUTE_NAME, Value::TextString(name.into())),
                    Item::new(tags::ATTRIBUTE_VALUE, value),
                ],
            )
        };
        Item::structure(
            tags::TEMPLATE_ATTRIBUTE,
            vec![
                attribute("Cryptographic Algorithm", algorithm),
                attribute("Cryptographic Length", Value::Integer(256)),
                attribute("Cryptographic Usage Mask", Value::Integer(0x0C)),
            ],
        )
    };
    vec![
        Item::new(
            tags::OBJECT_TYPE,
            Value::Enumeration(ObjectType::SYMMETRIC_KEY.0),
        ),
        attrs,
    ]
}

/// The first batch item's status and, if any, its Unique Identifier.
fn outcome(response: &[u8]) -> Option<(ResultStatus, Option<String>)> {
    let message = decode(response).ok()?.item;
    let item = message.child(tags::BATCH_ITEM)?;
    let status = match item.child(tags::RESULT_STATUS)?.value {
        Value::Enumeration(s) => ResultStatus(s),
        _ => return None,
    };
    let uid = item
        .child(tags::RESPONSE_PAYLOAD)
        .and_then(|p| p.child(tags::UNIQUE_IDENTIFIER))
        .and_then(|u| match &u.value {
            Value::TextString(t) => Some(t.clone()),
            _ => None,
        });
    Some((status, uid))
}

async fn bench(args: &BenchArgs) -> Result<(), String> {
    let target = tcp_target(args)?;
    let connect = || target.connect(false);
    let version = args.protocol;
    let message = match args.op {
        BenchOp::Create => request(version, Operation::CREATE, create_payload(version)),
        BenchOp::Query => request(
            version,
            Operation::QUERY,
            vec![Item::new(
                tags::QUERY_FUNCTION,
                Value::Enumeration(QueryFunction::QUERY_OPERATIONS.0),
            )],
        ),
        BenchOp::Get => {
            let mut setup = connect().await.map_err(|e| e.to_string())?;
            let response = setup
                .exchange(&request(
                    version,
                    Operation::CREATE,
                    create_payload(version),
                ))
                .await
                .map_err(|e| e.to_string())?;
            let uid = match outcome(&response) {
                Some((ResultStatus::SUCCESS, Some(uid))) => uid,
                other => return Err(format!("creating the key to Get failed: {other:?}")),
            };
            request(
                version,
                Operation::GET,
                vec![Item::new(tags::UNIQUE_IDENTIFIER, Value::TextString(uid))],
            )
        }
    };
    let message = Arc::new(message);
    let deadline = Instant::now() + Duration::from_secs_f64(args.seconds);
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..args.connections.max(1) {
        let mut connection = connect().await.map_err(|e| e.to_string())?;
        let message = message.clone();
        workers.spawn(async move {
            let (mut ok, mut failed, mut latencies) = (0u64, 0u64, Vec::new());
            while Instant::now() < deadline {
                let started = Instant::now();
                match connection.exchange(&message).await {
                    Ok(response)
                        if matches!(outcome(&response), Some((ResultStatus::SUCCESS, _))) =>
                    {
                        ok += 1
                    }
                    Ok(_) => failed += 1,
                    Err(_) => {
                        failed += 1;
                        break;
                    }
                }
                if latencies.len() < 2_000_000 {
                    latencies.push(started.elapsed().as_micros() as u32);
                }
            }
            (ok, failed, latencies)
        });
    }
    let started = Instant::now();
    let (mut ok, mut failed, mut latencies) = (0u64, 0u64, Vec::new());
    while let Some(result) = workers.join_next().await {
        let (o, f, l) = result.map_err(|e| e.to_string())?;
        ok += o;
        failed += f;
        latencies.extend(l);
    }
    let elapsed = started.elapsed().as_secs_f64().max(args.seconds);
    latencies.sort_unstable();
    let percentile = |p: f64| {
        latencies
            .get(((latencies.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or(0)
    };
    let rate = ok as f64 / elapsed;
    println!(
        "{}: {:?} x {} connections for {:.1} s: {ok} ok, {failed} failed, {rate:.0} ops/s, latency p50 {} us, p99 {} us",
        args.label,
        args.op,
        args.connections,
        elapsed,
        percentile(0.5),
        percentile(0.99)
    );
    println!(
        "{{\"label\":{:?},\"op\":\"{:?}\",\"connections\":{},\"seconds\":{elapsed:.2},\"ok\":{ok},\"failed\":{failed},\"ops_per_s\":{rate:.1},\"p50_us\":{},\"p99_us\":{}}}",
        args.label,
        args.op,
        args.connections,
        percentile(0.5),
        percentile(0.99)
    );
    if ok == 0 {
        return Err("no request succeeded".into());
    }
    Ok(())
}
