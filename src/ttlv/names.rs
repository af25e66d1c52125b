//! The naming hook between the codec and a dictionary.
//!
//! The codec knows no KMIP names: renderings ask a [`Names`] implementation
//! (the `kmip` layer provides one generated from the spec tables) for the
//! CamelCase name of a tag, the enumeration that governs a tag's values, and
//! whether that enumeration is a bit mask. [`NoNames`] renders everything in hex.

use super::item::Item;
use super::tag::Tag;

/// One enumeration: its values and whether they combine as bit flags.
#[derive(Clone, Copy, Debug)]
pub struct EnumDomain {
    /// The enumeration's own name, e.g. `Cryptographic Usage Mask`.
    pub name: &'static str,
    /// True for masks (Cryptographic Usage Mask, Storage Status Mask, Protection Storage Mask).
    pub is_mask: bool,
    /// `(value, CamelCase name)` pairs, in value order.
    pub values: &'static [(u32, &'static str)],
}

impl EnumDomain {
    /// The CamelCase name of `value`, if the enumeration defines it.
    pub fn name_of(&self, value: u32) -> Option<&'static str> {
        self.values
            .binary_search_by_key(&value, |(v, _)| *v)
            .ok()
            .map(|i| self.values[i].1)
    }

    /// The value of a CamelCase name.
    pub fn value_of(&self, name: &str) -> Option<u32> {
        self.values
            .iter()
            .find(|(_, n)| *n == name)
            .map(|(v, _)| *v)
    }

    /// Splits a mask into named flags plus any leftover bits no flag names.
    pub fn mask_names(&self, mask: u32) -> (Vec<&'static str>, u32) {
        let mut rest = mask;
        let mut names = Vec::new();
        for &(bit, name) in self.values {
            if bit != 0 && mask & bit == bit {
                names.push(name);
                rest &= !bit;
            }
        }
        (names, rest)
    }
}

/// Where an item sits, for context-dependent lookups.
#[derive(Clone, Copy, Debug, Default)]
pub struct ValueContext<'a> {
    /// The items that precede it in its parent structure. A KMIP 1.x
    /// `AttributeValue` takes its enumeration from the sibling `AttributeName`.
    pub preceding_siblings: &'a [Item],
}

/// Name lookups a rendering needs. Every method may answer `None`.
pub trait Names {
    /// The CamelCase name of a tag (`RequestMessage`).
    fn tag_name(&self, tag: Tag) -> Option<&'static str>;
    /// The tag for a CamelCase name.
    fn tag_by_name(&self, name: &str) -> Option<Tag>;
    /// The enumeration governing Enumeration (or mask Integer) values of `tag` in `context`.
    fn domain(&self, tag: Tag, context: ValueContext<'_>) -> Option<EnumDomain>;
}

/// A dictionary that knows nothing: every tag and value renders as hex.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoNames;

impl Names for NoNames {
    fn tag_name(&self, _tag: Tag) -> Option<&'static str> {
        None
    }
    fn tag_by_name(&self, _name: &str) -> Option<Tag> {
        None
    }
    fn domain(&self, _tag: Tag, _context: ValueContext<'_>) -> Option<EnumDomain> {
        None
    }
}
