//! get_usage_allocation: tests to come.

#[allow(unused_imports)]
use super::support::*;
