//! Command-line wiring: argument parsing and exit codes, nothing else.
//!
//! Exit codes (shared by every subcommand): 0 success, 1 conformance failures,
//! 2 usage, input or harness errors.

mod bench;
mod fuzz;
mod inspect;
mod review;
mod run;
mod serve;
mod target_args;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code for conformance failures.
pub const EXIT_FAILURES: u8 = 1;
/// Exit code for usage, input and harness errors.
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "kmip-conform",
    version,
    about = "Conformance and fuzz-testing harness for KMIP",
    long_about = "Conformance and fuzz-testing harness for KMIP.\n\nWithout a subcommand, runs the YAML suites against --target (default: the built-in reference server) and writes JUnit and JSON reports.",
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    run: run::RunArgs,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Decode, check and convert one KMIP message (or a stream of them).
    Inspect(inspect::InspectArgs),
    /// Run the reference KMIP server (TLS with client certificates by default).
    Serve(serve::ServeArgs),
    /// Measure a KMIP server's throughput: N persistent connections, one request in flight each.
    Bench(bench::BenchArgs),
    /// Run the suites and write new or changed golden snapshots as pending `.snap.new` files.
    Update(run::RunArgs),
    /// Show pending golden snapshots; --accept promotes them, --reject discards them.
    Review(review::ReviewArgs),
    /// Mutational fuzzing of a live KMIP server (only servers you own).
    Fuzz(fuzz::FuzzArgs),
}

/// Runs the command line and maps the outcome to an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        None => run::run_main(&cli.run),
        Some(Command::Inspect(args)) => inspect::run(&args),
        Some(Command::Serve(args)) => serve::run(&args),
        Some(Command::Bench(args)) => bench::run(&args),
        Some(Command::Update(mut args)) => {
            args.bless = true;
            run::run_main(&args)
        }
        Some(Command::Review(args)) => review::run(&args),
        Some(Command::Fuzz(args)) => fuzz::run(&args),
    };
    ExitCode::from(code)
}
