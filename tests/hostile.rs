//! Hostile input: what anyone on the network can send a router. Every case must be an error
//! that says what was wrong (and where, when there is a message and a field to name), never a
//! panic, an abort, a stack overflow, a hang or an allocation the input does not back.
//!
//! The inputs are small, so a decoder that reserved memory for a claimed length (2^32 or 2^64
//! elements) would abort the test binary with an allocation failure, and one that recursed per
//! nesting level would overflow the test thread's stack: both make the test fail.
//! `tests/hostile_alloc.rs` measures the allocations themselves.
//!
//! Fixed bugs have a `regression_*` test here, named after what was wrong.

use std::time::{Duration, Instant};

use wamp_codec::fbs::view::{MessageBuf, MessageRef, VerifierOptions};
use wamp_codec::serializer::{cbor, json, msgpack, Format, Limits, Serializer};
use wamp_codec::{DecodeError, Message, Publish, Value};

const FORMATS: [Format; 4] = [
    Format::Json,
    Format::Msgpack,
    Format::Cbor,
    Format::Flatbuffers,
];

/// Decodes with `format` and returns the error, failing the test if it decoded, or if it took
/// long enough to suggest work beyond the size of the input.
#[track_caller]
fn decode_err(format: Format, input: &[u8]) -> DecodeError {
    let started = Instant::now();
    let result = format.decode(input);
    let took = started.elapsed();
    assert!(
        took < Duration::from_secs(2),
        "{format:?}: {} bytes took {took:?}",
        input.len()
    );
    match result {
        Ok(msg) => panic!("{format:?} accepted hostile input as {msg}"),
        Err(e) => e,
    }
}

/// Asserts that `err` is the limit `limit` of `format`.
#[track_caller]
fn assert_limit(err: &DecodeError, format: &str, limit: &str) {
    match err {
        DecodeError::Limit {
            format: f,
            limit: l,
            max,
        } => {
            assert_eq!((*f, *l), (format, limit), "{err}");
            // The text names the limit and its value, for the log line.
            let text = err.to_string();
            assert!(
                text.contains(limit) && text.contains(&max.to_string()),
                "{text}"
            );
        }
        other => panic!("expected the {format} {limit} limit, got {other:?}"),
    }
}

/// Asserts a syntax error of `format` whose reason contains every one of `needles`.
#[track_caller]
fn assert_syntax(err: &DecodeError, format: &str, needles: &[&str]) {
    match err {
        DecodeError::Syntax { format: f, reason } => {
            assert_eq!(*f, format, "{err}");
            for needle in needles {
                assert!(reason.contains(needle), "{reason:?} lacks {needle:?}");
            }
        }
        other => panic!("expected a {format} syntax error, got {other:?}"),
    }
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

// ---- empty input, every format ----

#[test]
fn empty_input_is_an_error_in_every_format() {
    for format in FORMATS {
        let err = decode_err(format, b"");
        assert!(!err.to_string().is_empty());
        assert!(
            matches!(err, DecodeError::Syntax { format: f, .. } if f == format.name()),
            "{format:?}: {err:?}"
        );
    }
    // And in every batched serializer an empty payload is no message at all, not a crash.
    for s in Serializer::ALL {
        let _ = s.decode(b"");
    }
}

// ---- nesting 100,000 deep ----

const DEEP: usize = 100_000;

#[test]
fn json_nesting_100k_deep_is_the_depth_limit() {
    for (open, name) in [("[", "lists"), ("{\"a\":", "maps")] {
        let deep = open.repeat(DEEP);
        assert_limit(&decode_err(Format::Json, deep.as_bytes()), "json", "depth");
        // Inside a valid message's arguments too.
        let inside = format!("[16,1,{{}},\"com.t\",{deep}");
        let err = decode_err(Format::Json, inside.as_bytes());
        assert_limit(&err, "json", "depth");
        let _ = name;
    }
}

#[test]
fn msgpack_nesting_100k_deep_is_the_depth_limit() {
    // 0x91: fixarray of 1; 0x81 a1 61: fixmap of 1 with key "a".
    for unit in [
        hex("91"),
        hex("81 a1 61"),
        hex("dc 0001"),
        hex("de 0001 a1 61"),
    ] {
        let deep = unit.repeat(DEEP);
        assert_limit(&decode_err(Format::Msgpack, &deep), "msgpack", "depth");
    }
    // Just inside the limit still decodes: the limit, not the input, stopped it.
    let limits = Limits::DEFAULT;
    let mut ok = vec![0x91; limits.max_depth - 1];
    ok.push(0x90);
    assert!(msgpack::value_from_slice(&ok, &limits).is_ok());
}

#[test]
fn cbor_nesting_100k_deep_is_the_depth_limit() {
    // 0x81: array of 1; 0x9f: indefinite array; 0xa1 61 61: map of 1 with key "a";
    // 0xbf 61 61: indefinite map.
    for unit in [hex("81"), hex("9f"), hex("a1 6161"), hex("bf 6161")] {
        let deep = unit.repeat(DEEP);
        assert_limit(&decode_err(Format::Cbor, &deep), "cbor", "depth");
    }
    // Tags do not nest: a long chain of self-describe tags is not a recursion either.
    let tags: Vec<u8> = hex("d9d9f7")
        .repeat(DEEP)
        .into_iter()
        .chain(hex("80"))
        .collect();
    let err = decode_err(Format::Cbor, &tags);
    assert!(err.as_validation().is_some(), "{err}");
    // Bignum tags around a deep array are rejected at the tag, before any recursion.
    let bignum_deep: Vec<u8> = hex("c2")
        .into_iter()
        .chain(hex("81").repeat(DEEP))
        .collect();
    assert_syntax(
        &decode_err(Format::Cbor, &bignum_deep),
        "cbor",
        &["bignum", "offset 1"],
    );
}

#[test]
fn json_depth_beyond_serde_recursion_limit_is_still_an_error() {
    // A router may raise `max_depth`; the reader's own recursion guard (the 128th level, as
    // serde_json's) then stops it, as an error and not a stack overflow.
    let limits = Limits {
        max_depth: 100_000,
        ..Limits::DEFAULT
    };
    let deep = "[".repeat(DEEP);
    let err = json::value_from_slice(deep.as_bytes(), &limits).unwrap_err();
    assert_syntax(&err, "json", &["recursion limit"]);
}

// ---- lengths that claim more than the input holds ----

#[test]
fn msgpack_length_prefixes_of_2_pow_32_minus_1() {
    for (input, what) in [
        ("dd ffffffff 01", "array32"),
        ("df ffffffff a161 01", "map32"),
        ("db ffffffff 61", "str32"),
        ("c6 ffffffff 61", "bin32"),
        // Inside a message, where the claimed list is the arguments.
        ("95 10 01 80 a5 636f6d2e74 dd ffffffff c0", "args array32"),
    ] {
        let err = decode_err(Format::Msgpack, &hex(input));
        assert_syntax(&err, "msgpack", &["end of input"]);
        assert!(err.to_string().contains("offset"), "{what}: {err}");
    }
}

#[test]
fn cbor_length_prefixes_of_2_pow_64_minus_1() {
    for input in [
        "9b ffffffffffffffff 01",
        "bb ffffffffffffffff 6161 01",
        "5b ffffffffffffffff 00",
        "7b ffffffffffffffff 61",
        "9a ffffffff 01",
        "5a ffffffff 00",
        // An indefinite string whose chunk claims 2^64-1 bytes.
        "5f 5b ffffffffffffffff 00 ff",
    ] {
        let err = decode_err(Format::Cbor, &hex(input));
        assert_syntax(&err, "cbor", &["end of input", "offset"]);
    }
}

#[test]
fn batched_length_prefix_beyond_the_payload() {
    for s in [Serializer::MSGPACK_BATCHED, Serializer::CBOR_BATCHED] {
        let err = s.decode(&hex("ffffffff 90")).unwrap_err();
        assert_syntax(
            &err,
            s.format().name(),
            &["4294967295 bytes but only 1 bytes follow"],
        );
        // A truncated prefix.
        let err = s.decode(&hex("0000")).unwrap_err();
        assert_syntax(&err, s.format().name(), &["length prefix"]);
    }
    // JSON batches need their terminator.
    let err = Serializer::JSON_BATCHED.decode(b"[1]").unwrap_err();
    assert_syntax(&err, "json", &["0x18"]);
}

// ---- JSON text that is not JSON, or not WAMP ----

#[test]
fn regression_json_lone_surrogate_error_says_surrogate() {
    // serde_json reported `"\ud800"` only as "unexpected end of hex escape", which does not
    // say what is wrong with it.
    for text in [
        r#""\ud800""#,
        r#""\udc00""#,
        r#""\ud800\u0041""#,
        r#""\ud800x""#,
    ] {
        let msg = format!(r#"[16,1,{{}},"com.t",[{text}]]"#);
        let err = decode_err(Format::Json, msg.as_bytes());
        assert_syntax(&err, "json", &["surrogate"]);
    }
    // A valid pair is one character.
    let ok = json::from_slice(r#"[16,1,{},"com.t",["\ud83d\ude00"]]"#.as_bytes()).unwrap();
    let Message::Publish(p) = ok else { panic!() };
    assert_eq!(p.args, Some(vec![Value::from("😀")]));
}

#[test]
fn json_nan_and_infinity_tokens_are_errors() {
    for token in ["NaN", "Infinity", "-Infinity", "nan", "inf"] {
        let msg = format!(r#"[16,1,{{}},"com.t",[{token}]]"#);
        let err = decode_err(Format::Json, msg.as_bytes());
        assert_syntax(&err, "json", &["at offset 1"]);
    }
    // Overflowing exponents are not infinity either.
    let err = decode_err(Format::Json, br#"[16,1,{},"com.t",[1e400]]"#);
    assert_syntax(&err, "json", &["out of range"]);
}

#[test]
fn regression_json_integer_beyond_u64_is_an_error() {
    // serde_json reads an integer that overflows u64 (or i64, when negative) as a float; the
    // crate promised (DEVIATIONS.md, "Integers are 64-bit") a decode error and gave a float.
    for (digits, at) in [
        ("18446744073709551616", 18),
        ("-9223372036854775809", 18),
        ("123456789012345678901234567890", 18),
    ] {
        let msg = format!(r#"[16,1,{{}},"com.t",[{digits}]]"#);
        let err = decode_err(Format::Json, msg.as_bytes());
        assert_syntax(
            &err,
            "json",
            &[digits, &format!("offset {at}"), "64-bit range"],
        );
    }
    // In an ID, too: an error, not a float that fails the ID check.
    let err = decode_err(Format::Json, br#"[16,18446744073709551616,{},"com.t"]"#);
    assert_syntax(&err, "json", &["18446744073709551616"]);
    // The extremes themselves, large floats, and digits inside strings are fine.
    let ok = json::from_slice(
        br#"[16,1,{},"com.t",[18446744073709551615,-9223372036854775808,1e19,1.8446744073709552e19,"99999999999999999999"]]"#,
    )
    .unwrap();
    let Message::Publish(p) = ok else { panic!() };
    assert_eq!(
        p.args.unwrap(),
        [
            Value::UInt(u64::MAX),
            Value::Int(i64::MIN),
            Value::Float(1e19),
            Value::Float(18446744073709551616.0),
            Value::from("99999999999999999999"),
        ]
    );
}

#[test]
fn invalid_utf8_is_an_error_in_every_format() {
    // JSON: a raw 0xff inside a string.
    let mut json_bytes = br#"[16,1,{},"com.t",["x"]]"#.to_vec();
    let x = json_bytes.iter().rposition(|&b| b == b'x').unwrap();
    json_bytes[x] = 0xff;
    assert_syntax(
        &decode_err(Format::Json, &json_bytes),
        "json",
        &["invalid UTF-8", "offset 19"],
    );
    // MessagePack and CBOR: the topic "com.\xff".
    let err = decode_err(Format::Msgpack, &hex("94 10 01 80 a5 636f6d2eff"));
    assert_syntax(&err, "msgpack", &["invalid UTF-8", "offset 9"]);
    let err = decode_err(Format::Cbor, &hex("84 10 01 a0 65 636f6d2eff"));
    assert_syntax(&err, "cbor", &["invalid UTF-8", "offset 9"]);
    // An `args` string on either side of the length kept inline (24 bytes), its last byte
    // invalid: [16, 1, {}, "com.t", ["aa…a\xff"]].
    for len in [23, 24, 25, 31] {
        let mut body = vec![b'a'; len - 1];
        body.push(0xff);
        // a fixstr head of one byte; the body at offset 12
        let mut msgpack = hex("95 10 01 80 a5 636f6d2e74 91");
        msgpack.push(0xa0 | len as u8);
        msgpack.extend_from_slice(&body);
        let err = decode_err(Format::Msgpack, &msgpack);
        let at = format!("offset {}", 12 + len - 1);
        assert_syntax(&err, "msgpack", &["invalid UTF-8", &at]);
        // a head of one byte below 24, of two from 24; the body after it
        let mut cbor = hex("85 10 01 a0 65 636f6d2e74 81");
        let body_at = if len < 24 {
            cbor.push(0x60 | len as u8);
            12
        } else {
            cbor.extend_from_slice(&[0x78, len as u8]);
            13
        };
        cbor.extend_from_slice(&body);
        let err = decode_err(Format::Cbor, &cbor);
        let at = format!("offset {}", body_at + len - 1);
        assert_syntax(&err, "cbor", &["invalid UTF-8", &at]);
    }
    // FlatBuffers: the topic string of a hand-built PUBLISH.
    let mut buf = publish_buffer();
    buf[TOPIC_CHARS + 4] = 0xff;
    let err = MessageRef::cast(&buf).unwrap_err();
    assert_syntax(&err, "flatbuffers", &["'topic' in PUBLISH", "UTF-8"]);
}

#[test]
fn unknown_message_codes_are_errors_naming_the_code() {
    for (input, needle) in [
        (&br#"[999,1,{}]"#[..], "999"),
        (br#"[7,1,{}]"#, "7"),
        (br#"[-1]"#, "-1"),
        (br#"[]"#, "missing message type"),
        (br#"["16",1,{},"com.t"]"#, "str"),
    ] {
        let err = decode_err(Format::Json, input);
        let v = err
            .as_validation()
            .unwrap_or_else(|| panic!("not a validation error: {err}"));
        assert!(v.reason().contains(needle), "{err}");
    }
    // The same in the binary formats: [999] in MessagePack and CBOR.
    let err = decode_err(Format::Msgpack, &hex("91 cd 03e7"));
    assert!(err.to_string().contains("999"), "{err}");
    let err = decode_err(Format::Cbor, &hex("81 19 03e7"));
    assert!(err.to_string().contains("999"), "{err}");
}

#[test]
fn unknown_union_tags_are_errors() {
    for tag in [0u8, 7, 26, 38, 200, 255] {
        let mut buf = publish_buffer();
        buf[ROOT_TAG] = tag;
        let err = MessageRef::cast(&buf).unwrap_err();
        assert_syntax(
            &err,
            "flatbuffers",
            &[
                "'msg_type' in Message",
                &format!("unknown message type tag {tag}"),
            ],
        );
    }
}

// ---- FlatBuffers: a hand-built PUBLISH, then broken one offset at a time ----

/// Positions in [`publish_buffer`].
const ROOT_OFFSET: usize = 0;
const ROOT_VTABLE: usize = 4;
const ROOT_TABLE: usize = 12;
const ROOT_TAG: usize = 16;
const ROOT_MSG: usize = 20;
const PUBLISH_VTABLE: usize = 24;
const PUBLISH_TABLE: usize = 40;
const PUBLISH_TOPIC: usize = 44;
const TOPIC_STRING: usize = 56;
const TOPIC_CHARS: usize = 60;

/// `PUBLISH [16, 7, {}, "com.t"]` laid out by hand, so that each test can break exactly one
/// thing in it (every number little-endian):
///
/// ```text
///  0  u32  12          root offset -> Message table at 12
///  4  u16  8, 12, 4, 8 Message vtable: 8 bytes, object 12, msg_type at +4, msg at +8
/// 12  i32  8           Message table: soffset -> vtable at 4
/// 16  u8   16          msg_type: PUBLISH (3 bytes padding)
/// 20  u32  20          msg -> Publish table at 40
/// 24  u16  10, 16, 0, 8, 4   Publish vtable: session absent, request at +8, topic at +4
/// 34  ..               padding
/// 40  i32  16          Publish table: soffset -> vtable at 24
/// 44  u32  12          topic -> string at 56
/// 48  u64  7           request
/// 56  u32  5, "com.t", NUL, padding
/// ```
fn publish_buffer() -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&12u32.to_le_bytes());
    for v in [8u16, 12, 4, 8] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&8i32.to_le_bytes());
    b.extend_from_slice(&[16, 0, 0, 0]);
    b.extend_from_slice(&20u32.to_le_bytes());
    for v in [10u16, 16, 0, 8, 4] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend_from_slice(&[0; 6]);
    b.extend_from_slice(&16i32.to_le_bytes());
    b.extend_from_slice(&12u32.to_le_bytes());
    b.extend_from_slice(&7u64.to_le_bytes());
    b.extend_from_slice(&5u32.to_le_bytes());
    b.extend_from_slice(b"com.t\0\0\0");
    assert_eq!(
        (b.len(), b[PUBLISH_TABLE], b[TOPIC_STRING]),
        (68, 16, 5),
        "layout"
    );
    b
}

fn put_u32(buf: &mut [u8], at: usize, v: u32) {
    buf[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn put_u16(buf: &mut [u8], at: usize, v: u16) {
    buf[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

#[track_caller]
fn cast_err(buf: &[u8], needles: &[&str]) {
    let err = MessageRef::cast(buf).unwrap_err();
    assert_syntax(&err, "flatbuffers", needles);
    // MessageBuf verifies the same way.
    assert!(MessageBuf::new(bytes::Bytes::copy_from_slice(buf)).is_err());
}

#[test]
fn hand_built_publish_is_valid() {
    // The base of the tests below must itself be accepted, or they would prove nothing.
    let buf = publish_buffer();
    let Ok(MessageRef::Publish(p)) = MessageRef::cast(&buf) else {
        panic!("{:?}", MessageRef::cast(&buf))
    };
    assert_eq!((p.request(), p.topic()), (7, "com.t"));
    let msg = Format::Flatbuffers.decode(&buf).unwrap();
    assert_eq!(msg, Message::from(Publish::new(7, "com.t")));
}

#[test]
fn flatbuffers_offsets_outside_the_buffer() {
    let mut buf = publish_buffer();
    put_u32(&mut buf, ROOT_OFFSET, 0xffff_fff0);
    cast_err(&buf, &["'root' in Message", "out of bounds"]);

    let mut buf = publish_buffer();
    put_u32(&mut buf, ROOT_MSG, 0x7fff_fff0);
    // The union value is the message table: the error names the message.
    cast_err(&buf, &["PUBLISH", "out of bounds"]);

    let mut buf = publish_buffer();
    put_u32(&mut buf, PUBLISH_TOPIC, 1 << 20);
    cast_err(&buf, &["'topic' in PUBLISH", "out of bounds"]);

    // A string whose length runs past the end.
    let mut buf = publish_buffer();
    put_u32(&mut buf, TOPIC_STRING, u32::MAX);
    cast_err(&buf, &["'topic' in PUBLISH", "out of bounds"]);

    // A vtable soffset pointing before the start, and far after the end.
    for soffset in [100i32, -100_000, i32::MIN, i32::MAX] {
        let mut buf = publish_buffer();
        buf[PUBLISH_TABLE..PUBLISH_TABLE + 4].copy_from_slice(&soffset.to_le_bytes());
        cast_err(&buf, &["vtable"]);
    }
}

#[test]
fn flatbuffers_offsets_into_themselves() {
    // A root offset of 0: the "table" is the offset itself, its soffset 0 makes the vtable
    // the table itself, whose length (0) is not a vtable length.
    let mut buf = publish_buffer();
    put_u32(&mut buf, ROOT_OFFSET, 0);
    cast_err(&buf, &["'root' in Message", "vtable"]);
    // The union value pointing at itself.
    let mut buf = publish_buffer();
    put_u32(&mut buf, ROOT_MSG, 0);
    cast_err(&buf, &["PUBLISH", "vtable"]);
    // A table whose soffset is 0: its vtable would be the table itself.
    let mut buf = publish_buffer();
    buf[PUBLISH_TABLE..PUBLISH_TABLE + 4].copy_from_slice(&0i32.to_le_bytes());
    cast_err(&buf, &["PUBLISH", "vtable"]);
}

#[test]
fn flatbuffers_offsets_backwards() {
    // uoffsets are unsigned, so "backwards" is a negative soffset: the vtable after the table.
    // Point the Publish table's vtable at the topic string (a u32 5 as vtable length).
    let mut buf = publish_buffer();
    let back = PUBLISH_TABLE as i32 - TOPIC_STRING as i32;
    buf[PUBLISH_TABLE..PUBLISH_TABLE + 4].copy_from_slice(&back.to_le_bytes());
    cast_err(&buf, &["PUBLISH", "invalid vtable length 5"]);
    // The Message table's vtable moved onto the Publish vtable (valid shape, wrong table):
    // then `msg` (voffset 6) reads Publish's slot 1 (8), and `msg_type` (voffset 4) reads 0,
    // so the union is half present.
    let mut buf = publish_buffer();
    let to = ROOT_TABLE as i32 - PUBLISH_VTABLE as i32;
    buf[ROOT_TABLE..ROOT_TABLE + 4].copy_from_slice(&to.to_le_bytes());
    let err = MessageRef::cast(&buf).unwrap_err();
    assert!(matches!(err, DecodeError::Syntax { .. }), "{err}");
}

#[test]
fn flatbuffers_misaligned() {
    // The root table at an odd position.
    let mut buf = publish_buffer();
    put_u32(&mut buf, ROOT_OFFSET, 13);
    cast_err(&buf, &["'root' in Message", "aligned"]);
    // The u64 `request` at +4 instead of +8: not 8-aligned.
    let mut buf = publish_buffer();
    put_u16(&mut buf, PUBLISH_VTABLE + 6, 4);
    put_u16(&mut buf, PUBLISH_VTABLE + 8, 8);
    cast_err(&buf, &["'request' in PUBLISH", "8-aligned"]);
    // The union offset at +6 instead of +8.
    let mut buf = publish_buffer();
    put_u16(&mut buf, ROOT_VTABLE + 6, 6);
    cast_err(&buf, &["'msg' in Message", "aligned"]);
    // A vtable at an odd position.
    let mut buf = publish_buffer();
    buf[PUBLISH_TABLE..PUBLISH_TABLE + 4].copy_from_slice(&15i32.to_le_bytes());
    cast_err(&buf, &["PUBLISH", "aligned"]);
}

#[test]
fn flatbuffers_absurd_vtables() {
    // Vtable lengths: huge, odd, and too short for its own header.
    for len in [u16::MAX, 0xfffe, 9, 3, 2, 0] {
        let mut buf = publish_buffer();
        put_u16(&mut buf, PUBLISH_VTABLE, len);
        cast_err(&buf, &["PUBLISH", "vtable"]);
    }
    // An object size beyond the buffer, and below the soffset's own 4 bytes.
    for size in [u16::MAX, 1000, 3, 0] {
        let mut buf = publish_buffer();
        put_u16(&mut buf, PUBLISH_VTABLE + 2, size);
        cast_err(&buf, &["PUBLISH", "object size"]);
    }
    // A field offset outside the object.
    let mut buf = publish_buffer();
    put_u16(&mut buf, PUBLISH_VTABLE + 8, 0xfff0);
    cast_err(&buf, &["'topic' in PUBLISH", "outside the table"]);
}

#[test]
fn flatbuffers_required_and_half_unions() {
    // The required topic absent.
    let mut buf = publish_buffer();
    put_u16(&mut buf, PUBLISH_VTABLE + 8, 0);
    cast_err(&buf, &["'topic' in PUBLISH", "missing required field"]);
    // A union tag without its value.
    let mut buf = publish_buffer();
    put_u16(&mut buf, ROOT_VTABLE + 6, 0);
    cast_err(&buf, &["'msg' in Message", "both present or both absent"]);
    // A string without its NUL terminator.
    let mut buf = publish_buffer();
    buf[TOPIC_CHARS + 5] = b'!';
    cast_err(&buf, &["'topic' in PUBLISH", "NUL"]);
}

#[test]
fn flatbuffers_every_truncation_is_an_error() {
    let buf = publish_buffer();
    // Every prefix that cuts into the data; the last 2 bytes are padding after the NUL.
    assert!(MessageRef::cast(&buf[..TOPIC_CHARS + 6]).is_ok());
    for len in 0..TOPIC_CHARS + 6 {
        let err = MessageRef::cast(&buf[..len]).unwrap_err();
        assert!(!err.to_string().is_empty());
    }
}

#[test]
fn flatbuffers_verifier_limits_are_named() {
    let buf = publish_buffer();
    let tight = |f: fn(&mut VerifierOptions)| {
        let mut o = VerifierOptions::DEFAULT;
        f(&mut o);
        MessageRef::cast_with(&buf, &o).unwrap_err()
    };
    // Two tables (Message, PUBLISH), at depth 2.
    assert_limit(&tight(|o| o.max_tables = 1), "flatbuffers", "tables");
    assert_limit(&tight(|o| o.max_depth = 1), "flatbuffers", "depth");
    assert_limit(
        &tight(|o| o.max_apparent_size = 16),
        "flatbuffers",
        "apparent size",
    );
    assert_limit(&tight(|o| o.max_buffer_size = 63), "flatbuffers", "size");
    // And the defaults let it through.
    assert!(MessageRef::cast_with(&buf, &VerifierOptions::DEFAULT).is_ok());
}

#[test]
fn flatbuffers_many_references_to_one_string_hit_the_apparent_size() {
    // A `[string]` (PUBLISH `exclude_authid`) of 1,000 offsets to one 1,000-byte string: the
    // buffer is 5 KB but the verified graph is 1 MB, which the apparent size counts.
    let mut p = Publish::new(7, "com.t");
    p.exclude_authid = Some(vec!["a".repeat(1000); 1000]);
    let buf = Format::Flatbuffers.encode(&Message::from(p)).unwrap();
    let one_string = {
        let Ok(MessageRef::Publish(v)) = MessageRef::cast(&buf) else {
            panic!()
        };
        let mut it = v.exclude_authid().unwrap();
        it.next().unwrap().as_ptr() as usize - buf.as_ptr() as usize
    };
    // Rewrite every element's offset to point at the first string.
    let mut buf = buf;
    let first_elem = (0..buf.len() - 4)
        .step_by(4)
        .find(|&at| {
            u32::from_le_bytes(buf[at..at + 4].try_into().unwrap()) as usize + at + 4 == one_string
        })
        .expect("the vector's first element");
    for i in 0..1000 {
        let at = first_elem + 4 * i;
        let off = (one_string - 4 - at) as u32;
        put_u32(&mut buf, at, off);
    }
    let opts = VerifierOptions {
        max_apparent_size: 100_000,
        ..VerifierOptions::DEFAULT
    };
    assert_limit(
        &MessageRef::cast_with(&buf, &opts).unwrap_err(),
        "flatbuffers",
        "apparent size",
    );
}

// ---- the CBOR inside FlatBuffers `args` and `kwargs` ----

/// A FlatBuffers PUBLISH whose `args` CBOR is replaced by `cbor` (same length as the original
/// `[bytes of 64 zeros]`, 67 bytes, padded with more of `cbor`'s last byte when shorter).
fn publish_with_args_cbor(cbor: &[u8]) -> Vec<u8> {
    let p = Publish {
        args: Some(vec![Value::Bytes(vec![0; 64])]),
        ..Publish::new(7, "com.t")
    };
    let mut buf = Format::Flatbuffers.encode(&Message::from(p)).unwrap();
    let (at, len) = {
        let Ok(MessageRef::Publish(v)) = MessageRef::cast(&buf) else {
            panic!()
        };
        let args = v.args_bytes().unwrap();
        (args.as_ptr() as usize - buf.as_ptr() as usize, args.len())
    };
    assert_eq!(len, 67);
    assert!(cbor.len() <= len);
    buf[at..at + cbor.len()].copy_from_slice(cbor);
    let fill = *cbor.last().unwrap();
    buf[at + cbor.len()..at + len].fill(fill);
    buf
}

#[test]
fn flatbuffers_args_cbor_is_checked_only_when_asked_and_then_within_limits() {
    // 67 nested indefinite arrays: deeper than the default 64.
    let buf = publish_with_args_cbor(&[0x9f]);
    // `cast` does not look inside args (that is the lazy path's point) ...
    let Ok(MessageRef::Publish(v)) = MessageRef::cast(&buf) else {
        panic!()
    };
    assert_eq!(v.topic(), "com.t");
    // ... `args()` does, and stops at the depth limit;
    assert_limit(&v.args().unwrap_err(), "cbor", "depth");
    // so does the conversion to the owned message, and `Format::decode`.
    assert_limit(
        &Message::try_from(MessageRef::cast(&buf).unwrap()).unwrap_err(),
        "cbor",
        "depth",
    );
    assert_limit(&decode_err(Format::Flatbuffers, &buf), "cbor", "depth");
    // Configured limits are honoured: 3 levels of [[[]]] pass the default, not a limit of 2.
    let buf = publish_with_args_cbor(&hex("81 81 80 f6"));
    let Ok(MessageRef::Publish(v)) = MessageRef::cast(&buf) else {
        panic!()
    };
    let err = v.args().unwrap_err();
    assert_syntax(
        &err,
        "flatbuffers",
        &["'args' in PUBLISH", "invalid CBOR", "trailing"],
    );
    let two = Limits {
        max_depth: 2,
        ..Limits::DEFAULT
    };
    assert_limit(&v.args_with(&two).unwrap_err(), "cbor", "depth");
}

#[test]
fn flatbuffers_args_cbor_claiming_2_pow_64_elements() {
    for cbor in [
        hex("9b ffffffffffffffff"),
        hex("5b ffffffffffffffff"),
        hex("81 bb ffffffffffffffff"),
    ] {
        let buf = publish_with_args_cbor(&cbor);
        let err = decode_err(Format::Flatbuffers, &buf);
        assert_syntax(&err, "flatbuffers", &["'args' in PUBLISH", "invalid CBOR"]);
    }
    // kwargs must be a map, args a list: named.
    let buf = publish_with_args_cbor(&hex("a0 f6"));
    let err = decode_err(Format::Flatbuffers, &buf);
    assert_syntax(&err, "flatbuffers", &["'args' in PUBLISH"]);
}

// ---- limits as configuration, every decoder ----

#[test]
fn every_decoder_honours_each_configured_limit() {
    // One message with 3 levels of nesting (message, options, list) and 9 items (5 elements,
    // 1 option, 2 excluded IDs, 1 argument): each limit set just below what it needs fails
    // naming that limit, and set to exactly what it needs passes, in every format (FlatBuffers
    // counts the decoded message as the others count their input).
    let json_text = br#"[16,1,{"exclude":[1,2]},"com.t",[3]]"#;
    let msg = json::from_slice(json_text).unwrap();
    for format in FORMATS {
        let bytes = format.encode(&msg).unwrap();
        let exact = Limits {
            max_size: bytes.len(),
            max_depth: 3,
            max_items: 9,
        };
        assert_eq!(
            format.decode_with_limits(&bytes, &exact).unwrap(),
            msg,
            "{format:?}"
        );
        for (limit, smaller) in [
            (
                "size",
                Limits {
                    max_size: bytes.len() - 1,
                    ..exact
                },
            ),
            (
                "depth",
                Limits {
                    max_depth: 2,
                    ..exact
                },
            ),
            (
                "items",
                Limits {
                    max_items: 8,
                    ..exact
                },
            ),
        ] {
            let err = format.decode_with_limits(&bytes, &smaller).unwrap_err();
            assert_limit(&err, format.name(), limit);
        }
    }
    // The per-format functions behind it are the same checks.
    let bytes = msgpack::to_vec(&msg).unwrap();
    let two = Limits {
        max_depth: 2,
        ..Limits::DEFAULT
    };
    assert_limit(
        &msgpack::from_slice_with_limits(&bytes, &two).unwrap_err(),
        "msgpack",
        "depth",
    );
    let bytes = cbor::to_vec(&msg).unwrap();
    assert_limit(
        &cbor::from_slice_with_limits(&bytes, &two).unwrap_err(),
        "cbor",
        "depth",
    );
    // And batches apply them to each message.
    let batch = Serializer::CBOR_BATCHED
        .encode_batch(&[msg.clone(), msg.clone()])
        .unwrap();
    assert_eq!(
        Serializer::CBOR_BATCHED
            .decode_with_limits(&batch, &Limits::DEFAULT)
            .unwrap()
            .len(),
        2
    );
    let err = Serializer::CBOR_BATCHED
        .decode_with_limits(&batch, &two)
        .unwrap_err();
    assert_limit(&err, "cbor", "depth");
}

#[test]
fn default_limits_are_the_documented_ones() {
    // README "Security" lists these; a change must change the docs too.
    assert_eq!(
        Limits::DEFAULT,
        Limits {
            max_size: 16 << 20,
            max_depth: 64,
            max_items: 1 << 20
        }
    );
    assert_eq!(
        VerifierOptions::DEFAULT,
        VerifierOptions {
            max_depth: 64,
            max_tables: 1_000_000,
            max_apparent_size: 1 << 31,
            max_buffer_size: 16 << 20,
        }
    );
    // The size limit holds for FlatBuffers too, before any parsing.
    let big = vec![0u8; (16 << 20) + 1];
    assert_limit(
        &decode_err(Format::Flatbuffers, &big),
        "flatbuffers",
        "size",
    );
    for format in [Format::Json, Format::Msgpack, Format::Cbor] {
        assert_limit(&decode_err(format, &big), format.name(), "size");
    }
}

#[test]
fn items_limit_counts_across_the_whole_message() {
    // 2^20 + 1 one-byte items in MessagePack arrays of 16 (many small lists, none of which is
    // large): the count is per message.
    let chunk: Vec<u8> = std::iter::once(0xdc)
        .chain(16u16.to_be_bytes())
        .chain(std::iter::repeat_n(0xc0, 16))
        .collect();
    let lists = (1 << 20) / 16 + 1;
    let mut input = vec![0xdd];
    input.extend_from_slice(&(lists as u32).to_be_bytes());
    for _ in 0..lists {
        input.extend_from_slice(&chunk);
    }
    assert_limit(&decode_err(Format::Msgpack, &input), "msgpack", "items");
}

#[test]
fn regression_json_items_limit_counted_each_list_end() {
    // JSON counted one item more per list than it holds (the end of the list was counted as
    // an item), so a message within `max_items` for MessagePack and CBOR failed in JSON.
    let limits = Limits {
        max_items: 3,
        ..Limits::DEFAULT
    };
    assert!(json::value_from_slice(b"[1,2,3]", &limits).is_ok());
    assert!(json::value_from_slice(b"[[],[],[]]", &limits).is_ok());
    assert!(msgpack::value_from_slice(&hex("93 90 90 90"), &limits).is_ok());
    assert_limit(
        &json::value_from_slice(b"[1,2,3,4]", &limits).unwrap_err(),
        "json",
        "items",
    );
}

#[test]
fn integers_past_64_bits_are_errors_in_cbor() {
    // CBOR can write them (bignums, and major type 1 down to -2^64); a Value cannot hold them.
    for (cbor, needle) in [
        (
            "85 10 01 a0 65 636f6d2e74 81 c2 49 010000000000000000",
            "64 bits",
        ),
        (
            "85 10 01 a0 65 636f6d2e74 81 3b ffffffffffffffff",
            "below -2^63",
        ),
        (
            "85 10 01 a0 65 636f6d2e74 81 c3 49 010000000000000000",
            "64 bits",
        ),
    ] {
        assert_syntax(
            &decode_err(Format::Cbor, &hex(cbor)),
            "cbor",
            &[needle, "offset 11"],
        );
    }
}

#[test]
fn ids_beyond_2_pow_53_name_the_field() {
    // In range for a u64 but not a WAMP ID: a validation error naming message and field.
    for input in [
        &br#"[16,18446744073709551615,{},"com.t"]"#[..],
        br#"[16,9007199254740993,{},"com.t"]"#,
    ] {
        let err = decode_err(Format::Json, input);
        let v = err.as_validation().expect("a validation error");
        assert_eq!(
            (v.message(), v.field()),
            (Some("PUBLISH"), Some("request")),
            "{err}"
        );
    }
    let err = decode_err(
        Format::Msgpack,
        &hex("94 10 cf ffffffffffffffff 80 a5 636f6d2e74"),
    );
    assert!(err.to_string().starts_with("'request' in PUBLISH"), "{err}");
}
