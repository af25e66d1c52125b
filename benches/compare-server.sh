#!/usr/bin/env bash
# Server throughput: kmip-conform serve against PyKMIP 0.11's server, same run,
# same machine, same PKI, same load generator (kmip-conform bench: N persistent
# mutual-TLS connections, one request in flight each, KMIP 1.2 requests).
#
#   benches/compare-server.sh [CONNECTIONS] [SECONDS]
#
# Prints ops/s of Get (one AES-256 key) and Create (AES-256) for both servers
# and the ratios. Both servers and the load generator share the machine's cores.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
CONNECTIONS="${1:-8}"
SECONDS_EACH="${2:-5}"
OURS_PORT=15901
PYKMIP_PORT=15902
WORK="$(mktemp -d "${TMPDIR:-/tmp}/kmip-conform-server-bench.XXXXXX")"
PKI="$WORK/pki"

cargo build --release --quiet
BIN="$ROOT/target/release/kmip-conform"
bash interop/pykmip/venv.sh >/dev/null
bash interop/pykmip/make-pki.sh "$PKI" >/dev/null

"$BIN" serve --quiet --listen "127.0.0.1:$OURS_PORT" --pki-dir "$PKI" 2>"$WORK/ours.log" &
OURS_PID=$!
bash interop/pykmip/run-server.sh "$PKI" "$PYKMIP_PORT" "$WORK/pykmip" >/dev/null
cleanup() {
    kill -TERM "$OURS_PID" 2>/dev/null || true
    bash interop/pykmip/stop-server.sh "$WORK/pykmip" >/dev/null 2>&1 || true
}
trap cleanup EXIT
sleep 1

declare -A RATE
for op in get create; do
    for target in ours pykmip; do
        port=$OURS_PORT; [[ $target == pykmip ]] && port=$PYKMIP_PORT
        line="$("$BIN" bench --target "127.0.0.1:$port" --pki-dir "$PKI" --op "$op" \
            --connections "$CONNECTIONS" --seconds "$SECONDS_EACH" --protocol 1.2 --label "$target" | tee /dev/stderr | tail -n 1)"
        RATE[$target.$op]="$(sed -E 's/.*"ops_per_s":([0-9.]+).*/\1/' <<<"$line")"
    done
done

echo
printf '%-10s %16s %16s\n' "op" "kmip-conform/s" "PyKMIP 0.11/s"
for op in get create; do
    printf '%-10s %16.0f %16.1f   ratio %.0fx\n' "$op" "${RATE[ours.$op]}" "${RATE[pykmip.$op]}" \
        "$(python3 -c "print(${RATE[ours.$op]} / max(${RATE[pykmip.$op]}, 1e-9))")"
done
echo "($CONNECTIONS connections, ${SECONDS_EACH} s each, KMIP 1.2, mutual TLS on loopback, $(nproc) cores shared by servers and load generator)"
