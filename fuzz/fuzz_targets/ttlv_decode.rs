#![no_main]
//! See `kmip_conform::fuzzing::ttlv_decode`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kmip_conform::fuzzing::ttlv_decode(data));
