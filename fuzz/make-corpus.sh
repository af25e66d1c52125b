#!/usr/bin/env bash
# Builds the seed corpus in fuzz/corpus/<target>/ (git-ignored): the committed
# seeds (fuzz/seeds/), every OASIS transcript message as canonical TTLV (from
# ../shared/kmip/vectors or $KMIP_VECTORS; © OASIS, so generated, never
# committed), every request our suites send (from a run's JSON report), and the
# suite files themselves for the YAML target.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
OUT="fuzz/corpus"
mkdir -p "$OUT"
for dir in fuzz/seeds/*/; do
    target="$(basename "$dir")"
    mkdir -p "$OUT/$target"
    cp -n "$dir"* "$OUT/$target/" 2>/dev/null || true
done
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
cargo run --quiet --example export_corpus -- "$WORK/oasis.hex"
cargo run --quiet -- --golden off --junit "$WORK/junit.xml" --json "$WORK/report.json" >/dev/null
python3 - "$WORK" "$OUT" <<'PY'
import hashlib, json, os, sys
work, out = sys.argv[1], sys.argv[2]
messages = [bytes.fromhex(l.strip()) for l in open(os.path.join(work, "oasis.hex")) if l.strip()]
report = json.load(open(os.path.join(work, "report.json")))
for case in report["cases"]:
    for exchange in case["exchanges"]:
        messages.append(bytes.fromhex(exchange["request_hex"]))
        if exchange.get("response_hex"):
            messages.append(bytes.fromhex(exchange["response_hex"]))
unique = {hashlib.sha1(m).hexdigest(): m for m in messages}
for target in ("ttlv_decode", "ttlv_roundtrip", "message_parse", "server_connection"):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    for digest, data in unique.items():
        if target == "server_connection" and data[:3] != b"\x42\x00\x78":
            continue
        with open(os.path.join(out, target, digest), "wb") as f:
            f.write(data)
# The tree targets take arbitrary bytes; message bytes make varied trees too.
for target in ("ttlv_structured", "xml_json_roundtrip"):
    os.makedirs(os.path.join(out, target), exist_ok=True)
    for digest, data in list(unique.items())[:500]:
        with open(os.path.join(out, target, digest), "wb") as f:
            f.write(data)
print(f"{len(unique)} distinct messages written to {out}/")
PY
mkdir -p "$OUT/suite_yaml"
cp suites/*.yaml "$OUT/suite_yaml/"
