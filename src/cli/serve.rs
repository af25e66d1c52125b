//! `kmip-conform serve`: run the reference KMIP server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use super::{EXIT_ERROR, EXIT_OK};
use crate::kmip::{dictionary, Operation};
use crate::server::{self, pki, ClientAuth, ServerConfig};

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on (KMIP's registered port is 5696).
    #[arg(long, default_value = "127.0.0.1:5696")]
    listen: SocketAddr,
    /// Directory with ca.crt, server.crt, server.key, client.crt, client.key;
    /// generated (ECDSA P-256) when absent. Default: $TMPDIR/kmip-conform-pki.
    #[arg(long)]
    pki_dir: Option<PathBuf>,
    /// Serve plain TCP without TLS. For debugging only: KMIP requires TLS.
    #[arg(long)]
    plaintext: bool,
    /// Accept connections without a client certificate, allowing them Query only.
    #[arg(long)]
    allow_no_client_cert: bool,
    /// Operations answered asynchronously when the client allows it (comma-separated names).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "CreateKeyPair,ReKey,DeriveKey,Certify"
    )]
    async_ops: Vec<String>,
    /// Milliseconds an asynchronous operation stays pending.
    #[arg(long, default_value_t = 200)]
    async_delay: u64,
    /// Largest request accepted, in bytes.
    #[arg(long, default_value_t = 1 << 20)]
    max_message_size: usize,
    /// Do not log one line per request.
    #[arg(long)]
    quiet: bool,
}

fn operation(name: &str) -> Result<Operation, String> {
    dictionary::enumeration("Operation")
        .and_then(|e| e.value_by_name(name.trim()))
        .map(|v| Operation(v.value))
        .ok_or_else(|| {
            format!("`{name}` is not a KMIP operation name (e.g. Create, CreateKeyPair)")
        })
}

pub fn run(args: &ServeArgs) -> u8 {
    match serve(args) {
        Ok(()) => EXIT_OK,
        Err(message) => {
            eprintln!("error: {message}");
            EXIT_ERROR
        }
    }
}

fn serve(args: &ServeArgs) -> Result<(), String> {
    let async_ops = args
        .async_ops
        .iter()
        .filter(|n| !n.is_empty())
        .map(|n| operation(n))
        .collect::<Result<Vec<_>, _>>()?;
    let mut config = ServerConfig {
        client_auth: if args.allow_no_client_cert {
            ClientAuth::QueryOnlyWithout
        } else {
            ClientAuth::Required
        },
        max_message_size: args.max_message_size,
        async_ops,
        async_delay: Duration::from_millis(args.async_delay),
        log_requests: !args.quiet,
        ..ServerConfig::default()
    };
    if args.plaintext {
        eprintln!("WARNING: --plaintext: serving KMIP WITHOUT TLS. Anyone on the path can read and forge every message. Use only for debugging on loopback.");
    } else {
        let dir = args
            .pki_dir
            .clone()
            .unwrap_or_else(|| std::env::temp_dir().join("kmip-conform-pki"));
        let (paths, generated) = pki::ensure_dir(&dir).map_err(|e| e.to_string())?;
        let pem = pki::read_dir(&paths).map_err(|e| e.to_string())?;
        config.tls = Some(
            server::tls::server_config(&pem, args.allow_no_client_cert)
                .map_err(|e| e.to_string())?,
        );
        eprintln!(
            "PKI in {} ({}):\n  CA certificate     {}\n  server certificate {}\n  server key         {}\n  client certificate {}\n  client key         {}",
            paths.dir.display(),
            if generated { "generated now" } else { "existing files" },
            paths.ca_cert.display(),
            paths.server_cert.display(),
            paths.server_key.display(),
            paths.client_cert.display(),
            paths.client_key.display(),
        );
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the runtime: {e}"))?;
    runtime.block_on(async {
        let listener = tokio::net::TcpListener::bind(args.listen)
            .await
            .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
        let local = listener.local_addr().map_err(|e| e.to_string())?;
        eprintln!(
            "kmip-conform serve: listening on {local} ({}); KMIP 1.0-2.1; Ctrl-C to stop",
            if args.plaintext {
                "PLAINTEXT"
            } else if args.allow_no_client_cert {
                "TLS 1.2/1.3; no client certificate: Query only"
            } else {
                "TLS 1.2/1.3, client certificate required"
            }
        );
        server::run(listener, config, shutdown_signal())
            .await
            .map_err(|e| e.to_string())
    })?;
    eprintln!("kmip-conform serve: stopped");
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
