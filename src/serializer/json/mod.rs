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

use crate::bytewise::{copy_small, covering_words, words, HIGH, ONES};
use crate::error::{DecodeError, EncodeError};
use crate::message::{joined, Head, HeadElement, PayloadRef};
use crate::messages::Message;
use crate::serializer::elements::{message_from_value, Elements};
use crate::serializer::scratch::{put, try_append, POISONED};
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

/// Serializes a message to JSON (fails as [`encode_into`]).
pub fn to_vec(msg: &Message) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(128);
    encode_into(msg, &mut out)?;
    Ok(out)
}

/// Appends a message's JSON to `out`.
///
/// Fails for a NaN or infinite float anywhere in the message, which JSON cannot write
/// ([`EncodeError::Unrepresentable`], naming the first), or for a message whose fields
/// contradict each other ([`EncodeError::Invalid`]); `out` is then unchanged.
pub fn encode_into(msg: &Message, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    // The payload is written from the message itself, not from a copy in the marshalled array.
    let (head, payload) = msg.encodable_parts()?;
    if try_append(out, |buf, pos| write_message(buf, pos, &head, payload)) {
        return Ok(());
    }
    Err(non_finite_error(&Value::List(joined((head, payload)))))
}

/// Serializes `value` to JSON (fails as [`value_encode_into`]).
pub fn value_to_vec(value: &Value) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    value_encode_into(value, &mut out)?;
    Ok(out)
}

/// Appends the JSON of `value` to `out`.
///
/// Fails for a NaN or infinite float anywhere in `value`, which JSON cannot write
/// ([`EncodeError::Unrepresentable`], naming the first); `out` is then unchanged.
pub fn value_encode_into(value: &Value, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    if try_append(out, |buf, pos| write_value(buf, pos, value)) {
        return Ok(());
    }
    Err(non_finite_error(value))
}

/// The error for a float JSON cannot write (NaN or infinite).
pub(super) fn unrepresentable_float(f: f64) -> EncodeError {
    EncodeError::Unrepresentable {
        format: FORMAT,
        what: format!("the float {f}"),
    }
}

/// The error of a `value` whose writing was poisoned: the first float in it that JSON cannot
/// write, in the order written. Found here, after the fact, so that the writers carry no error
/// (see [`POISONED`]).
#[cold]
#[inline(never)]
fn non_finite_error(value: &Value) -> EncodeError {
    fn first_non_finite(v: &Value) -> Option<f64> {
        match v {
            Value::Float(f) if !f.is_finite() => Some(*f),
            Value::List(items) => items.iter().find_map(first_non_finite),
            Value::Map(map) => map.values().find_map(first_non_finite),
            _ => None,
        }
    }
    let f = first_non_finite(value).expect("only a non-finite float poisons a JSON write");
    unrepresentable_float(f)
}

// ---- the encoder ----
//
// Position-passing writers, as `crate::serializer::scratch` describes. The one value JSON
// cannot write, a NaN or infinite float, makes `write_float` return `POISONED`; the writers
// after it write nothing, and the caller finds the float for its error.

/// `[`, the elements separated by commas, `]`.
#[inline(always)]
fn write_message(buf: &mut [u8], pos: usize, head: &Head<'_>, payload: PayloadRef<'_>) -> usize {
    // every element but the first is preceded by a comma: the `[` stands in for it
    let mut lead = b'[';
    let mut pos = pos;
    for element in head.elements() {
        pos = put(buf, pos, [lead]);
        lead = b',';
        pos = match element {
            HeadElement::Value(v) => write_value(buf, pos, v),
            HeadElement::Int(i) => write_u64(buf, pos, i),
            HeadElement::Str(s) => write_str(buf, pos, s.as_bytes()),
        };
    }
    // each payload element follows a head element, after a comma
    let pos = match payload {
        PayloadRef::None => pos,
        PayloadRef::Bytes(b) => {
            let pos = put(buf, pos, [b',']);
            write_bytes(buf, pos, b)
        }
        PayloadRef::Args(args) => {
            let pos = put(buf, pos, [b',']);
            write_list(buf, pos, args)
        }
        PayloadRef::ArgsKwargs(args, kwargs) => {
            let pos = put(buf, pos, [b',']);
            let pos = match args {
                Some(args) => write_list(buf, pos, args),
                None => put(buf, pos, *b"null"),
            };
            let pos = put(buf, pos, [b',']);
            write_map(buf, pos, kwargs)
        }
        PayloadRef::StrOrBytesArgs(args, kwargs) => {
            let pos = put(buf, pos, [b',']);
            let pos = write_value(buf, pos, args);
            match kwargs {
                Some(kwargs) => {
                    let pos = put(buf, pos, [b',']);
                    write_map(buf, pos, kwargs)
                }
                None => pos,
            }
        }
    };
    put(buf, pos, [b']'])
}

/// Inlined into the list and map loops, so that only a nested list or map costs a call.
#[inline(always)]
fn write_value(buf: &mut [u8], pos: usize, value: &Value) -> usize {
    match value {
        Value::Null => put(buf, pos, *b"null"),
        Value::Bool(true) => put(buf, pos, *b"true"),
        Value::Bool(false) => put(buf, pos, *b"false"),
        Value::Int(i) => write_i64(buf, pos, *i),
        Value::UInt(u) => write_u64(buf, pos, *u),
        Value::Float(f) => write_float(buf, pos, *f),
        Value::Str(s) => write_str(buf, pos, s.as_bytes()),
        Value::Bytes(b) => write_bytes(buf, pos, b),
        Value::List(items) => write_nested_list(buf, pos, items),
        // (inline when empty, as a message's options or details most often are)
        Value::Map(map) if map.is_empty() => put(buf, pos, *b"{}"),
        Value::Map(map) => write_nested_map(buf, pos, map),
    }
}

/// `bytes` as they are. Inline for the short copies of numbers and strings.
#[inline(always)]
fn write_raw(buf: &mut [u8], pos: usize, bytes: &[u8]) -> usize {
    let end = pos + bytes.len();
    if let Some(dst) = buf.get_mut(pos..end) {
        copy_small(dst, bytes);
    }
    end
}

/// An unsigned integer, in decimal. One or two digits, as most values in a WAMP payload
/// have, are written at once; longer numbers have their length found first, then their
/// digits written in place, two at a time from the last.
#[inline(always)]
pub(super) fn write_u64(buf: &mut [u8], pos: usize, n: u64) -> usize {
    match n {
        0..10 => put(buf, pos, [b'0' + n as u8]),
        10..100 => put(buf, pos, DIGIT_PAIRS[n as usize]),
        _ => {
            let end = pos + decimal_len(n);
            if let Some(dst) = buf.get_mut(pos..end) {
                write_digits(dst, n);
            }
            end
        }
    }
}

/// A signed integer, in decimal; a negative one claimed with its sign in one piece.
#[inline(always)]
pub(super) fn write_i64(buf: &mut [u8], pos: usize, i: i64) -> usize {
    let Ok(n) = u64::try_from(i) else {
        return write_negative(buf, pos, i.unsigned_abs());
    };
    write_u64(buf, pos, n)
}

/// `-magnitude`, in decimal.
#[inline(never)]
fn write_negative(buf: &mut [u8], pos: usize, magnitude: u64) -> usize {
    let end = pos + 1 + decimal_len(magnitude);
    if let Some((minus, digits)) = buf.get_mut(pos..end).and_then(|dst| dst.split_first_mut()) {
        *minus = b'-';
        write_digits(digits, magnitude);
    }
    end
}

/// The number of decimal digits of `n`. The bit length times log10(2) (as 1233 / 4096, exact
/// to the digit for 64 bits) is the number of digits of the smallest number of that bit
/// length, less one; numbers of that length past the next power of ten have one digit more.
#[inline(always)]
fn decimal_len(n: u64) -> usize {
    /// `10^i`, but 0 for `i == 0`, so that 0 counts one digit as 1 does.
    const THRESHOLDS: [u64; 20] = {
        let mut table = [0; 20];
        let mut i = 1;
        while i < 20 {
            table[i] = 10u64.pow(i as u32);
            i += 1;
        }
        table
    };
    let bits = 64 - (n | 1).leading_zeros();
    let at_least = ((bits * 1233) >> 12) as usize;
    at_least + usize::from(n >= THRESHOLDS[at_least])
}

/// `"00"` to `"99"`.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut table = [[0; 2]; 100];
    let mut i = 0;
    while i < 100 {
        table[i] = [b'0' + (i / 10) as u8, b'0' + (i % 10) as u8];
        i += 1;
    }
    table
};

/// Fills `dst`, exactly [`decimal_len`] long, with the digits of `n`.
#[inline(always)]
fn write_digits(dst: &mut [u8], mut n: u64) {
    let mut end = dst.len();
    while end >= 2 {
        let [tens, ones] = DIGIT_PAIRS[(n % 100) as usize];
        n /= 100;
        dst[end - 2] = tens;
        dst[end - 1] = ones;
        end -= 2;
    }
    if end == 1 {
        dst[0] = b'0' + n as u8;
    }
}

/// A float in its shortest form that reads back the same, or [`POISONED`] for NaN and the
/// infinities, which JSON does not have.
#[inline(always)]
fn write_float(buf: &mut [u8], pos: usize, f: f64) -> usize {
    if !f.is_finite() {
        return POISONED;
    }
    write_finite_float(buf, pos, f)
}

/// The longest float [`write_finite_float`] writes (`-2.2250738585072014e-308`, say).
pub(super) const MAX_FLOAT_LEN: usize = 24;

/// A finite float in its shortest form that reads back the same (anything, for the others:
/// check first).
#[inline]
pub(super) fn write_finite_float(buf: &mut [u8], pos: usize, f: f64) -> usize {
    write_raw(buf, pos, ryu::Buffer::new().format_finite(f).as_bytes())
}

/// What [`write_bytes`] writes before the base64: the string's quote and its U+0000.
const BYTES_OPEN: &[u8; 7] = br#""\u0000"#;

/// The length of what [`write_bytes`] writes for `len` bytes.
pub(super) fn bytes_json_len(len: usize) -> usize {
    BYTES_OPEN.len() + len.div_ceil(3) * 4 + 1
}

/// Bytes as autobahn writes them: a string of U+0000 and the padded base64 of the bytes.
/// Base64 has nothing to escape, so it is encoded straight into the buffer.
#[inline]
pub(super) fn write_bytes(buf: &mut [u8], pos: usize, bytes: &[u8]) -> usize {
    let end = pos + bytes_json_len(bytes.len());
    if let Some(dst) = buf.get_mut(pos..end) {
        let (open, rest) = dst.split_at_mut(BYTES_OPEN.len());
        open.copy_from_slice(BYTES_OPEN);
        let (close, base64) = rest.split_last_mut().expect("the closing quote's byte");
        *close = b'"';
        base64::engine::general_purpose::STANDARD
            .encode_slice(bytes, base64)
            .expect("sized for the padded encoding");
    }
    end
}

/// `[`, the items separated by commas, `]`. Inlined where a payload's `args` are written; a
/// list inside a value goes through [`write_nested_list`], out of line.
#[inline(always)]
fn write_list(buf: &mut [u8], pos: usize, items: &[Value]) -> usize {
    if items.is_empty() {
        return put(buf, pos, *b"[]");
    }
    // every item but the first is preceded by a comma: the `[` stands in for it
    let mut lead = b'[';
    let mut pos = pos;
    for item in items {
        pos = put(buf, pos, [lead]);
        pos = write_value(buf, pos, item);
        lead = b',';
    }
    put(buf, pos, [b']'])
}

/// `{`, the entries (`"key":value`) separated by commas, `}`. Inlined where a payload's
/// `kwargs` are written; a map inside a value goes through [`write_nested_map`], out of line.
#[inline(always)]
fn write_map(buf: &mut [u8], pos: usize, map: &Dict) -> usize {
    if map.is_empty() {
        return put(buf, pos, *b"{}");
    }
    // every entry but the first is preceded by a comma: the `{` stands in for it
    let mut lead = b'{';
    let mut pos = pos;
    for (k, v) in map {
        // the lead, the key and its colon, claimed together
        pos = write_str_between(buf, pos, [lead], k.as_bytes(), [b':']);
        pos = write_value(buf, pos, v);
        lead = b',';
    }
    put(buf, pos, [b'}'])
}

/// A map key and its colon, unescaped `"key":` when the key has nothing to escape.
#[inline(always)]
pub(super) fn write_key(buf: &mut [u8], pos: usize, key: &[u8]) -> usize {
    write_str_between(buf, pos, [], key, [b':'])
}

#[inline(never)]
fn write_nested_list(buf: &mut [u8], pos: usize, items: &[Value]) -> usize {
    write_list(buf, pos, items)
}

#[inline(never)]
fn write_nested_map(buf: &mut [u8], pos: usize, map: &Dict) -> usize {
    write_map(buf, pos, map)
}

/// Writes the UTF-8 `utf8` as a JSON string, escaping what Python's `json.dumps(ensure_ascii=False)` escapes
/// (autobahn's JSON): `"` and `\` with a backslash, `\b`, `\t`, `\n`, `\f`, `\r` by name, the
/// other controls below U+0020 as `\u00xx`; everything else, non-ASCII included, as it is.
#[inline(always)]
pub(super) fn write_str(buf: &mut [u8], pos: usize, utf8: &[u8]) -> usize {
    write_str_between(buf, pos, [], utf8, [])
}

/// The longest string written inline, in one piece, when it has nothing to escape: the
/// longest [`copy_small`] copies inline. Keys, URIs and most WAMP text are shorter.
const SHORT_STR: usize = 32;

/// The bytes `before`, the JSON string of `s`, the bytes `after`: a map's comma or brace, its
/// key and colon, claimed together. A short string with nothing to escape is one bounds check
/// and an inline copy; the others are written out of line.
#[inline(always)]
fn write_str_between<const B: usize, const A: usize>(
    buf: &mut [u8],
    pos: usize,
    before: [u8; B],
    bytes: &[u8],
    after: [u8; A],
) -> usize {
    let n = bytes.len();
    if n > SHORT_STR || any_to_escape(bytes) {
        return write_long_str(buf, pos, before, bytes, after);
    }
    let end = pos + B + n + 2 + A;
    if let Some(dst) = buf.get_mut(pos..end) {
        let (head, rest) = dst.split_at_mut(B + 1);
        let (body, tail) = rest.split_at_mut(n);
        head[..B].copy_from_slice(&before);
        head[B] = b'"';
        copy_small(body, bytes);
        tail[0] = b'"';
        tail[1..].copy_from_slice(&after);
    }
    end
}

/// [`write_str_between`] for a string that is long or has bytes to escape: the runs between
/// those bytes copied, each of them escaped.
#[inline(never)]
fn write_long_str<const B: usize, const A: usize>(
    buf: &mut [u8],
    pos: usize,
    before: [u8; B],
    bytes: &[u8],
    after: [u8; A],
) -> usize {
    let mut pos = put(buf, pos, before);
    pos = put(buf, pos, [b'"']);
    let mut clean = 0; // bytes before `clean` are written
    while let Some(found) = next_escape(bytes, clean) {
        pos = write_raw(buf, pos, &bytes[clean..found]);
        pos = write_escape(buf, pos, bytes[found]);
        clean = found + 1;
    }
    pos = write_raw(buf, pos, &bytes[clean..]);
    pos = put(buf, pos, [b'"']);
    put(buf, pos, after)
}

/// The high bit of the first byte of `word` (the lowest) that a JSON string must escape (a
/// control below U+0020, `"` or `\`), and perhaps of later bytes, escaped or not: zero exactly
/// when there is none, and the lowest bit set exact, which is all the callers ask.
#[inline(always)]
fn escapes_in(word: u64) -> u64 {
    // Flipping bit 1 makes `"` (0x22) 0x20 and keeps every control below 0x20, and moves
    // nothing else below 0x21: one test finds both.
    let quote_or_control = word ^ (ONES * 0x02);
    let backslash = word ^ (ONES * u64::from(b'\\'));
    // A byte below `n` borrows into its high bit when `n` is subtracted (and the borrow may
    // flag the bytes above it); `& !x` leaves out the bytes whose high bit was set already.
    let below = |x: u64, n: u8| x.wrapping_sub(ONES * u64::from(n)) & !x;
    (below(quote_or_control, 0x21) | below(backslash, 1)) & HIGH
}

/// Whether a string of at most [`SHORT_STR`] bytes has a byte to escape: a few words tested,
/// covering it, without a loop.
#[inline(always)]
fn any_to_escape(bytes: &[u8]) -> bool {
    covering_words(bytes, escapes_in) != 0
}

/// The position of the first byte from `from` on that a JSON string must escape. Eight bytes
/// at a time: WAMP strings (URIs, keys, text) rarely hold one, so the common case is a scan.
fn next_escape(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    let mut at = from;
    for word in words(rest) {
        let flagged = escapes_in(word);
        if flagged != 0 {
            return Some(at + (flagged.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    (at..bytes.len()).find(|&i| reader::STRING_STOP[usize::from(bytes[i])])
}

/// The escape of one byte [`next_escape`] found.
#[inline]
fn write_escape(buf: &mut [u8], pos: usize, byte: u8) -> usize {
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
            return put(buf, pos, [b'\\', b'u', b'0', b'0', hex[0], hex[1]]);
        }
    };
    put(buf, pos, [b'\\', named])
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
            let cleaned: Vec<u8> = encoded.bytes().filter(|&b| is_base64_kept(b)).collect();
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
/// Whether Python's lenient `b64decode` keeps the byte (a character of the alphabet or `=`)
/// rather than dropping it.
#[inline]
fn is_base64_kept(b: u8) -> bool {
    BASE64_CLASS[usize::from(b)] != B64_OTHER
}

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
    use crate::serializer::scratch::Scratch;
    use crate::{Publish, WampMessage};

    /// Checks `write` against `expected` at an offset into buffers of every length, from one
    /// that holds none of it to one byte more than it needs, over stale bytes: the position
    /// returned is always the end of exactly `expected`; a buffer that holds it holds
    /// `expected` there and nothing written around it.
    #[track_caller]
    fn assert_writes(write: impl Fn(&mut [u8], usize) -> usize, expected: &[u8]) {
        const AT: usize = 3;
        const STALE: u8 = 0xee;
        for len in AT..=AT + expected.len() + 1 {
            let mut buf = vec![STALE; len];
            let end = write(&mut buf, AT);
            let shown = String::from_utf8_lossy(expected);
            assert_eq!(end, AT + expected.len(), "{shown} into {len} bytes");
            if end <= len {
                assert_eq!(buf[AT..end], *expected, "{shown} into {len} bytes");
                assert!(buf[..AT].iter().chain(&buf[end..]).all(|&b| b == STALE));
            }
        }
    }

    /// Strings are escaped as serde_json escapes them, which is what Python's `json.dumps`
    /// with `ensure_ascii=False` does: every byte that needs escaping (and its neighbours
    /// `0x1f`..`0x23`, `0x5b`..`0x5d`, `0x7f`), at every offset of the eight-byte words,
    /// alone and next to others, in ASCII and non-ASCII text, short (written inline) and long,
    /// with the buffer ending at every byte of it; as a string and as a map key.
    #[test]
    fn strings_escape_as_serde_json_does() {
        let specials: Vec<char> = (0u8..0x24)
            .chain([b'[', b'\\', b']', 0x7f])
            .map(char::from)
            .collect();
        let text = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ";
        let mut cases: Vec<String> = vec![
            String::new(),
            "com.myapp.topic".into(),
            "héllo wörld ✓".into(),
            "\"\\\n".repeat(20),
        ];
        for &c in &specials {
            for len in 0..=SHORT_STR + 9 {
                for at in 0..=len {
                    let mut s: String = text[..len].into();
                    s.insert(at, c);
                    cases.push(s.clone());
                    s.insert(0, 'ü');
                    s.push(c);
                    cases.push(s);
                }
            }
        }
        for case in cases {
            let expected = serde_json::to_vec(&case).unwrap();
            assert_writes(|buf, pos| write_str(buf, pos, case.as_bytes()), &expected);
            let key = [&b","[..], &expected, b":"].concat();
            assert_writes(
                |buf, pos| write_str_between(buf, pos, [b','], case.as_bytes(), [b':']),
                &key,
            );
        }
    }

    /// The word test answers whether a word holds a byte the reader stops at in a string, and
    /// which is the first: each byte value at each position of a word, after and before bytes
    /// around the limits (none of them stops, or some do); and a short string's words find
    /// each such byte at each position.
    #[test]
    fn escape_tests_find_the_first() {
        let fillers = [
            [0x20, 0x21, 0x23, b'[', b']', 0x7f, 0x80, 0xff],
            [0x21, 0x00, 0x23, b'"', 0x20, b'\\', 0x1f, 0xff],
        ];
        for filler in fillers {
            for at in 0..8 {
                for b in 0..=0xffu8 {
                    let mut bytes = filler;
                    bytes[at] = b;
                    let first = bytes
                        .iter()
                        .position(|&x| reader::STRING_STOP[usize::from(x)]);
                    let flagged = escapes_in(u64::from_le_bytes(bytes));
                    let found = (flagged != 0).then(|| flagged.trailing_zeros() as usize / 8);
                    assert_eq!(found, first, "{bytes:02x?}");
                    assert_eq!(flagged & !HIGH, 0);
                }
            }
        }
        for len in 0..=SHORT_STR {
            let clean = vec![b'a'; len];
            assert!(!any_to_escape(&clean));
            for at in 0..len {
                for b in [0, 0x1f, b'"', b'\\'] {
                    let mut s = clean.clone();
                    s[at] = b;
                    assert!(any_to_escape(&s), "{s:?}");
                }
            }
        }
    }

    /// Integers at the ends of each type and at every power of ten, in and out of a list,
    /// against Rust's own formatting.
    #[test]
    fn integers_at_the_extremes() {
        let mut ints: Vec<Value> = vec![
            Value::Int(i64::MIN),
            Value::Int(i64::MIN + 1),
            Value::Int(i64::MAX),
            Value::UInt(u64::MAX),
            Value::UInt(u64::MAX - 1),
            Value::Int(0),
            Value::Int(-1),
        ];
        for exp in 0..20 {
            let p = 10u64.pow(exp);
            ints.extend([p - 1, p, p + 1].map(Value::UInt));
            if let Ok(p) = i64::try_from(p) {
                ints.extend([-p + 1, -p, -p - 1].map(Value::Int));
            }
        }
        let text = |v: &Value| match v {
            Value::Int(i) => i.to_string(),
            Value::UInt(u) => u.to_string(),
            _ => unreachable!("integers only"),
        };
        for v in &ints {
            assert_writes(|buf, pos| write_value(buf, pos, v), text(v).as_bytes());
        }
        let all: Vec<String> = ints.iter().map(text).collect();
        assert_eq!(
            value_to_vec(&Value::List(ints)).unwrap(),
            format!("[{}]", all.join(",")).as_bytes()
        );
    }

    /// Values larger than a fresh thread's scratch buffer, or than one grown before, make it
    /// grow (and the retry write everything): strings longer than it, with and without
    /// escapes, many of them, bytes; each against serde_json, the bytes against the base64
    /// crate, and after what `out` held.
    #[test]
    fn values_past_the_scratch_grow_it() {
        let long = "x".repeat(3000);
        let escaped = "\"\t".repeat(700);
        let list: Vec<String> = (0..500).map(|i| format!("item {i}\n")).collect();
        for expected in [
            serde_json::to_string(&long).unwrap(),
            serde_json::to_string(&escaped).unwrap(),
            serde_json::to_string(&list).unwrap(),
            serde_json::to_string(&[&long, &escaped]).unwrap(),
        ] {
            let v = value_from_slice(expected.as_bytes(), &Limits::DEFAULT).unwrap();
            let mut out = b"held".to_vec();
            value_encode_into(&v, &mut out).unwrap();
            assert_eq!(out[4..], *expected.as_bytes());
            // in a scratch buffer that starts empty, as a new thread's does
            let mut scratch = Scratch::default();
            let written = scratch.try_encode(|buf, pos| write_value(buf, pos, &v));
            assert_eq!(written, Some(expected.as_bytes()));
            assert!(scratch.len() >= expected.len());
        }
        let bytes: Vec<u8> = (0..=255).cycle().take(10_000).collect();
        let expected = format!(
            "\"\\u0000{}\"",
            base64::engine::general_purpose::STANDARD.encode(&bytes)
        );
        assert_eq!(
            value_to_vec(&Value::Bytes(bytes)).unwrap(),
            expected.as_bytes()
        );
        for n in 0..8 {
            let bytes = vec![0xa5; n];
            let expected = format!(
                "\"\\u0000{}\"",
                base64::engine::general_purpose::STANDARD.encode(&bytes)
            );
            assert_writes(
                |buf, pos| write_bytes(buf, pos, &bytes),
                expected.as_bytes(),
            );
        }
    }

    /// A NaN or infinity anywhere, deep in lists and maps, after long strings and before
    /// more: the error names the first in the order written, and `out` is unchanged, for a
    /// value and for a message.
    #[test]
    fn non_finite_floats_fail_naming_the_first_leaving_out_unchanged() {
        let long = Value::from("y".repeat(1000).as_str());
        let nested = |f: f64| {
            Value::List(vec![
                long.clone(),
                Value::Float(1.5),
                Value::Map(crate::dict! {
                    "a" => Value::List(vec![Value::Int(1), Value::Float(f)]),
                    "b" => Value::Float(f64::NEG_INFINITY),
                }),
                Value::Float(f64::NAN),
                long.clone(),
            ])
        };
        let expect_error = |result: Result<(), EncodeError>, what: &str| match result {
            Err(EncodeError::Unrepresentable {
                format: "json",
                what: w,
            }) => assert_eq!(w, what),
            other => panic!("expected {what}, got {other:?}"),
        };
        for (f, what) in [
            (f64::INFINITY, "the float inf"),
            (f64::NEG_INFINITY, "the float -inf"),
            (f64::NAN, "the float NaN"),
        ] {
            for v in [Value::Float(f), nested(f)] {
                let mut out = b"held".to_vec();
                expect_error(value_encode_into(&v, &mut out), what);
                assert_eq!(out, b"held");
                let msg = Message::from(Publish {
                    args: Some(vec![long.clone()]),
                    kwargs: Some(crate::dict! { "k" => v.clone(), "z" => long.clone() }),
                    ..Publish::new(1, "com.a")
                });
                expect_error(encode_into(&msg, &mut out), what);
                assert_eq!(out, b"held");
            }
        }
        // and the scratch buffer is fine for the next value
        assert_eq!(value_to_vec(&long).unwrap().len(), 1002);
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
