//! register_all_types: tests to come.

#[allow(unused_imports)]
use super::support::*;
