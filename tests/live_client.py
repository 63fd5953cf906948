"""Drives the example broker with autobahn-python clients (run by tests/broker_live.rs).

    live_client.py HOST WS_PORT RS_PORT PAIR...

Each PAIR is `A+B`, each side `ws:SERIALIZER` or `rs:SERIALIZER` (`ws:json.batched`,
`rs:cbor`, ...). Side A subscribes and provides procedures, side B publishes and calls; every
check below runs for each pair. One line per pair: `ok PAIR` or `FAIL PAIR: why`; the exit
status is 1 if any pair failed.

The payload mixes what each serializer carries differently (bytes, non-ASCII text, 2^53,
nesting), and every value is compared with its type, so that a `str` arriving for `bytes`
fails. Absence (an EVENT that must not arrive) is checked by order, never by waiting: the
publisher then publishes a marker on a topic the subscriber still holds, and the marker must be
the next EVENT the subscriber sees, since the broker keeps each publisher's order.
"""

import asyncio
import sys

from autobahn.asyncio.rawsocket import WampRawSocketClientFactory
from autobahn.asyncio.wamp import ApplicationSession
from autobahn.asyncio.websocket import WampWebSocketClientFactory
from autobahn.wamp.exception import ApplicationError
from autobahn.wamp.serializer import create_transport_serializer
from autobahn.wamp.types import CallResult, ComponentConfig, PublishOptions

REALM = "live.realm"
PAIR_TIMEOUT = 20.0
STEP_TIMEOUT = 5.0

ARGS = [
    b"\x00\x01\xfe\xff",
    "gr\u00fc\u00dfe \u2713 \u65e5\u672c \U0001f600",
    2**53,
    -(2**53),
    [1, [2, [3, {"k": [b"\x01", None, True]}]]],
    {"nested": {"list": [False, 1.5, "x"]}},
]
KWARGS = {
    "bin": b"\xff\x00",
    "text": "\u00fcn\u00efc\u00f8d\u00e9",
    "big": 2**53,
    "deep": {"a": [{"b": [1, 2, {"c": "d"}]}]},
}
ERROR_URI = "com.live.error.oops"
ERROR_ARGS = ["bad \u00e4rgument", 2**53, b"\x07"]
ERROR_KWARGS = {"field": "x", "limits": [1, 2]}


def typed(value):
    """`value` with the type of every part, so that equality also compares types."""
    if isinstance(value, dict):
        return ("dict", sorted((k, typed(v)) for k, v in value.items()))
    if isinstance(value, list | tuple):
        return ("list", [typed(v) for v in value])
    return (type(value).__name__, value)


def expect(what, got, want):
    if typed(got) != typed(want):
        raise AssertionError(f"{what}: got {got!r}, want {want!r}")


class Client(ApplicationSession):
    """A session that resolves `joined` on WELCOME and `left` on leaving."""

    def __init__(self, config, joined, left):
        super().__init__(config)
        self.joined, self.left = joined, left

    def onJoin(self, details):
        if not self.joined.done():
            self.joined.set_result(self)

    def onLeave(self, details):
        if not self.left.done():
            self.left.set_result(details.reason)
        super().onLeave(details)

    def onDisconnect(self):
        for f in (self.joined, self.left):
            if not f.done():
                f.set_exception(ConnectionError("disconnected"))


async def connect(side, host, ports):
    transport, serializer_id = side.split(":")
    loop = asyncio.get_running_loop()
    joined, left = loop.create_future(), loop.create_future()

    def session():
        return Client(ComponentConfig(realm=REALM), joined, left)

    serializer = create_transport_serializer(serializer_id)
    if transport == "ws":
        url = f"ws://{host}:{ports['ws']}"
        factory = WampWebSocketClientFactory(session, url=url, serializers=[serializer])
    else:
        factory = WampRawSocketClientFactory(session, serializer=serializer)
    await loop.create_connection(factory, host, ports[transport])
    client = await asyncio.wait_for(joined, STEP_TIMEOUT)
    return client, left


async def next_event(queue):
    return await asyncio.wait_for(queue.get(), STEP_TIMEOUT)


async def check_pair(pair, host, ports, ns):
    """Every check on `pair`, with topics and procedures under `ns` (unique per pair, so that
    a failed pair's leftovers cannot disturb the next)."""
    side_a, side_b = pair.split("+")
    a, a_left = await connect(side_a, host, ports)
    b, b_left = await connect(side_b, host, ports)
    a_events, b_events = asyncio.Queue(), asyncio.Queue()
    topic, marker = f"{ns}.topic", f"{ns}.marker"

    def recorder(queue, name):
        def on_event(*args, **kwargs):
            queue.put_nowait((name, list(args), kwargs))

        return on_event

    sub = await a.subscribe(recorder(a_events, topic), topic)
    await a.subscribe(recorder(a_events, marker), marker)
    await b.subscribe(recorder(b_events, topic), topic)

    # an acknowledged publication carrying every kind of value
    ack = PublishOptions(acknowledge=True)
    publication = await b.publish(topic, *ARGS, options=ack, **KWARGS)
    if not 1 <= publication.id <= 2**53:
        raise AssertionError(f"publication ID {publication.id} out of range")
    name, args, kwargs = await next_event(a_events)
    expect("event topic", name, topic)
    expect("event args", args, ARGS)
    expect("event kwargs", kwargs, KWARGS)

    # excluded by session, not eligible, and (publisher) exclude_me by default: not delivered
    await b.publish(topic, "excluded", options=PublishOptions(acknowledge=True, exclude=[a._session_id]))
    await b.publish(topic, "ineligible", options=PublishOptions(acknowledge=True, eligible=[b._session_id]))
    await b.publish(marker, "after-lists", options=ack)
    expect("after black/white lists", (await next_event(a_events))[1], ["after-lists"])
    # B, subscribed too, got none of its own publications so far (exclude_me is true by
    # default, even where B alone is eligible): the first it gets is one with exclude_me=False
    await b.publish(topic, "me-too", options=PublishOptions(acknowledge=True, exclude_me=False))
    expect("publisher's own event", (await next_event(b_events))[1], ["me-too"])
    expect("subscriber's copy", (await next_event(a_events))[1], ["me-too"])

    # after UNSUBSCRIBE, nothing more on that topic
    await sub.unsubscribe()
    await b.publish(topic, "unsubscribed", options=ack)
    await b.publish(marker, "after-unsubscribe", options=ack)
    expect("after unsubscribe", (await next_event(a_events))[1], ["after-unsubscribe"])

    # RPC: A is the callee, B the caller
    def echo(*args, **kwargs):
        return CallResult(*args, **kwargs)

    def fail(*args, **kwargs):
        raise ApplicationError(ERROR_URI, *ERROR_ARGS, **ERROR_KWARGS)

    def fail_bare(*args, **kwargs):
        raise ApplicationError(ERROR_URI)

    await a.register(echo, f"{ns}.echo")
    await a.register(fail, f"{ns}.fail")
    await a.register(fail_bare, f"{ns}.fail_bare")
    result = await asyncio.wait_for(b.call(f"{ns}.echo", *ARGS, **KWARGS), STEP_TIMEOUT)
    expect("result args", list(result.results), ARGS)
    expect("result kwargs", result.kwresults, KWARGS)

    # autobahn's FlatBuffers ERROR reader takes args/kwargs from the wrong fields (and then
    # fails on them), so a FlatBuffers caller is only sent an error without them; the broker's
    # forwarding of a FlatBuffers callee's arguments is checked by the pairs with another caller
    fb_caller = side_b.endswith(":flatbuffers")
    failing, want_args, want_kwargs = (
        (f"{ns}.fail_bare", [], {}) if fb_caller else (f"{ns}.fail", ERROR_ARGS, ERROR_KWARGS)
    )
    try:
        await asyncio.wait_for(b.call(failing, 1), STEP_TIMEOUT)
        raise AssertionError("the failing procedure returned")
    except ApplicationError as e:
        expect("error uri", e.error, ERROR_URI)
        expect("error args", list(e.args), want_args)
        expect("error kwargs", e.kwargs or {}, want_kwargs)

    for procedure, uri in [
        (f"{ns}.nobody", "wamp.error.no_such_procedure"),
    ]:
        try:
            await asyncio.wait_for(b.call(procedure), STEP_TIMEOUT)
            raise AssertionError(f"{procedure} returned")
        except ApplicationError as e:
            expect(f"error of {procedure}", e.error, uri)
    try:
        await b.register(echo, f"{ns}.echo")
        raise AssertionError("a second registration of the echo procedure was accepted")
    except ApplicationError as e:
        expect("duplicate registration", e.error, "wamp.error.procedure_already_exists")

    for side, client, left in ((side_a, a, a_left), (side_b, b, b_left)):
        client.leave()
        reason = await asyncio.wait_for(left, STEP_TIMEOUT)
        # autobahn reads any FlatBuffers GOODBYE's reason as its default, wamp.close.normal
        # (its own bytes for GOODBYE wamp.close.goodbye_and_out included)
        want = "wamp.close.normal" if side.endswith(":flatbuffers") else "wamp.close.goodbye_and_out"
        expect("goodbye reason", reason, want)


async def main(host, ws_port, rs_port, pairs):
    ports = {"ws": int(ws_port), "rs": int(rs_port)}
    failed = 0
    for i, pair in enumerate(pairs):
        try:
            await asyncio.wait_for(check_pair(pair, host, ports, f"com.live.p{i}"), PAIR_TIMEOUT)
            print(f"ok {pair}", flush=True)
        except Exception as e:  # noqa: BLE001 -- every failure is reported with its pair
            failed += 1
            print(f"FAIL {pair}: {type(e).__name__}: {e}", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    sys.exit(asyncio.run(main(*sys.argv[1:4], sys.argv[4:])))
