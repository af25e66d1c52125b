//! Rust identifiers for generated items: `SCREAMING_SNAKE_CASE` constants from
//! the tables' CamelCase `xml_name`s, CamelCase type names from the spec's
//! enumeration names, and the collision rules that keep them valid and unique.

use std::collections::{BTreeMap, BTreeSet};

/// Names the generated file imports or relies on from the prelude; a
/// generated type with one of these names gets an `Enum` suffix.
pub const RESERVED_TYPE_NAMES: &[&str] = &[
    "Tag",
    "ItemType",
    "Version",
    "Lifetime",
    "TagDef",
    "EnumDef",
    "EnumValueDef",
    "ErrorRuleV12",
    "ErrorRuleV21",
    "Option",
    "Some",
    "None",
    "Result",
    "Ok",
    "Err",
    "String",
    "Vec",
    "Box",
    "Self",
];

/// `ActivationDate` → `ACTIVATION_DATE`, `IVCounterNonce` → `IV_COUNTER_NONCE`,
/// `PKCS_11Function` → `PKCS_11_FUNCTION`.
///
/// A `_` goes in at lower→Upper and digit→Upper boundaries and before the last
/// capital of an acronym that starts a word (`IVC|ounter`). Any other character
/// becomes a single `_`; leading separators survive as one `_` so that
/// [`valid_ident`] can see them.
pub fn screaming_snake(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    let mut out = String::with_capacity(name.len() + 8);
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_ascii_alphanumeric() {
            if !out.ends_with('_') {
                out.push('_');
            }
            continue;
        }
        if i > 0 && c.is_ascii_uppercase() {
            let prev = chars[i - 1];
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            let boundary = prev.is_ascii_lowercase()
                || prev.is_ascii_digit()
                || (prev.is_ascii_uppercase() && next_lower);
            if boundary && !out.is_empty() && !out.ends_with('_') {
                out.push('_');
            }
        }
        out.push(c.to_ascii_uppercase());
    }
    while out.len() > 1 && out.ends_with('_') {
        out.pop();
    }
    out
}

/// `Object Type` → `ObjectType`, `DRBG Algorithm` → `DRBGAlgorithm`: words split
/// at non-alphanumerics, each word's first letter capitalised, the rest kept.
pub fn camel_type_name(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for word in name.split(|c: char| !c.is_ascii_alphanumeric()) {
        let mut chars = word.chars();
        if let Some(first) = chars.next() {
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out.is_empty() || out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, 'V');
    }
    if RESERVED_TYPE_NAMES.contains(&out.as_str()) {
        out.push_str("Enum");
    }
    out
}

/// Makes a converted name a valid Rust identifier: `_`-leading names become
/// `V_…`, digit-leading names `V_…`, and an empty name `V_<fallback>`.
pub fn valid_ident(name: &str, fallback: &str) -> String {
    if name.is_empty() || name == "_" {
        format!("V_{fallback}")
    } else if name.starts_with('_') {
        format!("V{name}")
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        format!("V_{name}")
    } else {
        name.to_owned()
    }
}

/// Is `s` a plain (non-raw) Rust identifier that is not `_`?
pub fn is_valid_ident(s: &str) -> bool {
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return false;
    };
    (first.is_ascii_alphabetic() || (first == '_' && s.len() > 1))
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Constant names for `(xml_name, value)` pairs, in input order.
///
/// Every member of a group whose converted names collide gets `_` + the value in
/// upper-case hex (`hex_width` digits) appended, as does a name already taken by
/// an earlier suffixed one; should that still collide, a counter is appended
/// until the name is unique.
pub fn unique_const_names(items: &[(&str, u32)], hex_width: usize) -> Vec<String> {
    let hex = |v: u32| format!("{v:0hex_width$X}");
    let base: Vec<String> = items
        .iter()
        .map(|&(name, value)| valid_ident(&screaming_snake(name), &hex(value)))
        .collect();
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for name in &base {
        *counts.entry(name.as_str()).or_default() += 1;
    }
    let mut taken = BTreeSet::new();
    let mut out = Vec::with_capacity(items.len());
    for (name, &(_, value)) in base.iter().zip(items) {
        let with_hex = format!("{name}_{}", hex(value));
        let mut candidate = if counts[name.as_str()] > 1 || taken.contains(name) {
            with_hex.clone()
        } else {
            name.clone()
        };
        let mut n = 2;
        while taken.contains(&candidate) {
            candidate = format!("{with_hex}_{n}");
            n += 1;
        }
        taken.insert(candidate.clone());
        out.push(candidate);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screaming_snake_boundaries() {
        let cases = [
            ("ActivationDate", "ACTIVATION_DATE"),
            ("IVCounterNonce", "IV_COUNTER_NONCE"),
            ("PKCS_11Function", "PKCS_11_FUNCTION"),
            (
                "TransparentECDSAPrivateKey",
                "TRANSPARENT_ECDSA_PRIVATE_KEY",
            ),
            ("SuiteBMinLOS_128Client", "SUITE_B_MIN_LOS_128_CLIENT"),
            ("SHA3_256", "SHA3_256"),
            ("DES3", "DES3"),
            ("X_509", "X_509"),
            ("Data", "DATA"),
            ("Foo-Bar Baz", "FOO_BAR_BAZ"),
            ("_Leading", "_LEADING"),
        ];
        for (input, want) in cases {
            assert_eq!(screaming_snake(input), want, "{input}");
        }
    }

    #[test]
    fn type_names() {
        assert_eq!(camel_type_name("Object Type"), "ObjectType");
        assert_eq!(camel_type_name("DRBG Algorithm"), "DRBGAlgorithm");
        assert_eq!(camel_type_name("FIPS186 Variation"), "FIPS186Variation");
        assert_eq!(camel_type_name("NIST Key Type"), "NISTKeyType");
        assert_eq!(camel_type_name("RNG Mode"), "RNGMode");
        assert_eq!(camel_type_name("Data"), "Data");
        assert_eq!(camel_type_name("Item Type"), "ItemTypeEnum");
        assert_eq!(camel_type_name("Tag"), "TagEnum");
        assert_eq!(camel_type_name("Version"), "VersionEnum");
        assert_eq!(camel_type_name("3 Things"), "V3Things");
        for name in RESERVED_TYPE_NAMES {
            assert_ne!(&camel_type_name(name), name);
        }
    }

    #[test]
    fn identifiers_are_valid_and_unique() {
        let items = [
            ("Foo", 1),
            ("FOO", 2),
            ("_Bar", 3),
            ("9Lives", 4),
            ("", 5),
            ("---", 6),
            ("Foo_00000001", 7),
            ("Ok", 8),
        ];
        let names = unique_const_names(&items, 8);
        assert_eq!(
            names,
            [
                "FOO_00000001",
                "FOO_00000002",
                "V_BAR",
                "V_9_LIVES",
                "V_00000005",
                "V_00000006",
                "FOO_00000001_00000007",
                "OK",
            ]
        );
        let mut seen = BTreeSet::new();
        for name in &names {
            assert!(is_valid_ident(name), "{name}");
            assert!(seen.insert(name), "duplicate {name}");
        }
    }

    #[test]
    fn collision_after_suffix_gets_a_counter() {
        let items = [("A", 1), ("A", 2), ("A_01", 3), ("A_01", 4)];
        let names = unique_const_names(&items, 2);
        assert_eq!(names, ["A_01", "A_02", "A_01_03", "A_01_04"]);
        let items = [("A", 1), ("a", 1)];
        assert_eq!(unique_const_names(&items, 2), ["A_01", "A_01_2"]);
    }

    #[test]
    fn ident_check() {
        assert!(is_valid_ident("FOO_1"));
        assert!(is_valid_ident("_X"));
        assert!(!is_valid_ident("_"));
        assert!(!is_valid_ident("1A"));
        assert!(!is_valid_ident("A-B"));
        assert!(!is_valid_ident(""));
    }
}
