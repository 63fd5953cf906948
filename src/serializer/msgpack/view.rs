//! MessagePack read in place and written value by value: [`scan_message`] checks a whole
//! message as the owned decoder does and returns its elements as [`MsgpackItem`]s, borrowed
//! from the input; [`MsgpackWriter`] is the [`Emit`] that writes MessagePack.
//!
//! The scanner reads heads, lengths and map keys with the owned decoder's own functions
//! (`read_head`, `open_array`, `open_map`, `read_key_head`) through the same
//! `Reader`, so that both fail on the same input with the same error; it differs only where
//! the owned decoder builds a value: strings are checked as UTF-8 and not copied, and lists
//! and maps are walked and not collected. The items re-read the checked bytes through the same
//! heads, so they classify every value as the owned decoder does; their [`Item::to_value`] is
//! the owned decoder itself.

use crate::bytewise::is_ascii;
use std::borrow::Cow;

use super::{
    check_len, is_str_marker, open_array, open_map, parse_head, read_head, read_key_head,
    read_value, write_bin, write_f64, write_len_head, write_negative, write_str, write_uint, Head,
    LenForms, ARRAY, BIN, FALSE, FORMAT, MAP, NIL, STR, TRUE,
};
use crate::error::{DecodeError, EncodeError};
use crate::serializer::bytes_reader::Reader;
use crate::serializer::elements::not_a_list;
use crate::serializer::scratch::write_in_place;
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
    scan_message_with(buf, limits, |item| item)
}

/// [`scan_message`], each element wrapped by `wrap` as it is found (into the unified
/// [`ItemRef`](crate::view::ItemRef), without a second pass over the elements).
///
/// A fast walk checks the message first, with no error to build: it accepts exactly what the
/// precise walk (the owned decoder's reads through its `Reader`) accepts, and only when it
/// fails does the precise walk run, to fail with the owned decoder's error.
#[inline]
pub fn scan_message_with<'a, I: Copy>(
    buf: &'a [u8],
    limits: &Limits,
    wrap: impl Fn(MsgpackItem<'a>) -> I,
) -> Result<Elems<I>, DecodeError> {
    let mut elems = Elems::new();
    scan_message_into(buf, limits, wrap, &mut elems).map(|()| elems)
}

/// [`scan_message_with`] into `elems`, which it overwrites (what it holds after a failure is
/// not to be read): the caller's elements are filled where they are, as each move of them is a
/// copy of a few hundred bytes.
#[inline]
pub fn scan_message_into<'a, I: Copy>(
    buf: &'a [u8],
    limits: &Limits,
    wrap: impl Fn(MsgpackItem<'a>) -> I,
    elems: &mut Elems<I>,
) -> Result<(), DecodeError> {
    *elems = Elems::new();
    if fast_scan(buf, limits, &wrap, elems).is_none() {
        *elems = precise_scan(buf, limits, &wrap)?;
    }
    Ok(())
}

/// The precise walk: the owned decoder's own reads, failing with its errors.
#[cold]
#[inline(never)]
fn precise_scan<'a, I: Copy>(
    buf: &'a [u8],
    limits: &Limits,
    wrap: &impl Fn(MsgpackItem<'a>) -> I,
) -> Result<Elems<I>, DecodeError> {
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
        elems.push(wrap(element(&mut r, buf)?));
    }
    r.leave();
    r.finish()?;
    Ok(elems)
}

// ---- the fast walk ----

/// A cursor over checked bytes: the transcoder's walk, which reads heads as the scan read them.
pub(super) struct Fast<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Fast<'a> {
    /// A walk of bytes already checked.
    pub(super) fn checked(buf: &'a [u8]) -> Fast<'a> {
        Fast { buf, pos: 0 }
    }

    #[inline(always)]
    pub(super) fn head(&mut self) -> Option<Head> {
        let (head, n) = parse_head(self.buf.get(self.pos..)?).ok()?;
        self.pos += n;
        Some(head)
    }

    #[inline(always)]
    pub(super) fn take(&mut self, len: u32) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(len as usize)?;
        let bytes = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(bytes)
    }
}

/// The most levels of lists and maps the fast walk follows inside the message array (deeper
/// ones, rare, are left to the precise walk): its recursion stays shallow whatever the limits.
const MAX_FAST_LEVELS: usize = 32;

/// The end of the string body of `len` bytes at `pos`, if it is there and UTF-8 (most strings
/// are ASCII, which [`is_ascii`] confirms a few words at a time).
#[inline(always)]
fn str_end(buf: &[u8], pos: usize, len: usize) -> Option<usize> {
    let end = pos.checked_add(len)?;
    let bytes = buf.get(pos..end)?;
    (is_ascii(bytes) || core::str::from_utf8(bytes).is_ok()).then_some(end)
}

/// How many values the body of a list or map of `n` items holds: a map's entries are two
/// each, key and value.
#[inline(always)]
fn values_in(n: u32, is_map: bool) -> u64 {
    u64::from(n) << u8::from(is_map)
}

/// [`body_end`] of a list or map whose head ends at `pos`, without the call when it is empty
/// (as options often are).
#[inline(always)]
fn container_end(
    buf: &[u8],
    pos: usize,
    n: u32,
    is_map: bool,
    levels: usize,
    items: &mut u64,
) -> Option<usize> {
    if n == 0 {
        (levels > 0).then_some(pos)
    } else {
        body_end(buf, pos, n, is_map, levels, items)
    }
}

/// Checks the body of a list (`is_map` false) or map of `n` items that starts at `pos`, and
/// returns where it ends. Map keys must be strings, strings UTF-8, and no extension type or
/// reserved byte may occur; `None` for anything else.
///
/// `levels` is how many levels of lists and maps may open, this one included (each nested
/// one is a call); `items` counts the items and entries of every list and map opened, as the
/// reader counts them, for the caller to hold to the limit.
#[inline(never)]
fn body_end(
    buf: &[u8],
    mut pos: usize,
    n: u32,
    is_map: bool,
    levels: usize,
    items: &mut u64,
) -> Option<usize> {
    let levels = levels.checked_sub(1)?;
    *items += u64::from(n);
    let mut left = values_in(n, is_map);
    while left > 0 {
        left -= 1;
        let b = *buf.get(pos)?;
        // a map's values left are odd just after its key was counted
        if is_map && left & 1 == 1 && !is_str_marker(b) {
            return None;
        }
        // The fix forms (most of a WAMP message) on their byte, as `parse_head` reads them;
        // the rest through it.
        pos = match b {
            0x00..=0x7f | 0xc0 | 0xc2 | 0xc3 | 0xe0..=0xff => pos + 1,
            0xa0..=0xbf => str_end(buf, pos + 1, usize::from(b & 0x1f))?,
            0x90..=0x9f => container_end(buf, pos + 1, u32::from(b & 0x0f), false, levels, items)?,
            0x80..=0x8f => container_end(buf, pos + 1, u32::from(b & 0x0f), true, levels, items)?,
            _ => {
                let (head, len) = parse_head(buf.get(pos..)?).ok()?;
                let pos = pos + len;
                match head {
                    Head::Str(n) => str_end(buf, pos, n as usize)?,
                    Head::Bin(n) => pos.checked_add(n as usize).filter(|&e| e <= buf.len())?,
                    Head::Array(n) => container_end(buf, pos, n, false, levels, items)?,
                    Head::Map(n) => container_end(buf, pos, n, true, levels, items)?,
                    Head::Nil | Head::Bool(_) | Head::Int(_) | Head::UInt(_) | Head::Float(_) => {
                        pos
                    }
                }
            }
        };
    }
    Some(pos)
}

/// The fast walk of a whole message: its elements, or `None` if anything is wrong with it (or
/// it is not an array).
#[inline(always)]
fn fast_scan<'a, I: Copy>(
    buf: &'a [u8],
    limits: &Limits,
    wrap: &impl Fn(MsgpackItem<'a>) -> I,
    elems: &mut Elems<I>,
) -> Option<()> {
    if buf.len() > limits.max_size || limits.max_depth == 0 {
        return None;
    }
    let (Head::Array(len), mut pos) = parse_head(buf).ok()? else {
        return None;
    };
    // the levels left inside the message array, and the items counted as the reader does
    let levels = (limits.max_depth - 1).min(MAX_FAST_LEVELS);
    let mut items = u64::from(len);
    for _ in 0..len {
        let at = pos;
        let (head, n) = parse_head(buf.get(pos..)?).ok()?;
        pos += n;
        let body = pos;
        let val = match head {
            // Kept as the `str`: the accessors never check it again.
            Head::Str(len) => {
                pos = pos.checked_add(len as usize)?;
                Val::Str(core::str::from_utf8(buf.get(body..pos)?).ok()?)
            }
            Head::Bin(len) => {
                pos = pos.checked_add(len as usize)?;
                Val::Bin(buf.get(body..pos)?)
            }
            Head::Array(n) => {
                pos = container_end(buf, pos, n, false, levels, &mut items)?;
                Val::List(n, buf.get(body..pos)?)
            }
            Head::Map(n) => {
                pos = container_end(buf, pos, n, true, levels, &mut items)?;
                Val::Map(n, buf.get(body..pos)?)
            }
            scalar => scalar_val(scalar),
        };
        elems.push(wrap(MsgpackItem {
            bytes: buf.get(at..pos)?,
            val,
        }));
    }
    (pos == buf.len() && items <= limits.max_items as u64).then_some(())
}

/// Checks the next element of the message array in `buf` and returns it as an item that keeps
/// what the check decoded: its scalar, its string as the `str` just validated, its container's
/// length and body.
#[inline(always)]
fn element<'a>(r: &mut Reader<'_>, buf: &'a [u8]) -> Result<MsgpackItem<'a>, DecodeError> {
    let at = r.pos();
    let head = read_head(r, at)?;
    let body_at = r.pos();
    let val = match head {
        Head::Str(len) => {
            let bytes = r.take(u64::from(len), at)?;
            // Kept as the `str`: the accessors never check it again.
            let body = buf.get(body_at..body_at + bytes.len()).unwrap_or_default();
            Val::Str(r.utf8(body, body_at)?)
        }
        Head::Bin(len) => {
            let n = r.take(u64::from(len), at)?.len();
            Val::Bin(buf.get(body_at..body_at + n).unwrap_or_default())
        }
        Head::Array(len) => {
            skip_list(r, len, at)?;
            Val::List(len, buf.get(body_at..r.pos()).unwrap_or_default())
        }
        Head::Map(len) => {
            skip_map(r, len, at)?;
            Val::Map(len, buf.get(body_at..r.pos()).unwrap_or_default())
        }
        scalar => scalar_val(scalar),
    };
    Ok(MsgpackItem {
        bytes: buf.get(at..r.pos()).unwrap_or_default(),
        val,
    })
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

/// What an item's head says, decoded once (by the scan, or when a list or map of a checked
/// buffer hands the item out): the accessors only match on it.
#[derive(Debug, Clone, Copy)]
enum Val<'a> {
    Nil,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    /// A string the scan validated and kept as a `str` (a top-level element).
    Str(&'a str),
    /// A string inside a list or map: checked as UTF-8 by the scan, borrowed as a `str` (which
    /// safe code must check again) only when asked for.
    StrBytes(&'a [u8]),
    Bin(&'a [u8]),
    /// A list of this many items, and the bytes after its head.
    List(u32, &'a [u8]),
    /// A map of this many entries, and the bytes after its head.
    Map(u32, &'a [u8]),
}

/// The value of a scalar's head (`Nil` for a string's or container's, which have a body).
#[inline(always)]
fn scalar_val<'a>(head: Head) -> Val<'a> {
    match head {
        Head::Bool(b) => Val::Bool(b),
        Head::Int(i) => Val::Int(i),
        Head::UInt(u) => Val::UInt(u),
        Head::Float(f) => Val::Float(f),
        Head::Nil | Head::Str(_) | Head::Bin(_) | Head::Array(_) | Head::Map(_) => Val::Nil,
    }
}

/// One MessagePack value in a buffer that [`scan_message`] checked, read in place.
///
/// It holds exactly the value's encoding ([`MsgpackItem::bytes`]) and what its head says,
/// decoded: its accessors cost a `match`. Strings and byte strings are borrowed from the input.
#[derive(Debug, Clone, Copy)]
pub struct MsgpackItem<'a> {
    bytes: &'a [u8],
    val: Val<'a>,
}

impl<'a> MsgpackItem<'a> {
    /// The value's exact encoding, to forward it without decoding it.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }
}

/// The first value in `buf` (checked) as an item, and the bytes after it.
#[inline]
fn split_item(buf: &[u8]) -> (MsgpackItem<'_>, &[u8]) {
    // The bytes were checked, so the head reads; a `nil` over the rest stands in for the
    // impossible.
    let (head, n) = parse_head(buf).unwrap_or((Head::Nil, buf.len()));
    let rest = buf.get(n..).unwrap_or_default();
    let (val, body_len) = match head {
        Head::Str(len) => {
            let body = rest.get(..len as usize).unwrap_or(rest);
            (Val::StrBytes(body), body.len())
        }
        Head::Bin(len) => {
            let body = rest.get(..len as usize).unwrap_or(rest);
            (Val::Bin(body), body.len())
        }
        Head::Array(len) => {
            let body_len = values_len(rest, u64::from(len));
            (
                Val::List(len, rest.get(..body_len).unwrap_or(rest)),
                body_len,
            )
        }
        Head::Map(len) => {
            let body_len = values_len(rest, 2 * u64::from(len));
            (
                Val::Map(len, rest.get(..body_len).unwrap_or(rest)),
                body_len,
            )
        }
        scalar => (scalar_val(scalar), 0),
    };
    let (item, rest) = buf.split_at((n + body_len).min(buf.len()));
    (MsgpackItem { bytes: item, val }, rest)
}

/// The length of the encoding of the `pending` (checked) values at the start of `buf`. A count
/// of the values still to pass replaces recursion: an array adds its items, a map twice its
/// entries.
fn values_len(buf: &[u8], mut pending: u64) -> usize {
    let mut pos = 0;
    while pending > 0 {
        pending -= 1;
        let Ok((head, n)) = parse_head(buf.get(pos..).unwrap_or_default()) else {
            return buf.len();
        };
        pos += n;
        match head {
            Head::Str(len) | Head::Bin(len) => pos += len as usize,
            Head::Array(len) => pending += u64::from(len),
            Head::Map(len) => pending += 2 * u64::from(len),
            _ => {}
        }
    }
    pos.min(buf.len())
}

/// The items of a [`MsgpackItem`] list, in order.
#[derive(Debug, Clone)]
pub struct MsgpackList<'a> {
    rest: &'a [u8],
    left: u32,
}

impl<'a> Iterator for MsgpackList<'a> {
    type Item = MsgpackItem<'a>;

    #[inline]
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

impl ExactSizeIterator for MsgpackList<'_> {}

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
        // A key is a string (the scan checked it): its head and body, without an item.
        let (key, rest) = match parse_head(self.rest) {
            Ok((Head::Str(len), n)) => {
                let rest = self.rest.get(n..).unwrap_or_default();
                rest.split_at((len as usize).min(rest.len()))
            }
            _ => (&[][..], &[][..]),
        };
        let (value, rest) = split_item(rest);
        self.rest = rest;
        Some((key, value))
    }
}

impl<'a> Iterator for MsgpackMap<'a> {
    type Item = (Cow<'a, str>, MsgpackItem<'a>);

    #[inline]
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

impl ExactSizeIterator for MsgpackMap<'_> {}

impl<'a> Item<'a> for MsgpackItem<'a> {
    type List = MsgpackList<'a>;
    type Map = MsgpackMap<'a>;

    #[inline]
    fn kind(&self) -> Kind {
        match self.val {
            Val::Nil => Kind::Null,
            Val::Bool(_) => Kind::Bool,
            Val::Int(_) | Val::UInt(_) => Kind::Int,
            Val::Float(_) => Kind::Float,
            Val::Str(_) | Val::StrBytes(_) => Kind::Str,
            Val::Bin(_) => Kind::Bytes,
            Val::List(..) => Kind::List,
            Val::Map(..) => Kind::Map,
        }
    }

    #[inline]
    fn as_bool(&self) -> Option<bool> {
        match self.val {
            Val::Bool(b) => Some(b),
            _ => None,
        }
    }

    #[inline]
    fn as_int(&self) -> Option<i128> {
        match self.val {
            Val::Int(i) => Some(i128::from(i)),
            Val::UInt(u) => Some(i128::from(u)),
            _ => None,
        }
    }

    #[inline]
    fn as_f64(&self) -> Option<f64> {
        match self.val {
            Val::Float(f) => Some(f),
            _ => None,
        }
    }

    #[inline]
    fn as_str(&self) -> Option<Cow<'a, str>> {
        match self.val {
            Val::Str(s) => Some(Cow::Borrowed(s)),
            Val::StrBytes(b) => core::str::from_utf8(b).ok().map(Cow::Borrowed),
            _ => None,
        }
    }

    #[inline]
    fn as_bytes(&self) -> Option<Cow<'a, [u8]>> {
        match self.val {
            Val::Bin(b) => Some(Cow::Borrowed(b)),
            _ => None,
        }
    }

    #[inline]
    fn list(&self) -> Option<MsgpackList<'a>> {
        match self.val {
            Val::List(left, rest) => Some(MsgpackList { rest, left }),
            _ => None,
        }
    }

    #[inline]
    fn map(&self) -> Option<MsgpackMap<'a>> {
        match self.val {
            Val::Map(left, rest) => Some(MsgpackMap { rest, left }),
            _ => None,
        }
    }

    fn to_value(&self) -> Value {
        // The owned decoder itself, so that the value is the one it would have built.
        read_value(&mut Reader::checked(FORMAT, self.bytes)).unwrap_or_default()
    }

    #[inline]
    fn item_count(&self) -> Option<usize> {
        self.len_hint()
    }

    #[inline]
    fn len_hint(&self) -> Option<usize> {
        match self.val {
            Val::List(n, _) | Val::Map(n, _) => Some(n as usize),
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
/// [`value_encode_into`](super::value_encode_into) writes the same values: it writes each in
/// place with the encoder's own writers.
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

/// The longest head of a length: a marker and a 32-bit length.
const MAX_LEN_HEAD: usize = 5;
/// The longest fixstr: its head and 31 bytes.
const MAX_FIXSTR: usize = 32;
/// The longest integer or float: a marker and eight bytes.
const MAX_SCALAR: usize = 9;

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

    /// Whether `len` fits a head of `forms`; if not, the error is kept (the first one) and the
    /// value is not written: the writers must not be given a length they would poison.
    #[inline(always)]
    fn fits(&mut self, forms: &LenForms, len: usize) -> bool {
        if u32::try_from(len).is_ok() {
            return true;
        }
        self.too_long(forms, len);
        false
    }

    /// The head of a list or map of `len` items, in place.
    #[inline(always)]
    fn len_head(&mut self, forms: &LenForms, len: usize) {
        if self.fits(forms, len) {
            write_in_place(self.out, MAX_LEN_HEAD, |buf, pos| {
                write_len_head(buf, pos, forms, len)
            });
        }
    }

    /// A string of 32 bytes or more, out of line: its room is zeroed for its length.
    #[inline(never)]
    fn long_str(&mut self, utf8: &[u8]) {
        if self.fits(&STR, utf8.len()) {
            write_in_place(self.out, MAX_LEN_HEAD + utf8.len(), |buf, pos| {
                write_str(buf, pos, utf8)
            });
        }
    }

    #[cold]
    #[inline(never)]
    fn too_long(&mut self, forms: &LenForms, len: usize) {
        if let Err(e) = check_len(forms, len) {
            self.error.get_or_insert(e);
        }
    }
}

impl Emit for MsgpackWriter<'_> {
    #[inline]
    fn position(&self) -> usize {
        self.out.len()
    }

    #[inline]
    fn null(&mut self) {
        self.out.push(NIL);
    }

    #[inline]
    fn bool(&mut self, b: bool) {
        self.out.push(if b { TRUE } else { FALSE });
    }

    // always inlined: a fan-out stamps each event's subscription ID through it alone
    #[inline(always)]
    fn int(&mut self, i: i128) {
        // As `value_encode_into` writes `Int` and `UInt`: the unsigned family from zero up.
        if let Ok(u) = u64::try_from(i) {
            write_in_place(self.out, MAX_SCALAR, |buf, pos| write_uint(buf, pos, u));
        } else if let Ok(n) = i64::try_from(i) {
            write_in_place(self.out, MAX_SCALAR, |buf, pos| write_negative(buf, pos, n));
        } else {
            self.error.get_or_insert(EncodeError::Unrepresentable {
                format: FORMAT,
                what: format!("the integer {i} (outside the i64 and u64 ranges)"),
            });
        }
    }

    #[inline]
    fn f64(&mut self, f: f64) {
        write_in_place(self.out, MAX_SCALAR, |buf, pos| write_f64(buf, pos, f));
    }

    #[inline]
    fn str(&mut self, s: &str) {
        self.utf8_str(s.as_bytes());
    }

    #[inline]
    fn utf8_str(&mut self, utf8: &[u8]) {
        if utf8.len() < STR.fix_limit {
            // a fixed room, zeroed with a few stores rather than a call to `memset`
            write_in_place(self.out, MAX_FIXSTR, |buf, pos| write_str(buf, pos, utf8));
        } else {
            self.long_str(utf8);
        }
    }

    #[inline]
    fn bytes(&mut self, b: &[u8]) {
        if self.fits(&BIN, b.len()) {
            write_in_place(self.out, MAX_LEN_HEAD + b.len(), |buf, pos| {
                write_bin(buf, pos, b)
            });
        }
    }

    #[inline]
    fn begin_list(&mut self, len: usize) {
        self.len_head(&ARRAY, len);
    }

    #[inline]
    fn end_list(&mut self) {}

    #[inline]
    fn begin_map(&mut self, len: usize) {
        self.len_head(&MAP, len);
    }

    #[inline]
    fn key(&mut self, k: &str) {
        self.utf8_str(k.as_bytes());
    }

    #[inline]
    fn utf8_key(&mut self, utf8: &[u8]) {
        self.utf8_str(utf8);
    }

    #[inline]
    fn end_map(&mut self) {}

    #[inline]
    fn raw(&mut self, encoded: &[u8]) {
        self.out.extend_from_slice(encoded);
    }
}

/// The item of one element's bytes, checked as part of its message (for
/// [`crate::view::MessageBytes`]).
pub(crate) fn checked_item(element: &[u8]) -> Option<MsgpackItem<'_>> {
    Some(split_item(element).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever the fast walk accepts, the precise walk accepts with the same elements, under
    /// tight limits too and for every prefix; and the fast walk does take the usual messages.
    #[test]
    fn fast_walk_agrees_with_the_precise_walk() {
        let hex = |s: &str| -> Vec<u8> {
            s.split_whitespace()
                .map(|b| u8::from_str_radix(b, 16).unwrap())
                .collect()
        };
        let usual = [
            // [16, 239714735, {}, "com.t", ["Hi", 42], {"c": "o", "s": [23, 42, 7]}]
            "96 10 ce 0e 49 d9 af 80 a5 63 6f 6d 2e 74 92 a2 48 69 2a 82 a1 63 a1 6f a1 73 93 17 2a 07",
            // [48, 1, {"x": nil}, "p", [], {}] with a str8 key and a bin8 value
            "96 30 01 81 d9 01 78 c4 02 00 ff a1 70 90 80",
        ];
        let other = [
            // a non-string key, an ext type, the reserved byte, a bad UTF-8 string
            "93 01 81 01 02 03",
            "92 01 d4 01 00",
            "92 01 c1",
            "92 01 a2 c3 28",
            // UTF-8 that is not ASCII, nested lists and maps, floats, wide ints
            "94 a2 c3 a9 91 91 91 81 a1 6b 92 cb 3f f0 00 00 00 00 00 00 cf ff ff ff ff ff ff ff ff d3 80 00 00 00 00 00 00 00",
            // array16 and map16 heads, a str16, a bin16, trailing bytes
            "92 dc 00 01 de 00 01 a1 6b da 00 01 61 c5 00 01 00",
            "91 01 00",
            "81 a1 6b 01",
            // empty containers, at the top and nested
            "93 01 80 91 90",
        ];
        let limits = [
            Limits::DEFAULT,
            Limits {
                max_depth: 2,
                ..Limits::DEFAULT
            },
            Limits {
                max_depth: 3,
                max_items: 9,
                ..Limits::DEFAULT
            },
            Limits {
                max_items: 6,
                max_size: 20,
                ..Limits::DEFAULT
            },
            Limits {
                max_depth: 1,
                ..Limits::DEFAULT
            },
            Limits {
                max_depth: 0,
                ..Limits::DEFAULT
            },
        ];
        let spans = |e: &Elems<MsgpackItem<'_>>| -> Vec<Option<Vec<u8>>> {
            (0..e.len())
                .map(|i| e.get(i).map(|x| x.bytes().to_vec()))
                .collect()
        };
        for input in usual.iter().chain(&other).map(|s| hex(s)) {
            for l in &limits {
                for end in 0..=input.len() {
                    let buf = &input[..end];
                    let mut fast = Elems::new();
                    if fast_scan(buf, l, &|i| i, &mut fast).is_none() {
                        continue;
                    }
                    let precise = precise_scan(buf, l, &|i| i)
                        .unwrap_or_else(|e| panic!("{buf:02x?} {l:?}: fast accepts, precise: {e}"));
                    assert_eq!(spans(&fast), spans(&precise), "{buf:02x?}");
                }
            }
        }
        for input in usual.iter().map(|s| hex(s)) {
            let mut elems = Elems::new();
            assert!(fast_scan(&input, &Limits::DEFAULT, &|i| i, &mut elems).is_some());
        }
    }
}
