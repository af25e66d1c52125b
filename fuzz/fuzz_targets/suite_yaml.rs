#![no_main]
//! See `kmip_conform::fuzzing::suite_yaml`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kmip_conform::fuzzing::suite_yaml(data));
