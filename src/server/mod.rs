//! The reference KMIP server: real TLS over real sockets, a faithful message
//! layer (versions, batches, asynchronous operations), and an in-memory object
//! store with the key lifecycle. It imports only `kmip` and `ttlv`.
//!
//! `server::run(listener, config, shutdown)` is the entry point; the caller
//! binds the listener. [`respond`] answers one message without any I/O, for
//! tests and fuzzing.

mod attributes;
mod batch;
pub mod ca;
pub mod config;
mod identity;
mod keys;
mod object;
mod ops;
mod pending;
pub mod pki;
mod process;
mod store;
pub mod support;
pub mod tls;
mod transport;
mod usage;

use std::future::Future;
use std::sync::{Arc, Mutex};

pub use config::{ClientAuth, ServerConfig};
pub use identity::{common_name, Identity};
pub use process::Outcome;

/// State shared by every connection of one server.
#[derive(Debug)]
pub struct Shared {
    pub config: ServerConfig,
    store: Mutex<store::Store>,
    pending: Mutex<pending::Pending>,
}

impl Shared {
    pub fn new(config: ServerConfig) -> Shared {
        Shared {
            config,
            store: Mutex::new(store::Store::default()),
            pending: Mutex::new(pending::Pending::default()),
        }
    }
}

/// Serves KMIP on `listener` until `shutdown` resolves.
pub async fn run(
    listener: tokio::net::TcpListener,
    config: ServerConfig,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    transport::serve(listener, Arc::new(Shared::new(config)), shutdown).await
}

/// Serves one already-established stream (any `AsyncRead + AsyncWrite`, e.g.
/// an in-memory duplex) as `identity`, until the peer closes or a timeout.
pub async fn serve_stream<S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin>(
    stream: S,
    shared: &Shared,
    identity: Identity,
) {
    let peer = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
    transport::session(stream, peer, identity, shared).await;
}

/// Answers one request message (full TTLV bytes) as `identity`, without I/O.
pub fn respond(shared: &Shared, identity: &Identity, request: &[u8]) -> (Vec<u8>, Outcome) {
    process::respond(shared, identity, request)
}
