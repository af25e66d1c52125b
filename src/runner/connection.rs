//! A KMIP client connection: TLS (rustls on ring) or plain TCP, one request
//! and one response at a time, with a cap on the response size it will read.

use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::timeout;
use tokio_rustls::client::TlsStream;
use tokio_rustls::TlsConnector;

use crate::tls;
use crate::ttlv::{declared_item_len, HEADER_LEN};

/// Why talking to a target failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    #[error("connecting to {target}: {source}")]
    Connect {
        target: String,
        source: std::io::Error,
    },
    #[error("TLS with {target}: {source}")]
    Handshake {
        target: String,
        source: std::io::Error,
    },
    #[error("TLS settings: {0}")]
    Settings(String),
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
    #[error("the target closed the connection")]
    Closed,
    #[error("the target sent no complete response within {0:?}")]
    Timeout(Duration),
    #[error("response declares {declared} bytes, more than the {limit} accepted")]
    TooLarge { declared: u64, limit: usize },
}

/// Client TLS material, as PEM text.
#[derive(Clone, Debug, Default)]
pub struct ClientTls {
    pub ca_pem: String,
    /// Client certificate chain and PKCS#8 key; `None` connects without one.
    pub identity: Option<(String, String)>,
    /// Accept any server certificate (`--insecure`): testing only.
    pub insecure: bool,
}

/// A verifier that accepts any server certificate but still checks the
/// handshake signatures, for `--insecure` runs against test servers.
#[derive(Debug)]
struct AcceptAnyServer(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AcceptAnyServer {
    fn verify_server_cert(
        &self,
        _end_entity: &rustls::pki_types::CertificateDer<'_>,
        _intermediates: &[rustls::pki_types::CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A rustls client configuration: TLS 1.3 and 1.2 (AEAD suites), trusting `ca_pem`.
pub fn client_config(settings: &ClientTls) -> Result<Arc<rustls::ClientConfig>, ConnectionError> {
    let err = |e: &dyn std::fmt::Display| ConnectionError::Settings(e.to_string());
    let provider = tls::provider();
    let versions = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(|e| err(&e))?;
    let builder = if settings.insecure {
        versions
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyServer(provider)))
    } else {
        versions.with_root_certificates(tls::roots(&settings.ca_pem).map_err(|e| err(&e))?)
    };
    let config = match &settings.identity {
        Some((cert, key)) => builder
            .with_client_auth_cert(
                tls::certificates(cert, "client certificate").map_err(|e| err(&e))?,
                tls::private_key(key, "client key").map_err(|e| err(&e))?,
            )
            .map_err(|e| err(&e))?,
        None => builder.with_no_client_auth(),
    };
    Ok(Arc::new(config))
}

enum Stream {
    Tls(Box<TlsStream<TcpStream>>),
    Plain(TcpStream),
}

/// One open connection to a target.
pub struct Connection {
    stream: Stream,
    /// Largest response accepted.
    pub max_response: usize,
    /// Time allowed for one whole response.
    pub response_timeout: Duration,
}

impl Connection {
    /// Connects to `target` (`host:port`); with `tls`, performs the handshake
    /// and checks the certificate against `server_name`.
    pub async fn connect(
        target: &str,
        tls: Option<(Arc<rustls::ClientConfig>, &str)>,
    ) -> Result<Connection, ConnectionError> {
        let tcp = TcpStream::connect(target)
            .await
            .map_err(|source| ConnectionError::Connect {
                target: target.to_owned(),
                source,
            })?;
        let _ = tcp.set_nodelay(true);
        let stream = match tls {
            None => Stream::Plain(tcp),
            Some((config, server_name)) => {
                let name = ServerName::try_from(server_name.to_owned())
                    .map_err(|e| ConnectionError::Settings(e.to_string()))?;
                let tls = TlsConnector::from(config)
                    .connect(name, tcp)
                    .await
                    .map_err(|source| ConnectionError::Handshake {
                        target: target.to_owned(),
                        source,
                    })?;
                Stream::Tls(Box::new(tls))
            }
        };
        Ok(Connection {
            stream,
            max_response: 16 << 20,
            response_timeout: Duration::from_secs(30),
        })
    }

    /// Sends one request message and reads one response message.
    pub async fn exchange(&mut self, request: &[u8]) -> Result<Vec<u8>, ConnectionError> {
        match &mut self.stream {
            Stream::Tls(s) => {
                exchange(
                    s.as_mut(),
                    request,
                    self.max_response,
                    self.response_timeout,
                )
                .await
            }
            Stream::Plain(s) => {
                exchange(s, request, self.max_response, self.response_timeout).await
            }
        }
    }
}

async fn exchange<S>(
    stream: &mut S,
    request: &[u8],
    limit: usize,
    wait: Duration,
) -> Result<Vec<u8>, ConnectionError>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin,
{
    stream.write_all(request).await?;
    stream.flush().await?;
    let read = async {
        let mut header = [0u8; HEADER_LEN];
        match stream.read_exact(&mut header).await {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
                return Err(ConnectionError::Closed)
            }
            Err(e) => return Err(e.into()),
        }
        let declared = declared_item_len(&header).unwrap_or(u64::MAX);
        if declared > limit as u64 {
            return Err(ConnectionError::TooLarge { declared, limit });
        }
        let mut message = vec![0u8; declared as usize];
        message[..HEADER_LEN].copy_from_slice(&header);
        stream.read_exact(&mut message[HEADER_LEN..]).await?;
        Ok(message)
    };
    timeout(wait, read)
        .await
        .map_err(|_| ConnectionError::Timeout(wait))?
}
