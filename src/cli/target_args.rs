//! The flags that name a remote KMIP target and its TLS material, shared by
//! the suite run and `kmip-conform fuzz`.

use std::path::PathBuf;

use clap::Args;

use crate::runner::connection::ClientTls;
use crate::runner::target::{TcpTarget, TlsPair};

#[derive(Debug, Args, Clone, Default)]
pub struct TargetArgs {
    /// `host:port` of the KMIP server (only this address is ever contacted).
    #[arg(long = "target")]
    pub address: String,
    /// CA certificate (PEM) that signed the target's certificate.
    #[arg(long)]
    pub ca: Option<PathBuf>,
    /// Client certificate (PEM) to present.
    #[arg(long)]
    pub cert: Option<PathBuf>,
    /// Client private key (PEM, PKCS#8).
    #[arg(long)]
    pub key: Option<PathBuf>,
    /// Name to verify the target's certificate against.
    #[arg(long, default_value = "localhost")]
    pub server_name: String,
    /// Plain TCP instead of TLS (debugging only).
    #[arg(long)]
    pub plaintext: bool,
    /// Do not verify the target's certificate (testing only).
    #[arg(long)]
    pub insecure: bool,
}

impl TargetArgs {
    /// The target these flags describe; warns about --plaintext and --insecure.
    pub fn build(&self) -> Result<TcpTarget, String> {
        let tls = if self.plaintext {
            eprintln!("WARNING: --plaintext: talking to the target without TLS");
            None
        } else {
            let read = |p: &PathBuf| {
                std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
            };
            if self.insecure {
                eprintln!("WARNING: --insecure: the target's certificate is NOT verified");
            }
            let ca_pem = match (&self.ca, self.insecure) {
                (Some(ca), _) => read(ca)?,
                (None, true) => String::new(),
                (None, false) => {
                    return Err(
                        "--ca is required for a TLS target (or --insecure, or --plaintext)".into(),
                    )
                }
            };
            let identity = match (&self.cert, &self.key) {
                (Some(cert), Some(key)) => Some((read(cert)?, read(key)?)),
                (None, None) => None,
                _ => return Err("--cert and --key go together".into()),
            };
            Some(
                TlsPair::new(&ClientTls {
                    ca_pem,
                    identity,
                    insecure: self.insecure,
                })
                .map_err(|e| e.to_string())?,
            )
        };
        Ok(TcpTarget {
            address: self.address.clone(),
            label: format!(
                "{} ({})",
                self.address,
                if tls.is_some() { "TLS" } else { "plaintext" }
            ),
            tls,
            server_name: self.server_name.clone(),
        })
    }

    /// The same flags as a command-line fragment (for repro commands).
    pub fn as_flags(&self) -> String {
        let mut parts = vec![format!("--target {}", self.address)];
        for (flag, value) in [
            ("--ca", &self.ca),
            ("--cert", &self.cert),
            ("--key", &self.key),
        ] {
            if let Some(v) = value {
                parts.push(format!("{flag} {}", v.display()));
            }
        }
        if self.plaintext {
            parts.push("--plaintext".into());
        }
        if self.insecure {
            parts.push("--insecure".into());
        }
        parts.join(" ")
    }
}
