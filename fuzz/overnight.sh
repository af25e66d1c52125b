#!/usr/bin/env bash
# Fuzz every target in parallel for HOURS (default 8), each with JOBS libFuzzer
# jobs (default: the number of cores), under AddressSanitizer.
#
#   fuzz/overnight.sh [HOURS] [JOBS]
#
# Crashes, leaks, timeouts and OOMs land in fuzz/artifacts/<target>/; each is
# minimised with `cargo fuzz tmin` into fuzz/artifacts/<target>/minimized-*.
# Copy a minimised reproducer into fuzz/seeds/<target>/ to keep it as a
# regression test (tests/fuzz_corpus.rs replays the seeds in `cargo test`).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
HOURS="${1:-8}"
JOBS="${2:-$(nproc)}"
export RUSTC_BOOTSTRAP=1
bash fuzz/make-corpus.sh
cargo fuzz build
SECONDS_TOTAL=$(( HOURS * 3600 ))
pids=()
for target in $(cargo fuzz list); do
    cargo fuzz run "$target" "fuzz/corpus/$target" -- \
        -max_total_time="$SECONDS_TOTAL" -jobs="$JOBS" -workers="$JOBS" -rss_limit_mb=4096 -timeout=10 \
        > "fuzz/$target.log" 2>&1 &
    pids+=($!)
done
wait "${pids[@]}" || true
for target in $(cargo fuzz list); do
    for artifact in fuzz/artifacts/"$target"/{crash,leak,timeout,oom}-*; do
        [[ -e "$artifact" ]] || continue
        cargo fuzz tmin "$target" "$artifact" -- -runs=10000 >/dev/null 2>&1 || true
        echo "finding: $artifact"
    done
done
echo "done; findings (if any) are listed above, logs in fuzz/<target>.log"
