//! FlatBuffers views: the autobahn corpus and wamp-proto vectors cast and convert, views are
//! zero-copy, and the verifier is never laxer than flatc's on mutated buffers.
//!
//! The differential test runs ~20k mutants by default. For a million:
//!
//! ```text
//! WAMP_CODEC_DIFF_COUNT=1000000 cargo test --release --test fbs_views differential
//! ```

mod common;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use bytes::Bytes;
use common::{Case, Tally};
use flatbuffers::FlatBufferBuilder;
use wamp_codec::fbs::forward::EventDetails;
use wamp_codec::fbs::generated::proto;
use wamp_codec::fbs::view::{MessageBuf, MessageRef, VerifierOptions};
use wamp_codec::fbs::{Sink, Writer};
use wamp_codec::serializer::Format;
use wamp_codec::{DecodeError, Event, Message, MessageType, Publish, Value};

// ---- a counting allocator (per thread, so parallel tests do not disturb each other) ----

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations() -> usize {
    ALLOCS.with(Cell::get)
}

// ---- data ----

/// The corpus cases that carry autobahn's FlatBuffers bytes.
fn fbs_cases() -> Vec<(Case, Vec<u8>)> {
    let cases: Vec<_> = common::corpus()
        .into_iter()
        .filter_map(|c| c.hex("flatbuffers").map(|b| (c, b)))
        .collect();
    assert_eq!(cases.len(), 1888, "corpus cases with flatbuffers bytes");
    cases
}

/// The wamp-proto testsuite FlatBuffers vectors: (name, bytes).
fn testsuite_vectors() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for (name, doc) in common::testsuite_files() {
        for (i, sample) in doc["samples"].as_array().into_iter().flatten().enumerate() {
            for v in sample["serializers"]["flatbuffers"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let hex = v["bytes_hex"].as_str().expect("bytes_hex");
                out.push((format!("{name}#{i}"), common::from_hex(hex).expect("hex")));
            }
        }
    }
    assert_eq!(out.len(), 34, "wamp-proto FlatBuffers vectors");
    out
}

fn is_empty(v: &Value) -> bool {
    match v {
        Value::Null => true,
        Value::List(l) => l.is_empty(),
        Value::Map(m) => m.is_empty(),
        _ => false,
    }
}

/// Compares our marshalled message with autobahn's `marshal`: every element and every
/// options/details key we have must equal theirs. Where ours differs, it is accepted only if
/// autobahn's own FlatBuffers round trip (`flatbuffers_marshal`) lost that key too and ours is
/// empty (autobahn did not put it on the wire). Returns the differences.
fn compare(ours: &[Value], case: &Case) -> Vec<String> {
    let theirs = case.value("marshal").expect("marshal");
    let theirs = theirs.as_list().expect("marshal is a list");
    let fb = case.value("flatbuffers_marshal");
    let fb = fb.as_ref().and_then(|v| v.as_list());
    let mut diffs = Vec::new();
    for (i, o) in ours.iter().enumerate() {
        let Some(t) = theirs.get(i) else {
            if !is_empty(o) {
                diffs.push(format!("element {i}: ours {o}, theirs absent"));
            }
            continue;
        };
        match (o, t) {
            (Value::Map(om), Value::Map(tm)) => {
                for (k, ov) in om {
                    if tm.get(k) == Some(ov) {
                        continue;
                    }
                    let lost = fb
                        .and_then(|f| f.get(i))
                        .and_then(|f| f.as_map())
                        .is_some_and(|fm| fm.get(k) != tm.get(k));
                    if lost && is_empty(ov) {
                        continue;
                    }
                    diffs.push(format!(
                        "element {i} key {k:?}: ours {ov}, theirs {}",
                        tm.get(k).map_or("absent".to_owned(), |v| v.to_string())
                    ));
                }
            }
            _ if o == t => {}
            _ if is_empty(o) && is_empty(t) => {}
            // A value autobahn does not put on this wire (CHALLENGE's unknown auth methods are
            // written as 0, and its own decoder gives None): ours is what the wire says.
            _ if fb
                .and_then(|f| f.get(i))
                .is_some_and(|f| f == o || *f == Value::Null) => {}
            _ => diffs.push(format!("element {i}: ours {o}, theirs {t}")),
        }
    }
    diffs
}

// ---- (a) corpus and vectors ----

#[test]
fn corpus_casts_converts_and_agrees() {
    let mut cast = Tally::default();
    let mut fields = Tally::default();
    let refusals = common::flatbuffers_refusals();
    for (case, buf) in fbs_cases() {
        let r = MessageRef::cast(&buf).and_then(Message::try_from);
        // autobahn's bytes for a value the schema has no place for (DEVIATIONS.md,
        // "FlatBuffers refuses"): the cast refuses them naming the field, or reads them
        // (where autobahn's bytes lack the value)
        if let Some(field) = refusals.get(&case.id) {
            cast.check(
                r.as_ref()
                    .map_or_else(|e| e.to_string().contains(&format!("'{field}'")), |_| true),
                || format!("{}: listed as refused naming '{field}': {r:?}", case.id),
            );
            continue;
        }
        cast.check(r.is_ok(), || {
            format!("{}: {}", case.id, r.as_ref().unwrap_err())
        });
        let Ok(msg) = r else { continue };
        let code = case.raw["type"].as_u64().expect("type");
        cast.check(msg.message_type().code() == code, || {
            format!("{}: type {:?} for code {code}", case.id, msg.message_type())
        });
        // The owned buffer gives the same message.
        let mb = MessageBuf::new(Bytes::from(buf.clone())).expect("MessageBuf");
        cast.check(mb.to_message().ok().as_ref() == Some(&msg), || {
            format!("{}: MessageBuf view differs", case.id)
        });
        let diffs = compare(&msg.marshal(), &case);
        fields.check(diffs.is_empty(), || {
            format!("{}: {}", case.id, diffs.join("; "))
        });
    }
    cast.finish("flatbuffers corpus cast");
    fields.finish("flatbuffers corpus field agreement");
}

#[test]
fn testsuite_vectors_cast_and_convert() {
    let mut t = Tally::default();
    for (name, buf) in testsuite_vectors() {
        let r = MessageRef::cast(&buf).and_then(Message::try_from);
        t.check(r.is_ok(), || format!("{name}: {}", r.unwrap_err()));
    }
    t.finish("wamp-proto flatbuffers vectors");
}

// ---- (b) laziness ----

/// Autobahn's PUBLISH of docs/wire-format.md#flatbuffers-annotated-publish (120 bytes).
fn publish_bytes() -> Vec<u8> {
    // The rows of that section's dump, which autobahn 26.10.2 wrote.
    let rows = [
        "10 00 00 00 00 00 00 00 08 00 0a 00 09 00 04 00",
        "08 00 00 00 14 00 00 00 00 10 0e 00 1c 00 00 00",
        "10 00 0c 00 08 00 04 00 0e 00 00 00 30 00 00 00",
        "38 00 00 00 10 00 00 00 d2 04 00 00 00 00 00 00",
        "00 00 00 00 11 00 00 00 63 6f 6d 2e 65 78 61 6d",
        "70 6c 65 2e 74 6f 70 69 63 00 00 00 08 00 00 00",
        "a2 61 61 17 61 62 61 78 09 00 00 00 83 01 65 68",
        "65 6c 6c 6f f5 00 00 00",
    ];
    let hex: String = rows.concat().split_whitespace().collect();
    common::from_hex(&hex).expect("hex")
}

#[test]
fn publish_view_is_zero_copy() {
    let buf = publish_bytes();
    let range = buf.as_ptr_range();

    let before = allocations();
    let p = Publish::cast(&buf).expect("cast");
    let topic = p.topic();
    let args = p.args_bytes().expect("args");
    let kwargs = p.kwargs_bytes().expect("kwargs");
    let request = p.request();
    let after = allocations();
    assert_eq!(after - before, 0, "cast + topic + args_bytes allocated");

    assert_eq!(topic, "com.example.topic");
    assert_eq!(request, 1234);
    assert!(range.contains(&topic.as_ptr()));
    assert!(range.contains(&args.as_ptr()));
    assert_eq!(args, [0x83, 0x01, 0x65, b'h', b'e', b'l', b'l', b'o', 0xf5]);
    assert_eq!(kwargs.len(), 8);
    assert_eq!(p.args().unwrap().unwrap().len(), 3);
    assert_eq!(p.kwargs().unwrap().unwrap()["a"], Value::Int(23));
    assert!(p.exclude().is_none() && p.exclude_me().is_none());

    // The same bytes through the owned, shareable form.
    let mb = MessageBuf::new(Bytes::from(buf.clone())).unwrap();
    let shared = mb.clone();
    let t = std::thread::spawn(move || match shared.view() {
        MessageRef::Publish(p) => p.topic().to_owned(),
        other => panic!("{other:?}"),
    });
    assert_eq!(t.join().unwrap(), "com.example.topic");

    // Another type's cast names both.
    let e = wamp_codec::Event::cast(&buf).unwrap_err().to_string();
    assert!(e.contains("EVENT") && e.contains("PUBLISH"), "{e}");
}

#[test]
fn typed_owned_views_share_the_bytes() {
    let buf = Bytes::from(publish_bytes());
    let owned = Publish::cast_bytes(buf.clone()).unwrap();
    let copy = owned.clone();
    assert_eq!(
        copy.bytes().as_ptr(),
        buf.as_ptr(),
        "a clone copies no bytes"
    );
    let topic = std::thread::spawn(move || copy.view().topic().to_owned())
        .join()
        .unwrap();
    assert_eq!(topic, "com.example.topic");
    assert_eq!(owned.view().request(), 1234);
    assert!(buf.as_ptr_range().contains(&owned.view().topic().as_ptr()));

    // The same bytes, typed after the fact; the wrong type gives the message back.
    let any = MessageBuf::new(buf.clone()).unwrap();
    let any = any.downcast::<Event>().unwrap_err();
    let publish = any.downcast::<Publish>().unwrap();
    assert_eq!(publish.view().args_bytes(), owned.view().args_bytes());
    assert_eq!(
        publish.into_message_buf().message_type(),
        MessageType::Publish
    );
    let e = Event::cast_bytes(buf).unwrap_err().to_string();
    assert!(
        e.contains("expected EVENT, the buffer holds PUBLISH"),
        "{e}"
    );
}

// ---- the broker's fast path: PUBLISH view -> EVENT ----

/// The EVENT a broker derives from `publish` with `details`, as an owned message.
fn expected_event(publish: &Publish, d: &EventDetails<'_>) -> Event {
    Event {
        args: publish.args.clone(),
        kwargs: publish.kwargs.clone(),
        payload: publish.payload.clone(),
        publisher: d.publisher,
        publisher_authid: d.publisher_authid.map(str::to_owned),
        publisher_authrole: d.publisher_authrole.map(str::to_owned),
        topic: d.topic.map(str::to_owned),
        retained: d.retained,
        transaction_hash: publish.transaction_hash.clone(),
        x_acknowledged_delivery: d.x_acknowledged_delivery,
        enc_algo: publish.enc_algo.clone(),
        enc_key: publish.enc_key.clone(),
        enc_serializer: publish.enc_serializer.clone(),
        forward_for: publish.forward_for.clone(),
        ..Event::new(d.subscription, d.publication)
    }
}

#[test]
fn build_event_writes_the_owned_events_bytes() {
    let details = [
        EventDetails {
            subscription: 5512315355,
            publication: 4429313566,
            ..EventDetails::default()
        },
        EventDetails {
            subscription: 1,
            publication: 2,
            publisher: Some(3),
            publisher_authid: Some("alice"),
            publisher_authrole: Some(""),
            topic: Some("com.myapp.topic"),
            retained: Some(false),
            x_acknowledged_delivery: Some(true),
        },
    ];
    let mut fbb = FlatBufferBuilder::new();
    let mut writer = Writer::new();
    let mut tally = Tally::default();
    let mut publishes = 0;
    // the cases FlatBuffers refuses (tests/conformance.rs holds them to it)
    let refusals = common::flatbuffers_refusals();
    for case in common::corpus() {
        let Some(raw) = case.value("marshal") else {
            continue;
        };
        if refusals.contains_key(&case.id) {
            continue;
        }
        let Ok(Message::Publish(owned)) = Message::parse(raw.as_list().unwrap_or(&[])) else {
            continue;
        };
        publishes += 1;
        // our bytes, and autobahn's where the case has them
        let mut buffers = vec![Format::Flatbuffers.encode(&owned.clone().into()).unwrap()];
        buffers.extend(case.hex("flatbuffers"));
        for buf in &buffers {
            let view = Publish::cast(buf).unwrap();
            let publish = Publish::try_from(view).unwrap();
            for d in &details {
                view.build_event(d, &mut fbb);
                let want = Format::Flatbuffers
                    .encode(&expected_event(&publish, d).into())
                    .unwrap();
                tally.check(fbb.finished_data() == want.as_slice(), || {
                    format!(
                        "{}: build_event differs from the owned EVENT's bytes",
                        case.id
                    )
                });
                view.build_event(d, &mut writer);
                tally.check(writer.finished_data() == want.as_slice(), || {
                    format!(
                        "{}: build_event into a Writer differs from the owned EVENT's bytes",
                        case.id
                    )
                });
                let event = Event::cast(fbb.finished_data()).unwrap();
                tally.check(event.args_bytes() == view.args_bytes(), || {
                    format!("{}: args not copied verbatim", case.id)
                });
            }
        }
    }
    assert!(
        publishes >= 10,
        "only {publishes} PUBLISH cases in the corpus"
    );
    tally.finish("build_event");
}

#[test]
fn build_event_into_a_reused_builder_does_not_allocate() {
    assert_build_event_does_not_allocate(&mut FlatBufferBuilder::with_capacity(1024));
    // a Writer that starts empty grows once, in the warm-up
    assert_build_event_does_not_allocate(&mut Writer::new());
}

fn assert_build_event_does_not_allocate<'f>(sink: &mut impl Sink<'f>) {
    let buf = publish_bytes();
    let view = Publish::cast(&buf).unwrap();
    let details = EventDetails {
        subscription: 7,
        publication: 8,
        publisher: Some(9),
        topic: Some("com.example.topic"),
        ..EventDetails::default()
    };
    view.build_event(&details, sink); // warm-up: the sink grows once
    let before = allocations();
    for subscription in 0..100 {
        let view = Publish::cast(&buf).unwrap();
        view.build_event(
            &EventDetails {
                subscription,
                ..details
            },
            sink,
        );
    }
    assert_eq!(allocations() - before, 0, "cast + build_event allocated");
    let event = Event::cast(sink.finished_data()).unwrap();
    assert_eq!(event.subscription(), 99);
    assert_eq!(event.topic(), Some("com.example.topic"));
    assert!(buf
        .as_ptr_range()
        .contains(&view.args_bytes().unwrap().as_ptr()));
}

// ---- (c) differential against flatc's verifier ----

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

fn mutate(rng: &mut Rng, src: &[u8]) -> Vec<u8> {
    let mut m = src.to_vec();
    for _ in 0..1 + rng.below(3) {
        if m.is_empty() {
            break;
        }
        let len = m.len();
        match rng.below(7) {
            0 => {
                let i = rng.below(len);
                m[i] ^= 1 << rng.below(8);
            }
            1 => {
                let i = rng.below(len);
                m[i] = rng.next() as u8;
            }
            2 => m.truncate(rng.below(len)),
            3 | 4 => {
                // A hostile 32-bit offset at an aligned position.
                let i = rng.below(len / 4) * 4;
                if i + 4 > len {
                    continue;
                }
                let here = i as u32;
                let v: u32 = match rng.below(10) {
                    0 => len as u32,
                    1 => len as u32 - here,
                    2 => 0,
                    3 => u32::MAX,
                    4 => i32::MAX as u32,
                    5 => 0x8000_0000,
                    6 => here.wrapping_neg(),
                    7 => 1 + rng.below(7) as u32,
                    8 => (rng.below(len) as u32).wrapping_sub(here),
                    _ => rng.next() as u32,
                };
                m[i..i + 4].copy_from_slice(&v.to_le_bytes());
            }
            5 => {
                // A hostile 16-bit vtable entry or size.
                let i = rng.below(len / 2) * 2;
                if i + 2 > len {
                    continue;
                }
                let v: u16 = match rng.below(7) {
                    0 => 0,
                    1 => 1 + rng.below(3) as u16,
                    2 => 0xffff,
                    3 => 0xfffe,
                    4 => len as u16,
                    5 => (len as u16).wrapping_add(2),
                    _ => rng.next() as u16,
                };
                m[i..i + 2].copy_from_slice(&v.to_le_bytes());
            }
            _ => {
                // Append or insert garbage.
                let i = rng.below(len + 1);
                m.insert(i, rng.next() as u8);
            }
        }
    }
    m
}

/// The checks we make that flatc does not.
const STRICTER: [&str; 5] = [
    "unknown message type tag",
    "object size",
    "outside the table",
    "vtable length",
    "invalid CBOR",
];

/// Whether `T::cast(buf)` accepts `buf`, for the `T` of message type `t`.
fn typed_cast_ok(t: MessageType, buf: &[u8]) -> bool {
    use wamp_codec::*;
    macro_rules! typed {
        ($($variant:ident => $ty:ty),* $(,)?) => {
            match t { $(MessageType::$variant => <$ty>::cast(buf).is_ok(),)* }
        };
    }
    typed!(
        Hello => Hello, Welcome => Welcome, Abort => Abort, Challenge => Challenge,
        Authenticate => Authenticate, Goodbye => Goodbye, Error => ErrorReply,
        Publish => Publish, Published => Published, Subscribe => Subscribe,
        Subscribed => Subscribed, Unsubscribe => Unsubscribe, Unsubscribed => Unsubscribed,
        Event => Event, EventReceived => EventReceived, Call => Call, Cancel => Cancel,
        Result => CallResult, Register => Register, Registered => Registered,
        Unregister => Unregister, Unregistered => Unregistered, Invocation => Invocation,
        Interrupt => Interrupt, Yield => Yield,
    )
}

fn differential(count: usize) {
    let seeds: Vec<Vec<u8>> = fbs_cases()
        .into_iter()
        .map(|(_, b)| b)
        .chain(testsuite_vectors().into_iter().map(|(_, b)| b))
        .collect();
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut ours_ok, mut flatc_ok, mut both_ok) = (0usize, 0usize, 0usize);
    let mut laxer = Vec::new();
    let mut stricter = std::collections::BTreeMap::new();
    for n in 0..count {
        let seed = &seeds[rng.below(seeds.len())];
        let m = mutate(&mut rng, seed);
        let ours = MessageRef::cast(&m);
        let theirs = flatbuffers::root::<proto::Message>(&m);
        // The typed casts (`Publish::cast`) have their own copy of the verifier's walk: they
        // accept exactly what `MessageRef::cast` accepts as their type.
        let seed_type = MessageRef::cast(seed).map(|v| v.message_type());
        let ours_type = ours.as_ref().ok().map(MessageRef::message_type);
        for t in seed_type.ok().into_iter().chain(ours_type) {
            assert_eq!(
                typed_cast_ok(t, &m),
                ours_type == Some(t),
                "mutant {n}: {t:?}::cast disagrees with MessageRef::cast ({:?})",
                ours.as_ref().err()
            );
        }
        flatc_ok += usize::from(theirs.is_ok());
        if let (Err(e), true) = (&ours, theirs.is_ok()) {
            // Where we are stricter than flatc, by the kind of check.
            let e = e.to_string();
            let kind = STRICTER
                .iter()
                .find(|k| e.contains(*k))
                .copied()
                .unwrap_or("other");
            *stricter.entry(kind).or_insert(0usize) += 1;
        }
        if let Ok(v) = ours {
            ours_ok += 1;
            // Every accessor path must read without panicking.
            let _ = Message::try_from(v);
            match theirs {
                Ok(_) => both_ok += 1,
                Err(e) if laxer.len() < 10 => laxer.push(format!(
                    "mutant {n}: ours ok, flatc: {e}\n  {}",
                    m.iter().map(|b| format!("{b:02x}")).collect::<String>()
                )),
                Err(_) => laxer.push(String::new()),
            }
        }
    }
    println!(
        "differential: {count} mutants; ours accepted {ours_ok}, flatc accepted {flatc_ok}, both {both_ok}"
    );
    println!("rejected by us only, by check: {stricter:?}");
    assert!(
        laxer.is_empty(),
        "accepted what flatc rejects:\n{}",
        laxer.join("\n")
    );
    assert_eq!(ours_ok, both_ok);
}

#[test]
fn differential_never_laxer_than_flatc() {
    let count = std::env::var("WAMP_CODEC_DIFF_COUNT")
        .ok()
        .map(|s| s.parse().expect("WAMP_CODEC_DIFF_COUNT is a number"))
        .unwrap_or(20_000);
    differential(count);
}

#[test]
fn corpus_agrees_with_flatc_unmutated() {
    for (case, buf) in fbs_cases() {
        assert!(
            flatbuffers::root::<proto::Message>(&buf).is_ok(),
            "{}: flatc rejects",
            case.id
        );
    }
}

// ---- the topic's UTF-8, wherever it lies ----

/// `cast` checks a string's UTF-8 from the 8-aligned address below it when that is its length
/// (see `Verifier::utf8`): the `&str` and the errors must be those of checking the characters
/// alone, at every alignment of the buffer, for ASCII and other topics, for lengths whose bytes
/// are not ASCII (204 = 0xcc) or are a UTF-8 character themselves (0x80c3 = c3 80 00 00), and
/// for invalid UTF-8 anywhere in the topic.
#[test]
fn topic_utf8_at_every_alignment() {
    let topics = [
        "com.myapp.mytopic1".to_owned(),
        "com.myapp.mytopic12".to_owned(),
        "a".to_owned(),
        "com.myäpp.tópic".to_owned(),
        "com.😀.x".to_owned(),
        format!("com.{}", "a".repeat(200)),
        format!("com.{}", "b".repeat(0x80c3 - 4)),
    ];
    for topic in &topics {
        let buf = Format::Flatbuffers
            .encode(&Publish::new(1, topic.as_str()).into())
            .unwrap();
        let chars = buf
            .windows(topic.len())
            .position(|w| w == topic.as_bytes())
            .expect("the topic's characters");
        let last = topic.len() - 1;
        let mut backing = vec![0u8; buf.len() + 16];
        let aligned = backing.as_ptr().align_offset(8);
        for skew in 0..8 {
            let start = aligned + skew;
            let b = &mut backing[start..start + buf.len()];
            b.copy_from_slice(&buf);
            let p = Publish::cast(b).unwrap_or_else(|e| panic!("{topic:?} at {skew}: {e}"));
            assert_eq!(p.topic(), topic, "at {skew}");
            match MessageRef::cast(b).unwrap() {
                MessageRef::Publish(p) => assert_eq!(p.topic(), topic, "at {skew}"),
                other => panic!("{other:?}"),
            }
            // A stray continuation byte first, a 0xff, a truncated sequence last.
            for (i, bad) in [(0, 0x80), (0, 0xff), (last / 2, 0xff), (last, 0xc3)] {
                b[chars + i] = bad;
                let e = Publish::cast(b).unwrap_err().to_string();
                assert!(
                    e.contains("'topic' in PUBLISH")
                        && e.contains("not UTF-8")
                        && e.contains(&format!("index {i}")),
                    "{topic:?} at {skew}, {bad:#x} at {i}: {e}"
                );
                assert!(MessageRef::cast(b).is_err());
                b[chars + i] = topic.as_bytes()[i];
            }
        }
    }
}

// ---- (d) hand-made hostile buffers ----

fn err(buf: &[u8]) -> String {
    match MessageRef::cast(buf) {
        Ok(v) => panic!("accepted {buf:02x?} as {v:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn hostile_buffers() {
    assert!(err(&[]).contains("root"), "{}", err(&[]));
    assert!(err(&[1, 2, 3]).contains("root"));
    let e = err(&[0, 1, 0, 0, 0, 0, 0, 0]);
    assert!(e.contains("root") && e.contains("out of bounds"), "{e}");

    let good = publish_bytes();
    // Unknown union tag 99 (the msg_type byte is at 0x19).
    let mut m = good.clone();
    m[0x19] = 99;
    let e = err(&m);
    assert!(e.contains("msg_type") && e.contains("99"), "{e}");

    // A topic string whose length runs past the end.
    let mut m = good.clone();
    m[0x44..0x48].copy_from_slice(&0x1000u32.to_le_bytes());
    let e = err(&m);
    assert!(e.contains("'topic' in PUBLISH"), "{e}");

    // Topic missing (vtable entry zeroed): a required field.
    let mut m = good.clone();
    m[0x22..0x24].copy_from_slice(&[0, 0]);
    let e = err(&m);
    assert!(
        e.contains("'topic' in PUBLISH") && e.contains("missing"),
        "{e}"
    );

    // A huge vtable length.
    let mut m = good.clone();
    m[0x1a..0x1c].copy_from_slice(&0xfffeu16.to_le_bytes());
    let e = err(&m);
    assert!(e.contains("PUBLISH") && e.contains("vtable"), "{e}");

    // An odd vtable length.
    let mut m = good.clone();
    m[0x1a..0x1c].copy_from_slice(&0x0fu16.to_le_bytes());
    assert!(err(&m).contains("vtable length"));

    // Limits: depth and buffer size.
    let opts = VerifierOptions {
        max_depth: 1,
        ..VerifierOptions::DEFAULT
    };
    let e = MessageRef::cast_with(&good, &opts).unwrap_err();
    assert!(
        matches!(
            e,
            DecodeError::Limit {
                limit: "depth",
                max: 1,
                ..
            }
        ),
        "{e}"
    );
    let opts = VerifierOptions {
        max_buffer_size: 16,
        ..VerifierOptions::DEFAULT
    };
    let e = MessageRef::cast_with(&good, &opts).unwrap_err();
    assert!(matches!(e, DecodeError::Limit { limit: "size", .. }), "{e}");
    let opts = VerifierOptions {
        max_apparent_size: 40,
        ..VerifierOptions::DEFAULT
    };
    let e = MessageRef::cast_with(&good, &opts).unwrap_err();
    assert!(
        matches!(
            e,
            DecodeError::Limit {
                limit: "apparent size",
                ..
            }
        ),
        "{e}"
    );
}
