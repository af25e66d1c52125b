//! Certify and Re-certify (KMIP 1.2 §4.7–4.8, 2.1 §6.1.6, §6.1.45): the
//! server's own CA ([`crate::server::ca`]) signs an X.509 certificate for a
//! Public Key object and/or a PKCS#10 request.
//!
//! Certify: the key is the Public Key named by Unique Identifier (or the ID
//! Placeholder); with a Certificate Request and no Unique Identifier, the
//! request's own key is certified (2.x always; 1.x when the ID Placeholder
//! does not name a Public Key). When both are given they must hold the same
//! key. The subject comes from the request, else from an X.509 Certificate
//! Subject / Certificate Subject attribute, else `CN=kmip-conform key <uid>`.
//! The new Certificate links to the Public Key (Public Key Link) and to the
//! client's copy of the CA certificate (Certificate Link); the Public Key
//! gets a Certificate Link to it.
//!
//! Re-certify: a new certificate for the same key (the old certificate's
//! Public Key Link target, else the key inside the old certificate), with
//! Replacement / Replaced Object Links, names moved from the old certificate,
//! and the Offset date rules of KMIP 1.2 Table 159.

mod request;
mod stored;

pub use stored::{certificate_value, conform};

use super::create::{client_attributes, server_attributes};
use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{tags, LinkType, ObjectType, Operation, ResultReason, State};
use crate::server::ca::{self, IssueRequest};
use crate::server::keys::public_key_spki;
use crate::server::object::state_from_dates;
use crate::server::object::{multi_instance, AttrKey, Attribute, ManagedObject};
use crate::ttlv::{Item, Value};
use request::{
    bad_request, default_subject, key_usages_from_mask, same_key, signing_request, take_subject,
};
use stored::{ca_copy_uid, certificate_attributes, certificate_item, linked, unlink};

/// States in which an object can no longer be certified (or re-certified).
fn spent(state: State) -> bool {
    [
        State::COMPROMISED,
        State::DESTROYED,
        State::DESTROYED_COMPROMISED,
    ]
    .contains(&state)
}

/// The SubjectPublicKeyInfo of a Public Key object the caller may certify.
fn certifiable_key(ctx: &OpContext<'_, '_>, uid: &str) -> Result<Vec<u8>, OpError> {
    let object = ctx.owned(uid)?;
    if object.object_type != ObjectType::PUBLIC_KEY {
        return Err(OpError::new(
            ctx.by_version(
                ResultReason::PERMISSION_DENIED,
                ResultReason::INVALID_OBJECT_TYPE,
            ),
            format!(
                "object {uid} is a {:?}; Certify certifies Public Keys",
                object.object_type
            ),
        ));
    }
    if spent(object.state) || object.material.is_none() {
        return Err(OpError::new(
            ResultReason::PERMISSION_DENIED,
            format!(
                "Public Key {uid} is {:?} and cannot be certified",
                object.state
            ),
        ));
    }
    public_key_spki(object)
}

/// Stores a newly issued certificate with the client's attributes, the
/// server-set ones and `links`; returns its Unique Identifier.
fn store_certificate(
    ctx: &mut OpContext<'_, '_>,
    der: &[u8],
    mut attrs: Vec<Attribute>,
    links: Vec<Attribute>,
) -> Result<String, OpError> {
    let ca_uid = ca_copy_uid(ctx)?;
    attrs.extend(server_attributes(ctx));
    attrs.extend(certificate_attributes(ctx, der)?);
    attrs.extend(links);
    attrs.push(Attribute::link(LinkType::CERTIFICATE_LINK, &ca_uid));
    let state = state_from_dates(&attrs, ctx.now);
    let object = ManagedObject::new(
        ctx.identity.clone(),
        ObjectType::CERTIFICATE,
        state,
        attrs,
        Some(certificate_item(der)),
        ctx.txn.next_sequence(),
    );
    let uid = object.uid.clone();
    ctx.txn.put(object);
    Ok(uid)
}

/// Adds a Link to an object, first removing the Links `replace` names
/// (a Link Type, and a target or all of that type).
fn add_link(
    ctx: &mut OpContext<'_, '_>,
    uid: &str,
    new_link: Attribute,
    replace: Option<(LinkType, Option<&str>)>,
) {
    if let Some(mut object) = ctx.txn.get(uid).cloned() {
        if let Some((link_type, target)) = replace {
            unlink(&mut object, link_type, target);
        }
        object.attributes.push(new_link);
        object.set(tags::LAST_CHANGE_DATE, Value::DateTime(ctx.now));
        ctx.txn.put(object);
    }
}

pub fn certify(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    certify_inner(ctx, payload).map_err(|e| conform(ctx, Operation::CERTIFY, e))
}

fn certify_inner(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let request = signing_request(ctx, payload)?;
    let key_uid = if payload.child(tags::UNIQUE_IDENTIFIER).is_some() || request.is_none() {
        Some(ctx.target_uid(payload)?)
    } else if ctx.version.is_2x() {
        None
    } else {
        // 1.x: the ID Placeholder names the key, when it names a Public Key.
        ctx.id_placeholder.clone().filter(|uid| {
            ctx.txn
                .get(uid)
                .is_some_and(|o| o.object_type == ObjectType::PUBLIC_KEY)
        })
    };
    let key_spki = key_uid
        .as_deref()
        .map(|uid| certifiable_key(ctx, uid))
        .transpose()?;
    let spki = match (&key_spki, &request) {
        (Some(key), Some(request)) if !same_key(key, &request.spki) => {
            return Err(bad_request(
                ctx,
                "the Certificate Request is for a different key than the Public Key named",
            ))
        }
        (Some(key), _) => key.clone(),
        (None, Some(request)) => request.spki.clone(),
        (None, None) => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Certify needs a Public Key or a Certificate Request",
            ))
        }
    };
    let mut attrs = client_attributes(ctx, payload)?;
    let attribute_subject = take_subject(&mut attrs)?;
    let (subject, subject_alt_names, mut key_usages, extended_key_usages) = match request {
        Some(request) => (
            request.subject.or(attribute_subject),
            request.subject_alt_names,
            request.key_usages,
            request.extended_key_usages,
        ),
        None => (attribute_subject, Vec::new(), Vec::new(), Vec::new()),
    };
    if key_usages.is_empty() {
        key_usages = key_usages_from_mask(&attrs);
    }
    let der = ctx.config.certification_authority.issue(IssueRequest {
        spki: &spki,
        subject: subject.unwrap_or_else(|| default_subject(key_uid.as_deref())),
        subject_alt_names,
        key_usages,
        extended_key_usages,
        now: ctx.now,
    })?;
    let links = key_uid
        .iter()
        .map(|uid| Attribute::link(LinkType::PUBLIC_KEY_LINK, uid))
        .collect();
    let uid = store_certificate(ctx, &der, attrs, links)?;
    if let Some(key_uid) = &key_uid {
        add_link(
            ctx,
            key_uid,
            Attribute::link(LinkType::CERTIFICATE_LINK, &uid),
            None,
        );
    }
    *ctx.id_placeholder = Some(uid.clone());
    Ok(response_payload(vec![uid_item(&uid)]))
}

/// Attributes of the existing certificate that Re-certify does not copy
/// (KMIP 1.2 Table 160, plus what the new certificate's value determines).
const NOT_COPIED: &[crate::ttlv::Tag] = &[
    tags::INITIAL_DATE,
    tags::DESTROY_DATE,
    tags::REVOCATION_REASON,
    tags::NAME,
    tags::DIGEST,
    tags::LINK,
    tags::LAST_CHANGE_DATE,
    tags::ORIGINAL_CREATION_DATE,
    tags::ACTIVATION_DATE,
    tags::DEACTIVATION_DATE,
    tags::COMPROMISE_DATE,
    tags::COMPROMISE_OCCURRENCE_DATE,
    tags::ARCHIVE_DATE,
    tags::FRESH,
    tags::LEASE_TIME,
];

pub fn recertify(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    recertify_inner(ctx, payload).map_err(|e| conform(ctx, Operation::RE_CERTIFY, e))
}

fn recertify_inner(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let old_uid = ctx.target_uid(payload)?;
    let old = ctx.owned(&old_uid)?.clone();
    if old.object_type != ObjectType::CERTIFICATE {
        return Err(OpError::new(
            ctx.by_version(
                ResultReason::PERMISSION_DENIED,
                ResultReason::INVALID_OBJECT_TYPE,
            ),
            format!(
                "object {old_uid} is a {:?}; Re-certify renews Certificates",
                old.object_type
            ),
        ));
    }
    if spent(old.state) {
        return Err(OpError::new(
            ResultReason::PERMISSION_DENIED,
            format!(
                "Certificate {old_uid} is {:?} and cannot be re-certified",
                old.state
            ),
        ));
    }
    let old_certificate = certificate_value(&old)
        .and_then(ca::parse_certificate)
        .ok_or_else(|| {
            OpError::new(
                ResultReason::PERMISSION_DENIED,
                format!("Certificate {old_uid} holds no parsable X.509 certificate"),
            )
        })?;
    if payload
        .child(tags::CERTIFICATE_REQUEST_UNIQUE_IDENTIFIER)
        .is_some()
    {
        return Err(OpError::new(
            ResultReason::FEATURE_NOT_SUPPORTED,
            "Certificate Request objects are not supported; send the Certificate Request Value",
        ));
    }
    let offset = super::offset(payload)?;
    let request = signing_request(ctx, payload)?;
    let mut attrs = client_attributes(ctx, payload)?;
    let has = |attrs: &[Attribute], tag| attrs.iter().any(|a| a.key == AttrKey::Tag(tag));
    if offset.is_some()
        && (has(&attrs, tags::ACTIVATION_DATE) || has(&attrs, tags::DEACTIVATION_DATE))
    {
        return Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            "Offset may not be given together with an Activation Date or Deactivation Date",
        ));
    }
    // The same key: the linked Public Key if it is still there, else the certificate's own.
    let key_uid = linked(&old, LinkType::PUBLIC_KEY_LINK)
        .into_iter()
        .find(|uid| ctx.owned(uid).is_ok());
    let spki = match &key_uid {
        Some(uid) => certifiable_key(ctx, uid)?,
        None => old_certificate.public_key().raw.to_vec(),
    };
    if let Some(request) = &request {
        if !same_key(&spki, &request.spki) {
            return Err(bad_request(
                ctx,
                "the Certificate Request is for a different key than the certificate being renewed",
            ));
        }
    }
    let attribute_subject = take_subject(&mut attrs)?;
    let old_subject = ca::distinguished_name(old_certificate.subject()).ok();
    let old_alt_names = old_certificate
        .subject_alternative_name()
        .ok()
        .flatten()
        .map(|san| ca::subject_alt_names(&san.value.general_names))
        .unwrap_or_default();
    let (subject, subject_alt_names, key_usages, extended_key_usages) = match request {
        Some(request) => (
            request.subject.or(attribute_subject),
            request.subject_alt_names,
            request.key_usages,
            request.extended_key_usages,
        ),
        None => (attribute_subject, old_alt_names, Vec::new(), Vec::new()),
    };
    let key_usages = if key_usages.is_empty() {
        // The request's mask, else the one the old certificate carried over.
        let mask = key_usages_from_mask(&attrs);
        if mask.is_empty() {
            key_usages_from_mask(&old.attributes)
        } else {
            mask
        }
    } else {
        key_usages
    };
    let subject = subject
        .or(old_subject)
        .unwrap_or_else(|| default_subject(key_uid.as_deref()));
    let der = ctx.config.certification_authority.issue(IssueRequest {
        spki: &spki,
        subject,
        subject_alt_names,
        key_usages,
        extended_key_usages,
        now: ctx.now,
    })?;

    // Attributes: copied from the old certificate, then the request's, then the old names.
    let mut new_attrs: Vec<Attribute> = old
        .attributes
        .iter()
        .filter(|a| !matches!(a.key, AttrKey::Tag(t) if NOT_COPIED.contains(&t) || request::DERIVED.contains(&t)))
        .cloned()
        .collect();
    for attribute in attrs {
        if !multi_instance(&attribute.key) {
            new_attrs.retain(|a| a.key != attribute.key);
        }
        new_attrs.push(attribute);
    }
    let name_key = AttrKey::Tag(tags::NAME);
    new_attrs.extend(old.instances(&name_key).cloned());
    for date in recertified_dates(&old, offset, ctx.now) {
        if !new_attrs.iter().any(|a| a.key == date.key) {
            new_attrs.push(date);
        }
    }

    let mut links = vec![Attribute::link(LinkType::REPLACED_OBJECT_LINK, &old_uid)];
    links.extend(
        key_uid
            .iter()
            .map(|uid| Attribute::link(LinkType::PUBLIC_KEY_LINK, uid)),
    );
    let new_uid = store_certificate(ctx, &der, new_attrs, links)?;

    let mut old = old;
    old.attributes.retain(|a| a.key != name_key);
    unlink(&mut old, LinkType::REPLACEMENT_OBJECT_LINK, None);
    old.attributes
        .push(Attribute::link(LinkType::REPLACEMENT_OBJECT_LINK, &new_uid));
    old.set(tags::LAST_CHANGE_DATE, Value::DateTime(ctx.now));
    ctx.txn.put(old);
    if let Some(key_uid) = &key_uid {
        add_link(
            ctx,
            key_uid,
            Attribute::link(LinkType::CERTIFICATE_LINK, &new_uid),
            Some((LinkType::CERTIFICATE_LINK, Some(&old_uid))),
        );
    }
    *ctx.id_placeholder = Some(new_uid.clone());
    Ok(response_payload(vec![uid_item(&new_uid)]))
}

/// The new certificate's Activation and Deactivation Dates (KMIP 1.2 §4.8,
/// Table 159): copied without an Offset; with one, AT2 = IT2 + Offset and
/// DT2 = DT1 + (AT2 − AT1), where the old dates exist.
fn recertified_dates(old: &ManagedObject, offset: Option<i64>, now: i64) -> Vec<Attribute> {
    let date = |tag| match old.attribute(tag) {
        Some(Value::DateTime(t)) => Some(*t),
        _ => None,
    };
    let (activation, deactivation) = (date(tags::ACTIVATION_DATE), date(tags::DEACTIVATION_DATE));
    let (new_activation, new_deactivation) = match (offset, activation) {
        (None, _) => (activation, deactivation),
        (Some(offset), Some(at1)) => {
            let at2 = now + offset;
            (Some(at2), deactivation.map(|dt1| dt1 + (at2 - at1)))
        }
        (Some(_), None) => (None, None),
    };
    let as_attribute = |tag, t: Option<i64>| {
        t.map(|t| Attribute {
            key: AttrKey::Tag(tag),
            value: Value::DateTime(t),
        })
    };
    as_attribute(tags::ACTIVATION_DATE, new_activation)
        .into_iter()
        .chain(as_attribute(tags::DEACTIVATION_DATE, new_deactivation))
        .collect()
}
