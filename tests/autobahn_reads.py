"""Reads WAMP messages with autobahn-python's own serializers; driven by tests/autobahn_reads.rs.

stdin: one JSON object a line, {"id": ..., "format": "json"|"msgpack"|"cbor"|"flatbuffers",
"hex": "<message bytes>"}. stdout: one JSON object a line per input line, in order:
{"id", "format", "marshal": <marshal() of the message autobahn read>} or {"id", "format",
"error": "<exception class>: <message>"}.

The bytes go through the classes autobahn uses on the wire (`JsonSerializer`,
`MsgPackSerializer`, `CBORSerializer`, `FlatBuffersSerializer`, `.unserialize(payload,
isBinary)`), one instance per format, as a session would hold them. `marshal` is made JSON-safe
the way tests/data/conformance encodes its `marshal` and `flatbuffers_marshal` fields, so the Rust
side compares JSON values exactly: bytes as "\\u0000" + standard base64, tuples as lists. Anything
else JSON cannot carry exactly (a non-string map key, a non-finite float, an object of another
type) is an error naming it rather than a silent conversion, so that it cannot compare equal by
accident.
"""

import base64
import json
import math
import sys

import txaio

# autobahn's Serializer reads the clock through txaio, which needs a framework chosen first; no
# event loop is run.
txaio.use_asyncio()

from autobahn.wamp.serializer import (  # noqa: E402 (after the framework choice)
    CBORSerializer,
    FlatBuffersSerializer,
    JsonSerializer,
    MsgPackSerializer,
)

# format name -> (serializer instance, isBinary as the transport would report it)
SERIALIZERS = {
    "json": (JsonSerializer(), False),
    "msgpack": (MsgPackSerializer(), True),
    "cbor": (CBORSerializer(), True),
    "flatbuffers": (FlatBuffersSerializer(), True),
}


class NotJsonSafe(Exception):
    pass


def json_safe(obj, path="marshal"):
    """`obj` with bytes as "\\u0000" + base64 (the corpus' convention); strict about the rest."""
    # bool before int: bool is a subclass of int, and both are JSON as they are
    if obj is None or isinstance(obj, (bool, int, str)):
        return obj
    if isinstance(obj, float):
        if not math.isfinite(obj):
            raise NotJsonSafe(f"{path}: non-finite float {obj!r}")
        return obj
    if isinstance(obj, (bytes, bytearray, memoryview)):
        return "\x00" + base64.b64encode(bytes(obj)).decode("ascii")
    if isinstance(obj, (list, tuple)):
        return [json_safe(v, f"{path}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            if not isinstance(k, str):
                raise NotJsonSafe(f"{path}: non-string key {k!r}")
            out[k] = json_safe(v, f"{path}[{k!r}]")
        return out
    raise NotJsonSafe(f"{path}: {type(obj).__name__} {obj!r}")


def read(fmt, payload):
    serializer, is_binary = SERIALIZERS[fmt]
    msgs = serializer.unserialize(payload, is_binary)
    if len(msgs) != 1:
        raise ValueError(f"{len(msgs)} messages in one payload")
    # marshal() is inside the caller's try: for FlatBuffers it is where autobahn reads the
    # fields (lazily, from the buffer), so a failure there is a failure to read our bytes.
    return json_safe(msgs[0].marshal())


def main():
    out = sys.stdout
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        reply = {"id": req["id"], "format": req["format"]}
        try:
            reply["marshal"] = read(req["format"], bytes.fromhex(req["hex"]))
        except Exception as e:  # every failure is a result to report, never the end of the run
            reply["error"] = f"{type(e).__name__}: {e}"
        out.write(json.dumps(reply, ensure_ascii=True, allow_nan=False) + "\n")
    out.flush()


if __name__ == "__main__":
    main()
