#!/usr/bin/env bash
# CI smoke run: every fuzz target for SECONDS (default 20) under AddressSanitizer
# on the stable toolchain (RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass -Zsanitizer),
# starting from fuzz/make-corpus.sh's corpus. Any crash, leak, timeout or OOM
# fails the run; the reproducer is left in fuzz/artifacts/<target>/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
SECONDS_EACH="${1:-20}"
CARGO_FUZZ_VERSION=0.13.1
if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi
export RUSTC_BOOTSTRAP=1
bash fuzz/make-corpus.sh
cargo fuzz build
for target in $(cargo fuzz list); do
    echo "== fuzz $target for ${SECONDS_EACH}s"
    cargo fuzz run "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 \
        | grep -E '^(#[0-9]+ +DONE|Done|stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==ERROR|SUMMARY)' || true
    # cargo fuzz exits non-zero on a crash; grep above hides that, so check the status.
    if ls "fuzz/artifacts/$target/"{crash,leak,timeout,oom}-* >/dev/null 2>&1; then
        echo "error: $target found a problem; reproducers in fuzz/artifacts/$target/" >&2
        exit 1
    fi
done
