#!/usr/bin/env python3
"""Measure PyKMIP 0.11's TTLV message codec on a corpus of KMIP messages.

Usage: pykmip_codec.py CORPUS_FILE [--seconds N] [--emit-supported OUT_FILE]

CORPUS_FILE holds one hex-encoded TTLV message per line (blank lines and lines
starting with '#' are ignored).  Each message whose top-level tag is
RequestMessage (0x420078) or ResponseMessage (0x42007B) is decoded with
PyKMIP's own codec, ``kmip.core.messages.messages.RequestMessage`` /
``ResponseMessage``, via ``.read(BytearrayStream(data), kmip_version=V)``
and re-encoded with ``.write(BytearrayStream(), kmip_version=V)``, where V is
the ``enums.KMIPVersion`` named by the header's ProtocolVersion.  A message
is "supported" when both steps succeed and the re-encoded bytes equal the
input exactly.  --emit-supported writes those messages (hex, one per line, in
corpus order) so another implementation can be measured on the same subset.

Timed on the supported subset only (time.perf_counter, each for ~N seconds
after one warm-up pass):
  * decode: passes over all supported messages, each message decoded from its
    bytes (building the BytearrayStream is included);
  * encode: passes writing every pre-decoded message object to a new stream;
  * one message: repeated decodes of the first supported request of exactly
    168 bytes, else the first supported message of 168 bytes, else the first
    supported request (the rule benches/codec.rs uses too).
Rates use MB = 1e6 bytes.  Human-readable lines are printed first and a JSON
summary is printed as the last line of stdout.
"""

import argparse
import collections
import json
import logging
import sys
import time
import warnings

# PyKMIP logs through the standard logging module; keep it quiet.
logging.disable(logging.CRITICAL)

with warnings.catch_warnings():
    # Importing `kmip` also imports its SQLAlchemy/cryptography based parts,
    # which emit deprecation warnings unrelated to the codec.
    warnings.simplefilter("ignore")
    from kmip.core import enums
    from kmip.core.messages import messages
    from kmip.core.utils import BytearrayStream

REQUEST_TAG = 0x420078
RESPONSE_TAG = 0x42007B
KINDS = {REQUEST_TAG: ("request", messages.RequestMessage),
         RESPONSE_TAG: ("response", messages.ResponseMessage)}
VERSIONS = {(1, 0): enums.KMIPVersion.KMIP_1_0,
            (1, 1): enums.KMIPVersion.KMIP_1_1,
            (1, 2): enums.KMIPVersion.KMIP_1_2,
            (1, 3): enums.KMIPVersion.KMIP_1_3,
            (1, 4): enums.KMIPVersion.KMIP_1_4,
            (2, 0): enums.KMIPVersion.KMIP_2_0}
ONE_MESSAGE_SIZE = 168


def read_corpus(path):
    """Return the list of (line_number, text) message lines of the corpus."""
    out = []
    with open(path, encoding="ascii") as f:
        for number, line in enumerate(f, 1):
            line = line.strip()
            if line and not line.startswith("#"):
                out.append((number, line))
    return out


def u32(data, offset):
    return int.from_bytes(data[offset:offset + 4], "big")


def header_version(data):
    """(major, minor) from a canonically laid-out header, or None.

    Message(8) > Header(8) > ProtocolVersion(8) > Major(8+8) > Minor(8+8):
    the tags are checked before the values at offsets 32 and 48 are used.
    """
    if len(data) < 56:
        return None
    if (u32(data, 16) >> 8 != 0x420069 or u32(data, 24) >> 8 != 0x42006A
            or u32(data, 40) >> 8 != 0x42006B):
        return None
    return u32(data, 32), u32(data, 48)


def encode(obj, version):
    stream = BytearrayStream()
    obj.write(stream, kmip_version=version)
    return bytes(stream.buffer)


def try_round_trip(text):
    """Return (entry, None) for a supported message, else (None, reason)."""
    try:
        data = bytes.fromhex(text)
    except ValueError:
        return None, "not valid hex"
    if len(data) < 8 or (u32(data, 0) >> 8) not in KINDS:
        return None, "top-level tag is not RequestMessage/ResponseMessage"
    kind, cls = KINDS[u32(data, 0) >> 8]
    pv = header_version(data)
    if pv is None:
        return None, "no canonical ProtocolVersion in header"
    version = VERSIONS.get(pv)
    if version is None:
        return None, "protocol version %d.%d unknown to PyKMIP" % pv
    try:
        stream = BytearrayStream(data)
        obj = cls()
        obj.read(stream, kmip_version=version)
    except Exception as e:  # PyKMIP raises many exception types
        return None, "decode failed: %s" % type(e).__name__
    if len(stream) != 0:
        return None, "decode left %d trailing bytes" % len(stream)
    try:
        out = encode(obj, version)
    except Exception as e:
        return None, "encode failed: %s" % type(e).__name__
    if out != data:
        return None, "re-encoded bytes differ"
    return {"data": data, "kind": kind, "cls": cls, "version": version,
            "obj": obj}, None


def timed(body, seconds):
    """Run body() (one unit of work) once to warm up, then for ~seconds.

    Returns (units_done, elapsed_seconds).
    """
    body()
    units = 0
    start = time.perf_counter()
    deadline = start + seconds
    while True:
        body()
        units += 1
        now = time.perf_counter()
        if now >= deadline:
            return units, now - start


def bench(supported, seconds):
    items = [(e["cls"], e["data"], e["version"]) for e in supported]
    objects = [(e["obj"], e["version"]) for e in supported]

    def decode_pass():
        for cls, data, version in items:
            cls().read(BytearrayStream(data), kmip_version=version)

    def encode_pass():
        for obj, version in objects:
            obj.write(BytearrayStream(), kmip_version=version)

    dec_passes, dec_t = timed(decode_pass, seconds)
    enc_passes, enc_t = timed(encode_pass, seconds)
    # The benchmark must not have disturbed the objects being encoded.
    for e in supported:
        assert encode(e["obj"], e["version"]) == e["data"]

    one = next((e for e in supported if len(e["data"]) == ONE_MESSAGE_SIZE
                and e["kind"] == "request"), None)
    if one is None:
        one = next((e for e in supported
                    if len(e["data"]) == ONE_MESSAGE_SIZE), None)
    if one is None:
        one = next((e for e in supported if e["kind"] == "request"), None)
    one_rate = None
    if one is not None:
        cls, data, version = one["cls"], one["data"], one["version"]

        def one_batch():  # 50 decodes per clock check
            for _ in range(50):
                cls().read(BytearrayStream(data), kmip_version=version)

        batches, one_t = timed(one_batch, seconds)
        one_rate = batches * 50 / one_t
    return {"decode": (dec_passes, dec_t), "encode": (enc_passes, enc_t),
            "one": one, "one_rate": one_rate}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("corpus")
    ap.add_argument("--seconds", type=float, default=5.0,
                    help="time budget for each measurement (default 5)")
    ap.add_argument("--emit-supported", metavar="OUT_FILE")
    ap.add_argument("--verbose", action="store_true",
                    help="print one line per corpus message")
    args = ap.parse_args(argv)

    corpus = read_corpus(args.corpus)
    supported, reasons = [], collections.Counter()
    for number, text in corpus:
        entry, reason = try_round_trip(text)
        if entry is None:
            reasons[reason] += 1
        else:
            supported.append(entry)
        if args.verbose:
            print("line %d: %s" % (number, reason or "supported (%s, %d B)"
                                   % (entry["kind"], len(entry["data"]))))

    if args.emit_supported:
        with open(args.emit_supported, "w", encoding="ascii") as f:
            for e in supported:
                f.write(e["data"].hex() + "\n")

    k = len(supported)
    nbytes = sum(len(e["data"]) for e in supported)
    print("PyKMIP %s codec, corpus %s" % (getattr(
        sys.modules.get("kmip"), "__version__", "?"), args.corpus))
    print("round-trip supported: %d of %d messages (%d bytes)"
          % (k, len(corpus), nbytes))
    for reason, count in reasons.most_common():
        print("  unsupported x%d: %s" % (count, reason))

    summary = {"impl": "pykmip-0.11", "messages": k, "total": len(corpus),
               "bytes": nbytes, "decode_msgs_per_s": None,
               "decode_mb_per_s": None, "encode_msgs_per_s": None,
               "encode_mb_per_s": None,
               "one_168_byte_request_decode_per_s": None,
               "one_message_bytes": None, "seconds": args.seconds}
    if k:
        r = bench(supported, args.seconds)
        for name in ("decode", "encode"):
            passes, elapsed = r[name]
            msgs = passes * k / elapsed
            mb = passes * nbytes / elapsed / 1e6
            summary[name + "_msgs_per_s"] = round(msgs, 1)
            summary[name + "_mb_per_s"] = round(mb, 4)
            print("%s: %.1f msgs/s, %.4f MB/s (%d passes in %.2f s)"
                  % (name, msgs, mb, passes, elapsed))
        if r["one"] is not None:
            size = len(r["one"]["data"])
            summary["one_168_byte_request_decode_per_s"] = round(
                r["one_rate"], 1)
            summary["one_message_bytes"] = size
            print("one %d-byte %s: %.1f decodes/s" % (
                size, r["one"]["kind"], r["one_rate"]))
    else:
        print("nothing to benchmark: no message round-trips")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
