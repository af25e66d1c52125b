//! The main job: `kmip-conform [--target host:port] [SUITES…]` runs the YAML
//! suites against a target (the built-in reference server by default) and
//! writes the reports. Exit 0: every case passed or met its expectation;
//! 1: conformance failures; 2: usage or harness errors.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::{EXIT_ERROR, EXIT_FAILURES, EXIT_OK};
use crate::golden::store::{on_ci, Mode};
use crate::golden::Redactions;
use crate::kmip::Version;
use crate::report::console::Console;
use crate::report::files::Files;
use crate::report::{Consumer, ReportSettings, Verdict};
use crate::runner::exec::RunOptions;
use crate::runner::expectations::{glob_match, Expectations};
use crate::runner::target::{builtin, Target, TcpTarget};
use crate::runner::{prescan, run, Capabilities, GoldenSettings, RunPlan};
use crate::suite::model::Case;
use crate::suite::parse::{read_suite, suite_files};
use std::io::IsTerminal;

#[derive(Debug, Args, Default)]
pub struct RunArgs {
    /// `host:port` of the KMIP server under test, or `builtin` (the default):
    /// the reference server, started in-process with an ephemeral PKI.
    #[arg(long, default_value = "builtin")]
    target: String,
    /// CA certificate (PEM) that signed the target's certificate.
    #[arg(long)]
    ca: Option<PathBuf>,
    /// Client certificate (PEM) to present.
    #[arg(long)]
    cert: Option<PathBuf>,
    /// Client private key (PEM, PKCS#8).
    #[arg(long)]
    key: Option<PathBuf>,
    /// Name to verify the target's certificate against.
    #[arg(long, default_value = "localhost")]
    server_name: String,
    /// Plain TCP instead of TLS (debugging only).
    #[arg(long)]
    plaintext: bool,
    /// Do not verify the target's certificate (testing only).
    #[arg(long)]
    insecure: bool,
    /// Suite files or directories (default: suites/).
    suites: Vec<PathBuf>,
    /// Only cases whose ID matches this glob (repeatable).
    #[arg(long = "case")]
    cases: Vec<String>,
    /// Only cases with this tag (repeatable).
    #[arg(long = "tag")]
    tags: Vec<String>,
    /// Only these protocol versions (comma-separated, e.g. 1.2,2.0).
    #[arg(long, value_delimiter = ',')]
    versions: Vec<Version>,
    /// List the selected case IDs and exit without running anything.
    #[arg(long)]
    list: bool,
    /// Expected verdicts for this target (case globs with reasons).
    #[arg(long = "expect")]
    expect: Option<PathBuf>,
    /// JUnit XML report path.
    #[arg(long, default_value = "reports/junit.xml")]
    junit: PathBuf,
    /// JSON report path.
    #[arg(long, default_value = "reports/report.json")]
    json: PathBuf,
    /// Cases run in parallel, each on its own connection.
    #[arg(short = 'j', long, default_value_t = 4)]
    jobs: usize,
    /// Seconds allowed for one step's response.
    #[arg(long, default_value_t = 10)]
    step_timeout: u64,
    /// Seconds allowed for a whole case.
    #[arg(long, default_value_t = 60)]
    case_timeout: u64,
    /// Do not ask the target what it supports (every case runs).
    #[arg(long)]
    no_prescan: bool,
    /// Print every case, passes included.
    #[arg(short, long)]
    verbose: bool,
    /// Golden snapshots: check (a difference fails; default for the builtin
    /// target), report (differences are noted; default for other targets), off.
    #[arg(long, value_enum)]
    golden: Option<GoldenArg>,
    /// Where snapshots and redactions.yaml live.
    #[arg(long, default_value = "golden")]
    golden_dir: PathBuf,
    /// Write new or changed snapshots as pending `.snap.new` files for
    /// `kmip-conform review` (never on CI).
    #[arg(long)]
    pub bless: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum GoldenArg {
    Check,
    Report,
    Off,
}

fn golden_settings(args: &RunArgs) -> Result<GoldenSettings, String> {
    let mode = match (args.bless, args.golden) {
        (true, _) if on_ci() => {
            return Err("--bless never writes snapshots on CI (CI is set)".into())
        }
        (true, _) => Mode::Update,
        (false, Some(GoldenArg::Check)) => Mode::Check,
        (false, Some(GoldenArg::Report)) => Mode::Report,
        (false, Some(GoldenArg::Off)) => Mode::Off,
        (false, None) if args.target == "builtin" => Mode::Check,
        (false, None) => Mode::Report,
    };
    let rules = args.golden_dir.join("redactions.yaml");
    let redactions = match std::fs::read_to_string(&rules) {
        Ok(text) => Redactions::parse(&text).map_err(|e| format!("{}: {e}", rules.display()))?,
        Err(_) if mode == Mode::Off => Redactions { rules: Vec::new() },
        Err(e) => {
            return Err(format!(
                "{}: {e} (or run with --golden off)",
                rules.display()
            ))
        }
    };
    Ok(GoldenSettings {
        dir: args.golden_dir.clone(),
        redactions,
        mode,
        color: std::io::stdout().is_terminal(),
    })
}

fn load_cases(args: &RunArgs) -> Result<Vec<Case>, String> {
    let roots = if args.suites.is_empty() {
        vec![PathBuf::from("suites")]
    } else {
        args.suites.clone()
    };
    let mut files = Vec::new();
    for root in roots {
        if root.is_dir() {
            files.extend(suite_files(&root).map_err(|e| e.to_string())?);
        } else {
            files.push(root);
        }
    }
    let mut cases = Vec::new();
    for file in files {
        cases.extend(read_suite(&file).map_err(|e| e.to_string())?.cases);
    }
    cases.retain(|c| args.cases.is_empty() || args.cases.iter().any(|g| glob_match(g, &c.id)));
    cases.retain(|c| args.tags.is_empty() || args.tags.iter().any(|t| c.tags.contains(t)));
    cases.retain(|c| args.versions.is_empty() || args.versions.contains(&c.version));
    Ok(cases)
}

fn remote_target(args: &RunArgs) -> Result<TcpTarget, String> {
    super::target_args::TargetArgs {
        address: args.target.clone(),
        ca: args.ca.clone(),
        cert: args.cert.clone(),
        key: args.key.clone(),
        server_name: args.server_name.clone(),
        plaintext: args.plaintext,
        insecure: args.insecure,
    }
    .build()
}

/// The command that reruns one case of this run.
fn rerun_command(args: &RunArgs) -> String {
    let mut parts = vec!["kmip-conform".to_owned()];
    if args.target != "builtin" {
        parts.push(format!("--target {}", args.target));
        for (flag, value) in [
            ("--ca", &args.ca),
            ("--cert", &args.cert),
            ("--key", &args.key),
        ] {
            if let Some(v) = value {
                parts.push(format!("{flag} {}", v.display()));
            }
        }
        if args.plaintext {
            parts.push("--plaintext".into());
        }
    }
    for suite in &args.suites {
        parts.push(suite.display().to_string());
    }
    parts.push("--case '{case}'".into());
    parts.join(" ")
}

async fn execute<T: Target + 'static>(
    target: Arc<T>,
    cases: Vec<Case>,
    args: &RunArgs,
) -> Result<u8, String> {
    let expectations = match &args.expect {
        Some(path) => Expectations::load(path)?,
        None => Expectations::default(),
    };
    let capabilities = if args.no_prescan {
        Capabilities::default()
    } else {
        prescan(target.as_ref())
            .await
            .map_err(|e| format!("cannot reach the target: {e}"))?
    };
    let options = RunOptions {
        step_timeout: Duration::from_secs(args.step_timeout),
        case_timeout: Duration::from_secs(args.case_timeout),
        ..RunOptions::default()
    };
    let settings = ReportSettings {
        junit: Some(args.junit.clone()),
        json: Some(args.json.clone()),
        repro_dir: args.junit.parent().map(|p| p.join("repro")),
        rerun_command: rerun_command(args),
    };
    let mut console = Console::new(args.verbose);
    let mut files = Files::new(settings);
    let mut consumers: [&mut dyn Consumer; 2] = [&mut console, &mut files];
    let plan = RunPlan {
        capabilities,
        expectations,
        options,
        jobs: args.jobs,
        golden: golden_settings(args)?,
    };
    let results = run(target, cases, &plan, &mut consumers).await;
    if let Some(first) = files.errors().first() {
        return Err(format!("writing reports: {first}"));
    }
    let harness = results
        .iter()
        .any(|r| r.verdict == Verdict::HarnessError && !r.ok());
    let failures = results.iter().any(|r| !r.ok());
    Ok(if harness {
        EXIT_ERROR
    } else if failures {
        EXIT_FAILURES
    } else {
        EXIT_OK
    })
}

pub fn run_main(args: &RunArgs) -> u8 {
    let cases = match load_cases(args) {
        Ok(cases) => cases,
        Err(e) => {
            eprintln!("error: {e}");
            return EXIT_ERROR;
        }
    };
    if args.list {
        for case in &cases {
            println!("{}\t{}\t{}", case.id, case.spec, case.location);
        }
        return EXIT_OK;
    }
    if cases.is_empty() {
        eprintln!("error: no case selected");
        return EXIT_ERROR;
    }
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
    let outcome = runtime.block_on(async {
        if args.target == "builtin" {
            let (target, _server) = builtin(|_| {}).await?;
            execute(Arc::new(target), cases, args).await
        } else {
            execute(Arc::new(remote_target(args)?), cases, args).await
        }
    });
    match outcome {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            EXIT_ERROR
        }
    }
}
