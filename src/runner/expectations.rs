//! The expectations file (`--expect FILE`), like BoGo's disabled-tests list:
//! case-ID globs mapped to the verdict a target is known to give, with a reason.
//!
//! ```yaml
//! target: PyKMIP 0.11
//! expectations:
//!   - case: "kmip-*/async/*"
//!     verdict: UNIMPLEMENTED
//!     reason: PyKMIP answers asynchronous requests synchronously
//!   - case: "kmip-2.1/*"
//!     verdict: SKIP
//!     reason: PyKMIP 0.11 does not speak KMIP 2.1
//! ```

use std::path::Path;

use serde::Deserialize;

use crate::report::{Expected, Verdict};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    target: String,
    expectations: Vec<RawRule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    case: String,
    verdict: String,
    reason: String,
}

/// One rule: the first rule whose glob matches a case applies.
#[derive(Clone, Debug)]
pub struct Rule {
    pub glob: String,
    pub expected: Expected,
}

/// A parsed expectations file.
#[derive(Clone, Debug, Default)]
pub struct Expectations {
    pub target: String,
    pub rules: Vec<Rule>,
}

/// `*` matches any run of characters, `?` any one; everything else literally.
pub fn glob_match(glob: &str, text: &str) -> bool {
    let (g, t): (Vec<char>, Vec<char>) = (glob.chars().collect(), text.chars().collect());
    let (mut gi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if gi < g.len() && (g[gi] == '?' || g[gi] == t[ti]) {
            gi += 1;
            ti += 1;
        } else if gi < g.len() && g[gi] == '*' {
            star = Some(gi);
            mark = ti;
            gi += 1;
        } else if let Some(s) = star {
            gi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    g[gi..].iter().all(|&c| c == '*')
}

impl Expectations {
    pub fn load(path: &Path) -> Result<Expectations, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let raw: RawFile = serde_norway::from_str(&text).map_err(|e| match e.location() {
            Some(l) => format!("{}:{}:{}: {e}", path.display(), l.line(), l.column()),
            None => format!("{}: {e}", path.display()),
        })?;
        let rules = raw
            .expectations
            .into_iter()
            .map(|r| {
                let verdict = Verdict::from_label(&r.verdict).ok_or_else(|| {
                    format!("{}: case {}: `{}` is not a verdict (PASS, FAIL, NON-STRICT, UNIMPLEMENTED, N/A, SKIP, HARNESS-ERROR)", path.display(), r.case, r.verdict)
                })?;
                Ok(Rule { glob: r.case, expected: Expected { verdict, reason: r.reason } })
            })
            .collect::<Result<_, String>>()?;
        Ok(Expectations {
            target: raw.target,
            rules,
        })
    }

    /// The expectation for a case, if a rule matches.
    pub fn for_case(&self, id: &str) -> Option<&Expected> {
        self.rules
            .iter()
            .find(|r| glob_match(&r.glob, id))
            .map(|r| &r.expected)
    }
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("kmip-*/async/*", "kmip-1.4/async/poll"));
        assert!(glob_match("*", "anything"));
        assert!(glob_match("kmip-1.?/x", "kmip-1.4/x"));
        assert!(!glob_match("kmip-2.*", "kmip-1.4/x"));
        assert!(!glob_match("a*b", "acd"));
    }
}
