//! The reference server as a certification authority (KMIP 1.2 §4.7–4.8,
//! 2.1 §6.1.6, §6.1.45): an ECDSA P-256 issuing CA generated once per server
//! instance, on first use, that signs the certificates Certify and Re-certify
//! produce (rcgen, ring backend).
//!
//! How clients reach the CA certificate: the first time a client certifies, a
//! copy of the CA certificate is stored as an Active Certificate object owned
//! by that client, and every certificate the server issues to it carries a
//! Link of type Certificate Link to that copy (KMIP 1.2 §3.35: "For
//! Certificate objects: the parent certificate for a certificate in a
//! certificate chain"). Get Attributes (Link) then Get fetches it. In-process
//! users can also read [`CertificationAuthority::certificate_der`] from the
//! server configuration.

use std::sync::OnceLock;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, PublicKeyData, SanType, SerialNumber, SignatureAlgorithm,
    PKCS_ECDSA_P256_SHA256,
};
use x509_parser::oid_registry::{
    OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_NIST_EC_P384, OID_PKCS1_RSAENCRYPTION,
    OID_SIG_ED25519,
};
use x509_parser::prelude::{FromDer, GeneralName, X509Certificate, X509Name};
use x509_parser::time::ASN1Time;
use x509_parser::x509::SubjectPublicKeyInfo;

use super::ops::OpError;
use crate::kmip::ResultReason;

/// Subject of the issuing CA certificate.
pub const CA_COMMON_NAME: &str = "kmip-conform reference server certification authority";

/// How long a certificate issued by Certify or Re-certify is valid.
pub const ISSUED_VALIDITY_SECONDS: i64 = 365 * 24 * 3600;

/// Issued certificates start this long before "now", to tolerate clock skew.
const BACKDATE_SECONDS: i64 = 300;

/// The issuing CA of one server instance; the key is generated on first use
/// and never leaves the process. Clones of a `ServerConfig` share it.
#[derive(Default)]
pub struct CertificationAuthority {
    issuing: OnceLock<Result<Issuing, String>>,
}

struct Issuing {
    certificate_der: Vec<u8>,
    issuer: Issuer<'static, KeyPair>,
}

impl std::fmt::Debug for CertificationAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never the key: only whether it exists yet.
        f.debug_struct("CertificationAuthority")
            .field("generated", &self.issuing.get().is_some())
            .finish()
    }
}

fn generate_issuing() -> Result<Issuing, String> {
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(|e| e.to_string())?;
    let mut params = CertificateParams::default();
    params
        .distinguished_name
        .push(DnType::CommonName, CA_COMMON_NAME);
    params
        .distinguished_name
        .push(DnType::OrganizationName, "kmip-conform");
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let now = unix_now();
    set_validity(&mut params, now - 24 * 3600, now + 20 * 365 * 24 * 3600)?;
    params.serial_number = Some(random_serial()?);
    let certificate = params.self_signed(&key).map_err(|e| e.to_string())?;
    Ok(Issuing {
        certificate_der: certificate.der().to_vec(),
        issuer: Issuer::new(params, key),
    })
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Sets a certificate's validity period (POSIX seconds).
fn set_validity(params: &mut CertificateParams, from: i64, to: i64) -> Result<(), String> {
    let date = |seconds: i64| {
        ASN1Time::from_timestamp(seconds)
            .map(|t| t.to_datetime())
            .map_err(|e| format!("date {seconds} is out of range: {e}"))
    };
    params.not_before = date(from)?;
    params.not_after = date(to)?;
    Ok(())
}

/// A random positive 16-byte serial number (RFC 5280 §4.1.2.2).
fn random_serial() -> Result<SerialNumber, String> {
    let mut bytes =
        super::store::random_bytes(16).ok_or("the system random number generator failed")?;
    bytes[0] = (bytes[0] & 0x7F) | 0x40;
    Ok(SerialNumber::from_slice(&bytes))
}

/// What goes into a certificate the CA issues.
pub struct IssueRequest<'a> {
    /// The subject's SubjectPublicKeyInfo (DER).
    pub spki: &'a [u8],
    pub subject: DistinguishedName,
    pub subject_alt_names: Vec<SanType>,
    /// Key usages and extended key usages asked for in a CSR.
    pub key_usages: Vec<KeyUsagePurpose>,
    pub extended_key_usages: Vec<rcgen::ExtendedKeyUsagePurpose>,
    /// POSIX seconds.
    pub now: i64,
}

impl CertificationAuthority {
    fn issuing(&self) -> Result<&Issuing, OpError> {
        self.issuing
            .get_or_init(generate_issuing)
            .as_ref()
            .map_err(|e| {
                OpError::new(
                    ResultReason::CRYPTOGRAPHIC_FAILURE,
                    format!("the server's certification authority could not be generated: {e}"),
                )
            })
    }

    /// The CA certificate (DER), generating the CA if this is its first use.
    pub fn certificate_der(&self) -> Option<Vec<u8>> {
        self.issuing().ok().map(|i| i.certificate_der.clone())
    }

    pub(crate) fn certificate(&self) -> Result<&[u8], OpError> {
        Ok(&self.issuing()?.certificate_der)
    }

    /// Issues an end-entity certificate (DER), valid from a little before
    /// `now` for [`ISSUED_VALIDITY_SECONDS`], signed ECDSA with SHA-256.
    pub(crate) fn issue(&self, request: IssueRequest<'_>) -> Result<Vec<u8>, OpError> {
        let issuing = self.issuing()?;
        let key = SubjectKey::from_spki(request.spki)?;
        let mut params = CertificateParams::default();
        params.distinguished_name = request.subject;
        params.subject_alt_names = request.subject_alt_names;
        params.key_usages = request.key_usages;
        params.extended_key_usages = request.extended_key_usages;
        params.is_ca = IsCa::ExplicitNoCa;
        params.use_authority_key_identifier_extension = true;
        set_validity(
            &mut params,
            request.now - BACKDATE_SECONDS,
            request.now + ISSUED_VALIDITY_SECONDS,
        )
        .map_err(|e| OpError::new(ResultReason::CRYPTOGRAPHIC_FAILURE, e))?;
        params.serial_number = Some(
            random_serial().map_err(|e| OpError::new(ResultReason::CRYPTOGRAPHIC_FAILURE, e))?,
        );
        params
            .signed_by(&key, &issuing.issuer)
            .map(|c| c.der().to_vec())
            .map_err(|e| {
                OpError::new(
                    ResultReason::CRYPTOGRAPHIC_FAILURE,
                    format!("signing the certificate failed: {e}"),
                )
            })
    }
}

/// A public key to certify, in the form rcgen writes into the certificate.
struct SubjectKey {
    key_bits: Vec<u8>,
    algorithm: &'static SignatureAlgorithm,
}

impl PublicKeyData for SubjectKey {
    fn der_bytes(&self) -> &[u8] {
        &self.key_bits
    }

    fn algorithm(&self) -> &'static SignatureAlgorithm {
        self.algorithm
    }
}

impl SubjectKey {
    /// RSA, EC P-256, EC P-384 and Ed25519 keys; others cannot be certified here.
    fn from_spki(spki: &[u8]) -> Result<SubjectKey, OpError> {
        let unsupported = |why: String| OpError::new(ResultReason::FEATURE_NOT_SUPPORTED, why);
        let (_, info) = SubjectPublicKeyInfo::from_der(spki).map_err(|e| {
            OpError::new(
                ResultReason::INVALID_FIELD,
                format!("the public key is not a valid SubjectPublicKeyInfo: {e}"),
            )
        })?;
        let oid = &info.algorithm.algorithm;
        let algorithm: &'static SignatureAlgorithm = if *oid == OID_PKCS1_RSAENCRYPTION {
            &rcgen::PKCS_RSA_SHA256
        } else if *oid == OID_SIG_ED25519 {
            &rcgen::PKCS_ED25519
        } else if *oid == OID_KEY_TYPE_EC_PUBLIC_KEY {
            let curve = info
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok());
            match curve {
                Some(c) if c == OID_EC_P256 => &PKCS_ECDSA_P256_SHA256,
                Some(c) if c == OID_NIST_EC_P384 => &rcgen::PKCS_ECDSA_P384_SHA384,
                other => {
                    return Err(unsupported(format!(
                        "EC keys on curve {other:?} cannot be certified; P-256 and P-384 can"
                    )))
                }
            }
        } else {
            return Err(unsupported(format!(
                "keys of algorithm {oid} cannot be certified; RSA, EC P-256/P-384 and Ed25519 can"
            )));
        };
        Ok(SubjectKey {
            key_bits: info.subject_public_key.data.to_vec(),
            algorithm,
        })
    }
}

/// The bit length of a public key (RSA modulus, EC field), if known.
pub fn key_bits(spki: &[u8]) -> Option<i32> {
    use x509_parser::public_key::PublicKey;
    let (_, info) = SubjectPublicKeyInfo::from_der(spki).ok()?;
    match info.parsed().ok()? {
        PublicKey::RSA(rsa) => i32::try_from(rsa.key_size()).ok(),
        PublicKey::EC(point) => i32::try_from(point.key_size()).ok(),
        _ if info.algorithm.algorithm == OID_SIG_ED25519 => Some(256),
        _ => None,
    }
}

/// An rcgen distinguished name from a parsed X.509 Name (one attribute per
/// RDN, string values), for subjects taken from a CSR or an attribute.
pub fn distinguished_name(name: &X509Name<'_>) -> Result<DistinguishedName, String> {
    use x509_parser::der_parser::asn1_rs::Tag;
    let mut dn = DistinguishedName::new();
    for attribute in name.iter_attributes() {
        let oid: Vec<u64> = attribute
            .attr_type()
            .iter()
            .ok_or("a name attribute type is not a valid OID")?
            .collect();
        let text = attribute
            .as_str()
            .map_err(|_| {
                format!(
                    "name attribute {} is not a text string",
                    attribute.attr_type()
                )
            })?
            .to_owned();
        let value = match attribute.attr_value().header.tag() {
            Tag::PrintableString => DnValue::PrintableString(
                text.clone()
                    .try_into()
                    .map_err(|_| format!("`{text}` is not a PrintableString"))?,
            ),
            _ => DnValue::Utf8String(text),
        };
        dn.push(DnType::from_oid(&oid), value);
    }
    Ok(dn)
}

/// Subject alternative names rcgen can write (DNS, e-mail, URI, IP address).
pub fn subject_alt_names(names: &[GeneralName<'_>]) -> Vec<SanType> {
    names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(n) => (*n).try_into().ok().map(SanType::DnsName),
            GeneralName::RFC822Name(n) => (*n).try_into().ok().map(SanType::Rfc822Name),
            GeneralName::URI(n) => (*n).try_into().ok().map(SanType::URI),
            GeneralName::IPAddress(octets) => match octets.len() {
                4 => <[u8; 4]>::try_from(*octets)
                    .ok()
                    .map(|o| SanType::IpAddress(o.into())),
                16 => <[u8; 16]>::try_from(*octets)
                    .ok()
                    .map(|o| SanType::IpAddress(o.into())),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

/// Parses a DER certificate.
pub fn parse_certificate(der: &[u8]) -> Option<X509Certificate<'_>> {
    X509Certificate::from_der(der)
        .ok()
        .filter(|(rest, _)| rest.is_empty())
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issued_certificates_verify_with_the_ca_and_keep_the_key() {
        let ca = CertificationAuthority::default();
        let subject_key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
        let spki = subject_key.subject_public_key_info();
        let mut subject = DistinguishedName::new();
        subject.push(DnType::CommonName, "unit test");
        let der = ca
            .issue(IssueRequest {
                spki: &spki,
                subject,
                subject_alt_names: Vec::new(),
                key_usages: Vec::new(),
                extended_key_usages: Vec::new(),
                now: unix_now(),
            })
            .unwrap();
        let ca_der = ca.certificate_der().unwrap();
        let (issued, authority) = (
            parse_certificate(&der).unwrap(),
            parse_certificate(&ca_der).unwrap(),
        );
        assert_eq!(issued.public_key().raw, spki.as_slice());
        issued
            .verify_signature(Some(authority.public_key()))
            .unwrap();
        assert!(!issued.basic_constraints().unwrap().unwrap().value.ca);
        assert_eq!(key_bits(&spki), Some(256));
        // The same CA for the life of the instance.
        assert_eq!(ca.certificate_der().unwrap(), ca_der);
        assert!(!format!("{ca:?}").contains("PRIVATE"));
    }

    #[test]
    fn unsupported_keys_are_refused_not_panicked_on() {
        assert!(SubjectKey::from_spki(b"\x30\x03\x02\x01\x00").is_err());
        assert!(SubjectKey::from_spki(&[]).is_err());
    }
}
