//! The JSON views against the owned JSON decoder and encoder.
//!
//! * `scan_message` fails exactly when `json::from_slice_with_limits` fails before it parses
//!   the message, with an equal error, and otherwise its elements read (through every `Item`
//!   accessor, `to_value`, and their bytes read again) what the owned decode reads: for the
//!   conformance corpus and mutations of it, generated texts with whitespace and escapes,
//!   edge cases, tight limits, and proptest's values, encoded and then mutated.
//! * `JsonWriter` driven by `transcode` writes what `json::value_encode_into` writes.

use std::path::Path;

use proptest::collection::{btree_map, vec};
use proptest::prelude::*;
use wamp_codec::serializer::json::view::{scan_message, JsonItem, JsonWriter};
use wamp_codec::serializer::{json, Limits};
use wamp_codec::view::item::{transcode, Item, Kind};
use wamp_codec::{DecodeError, Dict, Value};

const CORPUS: &str = "tests/data/conformance/autobahn-26.10.2.jsonl";

/// Equal, with floats compared bit for bit (so `-0.0` is not `0.0`) and integers by variant.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Int(x), Value::Int(y)) => x == y,
        (Value::UInt(x), Value::UInt(y)) => x == y,
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|((k, v), (l, w))| k == l && same(v, w))
        }
        (Value::Int(_) | Value::UInt(_) | Value::Float(_), _) => false,
        _ => a == b,
    }
}

fn kind_of(v: &Value) -> Kind {
    (&v).kind()
}

fn encode(v: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    json::value_encode_into(v, &mut out).unwrap();
    out
}

/// Whether a map in `item` has a key more than once.
fn repeats_a_key(item: JsonItem<'_>) -> bool {
    match item.kind() {
        Kind::List => item.list().unwrap().any(repeats_a_key),
        Kind::Map => {
            let keys: Vec<_> = item.map().unwrap().map(|(k, _)| k).collect();
            let distinct: std::collections::HashSet<_> = keys.iter().collect();
            distinct.len() < keys.len() || item.map().unwrap().any(|(_, v)| repeats_a_key(v))
        }
        _ => false,
    }
}

/// Every accessor of `item` against the owned decode's `value`, all the way down.
fn item_reads(item: JsonItem<'_>, value: &Value, shown: &str) {
    assert_eq!(item.kind(), kind_of(value), "{shown}: {value:?}");
    assert!(
        same(&item.to_value(), value),
        "{shown}: {:?} vs {value:?}",
        item.to_value()
    );
    // its bytes alone read the same value
    let unbounded = Limits {
        max_depth: usize::MAX,
        ..Limits::DEFAULT
    };
    let alone = json::value_from_slice(item.bytes(), &unbounded).unwrap();
    assert!(
        same(&alone, value),
        "{shown}: bytes {:?}",
        String::from_utf8_lossy(item.bytes())
    );
    assert_eq!(item.as_bool(), (&value).as_bool(), "{shown}");
    assert_eq!(item.as_int(), (&value).as_int(), "{shown}");
    assert_eq!(
        item.as_f64().map(f64::to_bits),
        (&value).as_f64().map(f64::to_bits),
        "{shown}"
    );
    assert_eq!(item.as_str(), (&value).as_str(), "{shown}");
    assert_eq!(item.as_bytes(), (&value).as_bytes(), "{shown}");
    // written again through the writer, as the owned encoder writes the value
    let mut out = Vec::new();
    let mut w = JsonWriter::new(&mut out);
    transcode(&item, &mut w);
    w.finish().unwrap();
    let reparsed = json::value_from_slice(&out, &unbounded).unwrap();
    assert!(same(&reparsed, value), "{shown}");
    if !repeats_a_key(item) {
        // (a repeated key is written each time, as the map iterates)
        assert_eq!(out, encode(value), "{shown}");
    }
    match value {
        Value::List(items) => {
            let list: Vec<_> = item.list().unwrap().collect();
            assert_eq!(list.len(), items.len(), "{shown}");
            assert_eq!(item.item_count(), Some(items.len()));
            for (i, v) in list.into_iter().zip(items) {
                item_reads(i, v, shown);
            }
        }
        Value::Map(map) => {
            // every entry in order, repeated keys too: inserted into a dict they make the map
            let mut rebuilt = Dict::new();
            for (k, v) in item.map().unwrap() {
                assert!(item.get(&k).is_some(), "{shown}: {k:?}");
                rebuilt.insert(k.into_owned(), v.to_value());
            }
            assert!(same(&Value::Map(rebuilt), value), "{shown}");
            for (k, v) in map {
                let got = item.get(k).unwrap_or_else(|| panic!("{shown}: no {k:?}"));
                item_reads(got, v, shown);
            }
            assert!(item.get("\u{1}not a key\u{1}").is_none());
        }
        _ => {
            assert!(item.list().is_none() && item.map().is_none());
        }
    }
}

/// Checks one input under `limits`: the scan's verdict and elements against the owned decode.
/// Returns whether the scan accepted it.
fn check_with(input: &[u8], limits: &Limits) -> bool {
    let shown = format!("{:?}", String::from_utf8_lossy(input));
    let scanned = scan_message(input, limits);
    let owned = json::from_slice_with_limits(input, limits);
    let value = json::value_from_slice(input, limits);
    match (&value, &scanned) {
        (Ok(Value::List(items)), Ok(elems)) => {
            assert_eq!(elems.len(), items.len(), "{shown}");
            for (i, v) in items.iter().enumerate().take(7) {
                item_reads(elems.get(i).unwrap(), v, &shown);
            }
            assert!(elems.get(7).is_none());
            // the owned decode got past the syntax: it fails, if at all, in parsing
            if let Err(e) = &owned {
                assert!(matches!(e, DecodeError::Invalid(_)), "{shown}: {e}");
            }
            true
        }
        (Ok(Value::List(_)), Err(e)) => {
            panic!("{shown}: the scan refuses ({e}), the owned decode reads it")
        }
        (Ok(_), Ok(_)) => panic!("{shown}: the scan accepts a value that is not a list"),
        (Ok(_), Err(e)) | (Err(_), Err(e)) => {
            // same variant and text (`DecodeError` has no `PartialEq`)
            let debug = |e: &DecodeError| format!("{e:?}");
            assert_eq!(Some(debug(e)), owned.as_ref().err().map(debug), "{shown}");
            if let Err(v) = &value {
                assert_eq!(debug(e), debug(v), "{shown}");
            }
            false
        }
        (Err(e), Ok(_)) => panic!("{shown}: the scan accepts, the owned decode refuses ({e})"),
    }
}

fn check(input: &[u8]) -> bool {
    check_with(input, &Limits::DEFAULT)
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

const INSERTS: &[&str] = &[
    ",",
    "]",
    "}",
    "[",
    "{",
    "\"",
    "\\",
    "-",
    "e",
    ".",
    "0",
    "1",
    ":",
    " ",
    "\n",
    "\u{0}",
    "\u{1f}",
    "é",
    "NaN",
    "null",
    "nul",
    "\\u",
    "\\ud800",
    "\\u0000",
    "\\u0000AQID",
    "\"\\u0000AQ\"",
    "\"\\u0000A\"",
    "=",
    "1e400",
    "18446744073709551616",
    "-0",
    "\\u0063",
];

fn mutations(text: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if text.is_empty() {
        return out;
    }
    for _ in 0..3 {
        out.push(text[..rng.below(text.len())].to_vec());
    }
    for _ in 0..5 {
        let mut m = text.to_vec();
        let at = rng.below(m.len());
        m[at] = match rng.below(3) {
            0 => rng.next() as u8,
            1 => m[at] ^ (1 << rng.below(8)),
            _ => rng.pick(b",]}[{\"\\-e.0:x= \x00\xff"),
        };
        out.push(m);
    }
    for _ in 0..6 {
        let mut m = text.to_vec();
        let at = rng.below(m.len() + 1);
        m.splice(at..at, rng.pick(INSERTS).bytes());
        out.push(m);
    }
    out
}

fn whitespace(rng: &mut Rng, out: &mut String) {
    if rng.below(4) == 0 {
        out.push_str(rng.pick(&[" ", "\n", "\t", "\r", "  \n "]));
    }
}

/// Random JSON text of a value at most `depth` levels deep.
fn generate(rng: &mut Rng, depth: usize, out: &mut String) {
    whitespace(rng, out);
    match rng.below(if depth == 0 { 4 } else { 6 }) {
        0 => out.push_str(rng.pick(&["null", "true", "false"])),
        1 => out.push_str(rng.pick(&[
            "0",
            "-0",
            "1",
            "-1",
            "42",
            "-0.0",
            "0.5",
            "1.0",
            "1e2",
            "1E+2",
            "2.5e-3",
            "-123.456e7",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "18446744073709551615",
            "1e19",
            "5e-324",
            "1e-400",
            "0.1",
            "123456789.123456789",
        ])),
        2 => {
            let n = rng.next();
            out.push_str(&match rng.below(3) {
                0 => (n as i64).to_string(),
                1 => n.to_string(),
                _ => format!("{}", f64::from_bits(n & 0x7fef_ffff_ffff_ffff)),
            });
        }
        3 => {
            out.push('"');
            if rng.below(4) == 0 {
                out.push_str("\\u0000");
                for _ in 0..rng.below(6) {
                    out.push_str(rng.pick(&[
                        "QUJD", "AQ", "=", "A", "\\u0041", "\\n", " ", "é", "==", "\\/",
                    ]));
                }
            } else {
                for _ in 0..rng.below(8) {
                    out.push_str(rng.pick(&[
                        "a",
                        "Hello, world! ",
                        "é",
                        "😀",
                        "\\n",
                        "\\\"",
                        "\\\\",
                        "\\/",
                        "\\b\\f\\r\\t",
                        "\\u0063",
                        "\\u00e9",
                        "\\ud83d\\ude00",
                        "\\u0000",
                        "0123456789abcdef",
                    ]));
                }
            }
            out.push('"');
        }
        4 => {
            out.push('[');
            let n = rng.below(5);
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                generate(rng, depth - 1, out);
            }
            whitespace(rng, out);
            out.push(']');
        }
        _ => {
            out.push('{');
            let n = rng.below(5);
            for i in 0..n {
                if i > 0 {
                    out.push(',');
                }
                whitespace(rng, out);
                out.push_str(rng.pick(&[
                    "\"a\"",
                    "\"b\"",
                    "\"\\u0061\"",
                    "\"\\u0000\"",
                    "\"é\\n\"",
                    "\"\"",
                ]));
                whitespace(rng, out);
                out.push(':');
                generate(rng, depth - 1, out);
            }
            whitespace(rng, out);
            out.push('}');
        }
    }
    whitespace(rng, out);
}

#[test]
fn edge_cases_scan_as_the_owned_decode_reads() {
    let cases: &[&str] = &[
        "",
        " ",
        "[]",
        " [ ] ",
        "{}",
        "[] x",
        "[1,]",
        "[,1]",
        "[1 2]",
        "[1,,2]",
        "[",
        "[1",
        "[1,",
        "[\"a",
        "[\"a\\",
        "{\"a\":1,}",
        "{\"a\" 1}",
        "{\"a\":}",
        "{1:2}",
        "[01]",
        "[-01]",
        "[+1]",
        "[.5]",
        "[1.]",
        "[1.x]",
        "[1e+]",
        "[-x]",
        "[-]",
        "[1e400]",
        "[-1e400]",
        "[1e-400]",
        "[-0]",
        "[-0.0]",
        "[0]",
        "[18446744073709551615]",
        "[18446744073709551616]",
        "[-9223372036854775808]",
        "[-9223372036854775809]",
        "[99999999999999999999]",
        "[9999999999999999999]",
        "[NaN]",
        "[nul]",
        "[truex]",
        "[tru]",
        "[\"\\u0063\",\"\\\"\",\"\\ud83d\\ude00\",\"\\uDBFF\\uDFFF\"]",
        "[\"\\ud800\"]",
        "[\"\\udc00\"]",
        "[\"\\ud800\\u0041\"]",
        "[\"\\u12g4\"]",
        "[\"\\x\"]",
        "[\"\t\"]",
        "[\"\u{7f}\"]",
        "[\"\\u0000AQID\"]",
        "[\"\\u0000AQI\"]",
        "[\"\\u0000AQ==\"]",
        "[\"\\u0000AQ=\"]",
        "[\"\\u0000A\"]",
        "[\"\\u0000\"]",
        "[\"\\u0000A Q\\nI-D\"]",
        "[\"\\u0000\\u0041QID\"]",
        "[\"\\u0000AQ\\u003d=\"]",
        "[\"\\u0000AQ==\\u0041\"]",
        "[\"\\u0000é!AQID\"]",
        "[\"\\u0000AQID\\x\"]",
        "[\"\\u0000AQID",
        "\"\\u0000AQID\"",
        "\"\\u0000A\"",
        "[{\"\\u0000\":1}]",
        "[{\"a\":1,\"b\":2,\"a\":3}]",
        "[{\"a\":1,\"\\u0061\":2}]",
        "{\"a\":1}",
        "\"x\"",
        "1",
        "-0",
        "1.5",
        "true",
        "null",
        "\u{feff}[]",
        " \n\t\r[16 , 1 , { } , \"com.t\" ] \n",
        "[16,1,{},\"com.t\"]",
        "[16,239714735,{\"acknowledge\":true},\"com.myapp.topic1\",[\"Hello, world!\",42],{\"color\":\"orange\",\"sizes\":[23,42,7]}]",
        "[8,48,1,{},\"a.b\",[1],{},7,8,9]",
        "[[[[[[[[[[]]]]]]]]]]",
        "[{\"a\":[{\"b\":{}}]}]",
    ];
    for case in cases {
        check(case.as_bytes());
    }
    for bytes in [
        &b"[\"\xff\"]"[..],
        b"[1,\xc3]",
        b"[\"\xed\xa0\x80\"]",
        b"\xef\xbb\xbf[]",
        b"{\"\xff\":1}",
    ] {
        assert!(!check(bytes));
    }
}

#[test]
fn limits_are_counted_as_the_owned_decode_counts_them() {
    let inputs = [
        "[1,2,3,4]",
        "[1,[2,3],{\"a\":4}]",
        "[{\"a\":1,\"b\":[2,3]}]",
        "[[[[1]]]]",
        "{\"a\":[{\"b\":[1]}]}",
        "[\"\\u0000AQID\",[],{}]",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    ];
    for input in inputs {
        for max_depth in 0..6 {
            for max_items in 0..8 {
                for max_size in [0, 4, 8, input.len() - 1, input.len(), 1 << 20] {
                    let limits = Limits {
                        max_size,
                        max_depth,
                        max_items,
                    };
                    check_with(input.as_bytes(), &limits);
                }
            }
        }
    }
    // deep nesting, at, over and far over the limits (the depth limit, and the recursion
    // limit whatever the depth limit)
    for depth in [63, 64, 65, 126, 127, 128, 129, 1000, 100_000] {
        for (open, close) in [("[", "]"), ("[{\"a\":", "}]")] {
            let text = format!("{}1{}", open.repeat(depth), close.repeat(depth));
            check(text.as_bytes());
            let unbounded = Limits {
                max_depth: usize::MAX,
                ..Limits::DEFAULT
            };
            check_with(text.as_bytes(), &unbounded);
            check(&text.as_bytes()[..text.len() / 2]);
        }
    }
}

#[test]
fn conformance_corpus_and_its_mutations() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("conformance corpus {} is missing: {e}", path.display()));
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut inputs, mut accepted) = (0, 0);
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: serde_json::Value = serde_json::from_str(line).expect("corpus line is JSON");
        let json_text = case["json"].as_str().expect("every case has json");
        let mut all = vec![json_text.as_bytes().to_vec()];
        all.extend(mutations(json_text.as_bytes(), &mut rng));
        for input in all {
            inputs += 1;
            accepted += usize::from(check(&input));
        }
    }
    // the mutations reach both sides of the line
    assert!(inputs > 10_000, "{inputs} inputs");
    assert!(
        accepted > 1_000 && accepted < inputs - 3_000,
        "{accepted} of {inputs}"
    );
}

#[test]
fn generated_texts_and_their_mutations() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let (mut inputs, mut accepted) = (0, 0);
    for _ in 0..3000 {
        let mut text = String::from("[");
        for i in 0..rng.below(8) {
            if i > 0 {
                text.push(',');
            }
            generate(&mut rng, 4, &mut text);
        }
        text.push(']');
        let mut all = vec![text.clone().into_bytes()];
        all.extend(mutations(text.as_bytes(), &mut rng));
        for input in all {
            inputs += 1;
            accepted += usize::from(check(&input));
        }
    }
    assert!(
        accepted > 3_000 && accepted < inputs - 3_000,
        "{accepted} of {inputs}"
    );
}

#[test]
fn raw_splices_an_encoded_value() {
    let msg = br#"[16,1,{},"com.t",["Hello, world!",42],{"color":"orange"}]"#;
    let elems = scan_message(msg, &Limits::DEFAULT).unwrap();
    let mut out = Vec::new();
    let mut w = JsonWriter::new(&mut out);
    wamp_codec::view::item::Emit::begin_list(&mut w, 3);
    wamp_codec::view::item::Emit::int(&mut w, 36);
    wamp_codec::view::item::Emit::raw(&mut w, elems.get(4).unwrap().bytes());
    wamp_codec::view::item::Emit::raw(&mut w, elems.get(5).unwrap().bytes());
    wamp_codec::view::item::Emit::end_list(&mut w);
    w.finish().unwrap();
    assert_eq!(out, br#"[36,["Hello, world!",42],{"color":"orange"}]"#);
    assert_eq!(elems.get(3).unwrap().as_str().unwrap(), "com.t");
    assert!(matches!(
        elems.get(3).unwrap().as_str().unwrap(),
        std::borrow::Cow::Borrowed(_)
    ));
}

/// Integers of every width the writer treats apart (one and two digits appended, longer ones
/// written in place), signed and not, as the encoder writes them.
#[test]
fn writer_integers_match_the_encoder() {
    let mut ints: Vec<i64> = (-120..=120).collect();
    for k in 2..19 {
        let p = 10i64.pow(k);
        ints.extend([p - 1, p, p + 1, -p - 1, -p, -p + 1]);
    }
    ints.extend([i64::MIN, i64::MAX]);
    let mut v: Vec<Value> = ints.into_iter().map(Value::Int).collect();
    v.push(Value::UInt(u64::MAX));
    let v = Value::List(v);
    let mut out = Vec::new();
    let mut w = JsonWriter::new(&mut out);
    transcode(&&v, &mut w);
    w.finish().unwrap();
    let mut expected = Vec::new();
    json::value_encode_into(&v, &mut expected).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        String::from_utf8(expected).unwrap()
    );
}

#[test]
fn nan_is_refused_by_the_writer_as_by_value_encode_into() {
    for f in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
        let v = Value::List(vec![Value::Float(f), Value::Int(1)]);
        let mut out = Vec::new();
        let mut w = JsonWriter::new(&mut out);
        transcode(&&v, &mut w);
        let expected = json::value_encode_into(&v, &mut Vec::new()).unwrap_err();
        assert_eq!(w.finish().unwrap_err(), expected);
        assert_eq!(out, b"[null,1]");
    }
}

// ---- proptest ----

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => any::<String>().prop_filter("JSON's bytes marker", |s| !s.starts_with('\0')),
        1 => "[a-z\"\\\\/\\n\\u{0}-\\u{1f}é😀]{0,12}".prop_filter("bytes marker", |s| !s.starts_with('\0')),
    ]
}

fn float() -> impl Strategy<Value = f64> {
    prop_oneof![
        4 => any::<f64>().prop_filter("finite", |f| f.is_finite()),
        1 => prop::sample::select(vec![0.0, -0.0, f64::MIN_POSITIVE, f64::MAX, f64::MIN, 5e-324, 1e300]),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::Int),
        prop::sample::select(vec![i64::MIN, i64::MAX, -1, 0]).prop_map(Value::Int),
        ((i64::MAX as u64 + 1)..=u64::MAX).prop_map(Value::UInt),
        float().prop_map(Value::Float),
        text().prop_map(Value::from),
        vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..6).prop_map(Value::List),
            btree_map(text(), inner, 0..6).prop_map(|m| Value::Map(m.into_iter().collect())),
        ]
    })
}

/// A byte edit: truncation, a replaced byte, or an inserted piece.
#[derive(Debug, Clone)]
enum Edit {
    None,
    Truncate(usize),
    Replace(usize, u8),
    Insert(usize, &'static str),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        2 => Just(Edit::None),
        1 => any::<usize>().prop_map(Edit::Truncate),
        2 => (any::<usize>(), any::<u8>()).prop_map(|(at, b)| Edit::Replace(at, b)),
        2 => (any::<usize>(), prop::sample::select(INSERTS)).prop_map(|(at, s)| Edit::Insert(at, s)),
    ]
}

fn apply(mut bytes: Vec<u8>, edit: &Edit) -> Vec<u8> {
    let n = bytes.len().max(1);
    match *edit {
        Edit::None => {}
        Edit::Truncate(at) => bytes.truncate(at % n),
        Edit::Replace(at, b) => {
            if let Some(x) = bytes.get_mut(at % n) {
                *x = b;
            }
        }
        Edit::Insert(at, s) => {
            let at = at % (bytes.len() + 1);
            bytes.splice(at..at, s.bytes());
        }
    }
    bytes
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    /// Encoded lists of values, edited or not: the scan and the owned decode agree.
    #[test]
    fn scan_agrees_with_the_owned_decode(items in vec(value(), 0..9), edits in vec(edit(), 0..3)) {
        let mut bytes = encode(&Value::List(items));
        for e in &edits {
            bytes = apply(bytes, e);
        }
        check(&bytes);
    }

    /// The writer, driven by `transcode`, writes what `value_encode_into` writes.
    #[test]
    fn writer_writes_what_value_encode_into_writes(v in value()) {
        let mut out = Vec::new();
        let mut w = JsonWriter::new(&mut out);
        transcode(&&v, &mut w);
        w.finish().unwrap();
        prop_assert_eq!(out, encode(&v));
    }
}
