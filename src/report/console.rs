//! The console: a line per case that did not simply pass, a progress bar when
//! stderr is a terminal, and a summary by verdict.

use std::collections::BTreeMap;
use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

use super::{Consumer, Event, Verdict};

/// Prints to stdout (results) and stderr (progress).
pub struct Console {
    verbose: bool,
    bar: Option<ProgressBar>,
    counts: BTreeMap<Verdict, usize>,
    not_ok: usize,
    unexpected_passes: usize,
}

impl Console {
    pub fn new(verbose: bool) -> Console {
        Console {
            verbose,
            bar: None,
            counts: BTreeMap::new(),
            not_ok: 0,
            unexpected_passes: 0,
        }
    }

    fn print(&self, line: &str) {
        match &self.bar {
            Some(bar) => bar.println(line),
            None => println!("{line}"),
        }
    }
}

impl Consumer for Console {
    fn event(&mut self, event: &Event) {
        match event {
            Event::RunStarted { target, cases } => {
                println!("kmip-conform: {cases} case(s) against {target}");
                if std::io::stderr().is_terminal() {
                    let bar = ProgressBar::new(*cases as u64);
                    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}") {
                        bar.set_style(style);
                    }
                    self.bar = Some(bar);
                }
            }
            Event::CaseFinished(result) => {
                *self.counts.entry(result.verdict).or_default() += 1;
                if !result.ok() {
                    self.not_ok += 1;
                }
                if result.unexpected_pass() {
                    self.unexpected_passes += 1;
                }
                let show =
                    self.verbose || result.verdict != Verdict::Pass || result.expected.is_some();
                if show {
                    let mut line = format!("{:<13} {}", result.verdict.label(), result.id);
                    if let Some(expected) = &result.expected {
                        let how = if result.ok() {
                            "expected"
                        } else {
                            "UNEXPECTED, expected"
                        };
                        line.push_str(&format!(
                            "  [{how} {}: {}]",
                            expected.verdict.label(),
                            expected.reason
                        ));
                    }
                    if !result.message.is_empty() && result.verdict != Verdict::Pass {
                        line.push_str(&format!(
                            "\n              {} ({}; {})",
                            result.message, result.spec, result.location
                        ));
                    }
                    self.print(&line);
                }
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                    bar.set_message(result.id.clone());
                }
            }
            Event::RunFinished { duration } => {
                if let Some(bar) = self.bar.take() {
                    bar.finish_and_clear();
                }
                let total: usize = self.counts.values().sum();
                let parts: Vec<String> = self
                    .counts
                    .iter()
                    .map(|(v, n)| format!("{n} {}", v.label()))
                    .collect();
                println!(
                    "{total} case(s) in {:.2} s: {}",
                    duration.as_secs_f64(),
                    parts.join(", ")
                );
                if self.not_ok > 0 {
                    println!("{} case(s) did not meet their expectation", self.not_ok);
                }
                if self.unexpected_passes > 0 {
                    println!(
                        "{} unexpected PASS(es): update the expectations file",
                        self.unexpected_passes
                    );
                }
            }
        }
    }
}
