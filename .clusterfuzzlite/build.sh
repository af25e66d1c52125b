#!/bin/bash -eu
# Builds every fuzz target into $OUT with a seed corpus each, as ClusterFuzzLite
# and OSS-Fuzz expect. Runs locally too:
#   SRC=$PWD/.. OUT=/tmp/kmip-fuzz-out RUSTC_BOOTSTRAP=1 bash .clusterfuzzlite/build.sh
# (RUSTC_BOOTSTRAP=1 lets the stable toolchain take -Zsanitizer, as the
# nightly toolchain of the OSS-Fuzz image does natively.)
cd "$SRC/kmip-conform"
mkdir -p "$OUT"
cargo fuzz build -O
BUILT=fuzz/target/x86_64-unknown-linux-gnu/release
for target in $(cargo fuzz list); do
    cp "$BUILT/$target" "$OUT/"
    if [ -d "fuzz/seeds/$target" ]; then
        python3 - "$OUT/${target}_seed_corpus.zip" "fuzz/seeds/$target" <<'PY'
import os, sys, zipfile
archive, directory = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(archive, "w") as z:
    for name in sorted(os.listdir(directory)):
        z.write(os.path.join(directory, name), name)
PY
    fi
done
echo "built: $(cargo fuzz list | tr '\n' ' ')into $OUT"
