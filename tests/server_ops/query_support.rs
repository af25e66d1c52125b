//! query_support: tests to come.

#[allow(unused_imports)]
use super::support::*;
