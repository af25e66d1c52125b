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
    marker="$(mktemp)"
    set +e
    cargo fuzz run "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 2>&1 \
        | grep -E '^(#[0-9]+ +DONE|Done|stat::number_of_executed_units|stat::average_exec_per_sec|==[0-9]+==ERROR|SUMMARY)'
    fuzz_status=${PIPESTATUS[0]}
    set -e
    # A crash, leak, timeout or OOM makes cargo fuzz exit non-zero and leaves a
    # reproducer; either one fails the run (older reproducers do not).
    found="$(find "fuzz/artifacts/$target" -maxdepth 1 -newer "$marker" \
        \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) 2>/dev/null)"
    rm -f "$marker"
    if [[ "$fuzz_status" -ne 0 || -n "$found" ]]; then
        echo "error: $target found a problem (exit $fuzz_status); reproducers: ${found:-none written}" >&2
        exit 1
    fi
done
