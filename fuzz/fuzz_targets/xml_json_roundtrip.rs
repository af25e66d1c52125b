#![no_main]
//! See `kmip_conform::fuzzing::xml_json_roundtrip`.
libfuzzer_sys::fuzz_target!(|tree: kmip_conform::fuzzing::FuzzTree| {
    kmip_conform::fuzzing::xml_json_roundtrip(&tree)
});
