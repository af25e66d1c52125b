//! The suite format: every shipped suite parses, cites its spec clause, has
//! unique stable IDs, and round-trips (model → YAML → model) unchanged.

use std::path::Path;

use kmip_conform::suite::model::Case;
use kmip_conform::suite::parse::{canonical_yaml, parse_suite, suite_files};

fn essence(case: &Case) -> String {
    let steps: Vec<String> = case
        .steps
        .iter()
        .map(|s| format!("{} {:?} {:?}", s.name, s.action, s.expect))
        .collect();
    format!(
        "{} | {} | {} | {:?} | {} | {:?} | {}",
        case.id,
        case.title,
        case.spec,
        case.tags,
        case.version,
        case.needs,
        steps.join(" ; ")
    )
}

#[test]
fn shipped_suites_parse_cite_their_spec_and_round_trip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("suites");
    let files = suite_files(&dir).unwrap();
    assert!(files.len() >= 8, "{files:?}");
    let mut total = 0;
    let mut ids = std::collections::HashSet::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let suite = parse_suite(&text, &file).unwrap_or_else(|e| panic!("{e}"));
        for case in &suite.cases {
            assert!(
                !case.spec.trim().is_empty(),
                "{} cites no spec clause",
                case.id
            );
            assert!(
                case.spec.contains("KMIP") || case.spec.contains('-'),
                "{}: spec `{}` names no KMIP clause or test case",
                case.id,
                case.spec
            );
            assert!(ids.insert(case.id.clone()), "duplicate case ID {}", case.id);
            assert!(case.location.line > 1, "{} has a location", case.id);
        }
        let again = parse_suite(&canonical_yaml(&text, &file).unwrap(), &file).unwrap();
        let before: Vec<String> = suite.cases.iter().map(essence).collect();
        let after: Vec<String> = again.cases.iter().map(essence).collect();
        assert_eq!(before, after, "{} does not round-trip", file.display());
        total += suite.cases.len();
    }
    assert!(total >= 60, "at least 60 cases, found {total}");
}

#[test]
fn semantic_errors_name_the_case_line_and_field() {
    let text = "suite: s\ntitle: t\ncases:\n  - id: one\n    title: t\n    spec: KMIP 1.2 §4\n    steps:\n      - request:\n          operation: Create\n          payload: {NoSuchTag: 1}\n";
    let err = parse_suite(text, Path::new("x.yaml"))
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("x.yaml:4:"), "{err}");
    assert!(err.contains("unknown tag name `NoSuchTag`"), "{err}");
    let text = "suite: s\ntitle: t\ncases:\n  - id: one\n    title: t\n    spec: KMIP\n    steps:\n      - request: {operation: Frobnicate}\n";
    let err = parse_suite(text, Path::new("y.yaml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("`Frobnicate` is not a Operation"), "{err}");
}
