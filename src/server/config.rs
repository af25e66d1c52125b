//! What a reference server instance is allowed and expected to do.

use std::sync::Arc;
use std::time::Duration;

use super::ca::CertificationAuthority;
use crate::kmip::{Operation, Version};

/// What a connection without a client certificate may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientAuth {
    /// Refuse the TLS handshake without a client certificate (the default).
    Required,
    /// Accept it, allow Query (KMIP 1.2 §6.6: Query SHOULD NOT require
    /// authentication), and answer everything else with Permission Denied.
    QueryOnlyWithout,
}

/// Server settings; [`ServerConfig::default`] matches `kmip-conform serve`.
#[derive(Clone)]
pub struct ServerConfig {
    /// TLS settings; `None` serves plaintext TCP (debugging only).
    pub tls: Option<Arc<rustls::ServerConfig>>,
    pub client_auth: ClientAuth,
    /// Largest request accepted, header included.
    pub max_message_size: usize,
    pub handshake_timeout: Duration,
    /// Time allowed to receive the rest of a message once its first byte arrived.
    pub read_timeout: Duration,
    /// Time a connection may sit between messages.
    pub idle_timeout: Duration,
    /// Operations answered asynchronously when the client allows it.
    pub async_ops: Vec<Operation>,
    /// How long an asynchronous operation stays pending.
    pub async_delay: Duration,
    /// Protocol versions served, newest first (Discover Versions order).
    pub versions: Vec<Version>,
    /// Print one line per request on stderr.
    pub log_requests: bool,
    /// Largest RSA modulus Create Key Pair / Re-key Key Pair will generate
    /// (policy; RSA generation takes seconds, more under sanitizers).
    pub max_rsa_bits: usize,
    /// Largest PBKDF2 Iteration Count Derive Key accepts (at most 1 000 000).
    pub max_kdf_iterations: i32,
    /// The issuing CA of Certify and Re-certify; its key is generated on
    /// first use and shared by clones of this configuration.
    pub certification_authority: Arc<CertificationAuthority>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            tls: None,
            client_auth: ClientAuth::Required,
            max_message_size: 1 << 20,
            handshake_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(300),
            async_ops: vec![
                Operation::CREATE_KEY_PAIR,
                Operation::RE_KEY,
                Operation::DERIVE_KEY,
                Operation::CERTIFY,
            ],
            async_delay: Duration::from_millis(200),
            versions: Version::ALL.iter().rev().copied().collect(),
            log_requests: false,
            max_rsa_bits: 4096,
            max_kdf_iterations: 1_000_000,
            certification_authority: Arc::default(),
        }
    }
}

impl std::fmt::Debug for ServerConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServerConfig")
            .field("tls", &self.tls.is_some())
            .field("client_auth", &self.client_auth)
            .field("max_message_size", &self.max_message_size)
            .field("async_ops", &self.async_ops)
            .field("async_delay", &self.async_delay)
            .field("versions", &self.versions)
            .field("max_rsa_bits", &self.max_rsa_bits)
            .field("max_kdf_iterations", &self.max_kdf_iterations)
            .field("certification_authority", &self.certification_authority)
            .finish()
    }
}
