//! The `serde` feature: `Value` with serde and serde_json, and typed payloads (`args_as`,
//! `kwargs_as`, `args_from`, `kwargs_from`) on owned messages and on every format's views.
//!
//! The expected values come from the inputs the tests build (or from the crate's owned
//! decoder, an independent reading of the same bytes), never from a run of the code tested.

mod common;

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use wamp_codec::payload::{args_from, kwargs_from, to_value};
use wamp_codec::serializer::{json, Format};
use wamp_codec::view::{MessageView, TypedView};
use wamp_codec::{
    dict, Call, CallResult, DecodeError, Dict, EncodeError, ErrorReply, Event, Invocation, Message,
    MessageType, Publish, Value, Yield,
};

const FORMATS: [Format; 4] = [
    Format::Json,
    Format::Msgpack,
    Format::Cbor,
    Format::Flatbuffers,
];

/// A byte string for serde (what `serde_bytes::ByteBuf` is), so the tests show what a byte
/// field receives: `visit_bytes`/`visit_byte_buf`, never a string or a sequence.
#[derive(Debug, PartialEq)]
struct Bytes(Vec<u8>);

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Bytes, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Bytes;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a byte string")
            }
            fn visit_bytes<E>(self, v: &[u8]) -> Result<Bytes, E> {
                Ok(Bytes(v.to_vec()))
            }
        }
        d.deserialize_bytes(V)
    }
}

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

/// Borrowed bytes, `serde_bytes`' `&[u8]`: only `visit_borrowed_bytes` will do.
#[derive(Debug, PartialEq)]
struct BorrowedBytes<'a>(&'a [u8]);

impl<'de> Deserialize<'de> for BorrowedBytes<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = BorrowedBytes<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("borrowed bytes")
            }
            fn visit_borrowed_bytes<E>(self, v: &'de [u8]) -> Result<Self::Value, E> {
                Ok(BorrowedBytes(v))
            }
        }
        d.deserialize_bytes(V)
    }
}

#[derive(Debug, PartialEq, Deserialize, Serialize)]
struct Reading {
    sensor: String,
    celsius: f64,
    tags: Vec<String>,
    calibrated: Option<bool>,
}

#[derive(Debug, PartialEq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum Command {
    Stop,
    Move { x: i32, y: i32 },
    Say(String),
}

/// A PUBLISH with every kind of value in its payload.
fn rich_publish() -> Publish {
    Publish {
        args: Some(vec![
            Value::from("hi"),
            Value::Int(-3),
            Value::UInt(u64::MAX),
            Value::Bytes(vec![0, 1, 2, 255]),
            Value::Float(1.5),
            Value::Null,
            Value::List(vec![Value::Int(1), Value::from("two")]),
        ]),
        kwargs: Some(dict! {
            "sensor" => "t1",
            "celsius" => 21.5,
            "tags" => Value::List(vec!["a".into(), "b".into()]),
            "calibrated" => Value::Null,
        }),
        ..Publish::new(1, "com.myapp.topic")
    }
}

type RichArgs = (String, i64, u64, Bytes, f64, Option<u8>, (u8, String));

fn rich_args() -> RichArgs {
    (
        "hi".into(),
        -3,
        u64::MAX,
        Bytes(vec![0, 1, 2, 255]),
        1.5,
        None,
        (1, "two".into()),
    )
}

fn reading() -> Reading {
    Reading {
        sensor: "t1".into(),
        celsius: 21.5,
        tags: vec!["a".into(), "b".into()],
        calibrated: None,
    }
}

fn payload_error(err: DecodeError) -> (&'static str, &'static str, String) {
    match err {
        DecodeError::Payload {
            message,
            field,
            reason,
        } => (message, field, reason),
        other => panic!("not a payload error: {other}"),
    }
}

// ---- Value with serde and serde_json ----

#[test]
fn value_round_trips_through_serde_json_in_order_and_exact() {
    // keys out of order, integers at both ends of the ranges, a float, nesting
    let text =
        r#"{"z":[1,-9223372036854775808,18446744073709551615,2.5,null,true],"a":{"y":"s","b":{}}}"#;
    let value: Value = serde_json::from_str(text).unwrap();
    let keys: Vec<&str> = value.as_map().unwrap().keys().collect();
    assert_eq!(keys, ["z", "a"], "serde's map order is kept");
    assert_eq!(value["z"][1], Value::Int(i64::MIN));
    assert!(matches!(value["z"][2], Value::UInt(u64::MAX)));
    assert_eq!(value["z"][3], Value::Float(2.5));
    // written back: the same text, key order included
    assert_eq!(serde_json::to_string(&value).unwrap(), text);
    // and the crate's own JSON decoder reads the text as the same value
    assert_eq!(
        json::value_from_slice(text.as_bytes(), &Default::default()).unwrap(),
        value
    );
}

#[test]
fn value_bytes_are_serde_bytes() {
    let bytes = Value::Bytes(vec![1, 2, 3]);
    // serialized with `serialize_bytes`: a byte-aware serializer keeps them bytes
    assert_eq!(to_value(&bytes).unwrap(), bytes);
    // serde_json has no bytes, and writes what it writes for any serde bytes: a list
    assert_eq!(serde_json::to_string(&bytes).unwrap(), "[1,2,3]");
    // read back through visit_bytes / visit_byte_buf
    let de = serde::de::value::BytesDeserializer::<serde::de::value::Error>::new(&[9, 8]);
    assert_eq!(Value::deserialize(de).unwrap(), Value::Bytes(vec![9, 8]));
    // and a MessagePack bin read in place is bytes too
    let msg: Message = Publish {
        args: Some(vec![bytes.clone()]),
        ..Publish::new(1, "t")
    }
    .into();
    let wire = Format::Msgpack.encode(&msg).unwrap();
    let view = Publish::view(Format::Msgpack, &wire).unwrap();
    assert_eq!(view.args_as::<Vec<Value>>().unwrap(), [bytes]);
}

#[test]
fn serde_json_value_conversions_follow_wamp_json() {
    // base64 of 01 02 03 is AQID (RFC 4648); the crate's JSON codec reads the same text alike
    let text = r#"{"b":"\u0000AQID","n":[1,-1,18446744073709551615,0.5],"s":"plain"}"#;
    let json_value: serde_json::Value = serde_json::from_str(text).unwrap();
    let value = Value::try_from(json_value.clone()).unwrap();
    assert_eq!(value["b"], Value::Bytes(vec![1, 2, 3]));
    assert_eq!(
        value,
        json::value_from_slice(text.as_bytes(), &Default::default()).unwrap()
    );
    // back: bytes as U+0000 + base64, and the whole equal to what serde_json read
    assert_eq!(
        serde_json::Value::try_from(value.clone()).unwrap(),
        json_value
    );
    // the crate's JSON encoder writes the same text (keys here are sorted, as serde_json's
    // map without `preserve_order` keeps them)
    let mut written = Vec::new();
    json::value_encode_into(&value, &mut written).unwrap();
    assert_eq!(written, text.as_bytes());

    // what cannot convert is an error, not a guess
    let bad_base64 = serde_json::json!({ "b": "\u{0}A" });
    assert!(Value::try_from(bad_base64)
        .unwrap_err()
        .to_string()
        .contains("invalid base64"));
    let nan = Value::List(vec![Value::Float(f64::NAN)]);
    assert!(matches!(
        serde_json::Value::try_from(nan),
        Err(EncodeError::Unrepresentable { format: "json", .. })
    ));
}

// ---- reading typed payloads ----

#[test]
fn typed_args_and_kwargs_on_every_format_and_the_owned_message() {
    let publish = rich_publish();
    assert_eq!(publish.args_as::<RichArgs>().unwrap(), rich_args());
    assert_eq!(publish.kwargs_as::<Reading>().unwrap(), reading());
    let msg = Message::from(publish);
    for format in FORMATS {
        let wire = format.encode(&msg).unwrap();
        let view = Publish::view(format, &wire).unwrap();
        assert_eq!(
            view.args_as::<RichArgs>().unwrap(),
            rich_args(),
            "{format:?}"
        );
        assert_eq!(
            view.kwargs_as::<Reading>().unwrap(),
            reading(),
            "{format:?}"
        );
        // the same through `MessageView::typed`
        let TypedView::Publish(typed) =
            MessageView::decode(format, &wire).unwrap().typed().unwrap()
        else {
            panic!("{format:?}: not a PUBLISH")
        };
        assert_eq!(typed.kwargs_as::<Reading>().unwrap(), reading());
    }
    let wire = Format::Flatbuffers.encode(&msg).unwrap();
    let fbs = Publish::cast(&wire).unwrap();
    assert_eq!(fbs.args_as::<RichArgs>().unwrap(), rich_args());
    assert_eq!(fbs.kwargs_as::<Reading>().unwrap(), reading());
}

/// For every message of the corpus that carries a payload, in every format: the typed view's
/// `args_as::<Vec<Value>>()` and `kwargs_as::<Value>()` equal what the owned decoder reads,
/// and so do the owned message's own.
#[test]
fn typed_payloads_agree_with_the_owned_decoder_on_the_corpus() {
    macro_rules! check {
        ($msg:expr, $wire:expr, $format:expr, $id:expr, ($str_args:expr, $str_args_checked:ident), $(($variant:ident, $ty:ident)),*) => {
            match $msg {
                $(Message::$variant(m) => {
                    let args = m.args.clone().unwrap_or_default();
                    let kwargs = Value::Map(m.kwargs.clone().unwrap_or_default());
                    if m.payload.as_ref().is_some_and(|p| !p.is_empty()) {
                        continue; // transparent: tested apart
                    }
                    if $str_args {
                        // a PUBLISH's string or bytes `args` is no list, owned or viewed
                        let owned = m.args_as::<Vec<Value>>().unwrap_err().to_string();
                        let view = $ty::view($format, $wire).unwrap();
                        let viewed = view.args_as::<Vec<Value>>().unwrap_err().to_string();
                        assert_eq!(owned, viewed, "{} {:?}", $id, $format);
                        assert!(owned.contains("'args' in PUBLISH"), "{}: {owned}", $id);
                        $str_args_checked += 1;
                        continue;
                    }
                    assert_eq!(m.args_as::<Vec<Value>>().unwrap(), args, "{}", $id);
                    assert_eq!(m.kwargs_as::<Value>().unwrap(), kwargs, "{}", $id);
                    let view = $ty::view($format, $wire).unwrap();
                    assert_eq!(view.args_as::<Vec<Value>>().unwrap(), args, "{} {:?}", $id, $format);
                    assert_eq!(view.kwargs_as::<Value>().unwrap(), kwargs, "{} {:?}", $id, $format);
                    if $format == Format::Flatbuffers {
                        let fbs = $ty::cast($wire).unwrap();
                        assert_eq!(fbs.args_as::<Vec<Value>>().unwrap(), args, "{}", $id);
                        assert_eq!(fbs.kwargs_as::<Value>().unwrap(), kwargs, "{}", $id);
                    }
                    1
                })*
                _ => 0,
            }
        };
    }
    let mut checked = 0;
    let mut str_args_checked = 0;
    for case in common::corpus().iter().filter(|c| c.accept()) {
        let Ok(owned) = json::from_slice(case.json()) else {
            continue; // accepted by autobahn, refused by the crate: DEVIATIONS.md
        };
        for format in FORMATS {
            let Ok(wire) = format.encode(&owned) else {
                continue; // a field FlatBuffers cannot carry
            };
            let msg = format.decode(&wire).unwrap();
            let str_args = matches!(&msg, Message::Publish(p) if p.args_str_or_bytes.is_some());
            checked += check!(
                &msg,
                &wire,
                format,
                case.id,
                (str_args, str_args_checked),
                (Publish, Publish),
                (Event, Event),
                (Call, Call),
                (Invocation, Invocation),
                (Yield, Yield),
                (Result, CallResult),
                (Error, ErrorReply)
            );
        }
    }
    // every payload-carrying type is in the corpus; a count that shrank to nothing would
    // make this test pass without checking anything
    assert!(checked > 100, "only {checked} payload messages checked");
    // the six-element PUBLISHes with a string or bytes `args` (16-o4, 16-o5, ...), in JSON,
    // MessagePack and CBOR
    assert!(
        str_args_checked >= 6,
        "only {str_args_checked} string args checked"
    );
}

#[test]
fn every_payload_message_has_the_typed_methods() {
    let args = ("x", 1);
    let kwargs = BTreeMap::from([("k", 2)]);
    let messages: Vec<Message> = vec![
        Publish::new(1, "t")
            .with_args(&args)
            .unwrap()
            .with_kwargs(&kwargs)
            .unwrap()
            .into(),
        Event::new(1, 2)
            .with_args(&args)
            .unwrap()
            .with_kwargs(&kwargs)
            .unwrap()
            .into(),
        Call::new(1, "p")
            .with_args(&args)
            .unwrap()
            .with_kwargs(&kwargs)
            .unwrap()
            .into(),
        Invocation::new(1, 2)
            .with_args(&args)
            .unwrap()
            .with_kwargs(&kwargs)
            .unwrap()
            .into(),
        Yield::new(1)
            .with_args(&args)
            .unwrap()
            .with_kwargs(&kwargs)
            .unwrap()
            .into(),
        CallResult::new(1)
            .with_args(&args)
            .unwrap()
            .with_kwargs(&kwargs)
            .unwrap()
            .into(),
        ErrorReply::new(MessageType::Call, 1, "e")
            .with_args(&args)
            .unwrap()
            .with_kwargs(&kwargs)
            .unwrap()
            .into(),
    ];
    macro_rules! both {
        ($m:expr) => {
            (
                $m.args_as::<(String, i64)>().unwrap(),
                $m.kwargs_as::<BTreeMap<String, i64>>().unwrap(),
            )
        };
    }
    let expected = (("x".to_owned(), 1), BTreeMap::from([("k".to_owned(), 2)]));
    for msg in &messages {
        let got = match msg {
            Message::Publish(m) => both!(m),
            Message::Event(m) => both!(m),
            Message::Call(m) => both!(m),
            Message::Invocation(m) => both!(m),
            Message::Yield(m) => both!(m),
            Message::Result(m) => both!(m),
            Message::Error(m) => both!(m),
            other => panic!("{other}"),
        };
        assert_eq!(got, expected, "{}", msg.message_type().name());
    }
}

#[test]
fn strings_and_bytes_are_borrowed_from_the_wire() {
    let msg: Message = Publish {
        args: Some(vec![
            "hello".into(),
            Value::Int(42),
            Value::Bytes(b"raw".to_vec()),
        ]),
        ..Publish::new(1, "t")
    }
    .into();
    let within = |wire: &[u8], s: &[u8]| wire.as_ptr_range().contains(&s.as_ptr());
    for format in FORMATS {
        let wire = format.encode(&msg).unwrap();
        let view = Publish::view(format, &wire).unwrap();
        let (s, n, _): (&str, i64, Bytes) = view.args_as().unwrap();
        assert_eq!((s, n), ("hello", 42));
        assert!(
            within(&wire, s.as_bytes()),
            "{format:?}: the &str is not in the input"
        );
        if format != Format::Json {
            // JSON's bytes are base64, decoded; the binary formats hold them as they are
            let (_, _, b): (&str, i64, BorrowedBytes) = view.args_as().unwrap();
            assert_eq!(b.0, b"raw");
            assert!(
                within(&wire, b.0),
                "{format:?}: the &[u8] is not in the input"
            );
        }
    }
    // on an owned message, from the message
    let Message::Publish(owned) = &msg else {
        unreachable!()
    };
    let (s, _, _): (&str, i64, Bytes) = owned.args_as().unwrap();
    assert_eq!(
        s.as_ptr(),
        owned.args.as_ref().unwrap()[0].as_str().unwrap().as_ptr()
    );
}

#[test]
fn a_json_string_with_escapes_needs_an_owned_string() {
    let wire = br#"[16, 1, {}, "t", ["tab\there"]]"#;
    let view = Publish::view(Format::Json, wire).unwrap();
    let (owned,): (String,) = view.args_as().unwrap();
    assert_eq!(owned, "tab\there");
    let (cow,): (Cow<str>,) = view.args_as().unwrap();
    assert_eq!(cow, "tab\there");
    let err = view.args_as::<(&str,)>().unwrap_err().to_string();
    assert!(
        err.starts_with("'args' in PUBLISH: at [0]: invalid type: string"),
        "{err}"
    );
}

#[test]
fn byte_strings_stay_bytes_in_every_format() {
    // WAMP JSON's bytes: U+0000 then base64 (AAEC is 00 01 02)
    let wire = br#"[16, 1, {}, "t", ["\u0000AAEC", "AAEC"]]"#;
    let view = Publish::view(Format::Json, wire).unwrap();
    let (b, s): (Bytes, String) = view.args_as().unwrap();
    assert_eq!((b.0, s.as_str()), (vec![0, 1, 2], "AAEC"));
    // Vec<u8> and arrays take bytes too
    let (v, _): (Vec<u8>, String) = view.args_as().unwrap();
    assert_eq!(v, [0, 1, 2]);
    let (a, _): ([u8; 3], String) = view.args_as().unwrap();
    assert_eq!(a, [0, 1, 2]);
    // a string field refuses bytes, in every format
    let msg: Message = Publish {
        args: Some(vec![Value::Bytes(b"hi".to_vec())]),
        ..Publish::new(1, "t")
    }
    .into();
    for format in FORMATS {
        let wire = format.encode(&msg).unwrap();
        let err = Publish::view(format, &wire)
            .unwrap()
            .args_as::<(String,)>()
            .unwrap_err();
        let (message, field, reason) = payload_error(err);
        assert_eq!((message, field), ("PUBLISH", "args"), "{format:?}");
        assert!(reason.contains("byte array"), "{format:?}: {reason}");
    }
}

#[test]
fn absent_payloads_are_empty_and_transparent_ones_are_errors() {
    let bare = Publish::new(1, "t");
    assert_eq!(bare.args_as::<Vec<i64>>().unwrap(), Vec::<i64>::new());
    bare.args_as::<()>().unwrap();
    assert!(bare
        .kwargs_as::<HashMap<String, Value>>()
        .unwrap()
        .is_empty());
    #[derive(Deserialize, Debug, PartialEq, Default)]
    struct AllOptional {
        a: Option<i64>,
    }
    assert_eq!(
        bare.kwargs_as::<AllOptional>().unwrap(),
        AllOptional::default()
    );
    // `()` is no arguments, not "ignore them"
    let with_one = Publish::new(1, "t").with_args(&[1]).unwrap();
    assert!(with_one.args_as::<()>().is_err());

    let mut encrypted = Publish::new(1, "t");
    encrypted.payload = Some(b"sealed".to_vec());
    encrypted.enc_algo = Some("cryptobox".into());
    encrypted.enc_serializer = Some("cbor".into());
    let msg = Message::from(encrypted.clone());
    let check = |err: DecodeError, field| {
        let (message, f, reason) = payload_error(err);
        assert_eq!((message, f), ("PUBLISH", field));
        assert!(reason.contains("transparent payload"), "{reason}");
    };
    check(encrypted.args_as::<Vec<Value>>().unwrap_err(), "args");
    check(encrypted.kwargs_as::<Value>().unwrap_err(), "kwargs");
    for format in FORMATS {
        let wire = format.encode(&msg).unwrap();
        let view = Publish::view(format, &wire).unwrap();
        check(view.args_as::<Vec<Value>>().unwrap_err(), "args");
        check(view.kwargs_as::<Value>().unwrap_err(), "kwargs");
    }
}

#[test]
fn errors_name_the_message_the_field_and_the_place() {
    let wire = br#"[48, 1, {}, "com.p", [1, "x"], {"user": {"age": "old"}}]"#;
    let view = Call::view(Format::Json, wire).unwrap();
    let err = view.args_as::<(u8, u8)>().unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"'args' in CALL: at [1]: invalid type: string "x", expected u8"#
    );
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct User {
        age: u8,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Kwargs {
        user: User,
    }
    let err = view.kwargs_as::<Kwargs>().unwrap_err();
    assert_eq!(
        err.to_string(),
        r#"'kwargs' in CALL: at ["user"]["age"]: invalid type: string "old", expected u8"#
    );
    // a missing field, a list too long, a float for an integer, out of range
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Needs {
        absent: i64,
    }
    let (_, field, reason) = payload_error(view.kwargs_as::<Needs>().unwrap_err());
    assert_eq!(
        (field, reason.as_str()),
        ("kwargs", "missing field `absent`")
    );
    let (_, _, reason) = payload_error(view.args_as::<(u8,)>().unwrap_err());
    assert!(reason.contains("invalid length 2"), "{reason}");
    let wire = br#"[70, 1, {}, [1.0, 300]]"#;
    let y = wamp_codec::Yield::view(Format::Json, wire).unwrap();
    let (message, _, reason) = payload_error(y.args_as::<(i64, u8)>().unwrap_err());
    assert_eq!(message, "YIELD");
    assert!(
        reason.starts_with("at [0]: invalid type: floating point"),
        "{reason}"
    );
    let (_, _, reason) = payload_error(y.args_as::<(f64, u8)>().unwrap_err());
    assert!(
        reason.starts_with("at [1]: invalid value: integer `300`"),
        "{reason}"
    );
}

#[test]
fn enums_as_in_serde_json() {
    let commands = vec![
        Command::Stop,
        Command::Move { x: 1, y: -2 },
        Command::Say("hi".into()),
    ];
    let publish = Publish::new(1, "t").with_args(&commands).unwrap();
    // serde_json's shapes, written independently by serde_json itself
    let expected_json: serde_json::Value = serde_json::to_value(&commands).unwrap();
    assert_eq!(
        serde_json::Value::try_from(Value::List(publish.args.clone().unwrap())).unwrap(),
        expected_json
    );
    let msg = Message::from(publish);
    for format in FORMATS {
        let wire = format.encode(&msg).unwrap();
        let view = Publish::view(format, &wire).unwrap();
        assert_eq!(
            view.args_as::<Vec<Command>>().unwrap(),
            commands,
            "{format:?}"
        );
    }
}

// ---- limits ----

fn nested(depth: usize) -> Value {
    (0..depth).fold(Value::Int(0), |inner, _| Value::List(vec![inner]))
}

#[test]
fn deep_nesting_is_refused_on_every_path_without_a_panic() {
    // An owned message built in memory, far deeper than any decoder accepts.
    let deep = Publish {
        args: Some(vec![nested(10_000)]),
        ..Publish::new(1, "t")
    };
    let (message, field, reason) = payload_error(deep.args_as::<Vec<Value>>().unwrap_err());
    assert_eq!((message, field), ("PUBLISH", "args"));
    assert!(reason.contains("depth limit of 64"), "{reason}");

    // The deepest payload a decoder accepts reads typed too; one level more is refused by
    // the decoder and the typed path alike. Levels: the message array 1, args 2, then 62
    // nested lists (levels 3 to 64, the default limit), the innermost holding an integer.
    let at_limit = Publish {
        args: Some(vec![nested(62)]),
        ..Publish::new(1, "t")
    };
    let msg = Message::from(at_limit.clone());
    for format in [Format::Json, Format::Msgpack, Format::Cbor] {
        let wire = format.encode(&msg).unwrap();
        let view = Publish::view(format, &wire).unwrap();
        assert_eq!(
            view.args_as::<Vec<Value>>().unwrap(),
            at_limit.args.clone().unwrap(),
            "{format:?}"
        );
    }
    assert_eq!(
        at_limit.args_as::<Vec<Value>>().unwrap(),
        at_limit.args.clone().unwrap()
    );
    let over = Publish {
        args: Some(vec![nested(63)]),
        ..Publish::new(1, "t")
    };
    assert!(over.args_as::<Vec<Value>>().is_err());
    let over = Message::from(over);
    for format in [Format::Json, Format::Msgpack, Format::Cbor] {
        let wire = format.encode(&over).unwrap();
        assert!(
            matches!(
                Publish::view(format, &wire),
                Err(DecodeError::Limit {
                    limit: "depth",
                    max: 64,
                    ..
                })
            ),
            "{format:?}"
        );
    }

    // FlatBuffers keeps args as CBOR, unchecked until read: checked within the limits then.
    // (100 levels: the encoders recurse once per level, so not the 10,000 above.)
    let deep = Publish {
        args: Some(vec![nested(100)]),
        ..Publish::new(1, "t")
    };
    let wire = Format::Flatbuffers.encode(&deep.into()).unwrap();
    let fbs = Publish::cast(&wire).unwrap();
    assert!(matches!(
        fbs.args_as::<Vec<Value>>(),
        Err(DecodeError::Limit { limit: "depth", .. })
    ));
    let view = Publish::view(Format::Flatbuffers, &wire).unwrap();
    assert!(view.args_as::<Vec<Value>>().is_err());
}

#[test]
fn broken_flatbuffers_payload_cbor_is_an_error_naming_the_field() {
    let msg: Message = Publish {
        args: Some(vec![Value::Int(1)]),
        ..Publish::new(1, "t")
    }
    .into();
    let mut wire = Format::Flatbuffers.encode(&msg).unwrap();
    assert_eq!(
        Publish::cast(&wire).unwrap().args_as::<(i64,)>().unwrap(),
        (1,)
    );
    // The args CBOR is `81 01`, a list of one, 1. `a0 01` is an empty map and a byte after
    // it: not one CBOR value. `cast` does not read payloads; reading them finds it.
    let at = wire
        .windows(2)
        .position(|w| w == [0x81, 0x01])
        .expect("the args CBOR is in the buffer");
    wire[at] = 0xa0;
    let fbs = Publish::cast(&wire).unwrap();
    let err = fbs.args_as::<Vec<Value>>().unwrap_err().to_string();
    assert!(
        err.starts_with(
            "invalid flatbuffers serialization of WAMP message: 'args' in PUBLISH: invalid CBOR"
        ),
        "{err}"
    );
    // the owned conversion refuses it alike
    assert!(fbs.args().is_err());
}

// ---- building typed payloads ----

#[test]
fn args_and_kwargs_from_rust_values() {
    let publish = Publish {
        args: Some(args_from(&("hello", 3, Bytes(vec![1, 2]))).unwrap()),
        kwargs: Some(kwargs_from(&reading()).unwrap()),
        ..Publish::new(2, "com.myapp.topic")
    };
    // autobahn's compact JSON, struct fields in declaration order, bytes as "\u0000" + base64
    // (AQI= is 01 02)
    assert_eq!(
        json::to_vec(&publish.into()).unwrap(),
        br#"[16,2,{},"com.myapp.topic",["hello",3,"\u0000AQI="],{"sensor":"t1","celsius":21.5,"tags":["a","b"],"calibrated":null}]"#
    );
    // integers keep their exact value
    assert_eq!(
        args_from(&(u64::MAX, i64::MIN, 7u8)).unwrap(),
        [Value::UInt(u64::MAX), Value::Int(i64::MIN), Value::Int(7)]
    );
    // integer map keys are their text, as serde_json writes them
    assert_eq!(
        kwargs_from(&BTreeMap::from([(1, "a")])).unwrap(),
        dict! { "1" => "a" }
    );
}

#[test]
fn what_cannot_be_a_payload_is_an_error() {
    let errors = [
        args_from(&reading()).map(drop),    // a struct is not a list
        kwargs_from(&(1, 2)).map(drop),     // a tuple is not a map
        args_from(&(u128::MAX,)).map(drop), // beyond u64
        args_from(&(i128::MIN,)).map(drop), // beyond i64
        kwargs_from(&HashMap::from([((1, 2), 3)])).map(drop), // a tuple key
        kwargs_from(&HashMap::from([(vec![1u8], 3)])).map(drop),
    ];
    for (i, result) in errors.into_iter().enumerate() {
        assert!(
            matches!(result, Err(EncodeError::Serialize(_))),
            "case {i}: {result:?}"
        );
    }
    let err = args_from(&reading()).unwrap_err().to_string();
    assert_eq!(
        err,
        "cannot serialize into a WAMP value: 'args' must be a list, not a dict"
    );
}

#[test]
fn typed_round_trip_through_every_format() {
    let call = Call::new(5, "com.myapp.cmd")
        .with_args(&(Command::Move { x: 3, y: 4 }, Bytes(vec![7; 40])))
        .unwrap()
        .with_kwargs(&reading())
        .unwrap();
    let msg = Message::from(call);
    for format in FORMATS {
        let wire = format.encode(&msg).unwrap();
        let view = Call::view(format, &wire).unwrap();
        let (cmd, bytes): (Command, Bytes) = view.args_as().unwrap();
        assert_eq!((cmd, bytes.0), (Command::Move { x: 3, y: 4 }, vec![7; 40]));
        assert_eq!(
            view.kwargs_as::<Reading>().unwrap(),
            reading(),
            "{format:?}"
        );
    }
}

#[test]
fn dict_type_is_usable_as_kwargs() {
    let d: Dict = dict! { "a" => 1 };
    let call = Call::new(1, "p")
        .with_kwargs(&Value::Map(d.clone()))
        .unwrap();
    assert_eq!(call.kwargs, Some(d));
}
