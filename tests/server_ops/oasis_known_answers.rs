//! oasis_known_answers: tests to come.

#[allow(unused_imports)]
use super::support::*;
