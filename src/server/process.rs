//! One request message in, one response message out: decoding, the checks
//! that apply to the whole message (version, batch count, message extensions,
//! Maximum Response Size), and the spec's answer to malformed input.
//! Plain functions, no I/O: the transport and the tests call [`respond`].

use std::time::{SystemTime, UNIX_EPOCH};

use super::batch::{failure, BatchRequest};
use super::identity::Identity;
use super::ops::OpError;
use super::Shared;
use crate::kmip::message::{
    self, ProtocolVersion, RequestMessage, ResponseBatchItem, ResponseHeader,
};
use crate::kmip::{dictionary, tags, Operation, ResultReason, Version};
use crate::ttlv::{self, Item};

/// What happened, for the one-line request log.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub operations: Vec<String>,
    pub results: Vec<String>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The version to answer in: the request's if known, else the newest known
/// minor version of the same major (KMIP 1.2 §6.1 backward compatibility).
fn negotiate(requested: ProtocolVersion, served: &[Version]) -> Option<Version> {
    if let Some(known) = requested.known().filter(|v| served.contains(v)) {
        return Some(known);
    }
    served
        .iter()
        .filter(|v| i32::from(v.major) == requested.major)
        .max()
        .copied()
}

/// Reads the version of a request whose header starts canonically, even when
/// the rest does not decode, so an Invalid Message answer uses it.
fn salvage_version(bytes: &[u8]) -> Option<ProtocolVersion> {
    let tag_at = |offset: usize, tag: crate::ttlv::Tag| {
        let t = tag.0.to_be_bytes();
        bytes.get(offset..offset + 3) == Some(&t[1..4])
    };
    let int_at = |offset: usize| {
        bytes
            .get(offset + 8..offset + 12)
            .map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    if tag_at(0, tags::REQUEST_MESSAGE)
        && tag_at(8, tags::REQUEST_HEADER)
        && tag_at(16, tags::PROTOCOL_VERSION)
        && tag_at(24, tags::PROTOCOL_VERSION_MAJOR)
        && tag_at(40, tags::PROTOCOL_VERSION_MINOR)
    {
        return Some(ProtocolVersion {
            major: int_at(24)?,
            minor: int_at(40)?,
        });
    }
    None
}

/// The answer to a message that cannot be processed: a header and one batch
/// item without Operation, Operation Failed / Invalid Message (KMIP 1.2 §11.1).
fn invalid_message(
    shared: &Shared,
    version: Option<ProtocolVersion>,
    why: String,
) -> (Item, Version) {
    let version = version
        .and_then(|v| negotiate(v, &shared.config.versions))
        .unwrap_or(Version::V1_0);
    let item = failure(
        None,
        &None,
        OpError::new(ResultReason::INVALID_MESSAGE, why),
    );
    (build(version, None, &[item]), version)
}

fn build(version: Version, request: Option<&RequestMessage>, items: &[ResponseBatchItem]) -> Item {
    let echo = |value: Option<&String>, tag: crate::ttlv::Tag| {
        value
            .filter(|_| dictionary::tag_defined_in(tag.0, version))
            .cloned()
    };
    let header = ResponseHeader {
        protocol_version: version.into(),
        time_stamp: now(),
        client_correlation_value: echo(
            request.and_then(|r| r.header.client_correlation_value.as_ref()),
            tags::CLIENT_CORRELATION_VALUE,
        ),
        server_correlation_value: None,
    };
    message::response_message(&header, items)
}

/// The Invalid Message answer to bytes that will not be processed (for example
/// a frame larger than the server accepts), as encoded bytes.
pub fn reject(shared: &Shared, bytes: &[u8], why: String) -> Vec<u8> {
    ttlv::encode(&invalid_message(shared, salvage_version(bytes), why).0).unwrap_or_default()
}

/// Answers one request message (its full TTLV bytes).
pub fn respond(shared: &Shared, identity: &Identity, bytes: &[u8]) -> (Vec<u8>, Outcome) {
    let mut outcome = Outcome::default();
    let (response, version, max_size) = match parse(shared, bytes) {
        Err((version, why)) => {
            outcome.results.push(format!("InvalidMessage: {why}"));
            let (item, v) = invalid_message(shared, version, why);
            (item, v, None)
        }
        Ok((request, version)) => {
            outcome.operations = request
                .items
                .iter()
                .map(|i| format!("{:?}", Operation(i.operation)))
                .collect();
            let items = process(shared, identity, &request, version);
            outcome.results = items.iter().map(describe).collect();
            (
                build(version, Some(&request), &items),
                version,
                request.header.maximum_response_size,
            )
        }
    };
    let mut encoded = ttlv::encode(&response).unwrap_or_default();
    if let Some(limit) = max_size.filter(|&m| m >= 0 && encoded.len() > m as usize) {
        // KMIP 1.2 §6.3: every batch item becomes Response Too Large.
        let items: Vec<ResponseBatchItem> = response
            .children_with(tags::BATCH_ITEM)
            .map(|item| {
                let operation = item.child(tags::OPERATION).and_then(|o| match o.value {
                    crate::ttlv::Value::Enumeration(v) => Some(v),
                    _ => None,
                });
                let id = item
                    .child(tags::UNIQUE_BATCH_ITEM_ID)
                    .and_then(|i| match &i.value {
                        crate::ttlv::Value::ByteString(v) => Some(v.clone()),
                        _ => None,
                    });
                failure(
                    operation,
                    &id,
                    OpError::new(
                        ResultReason::RESPONSE_TOO_LARGE,
                        format!(
                            "the response is {} bytes; Maximum Response Size is {limit}",
                            encoded.len()
                        ),
                    ),
                )
            })
            .collect();
        outcome.results = items.iter().map(describe).collect();
        encoded = ttlv::encode(&build(version, None, &items)).unwrap_or_default();
    }
    (encoded, outcome)
}

fn describe(item: &ResponseBatchItem) -> String {
    let status = crate::kmip::ResultStatus(item.result_status);
    match item.result_reason {
        Some(reason) => format!("{status:?}/{:?}", ResultReason(reason)),
        None => format!("{status:?}"),
    }
}

type Rejection = (Option<ProtocolVersion>, String);

/// Decodes and checks a request; a rejection carries the version to answer in.
fn parse(shared: &Shared, bytes: &[u8]) -> Result<(RequestMessage, Version), Rejection> {
    let names = crate::kmip::KmipNames;
    let decoded = ttlv::decode(bytes).map_err(|e| {
        (
            salvage_version(bytes),
            format!("cannot decode the message: {}", e.describe(&names)),
        )
    })?;
    let requested = message::request_version(&decoded.item);
    if let Some(finding) = decoded.findings.first() {
        return Err((
            requested,
            format!("malformed encoding: {}", finding.describe(&names)),
        ));
    }
    let request = message::parse_request(&decoded.item).map_err(|e| {
        (
            requested,
            format!("{} at {}", e.message, e.path.display(&names)),
        )
    })?;
    let version =
        negotiate(request.header.protocol_version, &shared.config.versions).ok_or_else(|| {
            (
                None,
                format!(
                    "protocol version {}.{} is not supported (major version mismatch)",
                    request.header.protocol_version.major, request.header.protocol_version.minor
                ),
            )
        })?;
    let count = request.items.len();
    if request.header.batch_count != count as i32 {
        return Err((
            requested,
            format!(
                "Batch Count is {} but the message holds {count} Batch Item(s)",
                request.header.batch_count
            ),
        ));
    }
    if count > 1
        && request
            .items
            .iter()
            .any(|i| i.unique_batch_item_id.is_none())
    {
        return Err((
            requested,
            "every Batch Item needs a Unique Batch Item ID when Batch Count > 1".into(),
        ));
    }
    Ok((request, version))
}

/// The batch, after the message-wide checks that reject every item at once.
fn process(
    shared: &Shared,
    identity: &Identity,
    request: &RequestMessage,
    version: Version,
) -> Vec<ResponseBatchItem> {
    let critical = request
        .items
        .iter()
        .flat_map(|i| &i.message_extensions)
        .find(|e| e.critical);
    if let Some(extension) = critical {
        // KMIP 1.2 §6.16: a critical extension the receiver does not understand rejects the message.
        let why = format!(
            "critical Message Extension from `{}` is not understood",
            extension.vendor_identification
        );
        return request
            .items
            .iter()
            .map(|i| {
                failure(
                    Some(i.operation),
                    &i.unique_batch_item_id,
                    OpError::new(ResultReason::FEATURE_NOT_SUPPORTED, why.clone()),
                )
            })
            .collect();
    }
    BatchRequest {
        shared,
        identity,
        version,
        header: &request.header,
        now: now(),
    }
    .run(&request.items)
}
