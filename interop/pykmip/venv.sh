#!/usr/bin/env bash
# Create or reuse the throw-away PyKMIP 0.11 venv used by the interop scripts.
#
#   VENV="$(interop/pykmip/venv.sh | tail -n 1)"
#
# Idempotent. The venv lives in $KMIP_PYKMIP_VENV, default
# ${TMPDIR:-/tmp}/kmip-conform-pykmip-venv, the same one (and the same pin
# stamp file) as benches/compare-pykmip.sh, so both share it. Progress goes to
# stderr; the venv path is the last line on stdout.
# Environment: PYTHON (interpreter that creates the venv, default python3;
# the pins were verified on Python 3.11), KMIP_PYKMIP_VENV, TMPDIR.
set -euo pipefail

PINS=(PyKMIP==0.11.0 SQLAlchemy==1.4.54 cryptography==42.0.8)
if [[ -n "${KMIP_PYKMIP_VENV:-}" ]]; then
    VENV="${KMIP_PYKMIP_VENV%/}"
else
    VENV="${TMPDIR:-/tmp}"
    VENV="${VENV%/}/kmip-conform-pykmip-venv"
fi

if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c '' 2>/dev/null; then
    echo "== creating venv $VENV" >&2
    rm -rf "$VENV"
    "${PYTHON:-python3}" -m venv "$VENV" >&2
fi
STAMP="$VENV/.kmip-conform-pins"
if [[ "$(cat "$STAMP" 2>/dev/null)" != "${PINS[*]}" ]]; then
    echo "== installing ${PINS[*]}" >&2
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
        "${PINS[@]}" >&2
    echo "${PINS[*]}" > "$STAMP"
else
    echo "== reusing venv $VENV (${PINS[*]})" >&2
fi
echo "$VENV"
