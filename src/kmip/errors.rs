//! Which Result Reasons the spec allows for a failed operation, from the error
//! tables: KMIP 1.2 §11 (`errors_v1.2.tsv`, for 1.x) and KMIP 2.1 (`errors_v2.1.tsv`,
//! for 2.x). A server test asserts every failure it sees is in this set; a
//! runner can flag a target that answers with a reason the spec does not list.

use super::dictionary::{ERRORS_V1_2, ERRORS_V2_1};
use super::{Operation, ResultReason, Version};

/// The Result Reasons a table cell names: one, or two for KMIP 1.2 §11.12's
/// "Key Format Type and/or Key Compression Type Not Supported".
fn reasons_by_name(name: &str) -> Vec<ResultReason> {
    match name.split_once(" and/or ") {
        Some((first, second)) => {
            let suffix = second.rsplit_once(" Type ").map_or("", |(_, s)| s);
            [format!("{first} {suffix}"), second.to_owned()]
                .iter()
                .filter_map(|n| reason_by_name(n))
                .collect()
        }
        None => reason_by_name(name).into_iter().collect(),
    }
}

/// A Result Reason by its spec name, ignoring case (the tables are not consistent).
fn reason_by_name(name: &str) -> Option<ResultReason> {
    let name = name.trim().trim_end_matches('?');
    ResultReason::def()
        .values
        .iter()
        .find(|v| v.name.eq_ignore_ascii_case(name) || v.xml_name.eq_ignore_ascii_case(name))
        .map(|v| ResultReason(v.value))
}

/// The reasons the spec lists for `operation` in `version`'s error table,
/// including the general ones every operation may use. `None` when the table
/// has no row for the operation (KMIP 1.2 §11 has none for the cryptographic
/// services, Query, Discover Versions or Cancel), so nothing can be asserted.
pub fn allowed_reasons(operation: Operation, version: Version) -> Option<Vec<ResultReason>> {
    let def = Operation::def().value(operation.0)?;
    let mut reasons = Vec::new();
    let mut specific = false;
    if version.is_2x() {
        for row in ERRORS_V2_1
            .iter()
            .filter(|r| r.operation.eq_ignore_ascii_case(def.name))
        {
            specific = true;
            reasons.extend(
                row.allowed_result_reasons
                    .iter()
                    .flat_map(|n| reasons_by_name(n)),
            );
        }
    } else {
        for row in ERRORS_V1_2 {
            let section_operation = row.section.split_once(' ').map_or("", |(_, name)| name);
            let general = section_operation == "General";
            let this_operation = section_operation.eq_ignore_ascii_case(def.name);
            if general || this_operation {
                specific |= this_operation;
                reasons.extend(reasons_by_name(row.result_reason));
            }
        }
    }
    reasons.sort_unstable_by_key(|r| r.0);
    reasons.dedup();
    specific.then_some(reasons)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_give_version_specific_reasons() {
        let get_1x = allowed_reasons(Operation::GET, Version::V1_4).unwrap();
        assert!(get_1x.contains(&ResultReason::ITEM_NOT_FOUND));
        assert!(
            get_1x.contains(&ResultReason::PERMISSION_DENIED),
            "general reasons apply"
        );
        let get_2x = allowed_reasons(Operation::GET, Version::V2_1).unwrap();
        assert!(get_2x.contains(&ResultReason::OBJECT_NOT_FOUND));
        assert!(!get_2x.contains(&ResultReason::ITEM_NOT_FOUND));
        assert!(
            get_1x.contains(&ResultReason::KEY_FORMAT_TYPE_NOT_SUPPORTED)
                && get_1x.contains(&ResultReason::KEY_COMPRESSION_TYPE_NOT_SUPPORTED),
            "\"Key Format Type and/or Key Compression Type Not Supported\" names both"
        );
        let destroy_2x = allowed_reasons(Operation::DESTROY, Version::V2_1).unwrap();
        assert!(destroy_2x.contains(&ResultReason::WRONG_KEY_LIFECYCLE_STATE));
    }
}
