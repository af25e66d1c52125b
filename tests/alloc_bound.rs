//! Decoding never allocates from a declared length: memory follows the bytes
//! actually present. A counting global allocator measures the peak.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use kmip_conform::ttlv::decode;

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Peak bytes allocated while decoding `input` (beyond what was live before).
fn peak_while_decoding(input: &[u8]) -> usize {
    let base = CURRENT.load(Ordering::SeqCst);
    PEAK.store(base, Ordering::SeqCst);
    let _ = std::hint::black_box(decode(input));
    PEAK.load(Ordering::SeqCst) - base
}

fn header(tag: u32, item_type: u8, length: u32) -> Vec<u8> {
    let t = tag.to_be_bytes();
    let mut h = vec![t[1], t[2], t[3], item_type];
    h.extend_from_slice(&length.to_be_bytes());
    h
}

/// The owned tree costs a constant factor over the input (an empty structure
/// is 8 wire bytes and one 40-byte node); this is the documented bound.
const FACTOR: usize = 16;
const SLACK: usize = 4096;

#[test]
fn declared_lengths_never_drive_allocation() {
    // All in one test: the allocator counters are process-wide.
    let mut cases: Vec<(&str, Vec<u8>)> = Vec::new();
    let mut text = header(0x420094, 0x07, u32::MAX - 7);
    text.extend_from_slice(b"short");
    cases.push(("Text String declaring 4 GiB", text));
    let mut bytes = header(0x420094, 0x08, u32::MAX - 7);
    bytes.extend_from_slice(&[0; 64]);
    cases.push(("Byte String declaring 4 GiB", bytes));
    let mut big = header(0x420094, 0x04, u32::MAX - 7);
    big.extend_from_slice(&[0; 64]);
    cases.push(("Big Integer declaring 4 GiB", big));
    let mut structure = header(0x420078, 0x01, u32::MAX - 7);
    for _ in 0..64 {
        structure.extend(header(0x420078, 0x01, 0));
    }
    cases.push((
        "Structure declaring 4 GiB holding empty structures",
        structure,
    ));
    let mut wide = header(0x420078, 0x01, 8 * 8192);
    for _ in 0..8192 {
        wide.extend(header(0x420079, 0x01, 0));
    }
    cases.push(("8192 empty structures", wide));
    let mut bomb = Vec::new();
    for i in 0..10_000u32 {
        bomb.extend(header(0x420078, 0x01, (10_000 - i - 1) * 8));
    }
    cases.push(("depth bomb", bomb));

    for (name, input) in cases {
        let base = CURRENT.load(Ordering::SeqCst);
        PEAK.store(base, Ordering::SeqCst);
        let _ = std::hint::black_box(kmip_conform::ttlv::validate(&input, 64));
        assert_eq!(
            PEAK.load(Ordering::SeqCst),
            base,
            "{name}: validate allocated"
        );
        let peak = peak_while_decoding(&input);
        let bound = FACTOR * input.len() + SLACK;
        eprintln!(
            "{name}: input {} bytes, peak allocation {peak} bytes (bound {bound})",
            input.len()
        );
        assert!(peak <= bound, "{name}: peak {peak} exceeds {bound}");
    }
}
