#!/usr/bin/env bash
# Stop a PyKMIP server started by run-server.sh.
#
#   interop/pykmip/stop-server.sh WORKDIR
#
# Sends SIGINT to the PID in WORKDIR/server.pid (PyKMIP turns it into a
# KeyboardInterrupt that breaks its accept loop at once; SIGTERM is only seen
# when accept's 10 s timeout expires), waits up to 10 s for its whole process
# group (run-server.sh gives it its own session, so the group holds PyKMIP's
# multiprocessing helpers too) to go, then SIGTERMs and finally SIGKILLs the
# group. Removes server.pid. Exit 0 if nothing is left running.
set -uo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 WORKDIR" >&2; exit 2; }
PIDFILE="$1/server.pid"
[[ -s "$PIDFILE" ]] || { echo "no $PIDFILE: nothing to stop" >&2; exit 0; }
PID="$(cat "$PIDFILE")"
[[ "$PID" =~ ^[0-9]+$ ]] || { echo "error: bad pid in $PIDFILE" >&2; exit 1; }

alive() { kill -0 -- "-$PID" 2>/dev/null; }
wait_gone() { for _ in $(seq "$1"); do alive || return 0; sleep 0.25; done; ! alive; }
if alive; then
    kill -INT "$PID" 2>/dev/null
    if ! wait_gone 40; then
        echo "pykmip-server group $PID still up after SIGINT; SIGTERM" >&2
        kill -TERM -- "-$PID" 2>/dev/null
        if ! wait_gone 20; then
            echo "pykmip-server group $PID still up; SIGKILL" >&2
            kill -KILL -- "-$PID" 2>/dev/null
            wait_gone 8
        fi
    fi
fi
rm -f "$PIDFILE"
if alive; then echo "error: process group $PID still alive" >&2; exit 1; fi
echo "stopped pykmip-server (pid $PID)" >&2
