//! The suite model: suites hold cases, cases hold steps. Every case knows the
//! file and line it came from. Requests are trees with `$capture` placeholders,
//! built for one protocol version; nothing here executes anything.

use std::path::PathBuf;

use crate::kmip::Version;
use crate::ttlv::Item;

/// Where something was written: `suites/batch.yaml:42`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    pub file: PathBuf,
    pub line: usize,
}

impl std::fmt::Display for Location {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// One suite file.
#[derive(Clone, Debug)]
pub struct Suite {
    pub name: String,
    pub title: String,
    pub file: PathBuf,
    pub cases: Vec<Case>,
}

/// One case, for one protocol version.
#[derive(Clone, Debug)]
pub struct Case {
    /// Stable ID, e.g. `kmip-1.4/batch/stop-default`.
    pub id: String,
    pub title: String,
    /// The spec clause or OASIS test case it checks.
    pub spec: String,
    pub tags: Vec<String>,
    pub version: Version,
    /// Operations the target must claim (Query) for the case to apply.
    pub needs: Vec<u32>,
    pub steps: Vec<Step>,
    pub location: Location,
    pub suite: String,
}

/// What a step sends.
#[derive(Clone, Debug)]
pub enum Action {
    /// A request message (one or more batch items).
    Request(Item),
    /// Raw bytes, sent as they are.
    Raw(Vec<u8>),
    /// A fresh TLS connection without a client certificate, then this request.
    Anonymous(Item),
}

/// One step: send something, check what comes back.
#[derive(Clone, Debug)]
pub struct Step {
    pub name: String,
    pub action: Action,
    pub expect: StepExpect,
    pub location: Location,
}

/// Expectations for a whole step.
#[derive(Clone, Debug, Default)]
pub struct StepExpect {
    /// Per batch item, in order.
    pub items: Vec<ItemExpect>,
    /// The number of batch items in the response, if checked.
    pub item_count: Option<usize>,
    /// For raw and anonymous steps: what may happen.
    pub outcome: Option<Outcome>,
    /// An asynchronous answer (Pending) is allowed: poll until done.
    pub allow_async: bool,
    /// A synchronous answer where Pending was expected makes the case N/A
    /// (the server decides which operations are asynchronous, KMIP 1.2 §6.8).
    pub na_if_synchronous: bool,
}

/// What a raw or anonymous step may lead to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// An Invalid Message response, or the connection closed; either way the
    /// target must then serve a new connection.
    ErrorOrClose,
    /// The TLS handshake is refused (or the connection dies before an answer).
    Refused,
    /// A normal response, checked by `items`.
    Response,
}

/// Expectations for one response batch item.
#[derive(Clone, Debug, Default)]
pub struct ItemExpect {
    /// Result Status values allowed (empty: Success).
    pub status: Vec<u32>,
    /// Result Reasons allowed (empty: not checked).
    pub reasons: Vec<u32>,
    /// The Operation the item must carry, if checked.
    pub operation: Option<u32>,
    pub checks: Vec<Check>,
}

/// A matcher applied at a path inside the response payload.
#[derive(Clone, Debug)]
pub struct Check {
    /// Tag names from the Response Payload down, e.g. `SymmetricKey/KeyBlock/CryptographicLength`,
    /// or `@Name` for an attribute (1.x Attribute by name, or 2.x Attributes child).
    pub path: String,
    pub matcher: Matcher,
}

#[derive(Clone, Debug)]
pub enum Matcher {
    Present,
    Absent,
    Equals(Item),
    OneOf(Vec<Item>),
    Regex(String),
    Range(i64, i64),
    /// A date within `±seconds` of now (plus an offset).
    Now {
        offset: i64,
        tolerance: i64,
    },
    Count {
        min: usize,
        max: usize,
    },
    /// Bind the value to `$name` for later steps.
    Capture(String),
}
