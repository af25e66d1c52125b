//! Validate (KMIP 1.2 §4.24, 2.1 §6.1.57): is a certificate chain valid at
//! the Validity Date (default: now)?
//!
//! The chain is the request's Certificate structures and Unique Identifiers
//! of Certificate objects, in the order they appear, leaf first, each next
//! certificate the issuer of the one before. The policy (the spec leaves it
//! to the server):
//! - every certificate parses as X.509 and is within its validity period at
//!   the Validity Date; a certificate named by Unique Identifier is not
//!   Deactivated, Compromised or Destroyed (revoked);
//! - each certificate's issuer is the next one's subject, the next one may
//!   sign certificates (no Basic Constraints with cA false, no Key Usage
//!   without keyCertSign), and its signature verifies with the next one's key;
//! - the last certificate is a trust anchor or is signed by one. Trust
//!   anchors: the server's Certify CA and the self-signed Certificate objects
//!   the caller owns (registered roots) that are not archived, revoked or
//!   destroyed.
//!
//! A chain that fails any check answers Validity Indicator Invalid (not an
//! error); one whose signature algorithm this server cannot verify, or which
//! holds a non-X.509 certificate, answers Unknown. Errors are only for a
//! request that names no chain (Invalid Message), or names objects that do
//! not exist, are not Certificates, are archived or belong to someone else.
//! The KMIP 1.2 Validate error table (§11.25) lists only Invalid Message for
//! a request that "does not specify a certificate list", so a 1.x request
//! naming a missing or non-Certificate object gets Invalid Message; 2.x gets
//! Object Not Found / Invalid Object Type.

use x509_parser::error::X509Error;
use x509_parser::prelude::X509Certificate;

use super::certify::{certificate_value, conform};
use super::{response_payload, OpContext, OpError, OpResult};
use crate::kmip::{
    tags, CertificateType, ObjectType, Operation, ResultReason, State, ValidityIndicator,
};
use crate::server::ca::parse_certificate;
use crate::ttlv::{Item, Value};

/// Longest chain accepted.
const MAX_CHAIN: usize = 32;

/// One certificate of the chain as supplied.
enum Link {
    X509(Vec<u8>),
    /// Revoked or destroyed: the chain is invalid whatever it holds.
    Unusable,
    /// A certificate type this server cannot judge.
    NotX509,
}

fn revoked(state: State) -> bool {
    [
        State::DEACTIVATED,
        State::COMPROMISED,
        State::DESTROYED,
        State::DESTROYED_COMPROMISED,
    ]
    .contains(&state)
}

pub fn validate(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    validate_inner(ctx, payload).map_err(|e| conform(ctx, Operation::VALIDATE, e))
}

fn validate_inner(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let at = match payload.child(tags::VALIDITY_DATE).map(|d| &d.value) {
        None => ctx.now,
        Some(Value::DateTime(t)) => *t,
        Some(Value::DateTimeExtended(micros)) => micros.div_euclid(1_000_000),
        Some(_) => {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "Validity Date must be a Date-Time",
            ))
        }
    };
    let mut chain = Vec::new();
    for item in payload.children() {
        if item.tag == tags::CERTIFICATE {
            chain.push(supplied_certificate(item)?);
        } else if item.tag == tags::UNIQUE_IDENTIFIER {
            chain.push(managed_certificate(ctx, item)?);
        }
    }
    if chain.is_empty() {
        return Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            "Validate needs at least one Certificate or Unique Identifier of a Certificate",
        ));
    }
    if chain.len() > MAX_CHAIN {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!("a chain of at most {MAX_CHAIN} certificates is accepted"),
        ));
    }
    let anchors = trust_anchors(ctx)?;
    let indicator = judge(&chain, &anchors, at);
    Ok(response_payload(vec![Item::new(
        tags::VALIDITY_INDICATOR,
        Value::Enumeration(indicator.0),
    )]))
}

/// A Certificate structure from the request.
fn supplied_certificate(item: &Item) -> Result<Link, OpError> {
    let certificate_type = match item.child(tags::CERTIFICATE_TYPE).map(|t| &t.value) {
        Some(Value::Enumeration(t)) => CertificateType(*t),
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "a Certificate needs a Certificate Type",
            ))
        }
    };
    let value = match item.child(tags::CERTIFICATE_VALUE).map(|v| &v.value) {
        Some(Value::ByteString(der)) => der.clone(),
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "a Certificate needs a Byte String Certificate Value",
            ))
        }
    };
    Ok(if certificate_type == CertificateType::X_509 {
        Link::X509(value)
    } else {
        Link::NotX509
    })
}

/// A Certificate object named by Unique Identifier.
fn managed_certificate(ctx: &OpContext<'_, '_>, item: &Item) -> Result<Link, OpError> {
    let uid = match &item.value {
        Value::TextString(uid) => uid.clone(),
        _ => ctx.target_uid(&Item::structure(tags::REQUEST_PAYLOAD, vec![item.clone()]))?,
    };
    let object = ctx.owned(&uid)?;
    if object.object_type != ObjectType::CERTIFICATE {
        return Err(OpError::new(
            ctx.by_version(
                ResultReason::INVALID_MESSAGE,
                ResultReason::INVALID_OBJECT_TYPE,
            ),
            format!(
                "object {uid} is a {:?}, not a Certificate",
                object.object_type
            ),
        ));
    }
    if revoked(object.state) || object.material.is_none() {
        return Ok(Link::Unusable);
    }
    Ok(match certificate_value(object) {
        Some(der) => Link::X509(der.to_vec()),
        None => Link::NotX509,
    })
}

/// The server's Certify CA and the caller's usable self-signed certificates.
fn trust_anchors(ctx: &OpContext<'_, '_>) -> Result<Vec<Vec<u8>>, OpError> {
    let mut anchors = vec![ctx.config.certification_authority.certificate()?.to_vec()];
    for object in ctx.txn.all() {
        if object.owner != *ctx.identity
            || object.object_type != ObjectType::CERTIFICATE
            || object.bookkeeping.archived
            || revoked(object.state)
        {
            continue;
        }
        let Some(der) = certificate_value(object) else {
            continue;
        };
        let self_signed = parse_certificate(der).is_some_and(|c| {
            c.subject().as_raw() == c.issuer().as_raw() && c.verify_signature(None).is_ok()
        });
        if self_signed && !anchors.iter().any(|a| a == der) {
            anchors.push(der.to_vec());
        }
    }
    Ok(anchors)
}

/// What a signature check concluded.
enum Signature {
    Good,
    Bad,
    Undecidable,
}

fn signed_by(child: &X509Certificate<'_>, parent: &X509Certificate<'_>) -> Signature {
    if child.issuer().as_raw() != parent.subject().as_raw() {
        return Signature::Bad;
    }
    match child.verify_signature(Some(parent.public_key())) {
        Ok(()) => Signature::Good,
        Err(X509Error::SignatureUnsupportedAlgorithm) => Signature::Undecidable,
        Err(_) => Signature::Bad,
    }
}

fn within_validity(certificate: &X509Certificate<'_>, at: i64) -> bool {
    let validity = certificate.validity();
    validity.not_before.timestamp() <= at && at <= validity.not_after.timestamp()
}

/// May this certificate issue others (RFC 5280 §4.2.1.3, §4.2.1.9)?
fn may_sign_certificates(certificate: &X509Certificate<'_>) -> bool {
    let ca_flag = match certificate.basic_constraints() {
        Ok(Some(constraints)) => constraints.value.ca,
        Ok(None) => true,
        Err(_) => false,
    };
    let key_usage = match certificate.key_usage() {
        Ok(Some(usage)) => usage.value.key_cert_sign(),
        Ok(None) => true,
        Err(_) => false,
    };
    ca_flag && key_usage
}

/// The verdict for a chain.
fn judge(chain: &[Link], anchors: &[Vec<u8>], at: i64) -> ValidityIndicator {
    let mut undecidable = false;
    let mut ders = Vec::new();
    for link in chain {
        match link {
            Link::X509(der) => ders.push(der.as_slice()),
            Link::Unusable => return ValidityIndicator::INVALID,
            Link::NotX509 => undecidable = true,
        }
    }
    if undecidable {
        return ValidityIndicator::UNKNOWN;
    }
    let Some(certificates) = ders
        .iter()
        .map(|der| parse_certificate(der))
        .collect::<Option<Vec<_>>>()
    else {
        return ValidityIndicator::INVALID;
    };
    if !certificates.iter().all(|c| within_validity(c, at)) {
        return ValidityIndicator::INVALID;
    }
    for pair in certificates.windows(2) {
        if !may_sign_certificates(&pair[1]) {
            return ValidityIndicator::INVALID;
        }
        match signed_by(&pair[0], &pair[1]) {
            Signature::Good => {}
            Signature::Bad => return ValidityIndicator::INVALID,
            Signature::Undecidable => undecidable = true,
        }
    }
    let last_der = ders[ders.len() - 1];
    let last = &certificates[certificates.len() - 1];
    let anchored = if anchors.iter().any(|a| a.as_slice() == last_der) {
        Signature::Good
    } else {
        anchors
            .iter()
            .filter_map(|der| parse_certificate(der))
            .filter(|anchor| within_validity(anchor, at) && may_sign_certificates(anchor))
            .map(|anchor| signed_by(last, &anchor))
            .fold(Signature::Bad, |best, next| match (best, next) {
                (Signature::Good, _) | (_, Signature::Good) => Signature::Good,
                (Signature::Undecidable, _) | (_, Signature::Undecidable) => Signature::Undecidable,
                _ => Signature::Bad,
            })
    };
    match anchored {
        Signature::Bad => ValidityIndicator::INVALID,
        Signature::Undecidable => ValidityIndicator::UNKNOWN,
        Signature::Good if undecidable => ValidityIndicator::UNKNOWN,
        Signature::Good => ValidityIndicator::VALID,
    }
}
