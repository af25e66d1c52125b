//! adjust_attribute: tests to come.

#[allow(unused_imports)]
use super::support::*;
