//! Snapshot files: `golden/<case>.snap`, pending `golden/<case>.snap.new`, and
//! the policy that decides what a comparison means. On CI (`CI=true`) nothing
//! is ever written: a missing or different snapshot is a failure.

use std::path::{Path, PathBuf};

use super::diff::{diff, render};

/// What to do with snapshots in this run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Compare; a difference fails the case (the builtin target's default).
    Check,
    /// Compare; a difference is reported, never a failure (remote targets' default).
    Report,
    /// Write `.snap.new` for every new or changed snapshot (`--bless`; never on CI).
    Update,
    Off,
}

/// The outcome of comparing one case's snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    Match,
    /// Different or missing; the text explains (with the diff).
    Mismatch(String),
    /// A pending `.snap.new` was written for review.
    Pending(PathBuf),
}

/// The snapshot file of a case.
pub fn path_for(dir: &Path, case_id: &str) -> PathBuf {
    let safe: String = case_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '.' {
                c
            } else {
                '_'
            }
        })
        .collect();
    dir.join(format!("{safe}.snap"))
}

/// Is this a CI run (`CI` set to anything but `false`/`0`)?
pub fn on_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// Compares `actual` with the stored snapshot and applies the mode's policy.
pub fn compare(
    dir: &Path,
    case_id: &str,
    actual: &str,
    mode: Mode,
    color: bool,
) -> std::io::Result<Outcome> {
    let path = path_for(dir, case_id);
    let expected = std::fs::read_to_string(&path).ok();
    let difference = match &expected {
        Some(expected) => diff(expected, actual).map(|lines| format!("golden snapshot {} differs:\n{}", path.display(), render(&lines, color))),
        None => Some(format!("no golden snapshot {} yet (record one with --bless, then `kmip-conform review --accept`)", path.display())),
    };
    let Some(difference) = difference else {
        return Ok(Outcome::Match);
    };
    if mode == Mode::Update && !on_ci() {
        let pending = path.with_extension("snap.new");
        std::fs::create_dir_all(dir)?;
        std::fs::write(&pending, actual)?;
        return Ok(Outcome::Pending(pending));
    }
    Ok(Outcome::Mismatch(difference))
}

/// Every pending `.snap.new` under `dir`.
pub fn pending(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(".snap.new"))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) => return Err(e),
    };
    found.sort();
    Ok(found)
}

/// The diff a pending snapshot would make.
pub fn pending_diff(pending: &Path, color: bool) -> String {
    let snap = PathBuf::from(
        pending
            .to_string_lossy()
            .trim_end_matches(".new")
            .to_owned(),
    );
    let old = std::fs::read_to_string(&snap).unwrap_or_default();
    let new = std::fs::read_to_string(pending).unwrap_or_default();
    match diff(&old, &new) {
        Some(lines) => render(&lines, color),
        None => "(no change)\n".into(),
    }
}

/// Promotes a pending snapshot to the golden file.
pub fn accept(pending: &Path) -> std::io::Result<PathBuf> {
    let snap = PathBuf::from(
        pending
            .to_string_lossy()
            .trim_end_matches(".new")
            .to_owned(),
    );
    std::fs::rename(pending, &snap)?;
    Ok(snap)
}
