//! `kmip-conform review`: show pending golden snapshots (`.snap.new`) as diffs,
//! and promote (`--accept`) or discard (`--reject`) them.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::Args;

use super::{EXIT_ERROR, EXIT_OK};
use crate::golden::store::{accept, on_ci, pending, pending_diff};

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// Promote every pending snapshot to the golden file.
    #[arg(long, conflicts_with = "reject")]
    accept: bool,
    /// Delete every pending snapshot.
    #[arg(long)]
    reject: bool,
    #[arg(long, default_value = "golden")]
    golden_dir: PathBuf,
}

pub fn run(args: &ReviewArgs) -> u8 {
    let found = match pending(&args.golden_dir) {
        Ok(found) => found,
        Err(e) => {
            eprintln!("error: {}: {e}", args.golden_dir.display());
            return EXIT_ERROR;
        }
    };
    if found.is_empty() {
        println!("no pending snapshots in {}", args.golden_dir.display());
        return EXIT_OK;
    }
    if (args.accept || args.reject) && on_ci() {
        eprintln!("error: review --accept/--reject never changes snapshots on CI (CI is set)");
        return EXIT_ERROR;
    }
    let color = std::io::stdout().is_terminal();
    for path in &found {
        println!("== {}", path.display());
        print!("{}", pending_diff(path, color));
        let outcome = if args.accept {
            accept(path).map(|golden| format!("accepted → {}", golden.display()))
        } else if args.reject {
            std::fs::remove_file(path).map(|()| "rejected".to_owned())
        } else {
            Ok("pending (review --accept to promote)".to_owned())
        };
        match outcome {
            Ok(text) => println!("   {text}"),
            Err(e) => {
                eprintln!("error: {}: {e}", path.display());
                return EXIT_ERROR;
            }
        }
    }
    EXIT_OK
}
