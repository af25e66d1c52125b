//! Typed KMIP messages: request headers and batch items parsed from a tree,
//! and response messages built into one (KMIP 1.2 §6–7, 2.1 §8–9).
//!
//! Parsing checks what every operation relies on (types, required fields,
//! duplicates) and leaves payloads as trees for the operation that owns them.

use super::generated::tags;
use super::Version;
use crate::ttlv::{Item, PathStep, Tag, TagPath, Value};

/// A Protocol Version as sent: any integers, known to this tool or not.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProtocolVersion {
    pub major: i32,
    pub minor: i32,
}

impl ProtocolVersion {
    /// The known version this is, if any.
    pub fn known(self) -> Option<Version> {
        Version::ALL
            .into_iter()
            .find(|v| i32::from(v.major) == self.major && i32::from(v.minor) == self.minor)
    }
}

impl ProtocolVersion {
    /// The Protocol Version structure (KMIP 1.2 §6.1).
    pub fn to_item(self) -> Item {
        Item::structure(
            tags::PROTOCOL_VERSION,
            vec![
                Item::new(tags::PROTOCOL_VERSION_MAJOR, Value::Integer(self.major)),
                Item::new(tags::PROTOCOL_VERSION_MINOR, Value::Integer(self.minor)),
            ],
        )
    }
}

impl From<Version> for ProtocolVersion {
    fn from(v: Version) -> Self {
        ProtocolVersion {
            major: i32::from(v.major),
            minor: i32::from(v.minor),
        }
    }
}

/// The Asynchronous Indicator: a Boolean in 1.x, an enumeration in 2.x.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AsyncIndicator {
    Boolean(bool),
    Enumeration(u32),
}

/// A Message Extension's identity and criticality (KMIP 1.2 §6.16).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MessageExtension {
    pub vendor_identification: String,
    pub critical: bool,
}

/// The request header fields a server acts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestHeader {
    pub protocol_version: ProtocolVersion,
    pub maximum_response_size: Option<i32>,
    pub client_correlation_value: Option<String>,
    pub server_correlation_value: Option<String>,
    pub asynchronous_indicator: Option<AsyncIndicator>,
    pub batch_order_option: Option<bool>,
    pub batch_error_continuation_option: Option<u32>,
    pub time_stamp: Option<i64>,
    pub has_authentication: bool,
    pub batch_count: i32,
}

/// One request batch item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestBatchItem {
    pub operation: u32,
    pub unique_batch_item_id: Option<Vec<u8>>,
    /// The Request Payload structure, if present.
    pub payload: Option<Item>,
    pub message_extensions: Vec<MessageExtension>,
}

/// A parsed Request Message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestMessage {
    pub header: RequestHeader,
    pub items: Vec<RequestBatchItem>,
}

/// Why a tree is not a well-formed request: what, and where.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message} at {path}")]
pub struct MessageError {
    pub path: TagPath,
    pub message: String,
}

fn at(path: &[Tag], message: impl Into<String>) -> MessageError {
    MessageError {
        path: TagPath(path.iter().map(|&tag| PathStep { tag, index: 0 }).collect()),
        message: message.into(),
    }
}

fn only_one<'a>(
    parent: &'a Item,
    tag: Tag,
    path: &[Tag],
) -> Result<Option<&'a Item>, MessageError> {
    let mut found = parent.children_with(tag);
    let first = found.next();
    if found.next().is_some() {
        return Err(at(&[path, &[tag]].concat(), "field appears more than once"));
    }
    Ok(first)
}

fn integer(item: &Item, path: &[Tag]) -> Result<i32, MessageError> {
    match item.value {
        Value::Integer(v) => Ok(v),
        _ => Err(at(
            &[path, &[item.tag]].concat(),
            format!("expected an Integer, found {}", item.item_type()),
        )),
    }
}

fn boolean(item: &Item, path: &[Tag]) -> Result<bool, MessageError> {
    match item.value {
        Value::Boolean(v) => Ok(v),
        _ => Err(at(
            &[path, &[item.tag]].concat(),
            format!("expected a Boolean, found {}", item.item_type()),
        )),
    }
}

fn enumeration(item: &Item, path: &[Tag]) -> Result<u32, MessageError> {
    match item.value {
        Value::Enumeration(v) => Ok(v),
        _ => Err(at(
            &[path, &[item.tag]].concat(),
            format!("expected an Enumeration, found {}", item.item_type()),
        )),
    }
}

fn text(item: &Item, path: &[Tag]) -> Result<String, MessageError> {
    match &item.value {
        Value::TextString(v) => Ok(v.clone()),
        _ => Err(at(
            &[path, &[item.tag]].concat(),
            format!("expected a Text String, found {}", item.item_type()),
        )),
    }
}

/// Reads just the Protocol Version, so even a malformed request can be
/// answered in the version it asked for.
pub fn request_version(message: &Item) -> Option<ProtocolVersion> {
    let version = message
        .child(tags::REQUEST_HEADER)?
        .child(tags::PROTOCOL_VERSION)?;
    let major = match version.child(tags::PROTOCOL_VERSION_MAJOR)?.value {
        Value::Integer(v) => v,
        _ => return None,
    };
    let minor = match version.child(tags::PROTOCOL_VERSION_MINOR)?.value {
        Value::Integer(v) => v,
        _ => return None,
    };
    Some(ProtocolVersion { major, minor })
}

/// Parses a Request Message tree.
pub fn parse_request(message: &Item) -> Result<RequestMessage, MessageError> {
    let root = [tags::REQUEST_MESSAGE];
    if message.tag != tags::REQUEST_MESSAGE || !matches!(message.value, Value::Structure(_)) {
        return Err(at(&[message.tag], "expected a Request Message structure"));
    }
    let header_item = only_one(message, tags::REQUEST_HEADER, &root)?
        .ok_or_else(|| at(&root, "missing Request Header"))?;
    let header = parse_header(header_item)?;
    let mut items = Vec::new();
    for child in message.children() {
        match child.tag {
            t if t == tags::REQUEST_HEADER => {}
            t if t == tags::BATCH_ITEM => items.push(parse_batch_item(child)?),
            t => {
                return Err(at(
                    &[tags::REQUEST_MESSAGE, t],
                    "unexpected field in Request Message",
                ))
            }
        }
    }
    if items.is_empty() {
        return Err(at(&root, "no Batch Item"));
    }
    Ok(RequestMessage { header, items })
}

fn parse_header(header: &Item) -> Result<RequestHeader, MessageError> {
    let path = [tags::REQUEST_MESSAGE, tags::REQUEST_HEADER];
    if !matches!(header.value, Value::Structure(_)) {
        return Err(at(&path, "Request Header must be a Structure"));
    }
    let protocol_version = request_version(&Item::structure(
        tags::REQUEST_MESSAGE,
        vec![header.clone()],
    ))
    .ok_or_else(|| at(&path, "missing or malformed Protocol Version"))?;
    let get = |tag| only_one(header, tag, &path);
    let batch_count = match get(tags::BATCH_COUNT)? {
        Some(item) => integer(item, &path)?,
        None => return Err(at(&path, "missing Batch Count")),
    };
    let asynchronous_indicator = match get(tags::ASYNCHRONOUS_INDICATOR)? {
        None => None,
        Some(item) => Some(match item.value {
            Value::Boolean(b) => AsyncIndicator::Boolean(b),
            Value::Enumeration(e) => AsyncIndicator::Enumeration(e),
            _ => {
                return Err(at(
                    &[&path[..], &[item.tag]].concat(),
                    "expected a Boolean (1.x) or Enumeration (2.x)",
                ))
            }
        }),
    };
    Ok(RequestHeader {
        protocol_version,
        maximum_response_size: get(tags::MAXIMUM_RESPONSE_SIZE)?
            .map(|i| integer(i, &path))
            .transpose()?,
        client_correlation_value: get(tags::CLIENT_CORRELATION_VALUE)?
            .map(|i| text(i, &path))
            .transpose()?,
        server_correlation_value: get(tags::SERVER_CORRELATION_VALUE)?
            .map(|i| text(i, &path))
            .transpose()?,
        asynchronous_indicator,
        batch_order_option: get(tags::BATCH_ORDER_OPTION)?
            .map(|i| boolean(i, &path))
            .transpose()?,
        batch_error_continuation_option: get(tags::BATCH_ERROR_CONTINUATION_OPTION)?
            .map(|i| enumeration(i, &path))
            .transpose()?,
        time_stamp: match get(tags::TIME_STAMP)? {
            None => None,
            Some(Item {
                value: Value::DateTime(t),
                ..
            }) => Some(*t),
            Some(_) => {
                return Err(at(
                    &[&path[..], &[tags::TIME_STAMP]].concat(),
                    "expected a Date-Time",
                ))
            }
        },
        has_authentication: get(tags::AUTHENTICATION)?.is_some(),
        batch_count,
    })
}

fn parse_batch_item(item: &Item) -> Result<RequestBatchItem, MessageError> {
    let path = [tags::REQUEST_MESSAGE, tags::BATCH_ITEM];
    if !matches!(item.value, Value::Structure(_)) {
        return Err(at(&path, "Batch Item must be a Structure"));
    }
    let operation = match only_one(item, tags::OPERATION, &path)? {
        Some(op) => enumeration(op, &path)?,
        None => return Err(at(&path, "missing Operation")),
    };
    let unique_batch_item_id = match only_one(item, tags::UNIQUE_BATCH_ITEM_ID, &path)? {
        None => None,
        Some(Item {
            value: Value::ByteString(id),
            ..
        }) => Some(id.clone()),
        Some(_) => {
            return Err(at(
                &[&path[..], &[tags::UNIQUE_BATCH_ITEM_ID]].concat(),
                "expected a Byte String",
            ))
        }
    };
    let payload = only_one(item, tags::REQUEST_PAYLOAD, &path)?.cloned();
    if let Some(p) = &payload {
        if !matches!(p.value, Value::Structure(_)) {
            return Err(at(
                &[&path[..], &[tags::REQUEST_PAYLOAD]].concat(),
                "Request Payload must be a Structure",
            ));
        }
    }
    let mut message_extensions = Vec::new();
    for extension in item.children_with(tags::MESSAGE_EXTENSION) {
        let ext_path = [
            tags::REQUEST_MESSAGE,
            tags::BATCH_ITEM,
            tags::MESSAGE_EXTENSION,
        ];
        let vendor = only_one(extension, tags::VENDOR_IDENTIFICATION, &ext_path)?
            .ok_or_else(|| at(&ext_path, "missing Vendor Identification"))?;
        let critical = only_one(extension, tags::CRITICALITY_INDICATOR, &ext_path)?
            .ok_or_else(|| at(&ext_path, "missing Criticality Indicator"))?;
        message_extensions.push(MessageExtension {
            vendor_identification: text(vendor, &ext_path)?,
            critical: boolean(critical, &ext_path)?,
        });
    }
    Ok(RequestBatchItem {
        operation,
        unique_batch_item_id,
        payload,
        message_extensions,
    })
}

/// One response batch item, before encoding.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseBatchItem {
    /// `None` for the answer to a message that could not be parsed (KMIP 1.2 §11.1).
    pub operation: Option<u32>,
    pub unique_batch_item_id: Option<Vec<u8>>,
    pub result_status: u32,
    pub result_reason: Option<u32>,
    pub result_message: Option<String>,
    pub asynchronous_correlation_value: Option<Vec<u8>>,
    pub payload: Option<Item>,
}

/// The response header fields a server sets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResponseHeader {
    pub protocol_version: ProtocolVersion,
    pub time_stamp: i64,
    pub client_correlation_value: Option<String>,
    pub server_correlation_value: Option<String>,
}

/// Builds a Request Message tree: Protocol Version, then `extra_header`
/// fields, then Batch Count (the number of `items`), then the batch items.
pub fn request_message(version: Version, extra_header: Vec<Item>, items: Vec<Item>) -> Item {
    let mut header = vec![ProtocolVersion::from(version).to_item()];
    header.extend(extra_header);
    header.push(Item::new(
        tags::BATCH_COUNT,
        Value::Integer(i32::try_from(items.len()).unwrap_or(i32::MAX)),
    ));
    let mut children = vec![Item::structure(tags::REQUEST_HEADER, header)];
    children.extend(items);
    Item::structure(tags::REQUEST_MESSAGE, children)
}

/// Builds a Response Message tree.
pub fn response_message(header: &ResponseHeader, items: &[ResponseBatchItem]) -> Item {
    let version = header.protocol_version.to_item();
    let mut head = vec![
        version,
        Item::new(tags::TIME_STAMP, Value::DateTime(header.time_stamp)),
    ];
    if let Some(v) = &header.client_correlation_value {
        head.push(Item::new(
            tags::CLIENT_CORRELATION_VALUE,
            Value::TextString(v.clone()),
        ));
    }
    if let Some(v) = &header.server_correlation_value {
        head.push(Item::new(
            tags::SERVER_CORRELATION_VALUE,
            Value::TextString(v.clone()),
        ));
    }
    head.push(Item::new(
        tags::BATCH_COUNT,
        Value::Integer(items.len() as i32),
    ));
    let mut children = vec![Item::structure(tags::RESPONSE_HEADER, head)];
    children.extend(items.iter().map(response_batch_item));
    Item::structure(tags::RESPONSE_MESSAGE, children)
}

fn response_batch_item(item: &ResponseBatchItem) -> Item {
    let mut fields = Vec::new();
    if let Some(op) = item.operation {
        fields.push(Item::new(tags::OPERATION, Value::Enumeration(op)));
    }
    if let Some(id) = &item.unique_batch_item_id {
        fields.push(Item::new(
            tags::UNIQUE_BATCH_ITEM_ID,
            Value::ByteString(id.clone()),
        ));
    }
    fields.push(Item::new(
        tags::RESULT_STATUS,
        Value::Enumeration(item.result_status),
    ));
    if let Some(reason) = item.result_reason {
        fields.push(Item::new(tags::RESULT_REASON, Value::Enumeration(reason)));
    }
    if let Some(message) = &item.result_message {
        fields.push(Item::new(
            tags::RESULT_MESSAGE,
            Value::TextString(message.clone()),
        ));
    }
    if let Some(value) = &item.asynchronous_correlation_value {
        fields.push(Item::new(
            tags::ASYNCHRONOUS_CORRELATION_VALUE,
            Value::ByteString(value.clone()),
        ));
    }
    if let Some(payload) = &item.payload {
        fields.push(payload.clone());
    }
    Item::structure(tags::BATCH_ITEM, fields)
}
