//! Discover Versions (KMIP 1.2 §4.26): the protocol versions both sides
//! support, in the server's order of preference (newest first).

use super::{response_payload, OpContext, OpError, OpResult};
use crate::kmip::message::ProtocolVersion;
use crate::kmip::{tags, ResultReason};
use crate::ttlv::{Item, Value};

fn read_version(item: &Item) -> Result<ProtocolVersion, OpError> {
    let part = |tag| match item.child(tag).map(|p| &p.value) {
        Some(Value::Integer(v)) => Ok(*v),
        _ => Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            "Protocol Version needs Integer major and minor",
        )),
    };
    Ok(ProtocolVersion {
        major: part(tags::PROTOCOL_VERSION_MAJOR)?,
        minor: part(tags::PROTOCOL_VERSION_MINOR)?,
    })
}

pub fn discover_versions(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let client: Vec<ProtocolVersion> = payload
        .children_with(tags::PROTOCOL_VERSION)
        .map(read_version)
        .collect::<Result<_, _>>()?;
    let ours = ctx
        .config
        .versions
        .iter()
        .map(|&v| ProtocolVersion::from(v));
    let both: Vec<Item> = ours
        .filter(|v| client.is_empty() || client.contains(v))
        .map(ProtocolVersion::to_item)
        .collect();
    Ok(response_payload(both))
}
