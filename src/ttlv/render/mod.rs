//! Renderings of a TTLV tree: hex, a human tree view, and the KMIP XML and
//! JSON encodings of the Additional Message Encodings spec (v1.0 §4 and §6),
//! both directions.

pub mod datetime;
pub mod hex;
pub mod json;
pub mod tree;
mod values;
pub mod xml;

pub use values::ReadError;

/// A typed value from its text form, as the XML encoding writes it (enumeration
/// and mask names, hex, dates); `$NAME` becomes a placeholder.
pub fn parse_value_text(
    item_type: crate::ttlv::ItemType,
    text: &str,
    domain: Option<crate::ttlv::EnumDomain>,
) -> Result<crate::ttlv::Value, String> {
    values::value_from_text(item_type, text, domain, true)
}
