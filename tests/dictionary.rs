//! The generated dictionary: lookups both ways, version gating, masks, and
//! agreement with the item-type table.

use kmip_conform::kmip::dictionary::{self, enumeration, enumeration_for_tag, tag_defined_in};
use kmip_conform::kmip::{tags, ObjectType, Operation, Version};
use kmip_conform::ttlv::ItemType;

#[test]
fn names_and_values_both_ways() {
    let batch_item = dictionary::tag(0x42000F).unwrap();
    assert_eq!(
        (batch_item.name, batch_item.xml_name),
        ("Batch Item", "BatchItem")
    );
    assert_eq!(dictionary::tag_by_name("BatchItem").unwrap().tag, 0x42000F);
    assert_eq!(dictionary::tag_by_name("Batch Item").unwrap().tag, 0x42000F);
    let object_type = enumeration("Object Type").unwrap();
    assert_eq!(object_type.value_by_name("SymmetricKey").unwrap().value, 2);
    assert_eq!(object_type.value(2).unwrap().name, "Symmetric Key");
    assert_eq!(format!("{:?}", ObjectType::SYMMETRIC_KEY), "SymmetricKey");
    assert_eq!(
        format!("{:?}", ObjectType(0x8000_0001)),
        "ObjectType(0x80000001)"
    );
    assert_eq!(
        enumeration_for_tag(tags::OPERATION.0).unwrap().name,
        "Operation"
    );
    // Mask Generator Hashing Algorithm carries Hashing Algorithm values.
    let mgha = dictionary::tag_by_name("MaskGeneratorHashingAlgorithm").unwrap();
    assert_eq!(
        enumeration_for_tag(mgha.tag).unwrap().name,
        "Hashing Algorithm"
    );
}

#[test]
fn version_gating_follows_the_tables() {
    // Template-Attribute is 1.x only; Attributes is 2.x only.
    assert!(tag_defined_in(tags::TEMPLATE_ATTRIBUTE.0, Version::V1_4));
    assert!(!tag_defined_in(tags::TEMPLATE_ATTRIBUTE.0, Version::V2_0));
    assert!(!tag_defined_in(tags::ATTRIBUTES.0, Version::V1_4));
    assert!(tag_defined_in(tags::ATTRIBUTES.0, Version::V2_1));
    // Vendor extension tags are always allowed.
    assert!(tag_defined_in(0x54_0001, Version::V1_0));
    // Discover Versions arrived in 1.1, Ping in 2.1.
    let operation = Operation::def();
    assert!(!operation.defined_in(Operation::DISCOVER_VERSIONS.0, Version::V1_0));
    assert!(operation.defined_in(Operation::DISCOVER_VERSIONS.0, Version::V1_1));
    assert!(!operation.defined_in(Operation::PING.0, Version::V2_0));
    assert!(operation.defined_in(Operation::PING.0, Version::V2_1));
    // The Template object type is reserved again in 2.x.
    assert!(ObjectType::def().defined_in(ObjectType::TEMPLATE.0, Version::V1_4));
    assert!(!ObjectType::def().defined_in(ObjectType::TEMPLATE.0, Version::V2_1));
    // Extension values are always allowed.
    assert!(ObjectType::def().defined_in(0x8000_0001, Version::V1_0));
}

#[test]
fn masks_are_flagged_and_split() {
    let mask = enumeration("Cryptographic Usage Mask").unwrap();
    assert!(mask.is_mask);
    assert!(enumeration("Storage Status Mask").unwrap().is_mask);
    assert!(!enumeration("Object Type").unwrap().is_mask);
    let domain = kmip_conform::ttlv::EnumDomain {
        name: mask.name,
        is_mask: true,
        values: mask.pairs,
    };
    assert_eq!(domain.mask_names(0x0C), (vec!["Encrypt", "Decrypt"], 0));
}

#[test]
fn item_type_table_matches_the_codec() {
    assert_eq!(dictionary::ITEM_TYPES.len(), 11);
    for &(byte, xml_name, fixed) in dictionary::ITEM_TYPES {
        let item_type =
            ItemType::from_byte(byte).unwrap_or_else(|| panic!("type byte {byte:#04x}"));
        assert_eq!(item_type.xml_name(), xml_name);
        assert_eq!(item_type.fixed_length(), fixed, "{xml_name}");
    }
}
