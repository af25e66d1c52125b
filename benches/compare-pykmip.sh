#!/usr/bin/env bash
# Compare our TTLV codec with PyKMIP 0.11's on the same messages, in one run.
#
#   benches/compare-pykmip.sh
#
# 1. sets up (or reuses) a throw-away venv with PyKMIP 0.11.0 and pins that
#    were verified to work with it on Python 3.11;
# 2. exports the OASIS vector corpus as canonical TTLV hex, one message a line;
# 3. benches/pykmip_codec.py keeps the messages PyKMIP round-trips exactly,
#    writes them to a subset file and times PyKMIP's decode/encode on them;
# 4. our criterion bench (subset/decode, subset/encode, subset/decode_168)
#    runs on that same subset file;
# 5. prints both side by side, with the ratios ours / PyKMIP.
#
# Environment: PYTHON (interpreter for the venv, default python3),
# PYKMIP_BENCH_SECONDS (time per PyKMIP measurement, default 5),
# CARGO_TARGET_DIR / CRITERION_HOME (where criterion's output is looked for),
# TMPDIR (where the venv lives).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

PINS=(PyKMIP==0.11.0 SQLAlchemy==1.4.54 cryptography==42.0.8)
VENV="${TMPDIR:-/tmp}"
VENV="${VENV%/}/kmip-conform-pykmip-venv"
SECONDS_PER_BENCH="${PYKMIP_BENCH_SECONDS:-5}"

# --- 1. the venv ------------------------------------------------------------
if [[ ! -x "$VENV/bin/python" ]] || ! "$VENV/bin/python" -c '' 2>/dev/null; then
    echo "== creating venv $VENV"
    rm -rf "$VENV"
    "${PYTHON:-python3}" -m venv "$VENV"
fi
STAMP="$VENV/.kmip-conform-pins"
if [[ "$(cat "$STAMP" 2>/dev/null)" != "${PINS[*]}" ]]; then
    echo "== installing ${PINS[*]}"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${PINS[@]}"
    echo "${PINS[*]}" > "$STAMP"
else
    echo "== reusing venv $VENV (${PINS[*]})"
fi
PY="$VENV/bin/python"

# --- where things go ----------------------------------------------------------
if [[ -n "${CARGO_TARGET_DIR:-}" ]]; then
    TARGET_DIR="$CARGO_TARGET_DIR"
else
    TARGET_DIR="$(cargo metadata --format-version 1 --no-deps 2>/dev/null \
        | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' \
        2>/dev/null || echo target)"
fi
CRIT_DIR="${CRITERION_HOME:-$TARGET_DIR/criterion}"
OUT="$TARGET_DIR/pykmip-compare"
mkdir -p "$OUT"
CORPUS="$OUT/corpus.hex"
SUBSET="$OUT/pykmip-subset.hex"

# --- 2. the corpus -------------------------------------------------------------
echo "== exporting corpus to $CORPUS"
cargo run --release --quiet --example export_corpus -- "$CORPUS"

# --- 3. PyKMIP ------------------------------------------------------------------
echo "== PyKMIP codec"
"$PY" benches/pykmip_codec.py "$CORPUS" --seconds "$SECONDS_PER_BENCH" \
    --emit-supported "$SUBSET" | tee "$OUT/pykmip.txt"
PYKMIP_JSON="$(tail -n 1 "$OUT/pykmip.txt")"
if [[ ! -s "$SUBSET" ]]; then
    echo "error: PyKMIP round-trips none of the corpus messages" >&2
    exit 1
fi

# --- 4. ours ----------------------------------------------------------------------
echo "== kmip-conform codec (criterion, subset/)"
BENCH_START="$OUT/.bench-start"
touch "$BENCH_START"
KMIP_BENCH_CORPUS="$SUBSET" cargo bench --bench codec -- --noplot 'subset/'
for id in decode encode decode_168 validate; do
    est="$CRIT_DIR/subset/$id/new/estimates.json"
    if [[ ! "$est" -nt "$BENCH_START" ]]; then
        echo "error: $est missing or not written by this run" >&2
        exit 1
    fi
done

# --- 5. the table -----------------------------------------------------------------
"$PY" - "$PYKMIP_JSON" "$CORPUS" "$SUBSET" "$CRIT_DIR/subset" <<'EOF'
import json, sys

pyk = json.loads(sys.argv[1])
corpus_path, subset_path, crit = sys.argv[2:5]

def lines(path):
    with open(path, encoding="ascii") as f:
        return [l.strip() for l in f
                if l.strip() and not l.lstrip().startswith("#")]

total = len(lines(corpus_path))
subset = [bytes.fromhex(l) for l in lines(subset_path)]
k, nbytes = len(subset), sum(map(len, subset))
one = next((m for m in subset if len(m) == 168 and m[:3] == b"\x42\x00\x78"), None)
if one is None:
    one = next((m for m in subset if len(m) == 168), None)
if one is None:
    one = next((m for m in subset if m[:3] == b"\x42\x00\x78"), None)

def ns(id_):
    with open("%s/%s/new/estimates.json" % (crit, id_)) as f:
        return json.load(f)["mean"]["point_estimate"]

dec, enc, d168, val = ns("decode"), ns("encode"), ns("decode_168"), ns("validate")
ours = {"decode_msgs_per_s": k / (dec * 1e-9),
        "decode_mb_per_s": nbytes / (dec * 1e-9) / 1e6,
        "encode_msgs_per_s": k / (enc * 1e-9),
        "encode_mb_per_s": nbytes / (enc * 1e-9) / 1e6,
        "one_168_byte_request_decode_per_s": 1e9 / d168}
cols = [("decode msgs/s", "decode_msgs_per_s"),
        ("decode MB/s", "decode_mb_per_s"),
        ("encode msgs/s", "encode_msgs_per_s"),
        ("encode MB/s", "encode_mb_per_s"),
        ("%s-byte decode/s" % (len(one) if one else "?"),
         "one_168_byte_request_decode_per_s")]

def fmt(v):
    return "n/a" if v is None else "%.4g" % v if v < 100 else "{:,.0f}".format(v)

rows = [("kmip-conform", [ours[c] for _, c in cols]),
        (pyk["impl"], [pyk.get(c) for _, c in cols])]
ratios = [o / p if p else None for o, p in zip(rows[0][1], rows[1][1])]
rows.append(("ratio ours/PyKMIP", ratios))
width = max(len(h) for h, _ in cols) + 2
print()
print("%-20s" % "implementation" + "".join(h.rjust(width) for h, _ in cols))
for name, vals in rows:
    cells = [("n/a" if v is None else "%.1fx" % v) if name.startswith("ratio")
             else fmt(v) for v in vals]
    print("%-20s" % name + "".join(c.rjust(width) for c in cells))
print()
print("corpus: %d messages; PyKMIP round-trips %d of them (%d bytes), "
      "the subset both were measured on" % (total, k, nbytes))
if one is not None:
    print("single-message decode: %d-byte %s (first request of 168 bytes, else "
          "first message of 168 bytes, else first request)"
          % (len(one), "request" if one[:3] == b"\x42\x00\x78" else "response"))
if pyk.get("decode_msgs_per_s"):
    print("zero-copy validate (no tree): %s msgs/s, %.0fx PyKMIP's decode"
          % ("{:,.0f}".format(k / (val * 1e-9)),
             k / (val * 1e-9) / pyk["decode_msgs_per_s"]))
if pyk.get("messages") != k or pyk.get("total") != total:
    print("warning: PyKMIP reported %s/%s messages, files hold %d/%d"
          % (pyk.get("messages"), pyk.get("total"), k, total))
if pyk.get("one_message_bytes") not in (None, len(one) if one else None):
    print("warning: PyKMIP's single message was %s bytes"
          % pyk["one_message_bytes"])
EOF
