//! File reports: JUnit XML (junit-report) and a versioned JSON report, both
//! rewritten after every case so a run that dies mid-way still leaves them;
//! and a repro bundle per failing case (request and response as hex, tree and
//! XML, and the command that reruns just that case).

use std::path::Path;

use super::{CaseResult, Consumer, Event, ReportSettings, Verdict};
use crate::kmip::KmipNames;
use crate::ttlv::decode;
use crate::ttlv::render::{hex, tree, xml};

/// The JSON report's schema version.
pub const JSON_REPORT_VERSION: u32 = 1;

/// Writes JUnit, JSON and repro bundles.
pub struct Files {
    settings: ReportSettings,
    target: String,
    results: Vec<CaseResult>,
    errors: Vec<String>,
}

impl Files {
    pub fn new(settings: ReportSettings) -> Files {
        Files {
            settings,
            target: String::new(),
            results: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// Problems writing reports (shown by the caller, which then exits 2).
    pub fn errors(&self) -> &[String] {
        &self.errors
    }

    fn write_all(&mut self, finished: bool) {
        let mut sorted = self.results.clone();
        sorted.sort_by(|a, b| a.id.cmp(&b.id));
        if let Some(path) = self.settings.junit.clone() {
            if let Err(e) = write_junit(&path, &sorted) {
                self.errors.push(format!("{}: {e}", path.display()));
            }
        }
        if let Some(path) = self.settings.json.clone() {
            if let Err(e) = write_json(&path, &self.target, &sorted, finished) {
                self.errors.push(format!("{}: {e}", path.display()));
            }
        }
    }
}

impl Consumer for Files {
    fn event(&mut self, event: &Event) {
        match event {
            Event::RunStarted { target, .. } => {
                self.target = target.clone();
                self.write_all(false);
            }
            Event::CaseFinished(result) => {
                if !result.ok() {
                    if let Some(dir) = self.settings.repro_dir.clone() {
                        if let Err(e) = write_repro(&dir, result, &self.settings.rerun_command) {
                            self.errors
                                .push(format!("repro bundle for {}: {e}", result.id));
                        }
                    }
                }
                self.results.push((**result).clone());
                self.write_all(false);
            }
            Event::RunFinished { .. } => self.write_all(true),
        }
    }
}

fn create_parent(path: &Path) -> std::io::Result<()> {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => std::fs::create_dir_all(parent),
        _ => Ok(()),
    }
}

/// Hex and tree of every exchange, for failure bodies.
fn exchanges_text(result: &CaseResult) -> String {
    let mut out = String::new();
    for exchange in &result.exchanges {
        out.push_str(&format!(
            "== {} request\n{}\n{}",
            exchange.step,
            hex::encode(&exchange.request),
            render_tree(&exchange.request)
        ));
        match &exchange.response {
            Some(bytes) => out.push_str(&format!(
                "== {} response\n{}\n{}",
                exchange.step,
                hex::encode(bytes),
                render_tree(bytes)
            )),
            None => out.push_str(&format!(
                "== {} response\n(none: the connection closed)\n",
                exchange.step
            )),
        }
    }
    out
}

fn render_tree(bytes: &[u8]) -> String {
    match decode(bytes) {
        Ok(decoded) => tree::render(&decoded.item, &KmipNames),
        Err(e) => format!("(does not decode: {})\n", e.describe(&KmipNames)),
    }
}

fn render_xml(bytes: &[u8]) -> String {
    match decode(bytes) {
        Ok(decoded) => xml::write(&decoded.item, &KmipNames),
        Err(e) => format!("<!-- does not decode: {} -->\n", e.describe(&KmipNames)),
    }
}

fn write_junit(path: &Path, results: &[CaseResult]) -> std::io::Result<()> {
    use junit_report::{Duration, ReportBuilder, TestCase, TestSuiteBuilder};
    let mut suites: std::collections::BTreeMap<&str, Vec<TestCase>> = Default::default();
    for result in results {
        let time = Duration::milliseconds(result.duration.as_millis() as i64);
        let name = result.id.as_str();
        let detail = format!(
            "{}\n{} ({})\n{}",
            result.message,
            result.spec,
            result.location,
            exchanges_text(result)
        );
        let mut case = match (result.ok(), result.verdict) {
            (_, Verdict::Skipped) | (_, Verdict::NotApplicable) => TestCase::skipped(name),
            (true, _) => TestCase::success(name, time),
            (false, Verdict::HarnessError) => {
                TestCase::error(name, time, result.verdict.label(), &result.message)
            }
            (false, _) => TestCase::failure(name, time, result.verdict.label(), &result.message),
        };
        case.set_classname(&result.suite);
        if !result.ok() {
            case.set_system_out(&detail);
        } else if result.expected.is_some() {
            case.set_system_out(&format!(
                "{} as expected: {}",
                result.verdict.label(),
                result.message
            ));
        }
        suites.entry(result.suite.as_str()).or_default().push(case);
    }
    let mut report = ReportBuilder::new();
    for (suite, cases) in suites {
        report.add_testsuite(TestSuiteBuilder::new(suite).add_testcases(cases).build());
    }
    create_parent(path)?;
    let file = std::fs::File::create(path)?;
    report
        .build()
        .write_xml(file)
        .map_err(|e| std::io::Error::other(e.to_string()))
}

fn write_json(
    path: &Path,
    target: &str,
    results: &[CaseResult],
    finished: bool,
) -> std::io::Result<()> {
    use serde_json::json;
    let cases: Vec<serde_json::Value> = results
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "title": r.title,
                "suite": r.suite,
                "spec": r.spec,
                "location": r.location,
                "version": r.version,
                "verdict": r.verdict.label(),
                "ok": r.ok(),
                "message": r.message,
                "duration_ms": r.duration.as_millis() as u64,
                "expected": r.expected.as_ref().map(|e| json!({"verdict": e.verdict.label(), "reason": e.reason})),
                "exchanges": r.exchanges.iter().map(|x| json!({
                    "step": x.step,
                    "request_hex": hex::encode(&x.request),
                    "response_hex": x.response.as_ref().map(|b| hex::encode(b)),
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut totals = serde_json::Map::new();
    for r in results {
        let entry = totals.entry(r.verdict.label()).or_insert(json!(0));
        *entry = json!(entry.as_u64().unwrap_or(0) + 1);
    }
    let report = json!({
        "report_version": JSON_REPORT_VERSION,
        "tool": format!("kmip-conform {}", env!("CARGO_PKG_VERSION")),
        "target": target,
        "finished": finished,
        "totals": totals,
        "cases": cases,
    });
    create_parent(path)?;
    std::fs::write(path, serde_json::to_string_pretty(&report)? + "\n")
}

fn write_repro(dir: &Path, result: &CaseResult, rerun: &str) -> std::io::Result<()> {
    let safe: String = result
        .id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let dir = dir.join(safe);
    std::fs::create_dir_all(&dir)?;
    let mut summary = format!(
        "{} {}\n{}\nspec: {}\ncase: {}\n\n{}\n\nrerun: {}\n",
        result.verdict.label(),
        result.id,
        result.title,
        result.spec,
        result.location,
        result.message,
        rerun.replace("{case}", &result.id)
    );
    for (i, exchange) in result.exchanges.iter().enumerate() {
        let stem = format!("{:02}", i + 1);
        std::fs::write(
            dir.join(format!("{stem}-request.hex")),
            hex::encode(&exchange.request) + "\n",
        )?;
        std::fs::write(
            dir.join(format!("{stem}-request.tree")),
            render_tree(&exchange.request),
        )?;
        std::fs::write(
            dir.join(format!("{stem}-request.xml")),
            render_xml(&exchange.request),
        )?;
        if let Some(response) = &exchange.response {
            std::fs::write(
                dir.join(format!("{stem}-response.hex")),
                hex::encode(response) + "\n",
            )?;
            std::fs::write(
                dir.join(format!("{stem}-response.tree")),
                render_tree(response),
            )?;
            std::fs::write(
                dir.join(format!("{stem}-response.xml")),
                render_xml(response),
            )?;
        }
        summary.push_str(&format!("exchange {stem}: {}\n", exchange.step));
    }
    std::fs::write(dir.join("README.txt"), summary)
}
