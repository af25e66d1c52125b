//! Requests written in KMIP names, turned into TTLV trees for one version.
//!
//! A payload is a YAML mapping from tag names (or `0x42xxxx`) to values:
//! scalars are typed from the dictionary, mappings are structures, sequences
//! repeat a tag. `{type: Integer, value: 5}` types a value explicitly. Strings
//! starting with `$` are captures bound at run time. Two version-aware keys:
//! `attributes` (1.x Template-Attribute, 2.x Attributes) and `filter` (Locate's
//! bare 1.x Attributes, 2.x Attributes).

use serde_norway::Value as Yaml;

use crate::kmip::message::ProtocolVersion;
use crate::kmip::{dictionary, tags, AsynchronousIndicator, KmipNames, Version};
use crate::ttlv::render::parse_value_text;
use crate::ttlv::{Item, ItemType, Names, Tag, Value, ValueContext};

/// Builds trees for one protocol version.
pub struct Builder {
    pub version: Version,
}

fn yaml_text(value: &Yaml) -> Option<String> {
    match value {
        Yaml::String(s) => Some(s.clone()),
        Yaml::Number(n) => Some(n.to_string()),
        Yaml::Bool(b) => Some(b.to_string()),
        Yaml::Sequence(items) => {
            let parts: Option<Vec<String>> = items.iter().map(yaml_text).collect();
            parts.map(|p| p.join("|"))
        }
        _ => None,
    }
}

fn tag_of(name: &str) -> Result<Tag, String> {
    if let Some(hex) = name.strip_prefix("0x") {
        return u32::from_str_radix(hex, 16)
            .map(Tag)
            .map_err(|_| format!("bad tag `{name}`"));
    }
    KmipNames
        .tag_by_name(name)
        .ok_or_else(|| format!("unknown tag name `{name}`"))
}

/// A token unique to this process, so names a suite creates (`{run}`) do not
/// collide with those left on a persistent target by an earlier run.
pub fn run_token() -> &'static str {
    static TOKEN: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TOKEN.get_or_init(|| {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        format!("{:x}{:05x}", std::process::id(), nanos >> 12)
    })
}

impl Builder {
    /// Replaces `{version}` and `{run}` in text values.
    fn expand(&self, text: &str) -> String {
        text.replace("{version}", &self.version.to_string())
            .replace("{run}", run_token())
    }

    /// A structure whose children are the mapping's entries, in order.
    pub fn structure(&self, tag: Tag, yaml: &Yaml) -> Result<Item, String> {
        let mut children = Vec::new();
        match yaml {
            Yaml::Null => {}
            Yaml::Mapping(map) => {
                for (key, value) in map {
                    let key = key.as_str().ok_or("keys must be tag names")?;
                    let built = self
                        .field(key, value, &children)
                        .map_err(|e| format!("{key}: {e}"))?;
                    children.extend(built);
                }
            }
            _ => {
                return Err(format!(
                    "{} must be a mapping of tag names",
                    KmipNames.tag_name(tag).unwrap_or("structure")
                ))
            }
        }
        Ok(Item::structure(tag, children))
    }

    /// The items one mapping entry stands for.
    fn field(&self, key: &str, value: &Yaml, preceding: &[Item]) -> Result<Vec<Item>, String> {
        match key {
            "attributes" => return self.attributes(value, true),
            "filter" => return self.attributes(value, false),
            _ => {}
        }
        let tag = tag_of(key)?;
        match value {
            Yaml::Sequence(values) if !self.is_mask(tag) => {
                let mut out: Vec<Item> = Vec::new();
                for v in values {
                    let context: Vec<Item> = preceding.iter().chain(out.iter()).cloned().collect();
                    out.push(self.item(tag, v, &context)?);
                }
                Ok(out)
            }
            v => Ok(vec![self.item(tag, v, preceding)?]),
        }
    }

    fn is_mask(&self, tag: Tag) -> bool {
        KmipNames
            .domain(tag, ValueContext::default())
            .is_some_and(|d| d.is_mask)
    }

    /// One item of `tag` from a YAML value.
    pub fn item(&self, tag: Tag, yaml: &Yaml, preceding: &[Item]) -> Result<Item, String> {
        if let Yaml::Mapping(map) = yaml {
            if let (Some(t), Some(v)) = (map.get("type"), map.get("value")) {
                let item_type = t
                    .as_str()
                    .and_then(ItemType::from_xml_name)
                    .ok_or("`type` must be an item type name")?;
                return self.typed(tag, item_type, v, preceding);
            }
        }
        let item_type = match yaml {
            Yaml::Mapping(_) | Yaml::Null => ItemType::Structure,
            _ => self.type_of(tag, preceding)?,
        };
        self.typed(tag, item_type, yaml, preceding)
    }

    /// The item type of `tag` from the dictionary (or, for Attribute Value, its Attribute Name).
    fn type_of(&self, tag: Tag, preceding: &[Item]) -> Result<ItemType, String> {
        let def_tag = if tag == tags::ATTRIBUTE_VALUE {
            let name = preceding
                .iter()
                .rev()
                .find(|i| i.tag == tags::ATTRIBUTE_NAME)
                .and_then(|n| match &n.value {
                    Value::TextString(t) => KmipNames.tag_by_name(t),
                    _ => None,
                });
            name.ok_or("Attribute Value needs a known Attribute Name before it, or {type, value}")?
        } else {
            tag
        };
        let primitive: Vec<ItemType> = dictionary::tag(def_tag.0)
            .map(|d| {
                d.all_types()
                    .filter(|t| *t != ItemType::Structure)
                    .collect()
            })
            .unwrap_or_default();
        match primitive.as_slice() {
            [one] => Ok(*one),
            // Asynchronous Indicator: Boolean in 1.x, Enumeration in 2.x.
            _ if def_tag == tags::ASYNCHRONOUS_INDICATOR => Ok(if self.version.is_2x() {
                ItemType::Enumeration
            } else {
                ItemType::Boolean
            }),
            _ => Err(format!(
                "the type of {} is ambiguous here; write {{type: …, value: …}}",
                KmipNames.tag_name(def_tag).unwrap_or("this tag")
            )),
        }
    }

    fn typed(
        &self,
        tag: Tag,
        item_type: ItemType,
        yaml: &Yaml,
        preceding: &[Item],
    ) -> Result<Item, String> {
        if item_type == ItemType::Structure {
            return self.structure(tag, yaml);
        }
        if tag == tags::ASYNCHRONOUS_INDICATOR && self.version.is_2x() {
            if let Yaml::Bool(b) = yaml {
                let e = if *b {
                    AsynchronousIndicator::OPTIONAL
                } else {
                    AsynchronousIndicator::PROHIBITED
                };
                return Ok(Item::new(tag, Value::Enumeration(e.0)));
            }
        }
        let text = self.expand(&yaml_text(yaml).ok_or("expected a scalar value")?);
        let domain = KmipNames.domain(
            tag,
            ValueContext {
                preceding_siblings: preceding,
            },
        );
        let value = parse_value_text(item_type, &text, domain)?;
        Ok(Item::new(tag, value))
    }

    /// Version-aware attributes: `templated` gives a 1.x Template-Attribute
    /// (Create, Register), otherwise bare 1.x Attributes (Locate); 2.x always
    /// gives one Attributes structure.
    fn attributes(&self, yaml: &Yaml, templated: bool) -> Result<Vec<Item>, String> {
        let Yaml::Mapping(map) = yaml else {
            return Err("attributes must be a mapping of attribute names to values".into());
        };
        let mut plain = Vec::new();
        for (key, value) in map {
            let key = key.as_str().ok_or("attribute names must be strings")?;
            let built = self
                .field(key, value, &plain)
                .map_err(|e| format!("attributes/{key}: {e}"))?;
            plain.extend(built);
        }
        if self.version.is_2x() {
            return Ok(vec![Item::structure(tags::ATTRIBUTES, plain)]);
        }
        let wrapped: Vec<Item> = plain
            .into_iter()
            .map(|item| {
                let name = dictionary::tag(item.tag.0)
                    .map_or_else(|| item.tag.to_string(), |d| d.name.to_owned());
                Item::structure(
                    tags::ATTRIBUTE,
                    vec![
                        Item::new(tags::ATTRIBUTE_NAME, Value::TextString(name)),
                        Item::new(tags::ATTRIBUTE_VALUE, item.value),
                    ],
                )
            })
            .collect();
        Ok(if templated {
            vec![Item::structure(tags::TEMPLATE_ATTRIBUTE, wrapped)]
        } else {
            wrapped
        })
    }

    /// A request header with the protocol version, the given extra fields, and Batch Count.
    pub fn header(&self, extra: &Yaml, batch_count: usize) -> Result<Item, String> {
        let mut header = self.structure(tags::REQUEST_HEADER, extra)?;
        if let Value::Structure(children) = &mut header.value {
            children.insert(0, ProtocolVersion::from(self.version).to_item());
            if !children.iter().any(|c| c.tag == tags::BATCH_COUNT) {
                children.push(Item::new(
                    tags::BATCH_COUNT,
                    Value::Integer(batch_count as i32),
                ));
            }
        }
        Ok(header)
    }
}
