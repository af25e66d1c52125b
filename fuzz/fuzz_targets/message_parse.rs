#![no_main]
//! See `kmip_conform::fuzzing::message_parse`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kmip_conform::fuzzing::message_parse(data));
