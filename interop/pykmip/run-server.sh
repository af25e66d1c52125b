#!/usr/bin/env bash
# Start PyKMIP 0.11's own server (pykmip-server) in the background, as an
# external KMIP target for interop tests.
#
#   interop/pykmip/run-server.sh PKI_DIR PORT [WORKDIR]
#   ...
#   interop/pykmip/stop-server.sh WORKDIR
#
# PKI_DIR comes from make-pki.sh (ca.crt, server.crt/.key, client.crt/.key).
# WORKDIR (default: a new temp dir, named on stderr) receives server.conf,
# the sqlite database pykmip.db, an empty policies/ dir, server.log (PyKMIP's
# log), server.out (its stdout/stderr) and server.pid. The server listens on
# 127.0.0.1:PORT with auth_suite TLS1.2 restricted to the ECDHE-ECDSA AES-GCM
# suites: TLS 1.2 only (PyKMIP's server pins ssl.PROTOCOL_TLSv1_2, so never
# TLS 1.3), client certificate required, with EKU clientAuth. Waits up to
# KMIP_PYKMIP_START_TIMEOUT seconds (default 20) for a full TLS handshake
# with the client certificate, then prints the server PID on stdout.
# The server runs in its own session, so stop-server.sh ends its whole
# process group (PyKMIP forks a multiprocessing manager and policy monitor).
set -euo pipefail

[[ $# -ge 2 && $# -le 3 ]] || { echo "usage: $0 PKI_DIR PORT [WORKDIR]" >&2; exit 2; }
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
[[ -d "$1" ]] || { echo "error: no PKI dir $1 (run make-pki.sh)" >&2; exit 2; }
PKI="$(cd "$1" && pwd)"
PORT="$2"
WORK="${3:-$(mktemp -d "${TMPDIR:-/tmp}/pykmip-server.XXXXXX")}"
mkdir -p "$WORK/policies"
WORK="$(cd "$WORK" && pwd)"
TIMEOUT="${KMIP_PYKMIP_START_TIMEOUT:-20}"
for f in ca.crt server.crt server.key client.crt client.key; do
    [[ -r "$PKI/$f" ]] || { echo "error: $PKI/$f missing (run make-pki.sh)" >&2; exit 2; }
done
if [[ -s "$WORK/server.pid" ]] && kill -0 "$(cat "$WORK/server.pid")" 2>/dev/null; then
    echo "error: a server from $WORK is still running (pid $(cat "$WORK/server.pid"))" >&2
    exit 1
fi

if (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null; then
    echo "error: something already listens on 127.0.0.1:$PORT" >&2
    exit 1
fi

VENV="$("$HERE/venv.sh" | tail -n 1)"

# Option names: kmip/services/server/config.py. tls_cipher_suites is split on
# whitespace; names may be IANA or OpenSSL spellings, but only those also in
# the auth suite's own default list survive (so no CHACHA20, no TLS 1.3 names).
cat > "$WORK/server.conf" <<CONF
[server]
hostname=127.0.0.1
port=$PORT
certificate_path=$PKI/server.crt
key_path=$PKI/server.key
ca_path=$PKI/ca.crt
auth_suite=TLS1.2
policy_path=$WORK/policies
enable_tls_client_auth=True
tls_cipher_suites=TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256 TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
logging_level=DEBUG
database_path=$WORK/pykmip.db
CONF

cd "$WORK"
setsid "$VENV/bin/pykmip-server" -f "$WORK/server.conf" -l "$WORK/server.log" \
    > "$WORK/server.out" 2>&1 < /dev/null &
PID=$!
echo "$PID" > "$WORK/server.pid"

deadline=$((SECONDS + TIMEOUT))
until timeout 5 openssl s_client -connect "127.0.0.1:$PORT" -tls1_2 \
        -CAfile "$PKI/ca.crt" -cert "$PKI/client.crt" -key "$PKI/client.key" \
        -verify_return_error < /dev/null > "$WORK/probe.txt" 2>&1; do
    if ! kill -0 "$PID" 2>/dev/null; then
        echo "error: pykmip-server exited; see $WORK/server.out, $WORK/server.log" >&2
        tail -n 20 "$WORK/server.out" >&2 || true
        exit 1
    fi
    if (( SECONDS >= deadline )); then
        echo "error: no TLS handshake on 127.0.0.1:$PORT after ${TIMEOUT}s" >&2
        tail -n 5 "$WORK/probe.txt" >&2 || true
        kill -TERM -- "-$PID" 2>/dev/null || true
        exit 1
    fi
    sleep 0.5
done
kill -0 "$PID" 2>/dev/null || { echo "error: pykmip-server exited" >&2; exit 1; }
echo "pykmip-server pid $PID on 127.0.0.1:$PORT, workdir $WORK" >&2
echo "$PID"
