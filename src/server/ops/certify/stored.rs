//! Certificate objects as the server stores them: the Certificate structure
//! (KMIP 1.2 §2.2.1), the attributes derived from the X.509 value (§3.8–3.17:
//! Certificate Type, Certificate Length, X.509 Certificate Identifier /
//! Subject / Issuer, their deprecated 1.0 forms, Digital Signature Algorithm,
//! Digest, Cryptographic Algorithm / Length), Links (§3.35), and the client's
//! copy of the CA certificate.

use ring::digest;
use x509_parser::oid_registry::{
    OID_KEY_TYPE_EC_PUBLIC_KEY, OID_PKCS1_RSAENCRYPTION, OID_PKCS1_RSASSAPSS,
    OID_PKCS1_SHA1WITHRSA, OID_PKCS1_SHA256WITHRSA, OID_PKCS1_SHA384WITHRSA,
    OID_PKCS1_SHA512WITHRSA, OID_SIG_ECDSA_WITH_SHA256, OID_SIG_ECDSA_WITH_SHA384, OID_SIG_ED25519,
};

use super::super::create::server_attributes;
use super::super::{OpContext, OpError};
use super::request::name_text;
use crate::kmip::{
    tags, CertificateType, CryptographicAlgorithm, DigitalSignatureAlgorithm, HashingAlgorithm,
    LinkType, ObjectType, ResultReason, State,
};
use crate::server::ca;
use crate::server::object::{AttrKey, Attribute, ManagedObject};
use crate::ttlv::{Item, Tag, Value};

fn attribute(tag: Tag, value: Value) -> Attribute {
    Attribute {
        key: AttrKey::Tag(tag),
        value,
    }
}

/// The Certificate object structure for an X.509 certificate.
pub fn certificate_item(der: &[u8]) -> Item {
    Item::structure(
        tags::CERTIFICATE,
        vec![
            Item::new(
                tags::CERTIFICATE_TYPE,
                Value::Enumeration(CertificateType::X_509.0),
            ),
            Item::new(tags::CERTIFICATE_VALUE, Value::ByteString(der.to_vec())),
        ],
    )
}

/// The X.509 value of a Certificate object, if it holds one.
pub fn certificate_value(object: &ManagedObject) -> Option<&[u8]> {
    let certificate = object.material.as_ref()?;
    let x509 = Value::Enumeration(CertificateType::X_509.0);
    if certificate.child(tags::CERTIFICATE_TYPE).map(|t| &t.value) != Some(&x509) {
        return None;
    }
    match certificate.child(tags::CERTIFICATE_VALUE).map(|v| &v.value) {
        Some(Value::ByteString(der)) => Some(der),
        _ => None,
    }
}

/// The targets of an object's Links of one type.
pub fn linked(object: &ManagedObject, link_type: LinkType) -> Vec<String> {
    object
        .instances(&AttrKey::Tag(tags::LINK))
        .filter_map(|a| match &a.value {
            Value::Structure(fields) => {
                let is_type = fields.iter().any(|f| {
                    f.tag == tags::LINK_TYPE && f.value == Value::Enumeration(link_type.0)
                });
                let target = fields
                    .iter()
                    .find(|f| f.tag == tags::LINKED_OBJECT_IDENTIFIER);
                match (is_type, target.map(|t| &t.value)) {
                    (true, Some(Value::TextString(uid))) => Some(uid.clone()),
                    _ => None,
                }
            }
            _ => None,
        })
        .collect()
}

/// Removes the Links of one type pointing at `uid` (all of that type when `uid` is `None`).
pub fn unlink(object: &mut ManagedObject, link_type: LinkType, uid: Option<&str>) {
    object.attributes.retain(|a| {
        let (AttrKey::Tag(tags::LINK), Value::Structure(fields)) = (&a.key, &a.value) else {
            return true;
        };
        let of_type = fields
            .iter()
            .any(|f| f.tag == tags::LINK_TYPE && f.value == Value::Enumeration(link_type.0));
        let to_target = uid.is_none_or(|uid| {
            fields.iter().any(|f| {
                f.tag == tags::LINKED_OBJECT_IDENTIFIER
                    && f.value == Value::TextString(uid.to_owned())
            })
        });
        !(of_type && to_target)
    });
}

fn signature_algorithm(
    oid: &x509_parser::der_parser::oid::Oid<'_>,
) -> Option<DigitalSignatureAlgorithm> {
    Some(if *oid == OID_SIG_ECDSA_WITH_SHA256 {
        DigitalSignatureAlgorithm::ECDSA_WITH_SHA256
    } else if *oid == OID_SIG_ECDSA_WITH_SHA384 {
        DigitalSignatureAlgorithm::ECDSA_WITH_SHA384
    } else if *oid == OID_PKCS1_SHA256WITHRSA {
        DigitalSignatureAlgorithm::SHA_256_WITH_RSA_ENCRYPTION
    } else if *oid == OID_PKCS1_SHA384WITHRSA {
        DigitalSignatureAlgorithm::SHA_384_WITH_RSA_ENCRYPTION
    } else if *oid == OID_PKCS1_SHA512WITHRSA {
        DigitalSignatureAlgorithm::SHA_512_WITH_RSA_ENCRYPTION
    } else if *oid == OID_PKCS1_SHA1WITHRSA {
        DigitalSignatureAlgorithm::SHA_1_WITH_RSA_ENCRYPTION
    } else if *oid == OID_PKCS1_RSASSAPSS {
        DigitalSignatureAlgorithm::RSASSA_PSS
    } else {
        return None;
    })
}

/// The attributes the server sets from an X.509 certificate's contents.
pub fn certificate_attributes(
    ctx: &OpContext<'_, '_>,
    der: &[u8],
) -> Result<Vec<Attribute>, OpError> {
    let certificate = ca::parse_certificate(der).ok_or_else(|| {
        OpError::new(
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            "the issued certificate does not parse",
        )
    })?;
    let issuer_der = certificate.issuer().as_raw().to_vec();
    let subject_der = certificate.subject().as_raw().to_vec();
    let serial = certificate.raw_serial();
    // The serial number as the DER INTEGER it is in the certificate.
    let mut serial_der = vec![0x02, serial.len() as u8];
    serial_der.extend_from_slice(serial);
    let serial_hex: String = certificate
        .serial
        .to_bytes_be()
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect();
    let issuer_text = name_text(certificate.issuer());
    let subject_text = name_text(certificate.subject());
    let mut out = vec![
        attribute(
            tags::CERTIFICATE_TYPE,
            Value::Enumeration(CertificateType::X_509.0),
        ),
        attribute(tags::CERTIFICATE_LENGTH, Value::Integer(der.len() as i32)),
        attribute(
            tags::X_509_CERTIFICATE_IDENTIFIER,
            Value::Structure(vec![
                Item::new(
                    tags::ISSUER_DISTINGUISHED_NAME,
                    Value::ByteString(issuer_der.clone()),
                ),
                Item::new(
                    tags::CERTIFICATE_SERIAL_NUMBER,
                    Value::ByteString(serial_der),
                ),
            ]),
        ),
        attribute(
            tags::X_509_CERTIFICATE_SUBJECT,
            Value::Structure(vec![Item::new(
                tags::SUBJECT_DISTINGUISHED_NAME,
                Value::ByteString(subject_der),
            )]),
        ),
        attribute(
            tags::X_509_CERTIFICATE_ISSUER,
            Value::Structure(vec![Item::new(
                tags::ISSUER_DISTINGUISHED_NAME,
                Value::ByteString(issuer_der),
            )]),
        ),
        // The 1.0 forms (deprecated in 1.1, gone in 2.x; only 1.x clients see them).
        attribute(
            tags::CERTIFICATE_IDENTIFIER,
            Value::Structure(vec![
                Item::new(tags::ISSUER, Value::TextString(issuer_text.clone())),
                Item::new(tags::SERIAL_NUMBER, Value::TextString(serial_hex)),
            ]),
        ),
        attribute(
            tags::CERTIFICATE_SUBJECT,
            Value::Structure(vec![Item::new(
                tags::CERTIFICATE_SUBJECT_DISTINGUISHED_NAME,
                Value::TextString(subject_text),
            )]),
        ),
        attribute(
            tags::CERTIFICATE_ISSUER,
            Value::Structure(vec![Item::new(
                tags::CERTIFICATE_ISSUER_DISTINGUISHED_NAME,
                Value::TextString(issuer_text),
            )]),
        ),
        // Digest of the Certificate Value; no Key Format Type for a certificate (§3.17).
        attribute(
            tags::DIGEST,
            Value::Structure(vec![
                Item::new(
                    tags::HASHING_ALGORITHM,
                    Value::Enumeration(HashingAlgorithm::SHA_256.0),
                ),
                Item::new(
                    tags::DIGEST_VALUE,
                    Value::ByteString(digest::digest(&digest::SHA256, der).as_ref().to_vec()),
                ),
            ]),
        ),
    ];
    if let Some(algorithm) = signature_algorithm(&certificate.signature_algorithm.algorithm) {
        out.push(attribute(
            tags::DIGITAL_SIGNATURE_ALGORITHM,
            Value::Enumeration(algorithm.0),
        ));
    }
    let key_oid = &certificate.public_key().algorithm.algorithm;
    let key_algorithm = if *key_oid == OID_PKCS1_RSAENCRYPTION {
        Some(CryptographicAlgorithm::RSA)
    } else if *key_oid == OID_KEY_TYPE_EC_PUBLIC_KEY {
        Some(CryptographicAlgorithm::ECDSA)
    } else if *key_oid == OID_SIG_ED25519 {
        Some(CryptographicAlgorithm::ED25519)
    } else {
        None
    };
    // Only values this version defines are stored (Ed25519 is 2.x).
    if let Some(algorithm) =
        key_algorithm.filter(|a| CryptographicAlgorithm::def().defined_in(a.0, ctx.version))
    {
        out.push(attribute(
            tags::CRYPTOGRAPHIC_ALGORITHM,
            Value::Enumeration(algorithm.0),
        ));
    }
    if let Some(bits) = ca::key_bits(certificate.public_key().raw) {
        out.push(attribute(tags::CRYPTOGRAPHIC_LENGTH, Value::Integer(bits)));
    }
    Ok(out)
}

/// The Unique Identifier of this client's copy of the server's CA
/// certificate, storing it (Active) the first time.
pub fn ca_copy_uid(ctx: &mut OpContext<'_, '_>) -> Result<String, OpError> {
    let der = ctx.config.certification_authority.certificate()?.to_vec();
    let existing = ctx.txn.all().into_iter().find(|o| {
        o.owner == *ctx.identity
            && o.object_type == ObjectType::CERTIFICATE
            && !o.bookkeeping.archived
            && certificate_value(o) == Some(der.as_slice())
    });
    if let Some(existing) = existing {
        return Ok(existing.uid.clone());
    }
    let mut attrs = server_attributes(ctx);
    attrs.extend(certificate_attributes(ctx, &der)?);
    attrs.push(attribute(tags::ACTIVATION_DATE, Value::DateTime(ctx.now)));
    let object = ManagedObject::new(
        ctx.identity.clone(),
        ObjectType::CERTIFICATE,
        State::ACTIVE,
        attrs,
        Some(certificate_item(&der)),
        ctx.txn.next_sequence(),
    );
    let uid = object.uid.clone();
    ctx.txn.put(object);
    Ok(uid)
}

/// Maps a reason the operation's error table does not list for this version
/// to the one it lists for the same condition (e.g. the 2.1 Certify table
/// says Item Not Found where other 2.x operations say Object Not Found).
pub fn conform(
    ctx: &OpContext<'_, '_>,
    operation: crate::kmip::Operation,
    error: OpError,
) -> OpError {
    let Some(allowed) = crate::kmip::errors::allowed_reasons(operation, ctx.version) else {
        return error;
    };
    if allowed.contains(&error.reason) {
        return error;
    }
    let candidates: &[ResultReason] = match error.reason {
        ResultReason::OBJECT_NOT_FOUND | ResultReason::ITEM_NOT_FOUND => &[
            ResultReason::OBJECT_NOT_FOUND,
            ResultReason::ITEM_NOT_FOUND,
            ResultReason::INVALID_MESSAGE,
        ],
        ResultReason::INVALID_CSR | ResultReason::INVALID_OBJECT_TYPE => {
            &[ResultReason::INVALID_FIELD]
        }
        ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED => &[ResultReason::FEATURE_NOT_SUPPORTED],
        ResultReason::OBJECT_ARCHIVED
        | ResultReason::WRONG_KEY_LIFECYCLE_STATE
        | ResultReason::KEY_VALUE_NOT_PRESENT => &[ResultReason::PERMISSION_DENIED],
        _ => &[],
    };
    match candidates.iter().find(|r| allowed.contains(r)) {
        Some(reason) => OpError {
            reason: *reason,
            message: error.message,
        },
        None => error,
    }
}
