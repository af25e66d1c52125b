//! Name normalisation to CamelCase, exactly as the Additional Message Encodings
//! spec v1.0 §4.1.3 / §6.1.3 defines it (rules 1–6).

/// Normalises a KMIP text name (`Cryptographic Usage Mask`) to CamelCase
/// (`CryptographicUsageMask`).
pub fn camel_case(name: &str) -> String {
    // 1. Replace round brackets with spaces.
    let chars: Vec<char> = name
        .chars()
        .map(|c| if c == '(' || c == ')' { ' ' } else { c })
        .collect();
    // 2. A non-word char followed by a letter and then a lower-case letter becomes a space.
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let mut spaced = String::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let splits = !is_word(c)
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_alphabetic())
            && chars.get(i + 2).is_some_and(|n| n.is_ascii_lowercase());
        spaced.push(if splits { ' ' } else { c });
    }
    // 3. Remaining non-word chars (except whitespace) become underscores.
    let mut words: Vec<String> = spaced
        .split_whitespace()
        .map(|w| {
            w.chars()
                .map(|c| if is_word(c) { c } else { '_' })
                .collect()
        })
        .collect();
    // 4. Leading digits of the first word move to its end.
    if let Some(first) = words.first_mut() {
        let digits: String = first.chars().take_while(char::is_ascii_digit).collect();
        if !digits.is_empty() {
            *first = format!("{}{digits}", &first[digits.len()..]);
        }
    }
    // 5. Capitalise each word; 6. concatenate.
    words
        .iter()
        .map(|w| {
            let mut cs = w.chars();
            match cs.next() {
                Some(c) => c.to_ascii_uppercase().to_string() + cs.as_str(),
                None => String::new(),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::camel_case;
    use crate::kmip::dictionary::{ENUMS, TAGS};

    #[test]
    fn spec_examples() {
        assert_eq!(
            camel_case("Cryptographic Usage Mask"),
            "CryptographicUsageMask"
        );
        assert_eq!(camel_case("Re-key"), "ReKey");
        assert_eq!(camel_case("3DES"), "DES3");
        assert_eq!(camel_case("Template-Attribute"), "TemplateAttribute");
    }

    /// The generated tables carry CamelCase names taken from the spec; the
    /// normaliser must agree with every one of them.
    #[test]
    fn agrees_with_the_tables() {
        let mut disagreements = Vec::new();
        for t in TAGS.iter().filter(|t| !t.xml_name.is_empty()) {
            if camel_case(t.name) != t.xml_name {
                disagreements.push(format!(
                    "tag {} -> {} (table: {})",
                    t.name,
                    camel_case(t.name),
                    t.xml_name
                ));
            }
        }
        for e in ENUMS {
            for v in e.values.iter().filter(|v| !v.xml_name.is_empty()) {
                if camel_case(v.name) != v.xml_name {
                    disagreements.push(format!(
                        "{}: {} -> {} (table: {})",
                        e.name,
                        v.name,
                        camel_case(v.name),
                        v.xml_name
                    ));
                }
            }
        }
        assert!(disagreements.is_empty(), "{disagreements:#?}");
    }
}
