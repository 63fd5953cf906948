//! JSON, as autobahn writes and reads it (`wamp.2.json`, RawSocket serializer 1).
//!
//! * Compact (`[16,1,{},"com.myapp.topic"]`), non-ASCII written as UTF-8, keys in insertion
//!   order: Python's `json.dumps(obj, separators=(",", ":"), ensure_ascii=False)`.
//! * Binary values are strings of `"\u0000"` followed by the standard base64 of the bytes, in
//!   both directions: any string starting with U+0000 decodes to bytes, as autobahn's patched
//!   scanner does.
//! * Batched mode (`json.batched`, see [`Serializer`](crate::serializer::Serializer)) follows
//!   every message with the byte `0x18`.
//!
//! Deliberately unlike Python: `NaN` and `Infinity` are neither written nor read (they are not
//! JSON; Python's `json` emits them as bare tokens), and integers beyond the `u64`/`i64` range
//! are rejected rather than kept as big integers.

use core::cell::Cell;
use core::fmt;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};

use crate::error::{DecodeError, EncodeError};
use crate::message::PayloadRef;
use crate::messages::Message;
use crate::serializer::elements::{message_from_value, Elements};
use crate::serializer::Limits;
use crate::value::{Dict, Value};

const FORMAT: &str = "json";

/// The byte after each message in batched mode.
pub const BATCH_SEPARATOR: u8 = 0x18;

/// Base64 as Python's non-validating `b64decode` reads it: padding optional, trailing bits
/// ignored (characters outside the alphabet are removed before decoding).
const LENIENT_BASE64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Serializes a message to JSON.
pub fn to_vec(msg: &Message) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(128);
    write_message(msg, &mut out)?;
    Ok(out)
}

/// Appends a message's JSON to `out`.
pub fn write_message(msg: &Message, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    // The payload is written from the message itself, not from a copy in the marshalled array.
    let (head, payload) = msg.marshal_parts();
    out.push(b'[');
    for (i, v) in head.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_value(v, out)?;
    }
    match payload {
        PayloadRef::None => {}
        PayloadRef::Bytes(b) => {
            out.push(b',');
            write_bytes(b, out);
        }
        PayloadRef::Args(args) => {
            out.push(b',');
            write_list(args, out)?;
        }
        PayloadRef::ArgsKwargs(args, kwargs) => {
            out.push(b',');
            match args {
                Some(args) => write_list(args, out)?,
                None => out.extend_from_slice(b"null"),
            }
            out.push(b',');
            write_map(kwargs, out)?;
        }
    }
    out.push(b']');
    Ok(())
}

/// Appends the JSON of `value` to `out`.
pub fn write_value(value: &Value, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(i) => out.extend_from_slice(itoa::Buffer::new().format(*i).as_bytes()),
        Value::UInt(u) => out.extend_from_slice(itoa::Buffer::new().format(*u).as_bytes()),
        Value::Float(f) if f.is_finite() => {
            out.extend_from_slice(ryu::Buffer::new().format_finite(*f).as_bytes())
        }
        Value::Float(f) => {
            return Err(EncodeError::Unrepresentable {
                format: FORMAT,
                what: format!("the float {f}"),
            })
        }
        Value::Str(s) => write_str(s, out),
        Value::Bytes(b) => write_bytes(b, out),
        Value::List(items) => write_list(items, out)?,
        Value::Map(map) => write_map(map, out)?,
    }
    Ok(())
}

/// Bytes as autobahn writes them: a string of U+0000 and the base64 of the bytes. Base64 has
/// nothing to escape, so it is encoded straight into `out`.
fn write_bytes(b: &[u8], out: &mut Vec<u8>) {
    out.extend_from_slice(br#""\u0000"#);
    let start = out.len();
    out.resize(start + b.len().div_ceil(3) * 4, 0);
    let written = base64::engine::general_purpose::STANDARD
        .encode_slice(b, &mut out[start..])
        .expect("sized for the padded encoding");
    out.truncate(start + written);
    out.push(b'"');
}

fn write_list(items: &[Value], out: &mut Vec<u8>) -> Result<(), EncodeError> {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_value(item, out)?;
    }
    out.push(b']');
    Ok(())
}

fn write_map(map: &Dict, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    out.push(b'{');
    for (i, (k, v)) in map.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        write_str(k, out);
        out.push(b':');
        write_value(v, out)?;
    }
    out.push(b'}');
    Ok(())
}

fn write_str(s: &str, out: &mut Vec<u8>) {
    // serde_json escapes exactly what Python's ensure_ascii=False escapes: `"`, `\` and the
    // control characters below U+0020.
    serde_json::to_writer(out, s).expect("writing to a Vec cannot fail");
}

/// Deserializes one JSON message with the default [`Limits`].
pub fn from_slice(buf: &[u8]) -> Result<Message, DecodeError> {
    from_slice_with_limits(buf, &Limits::DEFAULT)
}

/// Deserializes one JSON message.
///
/// A message array is read element by element and each element moved into its field (see
/// [`Message::parse_taking`]); anything else is decoded whole, for its syntax errors, and then
/// rejected as autobahn rejects it.
pub fn from_slice_with_limits(buf: &[u8], limits: &Limits) -> Result<Message, DecodeError> {
    let first_token = buf
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    if first_token != Some(&b'[') {
        return message_from_value(value_from_slice(buf, limits)?);
    }
    let budget = Budget::new(buf, limits)?;
    let mut elements = Elements::new();
    let seed = ElementsSeed {
        elements: &mut elements,
        values: budget.top(),
    };
    budget.run(buf, seed)?;
    elements.parse()
}

/// Decodes any JSON value, with autobahn's binary convention.
pub fn value_from_slice(buf: &[u8], limits: &Limits) -> Result<Value, DecodeError> {
    let budget = Budget::new(buf, limits)?;
    budget.run(buf, budget.top())
}

/// The limits of one decode, and what the decode has used of them.
struct Budget {
    limits: Limits,
    items: Cell<usize>,
    /// The limit that stopped the decode, if one did (serde's error cannot carry it).
    exceeded: Cell<Option<(&'static str, usize)>>,
    /// Set when a float that may be an integer beyond the 64-bit range was read.
    big_float: Cell<bool>,
}

impl Budget {
    /// The budget for decoding `buf`, which must not exceed the size limit.
    fn new(buf: &[u8], limits: &Limits) -> Result<Budget, DecodeError> {
        if buf.len() > limits.max_size {
            return Err(DecodeError::Limit {
                format: FORMAT,
                limit: "size",
                max: limits.max_size,
            });
        }
        Ok(Budget {
            limits: *limits,
            items: Cell::new(0),
            exceeded: Cell::new(None),
            big_float: Cell::new(false),
        })
    }

    /// The seed of the top-level value.
    fn top(&self) -> ValueSeed<'_> {
        ValueSeed {
            depth: 0,
            budget: self,
        }
    }

    /// Runs `seed` over the whole of `buf`.
    fn run<'de, S: DeserializeSeed<'de>>(
        &self,
        buf: &'de [u8],
        seed: S,
    ) -> Result<S::Value, DecodeError> {
        // One UTF-8 check of the whole input costs less than serde_json's check of each string
        // it reads from bytes; invalid UTF-8 is a syntax error either way (no non-ASCII byte is
        // valid outside a string).
        let text = core::str::from_utf8(buf).map_err(|e| {
            DecodeError::syntax(
                FORMAT,
                format!("invalid UTF-8 at offset {}", e.valid_up_to()),
            )
        })?;
        let mut de = serde_json::Deserializer::from_str(text);
        let result = seed.deserialize(&mut de).and_then(|v| de.end().map(|()| v));
        match (result, self.exceeded.get()) {
            (Ok(v), _) if self.big_float.get() => match integer_beyond_64_bits(buf) {
                Some((at, digits)) => Err(DecodeError::syntax(
                    FORMAT,
                    format!("integer {digits} at offset {at} is beyond the 64-bit range"),
                )),
                None => Ok(v),
            },
            (Ok(v), _) => Ok(v),
            (Err(_), Some((limit, max))) => Err(DecodeError::Limit {
                format: FORMAT,
                limit,
                max,
            }),
            (Err(e), None) => {
                let mut reason = e.to_string();
                if reason.contains("hex escape") {
                    // serde_json says "unexpected end of hex escape" for `"\ud800"`.
                    reason.push_str(" (a lone UTF-16 surrogate is not a character)");
                }
                Err(DecodeError::syntax(FORMAT, reason))
            }
        }
    }
}

/// Reads a message array into `elements`, each element as a [`Value`], within the limits of
/// `values` (the seed the array itself would be read with).
struct ElementsSeed<'e, 'b> {
    elements: &'e mut Elements,
    values: ValueSeed<'b>,
}

impl<'de> DeserializeSeed<'de> for ElementsSeed<'_, '_> {
    type Value = ();

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for ElementsSeed<'_, '_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a WAMP message array")
    }

    /// As [`ValueSeed::visit_seq`], into `elements`.
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let nested = self.values.nested()?;
        // Counted once received: counting before asking would count the end of the list too.
        while let Some(v) = seq.next_element_seed(nested)? {
            nested.count()?;
            self.elements.push(v);
        }
        Ok(())
    }
}

/// Decodes one value, counting depth and items against the budget.
#[derive(Clone, Copy)]
struct ValueSeed<'b> {
    depth: usize,
    budget: &'b Budget,
}

impl<'b> ValueSeed<'b> {
    fn child<E: de::Error>(&self) -> Result<ValueSeed<'b>, E> {
        self.count()?;
        Ok(*self)
    }

    /// Counts one item against the limit.
    fn count<E: de::Error>(&self) -> Result<(), E> {
        let budget = self.budget;
        let items = budget.items.get() + 1;
        if items > budget.limits.max_items {
            return Err(self.exceed("items", budget.limits.max_items));
        }
        budget.items.set(items);
        Ok(())
    }

    fn nested<E: de::Error>(&self) -> Result<ValueSeed<'b>, E> {
        if self.depth >= self.budget.limits.max_depth {
            return Err(self.exceed("depth", self.budget.limits.max_depth));
        }
        Ok(ValueSeed {
            depth: self.depth + 1,
            budget: self.budget,
        })
    }

    fn exceed<E: de::Error>(&self, limit: &'static str, max: usize) -> E {
        self.budget.exceeded.set(Some((limit, max)));
        E::custom(format_args!("{limit} limit of {max} exceeded"))
    }
}

impl<'de> DeserializeSeed<'de> for ValueSeed<'_> {
    type Value = Value;

    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ValueSeed<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, b: bool) -> Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, i: i64) -> Result<Value, E> {
        Ok(Value::Int(i))
    }

    fn visit_u64<E>(self, u: u64) -> Result<Value, E> {
        Ok(Value::from_u64(u))
    }

    fn visit_f64<E>(self, f: f64) -> Result<Value, E> {
        // serde_json reads an integer beyond the u64/i64 range as a float, which is then
        // integral and at least 2^63 in magnitude: only then is the text scanned for one.
        if f.abs() >= 9_223_372_036_854_775_808.0 && f.fract() == 0.0 {
            self.budget.big_float.set(true);
        }
        Ok(Value::Float(f))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        string_value(s)
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        match s.as_bytes().first() {
            Some(0) => string_value(&s),
            _ => Ok(Value::Str(s)),
        }
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let nested = self.nested()?;
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(64));
        // Counted once received: counting before asking would count the end of the list too.
        while let Some(v) = seq.next_element_seed(nested)? {
            nested.count()?;
            items.push(v);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let nested = self.nested()?;
        let mut dict = Dict::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(nested.child()?)?;
            dict.insert(key, value);
        }
        Ok(Value::Map(dict))
    }
}

/// The offset and digits of the first integer literal (no fraction, no exponent) of valid
/// JSON text `buf` that neither `u64` nor `i64` can hold.
fn integer_beyond_64_bits(buf: &[u8]) -> Option<(usize, &str)> {
    let mut i = 0;
    while i < buf.len() {
        match buf[i] {
            b'"' => {
                // Skip the string, escapes included.
                i += 1;
                while i < buf.len() && buf[i] != b'"' {
                    i += if buf[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                i += 1;
                while i < buf.len() && buf[i].is_ascii_digit() {
                    i += 1;
                }
                let is_float = matches!(buf.get(i), Some(b'.' | b'e' | b'E'));
                while i < buf.len()
                    && matches!(buf[i], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+' | b'-')
                {
                    i += 1;
                }
                let digits = core::str::from_utf8(&buf[start..i]).unwrap_or_default();
                if !is_float && digits.parse::<i64>().is_err() && digits.parse::<u64>().is_err() {
                    return Some((start, digits));
                }
            }
            _ => i += 1,
        }
    }
    None
}

/// A JSON string: bytes if it starts with U+0000 (autobahn's convention), else text.
fn string_value<E: de::Error>(s: &str) -> Result<Value, E> {
    match s.strip_prefix('\0') {
        Some(encoded) => decode_base64(encoded).map(Value::Bytes).map_err(E::custom),
        None => Ok(Value::Str(s.to_owned())),
    }
}

fn decode_base64(encoded: &str) -> Result<Vec<u8>, String> {
    // Almost every payload is plain base64: decode it at once. The decoder rejects any
    // character outside the alphabet, so only then are they dropped first, as Python's
    // non-validating `b64decode` drops them (an input that fails with none to drop fails the
    // same way again). Checking the alphabet up front cost as much as the decoding itself.
    LENIENT_BASE64
        .decode(encoded)
        .or_else(|_| {
            let is_alphabet = |b: &u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
            let cleaned: Vec<u8> = encoded.bytes().filter(is_alphabet).collect();
            LENIENT_BASE64.decode(cleaned)
        })
        .map_err(|e| format!("invalid base64 in binary string: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Publish, WampMessage};

    fn roundtrip(json: &str) -> String {
        let v = value_from_slice(json.as_bytes(), &Limits::DEFAULT).unwrap();
        let mut out = Vec::new();
        write_value(&v, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn compact_utf8_ordered() {
        assert_eq!(
            roundtrip(r#"{ "b": 1, "a": ["ü", null, true, -5, 1.5] }"#),
            r#"{"b":1,"a":["ü",null,true,-5,1.5]}"#
        );
        assert_eq!(
            roundtrip(r#""tab\tquote\"nl\n\u0001""#),
            r#""tab\tquote\"nl\n\u0001""#
        );
    }

    #[test]
    fn binary_convention_both_ways() {
        let v = value_from_slice(br#""\u0000AQID""#, &Limits::DEFAULT).unwrap();
        assert_eq!(v, Value::Bytes(vec![1, 2, 3]));
        let mut out = Vec::new();
        write_value(&v, &mut out).unwrap();
        assert_eq!(out, br#""\u0000AQID""#);
        // Python's b64decode is lenient about padding
        assert_eq!(
            value_from_slice(br#""\u0000AQI""#, &Limits::DEFAULT).unwrap(),
            Value::Bytes(vec![1, 2])
        );
        assert!(value_from_slice(br#""\u0000A""#, &Limits::DEFAULT).is_err());
        // and drops characters outside the alphabet
        assert_eq!(
            value_from_slice(br#""\u0000A Q\nI-D""#, &Limits::DEFAULT).unwrap(),
            Value::Bytes(vec![1, 2, 3])
        );
    }

    #[test]
    fn integers_across_the_range() {
        assert_eq!(roundtrip("18446744073709551615"), "18446744073709551615");
        assert_eq!(roundtrip("-9223372036854775808"), "-9223372036854775808");
    }

    #[test]
    fn invalid_utf8_is_a_syntax_error() {
        for bytes in [&b"[\"\xff\"]"[..], b"[1,\xc3]", b"\xef\xbb\xbf[]"] {
            let err = value_from_slice(bytes, &Limits::DEFAULT).unwrap_err();
            assert!(matches!(err, DecodeError::Syntax { .. }), "{err}");
        }
        assert!(value_from_slice("[\"é\"]".as_bytes(), &Limits::DEFAULT).is_ok());
    }

    #[test]
    fn nan_is_refused_both_ways() {
        assert!(value_from_slice(b"NaN", &Limits::DEFAULT).is_err());
        assert!(write_value(&Value::Float(f64::NAN), &mut Vec::new()).is_err());
    }

    #[test]
    fn limits() {
        let deep = "[".repeat(100_000);
        let err = value_from_slice(deep.as_bytes(), &Limits::DEFAULT).unwrap_err();
        assert!(
            matches!(err, DecodeError::Limit { limit: "depth", .. }),
            "{err}"
        );
        let small = Limits {
            max_items: 3,
            ..Limits::DEFAULT
        };
        let err = value_from_slice(b"[1,2,3,4]", &small).unwrap_err();
        assert!(
            matches!(err, DecodeError::Limit { limit: "items", .. }),
            "{err}"
        );
        let tiny = Limits {
            max_size: 4,
            ..Limits::DEFAULT
        };
        assert!(matches!(
            value_from_slice(b"[1,2]", &tiny),
            Err(DecodeError::Limit { limit: "size", .. })
        ));
    }

    #[test]
    fn message_and_batch() {
        let msg = Message::from(Publish::new(1, "com.myapp.topic"));
        let json = to_vec(&msg).unwrap();
        assert_eq!(json, br#"[16,1,{},"com.myapp.topic"]"#);
        assert_eq!(from_slice(&json).unwrap(), msg);
        let batched = crate::serializer::Serializer::JSON_BATCHED;
        let batch_bytes = batched.encode_batch(&[msg.clone(), msg.clone()]).unwrap();
        let frames: Vec<_> = batched
            .frames(&batch_bytes)
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(frames, [&json[..], &json[..]]);
        assert!(batched.frames(b"[1]").next().unwrap().is_err());
        assert_eq!(Publish::MESSAGE_TYPE, 16);
    }

    #[test]
    fn non_list_message() {
        let err = from_slice(br#"{"a":1}"#).unwrap_err();
        assert_eq!(err.to_string(), "invalid type dict for WAMP message");
    }
}
