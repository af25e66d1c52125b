//! Run events and their consumers (console, JUnit, JSON, repro bundles).
//! The runner emits events; nothing here knows how cases are executed.

pub mod console;
pub mod files;

use std::path::PathBuf;
use std::time::Duration;

/// The verdict on one case.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verdict {
    Pass,
    /// A spec violation.
    Fail,
    /// It works, but the encoding is lenient (codec findings) or a SHOULD is not met.
    NonStrict,
    /// The target answered Operation Not Supported.
    Unimplemented,
    /// The target does not claim what the case needs (version or operation).
    NotApplicable,
    /// Skipped by the expectations file.
    Skipped,
    /// Timeouts, connection failures, unbound captures: not the target's conformance.
    HarnessError,
}

impl Verdict {
    pub fn label(self) -> &'static str {
        match self {
            Verdict::Pass => "PASS",
            Verdict::Fail => "FAIL",
            Verdict::NonStrict => "NON-STRICT",
            Verdict::Unimplemented => "UNIMPLEMENTED",
            Verdict::NotApplicable => "N/A",
            Verdict::Skipped => "SKIPPED",
            Verdict::HarnessError => "HARNESS-ERROR",
        }
    }

    pub fn from_label(label: &str) -> Option<Verdict> {
        [
            Verdict::Pass,
            Verdict::Fail,
            Verdict::NonStrict,
            Verdict::Unimplemented,
            Verdict::NotApplicable,
            Verdict::Skipped,
            Verdict::HarnessError,
        ]
        .into_iter()
        .find(|v| {
            v.label().eq_ignore_ascii_case(label)
                || (label.eq_ignore_ascii_case("SKIP") && *v == Verdict::Skipped)
        })
    }
}

/// One request/response pair of a case, as bytes.
#[derive(Clone, Debug)]
pub struct Exchange {
    pub step: String,
    pub request: Vec<u8>,
    /// `None` when the target closed or nothing decodable came back.
    pub response: Option<Vec<u8>>,
}

/// What the expectations file said about a case.
#[derive(Clone, Debug)]
pub struct Expected {
    pub verdict: Verdict,
    pub reason: String,
}

/// Everything known about one finished case.
#[derive(Clone, Debug)]
pub struct CaseResult {
    pub id: String,
    pub title: String,
    pub suite: String,
    pub spec: String,
    /// `file:line` of the case.
    pub location: String,
    pub version: String,
    pub verdict: Verdict,
    /// Why, for anything but PASS.
    pub message: String,
    pub duration: Duration,
    pub exchanges: Vec<Exchange>,
    pub expected: Option<Expected>,
}

impl CaseResult {
    /// Met its expectation: PASS, N/A, SKIPPED, or the verdict the expectations file predicted.
    pub fn ok(&self) -> bool {
        match &self.expected {
            Some(expected) => expected.verdict == self.verdict,
            None => matches!(
                self.verdict,
                Verdict::Pass | Verdict::NotApplicable | Verdict::Skipped
            ),
        }
    }

    /// A PASS where the expectations file predicted something else.
    pub fn unexpected_pass(&self) -> bool {
        self.verdict == Verdict::Pass
            && self
                .expected
                .as_ref()
                .is_some_and(|e| e.verdict != Verdict::Pass)
    }
}

/// The run's events, in order.
#[derive(Clone, Debug)]
pub enum Event {
    RunStarted { target: String, cases: usize },
    CaseFinished(Box<CaseResult>),
    RunFinished { duration: Duration },
}

/// Receives every event of a run.
pub trait Consumer: Send {
    fn event(&mut self, event: &Event);
}

/// Where the file reports go, and how to rerun a case.
#[derive(Clone, Debug)]
pub struct ReportSettings {
    pub junit: Option<PathBuf>,
    pub json: Option<PathBuf>,
    /// Directory for per-failure repro bundles.
    pub repro_dir: Option<PathBuf>,
    /// The command line that reran this run, with `{case}` where the case ID goes.
    pub rerun_command: String,
}
