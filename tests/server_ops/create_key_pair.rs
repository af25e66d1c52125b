//! create_key_pair: tests to come.

#[allow(unused_imports)]
use super::support::*;
