//! The crate's own JSON reader against serde_json: for every conformance corpus text, many
//! mutations of each, hand-picked edge cases and generated nested values, `json::value_from_slice`
//! accepts exactly when `serde_json::from_slice::<serde_json::Value>` does and gives the same
//! value (serde_json's converted with autobahn's U+0000 binary convention), and `json::from_slice`
//! gives the message that value makes.
//!
//! The documented differences: integers beyond the 64-bit range are errors here (serde_json
//! reads them as floats), and a U+0000 string that is not base64 is an error here (it is bytes
//! by autobahn's convention). Nesting stays below both depth limits (ours 64, serde_json's 128).

use std::path::Path;

use wamp_codec::serializer::{json, Limits};
use wamp_codec::{Message, Value};

const CORPUS: &str = "tests/data/conformance/autobahn-26.10.2.jsonl";

/// serde_json's value as ours: `None` when ours must refuse it (an integer beyond 64 bits, a
/// binary string that is not base64).
fn convert(v: &serde_json::Value) -> Option<Value> {
    Some(match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(*b),
        serde_json::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::Int(i)
            } else if let Some(u) = n.as_u64() {
                Value::from_u64(u)
            } else {
                Value::Float(n.as_f64()?)
            }
        }
        serde_json::Value::String(s) if s.starts_with('\0') => {
            // The convention's base64 decoding, by the crate on the same string alone.
            let text = serde_json::to_vec(s).unwrap();
            json::value_from_slice(&text, &Limits::DEFAULT).ok()?
        }
        serde_json::Value::String(s) => Value::from(s.as_str()),
        serde_json::Value::Array(items) => {
            Value::List(items.iter().map(convert).collect::<Option<_>>()?)
        }
        serde_json::Value::Object(map) => Value::Map(
            map.iter()
                .map(|(k, v)| Some((k.clone(), convert(v)?)))
                .collect::<Option<_>>()?,
        ),
    })
}

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
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
        }
        (Value::Int(_) | Value::UInt(_) | Value::Float(_), _) => false,
        _ => a == b,
    }
}

/// Checks one input; returns whether serde_json accepted it.
fn check(input: &[u8]) -> bool {
    let ours = json::value_from_slice(input, &Limits::DEFAULT);
    let theirs = serde_json::from_slice::<serde_json::Value>(input);
    let shown = String::from_utf8_lossy(input);
    let expected = match &theirs {
        Ok(v) => convert(v),
        Err(_) => None,
    };
    match (&ours, &expected) {
        (Ok(a), Some(b)) => assert!(same(a, b), "{shown:?}: ours {a:?}, serde_json {b:?}"),
        (Err(_), None) => {}
        (Ok(a), None) => panic!("{shown:?}: ours accepts ({a:?}), serde_json gives {theirs:?}"),
        (Err(e), Some(b)) => assert!(
            // serde_json reads such an integer as a float.
            e.to_string().contains("beyond the 64-bit range"),
            "{shown:?}: ours refuses ({e}), serde_json gives {b:?}"
        ),
    }
    let expected = if ours.is_err() { None } else { expected };
    if theirs.is_ok() && expected.is_none() {
        // Only the documented differences.
        let e = ours.as_ref().unwrap_err().to_string();
        assert!(
            e.contains("beyond the 64-bit range") || e.contains("base64"),
            "{shown:?}: {e}"
        );
    }
    // The message path reads the same values.
    let message = json::from_slice(input).map_err(|e| e.to_string());
    match expected {
        Some(Value::List(items)) => {
            let parsed = Message::parse(&items).map_err(|e| e.to_string());
            assert_eq!(message, parsed, "{shown:?}");
        }
        Some(_) => assert!(message.is_err(), "{shown:?}"),
        None => assert!(message.is_err(), "{shown:?}: {message:?}"),
    }
    theirs.is_ok()
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
    "E",
    ".",
    "0",
    "1",
    "+",
    ":",
    " ",
    "\n",
    "\u{0}",
    "\u{1f}",
    "\u{7f}",
    "é",
    "NaN",
    "Infinity",
    "-Infinity",
    "null",
    "true",
    "nul",
    "\\u",
    "\\ud800",
    "\\u0000",
    "\\udc00",
    "1e400",
    "18446744073709551616",
    "-0",
];

fn mutations(text: &[u8], rng: &mut Rng) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    if text.is_empty() {
        return out;
    }
    for _ in 0..4 {
        out.push(text[..rng.below(text.len())].to_vec());
    }
    for _ in 0..6 {
        let mut m = text.to_vec();
        let at = rng.below(m.len());
        m[at] = match rng.below(3) {
            0 => rng.next() as u8,
            1 => m[at] ^ (1 << rng.below(8)),
            _ => rng.pick(b",]}[{\"\\-e.0:x \x00\xff"),
        };
        out.push(m);
    }
    for _ in 0..8 {
        let mut m = text.to_vec();
        let at = rng.below(m.len() + 1);
        m.splice(at..at, rng.pick(INSERTS).bytes());
        out.push(m);
    }
    {
        let mut m = text.to_vec();
        m.remove(rng.below(m.len()));
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
            "1.7976931348623157e308",
            "5e-324",
            "2.2250738585072011e-308",
            "0.1",
            "123456789.123456789",
            "1e-400",
            "0e99999999999",
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
            for _ in 0..rng.below(12) {
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
                    "\\u0041",
                    "\\u00e9",
                    "\\ud83d\\ude00",
                    "\\uDBFF\\uDFFF",
                    "\u{7f}",
                    "0123456789abcdef",
                ]));
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
                out.push_str(rng.pick(&["\"a\"", "\"b\"", "\"\\u0000\"", "\"é\\n\"", "\"\""]));
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
fn edge_cases_agree_with_serde_json() {
    let cases: &[&str] = &[
        "",
        " ",
        "[]",
        "{}",
        "[] x",
        "[1,]",
        "[,1]",
        r#"{"a":1,}"#,
        r#"{"a"}"#,
        r#"{1:2}"#,
        "01",
        "-01",
        "00",
        "+1",
        ".5",
        "1.",
        "-",
        "--1",
        "1e",
        "1e+",
        "1.e5",
        "-.5",
        "1.5e",
        "NaN",
        "Infinity",
        "-Infinity",
        "nan",
        "inf",
        "tru",
        "nul",
        "truex",
        "nulll",
        "True",
        "-0",
        "-0.0",
        "-0e5",
        "0",
        "1.0",
        "1e2",
        "1e400",
        "-1e400",
        "1e-400",
        "0e99999999999",
        "18446744073709551615",
        "18446744073709551616",
        "-9223372036854775808",
        "-9223372036854775809",
        "100000000000000000000.5",
        "1e19",
        "123.456e-789",
        r#""\ud800""#,
        r#""\udc00""#,
        r#""\ud800\u0041""#,
        r#""\ud800x""#,
        r#""\ud800\""#,
        r#""\uD83D\uDE00""#,
        r#""\uDBFF\uDFFF""#,
        r#""\u12""#,
        r#""\u12g4""#,
        r#""\x""#,
        r#""\'""#,
        "\"\t\"",
        "\"\u{1}\"",
        "\"\u{7f}\"",
        r#""\/""#,
        "\"abc",
        "\"abc\\",
        r#""\u0000AQID""#,
        r#""\u0000AQI""#,
        r#""\u0000A""#,
        r#""\u0000A Q\nI-D""#,
        r#""\u0000!!""#,
        r#""\u0000""#,
        r#""\u0000\u0041QID""#,
        r#"{"\u0000":1}"#,
        r#"{"a":1,"a":2}"#,
        r#"{"a":1,"b":2,"a":3}"#,
        "\u{feff}[]",
        "[\"é\"]",
        "[1 2]",
        "[1,,2]",
        "{\"a\" 1}",
        "{\"a\":}",
        "[[[]]]",
        "[{}]",
        "{\"a\":[{\"b\":{}}]}",
        " \n\t\r[ 1 , 2 ] \n",
        "[16,1,{},\"com.t\"]",
        "[16,1,{},\"com.t\",[1e19]]",
        "\"0123456789abcdef0123456789abcdef\"",
        "\"0123456789abcdef\\n0123456789abcdef\"",
    ];
    for case in cases {
        check(case.as_bytes());
    }
    for bytes in [
        &b"[\"\xff\"]"[..],
        b"[1,\xc3]",
        b"\"\xed\xa0\x80\"",
        b"\"\xc3\xa9\"",
    ] {
        check(bytes);
    }
}

#[test]
fn corpus_and_mutations_agree_with_serde_json() {
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
    // The mutations reach both sides of the line.
    assert!(inputs > 15_000, "{inputs} inputs");
    assert!(
        accepted > 1_000 && accepted < inputs - 5_000,
        "{accepted} of {inputs}"
    );
}

#[test]
fn generated_values_agree_with_serde_json() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..3_000 {
        let mut text = String::new();
        let depth = rng.below(8);
        generate(&mut rng, depth, &mut text);
        assert!(check(text.as_bytes()), "generated {text:?} is JSON");
        for m in mutations(text.as_bytes(), &mut rng).into_iter().take(6) {
            check(&m);
        }
    }
    // Deep, but within both limits.
    let deep = format!("{}1{}", "[".repeat(63), "]".repeat(63));
    assert!(check(deep.as_bytes()));
    let deep = format!("{}{}", "{\"a\":".repeat(63), "}".repeat(63)).replacen('}', "1}", 1);
    assert!(check(deep.as_bytes()));
}
