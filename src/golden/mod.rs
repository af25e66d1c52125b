//! Golden snapshots: each case's exchanges as a readable, redacted TTLV tree
//! (tag names, wire types, values), compared line by line with the committed
//! file. Redaction rules are data (`golden/redactions.yaml`), each citing the
//! permitted variation it implements. Everything here is a plain function;
//! [`store`] does the file I/O and never writes on CI.

pub mod diff;
pub mod store;

use serde::Deserialize;

use crate::kmip::KmipNames;
use crate::ttlv::render::tree;
use crate::ttlv::{decode, Item, Names, Placeholder, Tag, Value};

/// One redaction rule.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// The tag (CamelCase name) whose values are masked wherever it appears.
    pub tag: String,
    /// The permitted variation it implements.
    pub cite: String,
}

/// The redaction rules of `golden/redactions.yaml`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redactions {
    pub rules: Vec<Rule>,
}

impl Redactions {
    pub fn parse(text: &str) -> Result<Redactions, String> {
        let redactions: Redactions = serde_norway::from_str(text).map_err(|e| e.to_string())?;
        for rule in &redactions.rules {
            if KmipNames.tag_by_name(&rule.tag).is_none() {
                return Err(format!("redaction rule for unknown tag `{}`", rule.tag));
            }
        }
        Ok(redactions)
    }

    fn tags(&self) -> Vec<Tag> {
        self.rules
            .iter()
            .filter_map(|r| KmipNames.tag_by_name(&r.tag))
            .collect()
    }

    /// Masks the value of every item a rule names, keeping tag, type and
    /// position; in the 1.x form, the Attribute Value of an Attribute whose
    /// Attribute Name names a redacted tag.
    pub fn apply(&self, item: &mut Item) {
        let tags = self.tags();
        item.walk_mut(&mut |it| {
            if it.tag == crate::kmip::tags::ATTRIBUTE {
                let named = match it
                    .child(crate::kmip::tags::ATTRIBUTE_NAME)
                    .map(|n| &n.value)
                {
                    Some(Value::TextString(name)) => KmipNames
                        .tag_by_name(name)
                        .is_some_and(|t| tags.contains(&t)),
                    _ => false,
                };
                if named {
                    if let Value::Structure(fields) = &mut it.value {
                        for field in fields
                            .iter_mut()
                            .filter(|f| f.tag == crate::kmip::tags::ATTRIBUTE_VALUE)
                        {
                            field.value = match &field.value {
                                Value::Structure(_) => Value::Structure(Vec::new()),
                                other => Value::Placeholder(Placeholder {
                                    item_type: other.item_type(),
                                    text: "<redacted>".into(),
                                }),
                            };
                        }
                    }
                }
            }
            if tags.contains(&it.tag) && !matches!(it.value, Value::Structure(_)) {
                it.value = Value::Placeholder(Placeholder {
                    item_type: it.item_type(),
                    text: "<redacted>".into(),
                });
            } else if tags.contains(&it.tag) {
                if let Value::Structure(children) = &mut it.value {
                    children.clear();
                }
            }
        });
    }
}

/// One exchange as it goes into a snapshot.
pub struct SnapshotExchange<'a> {
    pub step: &'a str,
    pub request: &'a [u8],
    pub response: Option<&'a [u8]>,
}

fn render(bytes: &[u8], redactions: &Redactions) -> String {
    match decode(bytes) {
        Ok(decoded) => {
            let mut item = decoded.item;
            redactions.apply(&mut item);
            tree::render(&item, &KmipNames)
        }
        Err(e) => format!("(does not decode: {})\n", e.describe(&KmipNames)),
    }
}

/// The snapshot text of a case: header, then each exchange's redacted trees.
pub fn snapshot(
    case_id: &str,
    spec: &str,
    exchanges: &[SnapshotExchange<'_>],
    redactions: &Redactions,
) -> String {
    let mut out = format!("# {case_id}\n# {spec}\n");
    for exchange in exchanges {
        out.push_str(&format!("\n## {} → request\n", exchange.step));
        out.push_str(&render(exchange.request, redactions));
        match exchange.response {
            Some(bytes) => {
                out.push_str(&format!("## {} ← response\n", exchange.step));
                out.push_str(&render(bytes, redactions));
            }
            None => out.push_str(&format!("## {} ← (connection closed)\n", exchange.step)),
        }
    }
    out
}
