//! TLS for the reference server: TLS 1.3 and TLS 1.2 with ECDHE-ECDSA/RSA-AES-GCM
//! only (see [`crate::tls`]). Client certificates are verified against the PKI's
//! CA; whether a connection without one is refused or limited to Query is a
//! server option.

use std::sync::Arc;

use rustls::server::WebPkiClientVerifier;

use super::pki::PkiPem;
pub use crate::tls::{certificates, private_key, provider, roots, TlsError};

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
