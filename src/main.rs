//! The `kmip-conform` command: argument parsing and wiring only.

fn main() -> std::process::ExitCode {
    kmip_conform::cli::main()
}
