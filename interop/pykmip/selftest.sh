#!/usr/bin/env bash
# Baseline: PyKMIP 0.11's client (client_interop.py) against PyKMIP 0.11's own
# server, for every KMIP version the client speaks, in one go.
#
#   interop/pykmip/selftest.sh [PORT] [OUTDIR]
#
# PORT defaults to 15696; OUTDIR (default: a new temp dir) gets pki/, server/
# (config, sqlite db, logs) and one JSON summary per version, <v>.json.
# KMIP_PYKMIP_VERSIONS (default "1.0 1.1 1.2 1.3 1.4 2.0") and
# KMIP_PYKMIP_SSL_VERSION (default PROTOCOL_TLS) narrow the run. The server is
# stopped on exit. Exit 0 only if no step failed for any version.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PORT="${1:-15696}"
OUT="${2:-$(mktemp -d "${TMPDIR:-/tmp}/pykmip-selftest.XXXXXX")}"
mkdir -p "$OUT"
OUT="$(cd "$OUT" && pwd)"
VENV="$("$HERE/venv.sh" | tail -n 1)"

"$HERE/make-pki.sh" "$OUT/pki"
"$HERE/run-server.sh" "$OUT/pki" "$PORT" "$OUT/server" > /dev/null
trap '"$HERE/stop-server.sh" "$OUT/server"' EXIT

rc=0
for v in ${KMIP_PYKMIP_VERSIONS:-1.0 1.1 1.2 1.3 1.4 2.0}; do
    echo "== KMIP $v"
    "$VENV/bin/python" "$HERE/client_interop.py" --host 127.0.0.1 \
        --port "$PORT" --ca "$OUT/pki/ca.crt" --cert "$OUT/pki/client.crt" \
        --key "$OUT/pki/client.key" --version "$v" \
        --ssl-version "${KMIP_PYKMIP_SSL_VERSION:-PROTOCOL_TLS}" --json \
        --trace "$OUT/$v.trace" > "$OUT/$v.txt" || rc=1
    grep -v '^{' "$OUT/$v.txt" || true
    grep '^{' "$OUT/$v.txt" > "$OUT/$v.json" || true
done
echo "results in $OUT"
exit "$rc"
