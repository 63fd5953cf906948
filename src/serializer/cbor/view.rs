//! CBOR read in place and written value by value: [`scan_message`] checks a whole message as
//! the owned decoder does and returns its elements as [`CborItem`]s, borrowed from the input;
//! [`CborWriter`] is the [`Emit`] that writes CBOR.
//!
//! The scanner reads heads, tags, simple values, lengths, chunks and map keys with the owned
//! decoder's own functions (`read_head`, `for_each_chunk`, `read_key_head`) through the
//! same `Reader` and its limit accounting, so that both fail on the same input with the same
//! error; it differs only where the owned decoder builds a value: strings are checked as UTF-8
//! and not copied, and lists and maps are walked and not collected. The items re-read the
//! checked bytes through the same heads, so they classify every item as the owned decoder does
//! (bignums are integers, half floats floats); their [`Item::to_value`] is the owned decoder
//! itself.

use crate::bytewise::is_ascii;
use std::borrow::Cow;

use super::{
    f16_to_f64, float_special, for_each_chunk, read_head, read_key_head, read_value, write_head,
    write_text, Head, BREAK, FORMAT,
};
use crate::error::{DecodeError, EncodeError};
use crate::serializer::bytes_reader::Reader;
use crate::serializer::elements::not_a_list;
use crate::serializer::scratch::write_in_place;
use crate::serializer::Limits;
use crate::value::Value;
use crate::view::item::{Elems, Emit, Item, Kind};

/// Checks `buf` as [`from_slice_with_limits`](super::from_slice_with_limits) does before it
/// parses the message (syntax, UTF-8, tags, trailing bytes, and `limits` counted alike) and
/// returns the top-level array's elements, read in place: nothing is allocated unless it fails.
///
/// Self-describe tags (55799) before the array are skipped, in any encoding. It fails exactly
/// where the owned decoder fails before its parse step, with an equal error; a value that is
/// not an array is checked whole first and then rejected as the owned decoder rejects it
/// (`invalid type dict for WAMP message`).
pub fn scan_message<'a>(
    buf: &'a [u8],
    limits: &Limits,
) -> Result<Elems<CborItem<'a>>, DecodeError> {
    scan_message_with(buf, limits, |item| item)
}

/// [`scan_message`], each element wrapped by `wrap` as it is found (into the unified
/// [`ItemRef`](crate::view::ItemRef), without a second pass over the elements).
///
/// A fast walk checks the message first, with no error to build, for the common encodings
/// (definite lengths, no tags, the usual simple values): it accepts only what the precise
/// walk (the owned decoder's reads through its `Reader`) accepts, and whenever it meets
/// anything else or fails, the precise walk runs, to accept it or fail with the owned
/// decoder's error.
#[inline]
pub fn scan_message_with<'a, I: Copy>(
    buf: &'a [u8],
    limits: &Limits,
    wrap: impl Fn(CborItem<'a>) -> I,
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
    wrap: impl Fn(CborItem<'a>) -> I,
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
    wrap: &impl Fn(CborItem<'a>) -> I,
) -> Result<Elems<I>, DecodeError> {
    let mut r = Reader::new(FORMAT, buf, limits)?;
    let (start, head) = read_head(&mut r)?;
    let Head::Array(len) = head else {
        skip_from_head(&mut r, head, start)?;
        r.finish()?;
        return Err(not_a_list(kind_of(head).type_name()));
    };
    r.enter()?;
    r.claim(len, 1, start)?;
    let mut elems = Elems::new();
    match len {
        Some(n) => {
            for _ in 0..n {
                element(&mut r, buf, &mut elems, wrap)?;
            }
        }
        None => {
            while !r.at_break(BREAK) {
                r.claim(Some(1), 1, r.pos())?;
                element(&mut r, buf, &mut elems, wrap)?;
            }
        }
    }
    r.leave();
    r.finish()?;
    Ok(elems)
}

/// Checks the next element of the message array in `buf` and appends it to `elems`. A
/// function inlined into both loops, where a closure was a call per element.
#[inline(always)]
fn element<'a, I: Copy>(
    r: &mut Reader<'_>,
    buf: &'a [u8],
    elems: &mut Elems<I>,
    wrap: &impl Fn(CborItem<'a>) -> I,
) -> Result<(), DecodeError> {
    let at = r.pos();
    skip_value(r)?;
    let (item, _) = split_item(buf.get(at..r.pos()).unwrap_or_default());
    elems.push(wrap(item));
    Ok(())
}

// ---- the fast walk ----

/// The fast walk: a position and what is left of the depth and item budgets (counted as the
/// [`Reader`] counts them), and `None` for any failure or any encoding it leaves to the
/// precise walk.
struct Fast<'a> {
    buf: &'a [u8],
    pos: usize,
    depth_left: usize,
    items_left: usize,
}

impl<'a> Fast<'a> {
    /// A head with a definite argument (no tag, no indefinite length): its major type, its
    /// additional information and its argument.
    #[inline(always)]
    fn head(&mut self) -> Option<(u8, u8, u64)> {
        let b = *self.buf.get(self.pos)?;
        let (major, info) = (b >> 5, b & 0x1f);
        let (arg, n) = match info {
            0..=23 => (u64::from(info), 1),
            24 => (u64::from(*self.buf.get(self.pos + 1)?), 2),
            25 => (u64::from(u16::from_be_bytes(self.following()?)), 3),
            26 => (u64::from(u32::from_be_bytes(self.following()?)), 5),
            27 => (u64::from_be_bytes(self.following()?), 9),
            _ => return None,
        };
        self.pos += n;
        Some((major, info, arg))
    }

    #[inline(always)]
    fn following<const N: usize>(&self) -> Option<[u8; N]> {
        self.buf
            .get(self.pos + 1..)
            .and_then(<[u8]>::first_chunk::<N>)
            .copied()
    }

    #[inline(always)]
    fn take(&mut self, len: u64) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(usize::try_from(len).ok()?)?;
        let bytes = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(bytes)
    }

    /// A text string's content checked as UTF-8 (most are ASCII, which [`is_ascii`] confirms
    /// a few words at a time).
    #[inline(always)]
    fn text(&mut self, len: u64) -> Option<()> {
        let bytes = self.take(len)?;
        (is_ascii(bytes) || core::str::from_utf8(bytes).is_ok()).then_some(())
    }

    /// Enters an array or map of `n` items of at least `min_size` bytes: the reader's `enter`
    /// and `claim`.
    #[inline(always)]
    fn open(&mut self, n: u64, min_size: u64) -> Option<()> {
        self.depth_left = self.depth_left.checked_sub(1)?;
        let left = (self.buf.len() - self.pos) as u64;
        if n > left / min_size {
            return None;
        }
        self.items_left = self.items_left.checked_sub(usize::try_from(n).ok()?)?;
        Some(())
    }

    #[inline(always)]
    fn value(&mut self) -> Option<()> {
        let (major, info, arg) = self.head()?;
        match major {
            0 => Some(()),
            1 => (arg <= i64::MAX as u64).then_some(()),
            2 => self.take(arg).map(drop),
            3 => self.text(arg),
            4 => self.array(arg),
            5 => self.map(arg),
            6 => None,
            _ => matches!(info, 20..=22 | 25..=27).then_some(()),
        }
    }

    fn array(&mut self, mut n: u64) -> Option<()> {
        self.open(n, 1)?;
        while n > 0 {
            n -= 1;
            self.value()?;
        }
        self.depth_left += 1;
        Some(())
    }

    fn map(&mut self, mut n: u64) -> Option<()> {
        self.open(n, 2)?;
        while n > 0 {
            n -= 1;
            match self.head()? {
                (3, _, len) => self.text(len)?,
                _ => return None,
            }
            self.value()?;
        }
        self.depth_left += 1;
        Some(())
    }
}

/// The fast walk of a whole message: its elements, or `None` if anything is wrong with it,
/// it is not an array, or it uses an encoding left to the precise walk.
#[inline(always)]
fn fast_scan<'a, I: Copy>(
    buf: &'a [u8],
    limits: &Limits,
    wrap: &impl Fn(CborItem<'a>) -> I,
    elems: &mut Elems<I>,
) -> Option<()> {
    if buf.len() > limits.max_size {
        return None;
    }
    let mut f = Fast {
        buf,
        pos: 0,
        depth_left: limits.max_depth,
        items_left: limits.max_items,
    };
    let (4, _, len) = f.head()? else {
        return None;
    };
    f.open(len, 1)?;
    for _ in 0..len {
        let at = f.pos;
        let (major, info, arg) = f.head()?;
        let head = u32::try_from(f.pos - at).ok()?;
        let val = match major {
            0 => Val::UInt(arg),
            1 => Val::Int(-1 - i64::try_from(arg).ok()?),
            2 => Val::Bytes(f.take(arg)?),
            // Kept as the `str`: the accessors never check it again.
            3 => Val::Str(core::str::from_utf8(f.take(arg)?).ok()?),
            4 => {
                f.array(arg)?;
                Val::List { head, len: arg }
            }
            5 => {
                f.map(arg)?;
                Val::Map { head, len: arg }
            }
            6 => return None,
            _ => match info {
                20 => Val::Bool(false),
                21 => Val::Bool(true),
                22 => Val::Null,
                25 => Val::Float(f16_to_f64(arg as u16)),
                26 => Val::Float(f64::from(f32::from_bits(arg as u32))),
                27 => Val::Float(f64::from_bits(arg)),
                _ => return None,
            },
        };
        elems.push(wrap(CborItem {
            bytes: buf.get(at..f.pos)?,
            val,
        }));
    }
    (f.pos == buf.len()).then_some(())
}

// ---- the checked walk: the owned decoder's reads, with nothing built ----

/// Checks the data item at the reader's position and moves past it. Inlined into the loops of
/// arrays and maps, so that only a nested array or map costs a call.
#[inline(always)]
pub(super) fn skip_value(r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let (start, head) = read_head(r)?;
    skip_from_head(r, head, start)
}

/// Checks what follows the head (at `start`) just read, as the owned decoder reads it.
#[inline(always)]
fn skip_from_head(r: &mut Reader<'_>, head: Head, start: usize) -> Result<(), DecodeError> {
    match head {
        Head::Bytes(Some(n)) => r.take(n, start).map(drop),
        Head::Text(len) => skip_text(r, len, start),
        Head::Bytes(None) => for_each_chunk(r, 2, |_, _, _| Ok(())),
        Head::Array(len) => skip_list(r, len, start),
        Head::Map(len) => skip_map(r, len, start),
        Head::Int(_) | Head::UInt(_) | Head::Float(_) | Head::Bool(_) | Head::Null => Ok(()),
    }
}

/// The content of a text string of `len` bytes (at `start`), checked as UTF-8: a definite one
/// whole, an indefinite one chunk by chunk, as the owned decoder checks it.
#[inline(always)]
fn skip_text(r: &mut Reader<'_>, len: Option<u64>, start: usize) -> Result<(), DecodeError> {
    match len {
        Some(n) => {
            let at = r.pos();
            let bytes = r.take(n, start)?;
            r.check_utf8(bytes, at)
        }
        None => for_each_chunk(r, 3, |r, chunk, at| r.check_utf8(chunk, at)),
    }
}

// Out of line, as the owned decoder's `read_list` and `read_map`: the scalars' path stays
// small.

#[inline(never)]
fn skip_list(r: &mut Reader<'_>, len: Option<u64>, start: usize) -> Result<(), DecodeError> {
    r.enter()?;
    r.claim(len, 1, start)?;
    match len {
        Some(n) => {
            for _ in 0..n {
                skip_value(r)?;
            }
        }
        None => {
            while !r.at_break(BREAK) {
                r.claim(Some(1), 1, r.pos())?;
                skip_value(r)?;
            }
        }
    }
    r.leave();
    Ok(())
}

#[inline(never)]
fn skip_map(r: &mut Reader<'_>, len: Option<u64>, start: usize) -> Result<(), DecodeError> {
    r.enter()?;
    r.claim(len, 2, start)?;
    match len {
        Some(n) => {
            for _ in 0..n {
                entry(r)?;
            }
        }
        None => {
            while !r.at_break(BREAK) {
                r.claim(Some(1), 2, r.pos())?;
                entry(r)?;
            }
        }
    }
    r.leave();
    Ok(())
}

/// Checks one map entry: a text key, then any value. Inlined into both loops of
/// [`skip_map`], where a closure was a call per entry.
#[inline(always)]
fn entry(r: &mut Reader<'_>) -> Result<(), DecodeError> {
    let (key_len, key_start) = read_key_head(r)?;
    skip_text(r, key_len, key_start)?;
    skip_value(r)
}

/// The kind of value a head begins.
fn kind_of(head: Head) -> Kind {
    match head {
        Head::Null => Kind::Null,
        Head::Bool(_) => Kind::Bool,
        Head::Int(_) | Head::UInt(_) => Kind::Int,
        Head::Float(_) => Kind::Float,
        Head::Text(_) => Kind::Str,
        Head::Bytes(_) => Kind::Bytes,
        Head::Array(_) => Kind::List,
        Head::Map(_) => Kind::Map,
    }
}

// ---- the items ----

/// The length of an array or map that has none in its head (indefinite: up to a break).
const INDEFINITE: u64 = u64::MAX;

/// What an item's head says, decoded once (by the scan, or when an array or map of a checked
/// buffer hands the item out): the accessors only match on it.
#[derive(Debug, Clone, Copy)]
enum Val<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    /// A definite-length text string the scan validated and kept as a `str`.
    Str(&'a str),
    /// A definite-length text string checked as UTF-8 by the scan, borrowed as a `str` (which
    /// safe code must check again) only when asked for.
    StrBytes(&'a [u8]),
    /// A definite-length byte string.
    Bytes(&'a [u8]),
    /// An indefinite-length string of major type 2 or 3, its chunks read when asked for.
    Chunked(u8),
    /// An array of `len` items ([`INDEFINITE`]: up to a break), after `head` bytes (its head
    /// and tags).
    List {
        head: u32,
        len: u64,
    },
    /// A map of `len` entries, as [`Val::List`].
    Map {
        head: u32,
        len: u64,
    },
}

/// One CBOR data item in a buffer that [`scan_message`] checked, read in place.
///
/// It holds exactly the item's encoding ([`CborItem::bytes`]), tags included, and what its
/// head says, decoded: its accessors cost a `match`. Definite-length strings and byte strings
/// are borrowed from it, indefinite-length ones joined into an owned `Cow`.
#[derive(Debug, Clone, Copy)]
pub struct CborItem<'a> {
    bytes: &'a [u8],
    val: Val<'a>,
}

impl<'a> CborItem<'a> {
    /// The item's exact encoding (its tags included), to forward it without decoding it.
    pub fn bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The content of an indefinite-length string of major type `major`: its chunks joined.
    fn chunks(&self, major: u8) -> Option<Vec<u8>> {
        match self.val {
            Val::Chunked(m) if m == major => {}
            _ => return None,
        }
        let mut r = Reader::checked(FORMAT, self.bytes);
        read_head(&mut r).ok()?;
        let mut joined = Vec::new();
        let _ = for_each_chunk(&mut r, major, |_, chunk, _| {
            joined.extend_from_slice(chunk);
            Ok(())
        });
        Some(joined)
    }

    /// The items or entries of an array or map: the bytes after its head, and its length.
    #[inline]
    fn children(&self, as_map: bool) -> Option<Children<'a>> {
        let (head, len) = match (self.val, as_map) {
            (Val::List { head, len }, false) | (Val::Map { head, len }, true) => (head, len),
            _ => return None,
        };
        let rest = self.bytes.get(head as usize..).unwrap_or_default();
        let left = (len != INDEFINITE).then_some(len);
        Some(Children { rest, left })
    }
}

/// The first (checked) data item in `buf` as an item, and the bytes after it.
#[inline]
fn split_item(buf: &[u8]) -> (CborItem<'_>, &[u8]) {
    let mut r = Reader::checked(FORMAT, buf);
    // The bytes were checked, so they read; a `null` over the rest stands in for the
    // impossible.
    let (val, end) = match read_head(&mut r) {
        Ok((_, head)) => {
            let at = r.pos();
            let val = match head {
                Head::Null => Val::Null,
                Head::Bool(b) => Val::Bool(b),
                Head::Int(i) => Val::Int(i),
                Head::UInt(u) => Val::UInt(u),
                Head::Float(f) => Val::Float(f),
                Head::Text(Some(n)) => Val::StrBytes(r.take(n, 0).unwrap_or_default()),
                Head::Bytes(Some(n)) => Val::Bytes(r.take(n, 0).unwrap_or_default()),
                Head::Text(None) => Val::Chunked(3),
                Head::Bytes(None) => Val::Chunked(2),
                Head::Array(len) => Val::List {
                    head: u32::try_from(at).unwrap_or(u32::MAX),
                    len: len.unwrap_or(INDEFINITE),
                },
                Head::Map(len) => Val::Map {
                    head: u32::try_from(at).unwrap_or(u32::MAX),
                    len: len.unwrap_or(INDEFINITE),
                },
            };
            // A definite string's content was taken above.
            let passed = match head {
                Head::Text(Some(_)) | Head::Bytes(Some(_)) => Some(()),
                _ => pass_body(&mut r, head),
            };
            let end = match passed {
                Some(()) => r.pos(),
                None => buf.len(),
            };
            (val, end)
        }
        Err(_) => (Val::Null, buf.len()),
    };
    let (item, rest) = buf.split_at(end.min(buf.len()));
    (CborItem { bytes: item, val }, rest)
}

/// Moves past the (checked) data item at the reader's position; `None` only for bytes that
/// were not checked. Recursive, to a depth the scan's limit bounded.
fn pass_checked(r: &mut Reader<'_>) -> Option<()> {
    let (_, head) = read_head(r).ok()?;
    pass_body(r, head)
}

/// Moves past what follows the head just read (of a checked data item).
fn pass_body(r: &mut Reader<'_>, head: Head) -> Option<()> {
    match head {
        Head::Bytes(Some(n)) | Head::Text(Some(n)) => drop(r.take(n, 0).ok()?),
        Head::Bytes(None) => for_each_chunk(r, 2, |_, _, _| Ok(())).ok()?,
        Head::Text(None) => for_each_chunk(r, 3, |_, _, _| Ok(())).ok()?,
        Head::Array(Some(n)) => (0..n).try_for_each(|_| pass_checked(r))?,
        Head::Map(Some(n)) => (0..n).try_for_each(|_| {
            pass_checked(r)?;
            pass_checked(r)
        })?,
        Head::Array(None) => {
            while !r.at_break(BREAK) {
                pass_checked(r)?;
            }
        }
        Head::Map(None) => {
            while !r.at_break(BREAK) {
                pass_checked(r)?;
                pass_checked(r)?;
            }
        }
        Head::Int(_) | Head::UInt(_) | Head::Float(_) | Head::Bool(_) | Head::Null => {}
    }
    Some(())
}

/// The items after an array's or map's head: `left` of them, or up to the break.
#[derive(Debug, Clone)]
struct Children<'a> {
    rest: &'a [u8],
    left: Option<u64>,
}

impl<'a> Children<'a> {
    /// The next item, if the array or map has one more.
    #[inline]
    fn next_item(&mut self) -> Option<CborItem<'a>> {
        match &mut self.left {
            Some(left) => *left = left.checked_sub(1)?,
            None if self.rest.first() == Some(&BREAK) => return None,
            None => {}
        }
        let (item, rest) = split_item(self.rest);
        self.rest = rest;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match self.left {
            Some(n) => (n as usize, Some(n as usize)),
            None => (0, None),
        }
    }
}

/// The items of a [`CborItem`] array, in order.
#[derive(Debug, Clone)]
pub struct CborList<'a>(Children<'a>);

impl<'a> Iterator for CborList<'a> {
    type Item = CborItem<'a>;

    fn next(&mut self) -> Option<CborItem<'a>> {
        self.0.next_item()
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

/// The entries of a [`CborItem`] map, in order, a repeated key each time it occurs.
#[derive(Debug, Clone)]
pub struct CborMap<'a>(Children<'a>);

impl<'a> CborMap<'a> {
    /// The next entry's key item and value.
    #[inline]
    fn next_raw(&mut self) -> Option<(CborItem<'a>, CborItem<'a>)> {
        let key = self.0.next_item()?;
        // A map's entries come in pairs, so the value follows without a break.
        let (value, rest) = split_item(self.0.rest);
        self.0.rest = rest;
        Some((key, value))
    }
}

impl<'a> Iterator for CborMap<'a> {
    type Item = (Cow<'a, str>, CborItem<'a>);

    fn next(&mut self) -> Option<Self::Item> {
        let (key, value) = self.next_raw()?;
        Some((key.as_str().unwrap_or_default(), value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<'a> Item<'a> for CborItem<'a> {
    type List = CborList<'a>;
    type Map = CborMap<'a>;

    #[inline]
    fn kind(&self) -> Kind {
        match self.val {
            Val::Null => Kind::Null,
            Val::Bool(_) => Kind::Bool,
            Val::Int(_) | Val::UInt(_) => Kind::Int,
            Val::Float(_) => Kind::Float,
            Val::Str(_) | Val::StrBytes(_) | Val::Chunked(3) => Kind::Str,
            Val::Bytes(_) | Val::Chunked(_) => Kind::Bytes,
            Val::List { .. } => Kind::List,
            Val::Map { .. } => Kind::Map,
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
        // A string the scan did not keep as a `str` was checked as UTF-8 by it; safe code
        // must check again to make a `str` of it.
        match self.val {
            Val::Str(s) => Some(Cow::Borrowed(s)),
            Val::StrBytes(b) => core::str::from_utf8(b).ok().map(Cow::Borrowed),
            _ => String::from_utf8(self.chunks(3)?).ok().map(Cow::Owned),
        }
    }

    #[inline]
    fn as_bytes(&self) -> Option<Cow<'a, [u8]>> {
        match self.val {
            Val::Bytes(b) => Some(Cow::Borrowed(b)),
            _ => self.chunks(2).map(Cow::Owned),
        }
    }

    #[inline]
    fn list(&self) -> Option<CborList<'a>> {
        self.children(false).map(CborList)
    }

    #[inline]
    fn map(&self) -> Option<CborMap<'a>> {
        self.children(true).map(CborMap)
    }

    fn to_value(&self) -> Value {
        // The owned decoder itself, so that the value is the one it would have built.
        read_value(&mut Reader::checked(FORMAT, self.bytes)).unwrap_or_default()
    }

    fn item_count(&self) -> Option<usize> {
        match self.val {
            Val::List { len, .. } | Val::Map { len, .. } if len != INDEFINITE => {
                usize::try_from(len).ok()
            }
            Val::List { .. } => self.list().map(Iterator::count),
            Val::Map { .. } => self.map().map(Iterator::count),
            _ => None,
        }
    }

    #[inline]
    fn len_hint(&self) -> Option<usize> {
        match self.val {
            Val::List { len, .. } | Val::Map { len, .. } if len != INDEFINITE => {
                usize::try_from(len).ok()
            }
            _ => None,
        }
    }

    /// Compares a definite-length key's bytes without checking them as UTF-8 again.
    fn get(&self, key: &str) -> Option<CborItem<'a>> {
        let mut entries = self.map()?;
        let mut found = None;
        while let Some((k, v)) = entries.next_raw() {
            let matches = match k.val {
                Val::StrBytes(b) | Val::Bytes(b) => b == key.as_bytes(),
                Val::Str(s) => s == key,
                _ => k.chunks(3).is_some_and(|k| *k == *key.as_bytes()),
            };
            if matches {
                found = Some(v);
            }
        }
        found
    }
}

// ---- the writer ----

/// Writes CBOR value by value into a `Vec`, byte for byte as
/// [`value_encode_into`](super::value_encode_into) writes the same values (it uses the same head and
/// float functions): definite lengths, shortest heads, float64 but for NaN and the infinities.
///
/// A list or map is announced with its length and must be followed by exactly that many items
/// or entries. An integer outside the `i64` and `u64` ranges, which no [`Value`] holds, is
/// written as nothing and reported by [`CborWriter::finish`].
#[derive(Debug)]
pub struct CborWriter<'o> {
    out: &'o mut Vec<u8>,
    error: Option<EncodeError>,
}

impl<'o> CborWriter<'o> {
    /// A writer that appends to `out`.
    pub fn new(out: &'o mut Vec<u8>) -> CborWriter<'o> {
        CborWriter { out, error: None }
    }

    /// Ends the writing: the first value CBOR could not express here, if there was one (the
    /// bytes written are then not a valid encoding).
    pub fn finish(self) -> Result<(), EncodeError> {
        self.error.map_or(Ok(()), Err)
    }

    /// A head, by the encoder's own function, in place (a head is at most 9 bytes).
    #[inline]
    fn head(&mut self, major: u8, n: u64) {
        write_in_place(self.out, 9, |buf, pos| write_head(buf, pos, major, n));
    }

    /// A string (`major` 3) or byte string (2): a short one written with its head in one piece
    /// by the encoder's own function; a long one's bytes appended after its head, so that
    /// they are not first zeroed in place.
    #[inline]
    fn text(&mut self, major: u8, bytes: &[u8]) {
        if bytes.len() <= LONG_TEXT {
            write_in_place(self.out, 9 + bytes.len(), |buf, pos| {
                write_text(buf, pos, major, bytes)
            });
        } else {
            self.head(major, bytes.len() as u64);
            self.out.extend_from_slice(bytes);
        }
    }
}

/// The longest string [`CborWriter`] writes in place with its head.
const LONG_TEXT: usize = 64;

impl Emit for CborWriter<'_> {
    fn position(&self) -> usize {
        self.out.len()
    }

    fn null(&mut self) {
        self.out.push(0xf6);
    }

    fn bool(&mut self, b: bool) {
        self.out.push(if b { 0xf5 } else { 0xf4 });
    }

    fn int(&mut self, i: i128) {
        // As `value_encode_into` writes `Int` and `UInt`: major 0 from zero up, major 1 (-1 - n)
        // below.
        if let Ok(u) = u64::try_from(i) {
            self.head(0, u);
        } else if let Ok(n) = i64::try_from(i) {
            self.head(1, !(n as u64));
        } else {
            self.error.get_or_insert(EncodeError::Unrepresentable {
                format: FORMAT,
                what: format!("the integer {i} (outside the i64 and u64 ranges)"),
            });
        }
    }

    fn f64(&mut self, f: f64) {
        match float_special(f) {
            Some(half) => self.out.extend_from_slice(&half),
            None => {
                self.out.push(0xfb);
                self.out.extend_from_slice(&f.to_be_bytes());
            }
        }
    }

    fn str(&mut self, s: &str) {
        self.utf8_str(s.as_bytes());
    }

    fn utf8_str(&mut self, utf8: &[u8]) {
        self.text(3, utf8);
    }

    fn bytes(&mut self, b: &[u8]) {
        self.text(2, b);
    }

    fn begin_list(&mut self, len: usize) {
        self.head(4, len as u64);
    }

    fn end_list(&mut self) {}

    fn begin_map(&mut self, len: usize) {
        self.head(5, len as u64);
    }

    fn key(&mut self, k: &str) {
        self.utf8_str(k.as_bytes());
    }

    fn utf8_key(&mut self, utf8: &[u8]) {
        self.utf8_str(utf8);
    }

    fn end_map(&mut self) {}

    fn raw(&mut self, encoded: &[u8]) {
        self.out.extend_from_slice(encoded);
    }
}

/// Checks `buf` as exactly one CBOR value, as [`value_from_slice`](super::value_from_slice) would
/// (syntax, UTF-8, tags, trailing bytes, `limits`), and returns it read in place: how the CBOR
/// that a FlatBuffers message keeps its `args`/`kwargs` in is read without decoding it.
pub fn scan_value<'a>(buf: &'a [u8], limits: &Limits) -> Result<CborItem<'a>, DecodeError> {
    let mut r = Reader::new(FORMAT, buf, limits)?;
    skip_value(&mut r)?;
    r.finish()?;
    Ok(split_item(buf).0)
}

/// The item of one element's bytes, checked as part of its message (for
/// [`crate::view::MessageBytes`]).
pub(crate) fn checked_item(element: &[u8]) -> Option<CborItem<'_>> {
    Some(split_item(element).0)
}
