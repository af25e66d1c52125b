//! Attributes on the wire, per version: the KMIP 1.x `Attribute` structure
//! (Attribute Name text, optional Attribute Index, Attribute Value) and the
//! KMIP 2.x form (one item per attribute, tagged with the attribute's own tag,
//! and `Attribute` {Vendor Identification, Attribute Name, Attribute Value} for
//! vendor attributes). 1.x custom attribute `x-ID` is 2.x vendor attribute
//! ("x", "ID") (KMIP 2.1 §4.60).

use super::object::{AttrKey, Attribute};
use super::ops::OpError;
use crate::kmip::dictionary;
use crate::kmip::tags;
use crate::kmip::{ResultReason, Version};
use crate::ttlv::{Item, Tag, Value};

/// The 1.x Attribute Name of a key.
pub fn name_of(key: &AttrKey) -> String {
    match key {
        AttrKey::Custom(name) => name.clone(),
        AttrKey::Tag(tag) => {
            dictionary::tag(tag.0).map_or_else(|| tag.to_string(), |t| t.name.to_owned())
        }
    }
}

/// The key for a 1.x Attribute Name (spec text such as `Cryptographic Algorithm`).
pub fn key_from_name(name: &str) -> Result<AttrKey, OpError> {
    if name.starts_with("x-") || name.starts_with("y-") {
        return Ok(AttrKey::Custom(name.to_owned()));
    }
    dictionary::TAGS
        .iter()
        .find(|t| t.name == name)
        .map(|t| AttrKey::Tag(Tag(t.tag)))
        .ok_or_else(|| {
            OpError::new(
                ResultReason::INVALID_FIELD,
                format!("unknown attribute name `{name}`"),
            )
        })
}

/// Reads a 1.x `Attribute` structure: the attribute and its index, if given.
pub fn from_1x(item: &Item) -> Result<(Attribute, Option<i32>), OpError> {
    let name = match item.child(tags::ATTRIBUTE_NAME).map(|n| &n.value) {
        Some(Value::TextString(name)) => name,
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Attribute without an Attribute Name text",
            ))
        }
    };
    let key = key_from_name(name)?;
    let index = match item.child(tags::ATTRIBUTE_INDEX).map(|i| &i.value) {
        None => None,
        Some(Value::Integer(i)) => Some(*i),
        Some(_) => {
            return Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Attribute Index must be an Integer",
            ))
        }
    };
    let value = item
        .child(tags::ATTRIBUTE_VALUE)
        .map(|v| v.value.clone())
        .ok_or_else(|| {
            OpError::new(
                ResultReason::INVALID_MESSAGE,
                format!("Attribute `{name}` without an Attribute Value"),
            )
        })?;
    check_type(&key, &value)?;
    Ok((Attribute { key, value }, index))
}

/// Reads one 2.x attribute item (an attribute tag, or a vendor `Attribute`).
pub fn from_2x(item: &Item) -> Result<Attribute, OpError> {
    if item.tag == tags::ATTRIBUTE {
        let text = |tag, what| match item.child(tag).map(|c| &c.value) {
            Some(Value::TextString(t)) => Ok(t.clone()),
            _ => Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                format!("vendor Attribute without {what}"),
            )),
        };
        let vendor = text(tags::VENDOR_IDENTIFICATION, "Vendor Identification")?;
        let name = text(tags::ATTRIBUTE_NAME, "Attribute Name")?;
        let value = item
            .child(tags::ATTRIBUTE_VALUE)
            .map(|v| v.value.clone())
            .ok_or_else(|| {
                OpError::new(
                    ResultReason::INVALID_MESSAGE,
                    "vendor Attribute without Attribute Value",
                )
            })?;
        return Ok(Attribute {
            key: AttrKey::Custom(format!("{vendor}-{name}")),
            value,
        });
    }
    let key = AttrKey::Tag(item.tag);
    if dictionary::tag(item.tag.0).is_none() {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!("unknown attribute tag {}", item.tag),
        ));
    }
    check_type(&key, &item.value)?;
    Ok(Attribute {
        key,
        value: item.value.clone(),
    })
}

/// The value's item type must be one the spec allows for the attribute.
fn check_type(key: &AttrKey, value: &Value) -> Result<(), OpError> {
    if let AttrKey::Tag(tag) = key {
        if let Some(def) = dictionary::tag(tag.0) {
            if !def.item_types.is_empty() && !def.all_types().any(|t| t == value.item_type()) {
                return Err(OpError::new(
                    ResultReason::INVALID_FIELD,
                    format!("attribute `{}` cannot be a {}", def.name, value.item_type()),
                ));
            }
        }
    }
    Ok(())
}

/// Reads the attributes a request carries: a 1.x Template-Attribute (or the
/// bare `Attribute`s of Locate) or a 2.x `Attributes` structure.
pub fn from_request(payload: &Item, version: Version) -> Result<Vec<Attribute>, OpError> {
    let mut out = Vec::new();
    if version.is_2x() {
        if let Some(attributes) = payload.child(tags::ATTRIBUTES) {
            for item in attributes.children() {
                out.push(from_2x(item)?);
            }
        }
        return Ok(out);
    }
    let containers = payload
        .children_with(tags::TEMPLATE_ATTRIBUTE)
        .chain(std::iter::once(payload));
    for container in containers {
        for attribute in container.children_with(tags::ATTRIBUTE) {
            out.push(from_1x(attribute)?.0);
        }
    }
    Ok(out)
}

/// Renders one attribute for `version`; `index` is the 1.x Attribute Index.
pub fn to_wire(attribute: &Attribute, index: usize, version: Version) -> Item {
    if version.is_2x() {
        return match &attribute.key {
            AttrKey::Tag(tag) => Item::new(*tag, attribute.value.clone()),
            AttrKey::Custom(name) => {
                let (vendor, name) = name.split_once('-').unwrap_or(("x", name));
                Item::structure(
                    tags::ATTRIBUTE,
                    vec![
                        Item::new(
                            tags::VENDOR_IDENTIFICATION,
                            Value::TextString(vendor.to_owned()),
                        ),
                        Item::new(tags::ATTRIBUTE_NAME, Value::TextString(name.to_owned())),
                        Item::new(tags::ATTRIBUTE_VALUE, attribute.value.clone()),
                    ],
                )
            }
        };
    }
    let mut fields = vec![Item::new(
        tags::ATTRIBUTE_NAME,
        Value::TextString(name_of(&attribute.key)),
    )];
    if index > 0 {
        fields.push(Item::new(
            tags::ATTRIBUTE_INDEX,
            Value::Integer(index as i32),
        ));
    }
    fields.push(Item::new(tags::ATTRIBUTE_VALUE, attribute.value.clone()));
    Item::structure(tags::ATTRIBUTE, fields)
}

/// Renders attributes for a response: 1.x `Attribute`s, or one 2.x `Attributes` structure.
pub fn list_to_wire(attributes: &[Attribute], version: Version) -> Vec<Item> {
    let rendered = attributes.iter().enumerate().map(|(i, attribute)| {
        let index = attributes[..i]
            .iter()
            .filter(|a| a.key == attribute.key)
            .count();
        to_wire(attribute, index, version)
    });
    if version.is_2x() {
        vec![Item::structure(tags::ATTRIBUTES, rendered.collect())]
    } else {
        rendered.collect()
    }
}

/// The attribute names (1.x) or references (2.x) a Get Attributes / Get
/// Attribute List names; `None` means "all".
pub fn requested_keys(payload: &Item, version: Version) -> Result<Option<Vec<AttrKey>>, OpError> {
    let mut keys = Vec::new();
    for item in payload.children() {
        if item.tag == tags::ATTRIBUTE_NAME && !version.is_2x() {
            match &item.value {
                Value::TextString(name) => keys.push(key_from_name(name)?),
                _ => {
                    return Err(OpError::new(
                        ResultReason::INVALID_MESSAGE,
                        "Attribute Name must be a Text String",
                    ))
                }
            }
        } else if item.tag == tags::ATTRIBUTE_REFERENCE && version.is_2x() {
            keys.push(key_from_reference(item)?);
        }
    }
    Ok((!keys.is_empty()).then_some(keys))
}

/// A key as a 1.x Attribute Name or 2.x Attribute Reference item.
pub fn key_to_wire(key: &AttrKey, version: Version) -> Item {
    if !version.is_2x() {
        return Item::new(tags::ATTRIBUTE_NAME, Value::TextString(name_of(key)));
    }
    match key {
        AttrKey::Tag(tag) => Item::new(tags::ATTRIBUTE_REFERENCE, Value::Enumeration(tag.0)),
        AttrKey::Custom(name) => {
            let (vendor, name) = name.split_once('-').unwrap_or(("x", name));
            Item::structure(
                tags::ATTRIBUTE_REFERENCE,
                vec![
                    Item::new(
                        tags::VENDOR_IDENTIFICATION,
                        Value::TextString(vendor.to_owned()),
                    ),
                    Item::new(tags::ATTRIBUTE_NAME, Value::TextString(name.to_owned())),
                ],
            )
        }
    }
}

/// The attribute a 2.x Attribute Reference names: a tag (Enumeration) or a
/// vendor attribute (Vendor Identification + Attribute Name).
pub fn key_from_reference(item: &Item) -> Result<AttrKey, OpError> {
    let malformed = || {
        OpError::new(
            ResultReason::INVALID_MESSAGE,
            "malformed Attribute Reference",
        )
    };
    match &item.value {
        Value::Enumeration(tag) => Ok(AttrKey::Tag(Tag(*tag))),
        Value::Structure(_) => {
            let vendor = item.child(tags::VENDOR_IDENTIFICATION);
            let name = item.child(tags::ATTRIBUTE_NAME);
            match (vendor.map(|v| &v.value), name.map(|n| &n.value)) {
                (Some(Value::TextString(v)), Some(Value::TextString(n))) => {
                    Ok(AttrKey::Custom(format!("{v}-{n}")))
                }
                _ => Err(malformed()),
            }
        }
        _ => Err(malformed()),
    }
}
