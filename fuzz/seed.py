#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora from the test data in tests/data.

Reads ../tests/data/conformance/*.jsonl (fields `json`, `msgpack`, `cbor`, `flatbuffers` hex; see
that folder's README) and the `bytes_hex` samples of ../tests/data/wamp-proto-testsuite, and
writes one file per input into fuzz/corpus/<target>/, named by its content's SHA-1 (so running
it twice changes nothing). Standard library only.

    python3 fuzz/seed.py            # from the repository root, or from fuzz/
"""

import hashlib
import json
import pathlib
import struct

FUZZ = pathlib.Path(__file__).resolve().parent
SHARED = FUZZ.parent / "tests" / "data"

# The order of `Serializer::ALL`: the batched target's first byte picks one of these.
SERIALIZERS = ["json", "json.batched", "msgpack", "msgpack.batched", "cbor", "cbor.batched",
               "flatbuffers"]
# The roundtrip target's first byte picks the source format.
ROUNDTRIP_SOURCES = ["json", "msgpack", "cbor"]
# The views target's first byte picks the format.
VIEW_FORMATS = ["json", "msgpack", "cbor", "flatbuffers"]


def write(target, data, counts):
    d = FUZZ / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    path = d / hashlib.sha1(data).hexdigest()
    if not path.exists():
        path.write_bytes(data)
        counts[target] = counts.get(target, 0) + 1


def framed(fmt, msgs):
    if fmt == "json":
        return b"".join(m + b"\x18" for m in msgs)
    return b"".join(struct.pack("!L", len(m)) + m for m in msgs)


def inputs():
    """(format, bytes) of every message in the shared data."""
    for path in sorted((SHARED / "conformance").glob("*.jsonl")):
        for line in path.read_text().splitlines():
            if not line.strip():
                continue
            case = json.loads(line)
            yield "json", case["json"].encode()
            for fmt in ("msgpack", "cbor", "flatbuffers"):
                if case.get(fmt):
                    yield fmt, bytes.fromhex(case[fmt])
    for path in sorted((SHARED / "wamp-proto-testsuite").rglob("*.json")):
        try:
            doc = json.loads(path.read_text())
        except ValueError:
            continue
        for sample in doc.get("samples", []) if isinstance(doc, dict) else []:
            for fmt, encodings in sample.get("serializers", {}).items():
                for enc in encodings if isinstance(encodings, list) else []:
                    if fmt in ("json", "msgpack", "cbor", "flatbuffers") and enc.get("bytes_hex"):
                        yield fmt, bytes.fromhex(enc["bytes_hex"])


def main():
    counts = {}
    previous = {}
    for fmt, data in inputs():
        write(fmt, data, counts)
        if fmt in ROUNDTRIP_SOURCES:
            write("roundtrip", bytes([ROUNDTRIP_SOURCES.index(fmt)]) + data, counts)
        write("views", bytes([VIEW_FORMATS.index(fmt)]) + data, counts)
        unbatched = SERIALIZERS.index(fmt)
        write("batched", bytes([unbatched]) + data, counts)
        if fmt != "flatbuffers":
            # A batch of this message and the previous one of the same format.
            batch = [previous[fmt], data] if fmt in previous else [data]
            write("batched", bytes([unbatched + 1]) + framed(fmt, batch), counts)
            previous[fmt] = data
    for target in sorted(counts):
        print(f"fuzz/corpus/{target}: {counts[target]} new seed files")


if __name__ == "__main__":
    main()
