//! `kmip-conform inspect`: decode, check and convert KMIP messages between
//! binary, hex, a tree view, and the KMIP XML and JSON encodings.

use std::io::{Read, Write};
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::{EXIT_ERROR, EXIT_OK};
use crate::kmip::KmipNames;
use crate::ttlv::render::{hex, json, tree, xml};
use crate::ttlv::{self, DecodeOptions, Item};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum InputFormat {
    /// Guess from the content: XML, JSON, hex digits, else binary.
    Auto,
    Hex,
    Bin,
    Xml,
    Json,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    /// Indented tree with names, wire types, values and enumeration hex.
    Tree,
    /// Canonical TTLV as hex, one message per line.
    Hex,
    Xml,
    Json,
}

#[derive(Debug, Args)]
pub struct InspectArgs {
    /// Input encoding.
    #[arg(long, value_enum, default_value_t = InputFormat::Auto)]
    from: InputFormat,
    /// Output encoding.
    #[arg(long, value_enum, default_value_t = OutputFormat::Tree)]
    to: OutputFormat,
    /// Treat strictness findings (non-zero padding, Boolean 2, trailing bytes, …) as errors.
    #[arg(long)]
    strict: bool,
    /// Binary/hex input holds several messages back to back (not one message plus trailing bytes).
    #[arg(long)]
    stream: bool,
    /// Read `$NAME` values in XML/JSON as literal text instead of placeholders.
    #[arg(long)]
    no_placeholders: bool,
    /// Input file; `-` or nothing reads standard input.
    file: Option<PathBuf>,
}

/// An inspect failure: one line for the user.
struct Failure(String);

pub fn run(args: &InspectArgs) -> u8 {
    match inspect(args) {
        Ok(()) => EXIT_OK,
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            EXIT_ERROR
        }
    }
}

fn read_input(file: Option<&PathBuf>) -> Result<(Vec<u8>, String), Failure> {
    let mut bytes = Vec::new();
    match file {
        Some(path) if path.as_os_str() != "-" => {
            bytes = std::fs::read(path).map_err(|e| Failure(format!("{}: {e}", path.display())))?;
            Ok((bytes, path.display().to_string()))
        }
        _ => {
            std::io::stdin()
                .read_to_end(&mut bytes)
                .map_err(|e| Failure(format!("standard input: {e}")))?;
            Ok((bytes, "<stdin>".to_owned()))
        }
    }
}

fn detect(bytes: &[u8]) -> InputFormat {
    let first = bytes.iter().find(|b| !b.is_ascii_whitespace());
    match first {
        Some(b'<') => InputFormat::Xml,
        Some(b'{') | Some(b'[') => InputFormat::Json,
        _ if hex::looks_like_hex(bytes) => InputFormat::Hex,
        _ => InputFormat::Bin,
    }
}

fn inspect(args: &InspectArgs) -> Result<(), Failure> {
    let (bytes, source) = read_input(args.file.as_ref())?;
    let names = KmipNames;
    let format = match args.from {
        InputFormat::Auto => detect(&bytes),
        other => other,
    };
    let messages = match format {
        InputFormat::Xml | InputFormat::Json => {
            let text = std::str::from_utf8(&bytes)
                .map_err(|e| Failure(format!("{source}: not UTF-8 text: {e}")))?;
            let placeholders = !args.no_placeholders;
            let read = if format == InputFormat::Xml {
                xml::read(text, &names, xml::ReadOptions { placeholders })
            } else {
                json::read(text, &names, json::ReadOptions { placeholders })
            };
            read.map_err(|e| Failure(format!("{source}: {e}")))?
        }
        InputFormat::Hex => {
            let text = String::from_utf8_lossy(&bytes);
            let binary = hex::decode(&text).map_err(|e| Failure(format!("{source}: {e}")))?;
            decode_binary(&binary, args, &source)?
        }
        InputFormat::Bin | InputFormat::Auto => decode_binary(&bytes, args, &source)?,
    };
    if messages.is_empty() {
        return Err(Failure(format!("{source}: no KMIP message found")));
    }
    let output = render(&messages, args.to)?;
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
        .map_err(|e| Failure(format!("writing output: {e}")))
}

/// Decodes one message, or with `--stream` every message in turn. Findings are
/// warnings on stderr, or errors with `--strict`.
fn decode_binary(bytes: &[u8], args: &InspectArgs, source: &str) -> Result<Vec<Item>, Failure> {
    let names = KmipNames;
    let options = DecodeOptions::default();
    let mut messages = Vec::new();
    let mut offset = 0;
    loop {
        let rest = &bytes[offset..];
        let decoded = if args.stream {
            ttlv::decode_prefix(rest, &options)
        } else {
            ttlv::decode_with(rest, &options)
        }
        .map_err(|mut e| {
            e.offset += offset;
            Failure(format!("{source}: {}", e.describe(&names)))
        })?;
        for finding in &decoded.findings {
            let mut finding = finding.clone();
            finding.offset += offset;
            if args.strict {
                return Err(Failure(format!(
                    "{source}: strict: {}",
                    finding.describe(&names)
                )));
            }
            eprintln!("warning: {source}: {}", finding.describe(&names));
        }
        if decoded.findings_dropped > 0 {
            eprintln!(
                "warning: {source}: {} more finding(s) not shown",
                decoded.findings_dropped
            );
        }
        offset += decoded.consumed;
        messages.push(decoded.item);
        if !args.stream || offset >= bytes.len() {
            return Ok(messages);
        }
    }
}

fn render(messages: &[Item], to: OutputFormat) -> Result<String, Failure> {
    let names = KmipNames;
    Ok(match to {
        OutputFormat::Tree => messages
            .iter()
            .map(|m| tree::render(m, &names))
            .collect::<Vec<_>>()
            .join("\n"),
        OutputFormat::Xml => xml::write_all(messages, &names),
        OutputFormat::Json => json::write_all(messages, &names),
        OutputFormat::Hex => {
            let mut out = String::new();
            for message in messages {
                let bytes = ttlv::encode(message).map_err(|e| match e {
                    ttlv::EncodeError::UnboundPlaceholder { text, path } => Failure(format!(
                        "cannot encode to binary: placeholder {text} at {} is not bound to a value",
                        path.display(&names)
                    )),
                    other => Failure(format!("cannot encode: {other}")),
                })?;
                out.push_str(&hex::encode(&bytes));
                out.push('\n');
            }
            out
        }
    })
}
