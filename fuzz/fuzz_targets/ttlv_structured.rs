#![no_main]
//! See `kmip_conform::fuzzing::ttlv_structured`.
libfuzzer_sys::fuzz_target!(|tree: kmip_conform::fuzzing::FuzzTree| {
    kmip_conform::fuzzing::ttlv_structured(&tree)
});
