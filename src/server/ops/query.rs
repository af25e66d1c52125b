//! Query (KMIP 1.2 §4.25, 2.1 §6.1.37): what this server supports, per version.

use super::{response_payload, OpContext, OpError, OpResult, IMPLEMENTED};
use crate::kmip::{tags, ObjectType, Operation, QueryFunction, ResultReason};
use crate::server::support::OBJECT_TYPES;
use crate::ttlv::{Item, Value};

/// The text this server identifies itself with.
pub const VENDOR_IDENTIFICATION: &str = "kmip-conform reference server";

/// The implemented operations in code order, so answers are stable.
fn sorted_operations() -> Vec<Operation> {
    let mut operations = IMPLEMENTED.to_vec();
    operations.sort_by_key(|o| o.0);
    operations
}

pub fn query(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let mut fields = Vec::new();
    let functions: Vec<u32> = payload
        .children_with(tags::QUERY_FUNCTION)
        .map(|f| match f.value {
            Value::Enumeration(v) => Ok(v),
            _ => Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "Query Function must be an Enumeration",
            )),
        })
        .collect::<Result<_, _>>()?;
    if functions.is_empty() {
        return Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            "Query needs at least one Query Function (REQUIRED, KMIP 1.2 §4.25)",
        ));
    }
    let operation_def = Operation::def();
    let object_def = ObjectType::def();
    for function in functions {
        match QueryFunction(function) {
            QueryFunction::QUERY_OPERATIONS => fields.extend(
                sorted_operations()
                    .into_iter()
                    .filter(|op| operation_def.defined_in(op.0, ctx.version))
                    .map(|op| Item::new(tags::OPERATION, Value::Enumeration(op.0))),
            ),
            QueryFunction::QUERY_OBJECTS => fields.extend(
                OBJECT_TYPES
                    .iter()
                    .filter(|t| object_def.defined_in(t.0, ctx.version))
                    .map(|t| Item::new(tags::OBJECT_TYPE, Value::Enumeration(t.0))),
            ),
            QueryFunction::QUERY_SERVER_INFORMATION => {
                fields.push(Item::new(
                    tags::VENDOR_IDENTIFICATION,
                    Value::TextString(VENDOR_IDENTIFICATION.into()),
                ));
                fields.push(Item::structure(tags::SERVER_INFORMATION, Vec::new()));
            }
            // Every other function asks for something this server has none of
            // (extensions, RNGs, profiles, …): the answer is an empty list.
            _ => {}
        }
    }
    Ok(response_payload(fields))
}
