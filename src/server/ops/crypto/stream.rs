//! Multi-part (streaming) Encrypt and Decrypt (KMIP 1.3+, 2.1 §6.1.11 and
//! §6.1.17): the first part carries Init Indicator and gets a Correlation
//! Value back; later parts name it, the last one with Final Indicator.
//!
//! The server keeps each stream's settled inputs (key, mode, IV, additional
//! data) and all of its input so far, and answers every part with the output
//! that later parts can no longer change ([`Setup::partial`]); the final part
//! runs the whole operation and releases the rest (and the GCM tag, or the
//! GCM verdict). Streams live in process memory, bound to the client
//! identity, the key and the operation; at most [`MAX_STREAMS`] are open and
//! each holds at most [`MAX_STREAM_BYTES`] (the oldest stream is dropped
//! first). Hash and MAC streaming are not supported.

use std::collections::HashMap;
use std::sync::{LazyLock, Mutex};
use std::time::Instant;

use super::symmetric::Setup;
use super::{optional_bytes, reason_or};
use crate::kmip::{tags, Operation, ResultReason};
use crate::server::identity::Identity;
use crate::server::ops::{response_payload, uid_item, OpContext, OpError, OpResult};
use crate::server::store::random_bytes;
use crate::ttlv::{Item, Value};

/// The most streams open at once (across the process).
pub const MAX_STREAMS: usize = 64;
/// The most input one stream may accumulate. With [`MAX_STREAMS`] this bounds
/// what hostile clients can make the server hold to 256 MiB.
pub const MAX_STREAM_BYTES: usize = 4 * 1024 * 1024;

/// Where a request stands in a multi-part operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// A complete operation in one request.
    OneShot,
    /// The first part (Init Indicator true, no Final Indicator).
    Init,
    /// A later part naming its stream; `last` with Final Indicator true.
    Continue { correlation: Vec<u8>, last: bool },
}

fn flag(payload: &Item, tag: crate::ttlv::Tag, name: &str) -> Result<Option<bool>, OpError> {
    match payload.child(tag).map(|f| &f.value) {
        None => Ok(None),
        Some(Value::Boolean(b)) => Ok(Some(*b)),
        Some(other) => Err(OpError::new(
            ResultReason::INVALID_FIELD,
            format!("{name} must be a Boolean, not {}", other.item_type()),
        )),
    }
}

impl Phase {
    pub fn of(payload: &Item) -> Result<Phase, OpError> {
        let init = flag(payload, tags::INIT_INDICATOR, "Init Indicator")?;
        let last = flag(payload, tags::FINAL_INDICATOR, "Final Indicator")?;
        let correlation = optional_bytes(payload, tags::CORRELATION_VALUE, "Correlation Value")?;
        match (correlation, init, last) {
            (None, None, None) | (None, Some(true), Some(true)) => Ok(Phase::OneShot),
            (None, Some(true), None | Some(false)) => Ok(Phase::Init),
            (Some(correlation), None | Some(false), last) => Ok(Phase::Continue {
                correlation,
                last: last == Some(true),
            }),
            (Some(_), Some(true), _) => Err(OpError::new(
                ResultReason::INVALID_FIELD,
                "a request cannot both start a stream (Init Indicator) and continue one (Correlation Value)",
            )),
            (None, _, _) => Err(OpError::new(
                ResultReason::INVALID_MESSAGE,
                "a continuing part (no Init Indicator) needs the Correlation Value of its stream",
            )),
        }
    }
}

/// The answer for streaming where it is not supported.
pub fn not_for(what: &str) -> OpError {
    OpError::new(
        ResultReason::FEATURE_NOT_SUPPORTED,
        format!("multi-part (streaming) {what} is not supported"),
    )
}

struct Stream {
    owner: Identity,
    uid: String,
    operation: Operation,
    setup: Setup,
    input: Vec<u8>,
    released: usize,
    opened: Instant,
}

static STREAMS: LazyLock<Mutex<HashMap<Vec<u8>, Stream>>> =
    LazyLock::new(|| Mutex::new(HashMap::new()));

fn streams() -> std::sync::MutexGuard<'static, HashMap<Vec<u8>, Stream>> {
    STREAMS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn too_long() -> OpError {
    OpError::new(
        ResultReason::INVALID_FIELD,
        format!("a multi-part operation may process at most {MAX_STREAM_BYTES} bytes"),
    )
}

/// Opens a stream with its first part and answers that part.
pub fn start(
    ctx: &OpContext<'_, '_>,
    uid: &str,
    operation: Operation,
    setup: Setup,
    data: Vec<u8>,
) -> OpResult {
    if data.len() > MAX_STREAM_BYTES {
        return Err(too_long());
    }
    let encrypting = operation == Operation::ENCRYPT;
    let output = setup.partial(ctx, &data, encrypting)?;
    let correlation = random_bytes(16).ok_or_else(|| {
        OpError::new(
            ResultReason::CRYPTOGRAPHIC_FAILURE,
            "the system random number generator failed",
        )
    })?;
    let mut fields = vec![
        uid_item(uid),
        Item::new(tags::DATA, Value::ByteString(output.clone())),
    ];
    if let Some(iv) = setup.generated_iv() {
        fields.push(Item::new(
            tags::IV_COUNTER_NONCE,
            Value::ByteString(iv.to_vec()),
        ));
    }
    fields.push(Item::new(
        tags::CORRELATION_VALUE,
        Value::ByteString(correlation.clone()),
    ));
    let mut open = streams();
    if open.len() >= MAX_STREAMS {
        if let Some(oldest) = open
            .iter()
            .min_by_key(|(_, s)| s.opened)
            .map(|(k, _)| k.clone())
        {
            open.remove(&oldest);
        }
    }
    open.insert(
        correlation,
        Stream {
            owner: ctx.identity.clone(),
            uid: uid.to_owned(),
            operation,
            setup,
            input: data,
            released: output.len(),
            opened: Instant::now(),
        },
    );
    Ok(response_payload(fields))
}

fn invalid_correlation(ctx: &OpContext<'_, '_>, why: &str) -> OpError {
    OpError::new(
        reason_or(
            ctx,
            ResultReason::INVALID_CORRELATION_VALUE,
            ResultReason::INVALID_FIELD,
        ),
        format!("Correlation Value {why}"),
    )
}

/// Refuses a Correlation Value that names no open stream of this client,
/// key and operation.
pub fn verify(
    ctx: &OpContext<'_, '_>,
    uid: &str,
    operation: Operation,
    correlation: &[u8],
) -> Result<(), OpError> {
    let open = streams();
    let stream = open
        .get(correlation)
        .ok_or_else(|| invalid_correlation(ctx, "names no open multi-part operation"))?;
    if stream.owner != *ctx.identity || stream.uid != uid || stream.operation != operation {
        return Err(invalid_correlation(
            ctx,
            "belongs to another client, key or operation",
        ));
    }
    Ok(())
}

/// Answers a later part of a stream (the final one closes it).
pub fn continue_part(
    ctx: &OpContext<'_, '_>,
    uid: &str,
    operation: Operation,
    correlation: &[u8],
    last: bool,
    data: &[u8],
    tag: Option<&[u8]>,
) -> OpResult {
    verify(ctx, uid, operation, correlation)?;
    let invalid = |why: &str| invalid_correlation(ctx, why);
    let mut open = streams();
    let stream = open
        .get_mut(correlation)
        .ok_or_else(|| invalid("names no open multi-part operation"))?;
    if stream.input.len() + data.len() > MAX_STREAM_BYTES {
        open.remove(correlation);
        return Err(too_long());
    }
    stream.input.extend_from_slice(data);
    let encrypting = operation == Operation::ENCRYPT;
    let mut fields = vec![uid_item(uid)];
    if !last {
        let output = stream.setup.partial(ctx, &stream.input, encrypting)?;
        let fresh = output.get(stream.released..).unwrap_or_default().to_vec();
        stream.released = output.len().max(stream.released);
        fields.push(Item::new(tags::DATA, Value::ByteString(fresh)));
        fields.push(Item::new(
            tags::CORRELATION_VALUE,
            Value::ByteString(correlation.to_vec()),
        ));
        return Ok(response_payload(fields));
    }
    let Some(stream) = open.remove(correlation) else {
        return Err(invalid("names no open multi-part operation"));
    };
    drop(open);
    let (output, tag_out) = if encrypting {
        stream.setup.encrypt_all(ctx, &stream.input)?
    } else {
        (stream.setup.decrypt_all(ctx, &stream.input, tag)?, None)
    };
    let rest = output.get(stream.released..).unwrap_or_default().to_vec();
    fields.push(Item::new(tags::DATA, Value::ByteString(rest)));
    if let (Some(tag), true) = (tag_out, stream.setup.is_aead()) {
        fields.push(Item::new(
            tags::AUTHENTICATED_ENCRYPTION_TAG,
            Value::ByteString(tag),
        ));
    }
    Ok(response_payload(fields))
}
