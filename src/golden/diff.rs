//! A line diff of two snapshots (longest common subsequence). Each line is one
//! TTLV item with tag, wire type and value, so the diff shows changed values,
//! changed types, reordering, and extra or missing items.

/// One line of a diff.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    Same(String),
    Removed(String),
    Added(String),
}

/// The diff from `expected` to `actual`; `None` when they are equal.
pub fn diff(expected: &str, actual: &str) -> Option<Vec<Line>> {
    if expected == actual {
        return None;
    }
    let a: Vec<&str> = expected.lines().collect();
    let b: Vec<&str> = actual.lines().collect();
    // LCS table; snapshots are a few hundred lines, so O(n·m) is fine.
    let mut lcs = vec![vec![0u32; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j, mut out) = (0, 0, Vec::new());
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            out.push(Line::Same(a[i].to_owned()));
            i += 1;
            j += 1;
        } else if j < b.len() && (i == a.len() || lcs[i][j + 1] > lcs[i + 1][j]) {
            out.push(Line::Added(b[j].to_owned()));
            j += 1;
        } else {
            out.push(Line::Removed(a[i].to_owned()));
            i += 1;
        }
    }
    Some(out)
}

/// The changed lines with two lines of context, `-`/`+` marked; coloured
/// (red/green) when `color` is set.
pub fn render(lines: &[Line], color: bool) -> String {
    let changed: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !matches!(l, Line::Same(_)))
        .map(|(i, _)| i)
        .collect();
    let near = |i: usize| changed.iter().any(|&c| c.abs_diff(i) <= 2);
    let (red, green, reset) = if color {
        ("\x1b[31m", "\x1b[32m", "\x1b[0m")
    } else {
        ("", "", "")
    };
    let mut out = String::new();
    let mut skipped = false;
    for (i, line) in lines.iter().enumerate() {
        match line {
            Line::Same(text) if near(i) => {
                out.push_str(&format!("  {text}\n"));
                skipped = false;
            }
            Line::Same(_) => {
                if !skipped {
                    out.push_str("  …\n");
                    skipped = true;
                }
            }
            Line::Removed(text) => out.push_str(&format!("{red}- {text}{reset}\n")),
            Line::Added(text) => out.push_str(&format!("{green}+ {text}{reset}\n")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_changes_in_order() {
        let d = diff("a\nb\nc\n", "a\nB\nc\nd\n").unwrap();
        assert_eq!(
            d,
            vec![
                Line::Same("a".into()),
                Line::Removed("b".into()),
                Line::Added("B".into()),
                Line::Same("c".into()),
                Line::Added("d".into())
            ]
        );
        assert!(diff("same\n", "same\n").is_none());
        assert!(render(&d, false).contains("- b\n+ B\n"));
    }
}
