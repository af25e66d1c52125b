#!/usr/bin/env bash
# Stop a PyKMIP server started by run-server.sh.
#
#   interop/pykmip/stop-server.sh WORKDIR
#
# Sends SIGTERM to the process group of the PID in WORKDIR/server.pid (the
# server runs in its own session, so this reaches PyKMIP's helper processes
# too), waits up to 15 s (PyKMIP's accept loop wakes every 10 s), then
# SIGKILLs the group. Removes server.pid. Exit 0 if nothing is left running.
set -uo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 WORKDIR" >&2; exit 2; }
PIDFILE="$1/server.pid"
[[ -s "$PIDFILE" ]] || { echo "no $PIDFILE: nothing to stop" >&2; exit 0; }
PID="$(cat "$PIDFILE")"
[[ "$PID" =~ ^[0-9]+$ ]] || { echo "error: bad pid in $PIDFILE" >&2; exit 1; }

alive() { kill -0 -- "-$PID" 2>/dev/null; }
if alive; then
    kill -TERM -- "-$PID" 2>/dev/null
    for _ in $(seq 30); do alive || break; sleep 0.5; done
    if alive; then
        echo "pykmip-server group $PID ignored SIGTERM; sending SIGKILL" >&2
        kill -KILL -- "-$PID" 2>/dev/null
        sleep 0.5
    fi
fi
rm -f "$PIDFILE"
if alive; then echo "error: process group $PID still alive" >&2; exit 1; fi
echo "stopped pykmip-server (pid $PID)" >&2
