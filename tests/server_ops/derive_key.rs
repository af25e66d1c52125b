//! derive_key: tests to come.

#[allow(unused_imports)]
use super::support::*;
