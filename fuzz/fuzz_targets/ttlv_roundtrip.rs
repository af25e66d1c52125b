#![no_main]
//! See `kmip_conform::fuzzing::ttlv_roundtrip`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| kmip_conform::fuzzing::ttlv_roundtrip(data));
