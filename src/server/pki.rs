//! The PKI the reference server and its clients use: a directory holding
//! `ca.crt`, `server.crt`, `server.key`, `client.crt` and `client.key` (PEM,
//! PKCS#8 keys). Missing files are generated with rcgen: an ECDSA P-256 CA, a
//! server certificate for `localhost` / `127.0.0.1` (serverAuth), and a client
//! certificate with CN `kmip-conform-client` (clientAuth). ECDSA because PyKMIP
//! 0.11 offers rustls no AES-GCM suite with RSA keys.

use std::path::{Path, PathBuf};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType, PKCS_ECDSA_P256_SHA256,
};

/// The common name of the generated client certificate.
pub const CLIENT_CN: &str = "kmip-conform-client";

/// The five PKI files, by role.
#[derive(Clone, Debug)]
pub struct PkiPaths {
    pub dir: PathBuf,
    pub ca_cert: PathBuf,
    pub server_cert: PathBuf,
    pub server_key: PathBuf,
    pub client_cert: PathBuf,
    pub client_key: PathBuf,
}

impl PkiPaths {
    /// The file names inside `dir`.
    pub fn in_dir(dir: &Path) -> PkiPaths {
        PkiPaths {
            dir: dir.to_owned(),
            ca_cert: dir.join("ca.crt"),
            server_cert: dir.join("server.crt"),
            server_key: dir.join("server.key"),
            client_cert: dir.join("client.crt"),
            client_key: dir.join("client.key"),
        }
    }

    fn all(&self) -> [&PathBuf; 5] {
        [
            &self.ca_cert,
            &self.server_cert,
            &self.server_key,
            &self.client_cert,
            &self.client_key,
        ]
    }
}

/// Why a PKI could not be prepared.
#[derive(Debug, thiserror::Error)]
pub enum PkiError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("generating certificates: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("{dir}: has only some of ca.crt, server.crt, server.key, client.crt, client.key; provide all five or none")]
    Partial { dir: PathBuf },
}

/// Certificates and keys as PEM text, in memory.
#[derive(Clone, Debug)]
pub struct PkiPem {
    pub ca_cert: String,
    pub server_cert: String,
    pub server_key: String,
    pub client_cert: String,
    pub client_key: String,
}

/// Generates a fresh PKI in memory (for the in-process target and tests).
pub fn generate() -> Result<PkiPem, rcgen::Error> {
    let ca_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let mut ca = CertificateParams::new(Vec::<String>::new())?;
    ca.distinguished_name
        .push(DnType::CommonName, "kmip-conform test CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca_cert = ca.self_signed(&ca_key)?;
    let issuer = Issuer::from_params(&ca, &ca_key);

    let server_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let mut server = CertificateParams::new(vec!["localhost".to_owned()])?;
    server
        .subject_alt_names
        .push(SanType::IpAddress([127, 0, 0, 1].into()));
    server
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    server.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    server.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let server_cert = server.signed_by(&server_key, &issuer)?;

    let client_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256)?;
    let mut client = CertificateParams::new(Vec::<String>::new())?;
    client
        .distinguished_name
        .push(DnType::CommonName, CLIENT_CN);
    client.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    client.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    let client_cert = client.signed_by(&client_key, &issuer)?;

    Ok(PkiPem {
        ca_cert: ca_cert.pem(),
        server_cert: server_cert.pem(),
        server_key: server_key.serialize_pem(),
        client_cert: client_cert.pem(),
        client_key: client_key.serialize_pem(),
    })
}

/// Uses the five files in `dir` if all exist; generates all five if none do.
/// Returns the paths and whether they were generated now.
pub fn ensure_dir(dir: &Path) -> Result<(PkiPaths, bool), PkiError> {
    let paths = PkiPaths::in_dir(dir);
    let present = paths.all().iter().filter(|p| p.exists()).count();
    match present {
        5 => Ok((paths, false)),
        0 => {
            std::fs::create_dir_all(dir).map_err(|source| PkiError::Io {
                path: dir.to_owned(),
                source,
            })?;
            let pem = generate()?;
            let files = [
                (&paths.ca_cert, &pem.ca_cert),
                (&paths.server_cert, &pem.server_cert),
                (&paths.server_key, &pem.server_key),
                (&paths.client_cert, &pem.client_cert),
                (&paths.client_key, &pem.client_key),
            ];
            for (path, text) in files {
                std::fs::write(path, text).map_err(|source| PkiError::Io {
                    path: path.clone(),
                    source,
                })?;
            }
            Ok((paths, true))
        }
        _ => Err(PkiError::Partial {
            dir: dir.to_owned(),
        }),
    }
}

/// Reads the PEM files of a PKI directory.
pub fn read_dir(paths: &PkiPaths) -> Result<PkiPem, PkiError> {
    let read = |path: &PathBuf| {
        std::fs::read_to_string(path).map_err(|source| PkiError::Io {
            path: path.clone(),
            source,
        })
    };
    Ok(PkiPem {
        ca_cert: read(&paths.ca_cert)?,
        server_cert: read(&paths.server_cert)?,
        server_key: read(&paths.server_key)?,
        client_cert: read(&paths.client_cert)?,
        client_key: read(&paths.client_key)?,
    })
}
