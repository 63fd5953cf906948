//! JSON read in place and written value by value: the JSON side of [`crate::view::item`].
//!
//! * [`scan_message`] checks a whole message as [`json::from_slice_with_limits`] does before
//!   it parses the message (the same `Reader` primitives, so the same syntax, limits and
//!   errors) and returns its top-level elements as [`JsonItem`]s, without allocating.
//! * A [`JsonItem`] reads one value of a scanned buffer: strings without escapes are
//!   borrowed, anything else is decoded on demand by the owned reader's own code, so that it
//!   reads exactly what an owned decode would have.
//! * [`JsonWriter`] writes JSON value by value, byte for byte as [`json::value_encode_into`] does.
//!
//! [`json::from_slice_with_limits`]: super::from_slice_with_limits
//! [`json::value_encode_into`]: super::value_encode_into

use std::borrow::Cow;

use crate::bytewise::equal_bytes;
use crate::error::{DecodeError, EncodeError};
use crate::serializer::elements::not_a_list;
use crate::serializer::scratch::write_in_place;
use crate::serializer::Limits;
use crate::value::Value;
use crate::view::item::{Elems, Emit, Item, Kind};

use super::reader::{whitespace_end as skip_whitespace, Discard, Fail, Number, Reader};
use super::{starts_with_array, Base64Check};

mod fast;
mod transcode;

pub(crate) use transcode::transcode;

/// Checks a whole JSON message and returns the elements of its array, read in place.
///
/// Fails exactly when [`from_slice_with_limits`](super::from_slice_with_limits) fails before it
/// parses the message, with the same error: the size limit, UTF-8, the syntax of the whole
/// input, the depth and item limits, integers beyond 64 bits, floats out of range and the
/// base64 of binary strings. A value that is not an array is checked whole and then refused
/// as the owned decode refuses it (`invalid type dict for WAMP message`). Nothing is
/// allocated unless it fails.
pub fn scan_message<'a>(
    buf: &'a [u8],
    limits: &Limits,
) -> Result<Elems<JsonItem<'a>>, DecodeError> {
    let mut elems = Elems::new();
    scan_message_into(buf, limits, |item| item, &mut elems).map(|()| elems)
}

/// [`scan_message`] into `elems`, which it overwrites (what it holds after a failure is not to
/// be read), each element wrapped by `wrap` as it is found (into the unified
/// [`ItemRef`](crate::view::ItemRef)): the caller's elements are filled where they are, as
/// each move of them is a copy of a few hundred bytes.
#[inline]
pub fn scan_message_into<'a, I: Copy>(
    buf: &'a [u8],
    limits: &Limits,
    wrap: impl Fn(JsonItem<'a>) -> I,
    elems: &mut Elems<I>,
) -> Result<(), DecodeError> {
    *elems = Elems::new();
    // The fast pass accepts the common messages outright; anything it does not vouch for
    // (an error, or a rare construct) is scanned again by the exact walk below.
    if buf.len() <= limits.max_size {
        if let Ok(text) = core::str::from_utf8(buf) {
            if fast::scan(text, limits, &wrap, elems).is_some() {
                return Ok(());
            }
        }
    }
    *elems = scan_exact(buf, limits)?.map(wrap);
    Ok(())
}

/// [`scan_message`] by the owned reader's own walk: every input, every error.
#[cold]
#[inline(never)]
fn scan_exact<'a>(buf: &'a [u8], limits: &Limits) -> Result<Elems<JsonItem<'a>>, DecodeError> {
    let mut r = Reader::new(buf, limits)?;
    if !starts_with_array(buf) {
        let found = r.scan_value(0).and_then(|found| r.end().map(|()| found));
        return match found {
            Ok(found) => Err(not_a_list(found.kind.type_name())),
            Err(e) => Err(*e),
        };
    }
    let mut elems = Elems::new();
    match r.scan_elements(&mut elems).and_then(|()| r.end()) {
        Ok(()) => Ok(elems),
        Err(e) => Err(*e),
    }
}

/// What the scan of one value found: its kind, and for a string whether it has escapes (so
/// that a plain one is borrowed without another look).
#[derive(Debug, Clone, Copy)]
struct Found {
    kind: Kind,
    escaped: bool,
}

impl Found {
    #[inline(always)]
    const fn of(kind: Kind) -> Found {
        Found {
            kind,
            escaped: false,
        }
    }
}

/// The scan: the owned reader's walk ([`Reader::open`], [`Reader::list_items`],
/// [`Reader::map_entries`], the string and number lexers) with nothing built.
impl<'a> Reader<'a> {
    /// The top-level array, at `[`, its elements into `elems`.
    fn scan_elements(&mut self, elems: &mut Elems<JsonItem<'a>>) -> Result<(), Fail> {
        self.skip_whitespace();
        let Some(depth) = self.open(0, b']')? else {
            return Ok(());
        };
        self.list_items(depth, |r, depth| {
            r.skip_whitespace();
            let start = r.pos;
            let found = r.scan_value(depth)?;
            elems.push(JsonItem {
                text: r.span(start)?,
                kind: found.kind,
                escaped: found.escaped,
            });
            Ok(())
        })
    }

    /// The value starting at the next token, checked and skipped. Inlined into the loops, as
    /// [`Reader::value_to`] is.
    #[inline(always)]
    fn scan_value(&mut self, depth: usize) -> Result<Found, Fail> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                self.scan_string()
            }
            Some(b'-' | b'0'..=b'9') => self.scan_number(),
            Some(b'[') => self.scan_list(depth).map(|()| Found::of(Kind::List)),
            Some(b'{') => self.scan_map(depth).map(|()| Found::of(Kind::Map)),
            Some(b't') => self.word(b"true").map(|()| Found::of(Kind::Bool)),
            Some(b'f') => self.word(b"false").map(|()| Found::of(Kind::Bool)),
            Some(b'n') => self.word(b"null").map(|()| Found::of(Kind::Null)),
            _ => Err(self.error("expected value")),
        }
    }

    /// A list, at `[`.
    #[inline(never)]
    fn scan_list(&mut self, depth: usize) -> Result<(), Fail> {
        let Some(depth) = self.open(depth, b']')? else {
            return Ok(());
        };
        self.list_items(depth, |r, depth| r.scan_value(depth).map(drop))
    }

    /// A map, at `{`.
    #[inline(never)]
    fn scan_map(&mut self, depth: usize) -> Result<(), Fail> {
        let Some(depth) = self.open(depth, b'}')? else {
            return Ok(());
        };
        self.map_entries(depth, Reader::scan_key, |r, (), depth| {
            r.scan_value(depth).map(drop)
        })
    }

    /// A key, after its `"` (a key is a string even when it starts with U+0000).
    #[inline(always)]
    fn scan_key(&mut self) -> Result<(), Fail> {
        let start = self.pos;
        self.skip_plain();
        if self.peek() == Some(b'"') {
            self.pos += 1;
            return Ok(());
        }
        self.unescape(start, &mut Discard)
    }

    /// A string value, after its `"`: as [`Reader::string_value`] reads it.
    #[inline(always)]
    fn scan_string(&mut self) -> Result<Found, Fail> {
        let start = self.pos;
        self.skip_plain();
        if self.peek() == Some(b'"') {
            self.pos += 1;
            return Ok(Found::of(Kind::Str));
        }
        if self.pos == start && self.bytes.get(start..start + 6) == Some(&b"\\u0000"[..]) {
            return self.scan_binary(start);
        }
        self.unescape(start, &mut Discard)?;
        Ok(Found {
            kind: Kind::Str,
            escaped: true,
        })
    }

    /// A binary string that began at `start` (at its `\u0000`): its syntax, then its base64
    /// checked as [`decode_base64`](super::decode_base64) would accept it, without decoding.
    #[inline(never)]
    fn scan_binary(&mut self, start: usize) -> Result<Found, Fail> {
        let encoded = start + 6;
        self.pos = encoded;
        let mut check = Base64Check::default();
        self.skip_plain();
        if self.peek() == Some(b'"') {
            // The usual case: plain base64 up to the closing quote.
            check.feed(self.bytes.get(encoded..self.pos).unwrap_or_default());
            self.pos += 1;
        } else {
            self.unescape(encoded, &mut check)?;
        }
        if !check.is_valid() {
            return Err(self.base64_error(start));
        }
        Ok(Found {
            kind: Kind::Bytes,
            escaped: true,
        })
    }

    /// The error of a binary string that began at `start` and is not base64: the owned
    /// reader's, from reading it again (its text depends on the decoder's).
    #[cold]
    #[inline(never)]
    fn base64_error(&mut self, start: usize) -> Fail {
        self.pos = start;
        match self.string_value() {
            Err(e) => e,
            Ok(_) => self.error_at("invalid base64 in binary string", start.saturating_sub(1)),
        }
    }

    /// A number, at `-` or its first digit: as [`Reader::number_to`] reads it (a float's value is
    /// read too, for its range).
    #[inline(always)]
    fn scan_number(&mut self) -> Result<Found, Fail> {
        let start = self.pos;
        match self.number_token()? {
            Number::Unsigned(_) | Number::Negative(_) => Ok(Found::of(Kind::Int)),
            Number::NegativeZero => Ok(Found::of(Kind::Float)),
            Number::Float => self.float(start).map(|_| Found::of(Kind::Float)),
        }
    }
}

/// One JSON value in a buffer checked by [`scan_message`], read in place.
///
/// It holds the value's text: reading it needs no further check, and its accessors cannot
/// fail on syntax (they answer `None` only for a value of another kind).
#[derive(Debug, Clone, Copy)]
pub struct JsonItem<'a> {
    /// The value's text, from its first byte to its last.
    text: &'a str,
    kind: Kind,
    /// For a string, whether it has an escape (a binary string always does: its `\u0000`).
    escaped: bool,
}

impl<'a> JsonItem<'a> {
    /// Whether the item is an empty list or map: its bracket, any whitespace, and the closing
    /// one (nothing of a non-empty one is read past its first value's first byte).
    #[inline]
    pub fn is_empty_container(&self) -> bool {
        let bytes = self.text.as_bytes();
        matches!(self.kind, Kind::List | Kind::Map)
            && matches!(
                bytes
                    .get(1..)
                    .unwrap_or_default()
                    .iter()
                    .find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r')),
                Some(b']' | b'}')
            )
    }

    /// Whether the value is a byte string of no bytes, told from its text without decoding
    /// where it has no escape after its `\u0000`: its base64 is then empty exactly when no
    /// character of the alphabet or `=` is left once the others are dropped (checked base64
    /// that keeps any decodes to at least one byte). With an escape, it is decoded.
    pub fn is_empty_bytes(&self) -> bool {
        if self.kind != Kind::Bytes {
            return false;
        }
        let encoded = self.inner().get(r"\u0000".len()..).unwrap_or_default();
        if encoded.contains('\\') {
            return self.as_bytes().is_some_and(|b| b.is_empty());
        }
        !encoded.bytes().any(super::is_base64_kept)
    }

    /// The value's bytes in the input, exactly as they were (no whitespace around them): to
    /// forward it into another JSON message with [`Emit::raw`].
    pub fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// The item at `pos` of checked `text` (its first byte), and the position after it.
    #[inline]
    fn at(text: &'a str, pos: usize) -> Option<(JsonItem<'a>, usize)> {
        let bytes = text.as_bytes();
        let (end, kind, escaped) = match *bytes.get(pos)? {
            b'"' => {
                let (end, escaped) = string_end(bytes, pos + 1);
                // a binary string starts with an escape
                let binary = escaped && bytes.get(pos + 1..pos + 7) == Some(&b"\\u0000"[..]);
                (end, if binary { Kind::Bytes } else { Kind::Str }, escaped)
            }
            b'[' => (fast::container_end(bytes, pos), Kind::List, false),
            b'{' => (fast::container_end(bytes, pos), Kind::Map, false),
            b't' => (pos + 4, Kind::Bool, false),
            b'f' => (pos + 5, Kind::Bool, false),
            b'n' => (pos + 4, Kind::Null, false),
            first => {
                // a checked number: the literal and whether it has a fraction or an exponent
                let mut end = pos + 1;
                let mut float = false;
                while let Some(&b) = bytes.get(end) {
                    match b {
                        b'0'..=b'9' | b'-' | b'+' => {}
                        b'.' | b'e' | b'E' => float = true,
                        _ => break,
                    }
                    end += 1;
                }
                // `-0` is read as a float
                float |= first == b'-' && end == pos + 2 && bytes.get(pos + 1) == Some(&b'0');
                (end, if float { Kind::Float } else { Kind::Int }, false)
            }
        };
        let item = JsonItem {
            text: text.get(pos..end)?,
            kind,
            escaped,
        };
        Some((item, end))
    }

    /// A string's text between its quotes, escapes and all.
    fn inner(&self) -> &'a str {
        self.text
            .get(1..self.text.len().saturating_sub(1))
            .unwrap_or_default()
    }

    /// A string's contents, its escapes decoded by the owned reader.
    fn unescaped(&self) -> Cow<'a, str> {
        let inner = self.text.get(1..self.text.len().saturating_sub(1));
        match inner {
            Some(s) if !self.escaped => Cow::Borrowed(s),
            _ => {
                let mut r = Reader::checked(self.text);
                r.pos = 1;
                Cow::Owned(r.string().map(String::from).unwrap_or_default())
            }
        }
    }
}

impl<'a> Item<'a> for JsonItem<'a> {
    type List = JsonList<'a>;
    type Map = JsonMap<'a>;

    #[inline]
    fn kind(&self) -> Kind {
        self.kind
    }

    fn as_bool(&self) -> Option<bool> {
        match self.kind {
            Kind::Bool => Some(self.text == "true"),
            _ => None,
        }
    }

    fn as_int(&self) -> Option<i128> {
        if self.kind != Kind::Int {
            return None;
        }
        let (negative, digits) = match self.text.as_bytes() {
            [b'-', digits @ ..] => (true, digits),
            digits => (false, digits),
        };
        // at most twenty digits, checked to fit 64 bits by the scan
        let mut n = 0u64;
        for &d in digits {
            n = n
                .wrapping_mul(10)
                .wrapping_add(u64::from(d.wrapping_sub(b'0')));
        }
        let n = i128::from(n);
        Some(if negative { -n } else { n })
    }

    fn as_f64(&self) -> Option<f64> {
        match self.kind {
            // as the owned reader reads it: the literal, correctly rounded (`-0` included)
            Kind::Float => self.text.parse().ok(),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<Cow<'a, str>> {
        match self.kind {
            Kind::Str => Some(self.unescaped()),
            _ => None,
        }
    }

    fn as_bytes(&self) -> Option<Cow<'a, [u8]>> {
        match self.kind {
            Kind::Bytes => match self.to_value() {
                Value::Bytes(b) => Some(Cow::Owned(b)),
                _ => None,
            },
            _ => None,
        }
    }

    fn list(&self) -> Option<JsonList<'a>> {
        match self.kind {
            Kind::List => Some(JsonList {
                entries: Entries::new(self.text),
            }),
            _ => None,
        }
    }

    fn map(&self) -> Option<JsonMap<'a>> {
        match self.kind {
            Kind::Map => Some(JsonMap {
                entries: Entries::new(self.text),
            }),
            _ => None,
        }
    }

    /// Zero for an empty list or map, which its first bytes tell; JSON says no other length.
    #[inline]
    fn len_hint(&self) -> Option<usize> {
        self.is_empty_container().then_some(0)
    }

    /// Decoded by the owned reader itself, so exactly what an owned decode gives (a repeated
    /// key keeps its first position and its last value).
    fn to_value(&self) -> Value {
        Reader::checked(self.text)
            .read_checked()
            .unwrap_or(Value::Null)
    }

    fn get(&self, key: &str) -> Option<JsonItem<'a>> {
        // Keys without escapes, nearly all of them, are compared in place.
        if self.kind != Kind::Map {
            return None;
        }
        let mut entries = Entries::new(self.text);
        let mut found = None;
        while let Some((k, v)) = entries.next_pair() {
            let matches = match k.text.get(1..k.text.len().saturating_sub(1)) {
                Some(inner) if !k.escaped => inner == key,
                _ => k.unescaped() == key,
            };
            if matches {
                found = Some(v);
            }
        }
        found
    }
}

/// The position of the items of a list or the entries of a map in checked text.
#[derive(Debug, Clone)]
struct Entries<'a> {
    /// The list's or map's text, brackets included.
    text: &'a str,
    /// At the next item (or whitespace before it), or at the end.
    pos: usize,
}

impl<'a> Entries<'a> {
    fn new(text: &'a str) -> Entries<'a> {
        Entries { text, pos: 1 }
    }

    /// The next item, and the position after it and its comma.
    fn next_item(&mut self) -> Option<JsonItem<'a>> {
        let bytes = self.text.as_bytes();
        let pos = skip_whitespace(bytes, self.pos);
        match bytes.get(pos) {
            None | Some(b']' | b'}') => {
                self.pos = bytes.len();
                return None;
            }
            _ => {}
        }
        let (item, end) = JsonItem::at(self.text, pos)?;
        let end = skip_whitespace(bytes, end);
        self.pos = end + usize::from(bytes.get(end) == Some(&b','));
        Some(item)
    }

    /// The next entry of a map: its key (a string item) and its value.
    fn next_pair(&mut self) -> Option<(JsonItem<'a>, JsonItem<'a>)> {
        let key = self.next_item()?;
        let bytes = self.text.as_bytes();
        let colon = skip_whitespace(bytes, self.pos);
        self.pos = colon + 1;
        let value = self.next_item()?;
        Some((key, value))
    }
}

/// The items of a [`JsonItem`] list, in order.
#[derive(Debug, Clone)]
pub struct JsonList<'a> {
    entries: Entries<'a>,
}

impl<'a> Iterator for JsonList<'a> {
    type Item = JsonItem<'a>;

    fn next(&mut self) -> Option<JsonItem<'a>> {
        self.entries.next_item()
    }
}

/// The entries of a [`JsonItem`] map, in order, a repeated key each time it occurs.
#[derive(Debug, Clone)]
pub struct JsonMap<'a> {
    entries: Entries<'a>,
}

impl<'a> Iterator for JsonMap<'a> {
    type Item = (Cow<'a, str>, JsonItem<'a>);

    fn next(&mut self) -> Option<(Cow<'a, str>, JsonItem<'a>)> {
        let (key, value) = self.entries.next_pair()?;
        Some((key.unescaped(), value))
    }
}

/// The end of a checked string whose contents start at `pos` (after its closing quote), and
/// whether it has an escape. The next `"` or `\\` is looked for eight bytes at a time in the
/// first sixteen (most strings, keys and URIs, end there, and a call would cost more than
/// they do) and byte by byte in a tail shorter than eight, else by `memchr2`, many bytes at a
/// time, so that a long string (a binary payload's base64) is passed over quickly.
#[inline]
fn string_end(bytes: &[u8], mut pos: usize) -> (usize, bool) {
    let mut escaped = false;
    loop {
        let mut stop = None;
        let mut words = 0;
        while let Some(chunk) = bytes.get(pos..pos + 8) {
            let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            let stops = equal_bytes(w, b'"') | equal_bytes(w, b'\\');
            if stops != 0 {
                stop = Some(pos + (stops.trailing_zeros() / 8) as usize);
                break;
            }
            pos += 8;
            words += 1;
            if words == 2 {
                break;
            }
        }
        let rest = bytes.get(pos..).unwrap_or_default();
        let found = match stop {
            Some(stop) => Some(stop - pos),
            // fewer than eight bytes left
            None if words < 2 => rest.iter().position(|&b| b == b'"' || b == b'\\'),
            None => memchr::memchr2(b'"', b'\\', rest),
        };
        let Some(found) = found else {
            return (bytes.len(), escaped);
        };
        let stop = pos + found;
        if bytes.get(stop) == Some(&b'"') {
            return (stop + 1, escaped);
        }
        escaped = true;
        pos = stop + 2;
    }
}

/// The longest 64-bit integer in decimal (`-9223372036854775808`, `18446744073709551615`).
const MAX_INT64_LEN: usize = 20;

/// A JSON writer driven value by value ([`Emit`]), appending to a `Vec`: what it writes for
/// a value is byte for byte what [`value_encode_into`](super::value_encode_into) writes.
///
/// The only state is whether a value was just finished at the current level (so the next
/// one needs a comma): a list or map just opened, or a key just written, has had none, and a
/// list or map just closed is a value finished at the level around it. So no stack is kept,
/// and nesting of any depth is written.
#[derive(Debug)]
pub struct JsonWriter<'o> {
    out: &'o mut Vec<u8>,
    /// Whether the next value or key is preceded by a comma.
    comma: bool,
    /// The first value JSON cannot write (a NaN or infinite float), written as `null`.
    error: Option<EncodeError>,
}

impl<'o> JsonWriter<'o> {
    /// A writer appending to `out`.
    pub fn new(out: &'o mut Vec<u8>) -> JsonWriter<'o> {
        JsonWriter {
            out,
            comma: false,
            error: None,
        }
    }

    /// The end of writing: the error of the first value that JSON cannot carry (a NaN or
    /// infinite float, written as `null` so that the output stays JSON), as
    /// [`value_encode_into`](super::value_encode_into) gives it.
    pub fn finish(self) -> Result<(), EncodeError> {
        match self.error {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// The comma before a value or key, if one came before it at this level.
    #[inline(always)]
    fn separate(&mut self) {
        if self.comma {
            self.out.push(b',');
        }
        self.comma = true;
    }
}

impl Emit for JsonWriter<'_> {
    fn position(&self) -> usize {
        self.out.len()
    }

    fn null(&mut self) {
        self.separate();
        self.out.extend_from_slice(b"null");
    }

    fn bool(&mut self, b: bool) {
        self.separate();
        self.out
            .extend_from_slice(if b { &b"true"[..] } else { &b"false"[..] });
    }

    fn int(&mut self, i: i128) {
        self.separate();
        match (u64::try_from(i), i64::try_from(i)) {
            // one or two digits (most of a payload's integers): appended, no room claimed
            (Ok(u @ 0..10), _) => self.out.push(b'0' + u as u8),
            (Ok(u @ 10..100), _) => self.out.extend_from_slice(&super::DIGIT_PAIRS[u as usize]),
            (Ok(u), _) => write_in_place(self.out, MAX_INT64_LEN, |buf, pos| {
                super::write_u64(buf, pos, u)
            }),
            (_, Ok(n)) => write_in_place(self.out, MAX_INT64_LEN, |buf, pos| {
                super::write_i64(buf, pos, n)
            }),
            // beyond `Emit::int`'s range: written all the same, exactly
            _ => self.out.extend_from_slice(i.to_string().as_bytes()),
        }
    }

    fn f64(&mut self, f: f64) {
        self.separate();
        if f.is_finite() {
            write_in_place(self.out, super::MAX_FLOAT_LEN, |buf, pos| {
                super::write_finite_float(buf, pos, f)
            });
        } else {
            self.error.get_or_insert(super::unrepresentable_float(f));
            self.out.extend_from_slice(b"null");
        }
    }

    fn str(&mut self, s: &str) {
        self.utf8_str(s.as_bytes());
    }

    fn utf8_str(&mut self, utf8: &[u8]) {
        self.separate();
        // the guess is exact unless something needs escaping
        write_in_place(self.out, utf8.len() + 2, |buf, pos| {
            super::write_str(buf, pos, utf8)
        });
    }

    fn bytes(&mut self, b: &[u8]) {
        self.separate();
        write_in_place(self.out, super::bytes_json_len(b.len()), |buf, pos| {
            super::write_bytes(buf, pos, b)
        });
    }

    fn begin_list(&mut self, _len: usize) {
        self.separate();
        self.out.push(b'[');
        self.comma = false;
    }

    fn end_list(&mut self) {
        self.out.push(b']');
        self.comma = true;
    }

    fn begin_map(&mut self, _len: usize) {
        self.separate();
        self.out.push(b'{');
        self.comma = false;
    }

    fn key(&mut self, k: &str) {
        self.utf8_key(k.as_bytes());
    }

    fn utf8_key(&mut self, utf8: &[u8]) {
        self.separate();
        write_in_place(self.out, utf8.len() + 3, |buf, pos| {
            super::write_key(buf, pos, utf8)
        });
        self.comma = false;
    }

    fn end_map(&mut self) {
        self.out.push(b'}');
        self.comma = true;
    }

    fn raw(&mut self, encoded: &[u8]) {
        self.separate();
        self.out.extend_from_slice(encoded);
    }
}

/// The item of one element's text, checked as part of its message: for the views kept with
/// their bytes, which know where each element lies ([`crate::view::MessageBytes`]).
pub(crate) fn checked_item(element: &[u8]) -> Option<JsonItem<'_>> {
    let text = core::str::from_utf8(element).ok()?;
    JsonItem::at(text, 0).map(|(item, _)| item)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `string_end` against a byte-by-byte walk: strings of every length to past the switch to
    /// `memchr2`, with an escape (or none) at every position, then more text or nothing.
    #[test]
    fn string_end_finds_the_closing_quote() {
        fn by_bytes(bytes: &[u8], mut pos: usize) -> (usize, bool) {
            let mut escaped = false;
            while let Some(&b) = bytes.get(pos) {
                match b {
                    b'"' => return (pos + 1, escaped),
                    b'\\' => {
                        escaped = true;
                        pos += 2;
                    }
                    _ => pos += 1,
                }
            }
            (bytes.len(), escaped)
        }
        for len in 0..60 {
            for escape_at in (0..=len).chain([usize::MAX]) {
                for after in ["", "]", r#","abc"]"#] {
                    let mut text = vec![b'a'; len];
                    if escape_at < len {
                        text.splice(escape_at..escape_at, *br#"\""#);
                    }
                    let whole = [&b"\""[..], &text, b"\"", after.as_bytes()].concat();
                    assert_eq!(
                        string_end(&whole, 1),
                        by_bytes(&whole, 1),
                        "{}",
                        String::from_utf8_lossy(&whole)
                    );
                }
            }
        }
    }

    /// `JsonWriter` writes each value in place as the encoder writes it in its scratch buffer:
    /// strings whose escapes outgrow the guess, integers at the ends of the range (and one
    /// beyond, outside `Emit::int`'s contract), floats, bytes; against serde_json and the
    /// encoder, after what `out` held; and a NaN is `null` and an error.
    #[test]
    fn writes_in_place_what_the_encoder_writes() {
        let escaped = "\"\\\n\u{1}".repeat(50);
        let mut out = b"held".to_vec();
        let mut w = JsonWriter::new(&mut out);
        w.begin_list(0);
        w.str(&escaped);
        w.begin_map(0);
        w.key(&escaped);
        w.int(i128::from(i64::MIN));
        w.key("u");
        w.int(i128::from(u64::MAX));
        w.end_map();
        w.int(-7);
        w.int(i128::from(u64::MAX) + 1);
        w.f64(-1.5e-300);
        w.bytes(&[1, 2, 3, 4]);
        w.end_list();
        w.finish().unwrap();
        let key = serde_json::to_string(&escaped).unwrap();
        let expected = format!(
            "held[{key},{{{key}:{},\"u\":{}}},-7,18446744073709551616,-1.5e-300,\"\\u0000AQIDBA==\"]",
            i64::MIN,
            u64::MAX
        );
        assert_eq!(String::from_utf8(out).unwrap(), expected);

        let mut out = Vec::new();
        let mut w = JsonWriter::new(&mut out);
        w.begin_list(0);
        w.f64(f64::NAN);
        w.end_list();
        match w.finish() {
            Err(EncodeError::Unrepresentable { what, .. }) => assert_eq!(what, "the float NaN"),
            other => panic!("expected the NaN's error, got {other:?}"),
        }
        assert_eq!(out, b"[null]");
    }
}
