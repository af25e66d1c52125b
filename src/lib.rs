//! kmip-conform: a conformance and fuzz-testing harness for KMIP.
//!
//! The crate reads as a pipeline (see the README's architecture section):
//! [`ttlv`] is the codec, [`kmip`] the protocol dictionary generated from the
//! OASIS tables, and [`cli`] wires them to the `kmip-conform` command.

pub mod cli;
#[doc(hidden)]
pub mod fuzzing;
pub mod golden;
pub mod kmip;
pub mod report;
pub mod runner;
pub mod server;
pub mod suite;
pub mod tls;
pub mod ttlv;
