//! Targets: what the runner talks to. [`Target`] opens connections; a
//! [`TcpTarget`] is a host:port over TLS (or plain TCP), and [`builtin`] starts
//! the reference server in-process on loopback with an ephemeral PKI.

use std::future::Future;
use std::sync::Arc;

use super::connection::{client_config, ClientTls, Connection, ConnectionError};
use crate::server::{self, pki, ClientAuth, ServerConfig};

/// Something the runner can open KMIP connections to.
pub trait Target: Send + Sync {
    /// A description for reports (`127.0.0.1:5696 (TLS)`).
    fn describe(&self) -> String;
    /// Opens a connection; `anonymous` presents no client certificate.
    fn connect(
        &self,
        anonymous: bool,
    ) -> impl Future<Output = Result<Connection, ConnectionError>> + Send;
}

/// TLS client configurations with and without the client certificate.
#[derive(Clone)]
pub struct TlsPair {
    pub with_certificate: Arc<rustls::ClientConfig>,
    pub without_certificate: Arc<rustls::ClientConfig>,
}

impl TlsPair {
    pub fn new(settings: &ClientTls) -> Result<TlsPair, ConnectionError> {
        let anonymous = ClientTls {
            identity: None,
            ..settings.clone()
        };
        Ok(TlsPair {
            with_certificate: client_config(settings)?,
            without_certificate: client_config(&anonymous)?,
        })
    }
}

/// A target at `address` over TLS (or plaintext when `tls` is `None`).
#[derive(Clone)]
pub struct TcpTarget {
    pub address: String,
    pub tls: Option<TlsPair>,
    pub server_name: String,
    pub label: String,
}

impl Target for TcpTarget {
    fn describe(&self) -> String {
        self.label.clone()
    }

    async fn connect(&self, anonymous: bool) -> Result<Connection, ConnectionError> {
        let tls = self.tls.as_ref().map(|pair| {
            let config = if anonymous {
                pair.without_certificate.clone()
            } else {
                pair.with_certificate.clone()
            };
            (config, self.server_name.as_str())
        });
        Connection::connect(&self.address, tls).await
    }
}

/// Keeps the in-process server running; stops it when dropped.
pub struct BuiltinServer {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Drop for BuiltinServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Starts the reference server on 127.0.0.1 (ephemeral port, fresh PKI,
/// Query allowed without a client certificate) and returns a target for it.
pub async fn builtin(
    adjust: impl FnOnce(&mut ServerConfig),
) -> Result<(TcpTarget, BuiltinServer), String> {
    let pem = pki::generate().map_err(|e| format!("generating the PKI: {e}"))?;
    // Query is allowed without a client certificate (KMIP 1.2 §6.6), and
    // Create is also served asynchronously when a client allows it, so the
    // suites can exercise Pending, Poll and Cancel.
    let mut config = ServerConfig {
        client_auth: ClientAuth::QueryOnlyWithout,
        ..ServerConfig::default()
    };
    config.async_ops.push(crate::kmip::Operation::CREATE);
    config.async_delay = std::time::Duration::from_millis(100);
    adjust(&mut config);
    config.tls = Some(
        server::tls::server_config(&pem, config.client_auth == ClientAuth::QueryOnlyWithout)
            .map_err(|e| e.to_string())?,
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("binding 127.0.0.1:0: {e}"))?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::run(listener, config, async move {
        let _ = stopped.await;
    }));
    let settings = ClientTls {
        ca_pem: pem.ca_cert,
        identity: Some((pem.client_cert, pem.client_key)),
        insecure: false,
    };
    let tls = TlsPair::new(&settings).map_err(|e| e.to_string())?;
    let target = TcpTarget {
        address: address.to_string(),
        tls: Some(tls),
        server_name: "localhost".into(),
        label: format!("builtin reference server ({address}, mutual TLS)"),
    };
    Ok((target, BuiltinServer { stop: Some(stop) }))
}
