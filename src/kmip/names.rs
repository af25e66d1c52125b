//! [`KmipNames`]: the dictionary seen through the codec's [`Names`] trait.
//!
//! Besides plain tag and enumeration lookups it resolves the one
//! context-dependent case of KMIP 1.x: an `Attribute Value` takes its
//! enumeration (or mask) from the sibling `Attribute Name`
//! (`Cryptographic Algorithm` → `AES`).

use std::collections::HashMap;
use std::sync::OnceLock;

use super::dictionary::{self, EnumDef};
use super::generated::tags;
use crate::ttlv::{EnumDomain, Names, Tag, Value, ValueContext};

/// The KMIP 1.0–2.1 dictionary as a [`Names`] implementation.
#[derive(Clone, Copy, Debug, Default)]
pub struct KmipNames;

fn by_name() -> &'static HashMap<&'static str, u32> {
    static INDEX: OnceLock<HashMap<&'static str, u32>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = HashMap::new();
        for t in dictionary::TAGS.iter().filter(|t| !t.xml_name.is_empty()) {
            index.entry(t.xml_name).or_insert(t.tag);
            index.entry(t.name).or_insert(t.tag);
        }
        index
    })
}

/// The KMIP 2.x `Tag` enumeration (2.1 §11.56): every named tag, valued by
/// its tag number. Attribute Reference carries it ("Enumeration (Tag)", §5.5).
fn tag_domain() -> EnumDomain {
    static VALUES: OnceLock<Vec<(u32, &'static str)>> = OnceLock::new();
    let values = VALUES.get_or_init(|| {
        dictionary::TAGS
            .iter()
            .filter(|t| !t.xml_name.is_empty())
            .map(|t| (t.tag, t.xml_name))
            .collect()
    });
    EnumDomain {
        name: "Tag",
        is_mask: false,
        values,
    }
}

fn domain_of(def: &'static EnumDef) -> EnumDomain {
    EnumDomain {
        name: def.name,
        is_mask: def.is_mask,
        values: def.pairs,
    }
}

impl Names for KmipNames {
    fn tag_name(&self, tag: Tag) -> Option<&'static str> {
        dictionary::tag(tag.0)
            .map(|t| t.xml_name)
            .filter(|n| !n.is_empty())
    }

    fn tag_by_name(&self, name: &str) -> Option<Tag> {
        by_name().get(name).map(|&v| Tag(v))
    }

    fn domain(&self, tag: Tag, context: ValueContext<'_>) -> Option<EnumDomain> {
        if tag == tags::ATTRIBUTE_VALUE {
            let name = context
                .preceding_siblings
                .iter()
                .rev()
                .find(|s| s.tag == tags::ATTRIBUTE_NAME)?;
            let Value::TextString(name) = &name.value else {
                return None;
            };
            let attribute_tag = self.tag_by_name(name)?;
            return dictionary::enumeration_for_tag(attribute_tag.0).map(domain_of);
        }
        match tag {
            tags::ATTRIBUTE_REFERENCE => return Some(tag_domain()),
            tags::PKCS_11_FUNCTION => return Some(super::pkcs11::function_domain()),
            tags::PKCS_11_RETURN_CODE => return Some(super::pkcs11::return_code_domain()),
            _ => {}
        }
        dictionary::enumeration_for_tag(tag.0).map(domain_of)
    }
}
