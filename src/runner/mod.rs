//! The runner: executes suite cases against a [`Target`](target::Target) and
//! emits report events. `connection` is the wire, `target` what is talked to,
//! `exec` one case, `check` the expectations (pure), `expectations` the
//! known-verdicts file, and [`run`] the whole run (capability pre-scan,
//! filters, parallel cases).

pub mod check;
pub mod connection;
pub mod exec;
pub mod expectations;
pub mod netfuzz;
pub mod target;

use std::sync::Arc;
use std::time::Instant;

use crate::golden::store::{compare, Mode, Outcome};
use crate::golden::{snapshot, Redactions, SnapshotExchange};
use crate::kmip::message::ProtocolVersion;
use crate::kmip::{tags, Operation, QueryFunction, ResultStatus, Version};
use crate::report::{CaseResult, Consumer, Event, Verdict};
use crate::suite::model::Case;
use crate::ttlv::{decode, encode, Item, Value};
use exec::{run_case, RunOptions};
use expectations::Expectations;
use target::Target;

/// How a run treats golden snapshots.
#[derive(Clone, Debug)]
pub struct GoldenSettings {
    pub dir: std::path::PathBuf,
    pub redactions: Redactions,
    pub mode: Mode,
    pub color: bool,
}

/// Compares a passed case's exchanges with its golden snapshot, per the mode.
fn apply_golden(result: &mut CaseResult, golden: &GoldenSettings) {
    if golden.mode == Mode::Off
        || !matches!(result.verdict, Verdict::Pass | Verdict::NonStrict)
        || result.exchanges.is_empty()
    {
        return;
    }
    // Polling is mechanics: only the last poll of a run of polls goes in.
    let exchanges: Vec<SnapshotExchange<'_>> = result
        .exchanges
        .iter()
        .enumerate()
        .filter(|(i, x)| {
            !(x.step.ends_with("(poll)")
                && result
                    .exchanges
                    .get(i + 1)
                    .is_some_and(|n| n.step == x.step))
        })
        .map(|(_, x)| SnapshotExchange {
            step: &x.step,
            request: &x.request,
            response: x.response.as_deref(),
        })
        .collect();
    let text = snapshot(&result.id, &result.spec, &exchanges, &golden.redactions);
    match compare(&golden.dir, &result.id, &text, golden.mode, golden.color) {
        Ok(Outcome::Match) => {}
        Ok(Outcome::Pending(path)) => note(
            result,
            &format!("golden snapshot pending review: {}", path.display()),
        ),
        Ok(Outcome::Mismatch(difference)) if golden.mode == Mode::Check => {
            result.verdict = Verdict::Fail;
            result.message = difference;
        }
        Ok(Outcome::Mismatch(difference)) => note(result, &format!("(report only) {difference}")),
        Err(e) => {
            result.verdict = Verdict::HarnessError;
            result.message = format!("golden snapshot: {e}");
        }
    }
}

fn note(result: &mut CaseResult, text: &str) {
    if !result.message.is_empty() {
        result.message.push('\n');
    }
    result.message.push_str(text);
}

/// What the target claims (Discover Versions, Query).
#[derive(Clone, Debug, Default)]
pub struct Capabilities {
    /// `None` when the target could not say (e.g. a 1.0 server).
    pub versions: Option<Vec<Version>>,
    pub operations: Option<Vec<u32>>,
}

fn request(version: Version, operation: Operation, payload: Vec<Item>) -> Vec<u8> {
    let header = crate::suite::build::Builder { version }
        .header(&serde_norway::Value::Null, 1)
        .unwrap_or_else(|_| Item::structure(tags::REQUEST_HEADER, vec![]));
    let message = Item::structure(
        tags::REQUEST_MESSAGE,
        vec![
            header,
            Item::structure(
                tags::BATCH_ITEM,
                vec![
                    Item::new(tags::OPERATION, Value::Enumeration(operation.0)),
                    Item::structure(tags::REQUEST_PAYLOAD, payload),
                ],
            ),
        ],
    );
    encode(&message).unwrap_or_default()
}

fn successful_payload(bytes: &[u8]) -> Option<Item> {
    let response = decode(bytes).ok()?.item;
    let item = response.child(tags::BATCH_ITEM)?;
    (item.child(tags::RESULT_STATUS)?.value == Value::Enumeration(ResultStatus::SUCCESS.0))
        .then(|| item.child(tags::RESPONSE_PAYLOAD).cloned())?
}

/// Asks the target what it supports: Discover Versions (sent as 1.1), then
/// Query Operations in its newest version.
pub async fn prescan<T: Target>(target: &T) -> Result<Capabilities, String> {
    let mut connection = target.connect(false).await.map_err(|e| e.to_string())?;
    let mut capabilities = Capabilities::default();
    if let Ok(bytes) = connection
        .exchange(&request(
            Version::V1_1,
            Operation::DISCOVER_VERSIONS,
            vec![],
        ))
        .await
    {
        if let Some(payload) = successful_payload(&bytes) {
            let versions: Vec<Version> = payload
                .children_with(tags::PROTOCOL_VERSION)
                .filter_map(|v| {
                    let part = |t| match v.child(t)?.value {
                        Value::Integer(i) => Some(i),
                        _ => None,
                    };
                    ProtocolVersion {
                        major: part(tags::PROTOCOL_VERSION_MAJOR)?,
                        minor: part(tags::PROTOCOL_VERSION_MINOR)?,
                    }
                    .known()
                })
                .collect();
            if !versions.is_empty() {
                capabilities.versions = Some(versions);
            }
        }
    }
    let newest = capabilities
        .versions
        .as_ref()
        .and_then(|v| v.iter().max().copied())
        .unwrap_or(Version::V1_0);
    let query = request(
        newest,
        Operation::QUERY,
        vec![Item::new(
            tags::QUERY_FUNCTION,
            Value::Enumeration(QueryFunction::QUERY_OPERATIONS.0),
        )],
    );
    if let Ok(bytes) = connection.exchange(&query).await {
        if let Some(payload) = successful_payload(&bytes) {
            capabilities.operations = Some(
                payload
                    .children_with(tags::OPERATION)
                    .filter_map(|o| match o.value {
                        Value::Enumeration(v) => Some(v),
                        _ => None,
                    })
                    .collect(),
            );
        }
    }
    Ok(capabilities)
}

/// Why a case does not apply to the target, if it does not.
pub fn not_applicable(case: &Case, capabilities: &Capabilities) -> Option<String> {
    if let Some(versions) = &capabilities.versions {
        if !versions.contains(&case.version) {
            return Some(format!(
                "the target does not list KMIP {} in Discover Versions",
                case.version
            ));
        }
    }
    if let Some(operations) = &capabilities.operations {
        if let Some(missing) = case.needs.iter().find(|n| !operations.contains(n)) {
            return Some(format!(
                "the target's Query does not list {:?}",
                Operation(*missing)
            ));
        }
    }
    None
}

fn skipped(case: &Case, verdict: Verdict, message: String) -> CaseResult {
    exec::result_for(
        case,
        verdict,
        message,
        std::time::Duration::ZERO,
        Vec::new(),
    )
}

/// Everything a run needs besides the target and the cases.
#[derive(Clone, Debug)]
pub struct RunPlan {
    pub capabilities: Capabilities,
    pub expectations: Expectations,
    pub options: RunOptions,
    /// Cases run in parallel, each on its own connection.
    pub jobs: usize,
    pub golden: GoldenSettings,
}

/// Runs `cases` against `target` with up to `plan.jobs` in parallel, feeding
/// every consumer; returns the results in case order.
pub async fn run<T: Target + 'static>(
    target: Arc<T>,
    cases: Vec<Case>,
    plan: &RunPlan,
    consumers: &mut [&mut dyn Consumer],
) -> Vec<CaseResult> {
    let RunPlan {
        capabilities,
        expectations,
        options,
        jobs,
        golden,
    } = plan;
    let jobs = *jobs;
    let started = Instant::now();
    let emit = |consumers: &mut [&mut dyn Consumer], event: Event| {
        for consumer in consumers.iter_mut() {
            consumer.event(&event);
        }
    };
    emit(
        consumers,
        Event::RunStarted {
            target: target.describe(),
            cases: cases.len(),
        },
    );
    let semaphore = Arc::new(tokio::sync::Semaphore::new(jobs.max(1)));
    let mut running = tokio::task::JoinSet::new();
    let mut results = Vec::new();
    for (index, case) in cases.into_iter().enumerate() {
        let expected = expectations.for_case(&case.id).cloned();
        if expected
            .as_ref()
            .is_some_and(|e| e.verdict == Verdict::Skipped)
        {
            let mut result = skipped(&case, Verdict::Skipped, String::new());
            result.expected = expected;
            emit(consumers, Event::CaseFinished(Box::new(result.clone())));
            results.push((index, result));
            continue;
        }
        if let Some(why) = not_applicable(&case, capabilities) {
            let mut result = skipped(&case, Verdict::NotApplicable, why);
            result.expected = expected.filter(|e| e.verdict == Verdict::NotApplicable);
            emit(consumers, Event::CaseFinished(Box::new(result.clone())));
            results.push((index, result));
            continue;
        }
        let permit = semaphore
            .clone()
            .acquire_owned()
            .await
            .expect("semaphore never closes");
        let target = target.clone();
        let options = options.clone();
        let golden = golden.clone();
        running.spawn(async move {
            let mut result = run_case(target.as_ref(), &case, &options).await;
            apply_golden(&mut result, &golden);
            result.expected = expected;
            drop(permit);
            (index, result)
        });
        // Report whatever has finished meanwhile, so reports stay current.
        while let Some(done) = running.try_join_next() {
            if let Ok((index, result)) = done {
                emit(consumers, Event::CaseFinished(Box::new(result.clone())));
                results.push((index, result));
            }
        }
    }
    while let Some(done) = running.join_next().await {
        if let Ok((index, result)) = done {
            emit(consumers, Event::CaseFinished(Box::new(result.clone())));
            results.push((index, result));
        }
    }
    emit(
        consumers,
        Event::RunFinished {
            duration: started.elapsed(),
        },
    );
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
