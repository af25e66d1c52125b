//! Executing one case against a target: send each step, bind captures, poll
//! asynchronous answers, check responses, and decide the verdict.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::check::{bind, check_item, Captures, Mismatch};
use super::connection::{Connection, ConnectionError};
use super::target::Target;
use crate::kmip::gating::undefined_in;
use crate::kmip::{tags, KmipNames, Operation, ResultReason, ResultStatus, Version};
use crate::report::{CaseResult, Exchange, Verdict};
use crate::suite::model::{Action, Case, Outcome, Step};
use crate::ttlv::{decode, encode, Item, Value};

/// Time limits for a run.
#[derive(Clone, Debug)]
pub struct RunOptions {
    pub step_timeout: Duration,
    pub case_timeout: Duration,
    /// How long an asynchronous operation may stay pending while polled.
    pub async_timeout: Duration,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            step_timeout: Duration::from_secs(10),
            case_timeout: Duration::from_secs(60),
            async_timeout: Duration::from_secs(10),
        }
    }
}

/// How a case ended early.
enum Stop {
    Verdict(Verdict, String),
}

struct CaseRun<'a, T: Target> {
    target: &'a T,
    case: &'a Case,
    options: &'a RunOptions,
    connection: Option<Connection>,
    captures: Captures,
    exchanges: Vec<Exchange>,
    lenient: Vec<String>,
}

fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// The target ended the connection (an orderly close or a reset): its doing,
/// not the harness's.
fn closed_by_peer(error: &ConnectionError) -> bool {
    use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
    match error {
        ConnectionError::Closed => true,
        ConnectionError::Io(e) => matches!(
            e.kind(),
            ConnectionReset | BrokenPipe | ConnectionAborted | UnexpectedEof
        ),
        _ => false,
    }
}

fn harness(message: impl Into<String>) -> Stop {
    Stop::Verdict(Verdict::HarnessError, message.into())
}

fn fail(message: impl Into<String>) -> Stop {
    Stop::Verdict(Verdict::Fail, message.into())
}

fn response_version(response: &Item) -> Option<Version> {
    let pv = response
        .child(tags::RESPONSE_HEADER)?
        .child(tags::PROTOCOL_VERSION)?;
    let part = |t| match pv.child(t)?.value {
        Value::Integer(v) => u8::try_from(v).ok(),
        _ => None,
    };
    Some(Version::new(
        part(tags::PROTOCOL_VERSION_MAJOR)?,
        part(tags::PROTOCOL_VERSION_MINOR)?,
    ))
}

fn status_of(item: &Item) -> Option<u32> {
    match item.child(tags::RESULT_STATUS)?.value {
        Value::Enumeration(v) => Some(v),
        _ => None,
    }
}

fn reason_of(item: &Item) -> Option<u32> {
    match item.child(tags::RESULT_REASON)?.value {
        Value::Enumeration(v) => Some(v),
        _ => None,
    }
}

impl<T: Target> CaseRun<'_, T> {
    async fn connection(&mut self) -> Result<&mut Connection, Stop> {
        if self.connection.is_none() {
            let mut connection = self
                .target
                .connect(false)
                .await
                .map_err(|e| harness(e.to_string()))?;
            connection.response_timeout = self.options.step_timeout;
            self.connection = Some(connection);
        }
        Ok(self.connection.as_mut().expect("just connected"))
    }

    /// Sends bytes on the main connection, recording the exchange.
    async fn exchange(
        &mut self,
        step: &str,
        request: Vec<u8>,
    ) -> Result<Result<Vec<u8>, ConnectionError>, Stop> {
        let result = self.connection().await?.exchange(&request).await;
        if result.is_err() {
            self.connection = None;
        }
        self.exchanges.push(Exchange {
            step: step.to_owned(),
            request,
            response: result.as_ref().ok().cloned(),
        });
        Ok(result)
    }

    /// Decodes a response strictly enough to judge it: errors fail the case,
    /// findings make it NON-STRICT, undefined tags for the version fail it.
    fn judge(&mut self, bytes: &[u8]) -> Result<Item, Stop> {
        let decoded = decode(bytes).map_err(|e| {
            fail(format!(
                "the response does not decode: {}",
                e.describe(&KmipNames)
            ))
        })?;
        if let Some(finding) = decoded.findings.first() {
            self.lenient.push(format!(
                "lenient encoding: {}",
                finding.describe(&KmipNames)
            ));
        }
        let response = decoded.item;
        if response.tag != tags::RESPONSE_MESSAGE {
            return Err(fail("the answer is not a Response Message"));
        }
        let version = response_version(&response)
            .ok_or_else(|| fail("the response header has no valid Protocol Version"))?;
        if let Some(undefined) = undefined_in(&response, version).first() {
            return Err(fail(format!(
                "{} at {} (KMIP {version} response)",
                undefined.what,
                undefined.path.display(&KmipNames)
            )));
        }
        Ok(response)
    }

    async fn request(&mut self, step: &Step, mut message: Item) -> Result<(), Stop> {
        bind(&mut message, &self.captures).map_err(harness)?;
        let bytes = encode(&message).map_err(|e| harness(e.to_string()))?;
        let response = match self.exchange(&step.name, bytes).await? {
            Ok(r) => r,
            Err(e) if closed_by_peer(&e) => {
                return Err(fail(format!(
                    "{}: the target closed the connection instead of answering ({e})",
                    step.name
                )))
            }
            Err(ConnectionError::TooLarge { declared, limit }) => {
                return Err(fail(format!(
                    "{}: response declares {declared} bytes (limit {limit})",
                    step.name
                )))
            }
            Err(e) => return Err(harness(format!("{}: {e}", step.name))),
        };
        let response = self.judge(&response)?;
        if response_version(&response) != Some(self.case.version) {
            return Err(fail(format!(
                "{}: answered in KMIP {}, requested {}",
                step.name,
                response_version(&response).map_or_else(|| "?".to_owned(), |v| v.to_string()),
                self.case.version
            )));
        }
        let mut items: Vec<Item> = response.children_with(tags::BATCH_ITEM).cloned().collect();
        if step.expect.allow_async {
            for item in &mut items {
                if status_of(item) == Some(ResultStatus::OPERATION_PENDING.0) {
                    *item = self.poll(step, item).await?;
                }
            }
        }
        let expected_count = step.expect.item_count.unwrap_or(step.expect.items.len());
        if items.len() != expected_count {
            return Err(fail(format!(
                "{}: {} batch item(s) in the response, expected {expected_count}",
                step.name,
                items.len()
            )));
        }
        if step.expect.na_if_synchronous
            && items
                .iter()
                .any(|i| status_of(i) == Some(ResultStatus::SUCCESS.0))
        {
            return Err(Stop::Verdict(
                Verdict::NotApplicable,
                format!("{}: the target answered synchronously, so the pending path cannot be exercised (the server decides, KMIP 1.2 §6.8)", step.name),
            ));
        }
        let now = now();
        for (i, (expect, item)) in step.expect.items.iter().zip(&items).enumerate() {
            check_item(expect, item, &mut self.captures, now).map_err(|m| {
                let which = if items.len() > 1 {
                    format!("{} item {}", step.name, i + 1)
                } else {
                    step.name.clone()
                };
                match m {
                    Mismatch::Unimplemented(text) => {
                        Stop::Verdict(Verdict::Unimplemented, format!("{which}: {text}"))
                    }
                    Mismatch::Failed(text) => fail(format!("{which}: {text}")),
                }
            })?;
        }
        Ok(())
    }

    /// Polls a pending operation until it completes or the async timeout passes.
    async fn poll(&mut self, step: &Step, pending: &Item) -> Result<Item, Stop> {
        let value = pending
            .child(tags::ASYNCHRONOUS_CORRELATION_VALUE)
            .cloned()
            .ok_or_else(|| {
                fail(format!(
                    "{}: Operation Pending without an Asynchronous Correlation Value",
                    step.name
                ))
            })?;
        let started = Instant::now();
        loop {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let poll = crate::suite::build::Builder {
                version: self.case.version,
            }
            .header(&serde_norway::Value::Null, 1)
            .map_err(harness)?;
            let message = Item::structure(
                tags::REQUEST_MESSAGE,
                vec![
                    poll,
                    Item::structure(
                        tags::BATCH_ITEM,
                        vec![
                            Item::new(tags::OPERATION, Value::Enumeration(Operation::POLL.0)),
                            Item::structure(tags::REQUEST_PAYLOAD, vec![value.clone()]),
                        ],
                    ),
                ],
            );
            let bytes = encode(&message).map_err(|e| harness(e.to_string()))?;
            let response = match self
                .exchange(&format!("{} (poll)", step.name), bytes)
                .await?
            {
                Ok(r) => self.judge(&r)?,
                Err(e) => return Err(fail(format!("{}: polling: {e}", step.name))),
            };
            let item = response
                .child(tags::BATCH_ITEM)
                .cloned()
                .ok_or_else(|| fail("Poll response without a batch item"))?;
            if status_of(&item) != Some(ResultStatus::OPERATION_PENDING.0) {
                return Ok(item);
            }
            if started.elapsed() > self.options.async_timeout {
                return Err(fail(format!(
                    "{}: still pending after {:?}",
                    step.name, self.options.async_timeout
                )));
            }
        }
    }

    /// Raw bytes: an error response or a close is fine; the target must then serve again.
    async fn raw(&mut self, step: &Step, bytes: Vec<u8>) -> Result<(), Stop> {
        if step.expect.outcome == Some(Outcome::Response) {
            // Raw bytes that form a valid request: an ordinary answer is expected.
            let response = match self.exchange(&step.name, bytes).await? {
                Ok(r) => self.judge(&r)?,
                Err(e) => return Err(fail(format!("{}: {e}", step.name))),
            };
            let served = response
                .children_with(tags::BATCH_ITEM)
                .all(|i| status_of(i) == Some(ResultStatus::SUCCESS.0));
            return if served {
                Ok(())
            } else {
                Err(fail(format!("{}: the request was not served", step.name)))
            };
        }
        match self.exchange(&step.name, bytes).await? {
            Ok(response) => {
                let response = self.judge(&response)?;
                let accepted = response
                    .children_with(tags::BATCH_ITEM)
                    .any(|i| status_of(i) == Some(ResultStatus::SUCCESS.0));
                if accepted {
                    return Err(fail(format!(
                        "{}: the malformed message was answered with Success",
                        step.name
                    )));
                }
                let invalid = response
                    .children_with(tags::BATCH_ITEM)
                    .any(|i| reason_of(i) == Some(ResultReason::INVALID_MESSAGE.0));
                if !invalid {
                    self.lenient.push(format!(
                        "{}: rejected, but not with Invalid Message (KMIP 1.2 §11.1)",
                        step.name
                    ));
                }
            }
            Err(ConnectionError::Closed) | Err(ConnectionError::Io(_)) => {}
            Err(ConnectionError::Timeout(wait)) => {
                return Err(fail(format!(
                    "{}: neither an answer nor a close within {wait:?}",
                    step.name
                )))
            }
            Err(e) => return Err(harness(format!("{}: {e}", step.name))),
        }
        // The target must still serve a new connection.
        self.connection = None;
        let follow_up = crate::suite::build::Builder {
            version: self.case.version,
        }
        .header(&serde_norway::Value::Null, 1)
        .map_err(harness)?;
        let query = Item::structure(
            tags::REQUEST_MESSAGE,
            vec![
                follow_up,
                Item::structure(
                    tags::BATCH_ITEM,
                    vec![
                        Item::new(tags::OPERATION, Value::Enumeration(Operation::QUERY.0)),
                        // Query Function is REQUIRED (KMIP 1.2 §4.25).
                        Item::structure(
                            tags::REQUEST_PAYLOAD,
                            vec![Item::new(
                                tags::QUERY_FUNCTION,
                                Value::Enumeration(crate::kmip::QueryFunction::QUERY_OPERATIONS.0),
                            )],
                        ),
                    ],
                ),
            ],
        );
        let bytes = encode(&query).map_err(|e| harness(e.to_string()))?;
        match self
            .exchange(&format!("{} (follow-up Query)", step.name), bytes)
            .await?
        {
            Ok(response) => {
                let response = self.judge(&response)?;
                let served = response
                    .children_with(tags::BATCH_ITEM)
                    .all(|i| status_of(i) == Some(ResultStatus::SUCCESS.0));
                if served {
                    Ok(())
                } else {
                    Err(fail(format!(
                        "{}: after the malformed message, a fresh Query failed",
                        step.name
                    )))
                }
            }
            Err(e) => Err(fail(format!(
                "{}: after the malformed message, the target no longer serves: {e}",
                step.name
            ))),
        }
    }

    /// A request on a connection without a client certificate.
    async fn anonymous(&mut self, step: &Step, mut message: Item) -> Result<(), Stop> {
        bind(&mut message, &self.captures).map_err(harness)?;
        let bytes = encode(&message).map_err(|e| harness(e.to_string()))?;
        let outcome = step.expect.outcome.unwrap_or(Outcome::Response);
        let answer = match self.target.connect(true).await {
            Err(ConnectionError::Handshake { .. }) => None,
            Err(e) => return Err(harness(e.to_string())),
            Ok(mut connection) => {
                connection.response_timeout = self.options.step_timeout;
                let result = connection.exchange(&bytes).await;
                self.exchanges.push(Exchange {
                    step: format!("{} (no client certificate)", step.name),
                    request: bytes.clone(),
                    response: result.as_ref().ok().cloned(),
                });
                match result {
                    Ok(response) => Some(response),
                    Err(ConnectionError::Closed) | Err(ConnectionError::Io(_)) => None,
                    Err(e) => return Err(harness(e.to_string())),
                }
            }
        };
        match (outcome, answer) {
            (Outcome::Refused, None) => Ok(()),
            (Outcome::Refused, Some(response)) => {
                let response = self.judge(&response)?;
                let denied = response.children_with(tags::BATCH_ITEM).all(|i| {
                    status_of(i) == Some(ResultStatus::OPERATION_FAILED.0)
                        && matches!(reason_of(i), Some(r) if r == ResultReason::PERMISSION_DENIED.0 || r == ResultReason::AUTHENTICATION_NOT_SUCCESSFUL.0)
                });
                if denied {
                    Ok(())
                } else {
                    Err(fail(format!(
                        "{}: served without a client certificate",
                        step.name
                    )))
                }
            }
            (_, None) => {
                // KMIP 1.2 §6.6: Query SHOULD NOT require authentication.
                self.lenient.push(format!("{}: refused without a client certificate (Query SHOULD NOT require authentication, KMIP 1.2 §6.6)", step.name));
                Ok(())
            }
            (_, Some(response)) => {
                let response = self.judge(&response)?;
                let items: Vec<&Item> = response.children_with(tags::BATCH_ITEM).collect();
                let now = now();
                for (expect, item) in step.expect.items.iter().zip(items) {
                    check_item(expect, item, &mut self.captures, now).map_err(|m| match m {
                        Mismatch::Unimplemented(t) | Mismatch::Failed(t) => {
                            fail(format!("{}: {t}", step.name))
                        }
                    })?;
                }
                Ok(())
            }
        }
    }

    async fn run(&mut self) -> (Verdict, String) {
        for step in &self.case.steps {
            let result = match &step.action {
                Action::Request(message) => self.request(step, message.clone()).await,
                Action::Raw(bytes) => self.raw(step, bytes.clone()).await,
                Action::Anonymous(message) => self.anonymous(step, message.clone()).await,
            };
            if let Err(Stop::Verdict(verdict, message)) = result {
                return (verdict, message);
            }
        }
        match self.lenient.first() {
            Some(note) => (Verdict::NonStrict, note.clone()),
            None => (Verdict::Pass, String::new()),
        }
    }
}

/// Runs one case; never panics on target behaviour.
pub async fn run_case<T: Target>(target: &T, case: &Case, options: &RunOptions) -> CaseResult {
    let started = Instant::now();
    let mut run = CaseRun {
        target,
        case,
        options,
        connection: None,
        captures: Captures::new(),
        exchanges: Vec::new(),
        lenient: Vec::new(),
    };
    let (verdict, message) = match tokio::time::timeout(options.case_timeout, run.run()).await {
        Ok(outcome) => outcome,
        Err(_) => (
            Verdict::HarnessError,
            format!("the case did not finish within {:?}", options.case_timeout),
        ),
    };
    let exchanges = run.exchanges;
    result_for(case, verdict, message, started.elapsed(), exchanges)
}

/// A case's result record.
pub fn result_for(
    case: &Case,
    verdict: Verdict,
    message: String,
    duration: Duration,
    exchanges: Vec<Exchange>,
) -> CaseResult {
    CaseResult {
        id: case.id.clone(),
        title: case.title.clone(),
        suite: case.suite.clone(),
        spec: case.spec.clone(),
        location: case.location.to_string(),
        version: case.version.to_string(),
        verdict,
        message,
        duration,
        exchanges,
        expected: None,
    }
}
