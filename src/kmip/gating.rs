//! Version gating: which tags and enumeration values of a tree the negotiated
//! protocol version does not define. A server must never send one (Vault#24309
//! and Cosmian#687 are real bugs of this kind); a runner flags any it receives.

use super::dictionary::{self, enumeration_for_tag};
use super::names::KmipNames;
use super::Version;
use crate::ttlv::{Item, Names, PathStep, TagPath, Value, ValueContext};

/// One tag or value that `version` does not define.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Undefined {
    pub path: TagPath,
    pub what: String,
}

/// Every tag and enumeration value in `item` that `version` does not define.
/// Vendor tags (`0x54xxxx`) and extension values (`0x8xxxxxxx`) are allowed.
pub fn undefined_in(item: &Item, version: Version) -> Vec<Undefined> {
    let mut out = Vec::new();
    let mut path = vec![PathStep {
        tag: item.tag,
        index: 0,
    }];
    walk(item, &[], version, &mut path, &mut out);
    out
}

fn walk(
    item: &Item,
    preceding: &[Item],
    version: Version,
    path: &mut Vec<PathStep>,
    out: &mut Vec<Undefined>,
) {
    let names = KmipNames;
    if !dictionary::tag_defined_in(item.tag.0, version) {
        out.push(Undefined {
            path: TagPath(path.clone()),
            what: format!(
                "tag {} ({}) is not defined in KMIP {version}",
                item.tag,
                names.tag_name(item.tag).unwrap_or("unknown")
            ),
        });
    }
    match &item.value {
        Value::Structure(children) => {
            for (i, child) in children.iter().enumerate() {
                let index = children[..i].iter().filter(|c| c.tag == child.tag).count() as u32;
                path.push(PathStep {
                    tag: child.tag,
                    index,
                });
                walk(child, &children[..i], version, path, out);
                path.pop();
            }
        }
        Value::Enumeration(v) => {
            let domain = names.domain(
                item.tag,
                ValueContext {
                    preceding_siblings: preceding,
                },
            );
            let def = enumeration_for_tag(item.tag.0)
                .filter(|d| domain.is_some_and(|dm| dm.name == d.name));
            if let Some(def) = def {
                if !def.defined_in(*v, version) {
                    out.push(Undefined {
                        path: TagPath(path.clone()),
                        what: format!(
                            "{} value 0x{v:08X} is not defined in KMIP {version}",
                            def.name
                        ),
                    });
                }
            }
        }
        _ => {}
    }
}
