//! The FlatBuffers builder against autobahn's bytes: every corpus case with a `flatbuffers` hex
//! and every wamp-proto FlatBuffers vector. A difference must fall in a documented deviation
//! category (`DEVIATIONS.md`, "FlatBuffers") that the test derives from the message itself, and
//! where the category can be undone (the deviating field reset to what autobahn writes), the
//! undone message must give autobahn's bytes exactly, so the rest of the message is checked too.

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::collections::{BTreeMap, BTreeSet};

use common::{corpus, flatbuffers_refusals, from_hex, listed_cases, testsuite_files, Tally};
use flatbuffers::FlatBufferBuilder;
use wamp_codec::fbs::{builder, Sink, Writer};
use wamp_codec::serializer::json;
use wamp_codec::{EncodeError, Message, Publish, Value};

// ---- allocation counting (per thread, so parallel tests do not interfere) ----

struct Counting;

thread_local! {
    static ALLOCATIONS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCATIONS.with(Cell::get)
}

// ---- deviation categories ----

/// A documented way our bytes differ from autobahn's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Category {
    /// HELLO: `roles` (mandatory, so every HELLO), `authmethods`, `authextra` written per the
    /// schema (or in the appended fields); autobahn writes none of them.
    HelloRoles,
    /// WELCOME: `roles` (mandatory), `authmethod`, `authextra`, custom `x_*` written; autobahn
    /// omits them.
    WelcomeRoles,
    /// CHALLENGE: a non-empty `extra` written; autobahn omits it.
    ChallengeExtra,
    /// CHALLENGE: a method outside the `AuthMethod` enum written by name in the appended
    /// `method_name`; autobahn writes 0 (`anonymous`).
    ChallengeMethodName,
    /// AUTHENTICATE: a non-empty `extra` written; autobahn omits it.
    AuthenticateExtra,
    /// ERROR: `callee`, `callee_authid`, `callee_authrole` in the appended fields; autobahn
    /// loses `callee` and writes the strings unreferenced.
    ErrorCallee,
    /// CANCEL `killnowait` written as KILLNOWAIT (2); autobahn writes SKIP (0, elided).
    CancelKillnowait,
    /// INTERRUPT `killnowait` written as KILLNOWAIT (2); autobahn writes KILL (1, elided).
    InterruptKillnowait,
    /// An option or detail given with the value autobahn elides (`false`, 0, `""`, `[]`, `{}`,
    /// PUBLISH `exclude_me: true`, CANCEL `skip`, INTERRUPT `kill`) is written, so that the reader
    /// tells it from "not given".
    GivenDefault,
    /// An empty `args` beside a non-empty `kwargs` is written; autobahn omits it (and then reads
    /// `null`).
    EmptyArgsBesideKwargs,
    /// SUBSCRIBE, UNSUBSCRIBE, REGISTER, UNREGISTER: `forward_for` in the appended field;
    /// autobahn drops it.
    AppendedForwardFor,
}

impl Category {
    fn describe(self) -> &'static str {
        match self {
            Category::HelloRoles => {
                "HELLO: roles/authmethods/authextra written (autobahn omits them)"
            }
            Category::WelcomeRoles => {
                "WELCOME: roles/authmethod/authextra/custom written (autobahn omits them)"
            }
            Category::ChallengeExtra => "CHALLENGE: extra written (autobahn omits it)",
            Category::ChallengeMethodName => {
                "CHALLENGE: method outside AuthMethod written by name (autobahn writes 0 = anonymous)"
            }
            Category::AuthenticateExtra => "AUTHENTICATE: extra written (autobahn omits it)",
            Category::ErrorCallee => {
                "ERROR: callee/callee_authid/callee_authrole written (autobahn orphans/drops them)"
            }
            Category::CancelKillnowait => "CANCEL: killnowait written as 2 (autobahn writes SKIP)",
            Category::InterruptKillnowait => {
                "INTERRUPT: killnowait written as 2 (autobahn writes KILL)"
            }
            Category::GivenDefault => {
                "an option given as false/0/\"\"/[]/{}/the default enum written (autobahn elides it)"
            }
            Category::EmptyArgsBesideKwargs => {
                "empty args beside kwargs written (autobahn omits it)"
            }
            Category::AppendedForwardFor => {
                "SUBSCRIBE/UNSUBSCRIBE/REGISTER/UNREGISTER: forward_for appended (autobahn drops it)"
            }
        }
    }
}

/// Where the options or details dict is in the marshalled `msg`: the first dict, except in
/// CHALLENGE and AUTHENTICATE, whose only dict is `extra`.
fn options_index(marshalled: &[Value], msg: &Message) -> Option<usize> {
    if matches!(msg, Message::Challenge(_) | Message::Authenticate(_)) {
        return None;
    }
    marshalled.iter().position(|v| matches!(v, Value::Map(_)))
}

/// The options/details keys `msg` gives with a value autobahn elides (its `if value:` and the
/// schema defaults); the builder writes them.
fn given_defaults(msg: &Message) -> Vec<String> {
    let marshalled = msg.marshal();
    let Some(Value::Map(options)) = options_index(&marshalled, msg).map(|i| &marshalled[i]) else {
        return Vec::new();
    };
    let elided = |key: &str, v: &Value| match (msg, key, v) {
        (Message::Publish(_), "exclude_me", Value::Bool(b)) => *b, // its default is true
        (Message::Cancel(_), "mode", Value::Str(m)) => m == "skip",
        (Message::Interrupt(_), "mode", Value::Str(m)) => m == "kill",
        (_, _, Value::Bool(b)) => !b,
        (_, _, Value::Int(0) | Value::UInt(0)) => true,
        (_, _, Value::Str(s)) => s.is_empty(),
        (_, _, Value::List(l)) => l.is_empty(),
        (_, _, Value::Map(m)) => m.is_empty(),
        _ => false,
    };
    options
        .iter()
        .filter(|(k, v)| elided(k, v))
        .map(|(k, _)| k.to_owned())
        .collect()
}

/// `msg` without the options/details `keys`.
fn without_options(msg: &Message, keys: &[String]) -> Option<Message> {
    let mut marshalled = msg.marshal();
    let i = options_index(&marshalled, msg)?;
    if let Value::Map(options) = &mut marshalled[i] {
        options.retain(|k, _| !keys.iter().any(|key| key == k));
    }
    Message::parse(&marshalled).ok()
}

/// The `args` of a message with an application payload, beside a non-empty `kwargs`.
fn args_beside_kwargs(msg: &mut Message) -> Option<&mut Option<Vec<Value>>> {
    let (args, kwargs) = match msg {
        Message::Error(m) => (&mut m.args, &m.kwargs),
        Message::Publish(m) => (&mut m.args, &m.kwargs),
        Message::Event(m) => (&mut m.args, &m.kwargs),
        Message::Call(m) => (&mut m.args, &m.kwargs),
        Message::Result(m) => (&mut m.args, &m.kwargs),
        Message::Invocation(m) => (&mut m.args, &m.kwargs),
        Message::Yield(m) => (&mut m.args, &m.kwargs),
        _ => return None,
    };
    kwargs
        .as_ref()
        .is_some_and(|k| !k.is_empty())
        .then_some(args)
}

const AUTH_METHODS: [&str; 5] = ["anonymous", "ticket", "wampcra", "wamp-scram", "cryptosign"];

/// The categories `msg` falls in, from its content alone.
fn categories(msg: &Message) -> Vec<Category> {
    let mut out = Vec::new();
    match msg {
        Message::Hello(m)
            if !m.roles.is_empty() || m.authmethods.is_some() || m.authextra.is_some() =>
        {
            out.push(Category::HelloRoles)
        }
        Message::Welcome(m)
            if !m.roles.is_empty()
                || m.authmethod.is_some()
                || m.authextra.as_ref().is_some_and(|a| !a.is_empty())
                || !m.custom.is_empty() =>
        {
            out.push(Category::WelcomeRoles)
        }
        Message::Challenge(m) => {
            if !AUTH_METHODS.contains(&m.method.as_str()) {
                out.push(Category::ChallengeMethodName);
            }
            if !m.extra.is_empty() {
                out.push(Category::ChallengeExtra);
            }
        }
        Message::Authenticate(m) if !m.extra.is_empty() => out.push(Category::AuthenticateExtra),
        Message::Error(m)
            if m.callee.is_some_and(|c| c != 0)
                || m.callee_authid.as_ref().is_some_and(|s| !s.is_empty())
                || m.callee_authrole.as_ref().is_some_and(|s| !s.is_empty()) =>
        {
            out.push(Category::ErrorCallee)
        }
        Message::Cancel(m) if m.mode.as_deref() == Some("killnowait") => {
            out.push(Category::CancelKillnowait)
        }
        Message::Interrupt(m) if m.mode.as_deref() == Some("killnowait") => {
            out.push(Category::InterruptKillnowait)
        }
        Message::Subscribe(m) if m.forward_for.is_some() => out.push(Category::AppendedForwardFor),
        Message::Register(m) if m.forward_for.is_some() => out.push(Category::AppendedForwardFor),
        Message::Unsubscribe(m) if m.forward_for.as_ref().is_some_and(|f| !f.is_empty()) => {
            out.push(Category::AppendedForwardFor)
        }
        Message::Unregister(m) if m.forward_for.as_ref().is_some_and(|f| !f.is_empty()) => {
            out.push(Category::AppendedForwardFor)
        }
        _ => {}
    }
    if !given_defaults(msg).is_empty() {
        out.push(Category::GivenDefault);
    }
    let mut m = msg.clone();
    if args_beside_kwargs(&mut m).is_some_and(|a| a.as_ref().is_some_and(Vec::is_empty)) {
        out.push(Category::EmptyArgsBesideKwargs);
    }
    out
}

/// `msg` with the deviation undone: the field set to what autobahn effectively writes. `None`
/// where that cannot be expressed as a message (autobahn's orphan strings).
fn undo(msg: &Message, category: Category) -> Option<Message> {
    let mut m = msg.clone();
    match (&mut m, category) {
        (Message::Hello(h), Category::HelloRoles) => {
            h.roles.clear();
            h.authmethods = None;
            h.authextra = None;
        }
        (Message::Welcome(w), Category::WelcomeRoles) => {
            w.roles.clear();
            w.authmethod = None;
            w.authextra = None;
            w.custom.clear();
        }
        (Message::Challenge(c), Category::ChallengeMethodName) => c.method = "anonymous".into(),
        (Message::Challenge(c), Category::ChallengeExtra) => c.extra.clear(),
        (Message::Authenticate(a), Category::AuthenticateExtra) => a.extra.clear(),
        // autobahn's SKIP (CANCEL) and KILL (INTERRUPT) are elided: no mode on its wire
        (Message::Cancel(c), Category::CancelKillnowait) => c.mode = None,
        (Message::Interrupt(i), Category::InterruptKillnowait) => i.mode = None,
        (Message::Subscribe(s), Category::AppendedForwardFor) => s.forward_for = None,
        (Message::Unsubscribe(s), Category::AppendedForwardFor) => s.forward_for = None,
        (Message::Register(r), Category::AppendedForwardFor) => r.forward_for = None,
        (Message::Unregister(r), Category::AppendedForwardFor) => r.forward_for = None,
        (_, Category::GivenDefault) => return without_options(&m, &given_defaults(&m)),
        (_, Category::EmptyArgsBesideKwargs) => *args_beside_kwargs(&mut m)? = None,
        _ => return None,
    }
    Some(m)
}

/// Compares our bytes for `msg` with autobahn's `theirs`; `Ok(categories)` when identical or
/// explained, `Err(why)` otherwise.
fn judge(msg: &Message, theirs: &[u8]) -> Result<Vec<Category>, String> {
    let cats = categories(msg);
    let ours = builder::to_vec(msg);
    if cats.is_empty() {
        return match ours {
            Ok(b) if b == theirs => Ok(cats),
            Ok(b) => Err(format!(
                "bytes differ, no documented category:\n  ours   {}\n  theirs {}",
                hex(&b),
                hex(theirs)
            )),
            Err(e) => Err(format!("refused ({e}), no documented category")),
        };
    }
    match &ours {
        Err(e) => return Err(format!("refused ({e}) but categories are {cats:?}")),
        Ok(b) if b == theirs => {
            return Err(format!("categories {cats:?} but the bytes are autobahn's"))
        }
        Ok(_) => {}
    }
    // every category undone: then the bytes must be autobahn's
    let mut undone = msg.clone();
    for &c in &cats {
        match undo(&undone, c) {
            Some(m) => undone = m,
            None => return Ok(cats), // not expressible: the difference itself is the evidence
        }
    }
    match builder::to_vec(&undone) {
        Ok(b) if b == theirs => Ok(cats),
        Ok(b) => Err(format!(
            "with {cats:?} undone the bytes still differ:\n  ours   {}\n  theirs {}",
            hex(&b),
            hex(theirs)
        )),
        Err(e) => Err(format!("with {cats:?} undone: refused ({e})")),
    }
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The ids listed in `DEVIATIONS.md` on lines starting `FlatBuffers corpus cases:`.
fn listed_flatbuffers_deviations() -> BTreeSet<String> {
    listed_cases("FlatBuffers corpus cases:")
        .into_iter()
        .map(|(_, id)| id)
        .collect()
}

#[test]
fn corpus_bytes_match_autobahn() {
    let mut tally = Tally::default();
    let mut identical = 0;
    let mut total = 0;
    let mut per_category: BTreeMap<Category, Vec<String>> = BTreeMap::new();
    let mut reused_fbb = FlatBufferBuilder::with_capacity(64);
    let mut reused_writer = Writer::with_capacity(64);
    // (that each listed case exists and is refused, bytes or none: tests/conformance.rs)
    let refusals = flatbuffers_refusals();
    for case in corpus() {
        let Some(theirs) = case.hex("flatbuffers") else {
            continue;
        };
        total += 1;
        let msg = match json::from_slice(case.json()) {
            Ok(m) => m,
            Err(e) => {
                tally.check(false, || format!("{}: does not parse: {e}", case.id));
                continue;
            }
        };
        // A value the schema has no place for: refused naming the field, where autobahn
        // writes something else (DEVIATIONS.md, "FlatBuffers refuses")
        if let Some(field) = refusals.get(&case.id) {
            let ours = builder::to_vec(&msg);
            tally.check(
                ours.as_ref()
                    .is_err_and(|e| e.to_string().contains(&format!("'{field}'"))),
                || {
                    format!(
                        "{}: listed as refused naming '{field}', built {ours:?}",
                        case.id
                    )
                },
            );
            continue;
        }
        // `to_vec` builds in a fresh `Writer`; flatbuffers' `FlatBufferBuilder` and a `Writer`,
        // each reused across all messages, give the same bytes
        let fresh = builder::to_vec(&msg);
        let by_fbb =
            builder::build(&msg, &mut reused_fbb).map(|()| reused_fbb.finished_data().to_vec());
        let by_writer = builder::build(&msg, &mut reused_writer)
            .map(|()| reused_writer.finished_data().to_vec());
        tally.check(fresh == by_fbb && fresh == by_writer, || {
            format!(
                "{}: sinks differ: FlatBufferBuilder {by_fbb:?}, reused Writer {by_writer:?}, fresh Writer {fresh:?}",
                case.id
            )
        });
        match judge(&msg, &theirs) {
            Ok(cats) if cats.is_empty() => {
                identical += 1;
                tally.check(true, String::new);
            }
            Ok(cats) => {
                for c in cats {
                    per_category.entry(c).or_default().push(case.id.clone());
                }
                tally.check(true, String::new);
            }
            Err(why) => tally.check(false, || format!("{} {}: {why}", case.id, msg)),
        }
    }
    assert_eq!(total, 1888, "corpus cases with FlatBuffers bytes");
    println!("FlatBuffers corpus: {identical}/{total} byte-identical with autobahn");
    let mut deviating = BTreeSet::new();
    for (c, ids) in &per_category {
        println!("  {:3}  {}: {}", ids.len(), c.describe(), ids.join(", "));
        deviating.extend(ids.iter().cloned());
    }
    // DEVIATIONS.md lists exactly these cases
    let listed = listed_flatbuffers_deviations();
    for id in deviating.difference(&listed) {
        tally.check(false, || {
            format!("{id} differs from autobahn but is not listed in DEVIATIONS.md")
        });
    }
    for id in listed.difference(&deviating) {
        tally.check(false, || {
            format!("{id} is listed in DEVIATIONS.md (FlatBuffers) but does not deviate")
        });
    }
    tally.finish("flatbuffers corpus build");
}

#[test]
fn wamp_proto_vectors_match_autobahn() {
    let mut tally = Tally::default();
    let mut identical = 0;
    let mut total = 0;
    let mut per_category: BTreeMap<Category, usize> = BTreeMap::new();
    for (file, doc) in testsuite_files() {
        for (i, sample) in doc["samples"]
            .as_array()
            .expect("samples")
            .iter()
            .enumerate()
        {
            let Some(vectors) = sample
                .pointer("/serializers/flatbuffers")
                .and_then(|v| v.as_array())
            else {
                continue;
            };
            let text = sample
                .pointer("/serializers/json/0/bytes")
                .and_then(|v| v.as_str())
                .unwrap_or_else(|| panic!("{file}#{i}: FlatBuffers vector without JSON"));
            let msg = json::from_slice(text.as_bytes())
                .unwrap_or_else(|e| panic!("{file}#{i}: JSON does not parse: {e}"));
            for v in vectors {
                total += 1;
                let theirs = from_hex(v["bytes_hex"].as_str().expect("bytes_hex")).expect("hex");
                match judge(&msg, &theirs) {
                    Ok(cats) if cats.is_empty() => {
                        identical += 1;
                        tally.check(true, String::new);
                    }
                    Ok(cats) => {
                        cats.into_iter()
                            .for_each(|c| *per_category.entry(c).or_default() += 1);
                        tally.check(true, String::new);
                    }
                    Err(why) => tally.check(false, || format!("{file}#{i} {msg}: {why}")),
                }
            }
        }
    }
    assert_eq!(total, 34, "wamp-proto FlatBuffers vectors");
    println!("wamp-proto vectors: {identical}/{total} byte-identical with autobahn");
    for (c, n) in &per_category {
        println!("  {n:3}  {}", c.describe());
    }
    tally.finish("wamp-proto flatbuffers vectors");
}

fn typical_publish() -> Message {
    let mut kwargs = wamp_codec::Dict::new();
    kwargs.insert("a", Value::Int(23));
    kwargs.insert("b", Value::Str("x".into()));
    Message::Publish(Publish {
        request: 1234,
        topic: "com.example.topic".into(),
        args: Some(vec![
            Value::Int(1),
            Value::Str("hello".into()),
            Value::Bool(true),
        ]),
        kwargs: Some(kwargs),
        acknowledge: Some(true),
        ..Publish::default()
    })
}

#[test]
fn annotated_publish_is_byte_exact() {
    // docs/wire-format.md#flatbuffers-annotated-publish (acknowledge unset there)
    let Message::Publish(mut p) = typical_publish() else {
        unreachable!()
    };
    p.acknowledge = None;
    let expected = from_hex(
        concat!(
            "10000000000000000800 0a00090004000800000014000000 00100e001c000000",
            "10000c00080004000e00000030000000 3800000010000000d204000000000000",
            "0000000011000000636f6d2e6578616d 706c652e746f7069630000000800 0000",
            "a261611761626178090000008301 6568656c6c6ff5000000",
        )
        .replace(' ', "")
        .as_str(),
    )
    .unwrap();
    assert_eq!(
        builder::to_vec(&Message::Publish(p.clone())).unwrap(),
        expected
    );
    let mut fbb = FlatBufferBuilder::new();
    p.build_flatbuffers(&mut fbb).unwrap();
    assert_eq!(fbb.finished_data(), &expected[..]);
}

/// 100 builds into a warm sink allocate nothing and give the same bytes each time.
fn assert_warm_builds_allocate_nothing<'f>(
    sink: &mut impl Sink<'f>,
    msg: &Message,
    name: &str,
) -> Vec<u8> {
    for _ in 0..3 {
        builder::build(msg, sink).unwrap();
    }
    let expected = sink.finished_data().to_vec();
    let before = allocations();
    for _ in 0..100 {
        builder::build(msg, sink).unwrap();
    }
    let after = allocations();
    assert_eq!(sink.finished_data(), &expected[..], "{name}");
    assert_eq!(
        after - before,
        0,
        "allocations in 100 warm builds into a {name}"
    );
    expected
}

#[test]
fn reused_builder_allocates_nothing_after_warm_up() {
    let msg = typical_publish();
    let mut fbb = FlatBufferBuilder::with_capacity(1024);
    let by_fbb = assert_warm_builds_allocate_nothing(&mut fbb, &msg, "FlatBufferBuilder");
    // a Writer that starts empty grows once, then never again
    let mut writer = Writer::new();
    let by_writer = assert_warm_builds_allocate_nothing(&mut writer, &msg, "Writer");
    assert_eq!(by_fbb, by_writer);
}

#[test]
fn unsupported_values_are_refused_not_dropped() {
    // custom `x_*` payload-transparency identifiers have no enum value and no appended field
    let Message::Publish(mut p) = typical_publish() else {
        unreachable!()
    };
    p.args = None;
    p.kwargs = None;
    p.payload = Some(vec![1, 2, 3]);
    p.enc_algo = Some("x_mine".into());
    assert!(matches!(
        builder::to_vec(&Message::Publish(p.clone())),
        Err(EncodeError::Unsupported {
            field: "enc_algo",
            ..
        })
    ));
    p.enc_algo = Some("cryptobox".into());
    p.enc_serializer = Some("x_mine".into());
    assert!(matches!(
        builder::to_vec(&Message::Publish(p)),
        Err(EncodeError::Unsupported {
            field: "enc_serializer",
            ..
        })
    ));
}
