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
//!
//! Decoding is the crate's own strict RFC 8259 reader (`reader.rs`), which accepts exactly what
//! `serde_json` accepts, but for those integers, and builds [`Value`]s without serde's visitors.

mod reader;
pub mod view;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

use crate::error::{DecodeError, EncodeError};
use crate::message::{Head, HeadElement, PayloadRef};
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
    encode_into(msg, &mut out)?;
    Ok(out)
}

/// Appends a message's JSON to `out`.
pub fn encode_into(msg: &Message, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    // The payload is written from the message itself, not from a copy in the marshalled array.
    let (head, payload) = msg.encodable_parts()?;
    write_message(&head, payload, out).map_err(NonFinite::into_error)
}

fn write_message(
    head: &Head<'_>,
    payload: PayloadRef<'_>,
    out: &mut Vec<u8>,
) -> Result<(), NonFinite> {
    // every element but the first is preceded by a comma: the `[` stands in for it
    let mut separator = b'[';
    head.try_for_each(|element| {
        out.push(separator);
        separator = b',';
        match element {
            HeadElement::Value(v) => write_value(v, out)?,
            HeadElement::Int(i) => write_int(i, out),
            HeadElement::Str(s) => write_str(s, out),
        }
        Ok(())
    })?;
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
        PayloadRef::StrOrBytesArgs(args, kwargs) => {
            out.push(b',');
            write_value(args, out)?;
            if let Some(kwargs) = kwargs {
                out.push(b',');
                write_map(kwargs, out)?;
            }
        }
    }
    out.push(b']');
    Ok(())
}

/// Serializes `value` to JSON.
pub fn value_to_vec(value: &Value) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    value_encode_into(value, &mut out)?;
    Ok(out)
}

/// Appends the JSON of `value` to `out`.
pub fn value_encode_into(value: &Value, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    write_value(value, out).map_err(NonFinite::into_error)
}

/// A float JSON cannot write (NaN or infinite), found in a value. Writing returns this small
/// error rather than an [`EncodeError`], which is built once at the top: every value written
/// passes its result up, and a one-word result costs less to pass.
pub(super) struct NonFinite(f64);

impl NonFinite {
    pub(super) fn into_error(self) -> EncodeError {
        EncodeError::Unrepresentable {
            format: FORMAT,
            what: format!("the float {}", self.0),
        }
    }
}

fn write_value(value: &Value, out: &mut Vec<u8>) -> Result<(), NonFinite> {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Int(i) => write_int(*i, out),
        Value::UInt(u) => write_int(*u, out),
        Value::Float(f) => write_float(*f, out)?,
        Value::Str(s) => write_str(s, out),
        Value::Bytes(b) => write_bytes(b, out),
        Value::List(items) => write_list(items, out)?,
        Value::Map(map) => write_map(map, out)?,
    }
    Ok(())
}

/// An integer, in decimal.
#[inline]
fn write_int(i: impl itoa::Integer, out: &mut Vec<u8>) {
    out.extend_from_slice(itoa::Buffer::new().format(i).as_bytes());
}

/// A finite float, in its shortest form that reads back the same; JSON has no NaN or infinity.
#[inline]
fn write_float(f: f64, out: &mut Vec<u8>) -> Result<(), NonFinite> {
    if !f.is_finite() {
        return Err(NonFinite(f));
    }
    out.extend_from_slice(ryu::Buffer::new().format_finite(f).as_bytes());
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

fn write_list(items: &[Value], out: &mut Vec<u8>) -> Result<(), NonFinite> {
    let Some((first, rest)) = items.split_first() else {
        out.extend_from_slice(b"[]");
        return Ok(());
    };
    out.push(b'[');
    write_value(first, out)?;
    for item in rest {
        out.push(b',');
        write_value(item, out)?;
    }
    out.push(b']');
    Ok(())
}

fn write_map(map: &Dict, out: &mut Vec<u8>) -> Result<(), NonFinite> {
    if map.is_empty() {
        out.extend_from_slice(b"{}");
        return Ok(());
    }
    // every entry but the first is preceded by a comma: the `{` stands in for it
    let mut separator = b'{';
    for (k, v) in map {
        out.push(separator);
        separator = b',';
        write_str(k, out);
        out.push(b':');
        write_value(v, out)?;
    }
    out.push(b'}');
    Ok(())
}

/// Writes `s` as a JSON string, escaping what Python's `json.dumps(ensure_ascii=False)` escapes
/// (autobahn's JSON): `"` and `\` with a backslash, `\b`, `\t`, `\n`, `\f`, `\r` by name, the
/// other controls below U+0020 as `\u00xx`; everything else, non-ASCII included, as it is.
fn write_str(s: &str, out: &mut Vec<u8>) {
    let bytes = s.as_bytes();
    out.push(b'"');
    let mut clean = 0; // bytes before `clean` are written
    let mut at = 0;
    while let Some(found) = next_escape(bytes, at) {
        out.extend_from_slice(&bytes[clean..found]);
        write_escape(bytes[found], out);
        clean = found + 1;
        at = found + 1;
    }
    out.extend_from_slice(&bytes[clean..]);
    out.push(b'"');
}

/// The position of the first byte from `from` on that a JSON string must escape. Eight bytes
/// at a time: WAMP strings (URIs, keys, text) rarely hold one, so the common case is a scan.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // A high bit set in each byte of `word` that is zero (the classic SWAR test).
    let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & HIGHS;
    let mut at = from;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("eight bytes"));
        // below 0x20: the byte minus 0x20 borrows into its high bit (bytes >= 0x80 excluded)
        let control = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
        let special = control
            | zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')));
        if special != 0 {
            // the lowest flagged byte is exact; later ones may be false positives
            return Some(at + (special.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    (at..bytes.len()).find(|&i| reader::STRING_STOP[usize::from(bytes[i])])
}

/// The escape of one byte [`next_escape`] found.
fn write_escape(byte: u8, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let named = match byte {
        b'"' => b'"',
        b'\\' => b'\\',
        0x08 => b'b',
        0x09 => b't',
        0x0a => b'n',
        0x0c => b'f',
        0x0d => b'r',
        _ => {
            let hex = [HEX[usize::from(byte >> 4)], HEX[usize::from(byte & 0xf)]];
            out.extend_from_slice(&[b'\\', b'u', b'0', b'0', hex[0], hex[1]]);
            return;
        }
    };
    out.extend_from_slice(&[b'\\', named]);
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
    if !starts_with_array(buf) {
        return message_from_value(value_from_slice(buf, limits)?);
    }
    let mut elements = Elements::new();
    reader::read_elements(buf, limits, &mut elements)?;
    elements.parse()
}

/// Serializes messages in batched mode: each followed by [`BATCH_SEPARATOR`].
pub fn encode_batch<'m>(
    msgs: impl IntoIterator<Item = &'m Message>,
) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    for msg in msgs {
        encode_into(msg, &mut out)?;
        out.push(BATCH_SEPARATOR);
    }
    Ok(out)
}

/// The messages of a batch, borrowed from `buf` (each without its separator); an error, after
/// which iteration stops, for a batch that does not end with a separator.
pub fn batch(buf: &[u8]) -> impl Iterator<Item = Result<&[u8], DecodeError>> {
    super::Serializer::JSON_BATCHED.frames(buf)
}

/// Whether the first token of `buf` is `[`: a message array, read element by element (anything
/// else is read whole, and refused).
fn starts_with_array(buf: &[u8]) -> bool {
    let first_token = buf
        .iter()
        .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
    first_token == Some(&b'[')
}

/// Decodes any JSON value, with autobahn's binary convention.
pub fn value_from_slice(buf: &[u8], limits: &Limits) -> Result<Value, DecodeError> {
    reader::read_value(buf, limits)
}

/// The bytes of the base64 after a binary string's U+0000, read as Python's `b64decode` reads
/// them (also for `TryFrom<serde_json::Value> for Value`).
pub(crate) fn decode_base64(encoded: &str) -> Result<Vec<u8>, String> {
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

/// Whether [`decode_base64`] accepts a text, checked without decoding it (nothing is
/// allocated): the characters are fed in runs, as a string's escapes allow.
///
/// `decode_base64` decodes the text, or failing that the text without its characters outside
/// the alphabet and `=`, and the first succeeds only when the second would (it refuses any
/// other character), so the answer is the second's. The base64 crate, lenient as configured
/// (padding optional, trailing bits allowed), accepts such a text of `n` characters exactly
/// when it is empty, or `n % 4 != 1`, no `=` comes before the third character of its last
/// group of one to four (the 4-aligned groups before it decode as full quads, where `=` is an
/// invalid byte) and nothing but `=` follows the first `=`. `base64_check_is_the_decoders`
/// checks that against the decoder for every short text.
#[derive(Debug, Clone, Copy, Default)]
struct Base64Check {
    /// The characters of the alphabet or `=` so far.
    kept: usize,
    /// Where the first `=` was among them.
    first_pad: Option<usize>,
    /// Whether a character of the alphabet followed a `=`.
    symbol_after_pad: bool,
}

/// What each byte is to [`Base64Check`]: a character of the standard alphabet, `=`, or neither
/// (dropped; the bytes of non-ASCII characters among them).
const BASE64_CLASS: [u8; 256] = {
    let mut table = [B64_OTHER; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() || c == b'+' || c == b'/' {
            table[b] = B64_SYMBOL;
        }
        b += 1;
    }
    table[b'=' as usize] = B64_PAD;
    table
};
const B64_SYMBOL: u8 = 0;
const B64_PAD: u8 = 1;
const B64_OTHER: u8 = 2;

impl Base64Check {
    /// Feeds the characters of `text` (the bytes of a `str`).
    #[inline]
    fn feed(&mut self, text: &[u8]) {
        let mut rest = text;
        if self.first_pad.is_none() {
            // Almost always the whole text: a run of the alphabet, checked eight bytes at a
            // time with no branch per byte.
            while let Some((chunk, after)) = rest.split_first_chunk::<8>() {
                let classes = chunk
                    .iter()
                    .fold(B64_SYMBOL, |acc, &b| acc | BASE64_CLASS[usize::from(b)]);
                if classes != B64_SYMBOL {
                    break;
                }
                self.kept += 8;
                rest = after;
            }
        }
        for &b in rest {
            match BASE64_CLASS[usize::from(b)] {
                B64_SYMBOL => {
                    self.symbol_after_pad |= self.first_pad.is_some();
                    self.kept += 1;
                }
                B64_PAD => {
                    self.first_pad.get_or_insert(self.kept);
                    self.kept += 1;
                }
                _ => {}
            }
        }
    }

    /// Whether the characters fed make base64 that [`decode_base64`] accepts.
    fn is_valid(&self) -> bool {
        let n = self.kept;
        if n == 0 {
            return true;
        }
        if n % 4 == 1 || self.symbol_after_pad {
            return false;
        }
        // The last group is the last one to four characters (four when `n` is a multiple).
        let last_group = n - ((n - 1) % 4 + 1);
        self.first_pad.is_none_or(|p| p >= last_group + 2)
    }
}

impl reader::Unescaped for Base64Check {
    #[inline]
    fn push_str(&mut self, s: &str) {
        self.feed(s.as_bytes());
    }
    #[inline]
    fn push(&mut self, c: char) {
        self.feed(c.encode_utf8(&mut [0; 4]).as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Publish, WampMessage};

    /// Strings are escaped as serde_json escapes them, which is what Python's `json.dumps`
    /// with `ensure_ascii=False` does: every byte that needs escaping, at every offset of the
    /// eight-byte scan, alone and next to others, in ASCII and non-ASCII text.
    #[test]
    fn strings_escape_as_serde_json_does() {
        let specials: Vec<char> = (0u8..0x20)
            .map(char::from)
            .chain(['"', '\\', '\u{7f}'])
            .collect();
        let mut cases: Vec<String> = vec![
            String::new(),
            "com.myapp.topic".into(),
            "héllo wörld ✓".into(),
        ];
        for &c in &specials {
            for len in 0..20 {
                for at in 0..=len {
                    let mut s: String = "abcdefghijklmnopqrstu"[..len].into();
                    s.insert(at, c);
                    cases.push(s.clone());
                    s.insert(0, 'ü');
                    s.push(c);
                    cases.push(s);
                }
            }
        }
        for case in cases {
            let mut ours = Vec::new();
            write_str(&case, &mut ours);
            assert_eq!(ours, serde_json::to_vec(&case).unwrap(), "{case:?}");
        }
    }

    fn roundtrip(json: &str) -> String {
        let v = value_from_slice(json.as_bytes(), &Limits::DEFAULT).unwrap();
        let mut out = Vec::new();
        value_encode_into(&v, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn batch_separates_and_splits_messages() {
        let msgs: Vec<Message> = vec![
            Publish::new(1, "com.a").into(),
            Publish::new(2, "com.b").into(),
        ];
        let bytes = encode_batch(&msgs).unwrap();
        // The WAMP spec's batched JSON: each message followed by 0x18.
        assert_eq!(
            bytes,
            b"[16,1,{},\"com.a\"]\x18[16,2,{},\"com.b\"]\x18".to_vec()
        );
        let frames: Vec<Message> = batch(&bytes)
            .map(|f| from_slice(f.unwrap()).unwrap())
            .collect();
        assert_eq!(frames, msgs);
        assert!(batch(b"[16,1,{},\"com.a\"]").any(|f| f.is_err()));
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
        value_encode_into(&v, &mut out).unwrap();
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
        // Nineteen digits are read unchecked, longer literals checked.
        assert_eq!(roundtrip("9999999999999999999"), "9999999999999999999");
        for beyond in [
            "18446744073709551616",
            "99999999999999999999",
            "100000000000000000000",
            "-9223372036854775809",
            "-18446744073709551616",
        ] {
            let err = value_from_slice(beyond.as_bytes(), &Limits::DEFAULT).unwrap_err();
            assert!(err.to_string().contains("beyond the 64-bit range"), "{err}");
        }
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
        assert!(value_encode_into(&Value::Float(f64::NAN), &mut Vec::new()).is_err());
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
    fn syntax_errors_say_what_and_where() {
        for (text, expected) in [
            ("", "unexpected end of input at offset 0"),
            ("[1,]", "expected value at offset 3"),
            ("[1 2]", "expected `,` or `]` at offset 3"),
            (r#"{"a":1,}"#, "expected a string key at offset 7"),
            (r#"{"a" 1}"#, "expected `:` at offset 5"),
            ("01", "leading zero in number at offset 1"),
            ("+1", "expected value at offset 0"),
            ("1.", "unexpected end of input at offset 2"),
            ("1.x", "expected a digit after `.` at offset 2"),
            ("1e+]", "expected a digit in the exponent at offset 3"),
            ("-x", "invalid number at offset 1"),
            ("1e400", "number out of range at offset 0"),
            ("[1] x", "trailing characters at offset 4"),
            ("nul", "expected value at offset 0"),
            (
                "\"a\tb\"",
                "control character (below U+0020) in string at offset 2",
            ),
            (r#""\x""#, "invalid escape at offset 2"),
            (r#""\u12g4""#, "invalid \\u escape at offset 5"),
            (
                r#" "\ud800""#,
                "lone UTF-16 surrogate in \\u escape at offset 2",
            ),
            (r#"["\u0000A"]"#, "invalid base64 in binary string"),
            (
                "[18446744073709551616]",
                "integer 18446744073709551616 at offset 1 is beyond the 64-bit range",
            ),
        ] {
            let err = value_from_slice(text.as_bytes(), &Limits::DEFAULT).unwrap_err();
            assert!(matches!(err, DecodeError::Syntax { .. }), "{text}: {err}");
            assert!(err.to_string().contains(expected), "{text}: {err}");
        }
    }

    #[test]
    fn numbers_as_serde_json_reads_them() {
        let value = |text: &str| value_from_slice(text.as_bytes(), &Limits::DEFAULT).unwrap();
        assert!(matches!(value("-0"), Value::Float(f) if f == 0.0 && f.is_sign_negative()));
        assert!(matches!(value("1.0"), Value::Float(f) if f == 1.0));
        assert!(matches!(value("1e2"), Value::Float(f) if f == 100.0));
        assert!(matches!(value("-5"), Value::Int(-5)));
        assert!(matches!(value("9223372036854775808"), Value::UInt(_)));
        assert!(matches!(value("1e-400"), Value::Float(f) if f == 0.0));
    }

    #[test]
    fn duplicate_keys_keep_the_first_position_and_the_last_value() {
        let v = value_from_slice(br#"{"a":1,"b":2,"a":3}"#, &Limits::DEFAULT).unwrap();
        let map = v.as_map().unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(map["a"], Value::Int(3));
    }

    /// Every text of up to ten characters from the alphabet, `=`, and a character outside both
    /// (ASCII or not), as [`decode_base64`] answers.
    #[test]
    fn base64_check_is_the_decoders() {
        let chars = ["A", "=", " ", "é"];
        let mut texts = vec![String::new()];
        let mut checked = 0;
        for _ in 0..=9 {
            let mut longer = Vec::new();
            for text in &texts {
                let mut check = Base64Check::default();
                check.feed(text.as_bytes());
                assert_eq!(
                    check.is_valid(),
                    decode_base64(text).is_ok(),
                    "{text:?} ({check:?})"
                );
                // the same characters fed one at a time
                let mut one_by_one = Base64Check::default();
                for c in text.chars() {
                    reader::Unescaped::push(&mut one_by_one, c);
                }
                assert_eq!(one_by_one.is_valid(), check.is_valid(), "{text:?}");
                checked += 1;
                longer.extend(chars.iter().map(|c| format!("{text}{c}")));
            }
            texts = longer;
        }
        assert!(checked > 300_000, "{checked}");
        // long runs, through the eight-byte steps
        for text in [
            "QUJD".repeat(9),
            format!("{}=", "QUJD".repeat(9)),
            format!("{}QQ==", "QUJD".repeat(9)),
            format!("{}Q=Q", "QUJD".repeat(9)),
            format!("QQ=={}", "QUJD".repeat(9)),
        ] {
            let mut check = Base64Check::default();
            check.feed(text.as_bytes());
            assert_eq!(check.is_valid(), decode_base64(&text).is_ok(), "{text:?}");
        }
    }

    #[test]
    fn non_list_message() {
        let err = from_slice(br#"{"a":1}"#).unwrap_err();
        assert_eq!(err.to_string(), "invalid type dict for WAMP message");
    }
}
