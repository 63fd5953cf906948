//! The MessagePack and CBOR views against the owned codecs.
//!
//! * `scan_message` fails exactly where `from_slice_with_limits` fails before parsing, with an
//!   equal error (same variant, same text); where it succeeds, its elements' `to_value()` are
//!   the elements `value_from_slice` decodes, their count is the array's, and each element's
//!   `bytes()` decode alone to the same value. Inputs: generated values encoded by the owned
//!   encoders, their truncations, byte flips and insertions, random bytes, and hand cases.
//! * `transcode` into `MsgpackWriter` / `CborWriter` writes the owned encoders' bytes, and each
//!   format's own walk (`ItemRef::transcode`) writes what the generic `transcode` writes.

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use wamp_codec::serializer::cbor::view::{CborItem, CborWriter};
use wamp_codec::serializer::json::view::JsonWriter;
use wamp_codec::serializer::msgpack::view::{MsgpackItem, MsgpackWriter};
use wamp_codec::serializer::{cbor, msgpack, Limits};
use wamp_codec::view::item::{transcode, Elems, Emit, Item, Kind};
use wamp_codec::view::ItemRef;
use wamp_codec::{dict, DecodeError, Dict, Message, Value};

// ---- the two formats behind one interface ----

trait Format {
    type Item<'a>: Item<'a> + core::fmt::Debug;
    const NAME: &'static str;
    fn scan<'a>(buf: &'a [u8], limits: &Limits) -> Result<Elems<Self::Item<'a>>, DecodeError>;
    fn owned(buf: &[u8], limits: &Limits) -> Result<Message, DecodeError>;
    fn decode(buf: &[u8], limits: &Limits) -> Result<Value, DecodeError>;
    fn encode(v: &Value) -> Vec<u8>;
    fn item_bytes<'a>(item: &Self::Item<'a>) -> &'a [u8];
    /// `item` transcoded into this format's writer.
    fn write<'a, I: Item<'a>>(item: &I) -> Vec<u8>;
}

struct Msgpack;
struct Cbor;

impl Format for Msgpack {
    type Item<'a> = MsgpackItem<'a>;
    const NAME: &'static str = "msgpack";
    fn scan<'a>(buf: &'a [u8], limits: &Limits) -> Result<Elems<MsgpackItem<'a>>, DecodeError> {
        msgpack::view::scan_message(buf, limits)
    }
    fn owned(buf: &[u8], limits: &Limits) -> Result<Message, DecodeError> {
        msgpack::from_slice_with_limits(buf, limits)
    }
    fn decode(buf: &[u8], limits: &Limits) -> Result<Value, DecodeError> {
        msgpack::value_from_slice(buf, limits)
    }
    fn encode(v: &Value) -> Vec<u8> {
        msgpack::value_to_vec(v).unwrap()
    }
    fn item_bytes<'a>(item: &Self::Item<'a>) -> &'a [u8] {
        item.bytes()
    }
    fn write<'a, I: Item<'a>>(item: &I) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = MsgpackWriter::new(&mut out);
        transcode(item, &mut w);
        w.finish().unwrap();
        out
    }
}

impl Format for Cbor {
    type Item<'a> = CborItem<'a>;
    const NAME: &'static str = "cbor";
    fn scan<'a>(buf: &'a [u8], limits: &Limits) -> Result<Elems<CborItem<'a>>, DecodeError> {
        cbor::view::scan_message(buf, limits)
    }
    fn owned(buf: &[u8], limits: &Limits) -> Result<Message, DecodeError> {
        cbor::from_slice_with_limits(buf, limits)
    }
    fn decode(buf: &[u8], limits: &Limits) -> Result<Value, DecodeError> {
        cbor::value_from_slice(buf, limits)
    }
    fn encode(v: &Value) -> Vec<u8> {
        cbor::value_to_vec(v).unwrap()
    }
    fn item_bytes<'a>(item: &Self::Item<'a>) -> &'a [u8] {
        item.bytes()
    }
    fn write<'a, I: Item<'a>>(item: &I) -> Vec<u8> {
        let mut out = Vec::new();
        let mut w = CborWriter::new(&mut out);
        transcode(item, &mut w);
        w.finish().unwrap();
        out
    }
}

const UNLIMITED: Limits = Limits {
    max_size: usize::MAX,
    max_depth: 10_000,
    max_items: usize::MAX,
};

/// The limits every input is checked under: the defaults, and tight ones that generated
/// values reach.
const LIMITS: [Limits; 3] = [
    Limits::DEFAULT,
    Limits {
        max_size: 40,
        max_depth: 3,
        max_items: 12,
    },
    Limits {
        max_size: 1 << 10,
        max_depth: 2,
        max_items: 4,
    },
];

/// Values compared by their MessagePack bytes (exact float bits, NaN included; maps in
/// order).
#[track_caller]
fn assert_same(a: &Value, b: &Value, what: &str) {
    assert_eq!(
        Msgpack::encode(a),
        Msgpack::encode(b),
        "{what}: {a:?} vs {b:?}"
    );
}

/// An error's variant and text.
fn describe(e: &DecodeError) -> String {
    format!("{e:?} / {e}")
}

/// Checks `scan_message` against the owned path on `buf` under `limits`; returns whether the
/// scan succeeded.
fn check<F: Format>(buf: &[u8], limits: &Limits) -> bool {
    let scanned = F::scan(buf, limits);
    let owned = F::owned(buf, limits);
    let decoded = F::decode(buf, limits);
    let ctx = || format!("{} {buf:02x?} under {limits:?}", F::NAME);
    match &decoded {
        Err(d) => {
            // The owned decoder fails before parsing, as `value_from_slice` does.
            let o = owned.as_ref().err().unwrap_or_else(|| panic!("{}", ctx()));
            assert_eq!(
                describe(o),
                describe(d),
                "owned vs value_from_slice: {}",
                ctx()
            );
            let s = scanned.as_ref().err().unwrap_or_else(|| {
                panic!("scan succeeded where the owned failed ({d}): {}", ctx())
            });
            assert_eq!(describe(s), describe(d), "{}", ctx());
            false
        }
        Ok(Value::List(items)) => {
            let elems = scanned.unwrap_or_else(|e| panic!("scan failed ({e}): {}", ctx()));
            assert_eq!(elems.len(), items.len(), "{}", ctx());
            for (i, v) in items.iter().enumerate().take(7) {
                let item = elems.get(i).unwrap();
                assert_same(&item.to_value(), v, &ctx());
                assert_eq!(item.kind(), (&v).kind(), "{}", ctx());
                let alone = F::decode(F::item_bytes(&item), &UNLIMITED).unwrap();
                assert_same(&alone, v, &ctx());
                // Read through the Item interface (accessors, list and map iteration) and
                // written again: the owned encoder's bytes of the decoded value, unless the
                // map repeated a key (the item keeps every occurrence, the value the last).
                if !has_duplicate_keys(&item) {
                    assert_eq!(F::write(&item), F::encode(v), "{}", ctx());
                }
            }
            assert!(elems.get(7).is_none());
            true
        }
        Ok(other) => {
            let o = owned.as_ref().err().unwrap_or_else(|| panic!("{}", ctx()));
            let s = scanned
                .as_ref()
                .err()
                .unwrap_or_else(|| panic!("{}", ctx()));
            assert_eq!(describe(s), describe(o), "{}", ctx());
            assert_eq!(
                o.to_string(),
                format!("invalid type {} for WAMP message", other.type_name())
            );
            false
        }
    }
}

fn has_duplicate_keys<'a, I: Item<'a>>(item: &I) -> bool {
    if let Some(entries) = item.map() {
        let mut seen = std::collections::HashSet::new();
        for (k, v) in entries {
            if !seen.insert(k.into_owned()) || has_duplicate_keys(&v) {
                return true;
            }
        }
    }
    item.list()
        .is_some_and(|mut items| items.any(|i| has_duplicate_keys(&i)))
}

fn check_all_limits(buf: &[u8]) {
    for limits in &LIMITS {
        check::<Msgpack>(buf, limits);
        check::<Cbor>(buf, limits);
    }
}

/// `buf`, its truncations, and a few flips and insertions at every position.
fn check_mutations<F: Format>(buf: &[u8]) {
    for limits in &LIMITS {
        check::<F>(buf, limits);
    }
    // Every position of a short input; about 48 spread over a long one (debug builds are slow).
    let step = (buf.len() / 48).max(1);
    for end in (0..buf.len()).step_by(step) {
        check::<F>(&buf[..end], &Limits::DEFAULT);
    }
    for at in (0..buf.len()).step_by(step) {
        for b in [0x00, 0xff, 0xc1, 0x1f, buf[at] ^ 0x01, buf[at] ^ 0x20] {
            let mut m = buf.to_vec();
            m[at] = b;
            check::<F>(&m, &Limits::DEFAULT);
            let mut m = buf.to_vec();
            m.insert(at, b);
            check::<F>(&m, &Limits::DEFAULT);
        }
    }
}

// ---- generated values ----

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<f64>(),
        1 => prop::sample::select(vec![0.0, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1.5]),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        prop::sample::select(vec![
            i64::MIN,
            i64::MAX,
            -1,
            0,
            23,
            24,
            -24,
            -25,
            127,
            128,
            -32,
            -33,
            255,
            256,
            65535,
            65536,
            -129,
            -32769,
            4294967295,
            4294967296,
        ])
        .prop_map(Value::Int),
        ((i64::MAX as u64 + 1)..=u64::MAX).prop_map(Value::UInt),
        float().prop_map(Value::Float),
        any::<String>().prop_map(Value::from),
        "[a-z]{20,40}".prop_map(Value::from),
        vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
        // around the writers' in-place limit (64) and the one-byte length (255)
        "[a-z]{60,70}|[a-z]{250,260}".prop_map(Value::from),
        prop_oneof![vec(any::<u8>(), 60..70), vec(any::<u8>(), 250..260)].prop_map(Value::Bytes),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..20).prop_map(Value::List),
            btree_map(any::<String>(), inner, 0..18)
                .prop_map(|m| Value::Map(m.into_iter().collect())),
        ]
    })
}

/// A list shaped like a WAMP message (a PUBLISH, valid or nearly), or any list.
fn message_list() -> impl Strategy<Value = Vec<Value>> {
    prop_oneof![
        (
            0u64..1 << 53,
            prop::bool::ANY,
            "[a-z]{1,8}(\\.[a-z]{1,8}){0,3}",
            vec(value(), 0..3)
        )
            .prop_map(|(id, ack, topic, rest)| {
                let mut l = vec![
                    Value::Int(16),
                    Value::Int(id as i64),
                    Value::Map(dict! { "acknowledge" => ack }),
                    Value::from(topic),
                ];
                l.extend(rest);
                l
            }),
        vec(value(), 0..10),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn scan_agrees_with_owned_on_encoded_lists(list in message_list()) {
        let v = Value::List(list);
        check_all_limits(&Msgpack::encode(&v));
        check_all_limits(&Cbor::encode(&v));
    }

    #[test]
    fn scan_agrees_with_owned_on_any_top_value(v in value()) {
        check_all_limits(&Msgpack::encode(&v));
        check_all_limits(&Cbor::encode(&v));
    }

    #[test]
    fn scan_agrees_with_owned_on_mutations(list in vec(value(), 0..3)) {
        let v = Value::List(list);
        check_mutations::<Msgpack>(&Msgpack::encode(&v));
        check_mutations::<Cbor>(&Cbor::encode(&v));
    }

    #[test]
    fn scan_agrees_with_owned_on_random_bytes(bytes in vec(any::<u8>(), 0..64)) {
        check_all_limits(&bytes);
    }

    #[test]
    fn writers_write_the_owned_encoders_bytes(v in value()) {
        prop_assert_eq!(Msgpack::write(&&v), Msgpack::encode(&v));
        prop_assert_eq!(Cbor::write(&&v), Cbor::encode(&v));
    }

    /// Items of one format written by the other format's writer: the other encoder's bytes.
    #[test]
    fn items_transcode_across_formats(list in vec(value(), 0..7)) {
        let v = Value::List(list);
        let bytes = Msgpack::encode(&v);
        let elems = Msgpack::scan(&bytes, &Limits::DEFAULT).unwrap();
        for i in 0..elems.len() {
            let item = elems.get(i).unwrap();
            prop_assert_eq!(Cbor::write(&item), Cbor::encode(&item.to_value()));
        }
        let bytes = Cbor::encode(&v);
        let elems = Cbor::scan(&bytes, &Limits::DEFAULT).unwrap();
        for i in 0..elems.len() {
            let item = elems.get(i).unwrap();
            prop_assert_eq!(Msgpack::write(&item), Msgpack::encode(&item.to_value()));
        }
    }
}

/// `item` written by its format's own walk ([`ItemRef::transcode`]) and by the generic
/// [`transcode`] into the JSON, MessagePack and CBOR writers: the same bytes, or the same
/// refusal (JSON has no NaN).
fn own_walk_agrees(item: ItemRef<'_>) {
    fn written(item: &ItemRef<'_>, own_walk: bool, to: usize) -> Result<Vec<u8>, String> {
        let mut out = Vec::new();
        macro_rules! with {
            ($writer:expr) => {{
                let mut w = $writer;
                if own_walk {
                    item.transcode(&mut w);
                } else {
                    transcode(item, &mut w);
                }
                w.finish().map_err(|e| e.to_string())?;
            }};
        }
        match to {
            0 => with!(JsonWriter::new(&mut out)),
            1 => with!(MsgpackWriter::new(&mut out)),
            _ => with!(CborWriter::new(&mut out)),
        }
        Ok(out)
    }
    for to in 0..3 {
        assert_eq!(
            written(&item, true, to),
            written(&item, false, to),
            "writer {to}: {item:?}"
        );
    }
}

/// Every element of `buf`, a message in `F`'s format, through [`own_walk_agrees`].
fn own_walks_agree<'a, F: Format>(buf: &'a [u8], wrap: impl Fn(F::Item<'a>) -> ItemRef<'a>) {
    let elems = F::scan(buf, &UNLIMITED).unwrap();
    for i in 0..elems.len() {
        own_walk_agrees(wrap(elems.get(i).unwrap()));
    }
}

proptest! {
    #[test]
    fn own_walks_write_what_the_generic_transcode_writes(list in vec(value(), 0..7)) {
        let v = Value::List(list);
        let (m, c) = (Msgpack::encode(&v), Cbor::encode(&v));
        own_walks_agree::<Msgpack>(&m, ItemRef::Msgpack);
        own_walks_agree::<Cbor>(&c, ItemRef::Cbor);
    }
}

/// The forms the owned encoders never write: indefinite lengths, tags, bignums, short floats,
/// repeated keys, the narrow integer widths.
#[test]
fn own_walks_read_every_form() {
    for h in [
        "9f 10 01 a0 7f 62 6162 61 63 ff ff",
        "86 10 01 bf 6161 f5 ff 65 612e622e63 9f 5f 42 0102 41 03 ff 9f 04 ff ff bf 7f 6161 ff 01 ff",
        "84 10 d9d9f7 01 a0 61 61",
        "86 c2 49 00ffffffffffffffff c2 40 c2 5f 41 01 41 00 ff c3 48 7fffffffffffffff c3 40 c2 5f ff",
        "85 f9 3c00 f9 7e00 f9 0001 fa 47c35000 fb 3ff199999999999a",
        "82 a3 6161 01 6162 02 6161 03 01",
        "81 bf 7f 61 61 61 62 ff 01 7f ff 02 ff",
        "82 9f 9f ff bf ff 9f 01 ff ff 5f ff",
    ] {
        let buf = hex(h);
        own_walks_agree::<Cbor>(&buf, ItemRef::Cbor);
    }
    for h in [
        "96 ca 3fc00000 cc ff d0 80 cd ffff d1 8000 cf ffffffffffffffff",
        "93 d9 03 616263 c4 02 0102 de 0002 a1 61 01 a1 61 02",
        "92 dc 0001 c0 dd 00000001 c3",
    ] {
        let buf = hex(h);
        own_walks_agree::<Msgpack>(&buf, ItemRef::Msgpack);
    }
}

// ---- hand cases ----

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[track_caller]
fn scan_ok<F: Format>(h: &str) -> bool {
    let buf = hex(h);
    let mut ok = false;
    for limits in &LIMITS {
        ok |= check::<F>(&buf, limits);
    }
    check_mutations::<F>(&buf);
    ok
}

fn typical_publish() -> Value {
    Value::List(vec![
        Value::Int(16),
        Value::Int(239714735),
        Value::Map(dict! { "acknowledge" => true }),
        Value::from("com.myapp.topic1"),
        Value::List(vec![Value::from("Hello, world!"), Value::Int(42)]),
        Value::Map(dict! {
            "color" => "orange",
            "sizes" => vec![Value::Int(23), Value::Int(42), Value::Int(7)],
        }),
    ])
}

#[test]
fn typical_publish_reads_in_place() {
    fn read<F: Format>() {
        let bytes = F::encode(&typical_publish());
        check_mutations::<F>(&bytes);
        let elems = F::scan(&bytes, &Limits::DEFAULT).unwrap();
        assert_eq!(elems.len(), 6);
        let topic = elems.get(3).unwrap().as_str().unwrap();
        assert!(matches!(
            topic,
            std::borrow::Cow::Borrowed("com.myapp.topic1")
        ));
        let options = elems.get(2).unwrap();
        assert_eq!(options.get("acknowledge").unwrap().as_bool(), Some(true));
        assert!(options.get("exclude_me").is_none());
        let args = elems.get(4).unwrap();
        assert_eq!(args.item_count(), Some(2));
        // The args' own bytes: what a router forwards.
        let args_bytes = F::item_bytes(&args);
        assert_eq!(
            F::decode(args_bytes, &Limits::DEFAULT).unwrap(),
            Value::List(vec![Value::from("Hello, world!"), Value::Int(42)])
        );
        let kwargs = elems.get(5).unwrap();
        let sizes = kwargs.get("sizes").unwrap();
        let sizes: Vec<i128> = sizes.list().unwrap().map(|i| i.as_int().unwrap()).collect();
        assert_eq!(sizes, [23, 42, 7]);
        // The whole message forwarded: the list's head, then each element's bytes.
        let mut out = Vec::new();
        for i in 0..elems.len() {
            out.extend_from_slice(F::item_bytes(&elems.get(i).unwrap()));
        }
        assert!(bytes.ends_with(&out));
    }
    read::<Msgpack>();
    read::<Cbor>();
}

#[test]
fn raw_copies_encoded_values() {
    let v = typical_publish();
    let bytes = Cbor::encode(&v);
    let elems = Cbor::scan(&bytes, &Limits::DEFAULT).unwrap();
    let mut out = Vec::new();
    let mut w = CborWriter::new(&mut out);
    w.begin_list(elems.len());
    for i in 0..elems.len() {
        w.raw(elems.get(i).unwrap().bytes());
    }
    w.end_list();
    w.finish().unwrap();
    assert_eq!(out, bytes);
    let bytes = Msgpack::encode(&v);
    let elems = Msgpack::scan(&bytes, &Limits::DEFAULT).unwrap();
    let mut out = Vec::new();
    let mut w = MsgpackWriter::new(&mut out);
    w.begin_list(elems.len());
    for i in 0..elems.len() {
        w.raw(elems.get(i).unwrap().bytes());
    }
    w.end_list();
    w.finish().unwrap();
    assert_eq!(out, bytes);
}

#[test]
fn writers_report_integers_out_of_range() {
    let mut out = Vec::new();
    let mut w = MsgpackWriter::new(&mut out);
    w.int(-(1 << 63) - 1);
    assert!(w.finish().is_err());
    let mut w = CborWriter::new(&mut out);
    w.int(1 << 64);
    assert!(w.finish().is_err());
    assert!(out.is_empty());
}

#[test]
fn cbor_hand_cases() {
    // Indefinite strings, bytes, arrays and maps, at the top and inside.
    assert!(scan_ok::<Cbor>("9f 10 01 a0 7f 62 6162 61 63 ff ff"));
    assert!(scan_ok::<Cbor>(
        "86 10 01 bf 6161 f5 ff 65 612e622e63 9f 5f 42 0102 41 03 ff 9f 04 ff ff bf 7f 6161 ff 01 ff"
    ));
    // Self-describe before the array, short and long form, chained; and before an element.
    assert!(scan_ok::<Cbor>("d9d9f7 84 10 01 a0 61 61"));
    assert!(scan_ok::<Cbor>(
        "d9d9f7 da0000d9f7 d9d9f7 84 10 01 a0 61 61"
    ));
    assert!(scan_ok::<Cbor>("84 10 d9d9f7 01 a0 61 61"));
    assert!(!scan_ok::<Cbor>("d9d9f7 a0"));
    assert!(!scan_ok::<Cbor>("d9d9f7"));
    // Bignums: fitting, with leading zeros, indefinite content, too big, negative.
    assert!(scan_ok::<Cbor>(
        "86 c2 49 00ffffffffffffffff c2 40 c2 5f 41 01 41 00 ff c3 48 7fffffffffffffff c3 40 c2 5f ff"
    ));
    assert!(!scan_ok::<Cbor>("82 c2 49 010000000000000000 01"));
    assert!(!scan_ok::<Cbor>("82 c3 48 8000000000000000 01"));
    assert!(!scan_ok::<Cbor>("82 c2 01 01"));
    assert!(!scan_ok::<Cbor>("82 c2 5f 61 00 ff 01"));
    // Half and single floats, and the rejected simple values and tags.
    assert!(scan_ok::<Cbor>(
        "85 f9 3c00 f9 7e00 f9 0001 fa 47c35000 fb 3ff199999999999a"
    ));
    assert!(!scan_ok::<Cbor>("82 f7 01"));
    assert!(!scan_ok::<Cbor>("82 f0 01"));
    assert!(!scan_ok::<Cbor>("82 f8 ff 01"));
    assert!(!scan_ok::<Cbor>("82 c0 60 01"));
    assert!(!scan_ok::<Cbor>("82 d8 18 41 00"));
    assert!(!scan_ok::<Cbor>("82 ff 01"));
    assert!(!scan_ok::<Cbor>("82 1c 01"));
    assert!(!scan_ok::<Cbor>("9f 01"));
    assert!(!scan_ok::<Cbor>("df"));
    // Duplicate keys: every entry iterated, `get` the last.
    let buf = hex("82 a3 6161 01 6162 02 6161 03 01");
    assert!(check::<Cbor>(&buf, &Limits::DEFAULT));
    let elems = Cbor::scan(&buf, &Limits::DEFAULT).unwrap();
    let map = elems.get(0).unwrap();
    let keys: Vec<String> = map.map().unwrap().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(keys, ["a", "b", "a"]);
    assert_eq!(map.item_count(), Some(3));
    assert_eq!(map.get("a").unwrap().as_int(), Some(3));
    // An indefinite key is found by `get` too, and the joined chunks are owned.
    let buf = hex("81 bf 7f 61 61 61 62 ff 01 7f ff 02 ff");
    let elems = Cbor::scan(&buf, &Limits::DEFAULT).unwrap();
    let map = elems.get(0).unwrap();
    assert_eq!(map.get("ab").unwrap().as_int(), Some(1));
    assert_eq!(map.get("").unwrap().as_int(), Some(2));
    assert_eq!(map.item_count(), Some(2));
    // Non-string keys; invalid UTF-8, split across chunks too; trailing bytes.
    assert!(!scan_ok::<Cbor>("81 a1 01 02"));
    assert!(!scan_ok::<Cbor>("81 a1 41 61 02"));
    assert!(!scan_ok::<Cbor>("83 01 62 61ff 02"));
    assert!(!scan_ok::<Cbor>("81 7f 61 c3 61 a9 ff"));
    assert!(!scan_ok::<Cbor>("80 00"));
    assert!(!scan_ok::<Cbor>(""));
    // Non-array tops of every kind, after the whole value is checked.
    for top in [
        "a0",
        "01",
        "20",
        "f6",
        "f5",
        "fb 3ff8000000000000",
        "60",
        "40",
        "c2 41 01",
    ] {
        assert!(!scan_ok::<Cbor>(top));
    }
    assert!(!scan_ok::<Cbor>("a1 6161 62 61ff"));
    // Lengths beyond the input.
    assert!(!scan_ok::<Cbor>("9a ffffffff 01"));
    assert!(!scan_ok::<Cbor>("81 bb ffffffffffffffff"));
    assert!(!scan_ok::<Cbor>("81 5b ffffffffffffffff"));
}

#[test]
fn msgpack_hand_cases() {
    // Every integer and float width, str8/16, bin8/16, array16, map16.
    assert!(scan_ok::<Msgpack>(
        "dc 000e 7f cc 80 cd 0100 ce 00010000 cf ffffffffffffffff ff d0 df d1 ff7f d2 ffff7fff d3 8000000000000000 ca 3fc00000 cb 3ff8000000000000 c2 c3"
    ));
    assert!(scan_ok::<Msgpack>(
        "95 d9 02 6162 da 0001 63 c4 01 00 c5 0001 ff de 0001 a1 61 c0"
    ));
    // Extension types and the reserved byte, at the top and inside.
    for bad in [
        "91 d4 01 00",
        "91 c7 01 01 00",
        "91 c1",
        "c1",
        "d6 ff 00000000",
    ] {
        assert!(!scan_ok::<Msgpack>(bad));
    }
    // Duplicate keys.
    let buf = hex("91 83 a161 01 a162 02 a161 03");
    assert!(check::<Msgpack>(&buf, &Limits::DEFAULT));
    let elems = Msgpack::scan(&buf, &Limits::DEFAULT).unwrap();
    let map = elems.get(0).unwrap();
    let keys: Vec<String> = map.map().unwrap().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(keys, ["a", "b", "a"]);
    assert_eq!(map.get("a").unwrap().as_int(), Some(3));
    // Non-string keys (a bin key too), bad UTF-8, trailing bytes, empty input.
    assert!(!scan_ok::<Msgpack>("91 81 01 02"));
    assert!(!scan_ok::<Msgpack>("91 81 c4 01 61 02"));
    assert!(!scan_ok::<Msgpack>("93 01 a2 61ff 02"));
    assert!(!scan_ok::<Msgpack>("90 00"));
    assert!(!scan_ok::<Msgpack>(""));
    // Lengths beyond the input.
    assert!(!scan_ok::<Msgpack>("dd ffffffff 01"));
    assert!(!scan_ok::<Msgpack>("91 df ffffffff 01"));
    assert!(!scan_ok::<Msgpack>("91 db ffffffff 61"));
    // Non-array tops.
    for top in [
        "80",
        "01",
        "c0",
        "c3",
        "cb 3ff8000000000000",
        "a0",
        "c4 00",
        "81 a1 61 a2 61ff",
    ] {
        assert!(!scan_ok::<Msgpack>(top));
    }
}

#[test]
fn limits_at_and_over() {
    fn at_and_over<F: Format>(v: &Value, limits_at: Limits, over: Limits, limit: &str) {
        let buf = F::encode(v);
        assert!(
            check::<F>(&buf, &limits_at),
            "{} at the {limit} limit",
            F::NAME
        );
        assert!(
            !check::<F>(&buf, &over),
            "{} over the {limit} limit",
            F::NAME
        );
        let err = F::scan(&buf, &over).unwrap_err();
        assert!(
            matches!(err, DecodeError::Limit { limit: l, .. } if l == limit),
            "{err}"
        );
    }
    fn all<F: Format>() {
        // Depth: the message array is depth 1.
        let mut deep = Value::List(vec![]);
        for _ in 0..5 {
            deep = Value::List(vec![deep]);
        }
        let l = |d| Limits {
            max_depth: d,
            ..Limits::DEFAULT
        };
        at_and_over::<F>(&deep, l(6), l(5), "depth");
        let map_deep = Value::List(vec![Value::Map(dict! { "a" => Value::Map(Dict::new()) })]);
        at_and_over::<F>(&map_deep, l(3), l(2), "depth");
        // Items: list elements plus map entries, the message's own elements included.
        let v = Value::List(vec![
            Value::Int(1),
            Value::Map(dict! { "a" => 1, "b" => vec![Value::Null] }),
        ]);
        let l = |n| Limits {
            max_items: n,
            ..Limits::DEFAULT
        };
        at_and_over::<F>(&v, l(5), l(4), "items");
        // Size.
        let len = F::encode(&v).len();
        let l = |n| Limits {
            max_size: n,
            ..Limits::DEFAULT
        };
        at_and_over::<F>(&v, l(len), l(len - 1), "size");
    }
    all::<Msgpack>();
    all::<Cbor>();
    // Indefinite lengths count their items one by one, and their depth alike.
    let buf = hex("9f 01 9f 02 03 ff bf 6161 04 ff ff");
    for items in 0..8 {
        for depth in 0..4 {
            check::<Cbor>(
                &buf,
                &Limits {
                    max_items: items,
                    max_depth: depth,
                    ..Limits::DEFAULT
                },
            );
        }
    }
}

#[test]
fn deep_nesting_is_a_limit_error_not_a_stack_overflow() {
    let deep = vec![0x91; 10_000];
    check::<Msgpack>(&deep, &Limits::DEFAULT);
    let deep = vec![0x81; 10_000];
    check::<Cbor>(&deep, &Limits::DEFAULT);
    let tags: Vec<u8> = [0xd9, 0xd9, 0xf7]
        .repeat(10_000)
        .into_iter()
        .chain([0x80])
        .collect();
    check::<Cbor>(&tags, &Limits::DEFAULT);
}

#[test]
fn kinds_match_the_values() {
    let v = Value::List(vec![
        Value::Null,
        Value::Bool(true),
        Value::UInt(u64::MAX),
        Value::Float(1.5),
        Value::from("s"),
        Value::Bytes(vec![1]),
        Value::Map(Dict::new()),
    ]);
    let kinds = [
        Kind::Null,
        Kind::Bool,
        Kind::Int,
        Kind::Float,
        Kind::Str,
        Kind::Bytes,
        Kind::Map,
    ];
    let bytes = Msgpack::encode(&v);
    let elems = Msgpack::scan(&bytes, &Limits::DEFAULT).unwrap();
    for (i, kind) in kinds.iter().enumerate() {
        assert_eq!(elems.get(i).unwrap().kind(), *kind);
    }
    assert_eq!(elems.get(2).unwrap().as_int(), Some(i128::from(u64::MAX)));
    let bytes = Cbor::encode(&v);
    let elems = Cbor::scan(&bytes, &Limits::DEFAULT).unwrap();
    for (i, kind) in kinds.iter().enumerate() {
        assert_eq!(elems.get(i).unwrap().kind(), *kind);
    }
    assert_eq!(elems.get(5).unwrap().as_bytes().unwrap()[..], [1]);
}
