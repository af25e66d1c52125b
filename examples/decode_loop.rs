//! Profiling aid: decodes one message in a loop (`decode_loop HEX [N]`), for
//! `perf record` or `valgrind --tool=callgrind`. Not a benchmark.

fn main() {
    let mut args = std::env::args().skip(1);
    let hex_text = args.next().expect("usage: decode_loop HEX [N]");
    let n: usize = args.next().map_or(1_000_000, |n| n.parse().expect("N"));
    let bytes = kmip_conform::ttlv::render::hex::decode(&hex_text).expect("hex");
    let mut total = 0;
    for _ in 0..n {
        total += std::hint::black_box(
            kmip_conform::ttlv::decode(std::hint::black_box(&bytes)).expect("decodes"),
        )
        .consumed;
    }
    println!("{total}");
}
