//! The KMIP dictionary: tags, enumerations, operations and result codes with
//! the versions that define them. The data lives in `generated.rs`, produced
//! from `../shared/kmip/tables/*.tsv` by `cargo run -p xtask -- gen-dictionary`;
//! this file holds the row types and the lookups.

use super::version::{Lifetime, Version};
use crate::ttlv::ItemType;

/// One row of `tags.tsv`.
#[derive(Debug)]
pub struct TagDef {
    /// The 24-bit tag value.
    pub tag: u32,
    /// The spec's name, e.g. `Activation Date`.
    pub name: &'static str,
    /// The normalised CamelCase name, e.g. `ActivationDate`; empty for unnamed reserved rows.
    pub xml_name: &'static str,
    /// The item types the spec allows (several for tags such as Attribute Value).
    pub item_types: &'static [ItemType],
    /// The item types the OASIS vectors actually use (Key Material: Byte String
    /// or Structure, where the table's spec column says Structure).
    pub seen_types: &'static [ItemType],
    pub lifetime: Lifetime,
    /// Free-text status from the table (reserved, deprecated, naming notes).
    pub note: &'static str,
}

/// One enumeration (a file under `tables/enums/`).
#[derive(Debug)]
pub struct EnumDef {
    /// The spec's name, e.g. `Cryptographic Usage Mask`.
    pub name: &'static str,
    /// True when values combine as bit flags.
    pub is_mask: bool,
    /// Every row, in value order, including reserved ones.
    pub values: &'static [EnumValueDef],
    /// `(value, CamelCase name)` for the named rows, in value order.
    pub pairs: &'static [(u32, &'static str)],
}

/// One row of an enumeration.
#[derive(Debug)]
pub struct EnumValueDef {
    pub value: u32,
    /// The spec's name, e.g. `Symmetric Key`.
    pub name: &'static str,
    /// The CamelCase name, e.g. `SymmetricKey`; empty for unnamed reserved rows.
    pub xml_name: &'static str,
    pub lifetime: Lifetime,
    pub note: &'static str,
}

/// One row of `errors_v1.2.tsv`: an error condition and the result it requires.
#[derive(Debug)]
pub struct ErrorRuleV12 {
    pub section: &'static str,
    pub condition: &'static str,
    pub result_status_or_action: &'static str,
    pub result_reason: &'static str,
}

/// One row of `errors_v2.1.tsv`: the result reasons the spec lists for an operation.
#[derive(Debug)]
pub struct ErrorRuleV21 {
    pub direction: &'static str,
    pub operation: &'static str,
    pub result_status: &'static str,
    pub allowed_result_reasons: &'static [&'static str],
}

pub use super::generated::{
    ENUMS, ERRORS_V1_2, ERRORS_V2_1, ITEM_TYPES, RESULT_REASON_DESCRIPTIONS_V2_1, TAGS, TAG_ENUMS,
};

/// The row for a tag value.
pub fn tag(tag: u32) -> Option<&'static TagDef> {
    TAGS.binary_search_by_key(&tag, |t| t.tag)
        .ok()
        .map(|i| &TAGS[i])
}

/// The row for a tag's CamelCase (`ActivationDate`) or spec (`Activation Date`) name.
pub fn tag_by_name(name: &str) -> Option<&'static TagDef> {
    TAGS.iter()
        .find(|t| !t.xml_name.is_empty() && (t.xml_name == name || t.name == name))
}

/// An enumeration by its spec name (`Object Type`) or CamelCase name (`ObjectType`).
pub fn enumeration(name: &str) -> Option<&'static EnumDef> {
    ENUMS
        .iter()
        .find(|e| e.name == name || super::camel::camel_case(e.name) == name)
}

/// The enumeration whose values the tag carries (e.g. `Mask Generator Hashing
/// Algorithm` carries `Hashing Algorithm` values).
pub fn enumeration_for_tag(tag: u32) -> Option<&'static EnumDef> {
    TAG_ENUMS
        .binary_search_by_key(&tag, |(t, _)| *t)
        .ok()
        .map(|i| &ENUMS[TAG_ENUMS[i].1])
}

impl EnumDef {
    /// The row for `value`.
    pub fn value(&self, value: u32) -> Option<&'static EnumValueDef> {
        self.values
            .binary_search_by_key(&value, |v| v.value)
            .ok()
            .map(|i| &self.values[i])
    }

    /// The row for a CamelCase or spec name.
    pub fn value_by_name(&self, name: &str) -> Option<&'static EnumValueDef> {
        self.values
            .iter()
            .find(|v| !v.xml_name.is_empty() && (v.xml_name == name || v.name == name))
    }

    /// Is `value` defined in `version`? Extension values (`0x8xxxxxxx`) are always allowed.
    pub fn defined_in(&self, value: u32, version: Version) -> bool {
        value & 0xF000_0000 == 0x8000_0000
            || self
                .value(value)
                .is_some_and(|v| v.lifetime.defined_in(version))
    }
}

impl TagDef {
    /// Every item type the tag may carry: the spec's and those seen in the vectors.
    pub fn all_types(&self) -> impl Iterator<Item = ItemType> + '_ {
        let extra = self
            .seen_types
            .iter()
            .filter(|t| !self.item_types.contains(t));
        self.item_types.iter().chain(extra).copied()
    }

    /// Is this tag defined in `version`? Extension tags (`0x54xxxx`) are always allowed.
    pub fn defined_in(&self, version: Version) -> bool {
        self.lifetime.defined_in(version)
    }
}

/// Is `tag` defined in `version`? Vendor extension tags (`0x54xxxx`) always are.
pub fn tag_defined_in(tag_value: u32, version: Version) -> bool {
    tag_value >> 16 == 0x54 || tag(tag_value).is_some_and(|t| t.defined_in(version))
}
