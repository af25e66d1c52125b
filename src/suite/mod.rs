//! Suites: what to send and what to expect. The YAML schema and parser
//! (`parse`), requests written in KMIP names (`build`), the model (`model`),
//! and the OASIS-XML importer (`oasis`). Nothing in this module executes anything.

pub mod build;
pub mod model;
pub mod oasis;
pub mod parse;
