//! CBOR and MessagePack against autobahn-python 26.10.2 (cbor2 6.3.0, msgpack 1.2.4): every
//! accepted message of the conformance corpus, as autobahn encoded it, must decode, re-encode
//! to the same bytes, and decode to the same value as its JSON form.

use std::path::Path;

use wamp_codec::serializer::{cbor, json, msgpack, Limits};
use wamp_codec::{DecodeError, Message, Value};

const CORPUS: &str = "tests/data/conformance/autobahn-26.10.2.jsonl";

struct Case {
    id: String,
    code: Option<u64>,
    /// The raw message as autobahn's JSON serializer wrote it.
    json: String,
    /// `marshal()` after autobahn parsed it, as JSON.
    marshal: String,
    cbor: Vec<u8>,
    msgpack: Vec<u8>,
}

/// The corpus's accepted cases. A missing corpus is a failure, never a skip.
fn accepted_cases() -> Vec<Case> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(CORPUS);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("conformance corpus {} is missing: {e}", path.display()));
    let cases: Vec<Case> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| serde_json::from_str::<serde_json::Value>(line).expect("corpus line is JSON"))
        .filter(|case| case["accept"] == serde_json::Value::Bool(true))
        .map(|case| {
            let field = |name: &str| {
                case[name]
                    .as_str()
                    .unwrap_or_else(|| panic!("{}: no {name}", case["id"]))
                    .to_owned()
            };
            Case {
                id: field("id"),
                code: case["type"].as_u64(),
                json: field("json"),
                marshal: serde_json::to_string(&case["marshal"]).unwrap(),
                cbor: unhex(&field("cbor")),
                msgpack: unhex(&field("msgpack")),
            }
        })
        .collect();
    assert!(cases.len() > 400, "only {} accepted cases", cases.len());
    cases
}

fn unhex(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2), "odd hex length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

fn json_value(text: &str) -> Value {
    json::value_from_slice(text.as_bytes(), &Limits::DEFAULT).expect("corpus JSON decodes")
}

type Decode = fn(&[u8], &Limits) -> Result<Value, DecodeError>;

/// Decodes autobahn's bytes, checks them against the JSON form, re-encodes, and counts the
/// cases whose bytes come back identical. Returns the ids that did not.
fn check_format(
    name: &str,
    bytes_of: fn(&Case) -> &[u8],
    decode: Decode,
    encode: fn(&Value) -> Vec<u8>,
) -> Vec<String> {
    let cases = accepted_cases();
    let mut failures = Vec::new();
    for case in &cases {
        let original = bytes_of(case);
        let value = decode(original, &Limits::DEFAULT)
            .unwrap_or_else(|e| panic!("{name} {}: autobahn's bytes do not decode: {e}", case.id));
        assert_eq!(
            value,
            json_value(&case.json),
            "{name} {}: decodes to another value than its JSON form",
            case.id
        );
        let reencoded = encode(&value);
        let again = decode(&reencoded, &Limits::DEFAULT)
            .unwrap_or_else(|e| panic!("{name} {}: our bytes do not decode: {e}", case.id));
        assert_eq!(
            again, value,
            "{name} {}: round trip changed the value",
            case.id
        );
        if reencoded != original {
            failures.push(format!(
                "{}: autobahn {} vs ours {}",
                case.id,
                hex(original),
                hex(&reencoded)
            ));
        }
    }
    println!(
        "{name}: {} of {} accepted cases re-encode byte for byte",
        cases.len() - failures.len(),
        cases.len()
    );
    failures
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn cbor_encode(v: &Value) -> Vec<u8> {
    cbor::value_to_vec(v).expect("every value has a CBOR form")
}

fn msgpack_encode(v: &Value) -> Vec<u8> {
    msgpack::value_to_vec(v).expect("corpus values fit MessagePack")
}

#[test]
fn cbor_reproduces_cbor2_bytes_on_the_corpus() {
    let failures = check_format("cbor", |c| &c.cbor, cbor::value_from_slice, cbor_encode);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn msgpack_reproduces_msgpack_python_bytes_on_the_corpus() {
    let failures = check_format(
        "msgpack",
        |c| &c.msgpack,
        msgpack::value_from_slice,
        msgpack_encode,
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// PUBLISH is implemented, so its cases go through the message level too: `from_slice` on
/// autobahn's bytes gives autobahn's `marshal()`, and `to_vec` gives bytes that read back equal.
#[test]
fn publish_messages_from_autobahn_bytes() {
    let cases: Vec<Case> = accepted_cases()
        .into_iter()
        .filter(|c| c.code == Some(16))
        .collect();
    assert!(!cases.is_empty());
    for case in &cases {
        let expected = json_value(&case.marshal);
        let from_cbor =
            cbor::from_slice(&case.cbor).unwrap_or_else(|e| panic!("cbor {}: {e}", case.id));
        let from_msgpack = msgpack::from_slice(&case.msgpack)
            .unwrap_or_else(|e| panic!("msgpack {}: {e}", case.id));
        assert_eq!(
            Value::List(from_cbor.marshal()),
            expected,
            "cbor {}",
            case.id
        );
        assert_eq!(from_msgpack, from_cbor, "msgpack {}", case.id);

        let cbor_again = cbor::from_slice(&cbor::to_vec(&from_cbor).unwrap()).unwrap();
        assert_eq!(cbor_again, from_cbor, "cbor {}", case.id);
        let msgpack_again = msgpack::from_slice(&msgpack::to_vec(&from_cbor).unwrap()).unwrap();
        assert_eq!(msgpack_again, from_cbor, "msgpack {}", case.id);
    }
}

/// Every PUBLISH case in one batch per format, split and parsed back.
#[test]
fn publish_batches_round_trip() {
    let msgs: Vec<Message> = accepted_cases()
        .iter()
        .filter(|c| c.code == Some(16))
        .map(|c| cbor::from_slice(&c.cbor).unwrap())
        .collect();

    let bytes = cbor::encode_batch(&msgs).unwrap();
    let back: Result<Vec<Message>, DecodeError> =
        cbor::batch(&bytes).map(|f| cbor::from_slice(f?)).collect();
    assert_eq!(back.unwrap(), msgs);

    let bytes = msgpack::encode_batch(&msgs).unwrap();
    let back: Result<Vec<Message>, DecodeError> = msgpack::batch(&bytes)
        .map(|f| msgpack::from_slice(f?))
        .collect();
    assert_eq!(back.unwrap(), msgs);

    // Cut anywhere inside the last frame: every complete frame, then one error.
    let cut = &bytes[..bytes.len() - 1];
    let frames: Vec<_> = msgpack::batch(cut).collect();
    assert_eq!(frames.len(), msgs.len());
    assert!(frames.last().unwrap().is_err());
}

/// Autobahn's "not a list" check, through both formats.
#[test]
fn non_list_messages_are_protocol_errors() {
    for bytes in [&[0xa0][..], &[0x61, 0x61], &[0xf6]] {
        let err = cbor::from_slice(bytes).unwrap_err();
        assert!(err.as_validation().is_some(), "{err}");
        assert!(err.to_string().ends_with("for WAMP message"), "{err}");
    }
    let err = msgpack::from_slice(&[0x80]).unwrap_err();
    assert_eq!(err.to_string(), "invalid type dict for WAMP message");
}
