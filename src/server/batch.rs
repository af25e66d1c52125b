//! Executing a request's batch items (KMIP 1.2 §6.12–6.15, §3.1 ID Placeholder):
//! order, error continuation (Stop, Continue, Undo), Poll/Cancel and
//! asynchronous answers, all within one store session.

use std::time::Instant;

use super::identity::Identity;
use super::ops::{self, OpContext, OpError, OpResult};
use super::pending::PendingOp;
use super::store::Txn;
use super::{ClientAuth, Shared};
use crate::kmip::message::{AsyncIndicator, RequestBatchItem, RequestHeader, ResponseBatchItem};
use crate::kmip::{
    tags, AsynchronousIndicator, BatchErrorContinuationOption, CancellationResult, Operation,
    ResultReason, ResultStatus, Version,
};
use crate::ttlv::{Item, Value};

/// Everything one request's batch needs to know.
pub struct BatchRequest<'a> {
    pub shared: &'a Shared,
    pub identity: &'a Identity,
    pub version: Version,
    pub header: &'a RequestHeader,
    pub now: i64,
}

fn success(operation: Operation, id: &Option<Vec<u8>>, payload: Option<Item>) -> ResponseBatchItem {
    ResponseBatchItem {
        operation: Some(operation.0),
        unique_batch_item_id: id.clone(),
        result_status: ResultStatus::SUCCESS.0,
        payload,
        ..ResponseBatchItem::default()
    }
}

/// A failed batch item.
pub fn failure(operation: Option<u32>, id: &Option<Vec<u8>>, error: OpError) -> ResponseBatchItem {
    ResponseBatchItem {
        operation,
        unique_batch_item_id: id.clone(),
        result_status: ResultStatus::OPERATION_FAILED.0,
        result_reason: Some(error.reason.0),
        result_message: Some(error.message),
        ..ResponseBatchItem::default()
    }
}

fn async_allowed(header: &RequestHeader) -> bool {
    match header.asynchronous_indicator {
        Some(AsyncIndicator::Boolean(b)) => b,
        Some(AsyncIndicator::Enumeration(e)) => {
            e == AsynchronousIndicator::MANDATORY.0 || e == AsynchronousIndicator::OPTIONAL.0
        }
        None => false,
    }
}

fn correlation_value(payload: Option<&Item>) -> Result<Vec<u8>, OpError> {
    match payload
        .and_then(|p| p.child(tags::ASYNCHRONOUS_CORRELATION_VALUE))
        .map(|c| &c.value)
    {
        Some(Value::ByteString(v)) => Ok(v.clone()),
        _ => Err(OpError::new(
            ResultReason::INVALID_MESSAGE,
            "missing Asynchronous Correlation Value",
        )),
    }
}

impl BatchRequest<'_> {
    /// The reason for an unknown correlation value: Item Not Found in 1.x,
    /// Invalid Asynchronous Correlation Value in 2.x.
    fn unknown_correlation(&self) -> OpError {
        let reason = if self.version.is_2x() {
            ResultReason::INVALID_ASYNCHRONOUS_CORRELATION_VALUE
        } else {
            ResultReason::ITEM_NOT_FOUND
        };
        OpError::new(
            reason,
            "no outstanding operation with this Asynchronous Correlation Value",
        )
    }

    fn context<'c, 'd>(
        &'c self,
        txn: &'c mut Txn<'d>,
        placeholder: &'c mut Option<String>,
        version: Version,
    ) -> OpContext<'c, 'd> {
        OpContext {
            txn,
            identity: self.identity,
            version,
            now: self.now,
            id_placeholder: placeholder,
            config: &self.shared.config,
        }
    }

    /// Runs a pending operation now, as it would have run synchronously.
    fn complete(&self, txn: &mut Txn<'_>, op: &PendingOp) -> ResponseBatchItem {
        let mut placeholder = None;
        // It runs in the version it was requested in.
        let mut ctx = self.context(txn, &mut placeholder, op.version);
        match ops::execute(op.operation, &mut ctx, op.payload.as_ref()) {
            Ok(payload) => success(op.operation, &None, payload),
            Err(error) => failure(Some(op.operation.0), &None, error),
        }
    }

    fn poll(
        &self,
        txn: &mut Txn<'_>,
        payload: Option<&Item>,
        id: &Option<Vec<u8>>,
    ) -> ResponseBatchItem {
        let value = match correlation_value(payload) {
            Ok(v) => v,
            Err(e) => return failure(Some(Operation::POLL.0), id, e),
        };
        let mut pending = self
            .shared
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let Some(op) = pending.get_mut(&value, self.identity) else {
            return failure(Some(Operation::POLL.0), id, self.unknown_correlation());
        };
        if op.outcome.is_none() && Instant::now() < op.ready_at {
            return ResponseBatchItem {
                operation: Some(Operation::POLL.0),
                unique_batch_item_id: id.clone(),
                result_status: ResultStatus::OPERATION_PENDING.0,
                asynchronous_correlation_value: Some(value),
                ..ResponseBatchItem::default()
            };
        }
        let op = pending.remove(&value).expect("just found");
        let mut outcome = op
            .outcome
            .clone()
            .unwrap_or_else(|| self.complete(txn, &op));
        outcome.unique_batch_item_id = id.clone();
        outcome
    }

    fn cancel(
        &self,
        txn: &mut Txn<'_>,
        payload: Option<&Item>,
        id: &Option<Vec<u8>>,
    ) -> ResponseBatchItem {
        let value = match correlation_value(payload) {
            Ok(v) => v,
            Err(e) => return failure(Some(Operation::CANCEL.0), id, e),
        };
        let mut pending = self
            .shared
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        let Some(op) = pending.get_mut(&value, self.identity) else {
            return failure(Some(Operation::CANCEL.0), id, self.unknown_correlation());
        };
        let result = if op.outcome.is_none() && Instant::now() < op.ready_at {
            pending.remove(&value);
            CancellationResult::CANCELED
        } else {
            // Too late: it has run (or runs now), and a later Poll collects its result.
            let snapshot = op.clone();
            let outcome = snapshot
                .outcome
                .clone()
                .unwrap_or_else(|| self.complete(txn, &snapshot));
            let failed = outcome.result_status == ResultStatus::OPERATION_FAILED.0;
            if let Some(op) = pending.get_mut(&value, self.identity) {
                op.outcome = Some(outcome);
            }
            if failed {
                CancellationResult::FAILED
            } else {
                CancellationResult::COMPLETED
            }
        };
        success(
            Operation::CANCEL,
            id,
            ops::response_payload(vec![
                Item::new(
                    tags::ASYNCHRONOUS_CORRELATION_VALUE,
                    Value::ByteString(value),
                ),
                Item::new(tags::CANCELLATION_RESULT, Value::Enumeration(result.0)),
            ]),
        )
    }

    /// One batch item, to a response item.
    fn item(
        &self,
        txn: &mut Txn<'_>,
        placeholder: &mut Option<String>,
        item: &RequestBatchItem,
    ) -> ResponseBatchItem {
        let operation = Operation(item.operation);
        let id = &item.unique_batch_item_id;
        if *self.identity == Identity::Anonymous
            && self.shared.config.client_auth == ClientAuth::QueryOnlyWithout
            && operation != Operation::QUERY
        {
            return failure(
                Some(operation.0),
                id,
                OpError::new(
                    ResultReason::PERMISSION_DENIED,
                    "without a client certificate only Query is allowed",
                ),
            );
        }
        if !Operation::def().defined_in(operation.0, self.version) {
            // The response may not echo a value its version does not define,
            // so this batch item answers without Operation.
            return failure(
                None,
                id,
                OpError::new(
                    ResultReason::OPERATION_NOT_SUPPORTED,
                    format!("{operation:?} is not an operation of KMIP {}", self.version),
                ),
            );
        }
        match operation {
            Operation::POLL => return self.poll(txn, item.payload.as_ref(), id),
            Operation::CANCEL => return self.cancel(txn, item.payload.as_ref(), id),
            _ => {}
        }
        let implemented = ops::IMPLEMENTED.contains(&operation);
        if implemented
            && async_allowed(self.header)
            && self.shared.config.async_ops.contains(&operation)
        {
            let mut pending = self
                .shared
                .pending
                .lock()
                .unwrap_or_else(|p| p.into_inner());
            let value = pending.add(PendingOp {
                owner: self.identity.clone(),
                version: self.version,
                operation,
                payload: item.payload.clone(),
                ready_at: Instant::now() + self.shared.config.async_delay,
                outcome: None,
            });
            return ResponseBatchItem {
                operation: Some(operation.0),
                unique_batch_item_id: id.clone(),
                result_status: ResultStatus::OPERATION_PENDING.0,
                asynchronous_correlation_value: Some(value),
                ..ResponseBatchItem::default()
            };
        }
        let mut ctx = self.context(txn, placeholder, self.version);
        let result: OpResult = ops::execute(operation, &mut ctx, item.payload.as_ref());
        match result {
            Ok(payload) => success(operation, id, payload),
            Err(error) => failure(Some(operation.0), id, error),
        }
    }

    /// Runs every batch item under the request's error continuation option.
    pub fn run(&self, items: &[RequestBatchItem]) -> Vec<ResponseBatchItem> {
        let option = self.header.batch_error_continuation_option.map_or(
            BatchErrorContinuationOption::STOP,
            BatchErrorContinuationOption,
        );
        let mut store = self.shared.store.lock().unwrap_or_else(|p| p.into_inner());
        let mut txn = store.txn();
        // The ID Placeholder lives for this batch only (KMIP 1.2 §4).
        let mut placeholder = None;
        let mut responses = Vec::with_capacity(items.len());
        for item in items {
            let response = self.item(&mut txn, &mut placeholder, item);
            let failed = response.result_status == ResultStatus::OPERATION_FAILED.0;
            responses.push(response);
            if !failed || option == BatchErrorContinuationOption::CONTINUE {
                continue;
            }
            if option == BatchErrorContinuationOption::UNDO {
                txn.undo();
                let last = responses.len() - 1;
                for done in &mut responses[..last] {
                    if done.result_status == ResultStatus::SUCCESS.0 {
                        done.result_status = ResultStatus::OPERATION_UNDONE.0;
                        done.payload = None;
                    }
                }
                return responses;
            }
            break;
        }
        txn.commit();
        responses
    }
}
