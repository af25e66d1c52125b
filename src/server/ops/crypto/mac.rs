//! MAC and MAC Verify (KMIP 1.2 §4.33–4.34, 2.1 §6.1.32–6.1.33): HMAC with
//! SHA-1, SHA-256, SHA-384 and SHA-512 (`ring::hmac`), keyed by a Symmetric
//! Key whose Cryptographic Algorithm is HMAC-SHA* (or that Cryptographic
//! Parameters' Cryptographic Algorithm names).

use ring::hmac;

use super::{
    check_key_use, effective_parameters, optional_bytes, reject_streaming, required_bytes,
    symmetric_material, wrong_object_type, Parameters,
};
use crate::kmip::{
    tags, CryptographicAlgorithm, CryptographicUsageMask, ObjectType, ResultReason,
    ValidityIndicator,
};
use crate::server::ops::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::server::usage::{self, Purpose};
use crate::ttlv::{Item, Value};

/// The HMAC algorithm for a KMIP Cryptographic Algorithm, if supported.
pub(crate) fn hmac_algorithm(algorithm: CryptographicAlgorithm) -> Option<hmac::Algorithm> {
    Some(match algorithm {
        CryptographicAlgorithm::HMAC_SHA1 => hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY,
        CryptographicAlgorithm::HMAC_SHA256 => hmac::HMAC_SHA256,
        CryptographicAlgorithm::HMAC_SHA384 => hmac::HMAC_SHA384,
        CryptographicAlgorithm::HMAC_SHA512 => hmac::HMAC_SHA512,
        _ => return None,
    })
}

/// The HMAC key for a MAC request: its key, under the request's (or the key's) algorithm.
fn mac_key(
    ctx: &mut OpContext<'_, '_>,
    payload: &Item,
    purpose: Purpose,
    bit: CryptographicUsageMask,
) -> Result<(String, hmac::Key), OpError> {
    let uid = ctx.target_uid(payload)?;
    reject_streaming(payload)?;
    let object = ctx.owned(&uid)?.clone();
    if object.object_type != ObjectType::SYMMETRIC_KEY {
        return Err(wrong_object_type(ctx, &object, "MAC needs a Symmetric Key"));
    }
    check_key_use(ctx, &object, purpose, bit)?;
    let parameters = Parameters::parse(effective_parameters(payload, &object).as_ref())?;
    let (key_algorithm, key) = symmetric_material(ctx, &object)?;
    let algorithm = parameters.algorithm.unwrap_or(key_algorithm);
    // Feature Not Supported: the KMIP 2.1 MAC error tables have no
    // Unsupported Cryptographic Parameters.
    let hmac = hmac_algorithm(algorithm).ok_or_else(|| {
        OpError::new(
            ResultReason::FEATURE_NOT_SUPPORTED,
            format!("MAC with {algorithm:?} is not supported (HMAC-SHA1/256/384/512 are)"),
        )
    })?;
    let data_len = payload.child(tags::DATA).map_or(0, |d| match &d.value {
        Value::ByteString(b) => b.len(),
        _ => 0,
    });
    usage::consume(ctx, &object, data_len)?;
    Ok((uid, hmac::Key::new(hmac, &key)))
}

/// MAC (KMIP 1.2 §4.33).
pub fn mac(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let data = required_bytes(payload, tags::DATA, "Data")?;
    let (uid, key) = mac_key(
        ctx,
        payload,
        Purpose::Protect,
        CryptographicUsageMask::MAC_GENERATE,
    )?;
    let tag = hmac::sign(&key, &data);
    Ok(response_payload(vec![
        uid_item(&uid),
        Item::new(tags::MAC_DATA, Value::ByteString(tag.as_ref().to_vec())),
    ]))
}

/// MAC Verify (KMIP 1.2 §4.34): Validity Indicator Valid or Invalid.
pub fn mac_verify(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let mac_data = required_bytes(payload, tags::MAC_DATA, "MAC Data")?;
    // HMAC needs the data that was MACed (it cannot be recovered from the MAC).
    let data = optional_bytes(payload, tags::DATA, "Data")?.ok_or_else(|| {
        OpError::new(
            ResultReason::INVALID_MESSAGE,
            "MAC Verify with HMAC needs the Data that was MACed",
        )
    })?;
    let (uid, key) = mac_key(
        ctx,
        payload,
        Purpose::Process,
        CryptographicUsageMask::MAC_VERIFY,
    )?;
    let valid = hmac::verify(&key, &data, &mac_data).is_ok();
    let indicator = if valid {
        ValidityIndicator::VALID
    } else {
        ValidityIndicator::INVALID
    };
    Ok(response_payload(vec![
        uid_item(&uid),
        Item::new(tags::VALIDITY_INDICATOR, Value::Enumeration(indicator.0)),
    ]))
}
