//! Sockets: the accept loop, the TLS handshake, and message framing on each
//! connection — read the 8-byte header, check the declared length against the
//! limit, then read exactly that many bytes; every phase under its own timeout.

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinSet;
use tokio::time::timeout;
use tokio_rustls::TlsAcceptor;

use super::identity::{common_name, Identity};
use super::process::{reject, respond};
use super::Shared;
use crate::ttlv::{declared_item_len, HEADER_LEN};

/// Serves KMIP on `listener` until `shutdown` resolves. The caller binds the
/// listener, so tests can use `127.0.0.1:0`.
pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    shutdown: impl Future<Output = ()>,
) -> io::Result<()> {
    let acceptor = shared.config.tls.clone().map(TlsAcceptor::from);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, peer)) => {
                    let shared = shared.clone();
                    let acceptor = acceptor.clone();
                    connections.spawn(async move { connection(stream, peer, acceptor, shared).await });
                }
                // Out of file descriptors and similar: keep serving the others.
                Err(e) => {
                    eprintln!("kmip-conform serve: accept failed: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    connections.abort_all();
    Ok(())
}

async fn connection(
    stream: TcpStream,
    peer: SocketAddr,
    acceptor: Option<TlsAcceptor>,
    shared: Arc<Shared>,
) {
    let _ = stream.set_nodelay(true);
    let Some(acceptor) = acceptor else {
        session(stream, peer, Identity::Anonymous, &shared).await;
        return;
    };
    let tls = match timeout(shared.config.handshake_timeout, acceptor.accept(stream)).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            log(&shared, peer, "-", &format!("TLS handshake refused: {e}"));
            return;
        }
        Err(_) => {
            log(&shared, peer, "-", "TLS handshake timed out");
            return;
        }
    };
    let identity = match tls
        .get_ref()
        .1
        .peer_certificates()
        .and_then(|chain| chain.first())
    {
        Some(cert) => Identity::Certificate(
            common_name(cert).unwrap_or_else(|| format!("sha256:{}", short_digest(cert))),
        ),
        None => Identity::Anonymous,
    };
    session(tls, peer, identity, &shared).await;
}

fn short_digest(der: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, der);
    crate::ttlv::render::hex::encode(&digest.as_ref()[..8])
}

fn log(shared: &Shared, peer: SocketAddr, who: &str, what: &str) {
    if shared.config.log_requests {
        eprintln!("{peer} {who} {what}");
    }
}

/// Reads messages and answers them until the peer closes, a timeout, or an
/// unframeable message.
pub(crate) async fn session<S: AsyncRead + AsyncWrite + Unpin>(
    mut stream: S,
    peer: SocketAddr,
    identity: Identity,
    shared: &Shared,
) {
    let config = &shared.config;
    loop {
        let mut header = [0u8; HEADER_LEN];
        match timeout(config.idle_timeout, stream.read(&mut header[..1])).await {
            Ok(Ok(1)) => {}
            _ => return, // closed, failed, or idle too long
        }
        if !matches!(
            timeout(config.read_timeout, stream.read_exact(&mut header[1..])).await,
            Ok(Ok(_))
        ) {
            return;
        }
        let declared = declared_item_len(&header).unwrap_or(u64::MAX);
        let length = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
        // A request is a Structure whose length is a multiple of eight (KMIP 1.2
        // §9.1.1.3); anything else cannot be framed, so refuse it at once rather
        // than wait for bytes that will never come.
        let unframeable = if header[3] != 0x01 || length % 8 != 0 {
            Some(format!(
                "the message header declares item type 0x{:02X} and length {length}: a request is a Structure of a multiple of 8 bytes",
                header[3]
            ))
        } else if declared > config.max_message_size as u64 {
            Some(format!(
                "message declares {declared} bytes; this server accepts at most {}",
                config.max_message_size
            ))
        } else {
            None
        };
        if let Some(why) = unframeable {
            // Never allocate what a hostile header declares; answer, then close
            // (the rest of the frame is not read, so the stream cannot be re-framed).
            log(shared, peer, identity.name(), &why);
            let _ = stream.write_all(&reject(shared, &header, why)).await;
            let _ = stream.shutdown().await;
            return;
        }
        let mut message = vec![0u8; declared as usize];
        message[..HEADER_LEN].copy_from_slice(&header);
        if !matches!(
            timeout(
                config.read_timeout,
                stream.read_exact(&mut message[HEADER_LEN..])
            )
            .await,
            Ok(Ok(_))
        ) {
            return;
        }
        let (response, outcome) = respond(shared, &identity, &message);
        log(
            shared,
            peer,
            identity.name(),
            &format!(
                "{} -> {}",
                outcome.operations.join(","),
                outcome.results.join(",")
            ),
        );
        if stream.write_all(&response).await.is_err() || stream.flush().await.is_err() {
            return;
        }
    }
}
