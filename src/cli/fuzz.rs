//! `kmip-conform fuzz`: mutational fuzzing of a live KMIP server you own.

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::target_args::TargetArgs;
use super::{EXIT_ERROR, EXIT_FAILURES, EXIT_OK};
use crate::runner::netfuzz::{fuzz, seeds, FuzzOptions, MUTATIONS};
use crate::suite::parse::{read_suite, suite_files};

#[derive(Debug, Args)]
pub struct FuzzArgs {
    #[command(flatten)]
    target: TargetArgs,
    /// How long to fuzz, e.g. 30s, 10m, 2h.
    #[arg(long, default_value = "10m")]
    duration: String,
    /// At most this many mutated requests.
    #[arg(long, default_value_t = 10_000_000)]
    iterations: u64,
    /// PRNG seed; the same seed and suites give the same mutations.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Seconds to wait for an answer before counting a hang.
    #[arg(long, default_value_t = 5)]
    timeout: u64,
    /// Where findings (one replayable suite file each) go.
    #[arg(long, default_value = "reports/fuzz-findings")]
    findings: PathBuf,
    /// Suite files or directories whose requests seed the mutations (default: suites/).
    suites: Vec<PathBuf>,
}

fn parse_duration(text: &str) -> Result<Duration, String> {
    let (number, unit) = text.split_at(
        text.find(|c: char| !c.is_ascii_digit())
            .unwrap_or(text.len()),
    );
    let n: u64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. 30s, 10m, 2h)"))?;
    Ok(Duration::from_secs(match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(format!("`{text}`: the unit is s, m or h")),
    }))
}

pub fn run(args: &FuzzArgs) -> u8 {
    match execute(args) {
        Ok(found) if found => EXIT_FAILURES,
        Ok(_) => EXIT_OK,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}

fn execute(args: &FuzzArgs) -> Result<bool, String> {
    let duration = parse_duration(&args.duration)?;
    let roots = if args.suites.is_empty() {
        vec![PathBuf::from("suites")]
    } else {
        args.suites.clone()
    };
    let mut cases = Vec::new();
    for root in roots {
        let files = if root.is_dir() {
            suite_files(&root).map_err(|e| e.to_string())?
        } else {
            vec![root]
        };
        for file in files {
            cases.extend(read_suite(&file).map_err(|e| e.to_string())?.cases);
        }
    }
    let seeds = seeds(&cases);
    let target = args.target.build()?;
    eprintln!(
        "kmip-conform fuzz: {} seed requests, {} mutations, against {} for {:?} (seed {}). Point this only at servers you own.",
        seeds.len(),
        MUTATIONS.len(),
        args.target.address,
        duration,
        args.seed
    );
    let options = FuzzOptions {
        duration,
        max_iterations: args.iterations,
        seed: args.seed,
        timeout: Duration::from_secs(args.timeout),
        liveness_every: 25,
        findings_dir: args.findings.clone(),
        target_args: args.target.as_flags(),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let started = std::time::Instant::now();
    let stats = runtime.block_on(fuzz(&target, &seeds, &options, |s| {
        if s.sent % 1000 == 0 {
            eprintln!(
                "  {} sent, {} answered, {} closed, {} crash, {} hang, {} violation",
                s.sent, s.answered, s.closed, s.crashes, s.hangs, s.violations
            );
        }
    }))?;
    let per: Vec<String> = MUTATIONS
        .iter()
        .zip(stats.per_mutation)
        .map(|(m, n)| format!("{m} {n}"))
        .collect();
    println!(
        "{} mutated requests in {:.0} s ({:.0}/s): {} answered, {} closed, {} malformed ones accepted (lenient); findings: {} crash, {} hang, {} protocol violation (in {})",
        stats.sent,
        started.elapsed().as_secs_f64(),
        stats.sent as f64 / started.elapsed().as_secs_f64().max(0.001),
        stats.answered,
        stats.closed,
        stats.lenient,
        stats.crashes,
        stats.hangs,
        stats.violations,
        args.findings.display()
    );
    println!("mutations: {}", per.join(", "));
    Ok(stats.crashes + stats.hangs + stats.violations > 0)
}
