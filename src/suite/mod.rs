//! Suites: what to send and what to expect. For now this holds the importer of
//! the OASIS test-case XML transcripts; the YAML suite schema joins it here.
//! Nothing in this module executes anything.

pub mod oasis;
