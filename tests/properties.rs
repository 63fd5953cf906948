//! Property tests: arbitrary messages of all 25 types survive every serializer, the crate's
//! FlatBuffers `Writer` writes `FlatBufferBuilder`'s bytes for them, and mutated corpus bytes
//! never make a decoder panic.
//!
//! Messages are generated as raw WAMP arrays (valid URIs, IDs in `0..=2^53`, options that
//! autobahn accepts, arbitrary payload values) and turned into owned messages by
//! `Message::parse`, so a generator that produced something invalid fails loudly rather than
//! silently testing less. They are compared by `marshal()`, the wire content.

mod common;

use std::sync::OnceLock;

use flatbuffers::FlatBufferBuilder;
use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use wamp_codec::fbs::view::{MessageBuf, MessageRef};
use wamp_codec::fbs::{builder, Writer};
use wamp_codec::serializer::Format;
use wamp_codec::{Dict, EncodeError, Message, Value};

// ---- strategies ----

/// A strict-looking URI: 1 to 4 components of `[a-z][a-z0-9_]*`.
fn uri() -> impl Strategy<Value = String> {
    vec("[a-z][a-z0-9_]{0,7}", 1..=4).prop_map(|parts| parts.join("."))
}

/// A WAMP ID: `0..=2^53`, the extremes more often than chance would pick them.
fn id() -> impl Strategy<Value = u64> {
    prop_oneof![
        1 => Just(0u64),
        1 => Just(1u64 << 53),
        8 => 0..=(1u64 << 53),
    ]
}

/// A session ID as the detail fields hold it (`caller`, `callee`, `publisher`), 0 included
/// (FlatBuffers' default, which must still come back as given).
fn session() -> impl Strategy<Value = u64> {
    0..=(1u64 << 53)
}

/// A text that JSON can carry: not starting with U+0000, which is autobahn's JSON marker for
/// bytes (a string starting with it is read back as bytes, or fails as bad base64).
fn text() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("JSON's bytes marker", |s| !s.starts_with('\0'))
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<f64>(),
        1 => prop::sample::select(vec![
            0.0,
            -0.0,
            f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ]),
    ]
}

/// Any payload value: every variant, integers at their extremes, nested lists and maps.
fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        prop::sample::select(vec![i64::MIN, i64::MAX, -1, 0]).prop_map(Value::Int),
        ((i64::MAX as u64 + 1)..=u64::MAX).prop_map(Value::UInt),
        Just(Value::UInt(u64::MAX)),
        float().prop_map(Value::Float),
        text().prop_map(Value::from),
        vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::List),
            dict_of(inner).prop_map(Value::Map),
        ]
    })
}

fn dict_of(values: impl Strategy<Value = Value>) -> impl Strategy<Value = Dict> {
    btree_map(text(), values, 0..6).prop_map(|m| m.into_iter().collect())
}

/// An `authextra`, empty ones included.
fn extra() -> impl Strategy<Value = Dict> {
    btree_map(text(), value(), 0..4).prop_map(|m| m.into_iter().collect())
}

fn args() -> impl Strategy<Value = Option<Vec<Value>>> {
    proptest::option::of(vec(value(), 0..5))
}

fn kwargs() -> impl Strategy<Value = Option<Dict>> {
    proptest::option::of(dict_of(value()))
}

/// Options (or details) from optional entries: each key is present or not.
fn options(entries: Vec<BoxedStrategy<Option<(&'static str, Value)>>>) -> BoxedStrategy<Value> {
    details(entries).prop_map(Value::Map).boxed()
}

/// [`options`] as a dict, to add more entries to.
fn details(entries: Vec<BoxedStrategy<Option<(&'static str, Value)>>>) -> BoxedStrategy<Dict> {
    entries
        .prop_map(|entries| {
            entries
                .into_iter()
                .flatten()
                .map(|(k, v)| (k.to_owned(), v))
                .collect()
        })
        .boxed()
}

/// An optional entry `key: value`.
fn opt<S>(key: &'static str, s: S) -> BoxedStrategy<Option<(&'static str, Value)>>
where
    S: Strategy + 'static,
    S::Value: Into<Value>,
{
    proptest::option::of(s.prop_map(move |v| (key, v.into()))).boxed()
}

/// A list of IDs, empty ones included.
fn ids() -> impl Strategy<Value = Value> {
    vec(id(), 0..4).prop_map(|v| Value::List(v.into_iter().map(Value::from).collect()))
}

/// A list of names, empty ones included.
fn strings() -> impl Strategy<Value = Value> {
    vec("[a-z]{1,6}", 0..3).prop_map(|v| Value::List(v.into_iter().map(Value::from).collect()))
}

/// Appends the payload: `args` then `kwargs`, `args` as `[]` when only `kwargs` is given (as
/// WAMP requires).
fn with_payload(mut raw: Vec<Value>, args: Option<Vec<Value>>, kwargs: Option<Dict>) -> Vec<Value> {
    match (args, kwargs) {
        (None, None) => {}
        (args, None) => raw.push(Value::List(args.unwrap_or_default())),
        (args, Some(kwargs)) => {
            raw.push(Value::List(args.unwrap_or_default()));
            raw.push(Value::Map(kwargs));
        }
    }
    raw
}

fn int(v: u64) -> Value {
    Value::from(v)
}

fn s(v: String) -> Value {
    Value::from(v)
}

/// The raw array of any of the 25 messages.
fn raw_message() -> impl Strategy<Value = Vec<Value>> {
    let client_roles =
        prop::sample::subsequence(vec!["subscriber", "publisher", "caller", "callee"], 1..=4);
    let router_roles = prop::sample::subsequence(vec!["broker", "dealer"], 1..=2);
    let roles = |names: Vec<&'static str>, flag: bool| {
        Value::Map(
            names
                .into_iter()
                .map(|r| {
                    let body = match r {
                        "publisher" | "broker" => {
                            let mut f = Dict::new();
                            f.insert("publisher_exclusion", Value::Bool(flag));
                            let mut b = Dict::new();
                            b.insert("features", Value::Map(f));
                            b
                        }
                        _ => Dict::new(),
                    };
                    (r.to_owned(), Value::Map(body))
                })
                .collect(),
        )
    };
    let authmethod = prop::sample::select(vec![
        "anonymous",
        "ticket",
        "wampcra",
        "cryptosign",
        "wamp-scram",
        "x-custom",
    ]);
    let hello = (
        uri(),
        client_roles,
        any::<bool>(),
        details(vec![
            opt("authid", "[a-z]{1,8}"),
            opt("authrole", "[a-z]{1,8}"),
            opt("authextra", extra()),
        ]),
    )
        .prop_map(move |(realm, names, flag, mut details)| {
            details.insert("roles", roles(names, flag));
            vec![int(1), s(realm), Value::Map(details)]
        });
    let welcome = (
        id(),
        router_roles,
        any::<bool>(),
        details(vec![
            opt("authid", "[a-z]{1,8}"),
            opt("authrole", "[a-z]{1,8}"),
            opt("authmethod", authmethod.clone()),
            opt("authprovider", "[a-z]{1,8}"),
            opt("authextra", extra()),
            opt("realm", uri()),
        ]),
    )
        .prop_map(move |(session, names, flag, mut details)| {
            details.insert("roles", roles(names, flag));
            vec![int(2), int(session), Value::Map(details)]
        });
    let reason_details = || options(vec![opt("message", text())]);
    let abort = (reason_details(), uri()).prop_map(|(d, r)| vec![int(3), d, s(r)]);
    let goodbye = (reason_details(), uri()).prop_map(|(d, r)| vec![int(6), d, s(r)]);
    let challenge = (authmethod, dict_of(value()))
        .prop_map(|(m, extra)| vec![int(4), Value::from(m), Value::Map(extra)]);
    let authenticate =
        (text(), dict_of(value())).prop_map(|(sig, extra)| vec![int(5), s(sig), Value::Map(extra)]);
    let error = (
        prop::sample::select(vec![16u64, 32, 34, 48, 64, 66, 68]),
        id(),
        options(vec![
            opt("callee", session()),
            opt("callee_authid", "[a-z]{1,8}"),
            opt("callee_authrole", "[a-z]{1,8}"),
        ]),
        uri(),
        args(),
        kwargs(),
    )
        .prop_map(|(t, req, d, e, a, k)| {
            with_payload(vec![int(8), int(t), int(req), d, s(e)], a, k)
        });
    let publish = (
        id(),
        options(vec![
            // Every bool either way: `false` is FlatBuffers' default, `true` for exclude_me.
            opt("acknowledge", any::<bool>()),
            opt("exclude_me", any::<bool>()),
            opt("exclude", ids()),
            opt("exclude_authid", strings()),
            opt("exclude_authrole", strings()),
            opt("eligible", ids()),
            opt("eligible_authid", strings()),
            opt("eligible_authrole", strings()),
            opt("retain", any::<bool>()),
        ]),
        uri(),
        args(),
        kwargs(),
    )
        .prop_map(|(req, o, t, a, k)| with_payload(vec![int(16), int(req), o, s(t)], a, k));
    let published = (id(), id()).prop_map(|(a, b)| vec![int(17), int(a), int(b)]);
    let subscribe = (
        id(),
        options(vec![opt(
            "match",
            prop::sample::select(vec!["exact", "prefix", "wildcard"]),
        )]),
        uri(),
    )
        .prop_map(|(req, o, t)| vec![int(32), int(req), o, s(t)]);
    let subscribed = (id(), id()).prop_map(|(a, b)| vec![int(33), int(a), int(b)]);
    let unsubscribe = (id(), id()).prop_map(|(a, b)| vec![int(34), int(a), int(b)]);
    let unsubscribed = id().prop_map(|a| vec![int(35), int(a)]);
    let event = (
        id(),
        id(),
        options(vec![
            opt("publisher", session()),
            opt("topic", uri()),
            opt("retained", any::<bool>()),
        ]),
        args(),
        kwargs(),
    )
        .prop_map(|(sub, publ, d, a, k)| with_payload(vec![int(36), int(sub), int(publ), d], a, k));
    let event_received = id().prop_map(|p| vec![int(337), int(p)]);
    let call = (
        id(),
        options(vec![
            opt("timeout", 0..=1_000_000u64),
            opt("receive_progress", any::<bool>()),
        ]),
        uri(),
        args(),
        kwargs(),
    )
        .prop_map(|(req, o, p, a, k)| with_payload(vec![int(48), int(req), o, s(p)], a, k));
    let cancel = (
        id(),
        options(vec![opt(
            "mode",
            prop::sample::select(vec!["skip", "kill", "killnowait"]),
        )]),
    )
        .prop_map(|(req, o)| vec![int(49), int(req), o]);
    let result = (
        id(),
        options(vec![opt("progress", any::<bool>())]),
        args(),
        kwargs(),
    )
        .prop_map(|(req, d, a, k)| with_payload(vec![int(50), int(req), d], a, k));
    let register = (
        id(),
        options(vec![
            opt(
                "match",
                prop::sample::select(vec!["exact", "prefix", "wildcard"]),
            ),
            opt(
                "invoke",
                prop::sample::select(vec!["single", "first", "last", "roundrobin", "random"]),
            ),
        ]),
        uri(),
    )
        .prop_map(|(req, o, p)| vec![int(64), int(req), o, s(p)]);
    let registered = (id(), id()).prop_map(|(a, b)| vec![int(65), int(a), int(b)]);
    let unregister = (id(), id()).prop_map(|(a, b)| vec![int(66), int(a), int(b)]);
    let unregistered = id().prop_map(|a| vec![int(67), int(a)]);
    let invocation = (
        id(),
        id(),
        options(vec![
            opt("caller", session()),
            opt("procedure", uri()),
            opt("timeout", 0..=1_000_000u64),
            opt("receive_progress", any::<bool>()),
        ]),
        args(),
        kwargs(),
    )
        .prop_map(|(req, reg, d, a, k)| with_payload(vec![int(68), int(req), int(reg), d], a, k));
    let interrupt = (
        id(),
        options(vec![opt(
            "mode",
            prop::sample::select(vec!["kill", "killnowait"]),
        )]),
    )
        .prop_map(|(req, o)| vec![int(69), int(req), o]);
    let yield_ = (
        id(),
        options(vec![opt("progress", any::<bool>())]),
        args(),
        kwargs(),
    )
        .prop_map(|(req, o, a, k)| with_payload(vec![int(70), int(req), o], a, k));
    prop_oneof![
        hello.boxed(),
        welcome.boxed(),
        abort.boxed(),
        challenge.boxed(),
        authenticate.boxed(),
        goodbye.boxed(),
        error.boxed(),
        publish.boxed(),
        published.boxed(),
        subscribe.boxed(),
        subscribed.boxed(),
        unsubscribe.boxed(),
        unsubscribed.boxed(),
        event.boxed(),
        event_received.boxed(),
        call.boxed(),
        cancel.boxed(),
        result.boxed(),
        register.boxed(),
        registered.boxed(),
        unregister.boxed(),
        unregistered.boxed(),
        invocation.boxed(),
        interrupt.boxed(),
        yield_.boxed(),
    ]
}

fn message() -> impl Strategy<Value = Message> {
    raw_message().prop_map(|raw| {
        Message::parse(&raw)
            .unwrap_or_else(|e| panic!("generator made an invalid message {raw:?}: {e}"))
    })
}

// ---- helpers ----

/// Whether any value at any depth satisfies `pred`.
fn any_value(values: &[Value], pred: &dyn Fn(&Value) -> bool) -> bool {
    values.iter().any(|v| {
        pred(v)
            || match v {
                Value::List(items) => any_value(items, pred),
                Value::Map(map) => map
                    .values()
                    .any(|v| any_value(std::slice::from_ref(v), pred)),
                _ => false,
            }
    })
}

const FORMATS: [Format; 4] = [
    Format::Json,
    Format::Msgpack,
    Format::Cbor,
    Format::Flatbuffers,
];

// ---- property 1: every message survives every serializer ----

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    #[test]
    fn every_message_round_trips_through_every_format(msg in message()) {
        // a decoded message passes the decoders' rules when checked again
        prop_assert_eq!(msg.validate(), Ok(()));
        let marshal = msg.marshal();
        for format in FORMATS {
            let bytes = match format.encode(&msg) {
                Ok(bytes) => bytes,
                // JSON has no NaN or infinities (DEVIATIONS.md, "NaN and Infinity in JSON"):
                // refused with an error, and only then.
                Err(EncodeError::Unrepresentable { format: "json", .. }) => {
                    prop_assert!(any_value(&marshal, &|v| matches!(v, Value::Float(f) if !f.is_finite())));
                    continue;
                }
                Err(e) => return Err(TestCaseError::fail(format!("{format:?} cannot encode {msg}: {e}"))),
            };
            let back = format.decode(&bytes);
            match back {
                Ok(back) => prop_assert_eq!(back.marshal(), marshal.clone(), "{:?}", format),
                Err(e) => return Err(TestCaseError::fail(format!("{format:?} does not decode its own {msg}: {e}"))),
            }
        }
    }
}

// ---- property 2: the crate's Writer writes FlatBufferBuilder's bytes ----

proptest! {
    #![proptest_config(ProptestConfig { cases: 1024, ..ProptestConfig::default() })]

    /// Both sinks reused across cases, as a router reuses them: stale bytes from a larger
    /// earlier message must not leak into padding or vtables.
    #[test]
    fn writer_and_flatbufferbuilder_write_the_same_bytes(msg in message()) {
        thread_local! {
            static SINKS: std::cell::RefCell<(FlatBufferBuilder<'static>, Writer)> =
                std::cell::RefCell::new((FlatBufferBuilder::new(), Writer::new()));
        }
        SINKS.with(|sinks| {
            let (fbb, writer) = &mut *sinks.borrow_mut();
            let by_fbb = builder::build(&msg, fbb).map(|()| fbb.finished_data().to_vec());
            let by_writer = builder::build(&msg, writer).map(|()| writer.finished_data().to_vec());
            prop_assert_eq!(by_writer, by_fbb, "{}", msg);
            Ok(())
        })?;
    }
}

// ---- property 3: mutated corpus bytes never panic ----

/// Every encoded message of the corpus: (format, bytes).
fn corpus_inputs() -> &'static [(Format, Vec<u8>)] {
    static INPUTS: OnceLock<Vec<(Format, Vec<u8>)>> = OnceLock::new();
    INPUTS.get_or_init(|| {
        let mut out = Vec::new();
        for case in common::corpus() {
            out.push((Format::Json, case.json().to_vec()));
            for format in [Format::Msgpack, Format::Cbor, Format::Flatbuffers] {
                if let Some(bytes) = case.hex(format.name()) {
                    out.push((format, bytes));
                }
            }
        }
        out
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    FlipBit {
        at: usize,
        bit: u8,
    },
    Truncate {
        at: usize,
    },
    Overwrite {
        at: usize,
        byte: u8,
    },
    /// Several overwrites, as one mutation rarely gets far.
    Scatter(Vec<(usize, u8)>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0..8u8).prop_map(|(at, bit)| Mutation::FlipBit { at, bit }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        (
            any::<usize>(),
            prop::sample::select(vec![0x00, 0xff, 0x7f, 0x80, 0x1b, 0x5b, 0xdd, 0x9f, 0xc1])
        )
            .prop_map(|(at, byte)| Mutation::Overwrite { at, byte }),
        vec((any::<usize>(), any::<u8>()), 1..6).prop_map(Mutation::Scatter),
    ]
}

fn mutate(bytes: &[u8], m: &Mutation) -> Vec<u8> {
    let mut out = bytes.to_vec();
    if out.is_empty() {
        return out;
    }
    let len = out.len();
    match *m {
        Mutation::FlipBit { at, bit } => out[at % len] ^= 1 << bit,
        Mutation::Truncate { at } => out.truncate(at % len),
        Mutation::Overwrite { at, byte } => out[at % len] = byte,
        Mutation::Scatter(ref writes) => {
            for &(at, byte) in writes {
                out[at % len] = byte;
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 8000, ..ProptestConfig::default() })]

    #[test]
    fn mutated_corpus_bytes_never_panic(pick in any::<prop::sample::Index>(), m in mutation()) {
        let inputs = corpus_inputs();
        let (format, bytes) = &inputs[pick.index(inputs.len())];
        let input = mutate(bytes, &m);
        // Every decoder on every input: a router may be told the wrong serializer.
        for f in FORMATS {
            if let Ok(msg) = f.decode(&input) {
                // Whatever decodes must encode again (or be refused cleanly) and print.
                let _ = msg.to_string();
                for to in FORMATS {
                    let _ = to.encode(&msg);
                }
            }
        }
        if let Ok(view) = MessageRef::cast(&input) {
            let owned = Message::try_from(view);
            let buf = MessageBuf::new(bytes::Bytes::from(input.clone())).expect("cast accepted it");
            prop_assert_eq!(owned.is_ok(), buf.to_message().is_ok());
        }
        let _ = format;
    }
}
