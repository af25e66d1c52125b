//! `cargo run -p xtask -- gen-dictionary [--tables DIR] [--out FILE] [--check]`
//!
//! Regenerates `src/kmip/generated.rs` from the KMIP tables. Defaults are
//! relative to the workspace root: `../shared/kmip/tables` and
//! `src/kmip/generated.rs`. With `--check` nothing is written and the exit
//! status says whether the file is up to date.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo run -p xtask -- gen-dictionary [--tables DIR] [--out FILE] [--check]

  --tables DIR  KMIP tables directory (default: <workspace>/../shared/kmip/tables)
  --out FILE    file to write (default: <workspace>/src/kmip/generated.rs)
  --check       do not write; fail if FILE differs from the generated text";

struct Args {
    tables: PathBuf,
    out: PathBuf,
    check: bool,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let root = manifest_dir.parent().unwrap_or(manifest_dir);
    match args.next().as_deref() {
        Some("gen-dictionary") => {}
        Some(other) => return Err(format!("unknown command `{other}`")),
        None => return Err("missing command".to_owned()),
    }
    let mut parsed = Args {
        tables: root.join("../shared/kmip/tables"),
        out: root.join("src/kmip/generated.rs"),
        check: false,
    };
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--tables" => parsed.tables = args.next().ok_or("--tables needs a directory")?.into(),
            "--out" => parsed.out = args.next().ok_or("--out needs a file")?.into(),
            "--check" => parsed.check = true,
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(parsed)
}

fn run(args: &Args) -> Result<bool, String> {
    let (text, notes) = xtask::generate_with_notes(&args.tables)?;
    for note in notes {
        eprintln!("{note}");
    }
    let current = std::fs::read_to_string(&args.out).ok();
    let fresh = current.as_deref() == Some(text.as_str());
    let lines = text.lines().count();
    if args.check {
        if fresh {
            eprintln!("{} is up to date ({lines} lines)", args.out.display());
        } else {
            eprintln!(
                "{} is stale: run cargo run -p xtask -- gen-dictionary",
                args.out.display()
            );
        }
        return Ok(fresh);
    }
    if fresh {
        eprintln!(
            "{} is already up to date ({lines} lines)",
            args.out.display()
        );
    } else {
        std::fs::write(&args.out, &text)
            .map_err(|e| format!("cannot write {}: {e}", args.out.display()))?;
        eprintln!("wrote {} ({lines} lines)", args.out.display());
    }
    Ok(true)
}

fn main() -> ExitCode {
    let args = match parse_args(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
