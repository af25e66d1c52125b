//! rng_seed: tests to come.

#[allow(unused_imports)]
use super::support::*;
