"""Generates and re-judges the autobahn-judged conformance corpus (see README.md beside this file).

Run it with the python of the venv `.ci/install-autobahn.sh` prints (autobahn-python 26.10.2,
cbor2 6.3.0, msgpack 1.2.4):

    PY=$(.ci/install-autobahn.sh)
    $PY tests/data/conformance/generate.py templates > autobahn-26.10.2-templates.jsonl
    $PY tests/data/conformance/generate.py --seed 2 > autobahn-26.10.2-seed2.jsonl
    $PY tests/data/conformance/generate.py --rejudge autobahn-26.10.2.jsonl

Every message is written as autobahn's JSON serializer writes it and then judged by autobahn
itself: the verdict and the other formats are whatever autobahn's own classes make of it, never
what this script expects. The messages are our templates (TEMPLATES) and seeded random
mutations of them (MUTATIONS); the same seed always gives the same file.

`--rejudge FILE` judges the `json` of every case of FILE again and compares the record with the
line, byte for byte; it prints the cases that differ and exits 1 if any does.
"""

import argparse
import base64
import json
import random
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

# ------------------------------------------------------------------------------------------------
# Judging: one record per message, in the format README.md describes.


def json_safe(value):
    """A marshalled value as the corpus writes it: bytes as "\\u0000" + base64, tuples as lists."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "\x00" + base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    return value


def failure(exc):
    """An exception as `flatbuffers_error` names it."""
    return f"{type(exc).__name__}: {exc}"


def message_type(raw):
    """The code in the first element, or None when there is no int there."""
    if isinstance(raw, list) and raw and type(raw[0]) is int:
        return raw[0]
    return None


def judge(case_id, text):
    """The corpus record of the message whose autobahn JSON is `text`."""
    wire = text.encode("utf8")
    # the raw value, as autobahn's JSON object serializer reads it (bytes from "\u0000...")
    [raw] = JsonSerializer()._serializer.unserialize(wire)
    record = {"id": case_id, "type": message_type(raw), "json": text}
    try:
        # what a session does with a JSON frame: unserialize, then the message class's parse
        [msg] = JsonSerializer().unserialize(wire, isBinary=False)
    except Exception as exc:  # every refusal, whatever its class, is a verdict to record
        record.update(accept=False, error=type(exc).__name__, why=str(exc))
        return record
    record["accept"] = True
    record["marshal"] = json_safe(msg.marshal())
    # the message as it came, in the binary formats (unknown keys included)
    record["msgpack"] = MsgPackSerializer()._serializer.serialize(raw).hex()
    record["cbor"] = CBORSerializer()._serializer.serialize(raw).hex()
    try:
        fbs, _ = FlatBuffersSerializer().serialize(msg)
    except Exception as exc:
        record["flatbuffers_error"] = failure(exc)
        return record
    record["flatbuffers"] = fbs.hex()
    try:
        # autobahn's FlatBuffers messages decode lazily: marshal() is where its reader fails
        [back] = FlatBuffersSerializer().unserialize(fbs, isBinary=True)
        record["flatbuffers_marshal"] = json_safe(back.marshal())
    except Exception as exc:
        record["flatbuffers_error"] = failure(exc)
    return record


def to_json(message):
    """`message` as autobahn's JSON serializer writes it."""
    data = JsonSerializer()._serializer.serialize(message)
    return data.decode("utf8")


def record_line(record):
    """One corpus line (sorted keys, ASCII, Python's default separators)."""
    return json.dumps(record, sort_keys=True)


# ------------------------------------------------------------------------------------------------
# Templates: well-formed examples of the 25 messages, after the WAMP specification's examples.

TOPIC = "com.myapp.mytopic1"
PROC = "com.myapp.myprocedure1"
PRINCIPAL = {"session": 1, "authid": "a", "authrole": "r"}
ENC = {"enc_algo": "cryptobox", "enc_key": "key1", "enc_serializer": "cbor"}
ROLES_CLIENT = {"subscriber": {}, "publisher": {"features": {"subscriber_blackwhite_listing": True}}}
ROLES_ROUTER = {"broker": {"features": {"publisher_exclusion": True}}, "dealer": {}}

TEMPLATES = {
    1: [
        [1, "somerealm", {"roles": ROLES_CLIENT}],
        [1, "com.example.realm", {"roles": {"caller": {}, "callee": {"features": {"call_canceling": True}}},
                                  "authmethods": ["wampcra", "anonymous"], "authid": "peter",
                                  "authrole": "guest", "resumable": True}],
    ],
    2: [
        [2, 9129137332, {"roles": ROLES_ROUTER}],
        [2, 1, {"roles": {"dealer": {"features": {"progressive_call_results": True}}},
                "authid": "peter", "authrole": "guest", "authmethod": "wampcra",
                "authprovider": "static", "resumable": True, "resume_token": "tok"}],
    ],
    3: [
        [3, {}, "wamp.error.no_such_realm"],
        [3, {"message": "The realm does not exist."}, "wamp.error.no_such_realm"],
    ],
    4: [
        [4, "wampcra", {"challenge": "{\"nonce\": \"LHRTC9zeOIrt_9U3\"}"}],
        [4, "cryptosign", {}],
    ],
    5: [
        [5, "gir1mSx+deCDUV7wRM5SGIn/+R/ClqLZuH4m7FJeBVI=", {}],
        [5, "secret", {"channel_binding": None}],
    ],
    6: [
        [6, {}, "wamp.close.close_realm"],
        [6, {"message": "The host is shutting down now."}, "wamp.close.system_shutdown"],
        [6, {}, "wamp.close.goodbye_and_out"],
    ],
    8: [
        [8, 34, 713845233, {}, "wamp.error.no_such_subscription"],
        [8, 48, 7814135, {}, "com.myapp.error.object_write_protected", ["Object is write protected."],
         {"severity": 3}],
        [8, 68, 6131533, {"callee": 3, "callee_authid": "bob", "callee_authrole": "svc"},
         "com.myapp.error.bad_input", [2]],
        [8, 48, 7814135, dict(ENC), "wamp.error.runtime_error", b"\x01\x02\x03"],
    ],
    16: [
        [16, 239714735, {}, TOPIC],
        [16, 239714735, {}, TOPIC, ["Hello, world!"]],
        [16, 239714735, {"acknowledge": True, "exclude_me": False, "exclude": [7891255, 1245751],
                         "eligible_authrole": ["admin"], "retain": True},
         TOPIC, [], {"color": "orange", "sizes": [23, 42, 7]}],
        [16, 7, dict(ENC), "com.myapp.secret", b"\x01\x02\x03"],
        # autobahn 26.10.2 takes a string or bytes for `args` when `kwargs` follows
        [16, 239714735, {}, TOPIC, "Hello, world!", {"color": "orange"}],
        [16, 239714735, {}, TOPIC, b"\xca\xfe", {"sizes": [23, 42]}],
    ],
    17: [[17, 239714735, 4429313566]],
    32: [
        [32, 713845233, {}, TOPIC],
        [32, 713845233, {"match": "prefix"}, "com.myapp"],
        [32, 713845233, {"match": "wildcard"}, "com..topic"],
        [32, 713845233, {"get_retained": True}, TOPIC],
    ],
    33: [[33, 713845233, 5512315355]],
    34: [[34, 85346237, 5512315355]],
    35: [[35, 85346237], [35, 0, {"subscription": 5512315355, "reason": "wamp.error.x"}]],
    36: [
        [36, 5512315355, 4429313566, {}],
        [36, 5512315355, 4429313566, {"publisher": 3335656, "topic": TOPIC}, ["Hello, world!"]],
        [36, 5512315355, 4429313566, {"retained": True}, [], {"color": "orange"}],
        [36, 5512315355, 4429313566, dict(ENC), b"\x01\x02"],
    ],
    48: [
        [48, 7814135, {}, "com.myapp.ping"],
        [48, 7814135, {"timeout": 1000, "receive_progress": True}, "com.myapp.echo", ["Hello, world!"]],
        [48, 7814135, {}, "com.myapp.user.new", ["johnny"], {"firstname": "John", "surname": "Doe"}],
        [48, 7814135, dict(ENC), "com.myapp.secret", b"\x00\xff"],
    ],
    49: [[49, 7814135, {}], [49, 7814135, {"mode": "kill"}], [49, 7814135, {"mode": "killnowait"}]],
    50: [
        [50, 7814135, {}],
        [50, 7814135, {}, [30]],
        [50, 7814135, {"progress": True}, [], {"userid": 123, "karma": 10}],
        [50, 7814135, dict(ENC), b"\x10"],
    ],
    64: [
        [64, 25349185, {}, PROC],
        [64, 25349185, {"match": "prefix"}, "com.myapp."],
        [64, 25349185, {"match": "wildcard", "invoke": "roundrobin"}, "com..create"],
        [64, 25349185, {"concurrency": 2, "force_reregister": True}, PROC],
    ],
    65: [[65, 25349185, 2103333224]],
    66: [[66, 788923562, 2103333224]],
    67: [[67, 788923562], [67, 0, {"registration": 2103333224, "reason": "wamp.error.x"}]],
    68: [
        [68, 6131533, 9823526, {}],
        [68, 6131533, 9823526, {"caller": 7, "procedure": PROC}, ["Hello, world!"]],
        [68, 6131533, 9823526, {"receive_progress": True}, [], {"firstname": "John"}],
        [68, 6131533, 9823526, dict(ENC), b"\x01"],
    ],
    69: [[69, 6131533, {}], [69, 6131533, {"mode": "killnowait"}], [69, 6131533, {"reason": "wamp.error.x"}]],
    70: [
        [70, 6131533, {}],
        [70, 6131533, {}, ["Hello, world!"]],
        [70, 6131533, {"progress": True}, [], {"userid": 123}],
        [70, 6131533, dict(ENC), b"\x02"],
    ],
}

# What each element after the code is, per message: the table the mutations work from.
# id: an ID; dict: options/details; uri: a URI; str: a string; args/kwargs/payload: payload;
# code: ERROR's request type.
SHAPES = {
    1: ["uri", "dict"], 2: ["id", "dict"], 3: ["dict", "uri"], 4: ["str", "dict"],
    5: ["str", "dict"], 6: ["dict", "uri"], 8: ["code", "id", "dict", "uri", "args", "kwargs"],
    16: ["id", "dict", "uri", "args", "kwargs"], 17: ["id", "id"], 32: ["id", "dict", "uri"],
    33: ["id", "id"], 34: ["id", "id", "dict"], 35: ["id", "dict"], 36: ["id", "id", "dict", "args", "kwargs"],
    48: ["id", "dict", "uri", "args", "kwargs"], 49: ["id", "dict"], 50: ["id", "dict", "args", "kwargs"],
    64: ["id", "dict", "uri"], 65: ["id", "id"], 66: ["id", "id", "dict"], 67: ["id", "dict"],
    68: ["id", "id", "dict", "args", "kwargs"], 69: ["id", "dict"], 70: ["id", "dict", "args", "kwargs"],
}

# The options/details keys autobahn reads, per message (from the WAMP specification's lists).
KEYS = {
    1: ["roles", "authmethods", "authid", "authrole", "authextra", "resumable", "resume-session", "resume-token"],
    2: ["roles", "realm", "authid", "authrole", "authmethod", "authprovider", "authextra", "resumed",
        "resumable", "resume_token", "x_custom"],
    3: ["message"], 4: [], 5: [], 6: ["message", "resumable"],
    8: ["callee", "callee_authid", "callee_authrole", "forward_for", "enc_algo", "enc_key", "enc_serializer"],
    16: ["acknowledge", "exclude_me", "exclude", "exclude_authid", "exclude_authrole", "eligible",
         "eligible_authid", "eligible_authrole", "retain", "transaction_hash", "forward_for",
         "enc_algo", "enc_key", "enc_serializer"],
    32: ["match", "get_retained", "forward_for"], 34: ["forward_for"], 35: ["subscription", "reason"],
    36: ["publisher", "publisher_authid", "publisher_authrole", "topic", "retained", "transaction_hash",
         "x_acknowledged_delivery", "forward_for", "enc_algo", "enc_key", "enc_serializer"],
    48: ["timeout", "receive_progress", "transaction_hash", "caller", "caller_authid", "caller_authrole",
         "forward_for", "enc_algo", "enc_key", "enc_serializer"],
    49: ["mode", "forward_for"],
    50: ["progress", "callee", "callee_authid", "callee_authrole", "forward_for", "enc_algo", "enc_key",
         "enc_serializer"],
    64: ["match", "invoke", "concurrency", "force_reregister", "forward_for"], 66: ["forward_for"],
    67: ["registration", "reason"],
    68: ["timeout", "receive_progress", "caller", "caller_authid", "caller_authrole", "procedure",
         "transaction_hash", "forward_for", "enc_algo", "enc_key", "enc_serializer"],
    69: ["mode", "reason", "forward_for"],
    70: ["progress", "callee", "callee_authid", "callee_authrole", "forward_for", "enc_algo", "enc_key",
         "enc_serializer"],
}
ALL_KEYS = sorted({k for keys in KEYS.values() for k in keys} | {"registration", "subscription"})

# Value pools. Integers stay within what every format carries (no bigger than 2^64 - 1, no
# smaller than -2^63); JSON's non-finite floats are left out (they are not JSON). Two things
# autobahn accepts and the crate refuses on purpose (DEVIATIONS.md: "URIs end at their last
# character", "Integers are 64-bit") are left out too: every case autobahn accepts is one the
# tests decode, and those two are held by the crate's unit tests instead. So no URI ends in a
# newline, and the values an option may hold (SCALARS, COMPOUNDS) stay within i64; IDs and
# payload values still reach 2^64 - 1.
IDS = [0, 1, 2**53 - 1, 2**53, 2**53 + 1, 2**63 - 1, 2**63, 2**64 - 1, -1, -(2**53), -(2**63),
       1.0, 0.5, True, False, None, "1", b"\x01", [1], {}]
# the IDs that may also stand in an option's place (within i64)
OPTION_INTS = [i for i in IDS if type(i) is int and -(2**63) <= i < 2**63]
URIS = ["com.myapp.topic", "com", "a.b.c", "com.myapp.", ".com.myapp", "com..myapp", "", ".", "..",
        "com.my app", "com.my\tapp", "com.myapp#", "com.myapp.topic\n.x", "Com.MyApp.Topic", "com.my-app",
        "com.ü.x", "com.٣", "com.日本.話", "wamp.error.x", "x" * 300, "com.*.x", "com.\u00a0.x",
        None, 7, 1.5, True, [], {}, b"com"]
SCALARS = [None, True, False, 0, 1, -1, 2**31, 2**53 + 1, 2**63 - 1, -(2**63), 0.0, -0.0, 1.5, 1e300,
           -2.5e-300, "", "a", "x_", "kill", "skip", "killnowait", "exact", "prefix", "wildcard",
           "single", "first", "last", "roundrobin", "random", "all", "cryptobox", "mqtt", "xbr",
           "x_custom", "json", "msgpack", "cbor", "ubjson", "flatbuffers", "ünïcödé", "😀",
           "com.x.", "a b", b"", b"\x00", b"\xff\xfe", "\u0000", "0xabcd"]
COMPOUNDS = [[], [1, 2], ["a", "b"], [1, "a"], [None], [[1]], {}, {"k": 1}, {"": None},
             [dict(PRINCIPAL)], [dict(PRINCIPAL, session="1")], [{"session": 1}], [1.5], [True],
             {"features": {"x": True}}, {"subscriber": {}}, {"broker": {}, "dealer": {}},
             {"caller": {"features": {"progressive_call_results": "yes"}}}]
PAYLOAD_VALUES = [None, True, 0, -1, 2**64 - 1, -(2**63), 0.1, -0.0, 1e-300, "", "ünï\u2028",
                  "\U0001f600", "\u0000", b"", b"\x00\xff", [], {}, {"": 1}, {"k": {"deep": [1, [2, [3]]]}},
                  [[[[[]]]]], {"a": b"\x01", "b": [b"\x02"]}]


def any_value(rng):
    """A value for an element or an option: anything but an integer beyond i64."""
    return rng.choice(SCALARS + COMPOUNDS + OPTION_INTS + URIS)


def payload_value(rng, depth=0):
    """A random args/kwargs value: scalars, bytes, non-ASCII, nesting."""
    roll = rng.random()
    if depth < 3 and roll < 0.25:
        return [payload_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    if depth < 3 and roll < 0.4:
        return {rng.choice(["a", "k", "ü", "", "x_y", "0"]): payload_value(rng, depth + 1)
                for _ in range(rng.randrange(4))}
    return rng.choice(PAYLOAD_VALUES)


# ------------------------------------------------------------------------------------------------
# Mutations: each takes (rng, message) and changes the copy it is given in place.


def positions(msg, kind):
    """The indexes of `msg` whose shape is `kind`."""
    return [i + 1 for i, k in enumerate(SHAPES[msg[0]]) if k == kind and i + 1 < len(msg)]


def dict_position(msg):
    found = positions(msg, "dict")
    return found[0] if found and isinstance(msg[found[0]], dict) else None


def wrong_arity(rng, msg):
    if len(msg) > 1 and rng.random() < 0.5:
        del msg[rng.randrange(1, len(msg)):]
    else:
        msg.extend(any_value(rng) for _ in range(rng.randrange(1, 4)))


def wrong_element(rng, msg):
    if len(msg) > 1:
        msg[rng.randrange(1, len(msg))] = any_value(rng)


def edge_id(rng, msg):
    found = positions(msg, "id")
    if found:
        msg[rng.choice(found)] = rng.choice(IDS)


def bad_uri(rng, msg):
    found = positions(msg, "uri")
    if found:
        msg[rng.choice(found)] = rng.choice(URIS)


def option_value(rng, msg):
    """A known key of this message (or of another) with a random value."""
    at = dict_position(msg)
    if at is not None:
        keys = KEYS.get(msg[0]) or ALL_KEYS
        key = rng.choice(keys if rng.random() < 0.7 else ALL_KEYS)
        msg[at][key] = any_value(rng)


def unknown_option(rng, msg):
    at = dict_position(msg)
    if at is not None:
        key = rng.choice(["x_custom", "x_", "x_Bad", "unknown", "ü", "", "_private", "x_a1"])
        msg[at][key] = any_value(rng)


def drop_option(rng, msg):
    at = dict_position(msg)
    if at is not None and msg[at]:
        del msg[at][rng.choice(sorted(msg[at]))]


def match_and_invoke(rng, msg):
    at = dict_position(msg)
    if at is not None:
        msg[at]["match"] = rng.choice(["exact", "prefix", "wildcard", "regex", "", None, 1])
        if msg[0] == 64:
            msg[at]["invoke"] = rng.choice(["single", "first", "last", "roundrobin", "random", "all", 1])
        uris = positions(msg, "uri")
        if uris and rng.random() < 0.6:
            msg[uris[0]] = rng.choice(["com.myapp.", "com..x", "com.myapp", "", ".x", "x.", "com.a b"])


def transparency(rng, msg):
    """A transparent payload (bytes or str) with valid or invalid enc_* options."""
    at = dict_position(msg)
    args = positions(msg, "args") or ([len(msg)] if "args" in SHAPES[msg[0]] else [])
    if at is None or not args:
        return
    del msg[args[0]:]
    msg.append(rng.choice([b"\x01\x02\x03", b"", "str-payload", b"\xff" * 40]))
    for key, good in ENC.items():
        if rng.random() < 0.7:
            msg[at][key] = good if rng.random() < 0.6 else any_value(rng)


def payload_shape(rng, msg):
    """args/kwargs of every shape: nested, binary, non-ASCII, floats; lists, strings, bytes."""
    start = positions(msg, "args") or ([len(msg)] if "args" in SHAPES[msg[0]] else [])
    if not start:
        return
    del msg[start[0]:]
    shapes = [
        lambda: [payload_value(rng) for _ in range(rng.randrange(5))],
        lambda: rng.choice(["", "text", "ünï", b"", b"\x01"]),
        lambda: payload_value(rng),
    ]
    msg.append(rng.choice(shapes)() if rng.random() < 0.4 else shapes[0]())
    if rng.random() < 0.7:
        kwargs = {k: payload_value(rng) for k in rng.sample(["a", "b", "ü", "", "0", "x"], rng.randrange(4))}
        msg.append(kwargs if rng.random() < 0.8 else rng.choice(["kw", b"\x00", [kwargs], 1]))


MUTATIONS = [wrong_arity, wrong_element, edge_id, bad_uri, option_value, unknown_option, drop_option,
             match_and_invoke, transparency, payload_shape]
# the mutations that make sense only for some messages
APPLIES = {match_and_invoke: {32, 64}}


def mutate(rng, template):
    msg = json.loads(json.dumps(json_safe(template)))  # a deep copy, bytes in the corpus' form
    msg = restore_bytes(msg)
    choices = [m for m in MUTATIONS if msg[0] in APPLIES.get(m, {msg[0]})]
    for mutation in rng.sample(choices, rng.choice([1, 1, 1, 2, 2, 3])):
        mutation(rng, msg)
    return msg


def restore_bytes(value):
    """The inverse of json_safe for the bytes in a copied template."""
    if isinstance(value, str) and value.startswith("\x00"):
        return base64.b64decode(value[1:])
    if isinstance(value, list):
        return [restore_bytes(v) for v in value]
    if isinstance(value, dict):
        return {k: restore_bytes(v) for k, v in value.items()}
    return value


# Values that are not WAMP messages at all, for the serializer-level checks.
NOT_MESSAGES = [[], [None], ["16"], [16.0, 1, {}, "a.b"], [True, 1], [-16], [2**53], [7], [37, 5],
                [9999], [0], [[16]], [{"16": 1}], [b"\x10"]]


# ------------------------------------------------------------------------------------------------


def generate_templates():
    for code, templates in TEMPLATES.items():
        for k, template in enumerate(templates):
            yield judge(f"{code}-o{k}", to_json(template))


def generate_mutations(seed, per_type):
    rng = random.Random(seed)
    for code, templates in TEMPLATES.items():
        for k in range(per_type):
            yield judge(f"{code}-m{seed}-{k}", to_json(mutate(rng, rng.choice(templates))))
    for k, value in enumerate(rng.sample(NOT_MESSAGES, 6)):
        yield judge(f"x-m{seed}-{k}", to_json(value))


def rejudge(path):
    differing = 0
    total = 0
    with open(path, encoding="utf8") as corpus:
        for line in corpus:
            if not line.strip():
                continue
            total += 1
            case = json.loads(line)
            again = record_line(judge(case["id"], case["json"]))
            if again != line.rstrip("\n"):
                differing += 1
                print(f"{case['id']}: recorded {line.rstrip()}\n{'':>{len(case['id'])}}  rejudged {again}")
    print(f"{path}: {total} cases, {total - differing} reproduced, {differing} differ", file=sys.stderr)
    return 1 if differing else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", nargs="?", choices=["mutations", "templates"], default="mutations")
    parser.add_argument("--seed", type=int, default=1, help="the mutations' random seed")
    parser.add_argument("--per-type", type=int, default=40, help="mutations per message type")
    parser.add_argument("--rejudge", metavar="FILE", help="re-judge FILE and compare, writing nothing")
    args = parser.parse_args()
    if args.rejudge:
        return rejudge(args.rejudge)
    records = generate_templates() if args.what == "templates" else generate_mutations(args.seed, args.per_type)
    for record in records:
        print(record_line(record))
    return 0


if __name__ == "__main__":
    sys.exit(main())
