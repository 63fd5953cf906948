//! `view::check::check` against the owned parse, `Message::parse`: for every input the same
//! acceptance and, on rejection, an equal `ValidationError`.
//!
//! The inputs are valid messages of all 25 types, and systematic mutations of them: elements
//! dropped, added and replaced, and options/details keys set to values of every kind, one key
//! at a time, two at a time (which error comes first) and repeated within the dict with
//! different values (the last occurrence counts). Random mutations (proptest) and the
//! conformance corpus complete them.
//!
//! Each input is checked through two item types: `&Value` (the crate's own impl) and `&Raw`,
//! a test tree whose maps keep repeated keys, as a scanner's items do; the owned parse sees
//! the `Value` a decoder builds from it (a repeated key at its first position with its last
//! value).

use std::borrow::Cow;
use std::cell::Cell;

use proptest::prelude::*;
use wamp_codec::view::check::check;
use wamp_codec::view::item::{Elems, Item, Kind};
use wamp_codec::{dict, Dict, Message, Value};

// ---- a tree with repeated keys ----

/// A decoded value whose maps keep every entry, repeated keys included.
#[derive(Debug, Clone)]
enum Raw {
    Leaf(Value),
    List(Vec<Raw>),
    Map(Vec<(String, Raw)>),
}

impl From<&Value> for Raw {
    fn from(v: &Value) -> Raw {
        match v {
            Value::List(l) => Raw::List(l.iter().map(Raw::from).collect()),
            Value::Map(m) => Raw::Map(
                m.iter()
                    .map(|(k, v)| (k.to_owned(), Raw::from(v)))
                    .collect(),
            ),
            leaf => Raw::Leaf(leaf.clone()),
        }
    }
}

impl Raw {
    /// The value a decoder builds: a repeated key at its first position, with its last value.
    fn value(&self) -> Value {
        match self {
            Raw::Leaf(v) => v.clone(),
            Raw::List(l) => Value::List(l.iter().map(Raw::value).collect()),
            Raw::Map(m) => {
                let mut d = Dict::new();
                for (k, v) in m {
                    d.insert(k.clone(), v.value());
                }
                Value::Map(d)
            }
        }
    }

    fn has_repeated_keys(&self) -> bool {
        match self {
            Raw::Leaf(_) => false,
            Raw::List(l) => l.iter().any(Raw::has_repeated_keys),
            Raw::Map(m) => {
                m.iter()
                    .enumerate()
                    .any(|(i, (k, _))| m[..i].iter().any(|(e, _)| e == k))
                    || m.iter().any(|(_, v)| v.has_repeated_keys())
            }
        }
    }
}

type RawEntries<'a> = core::iter::Map<
    core::slice::Iter<'a, (String, Raw)>,
    fn(&'a (String, Raw)) -> (Cow<'a, str>, &'a Raw),
>;

fn raw_entry(e: &(String, Raw)) -> (Cow<'_, str>, &Raw) {
    (Cow::Borrowed(e.0.as_str()), &e.1)
}

impl<'a> Item<'a> for &'a Raw {
    type List = core::slice::Iter<'a, Raw>;
    type Map = RawEntries<'a>;

    fn kind(&self) -> Kind {
        match self {
            Raw::Leaf(v) => v.kind(),
            Raw::List(_) => Kind::List,
            Raw::Map(_) => Kind::Map,
        }
    }
    fn as_bool(&self) -> Option<bool> {
        match self {
            Raw::Leaf(v) => v.as_bool(),
            _ => None,
        }
    }
    fn as_int(&self) -> Option<i128> {
        match self {
            Raw::Leaf(v) => v.as_i128(),
            _ => None,
        }
    }
    fn as_f64(&self) -> Option<f64> {
        match self {
            Raw::Leaf(v) => Item::as_f64(&v),
            _ => None,
        }
    }
    fn as_str(&self) -> Option<Cow<'a, str>> {
        match self {
            Raw::Leaf(Value::Str(s)) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }
    fn as_bytes(&self) -> Option<Cow<'a, [u8]>> {
        match self {
            Raw::Leaf(Value::Bytes(b)) => Some(Cow::Borrowed(b)),
            _ => None,
        }
    }
    fn list(&self) -> Option<Self::List> {
        match self {
            Raw::List(l) => Some(l.iter()),
            _ => None,
        }
    }
    fn map(&self) -> Option<Self::Map> {
        match self {
            Raw::Map(m) => Some(m.iter().map(raw_entry as fn(&'a (String, Raw)) -> _)),
            _ => None,
        }
    }
    fn to_value(&self) -> Value {
        self.value()
    }
}

// ---- the comparison ----

thread_local! {
    /// The inputs compared on this thread (each test runs on its own).
    static COMPARED: Cell<usize> = const { Cell::new(0) };
}

/// Asserts that `check` answers as `Message::parse` for `raw`, through both item types;
/// returns whether it was accepted.
fn compare(raw: &[Raw]) -> bool {
    COMPARED.set(COMPARED.get() + 1);
    let values: Vec<Value> = raw.iter().map(Raw::value).collect();
    let owned = Message::parse(&values).map(|m| m.message_type());
    let mut elems = Elems::new();
    raw.iter().for_each(|r| elems.push(r));
    assert_eq!(check(&elems), owned, "&Raw items: {raw:?}");
    if !raw.iter().any(Raw::has_repeated_keys) {
        let mut elems = Elems::new();
        values.iter().for_each(|v| elems.push(v));
        assert_eq!(check(&elems), owned, "&Value items: {values:?}");
    }
    owned.is_ok()
}

fn compare_values(values: &[Value]) -> bool {
    compare(&values.iter().map(Raw::from).collect::<Vec<_>>())
}

fn compared() -> usize {
    COMPARED.get()
}

// ---- inputs ----

fn v(x: impl Into<Value>) -> Value {
    x.into()
}

fn map(entries: &[(&str, Value)]) -> Value {
    Value::Map(
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

fn principal(session: Value, authid: Value, authrole: Value) -> Value {
    map(&[
        ("session", session),
        ("authid", authid),
        ("authrole", authrole),
    ])
}

/// Values of every kind, at the edges the rules care about.
fn probes() -> Vec<Value> {
    let good = principal(v(1), v("a"), v("r"));
    vec![
        Value::Null,
        v(true),
        v(false),
        v(0),
        v(1),
        v(-1),
        v(2),
        v(1u64 << 53),
        v((1u64 << 53) + 1),
        v(i64::MAX),
        v(i64::MAX as u64 + 1),
        v(u64::MAX),
        v(i64::MIN),
        v(1.5),
        v(0.0),
        v(""),
        v("a"),
        v("com.myapp.topic"),
        v("com.myapp."),
        v("bad uri#"),
        v("a..b"),
        v("Com.My-App"),
        v("cryptobox"),
        v("x_custom"),
        v("x_A"),
        v("json"),
        v("flatbuffers"),
        v("exact"),
        v("prefix"),
        v("wildcard"),
        v("regex"),
        v("skip"),
        v("kill"),
        v("killnowait"),
        v("roundrobin"),
        Value::Bytes(vec![]),
        Value::Bytes(vec![1, 2]),
        Value::List(vec![]),
        Value::List(vec![v(1), v("x")]),
        Value::List(vec![v(1), v(-2)]),
        Value::List(vec![v(u64::MAX), v(1), v(i64::MAX as u64 + 1)]),
        Value::List(vec![v(u64::MAX), v("x")]),
        Value::List(vec![v("a"), v("b")]),
        Value::List(vec![good.clone()]),
        Value::List(vec![good.clone(), principal(v(true), v("a"), v("r"))]),
        Value::List(vec![principal(v(u64::MAX), v("a"), v("r"))]),
        Value::List(vec![principal(v(1), v(2), v("r"))]),
        Value::List(vec![map(&[("session", v(1)), ("authid", v("a"))])]),
        Value::List(vec![v(1)]),
        map(&[]),
        map(&[("a", v(1))]),
        map(&[("caller", map(&[]))]),
        map(&[("broker", map(&[("features", map(&[("x", v(1))]))]))]),
        map(&[("subscriber", v(1))]),
    ]
}

/// Every options/details key any message reads, and one nobody reads.
const KEYS: &[&str] = &[
    "roles",
    "authmethods",
    "authid",
    "authrole",
    "authextra",
    "resumable",
    "resume-session",
    "resume-token",
    "resumed",
    "resume_token",
    "realm",
    "authmethod",
    "authprovider",
    "message",
    "callee",
    "callee_authid",
    "callee_authrole",
    "forward_for",
    "enc_algo",
    "enc_key",
    "enc_serializer",
    "acknowledge",
    "exclude_me",
    "exclude",
    "exclude_authid",
    "exclude_authrole",
    "eligible",
    "eligible_authid",
    "eligible_authrole",
    "retain",
    "transaction_hash",
    "match",
    "get_retained",
    "subscription",
    "reason",
    "publisher",
    "publisher_authid",
    "publisher_authrole",
    "topic",
    "retained",
    "x_acknowledged_delivery",
    "timeout",
    "receive_progress",
    "caller",
    "caller_authid",
    "caller_authrole",
    "mode",
    "progress",
    "invoke",
    "concurrency",
    "force_reregister",
    "registration",
    "procedure",
    "x_unknown",
];

fn client_roles() -> Value {
    map(&[
        (
            "caller",
            map(&[(
                "features",
                map(&[
                    ("progressive_call_results", v(true)),
                    ("call_timeout", Value::Null),
                    ("x_other", v(1)),
                ]),
            )]),
        ),
        ("subscriber", map(&[])),
    ])
}

fn router_roles() -> Value {
    map(&[
        (
            "broker",
            map(&[("features", map(&[("event_retention", v(false))]))]),
        ),
        ("dealer", map(&[])),
    ])
}

/// Valid messages of every type and payload shape.
fn bases() -> Vec<Vec<Value>> {
    let e = || map(&[]);
    let args = || Value::List(vec![v(1), v("x")]);
    let kwargs = || map(&[("k", v(1))]);
    let bytes = || Value::Bytes(vec![7, 8]);
    let enc = || map(&[("enc_algo", v("cryptobox")), ("enc_serializer", v("json"))]);
    let ff = || Value::List(vec![principal(v(1), v("a"), v("r"))]);
    let mut out = vec![
        vec![v(1), v("realm1"), map(&[("roles", client_roles())])],
        vec![
            v(1),
            Value::Null,
            map(&[
                ("roles", client_roles()),
                ("authmethods", Value::List(vec![v("ticket")])),
                ("authid", v("joe")),
                ("authextra", map(&[("x", v(1))])),
                ("resume-session", v(5)),
                ("resume-token", v("t")),
            ]),
        ],
        vec![v(2), v(5), map(&[("roles", router_roles())])],
        vec![
            v(2),
            v(5),
            map(&[
                ("roles", router_roles()),
                ("realm", v("realm1")),
                ("authid", Value::Null),
                ("authrole", v("user")),
                ("authmethod", v("ticket")),
                ("resumable", v(true)),
                ("resume_token", v("t")),
                ("x_impl", v(1)),
            ]),
        ],
        vec![
            v(3),
            map(&[("message", v("no"))]),
            v("wamp.error.no_such_realm"),
        ],
        vec![v(4), v("ticket"), e()],
        vec![v(5), v("secret"), map(&[("a", v(1))])],
        vec![
            v(6),
            map(&[("resumable", v(false))]),
            v("wamp.close.normal"),
        ],
        vec![v(8), v(48), v(1), e(), v("wamp.error.x")],
        vec![
            v(8),
            v(68),
            v(1),
            map(&[("callee", v(3))]),
            v("wamp.error.x"),
            args(),
        ],
        vec![
            v(8),
            v(16),
            v(1),
            e(),
            v("wamp.error.x"),
            Value::Null,
            kwargs(),
        ],
        vec![v(8), v(32), v(1), enc(), v("wamp.error.x"), bytes()],
        vec![v(16), v(1), e(), v("com.myapp.topic")],
        vec![
            v(16),
            v(1),
            map(&[("acknowledge", v(true))]),
            v("com.t"),
            args(),
        ],
        vec![
            v(16),
            v(1),
            map(&[("exclude", Value::List(vec![v(1)]))]),
            v("com.t"),
            args(),
            kwargs(),
        ],
        vec![v(16), v(1), enc(), v("com.t"), bytes()],
        vec![
            v(16),
            v(1),
            map(&[("forward_for", ff())]),
            v("com.t"),
            Value::Bytes(vec![]),
        ],
        vec![v(17), v(1), v(2)],
        vec![v(32), v(1), e(), v("com..t")],
        vec![v(32), v(1), map(&[("match", v("prefix"))]), v("com.")],
        vec![v(33), v(1), v(2)],
        vec![v(34), v(1), v(2)],
        vec![v(34), v(1), v(2), map(&[("forward_for", ff())])],
        vec![v(35), v(1)],
        vec![
            v(35),
            v(0),
            map(&[("subscription", v(5)), ("reason", v("wamp.x"))]),
        ],
        vec![v(36), v(1), v(2), e()],
        vec![v(36), v(1), v(2), map(&[("publisher", v(3))]), args()],
        vec![v(36), v(1), v(2), e(), Value::Null, kwargs()],
        vec![v(36), v(1), v(2), enc(), bytes()],
        vec![v(337), v(1)],
        vec![v(48), v(1), e(), v("com.p")],
        vec![
            v(48),
            v(1),
            map(&[("timeout", v(10))]),
            v("com.p"),
            args(),
            kwargs(),
        ],
        vec![v(48), v(1), enc(), v("com.p"), bytes()],
        vec![v(48), v(1), e(), v("com.p"), Value::Null, kwargs()],
        vec![v(49), v(1), e()],
        vec![v(49), v(1), map(&[("mode", v("kill"))])],
        vec![v(50), v(1), e()],
        vec![v(50), v(1), map(&[("progress", v(true))]), args()],
        vec![v(50), v(1), enc(), bytes()],
        vec![v(50), v(1), e(), Value::Null, kwargs()],
        vec![v(64), v(1), e(), v("com.p")],
        vec![
            v(64),
            v(1),
            map(&[("match", v("wildcard")), ("invoke", v("last"))]),
            v("com..p"),
        ],
        vec![v(65), v(1), v(2)],
        vec![v(66), v(1), v(2)],
        vec![v(66), v(1), v(2), map(&[("forward_for", ff())])],
        vec![v(67), v(1)],
        vec![
            v(67),
            v(0),
            map(&[("registration", v(5)), ("reason", v("wamp.x"))]),
        ],
        vec![v(68), v(1), v(2), e()],
        vec![
            v(68),
            v(1),
            v(2),
            map(&[("procedure", v("com.p"))]),
            args(),
            kwargs(),
        ],
        vec![v(68), v(1), v(2), enc(), bytes()],
        vec![v(69), v(1), e()],
        vec![
            v(69),
            v(1),
            map(&[("mode", v("killnowait")), ("reason", v("wamp.c"))]),
        ],
        vec![v(70), v(1), e()],
        vec![v(70), v(1), e(), args(), kwargs()],
        vec![v(70), v(1), enc(), bytes()],
    ];
    // and the owned types' own marshalling of some
    let marshalled: Vec<Message> = vec![
        wamp_codec::Publish::new(1, "com.t").into(),
        wamp_codec::Call::new(2, "com.p").into(),
        wamp_codec::Subscribe::new(3, "com.t").into(),
        wamp_codec::Goodbye::default().into(),
    ];
    out.extend(marshalled.iter().map(Message::marshal));
    out
}

// ---- tests ----

#[test]
fn the_bases_are_valid_and_agree() {
    let before = compared();
    for base in bases() {
        assert!(compare_values(&base), "a base is invalid: {base:?}");
    }
    eprintln!("compared {} bases", compared() - before);
}

#[test]
fn envelopes_agree() {
    let before = compared();
    compare_values(&[]);
    for first in probes() {
        compare_values(std::slice::from_ref(&first));
        compare_values(&[first, v(1), map(&[])]);
    }
    for code in [0, 7, 9, 37, 38, 71, 336, 338, 1000] {
        compare_values(&[v(code)]);
    }
    // every arity of every code
    for code in wamp_codec::MessageType::ALL.map(|t| t.code()) {
        for len in 0..10 {
            let mut m = vec![v(code)];
            m.extend((1..len).map(|_| v(1)));
            compare_values(&m);
        }
    }
    eprintln!("compared {} envelopes", compared() - before);
}

#[test]
fn elements_dropped_added_and_replaced() {
    let before = compared();
    let probes = probes();
    for base in bases() {
        for i in 1..base.len() {
            let mut m = base.clone();
            m.remove(i);
            compare_values(&m);
            for p in &probes {
                let mut m = base.clone();
                m[i] = p.clone();
                compare_values(&m);
                let mut m = base.clone();
                m.insert(i, p.clone());
                compare_values(&m);
            }
        }
        for p in &probes {
            let mut m = base.clone();
            m.push(p.clone());
            compare_values(&m);
            m.push(p.clone());
            compare_values(&m);
        }
    }
    eprintln!("compared {} element mutations", compared() - before);
}

/// The dict elements of a base: its options/details (and its `kwargs`, if any).
fn dict_positions(base: &[Value]) -> Vec<usize> {
    (1..base.len())
        .filter(|&i| matches!(base[i], Value::Map(_)))
        .collect()
}

fn with_key(dict: &Value, key: &str, value: Value) -> Value {
    let mut d = dict.as_map().cloned().unwrap_or_default();
    d.insert(key.to_owned(), value);
    Value::Map(d)
}

#[test]
fn every_key_with_every_kind_of_value() {
    let before = compared();
    let probes = probes();
    for base in bases() {
        for i in dict_positions(&base) {
            for key in KEYS {
                for p in &probes {
                    let mut m = base.clone();
                    m[i] = with_key(&base[i], key, p.clone());
                    compare_values(&m);
                }
            }
        }
    }
    eprintln!("compared {} key mutations", compared() - before);
}

#[test]
fn two_keys_at_once_report_the_same_first_error() {
    let before = compared();
    let bad = [
        Value::Null,
        v(1.5),
        Value::List(vec![v(1), v("x")]),
        v("bad uri#"),
    ];
    for base in bases() {
        for i in dict_positions(&base) {
            for (a, ka) in KEYS.iter().enumerate() {
                for kb in &KEYS[a + 1..] {
                    for (x, y) in [(0, 1), (2, 3), (1, 2)] {
                        let d = with_key(&base[i], ka, bad[x].clone());
                        let d = with_key(&d, kb, bad[y].clone());
                        let mut m = base.clone();
                        m[i] = d;
                        compare_values(&m);
                    }
                }
            }
        }
    }
    eprintln!("compared {} key pairs", compared() - before);
}

#[test]
fn repeated_keys_count_with_their_last_value() {
    let before = compared();
    let probes = probes();
    let some = [v(true), v(1), v("com.x"), Value::Null, Value::List(vec![])];
    for base in bases() {
        for i in dict_positions(&base) {
            let Value::Map(d) = &base[i] else {
                unreachable!()
            };
            let entries: Vec<(String, Raw)> = d
                .iter()
                .map(|(k, v)| (k.to_owned(), Raw::from(v)))
                .collect();
            let raw: Vec<Raw> = base.iter().map(Raw::from).collect();
            for key in KEYS {
                for p in &probes {
                    for s in &some {
                        for (first, second) in [(p, s), (s, p)] {
                            let mut e = entries.clone();
                            e.insert(0, (key.to_string(), Raw::from(first)));
                            e.push((key.to_string(), Raw::from(second)));
                            let mut m = raw.clone();
                            m[i] = Raw::Map(e);
                            compare(&m);
                        }
                    }
                }
            }
        }
    }
    // a repeated role: its first position, its last value
    let roles = |entries: Vec<(&str, Value)>| {
        Raw::Map(vec![(
            "roles".into(),
            Raw::Map(
                entries
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), Raw::from(&v)))
                    .collect(),
            ),
        )])
    };
    let bad_features = map(&[("features", map(&[("call_timeout", v(1))]))]);
    for entries in [
        vec![("caller", v(1)), ("broker", map(&[])), ("caller", map(&[]))],
        vec![
            ("caller", map(&[])),
            ("callee", bad_features.clone()),
            ("caller", v(1)),
        ],
        vec![
            ("callee", bad_features.clone()),
            ("caller", v(1)),
            ("callee", map(&[])),
        ],
        vec![
            ("callee", map(&[])),
            ("callee", bad_features.clone()),
            ("publisher", v(2)),
        ],
        vec![("dealer", map(&[])), ("broker", v(1)), ("dealer", v(2))],
    ] {
        let d = roles(entries);
        compare(&[Raw::from(&v(1)), Raw::from(&Value::Null), d.clone()]);
        compare(&[Raw::from(&v(2)), Raw::from(&v(1)), d]);
    }
    eprintln!("compared {} repeated keys", compared() - before);
}

#[test]
fn roles_features_match_enc_and_forward_for() {
    let before = compared();
    let probes = probes();
    let features = |role: &str, f: &str, x: Value| {
        map(&[(
            "roles",
            map(&[(role, map(&[("features", map(&[(f, x)]))]))]),
        )])
    };
    for role in [
        "subscriber",
        "publisher",
        "caller",
        "callee",
        "broker",
        "dealer",
        "x",
    ] {
        for f in [
            "call_timeout",
            "event_retention",
            "publisher_exclusion",
            "payload_transparency",
            "x",
        ] {
            for p in &probes {
                compare_values(&[v(1), v("realm1"), features(role, f, p.clone())]);
                compare_values(&[v(2), v(1), features(role, f, p.clone())]);
            }
        }
        for p in &probes {
            let body = map(&[("roles", map(&[(role, p.clone())]))]);
            compare_values(&[v(1), v("realm1"), body.clone()]);
            compare_values(&[v(2), v(1), body]);
            let body = map(&[("roles", map(&[(role, map(&[("features", p.clone())]))]))]);
            compare_values(&[v(1), v("realm1"), body.clone()]);
            compare_values(&[v(2), v(1), body]);
        }
    }
    for p in &probes {
        compare_values(&[v(1), v("realm1"), map(&[("roles", p.clone())])]);
        compare_values(&[v(2), v(1), map(&[("roles", p.clone())])]);
    }
    // `match` selecting the URI rule, and every match value
    for m in ["exact", "prefix", "wildcard", "regex", "", "EXACT"] {
        for uri in [
            "com.p", "com.", "com..p", ".com", "", "com.p.", "bad uri#", "Com.A-b",
        ] {
            let o = map(&[("match", v(m))]);
            compare_values(&[v(64), v(1), o.clone(), v(uri)]);
            compare_values(&[v(32), v(1), o, v(uri)]);
        }
    }
    // the enc_* combinations, with a bytes, a string and no payload
    let algo = [
        None,
        Some(Value::Null),
        Some(v("cryptobox")),
        Some(v("x_my")),
        Some(v("aes")),
        Some(v(1)),
    ];
    let key = [
        None,
        Some(Value::Null),
        Some(v("")),
        Some(v("k")),
        Some(v(1)),
    ];
    let ser = [
        None,
        Some(Value::Null),
        Some(v("cbor")),
        Some(v("x_s")),
        Some(v("bson")),
        Some(Value::Bytes(vec![])),
    ];
    let mut combos = 0;
    for a in &algo {
        for k in &key {
            for s in &ser {
                let mut d = Dict::new();
                for (name, x) in [("enc_algo", a), ("enc_key", k), ("enc_serializer", s)] {
                    if let Some(x) = x {
                        d.insert(name, x.clone());
                    }
                }
                let d = Value::Map(d);
                for payload in [Value::Bytes(vec![1]), v("str"), Value::List(vec![])] {
                    for base in [
                        vec![v(16), v(1), d.clone(), v("com.t"), payload.clone()],
                        vec![v(48), v(1), d.clone(), v("com.p"), payload.clone()],
                        vec![v(50), v(1), d.clone(), payload.clone()],
                        vec![v(70), v(1), d.clone(), payload.clone()],
                        vec![v(36), v(1), v(2), d.clone(), payload.clone()],
                        vec![v(68), v(1), v(2), d.clone(), payload.clone()],
                        vec![v(8), v(48), v(1), d.clone(), v("e.x"), payload.clone()],
                    ] {
                        compare_values(&base);
                        let mut with_timeout = base.clone();
                        if let Some(i) =
                            with_timeout.iter().position(|x| matches!(x, Value::Map(_)))
                        {
                            with_timeout[i] = with_key(&with_timeout[i], "timeout", v(-1));
                            compare_values(&with_timeout);
                        }
                        combos += 1;
                    }
                }
            }
        }
    }
    assert!(combos > 0);
    // revocations and resumption
    for request in [0, 1] {
        for x in [v(0), v(5), v(-1), Value::Null] {
            compare_values(&[v(35), v(request), map(&[("subscription", x.clone())])]);
            compare_values(&[v(67), v(request), map(&[("registration", x.clone())])]);
            compare_values(&[
                v(35),
                v(request),
                map(&[("subscription", x.clone()), ("reason", v("a b"))]),
            ]);
        }
    }
    for session in [None, Some(v(0)), Some(v(3))] {
        for token in [None, Some(v("t")), Some(Value::Null)] {
            let mut d = dict! {"roles" => dict! {"caller" => dict! {}}};
            let mut w = dict! {"roles" => dict! {"dealer" => dict! {}}};
            if let Some(s) = &session {
                d.insert("resume-session", s.clone());
                w.insert("resumable", v(s == &v(3)));
            }
            if let Some(t) = &token {
                d.insert("resume-token", t.clone());
                w.insert("resume_token", t.clone());
            }
            compare_values(&[v(1), v("realm1"), Value::Map(d)]);
            compare_values(&[v(2), v(1), Value::Map(w)]);
        }
    }
    eprintln!("compared {} rule cases", compared() - before);
}

// ---- random mutations ----

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        any::<u64>().prop_map(Value::from),
        (0..=(1u64 << 53) + 2).prop_map(Value::from),
        any::<f64>().prop_map(Value::Float),
        "[a-z.#_ ]{0,8}".prop_map(Value::from),
        prop::sample::select(vec!["cryptobox", "x_ab", "json", "prefix", "kill", "exact"])
            .prop_map(Value::from),
        prop::collection::vec(any::<u8>(), 0..4).prop_map(Value::Bytes),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
            prop::collection::vec((prop::sample::select(KEYS.to_vec()), inner), 0..4).prop_map(
                |e| { Value::Map(e.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()) }
            ),
        ]
    })
}

#[derive(Debug, Clone)]
enum Mutation {
    Element(usize, Value),
    Key(usize, &'static str, Value),
    Repeat(usize, &'static str, Value, Value),
    Truncate(usize),
    Push(Value),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let key = || prop::sample::select(KEYS.to_vec());
    prop_oneof![
        (0..8usize, any_value()).prop_map(|(i, v)| Mutation::Element(i, v)),
        (0..8usize, key(), any_value()).prop_map(|(i, k, v)| Mutation::Key(i, k, v)),
        (0..8usize, key(), any_value(), any_value())
            .prop_map(|(i, k, a, b)| Mutation::Repeat(i, k, a, b)),
        (0..8usize).prop_map(Mutation::Truncate),
        any_value().prop_map(Mutation::Push),
    ]
}

fn apply(raw: &mut Vec<Raw>, m: &Mutation) {
    let n = raw.len();
    match m.clone() {
        Mutation::Element(i, v) => raw[i % n] = Raw::from(&v),
        Mutation::Key(i, k, v) => {
            if let Raw::Map(e) = &mut raw[i % n] {
                e.retain(|(key, _)| key != k);
                e.push((k.to_owned(), Raw::from(&v)));
            }
        }
        Mutation::Repeat(i, k, a, b) => {
            if let Raw::Map(e) = &mut raw[i % n] {
                e.insert(0, (k.to_owned(), Raw::from(&a)));
                e.push((k.to_owned(), Raw::from(&b)));
            }
        }
        Mutation::Truncate(len) => raw.truncate(len.max(1)),
        Mutation::Push(v) => raw.push(Raw::from(&v)),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 4000, ..ProptestConfig::default() })]

    #[test]
    fn random_mutations_agree(
        pick in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let bases = bases();
        let base = pick.get(&bases);
        let mut raw: Vec<Raw> = base.iter().map(Raw::from).collect();
        for m in &mutations {
            apply(&mut raw, m);
        }
        compare(&raw);
    }
}

// ---- the corpus ----

#[test]
fn the_conformance_corpus_agrees() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/conformance/autobahn-26.10.2.jsonl"
    );
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let limits = wamp_codec::serializer::Limits::default();
    let (mut lists, mut accepted) = (0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let record: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
        let Some(json) = record.get("json").and_then(|j| j.as_str()) else {
            continue;
        };
        let Ok(Value::List(items)) =
            wamp_codec::serializer::json::value_from_slice(json.as_bytes(), &limits)
        else {
            continue;
        };
        lists += 1;
        accepted += usize::from(compare_values(&items));
    }
    assert!(lists > 0, "no message arrays in the corpus");
    eprintln!("compared {lists} corpus messages, {accepted} accepted");
}

/// IDs in options and details are `Id`s (`u64`): a negative one is refused, naming the field,
/// by the owned parse and the check alike (autobahn checks only for an `int`; no peer assigns a
/// negative ID), and the whole `u64` range is accepted.
#[test]
fn option_ids_are_unsigned() {
    let event = |publisher: Value| vec![v(36), v(1), v(2), map(&[("publisher", publisher)])];
    let refused = Message::parse(&event(v(-1))).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "'publisher' detail in EVENT: integer -1 out of range"
    );
    assert!(!compare_values(&event(v(-1))), "the check refuses it too");
    let Message::Event(accepted) = Message::parse(&event(v(u64::MAX))).unwrap() else {
        panic!("an EVENT")
    };
    assert_eq!(accepted.publisher, Some(u64::MAX));
    assert!(compare_values(&event(v(u64::MAX))));

    let publish = |exclude: Value| vec![v(16), v(1), map(&[("exclude", exclude)]), v("com.a")];
    let refused = Message::parse(&publish(Value::List(vec![v(1), v(-2)]))).unwrap_err();
    assert_eq!(
        refused.to_string(),
        "'exclude' option in PUBLISH: integer -2 out of range"
    );
}
