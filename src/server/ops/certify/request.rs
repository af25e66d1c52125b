//! What a Certify or Re-certify request asks for: the Certificate Request
//! (KMIP 1.2 §4.7 Certificate Request Type + Certificate Request; 2.1 §6.1.6
//! Certificate Request Type + Certificate Request Value) and the subject given
//! as attributes (X.509 Certificate Subject §3.11, Certificate Subject §3.14).
//! PKCS#10 (DER) and PEM requests are accepted; CRMF and PGP are not.

use rcgen::{DistinguishedName, DnType, ExtendedKeyUsagePurpose, KeyUsagePurpose, SanType};
use x509_parser::certification_request::X509CertificationRequest;
use x509_parser::extensions::ParsedExtension;
use x509_parser::prelude::{FromDer, X509Name};
use x509_parser::x509::SubjectPublicKeyInfo;

use super::super::{OpContext, OpError};
use crate::kmip::{tags, CertificateRequestType, ResultReason};
use crate::server::ca;
use crate::server::object::{AttrKey, Attribute};
use crate::ttlv::{Item, Value};

/// A verified certificate signing request.
pub struct SigningRequest {
    /// The requester's SubjectPublicKeyInfo (DER).
    pub spki: Vec<u8>,
    /// `None` when the request's subject is empty.
    pub subject: Option<DistinguishedName>,
    pub subject_alt_names: Vec<SanType>,
    pub key_usages: Vec<KeyUsagePurpose>,
    pub extended_key_usages: Vec<ExtendedKeyUsagePurpose>,
}

/// A request that is not a valid signed request of its type: Invalid CSR
/// (2.x), Invalid Field (1.x, KMIP 1.2 §11.8).
pub fn bad_request(ctx: &OpContext<'_, '_>, why: impl Into<String>) -> OpError {
    OpError::new(
        ctx.by_version(ResultReason::INVALID_FIELD, ResultReason::INVALID_CSR),
        why,
    )
}

/// Reads and verifies the Certificate Request, if the request has one.
pub fn signing_request(
    ctx: &OpContext<'_, '_>,
    payload: &Item,
) -> Result<Option<SigningRequest>, OpError> {
    let request_type = payload.child(tags::CERTIFICATE_REQUEST_TYPE);
    let value = payload
        .child(tags::CERTIFICATE_REQUEST_VALUE)
        .or_else(|| payload.child(tags::CERTIFICATE_REQUEST));
    let (request_type, value) = match (request_type, value) {
        (None, None) => return Ok(None),
        (Some(_), None) => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Certificate Request Type given without a Certificate Request",
            ))
        }
        (None, Some(_)) => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "a Certificate Request needs its Certificate Request Type",
            ))
        }
        (Some(t), Some(v)) => (t, v),
    };
    let request_type = match request_type.value {
        Value::Enumeration(t) => CertificateRequestType(t),
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Certificate Request Type must be an Enumeration",
            ))
        }
    };
    let Value::ByteString(bytes) = &value.value else {
        return Err(bad_request(
            ctx,
            "the Certificate Request must be a Byte String",
        ));
    };
    let der = match request_type {
        CertificateRequestType::PKCS_10 => bytes.clone(),
        CertificateRequestType::PEM => {
            let (_, pem) = x509_parser::pem::parse_x509_pem(bytes).map_err(|e| {
                bad_request(
                    ctx,
                    format!("the PEM Certificate Request does not parse: {e}"),
                )
            })?;
            if !pem.label.ends_with("CERTIFICATE REQUEST") {
                return Err(bad_request(
                    ctx,
                    format!(
                        "the PEM block is a `{}`, not a CERTIFICATE REQUEST",
                        pem.label
                    ),
                ));
            }
            pem.contents
        }
        other => {
            return Err(OpError::new(
                ResultReason::FEATURE_NOT_SUPPORTED,
                format!("Certificate Request Type {other:?} is not supported; PKCS#10 and PEM are"),
            ))
        }
    };
    parse_pkcs10(ctx, &der).map(Some)
}

fn parse_pkcs10(ctx: &OpContext<'_, '_>, der: &[u8]) -> Result<SigningRequest, OpError> {
    let (rest, csr) = X509CertificationRequest::from_der(der).map_err(|e| {
        bad_request(
            ctx,
            format!("the Certificate Request is not a PKCS#10 request: {e}"),
        )
    })?;
    if !rest.is_empty() {
        return Err(bad_request(
            ctx,
            "the Certificate Request has trailing bytes after the PKCS#10 request",
        ));
    }
    csr.verify_signature().map_err(|e| {
        bad_request(
            ctx,
            format!("the Certificate Request's signature does not verify: {e}"),
        )
    })?;
    let info = &csr.certification_request_info;
    let subject = if info.subject.iter_attributes().next().is_none() {
        None
    } else {
        Some(ca::distinguished_name(&info.subject).map_err(|e| bad_request(ctx, e))?)
    };
    let mut request = SigningRequest {
        spki: info.subject_pki.raw.to_vec(),
        subject,
        subject_alt_names: Vec::new(),
        key_usages: Vec::new(),
        extended_key_usages: Vec::new(),
    };
    // Basic Constraints is ignored: this CA issues end-entity certificates only.
    for extension in csr.requested_extensions().into_iter().flatten() {
        match extension {
            ParsedExtension::SubjectAlternativeName(san) => {
                request.subject_alt_names = ca::subject_alt_names(&san.general_names);
            }
            ParsedExtension::KeyUsage(usage) => {
                let wanted = [
                    (usage.digital_signature(), KeyUsagePurpose::DigitalSignature),
                    (usage.non_repudiation(), KeyUsagePurpose::ContentCommitment),
                    (usage.key_encipherment(), KeyUsagePurpose::KeyEncipherment),
                    (usage.data_encipherment(), KeyUsagePurpose::DataEncipherment),
                    (usage.key_agreement(), KeyUsagePurpose::KeyAgreement),
                    (usage.encipher_only(), KeyUsagePurpose::EncipherOnly),
                    (usage.decipher_only(), KeyUsagePurpose::DecipherOnly),
                ];
                request.key_usages = wanted
                    .into_iter()
                    .filter_map(|(on, purpose)| on.then_some(purpose))
                    .collect();
            }
            ParsedExtension::ExtendedKeyUsage(usage) => {
                let wanted = [
                    (usage.server_auth, ExtendedKeyUsagePurpose::ServerAuth),
                    (usage.client_auth, ExtendedKeyUsagePurpose::ClientAuth),
                    (usage.code_signing, ExtendedKeyUsagePurpose::CodeSigning),
                    (
                        usage.email_protection,
                        ExtendedKeyUsagePurpose::EmailProtection,
                    ),
                    (usage.time_stamping, ExtendedKeyUsagePurpose::TimeStamping),
                    (usage.ocsp_signing, ExtendedKeyUsagePurpose::OcspSigning),
                ];
                request.extended_key_usages = wanted
                    .into_iter()
                    .filter_map(|(on, purpose)| on.then_some(purpose))
                    .collect();
            }
            _ => {}
        }
    }
    Ok(request)
}

/// Whether two SubjectPublicKeyInfos hold the same key (algorithm and key bits).
pub fn same_key(a: &[u8], b: &[u8]) -> bool {
    match (
        SubjectPublicKeyInfo::from_der(a),
        SubjectPublicKeyInfo::from_der(b),
    ) {
        (Ok((_, a)), Ok((_, b))) => {
            a.algorithm.algorithm == b.algorithm.algorithm
                && a.subject_public_key.data == b.subject_public_key.data
        }
        _ => a == b,
    }
}

/// Attributes the server derives from the certificate it issues; a client's
/// values for them are replaced (KMIP 1.2 §3.8–3.16: "Initially set by: Server").
pub const DERIVED: &[crate::ttlv::Tag] = &[
    tags::CERTIFICATE_TYPE,
    tags::CERTIFICATE_LENGTH,
    tags::X_509_CERTIFICATE_IDENTIFIER,
    tags::X_509_CERTIFICATE_SUBJECT,
    tags::X_509_CERTIFICATE_ISSUER,
    tags::CERTIFICATE_IDENTIFIER,
    tags::CERTIFICATE_SUBJECT,
    tags::CERTIFICATE_ISSUER,
    tags::DIGITAL_SIGNATURE_ALGORITHM,
    tags::CRYPTOGRAPHIC_ALGORITHM,
    tags::CRYPTOGRAPHIC_LENGTH,
];

/// Takes the certificate-describing attributes out of the client's list and
/// returns the subject they name, if any. A Certificate Type other than X.509
/// is refused.
pub fn take_subject(attrs: &mut Vec<Attribute>) -> Result<Option<DistinguishedName>, OpError> {
    let mut subject = None;
    for attribute in attrs.iter() {
        let AttrKey::Tag(tag) = attribute.key else {
            continue;
        };
        if tag == tags::CERTIFICATE_TYPE
            && attribute.value != Value::Enumeration(crate::kmip::CertificateType::X_509.0)
        {
            return Err(OpError::new(
                ResultReason::FEATURE_NOT_SUPPORTED,
                "this server issues X.509 certificates only",
            ));
        }
        let named = if tag == tags::X_509_CERTIFICATE_SUBJECT {
            subject_from_field(&attribute.value, tags::SUBJECT_DISTINGUISHED_NAME)?
        } else if tag == tags::CERTIFICATE_SUBJECT {
            subject_from_field(
                &attribute.value,
                tags::CERTIFICATE_SUBJECT_DISTINGUISHED_NAME,
            )?
        } else {
            None
        };
        // The X.509 form wins over the deprecated one when both are given.
        if named.is_some() && (subject.is_none() || tag == tags::X_509_CERTIFICATE_SUBJECT) {
            subject = named;
        }
    }
    attrs.retain(|a| !matches!(a.key, AttrKey::Tag(t) if DERIVED.contains(&t)));
    Ok(subject)
}

/// The subject in an attribute structure's distinguished-name field: DER
/// (X.509 Certificate Subject) or text such as `CN=Client,O=ACME,C=US`.
fn subject_from_field(
    value: &Value,
    field: crate::ttlv::Tag,
) -> Result<Option<DistinguishedName>, OpError> {
    let Value::Structure(fields) = value else {
        return Ok(None);
    };
    let bad = |why: String| OpError::new(ResultReason::INVALID_FIELD, why);
    match fields.iter().find(|f| f.tag == field).map(|f| &f.value) {
        Some(Value::ByteString(der)) if der.is_empty() => Ok(None),
        Some(Value::ByteString(der)) => match X509Name::from_der(der) {
            Ok((_, name)) => ca::distinguished_name(&name).map(Some).map_err(bad),
            Err(_) => match std::str::from_utf8(der) {
                Ok(text) => text_name(text).map_err(bad),
                Err(_) => Err(bad(
                    "Subject Distinguished Name is neither a DER Name nor text".into(),
                )),
            },
        },
        Some(Value::TextString(text)) => text_name(text).map_err(bad),
        _ => Ok(None),
    }
}

/// A distinguished name written as in RFC 4514 (most specific first, as in
/// `CN=Client,OU=KMIP,O=ACME,C=US`); escapes are not supported.
fn text_name(text: &str) -> Result<Option<DistinguishedName>, String> {
    let mut parts = Vec::new();
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (kind, value) = part
            .split_once('=')
            .ok_or_else(|| format!("`{part}` in the subject is not TYPE=value"))?;
        let kind = match kind.trim().to_ascii_uppercase().as_str() {
            "CN" => DnType::CommonName,
            "O" => DnType::OrganizationName,
            "OU" => DnType::OrganizationalUnitName,
            "C" => DnType::CountryName,
            "ST" => DnType::StateOrProvinceName,
            "L" => DnType::LocalityName,
            other => return Err(format!("subject attribute type `{other}` is not supported")),
        };
        parts.push((kind, value.trim().to_owned()));
    }
    if parts.is_empty() {
        return Ok(None);
    }
    let mut name = DistinguishedName::new();
    for (kind, value) in parts.into_iter().rev() {
        name.push(kind, value);
    }
    Ok(Some(name))
}

/// The RFC 4514 text of a parsed name (most specific first), for the
/// deprecated 1.x Certificate Subject / Issuer / Identifier attributes.
pub fn name_text(name: &X509Name<'_>) -> String {
    use x509_parser::oid_registry::{
        OID_PKCS9_EMAIL_ADDRESS, OID_X509_COMMON_NAME, OID_X509_COUNTRY_NAME,
        OID_X509_LOCALITY_NAME, OID_X509_ORGANIZATIONAL_UNIT, OID_X509_ORGANIZATION_NAME,
        OID_X509_STATE_OR_PROVINCE_NAME,
    };
    let mut parts: Vec<String> = name
        .iter_attributes()
        .map(|attribute| {
            let oid = attribute.attr_type();
            let kind = [
                (&OID_X509_COMMON_NAME, "CN"),
                (&OID_X509_ORGANIZATION_NAME, "O"),
                (&OID_X509_ORGANIZATIONAL_UNIT, "OU"),
                (&OID_X509_COUNTRY_NAME, "C"),
                (&OID_X509_STATE_OR_PROVINCE_NAME, "ST"),
                (&OID_X509_LOCALITY_NAME, "L"),
                (&OID_PKCS9_EMAIL_ADDRESS, "E"),
            ]
            .iter()
            .find(|(known, _)| *known == oid)
            .map_or_else(|| oid.to_id_string(), |(_, short)| (*short).to_owned());
            let value = attribute.as_str().unwrap_or("").to_owned();
            format!("{kind}={value}")
        })
        .collect();
    parts.reverse();
    parts.join(",")
}

/// The X.509 Key Usage (RFC 5280 §4.2.1.3) matching a Cryptographic Usage
/// Mask attribute, for certificates whose request asks for none. Certificate
/// and CRL Sign are not granted: this CA issues end-entity certificates only.
pub fn key_usages_from_mask(attrs: &[Attribute]) -> Vec<KeyUsagePurpose> {
    use crate::kmip::CryptographicUsageMask as Mask;
    let Some(Value::Integer(mask)) = attrs
        .iter()
        .find(|a| a.key == AttrKey::Tag(tags::CRYPTOGRAPHIC_USAGE_MASK))
        .map(|a| &a.value)
    else {
        return Vec::new();
    };
    let mask = *mask as u32;
    let has = |bits: &[Mask]| bits.iter().any(|b| mask & b.0 != 0);
    [
        (
            has(&[Mask::SIGN, Mask::VERIFY]),
            KeyUsagePurpose::DigitalSignature,
        ),
        (
            has(&[Mask::CONTENT_COMMITMENT]),
            KeyUsagePurpose::ContentCommitment,
        ),
        (
            has(&[Mask::WRAP_KEY, Mask::UNWRAP_KEY]),
            KeyUsagePurpose::KeyEncipherment,
        ),
        (
            has(&[Mask::ENCRYPT, Mask::DECRYPT]),
            KeyUsagePurpose::DataEncipherment,
        ),
        (has(&[Mask::KEY_AGREEMENT]), KeyUsagePurpose::KeyAgreement),
    ]
    .into_iter()
    .filter_map(|(on, usage)| on.then_some(usage))
    .collect()
}

/// A default subject when neither the request nor the attributes name one.
pub fn default_subject(key_uid: Option<&str>) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(
        DnType::CommonName,
        match key_uid {
            Some(uid) => format!("kmip-conform key {uid}"),
            None => "kmip-conform certificate".to_owned(),
        },
    );
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_subjects_are_read_most_specific_first() {
        let name = text_name("CN=Client, OU=KMIP,O=ACME,C=US")
            .unwrap()
            .unwrap();
        let kinds: Vec<DnType> = name.iter().map(|(kind, _)| kind.clone()).collect();
        assert_eq!(
            kinds,
            [
                DnType::CountryName,
                DnType::OrganizationName,
                DnType::OrganizationalUnitName,
                DnType::CommonName
            ]
        );
        assert_eq!(text_name("").unwrap(), None);
        assert!(text_name("CN").is_err());
        assert!(text_name("XYZ=1").is_err());
    }

    #[test]
    fn name_text_reverses_der_order() {
        // C=US, CN=x (DER order) renders as CN=x,C=US.
        let der = [
            0x30, 0x1A, 0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x06, 0x13, 0x02, b'U',
            b'S', 0x31, 0x0B, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0C, 0x02, b'x', b'y',
        ];
        let (_, name) = X509Name::from_der(&der).unwrap();
        assert_eq!(name_text(&name), "CN=xy,C=US");
    }
}
