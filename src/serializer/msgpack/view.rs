//! MessagePack read in place and written value by value: [`scan_message`] checks a whole
//! message as the owned decoder does and returns its elements as [`MsgpackItem`]s, borrowed
//! from the input; [`MsgpackWriter`] is the [`Emit`] that writes MessagePack.
//!
//! The scanner reads heads, lengths and map keys with the owned decoder's own functions
//! ([`read_head`], [`open_array`], [`open_map`], [`read_key_head`]) through the same
//! [`Reader`], so that both fail on the same input with the same error; it differs only where
//! the owned decoder builds a value: strings are checked as UTF-8 and not copied, and lists
//! and maps are walked and not collected. The items re-read the checked bytes through the same
//! heads, so they classify every value as the owned decoder does; their [`Item::to_value`] is
//! the owned decoder itself.

use std::borrow::Cow;

use super::{
    open_array, open_map, read_head, read_key_head, read_value, write_array_head, write_bin,
    write_map_head, write_negative, write_str, write_uint, Head, FORMAT,
};
use crate::error::{DecodeError, EncodeError};
use crate::serializer::bytes_reader::Reader;
use crate::serializer::elements::not_a_list;
use crate::serializer::Limits;
use crate::value::Value;
use crate::view::item::{Elems, Emit, Item, Kind};

/// Checks `buf` as [`from_slice_with_limits`](super::from_slice_with_limits) does before it
/// parses the message (syntax, UTF-8, trailing bytes, and `limits` counted alike) and returns
/// the top-level array's elements, read in place: nothing is allocated unless it fails.
///
/// It fails exactly where the owned decoder fails before its parse step, with an equal error;
/// a value that is not an array is checked whole first and then rejected as the owned decoder
/// rejects it (`invalid type dict for WAMP message`).
pub fn scan_message<'a>(
    buf: &'a [u8],
    limits: &Limits,
) -> Result<Elems<MsgpackItem<'a>>, DecodeError> {
    let mut r = Reader::new(FORMAT, buf, limits)?;
    let start = r.pos();
    let len = match read_head(&mut r, start)? {
        Head::Array(len) => open_array(&mut r, len, start)?,
        head => {
            skip_from_head(&mut r, head, start)?;
            r.finish()?;
            return Err(not_a_list(kind_of(head).type_name()));
        }
    };
    let mut elems = Elems::new();
    for _ in 0..len {
        let at = r.pos();
        skip_value(&mut r)?;
        elems.push(MsgpackItem {
            bytes: &buf[at..r.pos()],
        });
    }
    r.leave();
    r.finish()?;
    Ok(elems)
}

// ---- the checked walk: the owned decoder's reads, with nothing built ----

/// Checks the value at the reader's position and moves past it. Inlined into the loops of
/// lists and maps, so that only a nested list or map costs a call.
#[inline(always)]
fn skip_value(r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let start = r.pos();
    let head = read_head(r, start)?;
    skip_from_head(r, head, start)
}

/// Checks what follows the head (at `start`) just read, as the owned decoder reads it.
#[inline(always)]
fn skip_from_head(r: &mut Reader<'_>, head: Head, start: usize) -> Result<(), DecodeError> {
    match head {
        Head::Str(len) => skip_str_body(r, len, start),
        Head::Bin(len) => r.take(u64::from(len), start).map(drop),
        Head::Array(len) => skip_list(r, len, start),
        Head::Map(len) => skip_map(r, len, start),
        Head::Nil | Head::Bool(_) | Head::Int(_) | Head::UInt(_) | Head::Float(_) => Ok(()),
    }
}

// Out of line, as the owned decoder's `read_list` and `read_map`: the scalars' path stays
// small.

#[inline(never)]
fn skip_list(r: &mut Reader<'_>, len: u32, start: usize) -> Result<(), DecodeError> {
    open_array(r, len, start)?;
    for _ in 0..len {
        skip_value(r)?;
    }
    r.leave();
    Ok(())
}

#[inline(never)]
fn skip_map(r: &mut Reader<'_>, len: u32, start: usize) -> Result<(), DecodeError> {
    open_map(r, len, start)?;
    for _ in 0..len {
        let (key_len, key_start) = read_key_head(r)?;
        skip_str_body(r, key_len, key_start)?;
        skip_value(r)?;
    }
    r.leave();
    Ok(())
}

/// The `len` bytes of a string whose head (at `start`) was just read, checked as UTF-8.
#[inline(always)]
fn skip_str_body(r: &mut Reader<'_>, len: u32, start: usize) -> Result<(), DecodeError> {
    let at = r.pos();
    let bytes = r.take(u64::from(len), start)?;
    r.check_utf8(bytes, at)
}

/// The kind of value a head begins.
fn kind_of(head: Head) -> Kind {
    match head {
        Head::Nil => Kind::Null,
        Head::Bool(_) => Kind::Bool,
        Head::Int(_) | Head::UInt(_) => Kind::Int,
        Head::Float(_) => Kind::Float,
        Head::Str(_) => Kind::Str,
        Head::Bin(_) => Kind::Bytes,
        Head::Array(_) => Kind::List,
        Head::Map(_) => Kind::Map,
    }
}

// ---- the items ----

/// One MessagePack value in a buffer that [`scan_message`] checked, read in place.
///
/// It holds exactly the value's encoding ([`MsgpackItem::bytes`]); strings and byte strings are
/// borrowed from it.
#[derive(Debug, Clone, Copy)]
pub struct MsgpackItem<'a> {
    bytes: &'a [u8],
}

impl<'a> MsgpackItem<'a> {
    /// The value's exact encoding, to forward it without decoding it.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The value's head and the bytes after it.
    #[inline]
    fn head(&self) -> (Head, &'a [u8]) {
        let mut r = Reader::checked(FORMAT, self.bytes);
        // The bytes were checked, so the head reads; a `nil` stands in for the impossible.
        let head = read_head(&mut r, 0).unwrap_or(Head::Nil);
        (head, self.bytes.get(r.pos()..).unwrap_or_default())
    }

    /// The body of a string or byte string (the bytes after its head).
    #[inline]
    fn body(&self) -> Option<(Head, &'a [u8])> {
        match self.head() {
            (head @ (Head::Str(len) | Head::Bin(len)), rest) => {
                Some((head, rest.get(..len as usize).unwrap_or_default()))
            }
            _ => None,
        }
    }
}

/// The first value in `buf` (checked) as an item, and the bytes after it.
#[inline]
fn split_item(buf: &[u8]) -> (MsgpackItem<'_>, &[u8]) {
    let (item, rest) = buf.split_at(encoded_len(buf).min(buf.len()));
    (MsgpackItem { bytes: item }, rest)
}

/// The length of the encoding of the (checked) value at the start of `buf`. A count of the
/// values still to pass replaces recursion: an array adds its items, a map twice its entries.
fn encoded_len(buf: &[u8]) -> usize {
    let mut r = Reader::checked(FORMAT, buf);
    let mut pending: u64 = 1;
    while pending > 0 {
        pending -= 1;
        let start = r.pos();
        match read_head(&mut r, start) {
            Ok(Head::Str(len) | Head::Bin(len)) => {
                if r.take(u64::from(len), start).is_err() {
                    return buf.len();
                }
            }
            Ok(Head::Array(len)) => pending += u64::from(len),
            Ok(Head::Map(len)) => pending += 2 * u64::from(len),
            Ok(_) => {}
            Err(_) => return buf.len(),
        }
    }
    r.pos()
}

/// The items of a [`MsgpackItem`] list, in order.
#[derive(Debug, Clone)]
pub struct MsgpackList<'a> {
    rest: &'a [u8],
    left: u32,
}

impl<'a> Iterator for MsgpackList<'a> {
    type Item = MsgpackItem<'a>;

    fn next(&mut self) -> Option<MsgpackItem<'a>> {
        self.left = self.left.checked_sub(1)?;
        let (item, rest) = split_item(self.rest);
        self.rest = rest;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

/// The entries of a [`MsgpackItem`] map, in order, a repeated key each time it occurs.
#[derive(Debug, Clone)]
pub struct MsgpackMap<'a> {
    rest: &'a [u8],
    left: u32,
}

impl<'a> MsgpackMap<'a> {
    /// The next entry's key (its string body) and value.
    #[inline]
    fn next_raw(&mut self) -> Option<(&'a [u8], MsgpackItem<'a>)> {
        self.left = self.left.checked_sub(1)?;
        let (key, rest) = split_item(self.rest);
        let (value, rest) = split_item(rest);
        self.rest = rest;
        Some((key.body().map(|(_, b)| b).unwrap_or_default(), value))
    }
}

impl<'a> Iterator for MsgpackMap<'a> {
    type Item = (Cow<'a, str>, MsgpackItem<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let (key, value) = self.next_raw()?;
        // Checked as UTF-8 by the scan; safe code must check again to borrow it as a `str`.
        Some((
            Cow::Borrowed(core::str::from_utf8(key).unwrap_or_default()),
            value,
        ))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left as usize, Some(self.left as usize))
    }
}

impl<'a> Item<'a> for MsgpackItem<'a> {
    type List = MsgpackList<'a>;
    type Map = MsgpackMap<'a>;

    fn kind(&self) -> Kind {
        kind_of(self.head().0)
    }

    fn as_bool(&self) -> Option<bool> {
        match self.head().0 {
            Head::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn as_int(&self) -> Option<i128> {
        match self.head().0 {
            Head::Int(i) => Some(i128::from(i)),
            Head::UInt(u) => Some(i128::from(u)),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self.head().0 {
            Head::Float(f) => Some(f),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<Cow<'a, str>> {
        match self.body()? {
            (Head::Str(_), body) => core::str::from_utf8(body).ok().map(Cow::Borrowed),
            _ => None,
        }
    }

    fn as_bytes(&self) -> Option<Cow<'a, [u8]>> {
        match self.body()? {
            (Head::Bin(_), body) => Some(Cow::Borrowed(body)),
            _ => None,
        }
    }

    fn list(&self) -> Option<MsgpackList<'a>> {
        match self.head() {
            (Head::Array(left), rest) => Some(MsgpackList { rest, left }),
            _ => None,
        }
    }

    fn map(&self) -> Option<MsgpackMap<'a>> {
        match self.head() {
            (Head::Map(left), rest) => Some(MsgpackMap { rest, left }),
            _ => None,
        }
    }

    fn to_value(&self) -> Value {
        // The owned decoder itself, so that the value is the one it would have built.
        read_value(&mut Reader::checked(FORMAT, self.bytes)).unwrap_or_default()
    }

    fn item_count(&self) -> Option<usize> {
        match self.head().0 {
            Head::Array(n) | Head::Map(n) => Some(n as usize),
            _ => None,
        }
    }

    /// Compares the keys' bytes, without checking them as UTF-8 again.
    fn get(&self, key: &str) -> Option<MsgpackItem<'a>> {
        let mut entries = self.map()?;
        let mut found = None;
        while let Some((k, v)) = entries.next_raw() {
            if k == key.as_bytes() {
                found = Some(v);
            }
        }
        found
    }
}

// ---- the writer ----

/// Writes MessagePack value by value into a `Vec`, byte for byte as
/// [`encode_value`](super::encode_value) writes the same values (it uses the same functions).
///
/// A list or map is announced with its length and must be followed by exactly that many items
/// or entries. What MessagePack cannot express (a length of 2^32 or more, an integer outside
/// the `i64` and `u64` ranges) is written as nothing and reported by
/// [`MsgpackWriter::finish`].
#[derive(Debug)]
pub struct MsgpackWriter<'o> {
    out: &'o mut Vec<u8>,
    error: Option<EncodeError>,
}

impl<'o> MsgpackWriter<'o> {
    /// A writer that appends to `out`.
    pub fn new(out: &'o mut Vec<u8>) -> MsgpackWriter<'o> {
        MsgpackWriter { out, error: None }
    }

    /// Ends the writing: the first value MessagePack could not express, if there was one (the
    /// bytes written are then not a valid encoding).
    pub fn finish(self) -> Result<(), EncodeError> {
        self.error.map_or(Ok(()), Err)
    }

    /// Keeps the first error.
    fn check(&mut self, written: Result<(), EncodeError>) {
        if let Err(e) = written {
            self.error.get_or_insert(e);
        }
    }
}

impl Emit for MsgpackWriter<'_> {
    fn position(&self) -> usize {
        self.out.len()
    }

    fn null(&mut self) {
        self.out.push(rmp::Marker::Null.to_u8());
    }

    fn bool(&mut self, b: bool) {
        let marker = if b {
            rmp::Marker::True
        } else {
            rmp::Marker::False
        };
        self.out.push(marker.to_u8());
    }

    fn int(&mut self, i: i128) {
        // As `encode_value` writes `Int` and `UInt`: the unsigned family from zero up.
        if let Ok(u) = u64::try_from(i) {
            write_uint(self.out, u);
        } else if let Ok(n) = i64::try_from(i) {
            write_negative(self.out, n);
        } else {
            self.check(Err(EncodeError::Unrepresentable {
                format: FORMAT,
                what: format!("the integer {i} (outside the i64 and u64 ranges)"),
            }));
        }
    }

    fn f64(&mut self, f: f64) {
        self.out.push(rmp::Marker::F64.to_u8());
        self.out.extend_from_slice(&f.to_be_bytes());
    }

    fn str(&mut self, s: &str) {
        let written = write_str(self.out, s);
        self.check(written);
    }

    fn bytes(&mut self, b: &[u8]) {
        let written = write_bin(self.out, b);
        self.check(written);
    }

    fn begin_list(&mut self, len: usize) {
        let written = write_array_head(self.out, len);
        self.check(written);
    }

    fn end_list(&mut self) {}

    fn begin_map(&mut self, len: usize) {
        let written = write_map_head(self.out, len);
        self.check(written);
    }

    fn key(&mut self, k: &str) {
        self.str(k);
    }

    fn end_map(&mut self) {}

    fn raw(&mut self, encoded: &[u8]) {
        self.out.extend_from_slice(encoded);
    }
}

/// The item of one element's bytes, checked as part of its message (for
/// [`crate::view::MessageBytes`]).
pub(crate) fn checked_item(element: &[u8]) -> Option<MsgpackItem<'_>> {
    Some(MsgpackItem { bytes: element })
}
