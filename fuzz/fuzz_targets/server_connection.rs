#![no_main]
//! See `kmip_conform::fuzzing::server_connection`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kmip_conform::fuzzing::server_connection(data));
