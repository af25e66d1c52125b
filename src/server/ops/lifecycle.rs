//! Activate, Revoke and Destroy (KMIP 1.2 §4.19–4.21, 2.1 §6.1.1, 6.1.45, 6.1.18):
//! the key lifecycle states of KMIP 1.2 §3.22 and the dates each transition sets.

use super::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::kmip::{tags, ObjectType, ResultReason, RevocationReasonCode, State};
use crate::server::object::ManagedObject;
use crate::ttlv::{Item, Value};

fn target(ctx: &OpContext<'_, '_>, payload: &Item) -> Result<ManagedObject, OpError> {
    let uid = ctx.target_uid(payload)?;
    Ok(ctx.owned(&uid)?.clone())
}

fn finish(ctx: &mut OpContext<'_, '_>, mut object: ManagedObject) -> OpResult {
    object.set(tags::LAST_CHANGE_DATE, Value::DateTime(ctx.now));
    let uid = object.uid.clone();
    ctx.txn.put(object);
    Ok(response_payload(vec![uid_item(&uid)]))
}

fn state_error(ctx: &OpContext<'_, '_>, object: &ManagedObject, action: &str) -> OpError {
    OpError::new(
        ctx.wrong_state(),
        format!(
            "cannot {action} object {} in state {:?}",
            object.uid, object.state
        ),
    )
}

pub fn activate(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let mut object = target(ctx, payload)?;
    if object.object_type == ObjectType::TEMPLATE {
        return Err(OpError::new(
            ctx.by_version(
                ResultReason::ILLEGAL_OPERATION,
                ResultReason::INVALID_OBJECT_TYPE,
            ),
            "a Template cannot be activated",
        ));
    }
    if object.state != State::PRE_ACTIVE {
        return Err(state_error(ctx, &object, "activate"));
    }
    object.state = State::ACTIVE;
    object.set(tags::ACTIVATION_DATE, Value::DateTime(ctx.now));
    finish(ctx, object)
}

pub fn revoke(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let mut object = target(ctx, payload)?;
    if object.object_type == ObjectType::TEMPLATE {
        return Err(OpError::new(
            ctx.by_version(
                ResultReason::ILLEGAL_OPERATION,
                ResultReason::INVALID_OBJECT_TYPE,
            ),
            "a Template cannot be revoked",
        ));
    }
    let reason = payload.child(tags::REVOCATION_REASON).ok_or_else(|| {
        OpError::new(
            ResultReason::INVALID_MESSAGE,
            "Revoke needs a Revocation Reason",
        )
    })?;
    let code = match reason.child(tags::REVOCATION_REASON_CODE).map(|c| &c.value) {
        Some(Value::Enumeration(code)) => RevocationReasonCode(*code),
        _ => {
            return Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "Revocation Reason needs a Revocation Reason Code",
            ))
        }
    };
    if RevocationReasonCode::def().value(code.0).is_none() && code.0 & 0xF000_0000 != 0x8000_0000 {
        return Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!("Revocation Reason Code 0x{:08X} is not recognized", code.0),
        ));
    }
    let compromise =
        code == RevocationReasonCode::KEY_COMPROMISE || code == RevocationReasonCode::CA_COMPROMISE;
    if compromise {
        if ![State::PRE_ACTIVE, State::ACTIVE, State::DEACTIVATED].contains(&object.state) {
            return Err(state_error(ctx, &object, "compromise"));
        }
        let occurred = match payload
            .child(tags::COMPROMISE_OCCURRENCE_DATE)
            .map(|d| &d.value)
        {
            Some(Value::DateTime(t)) => *t,
            _ => ctx.now,
        };
        object.state = State::COMPROMISED;
        object.set(tags::COMPROMISE_DATE, Value::DateTime(ctx.now));
        object.set(tags::COMPROMISE_OCCURRENCE_DATE, Value::DateTime(occurred));
    } else {
        if object.state != State::ACTIVE {
            return Err(state_error(ctx, &object, "deactivate"));
        }
        object.state = State::DEACTIVATED;
        object.set(tags::DEACTIVATION_DATE, Value::DateTime(ctx.now));
    }
    object.set(tags::REVOCATION_REASON, reason.value.clone());
    finish(ctx, object)
}

pub fn destroy(ctx: &mut OpContext<'_, '_>, payload: &Item) -> OpResult {
    let mut object = target(ctx, payload)?;
    object.state = match object.state {
        State::PRE_ACTIVE | State::DEACTIVATED => State::DESTROYED,
        State::COMPROMISED => State::DESTROYED_COMPROMISED,
        State::DESTROYED | State::DESTROYED_COMPROMISED => {
            return Err(OpError::new(
                ctx.by_version(
                    ResultReason::PERMISSION_DENIED,
                    ResultReason::OBJECT_DESTROYED,
                ),
                format!("object {} has already been destroyed", object.uid),
            ))
        }
        _ => return Err(state_error(ctx, &object, "destroy")),
    };
    // The key material goes; the metadata stays (KMIP 1.2 §4.21).
    object.material = None;
    object.set(tags::DESTROY_DATE, Value::DateTime(ctx.now));
    finish(ctx, object)
}
