//! One test file per server operation (KMIP 1.0–2.1), all over real mTLS to
//! an in-process reference server; built as one test binary.

#[path = "../common/mod.rs"]
mod common;
mod support;

mod adjust_attribute;
mod archive;
mod asymmetric_encrypt;
mod certify;
mod check;
mod create_key_pair;
mod decrypt;
mod derive_key;
mod encrypt;
mod get_constraints;
mod get_usage_allocation;
mod hash;
mod mac;
mod mac_verify;
mod oasis_all_transcripts;
mod oasis_known_answers;
mod obtain_lease;
mod ping;
mod query_support;
mod recertify;
mod recover;
mod register_all_types;
mod rekey;
mod rekey_key_pair;
mod rng_retrieve;
mod rng_seed;
mod set_attribute;
mod sign;
mod signature_verify;
mod validate;
