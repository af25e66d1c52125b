//! TLS for the reference server: rustls on the ring provider, TLS 1.3 and
//! TLS 1.2 with ECDHE-ECDSA/RSA-AES-GCM only (older protocols never exist in
//! rustls). Client certificates are verified against the PKI's CA; whether a
//! connection without one is refused or limited to Query is a server option.

use std::sync::Arc;

use rustls::crypto::ring as ring_provider;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{CipherSuite, RootCertStore};

use super::pki::PkiPem;

/// Why a TLS configuration could not be built.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("reading {what}: {source}")]
    Pem {
        what: &'static str,
        source: rustls::pki_types::pem::Error,
    },
    #[error("{0}")]
    Rustls(#[from] rustls::Error),
    #[error("client verifier: {0}")]
    Verifier(#[from] rustls::server::VerifierBuilderError),
}

/// The TLS 1.2 suites KMIP peers are allowed (AEAD with ECDHE), plus every TLS 1.3 suite.
fn allowed(suite: CipherSuite) -> bool {
    matches!(
        suite,
        CipherSuite::TLS13_AES_128_GCM_SHA256
            | CipherSuite::TLS13_AES_256_GCM_SHA384
            | CipherSuite::TLS13_CHACHA20_POLY1305_SHA256
            | CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256
            | CipherSuite::TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
            | CipherSuite::TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
            | CipherSuite::TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
    )
}

/// The ring provider restricted to [`allowed`] suites.
pub fn provider() -> Arc<CryptoProvider> {
    let mut provider = ring_provider::default_provider();
    provider.cipher_suites.retain(|s| allowed(s.suite()));
    Arc::new(provider)
}

/// Parses every certificate in a PEM text.
pub fn certificates(
    pem: &str,
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    CertificateDer::pem_slice_iter(pem.as_bytes())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| TlsError::Pem { what, source })
}

/// Parses the first private key in a PEM text.
pub fn private_key(pem: &str, what: &'static str) -> Result<PrivateKeyDer<'static>, TlsError> {
    PrivateKeyDer::from_pem_slice(pem.as_bytes()).map_err(|source| TlsError::Pem { what, source })
}

/// A root store holding the PKI's CA.
pub fn roots(ca_pem: &str) -> Result<RootCertStore, TlsError> {
    let mut roots = RootCertStore::empty();
    for cert in certificates(ca_pem, "CA certificate")? {
        roots.add(cert)?;
    }
    Ok(roots)
}

/// The server side. With `allow_no_client_cert`, a client may connect without a
/// certificate (the server then allows it Query only); a certificate that is
/// presented must still chain to the CA.
pub fn server_config(
    pki: &PkiPem,
    allow_no_client_cert: bool,
) -> Result<Arc<rustls::ServerConfig>, TlsError> {
    let provider = provider();
    let verifier = WebPkiClientVerifier::builder_with_provider(
        Arc::new(roots(&pki.ca_cert)?),
        provider.clone(),
    );
    let verifier = if allow_no_client_cert {
        verifier.allow_unauthenticated().build()?
    } else {
        verifier.build()?
    };
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_client_cert_verifier(verifier)
        .with_single_cert(
            certificates(&pki.server_cert, "server certificate")?,
            private_key(&pki.server_key, "server key")?,
        )?;
    Ok(Arc::new(config))
}
