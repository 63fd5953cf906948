//! MessagePack, as autobahn writes and reads it (`wamp.2.msgpack`, RawSocket serializer 2),
//! through msgpack-python 1.2.4: `packb(obj, use_bin_type=True)` and `unpackb(raw=False)`.
//!
//! Writing reproduces msgpack-python's bytes exactly:
//! * integers in the shortest form, unsigned families (fixint, `cc`..`cf`) for values above
//!   zero and signed ones (negative fixint, `d0`..`d3`) below: 200 is `cc c8`, -33 is `d0 df`;
//! * floats always as float64 (`cb`);
//! * strings as fixstr/str8/str16/str32, bytes as bin8/bin16/bin32;
//! * fixarray/array16/array32, fixmap/map16/map32, keys in insertion order.
//!
//! Reading accepts nil, booleans, every integer and float width, str, bin, array and map, and
//! rejects, each with the byte offset: extension types (msgpack-python would return an
//! `ExtType` that WAMP cannot use), the never-used byte `c1`, invalid UTF-8, map keys that are
//! not strings (msgpack-python's `strict_map_key` also lets `bytes` keys through, but WAMP
//! dictionaries have string keys), and anything after the value.
//!
//! Duplicate map keys keep the first key's position and the last value, as a Python `dict` does.
//!
//! Batched mode (`msgpack.batched`) prefixes every message with its length as a 4-byte
//! big-endian integer, as CBOR's does (the framing is shared).

use crate::bytewise::copy_small;
use crate::error::{DecodeError, EncodeError};
use crate::message::{Head as MessageHead, HeadElement, PayloadRef};
use crate::messages::Message;
use crate::serializer::bytes_reader::Reader;
use crate::serializer::elements::{message_from_value, Elements};
use crate::serializer::frames;
use crate::serializer::scratch::{put, try_append, POISONED};
use crate::serializer::Limits;
use crate::value::{CompactString, Dict, Value};

mod transcode;
pub mod view;

pub(crate) use transcode::transcode;

const FORMAT: &str = "msgpack";

/// Serializes a message to MessagePack.
///
/// Fails only for a string, byte string, list or map of 2^32 or more elements, which
/// MessagePack cannot express (msgpack-python raises `ValueError`).
pub fn to_vec(msg: &Message) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(128);
    encode_into(msg, &mut out)?;
    Ok(out)
}

/// Appends a message's MessagePack to `out` (fails as [`to_vec`]; `out` is then unchanged).
pub fn encode_into(msg: &Message, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    // The payload is written from the message itself, not from a copy in the marshalled array.
    let (head, payload) = msg.encodable_parts()?;
    if try_append(out, |buf, pos| write_message(buf, pos, &head, payload)) {
        return Ok(());
    }
    Err(message_too_long_error(&head, payload))
}

/// Serializes `value` to MessagePack.
pub fn value_to_vec(value: &Value) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    value_encode_into(value, &mut out)?;
    Ok(out)
}

/// Appends the MessagePack of `v` to `out`, byte for byte as `msgpack.packb(v,
/// use_bin_type=True)` writes it.
///
/// Fails only for a length of 2^32 or more, which no MessagePack header can carry; `out` is
/// then unchanged.
pub fn value_encode_into(v: &Value, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    if try_append(out, |buf, pos| write_value(buf, pos, v)) {
        return Ok(());
    }
    Err(too_long_error(v))
}

// ---- the errors ----
//
// The one thing MessagePack cannot write, a length of 2^32 or more, makes its head's writer
// return `POISONED`; the caller then walks what it wrote, in the order written, for the first
// such length, to name it.

/// The error for a `len` that no head of `forms` can carry, if it is one.
fn check_len(forms: &LenForms, len: usize) -> Result<(), EncodeError> {
    match u32::try_from(len) {
        Ok(_) => Ok(()),
        Err(_) => Err(EncodeError::Unrepresentable {
            format: FORMAT,
            what: format!("a {} of {len} elements (at most 2^32-1)", forms.name),
        }),
    }
}

/// The error of a message whose writing was poisoned.
#[cold]
#[inline(never)]
fn message_too_long_error(head: &MessageHead<'_>, payload: PayloadRef<'_>) -> EncodeError {
    head.elements()
        .try_for_each(|element| match element {
            HeadElement::Value(v) => first_too_long(v),
            HeadElement::Int(_) => Ok(()),
            HeadElement::Str(s) => check_len(&STR, s.len()),
        })
        .and_then(|()| match payload {
            PayloadRef::None => Ok(()),
            PayloadRef::Bytes(b) => check_len(&BIN, b.len()),
            PayloadRef::Args(args) => list_too_long(args),
            PayloadRef::ArgsKwargs(args, kwargs) => {
                args.map_or(Ok(()), list_too_long)?;
                map_too_long(kwargs)
            }
            PayloadRef::StrOrBytesArgs(args, kwargs) => {
                first_too_long(args)?;
                kwargs.map_or(Ok(()), map_too_long)
            }
        })
        .expect_err("only a length of 2^32 or more poisons a MessagePack write")
}

/// The error of a `value` whose writing was poisoned.
#[cold]
#[inline(never)]
fn too_long_error(value: &Value) -> EncodeError {
    first_too_long(value).expect_err("only a length of 2^32 or more poisons a MessagePack write")
}

/// The first length in `v` that MessagePack cannot write, in the order written: a list's or
/// map's own before its items'.
fn first_too_long(v: &Value) -> Result<(), EncodeError> {
    match v {
        Value::Str(s) => check_len(&STR, s.len()),
        Value::Bytes(b) => check_len(&BIN, b.len()),
        Value::List(items) => list_too_long(items),
        Value::Map(map) => map_too_long(map),
        Value::Null | Value::Bool(_) | Value::Int(_) | Value::UInt(_) | Value::Float(_) => Ok(()),
    }
}

fn list_too_long(items: &[Value]) -> Result<(), EncodeError> {
    check_len(&ARRAY, items.len())?;
    items.iter().try_for_each(first_too_long)
}

fn map_too_long(map: &Dict) -> Result<(), EncodeError> {
    check_len(&MAP, map.len())?;
    map.iter().try_for_each(|(k, v)| {
        check_len(&STR, k.len())?;
        first_too_long(v)
    })
}

// ---- the encoder ----
//
// Position-passing writers, as `crate::serializer::scratch` describes, shared by the encoder
// (in a `Scratch`) and `view::MsgpackWriter` (in place). The one-byte forms, the two-byte
// heads and every unsigned integer are written inline, and a string below 32 bytes (a fixstr)
// with its head in one claim; the longer heads and negative integers, long strings and byte
// strings, and nested lists and maps, out of line.

/// The message's array: its head elements, then its payload elements.
#[inline(always)]
fn write_message(
    buf: &mut [u8],
    pos: usize,
    head: &MessageHead<'_>,
    payload: PayloadRef<'_>,
) -> usize {
    let mut pos = write_len_head(buf, pos, &ARRAY, head.len() + payload.element_count());
    for element in head.elements() {
        pos = match element {
            HeadElement::Value(v) => write_value(buf, pos, v),
            HeadElement::Int(i) => write_uint(buf, pos, i),
            HeadElement::Str(s) => write_str(buf, pos, s.as_bytes()),
        };
    }
    match payload {
        PayloadRef::None => pos,
        PayloadRef::Bytes(b) => write_bin(buf, pos, b),
        PayloadRef::Args(args) => write_list(buf, pos, args),
        PayloadRef::ArgsKwargs(args, kwargs) => {
            let pos = match args {
                Some(args) => write_list(buf, pos, args),
                None => put(buf, pos, [NIL]),
            };
            write_map(buf, pos, kwargs)
        }
        PayloadRef::StrOrBytesArgs(args, kwargs) => {
            let pos = write_value(buf, pos, args);
            match kwargs {
                Some(kwargs) => write_map(buf, pos, kwargs),
                None => pos,
            }
        }
    }
}

/// `nil`.
const NIL: u8 = 0xc0;
/// `false`.
const FALSE: u8 = 0xc2;
/// `true`.
const TRUE: u8 = 0xc3;

/// Inlined into the list and map loops, so that only a nested list or map costs a call.
#[inline(always)]
fn write_value(buf: &mut [u8], pos: usize, v: &Value) -> usize {
    match v {
        Value::Null => put(buf, pos, [NIL]),
        Value::Bool(false) => put(buf, pos, [FALSE]),
        Value::Bool(true) => put(buf, pos, [TRUE]),
        Value::Int(i) if *i >= 0 => write_uint(buf, pos, i.unsigned_abs()),
        Value::Int(i) => write_negative(buf, pos, *i),
        Value::UInt(u) => write_uint(buf, pos, *u),
        Value::Float(f) => write_f64(buf, pos, *f),
        Value::Str(s) => write_str(buf, pos, s.as_bytes()),
        Value::Bytes(b) => write_bin(buf, pos, b),
        Value::List(items) => write_nested_list(buf, pos, items),
        Value::Map(map) => write_nested_map(buf, pos, map),
    }
}

/// A list: inlined where a payload's `args` are written; a list inside a value goes through
/// [`write_nested_list`], out of line.
#[inline(always)]
fn write_list(buf: &mut [u8], pos: usize, items: &[Value]) -> usize {
    let mut pos = write_len_head(buf, pos, &ARRAY, items.len());
    for item in items {
        pos = write_value(buf, pos, item);
    }
    pos
}

/// A map, keys in insertion order: inlined where a payload's `kwargs` are written; a map
/// inside a value goes through [`write_nested_map`], out of line.
#[inline(always)]
fn write_map(buf: &mut [u8], pos: usize, map: &Dict) -> usize {
    let mut pos = write_len_head(buf, pos, &MAP, map.len());
    for (k, v) in map {
        pos = write_str(buf, pos, k.as_bytes());
        pos = write_value(buf, pos, v);
    }
    pos
}

#[inline(never)]
fn write_nested_list(buf: &mut [u8], pos: usize, items: &[Value]) -> usize {
    write_list(buf, pos, items)
}

#[inline(never)]
fn write_nested_map(buf: &mut [u8], pos: usize, map: &Dict) -> usize {
    write_map(buf, pos, map)
}

/// Always a float64, as msgpack-python writes a Python `float`.
#[inline(always)]
fn write_f64(buf: &mut [u8], pos: usize, f: f64) -> usize {
    let [a, b, c, d, e, f, g, h] = f.to_be_bytes();
    put(buf, pos, [0xcb, a, b, c, d, e, f, g, h])
}

/// A non-negative integer, every form inline: WAMP IDs (request, session, subscription,
/// publication) take all of them, and with the wider forms out of line, the call cost a
/// fan-out's stamp of one subscription ID more than the write itself.
#[inline(always)]
fn write_uint(buf: &mut [u8], pos: usize, n: u64) -> usize {
    if n < 0x80 {
        put(buf, pos, [n as u8])
    } else if let Ok(n) = u8::try_from(n) {
        put(buf, pos, [0xcc, n])
    } else if let Ok(n) = u16::try_from(n) {
        put_marked(buf, pos, 0xcd, n.to_be_bytes())
    } else if let Ok(n) = u32::try_from(n) {
        put_marked(buf, pos, 0xce, n.to_be_bytes())
    } else {
        put_marked(buf, pos, 0xcf, n.to_be_bytes())
    }
}

/// A negative integer: negative fixint and int8 inline, the wider forms out of line.
#[inline(always)]
fn write_negative(buf: &mut [u8], pos: usize, n: i64) -> usize {
    debug_assert!(n < 0, "zero and up are written as unsigned");
    if n >= -32 {
        put(buf, pos, [n as u8])
    } else if let Ok(n) = i8::try_from(n) {
        put(buf, pos, [0xd0, n as u8])
    } else {
        write_wide_negative(buf, pos, n)
    }
}

/// int16, int32 or int64.
#[inline(never)]
fn write_wide_negative(buf: &mut [u8], pos: usize, n: i64) -> usize {
    if let Ok(n) = i16::try_from(n) {
        put_marked(buf, pos, 0xd1, n.to_be_bytes())
    } else if let Ok(n) = i32::try_from(n) {
        put_marked(buf, pos, 0xd2, n.to_be_bytes())
    } else {
        put_marked(buf, pos, 0xd3, n.to_be_bytes())
    }
}

/// A marker byte and the `N` bytes of its argument, written whole or (past the buffer) not
/// at all, as [`put`] writes.
#[inline(always)]
fn put_marked<const N: usize>(buf: &mut [u8], pos: usize, marker: u8, arg: [u8; N]) -> usize {
    let end = pos + 1 + N;
    if let Some([head, rest @ ..]) = buf.get_mut(pos..end) {
        *head = marker;
        rest.copy_from_slice(&arg);
    }
    end
}

/// The heads of one kind of value that carries a length: the markers of each width, and what
/// the value is called in an error.
struct LenForms {
    /// The fix form's marker (the length in its low bits), for lengths below `fix_limit`.
    fix: u8,
    /// The first length the fix form cannot hold (0: there is no fix form).
    fix_limit: usize,
    /// The 8-bit form's marker, if there is one (strings and byte strings).
    marker8: Option<u8>,
    /// The 16-bit form's marker.
    marker16: u8,
    /// The 32-bit form's marker.
    marker32: u8,
    /// The value's name in an error.
    name: &'static str,
}

/// fixstr (below 32 bytes), str8 (from 32: msgpack-python never writes a shorter string as
/// str8), str16, str32.
const STR: LenForms = LenForms {
    fix: 0xa0,
    fix_limit: 32,
    marker8: Some(0xd9),
    marker16: 0xda,
    marker32: 0xdb,
    name: "string",
};
/// bin8, bin16, bin32 (`use_bin_type=True`: never the old raw forms).
const BIN: LenForms = LenForms {
    fix: 0,
    fix_limit: 0,
    marker8: Some(0xc4),
    marker16: 0xc5,
    marker32: 0xc6,
    name: "byte string",
};
/// fixarray, array16, array32.
const ARRAY: LenForms = LenForms {
    fix: 0x90,
    fix_limit: 16,
    marker8: None,
    marker16: 0xdc,
    marker32: 0xdd,
    name: "list",
};
/// fixmap, map16, map32.
const MAP: LenForms = LenForms {
    fix: 0x80,
    fix_limit: 16,
    marker8: None,
    marker16: 0xde,
    marker32: 0xdf,
    name: "map",
};

/// The head of a string, byte string, list or map of `len`: the fix and 8-bit forms inline,
/// the wider ones out of line. [`POISONED`] for a length of 2^32 or more.
#[inline(always)]
fn write_len_head(buf: &mut [u8], pos: usize, forms: &LenForms, len: usize) -> usize {
    if len < forms.fix_limit {
        put(buf, pos, [forms.fix | len as u8])
    } else if let (Some(marker8), Ok(len)) = (forms.marker8, u8::try_from(len)) {
        put(buf, pos, [marker8, len])
    } else {
        write_wide_len_head(buf, pos, forms, len)
    }
}

/// The 16-bit or 32-bit form, or [`POISONED`] beyond.
#[inline(never)]
fn write_wide_len_head(buf: &mut [u8], pos: usize, forms: &LenForms, len: usize) -> usize {
    if let Ok(len) = u16::try_from(len) {
        put_marked(buf, pos, forms.marker16, len.to_be_bytes())
    } else if let Ok(len) = u32::try_from(len) {
        put_marked(buf, pos, forms.marker32, len.to_be_bytes())
    } else {
        POISONED
    }
}

/// A string. Below 32 bytes (a fixstr: most keys, URIs and short values), its head and bytes
/// are claimed together and copied inline; longer ones are written out of line.
#[inline(always)]
fn write_str(buf: &mut [u8], pos: usize, utf8: &[u8]) -> usize {
    let n = utf8.len();
    if n >= STR.fix_limit {
        return write_long_bytes(buf, pos, &STR, utf8);
    }
    let end = pos + 1 + n;
    if let Some([head, rest @ ..]) = buf.get_mut(pos..end) {
        *head = STR.fix | n as u8;
        copy_small(rest, utf8);
    }
    end
}

/// A byte string (out of line: rare in WAMP but for a transparent payload, which is long).
#[inline(always)]
fn write_bin(buf: &mut [u8], pos: usize, b: &[u8]) -> usize {
    write_long_bytes(buf, pos, &BIN, b)
}

/// A string's or byte string's head and bytes, copied whole.
#[inline(never)]
fn write_long_bytes(buf: &mut [u8], pos: usize, forms: &LenForms, bytes: &[u8]) -> usize {
    let pos = write_len_head(buf, pos, forms, bytes.len());
    let end = pos + bytes.len();
    if let Some(dst) = buf.get_mut(pos..end) {
        dst.copy_from_slice(bytes);
    }
    end
}

/// Deserializes one MessagePack message with the default [`Limits`].
pub fn from_slice(buf: &[u8]) -> Result<Message, DecodeError> {
    from_slice_with_limits(buf, &Limits::DEFAULT)
}

/// Deserializes one MessagePack message: the bytes must be exactly one array, a valid WAMP
/// message.
///
/// The array is read element by element and each element moved into its field (see
/// [`Message::parse_taking`]); anything else is decoded whole, for its syntax errors, and then
/// rejected as autobahn rejects it.
pub fn from_slice_with_limits(buf: &[u8], limits: &Limits) -> Result<Message, DecodeError> {
    let mut r = Reader::new(FORMAT, buf, limits)?;
    let start = r.pos();
    let len = match read_head(&mut r, start)? {
        Head::Array(len) => open_array(&mut r, len, start)?,
        head => {
            let mut value = Value::Null;
            value_from_head(&mut r, head, start, |v| value = v)?;
            r.finish()?;
            return message_from_value(value);
        }
    };
    let mut elements = Elements::new();
    for _ in 0..len {
        read_value_to(&mut r, |v| elements.push(v))?;
    }
    r.leave();
    r.finish()?;
    elements.parse()
}

/// Decodes `buf`, which must hold exactly one MessagePack value, within `limits`.
pub fn value_from_slice(buf: &[u8], limits: &Limits) -> Result<Value, DecodeError> {
    let mut r = Reader::new(FORMAT, buf, limits)?;
    let v = read_value(&mut r)?;
    r.finish()?;
    Ok(v)
}

/// Serializes messages in batched mode: each prefixed with its 4-byte big-endian length.
pub fn encode_batch<'m>(
    msgs: impl IntoIterator<Item = &'m Message>,
) -> Result<Vec<u8>, EncodeError> {
    frames::encode_frames(FORMAT, msgs, encode_into)
}

/// The messages of a batch, borrowed from `buf`; an error (after which iteration stops) for a
/// truncated length prefix or a length beyond the end of the input.
pub fn batch(buf: &[u8]) -> impl Iterator<Item = Result<&[u8], DecodeError>> {
    super::Serializer::MSGPACK_BATCHED.frames(buf)
}

/// What a value's head says: a scalar's value, or the length of what follows (the bytes of a
/// string or byte string, the items of an array, the entries of a map).
///
/// The one reading of MessagePack's markers, shared by the owned decoder ([`read_value`]), the
/// scanner that checks a message in place and the items it returns ([`view`]), so that they
/// classify every value alike.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Head {
    /// `nil`.
    Nil,
    /// `true` or `false`.
    Bool(bool),
    /// An integer that fits an `i64` (every width but uint64).
    Int(i64),
    /// A uint64, which [`Value::from_u64`] places.
    UInt(u64),
    /// A float32 or float64, widened.
    Float(f64),
    /// A string of this many bytes.
    Str(u32),
    /// A byte string of this many bytes.
    Bin(u32),
    /// An array of this many items.
    Array(u32),
    /// A map of this many entries.
    Map(u32),
}

/// Why [`parse_head`] could not read a head: [`read_head`] turns it into the reader's error.
#[derive(Debug, Clone, Copy)]
pub(crate) enum HeadError {
    /// `needed` more bytes were needed at offset `at` (from the head's first byte).
    Eof { needed: u8, at: usize },
    /// An extension type's marker.
    Ext,
    /// The never-used byte `c1`.
    Reserved,
}

/// The `N` bytes after a head's marker byte, big-endian.
#[inline(always)]
fn after_marker<const N: usize>(buf: &[u8]) -> Result<[u8; N], HeadError> {
    match buf.get(1..).and_then(<[u8]>::first_chunk::<N>) {
        Some(b) => Ok(*b),
        None => Err(HeadError::Eof {
            needed: N as u8,
            at: 1,
        }),
    }
}

/// The one reading of MessagePack's markers: the head at the start of `buf`, and how many
/// bytes it takes. One `match` on the marker byte; every reader of MessagePack goes through
/// it (the owned decoder and the scanner by [`read_head`], the items of a checked buffer
/// directly), so that they classify every value alike.
#[inline(always)]
pub(crate) fn parse_head(buf: &[u8]) -> Result<(Head, usize), HeadError> {
    let Some(&b) = buf.first() else {
        return Err(HeadError::Eof { needed: 1, at: 0 });
    };
    let u8_ = |buf| after_marker::<1>(buf).map(|[x]| x);
    Ok(match b {
        0x00..=0x7f => (Head::Int(i64::from(b)), 1),
        0x80..=0x8f => (Head::Map(u32::from(b & 0x0f)), 1),
        0x90..=0x9f => (Head::Array(u32::from(b & 0x0f)), 1),
        0xa0..=0xbf => (Head::Str(u32::from(b & 0x1f)), 1),
        0xc0 => (Head::Nil, 1),
        0xc1 => return Err(HeadError::Reserved),
        0xc2 => (Head::Bool(false), 1),
        0xc3 => (Head::Bool(true), 1),
        0xc4 => (Head::Bin(u32::from(u8_(buf)?)), 2),
        0xc5 => (
            Head::Bin(u32::from(u16::from_be_bytes(after_marker(buf)?))),
            3,
        ),
        0xc6 => (Head::Bin(u32::from_be_bytes(after_marker(buf)?)), 5),
        0xc7..=0xc9 | 0xd4..=0xd8 => return Err(HeadError::Ext),
        0xca => (
            Head::Float(f64::from(f32::from_be_bytes(after_marker(buf)?))),
            5,
        ),
        0xcb => (Head::Float(f64::from_be_bytes(after_marker(buf)?)), 9),
        0xcc => (Head::Int(i64::from(u8_(buf)?)), 2),
        0xcd => (
            Head::Int(i64::from(u16::from_be_bytes(after_marker(buf)?))),
            3,
        ),
        0xce => (
            Head::Int(i64::from(u32::from_be_bytes(after_marker(buf)?))),
            5,
        ),
        0xcf => (Head::UInt(u64::from_be_bytes(after_marker(buf)?)), 9),
        0xd0 => (
            Head::Int(i64::from(i8::from_be_bytes(after_marker(buf)?))),
            2,
        ),
        0xd1 => (
            Head::Int(i64::from(i16::from_be_bytes(after_marker(buf)?))),
            3,
        ),
        0xd2 => (
            Head::Int(i64::from(i32::from_be_bytes(after_marker(buf)?))),
            5,
        ),
        0xd3 => (Head::Int(i64::from_be_bytes(after_marker(buf)?)), 9),
        0xd9 => (Head::Str(u32::from(u8_(buf)?)), 2),
        0xda => (
            Head::Str(u32::from(u16::from_be_bytes(after_marker(buf)?))),
            3,
        ),
        0xdb => (Head::Str(u32::from_be_bytes(after_marker(buf)?)), 5),
        0xdc => (
            Head::Array(u32::from(u16::from_be_bytes(after_marker(buf)?))),
            3,
        ),
        0xdd => (Head::Array(u32::from_be_bytes(after_marker(buf)?)), 5),
        0xde => (
            Head::Map(u32::from(u16::from_be_bytes(after_marker(buf)?))),
            3,
        ),
        0xdf => (Head::Map(u32::from_be_bytes(after_marker(buf)?)), 5),
        0xe0..=0xff => (Head::Int(i64::from(b as i8)), 1),
    })
}

/// Reads the head of the value at the reader's position (which is `start`): extension types
/// and the reserved byte are errors here, for every reader of MessagePack.
#[inline(always)]
pub(crate) fn read_head(r: &mut Reader<'_>, start: usize) -> Result<Head, DecodeError> {
    match parse_head(r.rest()) {
        Ok((head, n)) => {
            r.advance(n);
            Ok(head)
        }
        Err(e) => Err(head_error(r, e, start)),
    }
}

/// The reader's error for a head that [`parse_head`] could not read at its position.
#[cold]
#[inline(never)]
fn head_error(r: &Reader<'_>, e: HeadError, start: usize) -> DecodeError {
    match e {
        HeadError::Eof { needed, at } => r.eof_at(u64::from(needed), r.pos() + at),
        HeadError::Ext => r.error(start, "unsupported extension type"),
        HeadError::Reserved => r.error(start, "reserved byte 0xc1"),
    }
}

/// Whether `b` is the marker of a string (fixstr, str8/16/32).
#[inline(always)]
pub(crate) fn is_str_marker(b: u8) -> bool {
    matches!(b, 0xa0..=0xbf | 0xd9..=0xdb)
}

/// Reads one value at the reader's position.
pub(crate) fn read_value(r: &mut Reader<'_>) -> Result<Value, DecodeError> {
    let mut value = Value::Null;
    read_value_to(r, |v| value = v)?;
    Ok(value)
}

/// Reads one value and hands it to `put` (which stores it in its list, map or message).
/// Inlined into each loop that reads values, so that a scalar costs no call.
#[inline(always)]
fn read_value_to(r: &mut Reader<'_>, put: impl FnOnce(Value)) -> Result<(), DecodeError> {
    let start = r.pos();
    let head = read_head(r, start)?;
    value_from_head(r, head, start, put)
}

/// Hands the value whose head (at `start`) was just read to `put`, from the branch of each
/// kind of value: one value made by all the branches was assembled in memory with 8-byte
/// stores and then moved with 16-byte loads, which the CPU cannot forward from stores that
/// recent, a stall on every value.
#[inline(always)]
fn value_from_head(
    r: &mut Reader<'_>,
    head: Head,
    start: usize,
    put: impl FnOnce(Value),
) -> Result<(), DecodeError> {
    match head {
        Head::Nil => put(Value::Null),
        Head::Bool(b) => put(Value::Bool(b)),
        Head::Int(i) => put(Value::Int(i)),
        Head::UInt(u) => put(Value::from_u64(u)),
        Head::Float(f) => put(Value::Float(f)),
        Head::Str(len) => put(Value::Str(read_str_body(r, len, start)?)),
        Head::Bin(len) => put(Value::Bytes(r.take(u64::from(len), start)?.to_vec())),
        Head::Array(len) => put(Value::List(read_list(r, len, start)?)),
        Head::Map(len) => put(Value::Map(read_map(r, len, start)?)),
    }
    Ok(())
}

// Lists and maps are read out of line: kept in `read_value`, their locals made every scalar
// and string pay for a larger stack frame. They come back as their items, wrapped in a `Value`
// by the caller in registers: a `Value` returned through memory was copied into the slot the
// branches of `value_from_head` share.

/// The items of the list whose head (at `start`, of `len` items) was just read.
#[inline(never)]
fn read_list(r: &mut Reader<'_>, len: u32, start: usize) -> Result<Vec<Value>, DecodeError> {
    let len = open_array(r, len, start)?;
    let mut items = Vec::with_capacity(len);
    for _ in 0..len {
        read_value_to(r, |v| items.push(v))?;
    }
    r.leave();
    Ok(items)
}

/// The entries of the map whose head (at `start`, of `len` entries) was just read.
#[inline(never)]
fn read_map(r: &mut Reader<'_>, len: u32, start: usize) -> Result<Dict, DecodeError> {
    let mut map = Dict::with_capacity(open_map(r, len, start)?);
    for _ in 0..len {
        let (key_len, key_start) = read_key_head(r)?;
        let key = read_str_body(r, key_len, key_start)?;
        read_value_to(r, |value| {
            map.insert(key, value);
        })?;
    }
    r.leave();
    Ok(map)
}

/// Enters the array whose head (at `start`, of `len` items) was just read: its length,
/// accounted for against the limits.
#[inline]
pub(crate) fn open_array(r: &mut Reader<'_>, len: u32, start: usize) -> Result<usize, DecodeError> {
    r.enter()?;
    r.claim(Some(u64::from(len)), 1, start)
}

/// Enters the map whose head (at `start`, of `len` entries) was just read, as
/// [`open_array`] does an array (an entry is at least two bytes).
#[inline]
pub(crate) fn open_map(r: &mut Reader<'_>, len: u32, start: usize) -> Result<usize, DecodeError> {
    r.enter()?;
    r.claim(Some(u64::from(len)), 2, start)
}

/// Reads the head of a map key, which must be a string: its length and its offset.
#[inline(always)]
pub(crate) fn read_key_head(r: &mut Reader<'_>) -> Result<(u32, usize), DecodeError> {
    let key_start = r.pos();
    match r.rest().first() {
        Some(&b) if is_str_marker(b) => match read_head(r, key_start)? {
            Head::Str(len) => Ok((len, key_start)),
            _ => Err(r.error(key_start, "map key is not a string")),
        },
        Some(_) => Err(r.error(key_start, "map key is not a string")),
        None => Err(head_error(
            r,
            HeadError::Eof { needed: 1, at: 0 },
            key_start,
        )),
    }
}

/// The `len` bytes of the string whose head (at `start`) was just read, checked as UTF-8.
fn read_str_body(r: &mut Reader<'_>, len: u32, start: usize) -> Result<CompactString, DecodeError> {
    let at = r.pos();
    let bytes = r.take(u64::from(len), start)?;
    r.owned_utf8(bytes, at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    fn enc(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        value_encode_into(v, &mut out).unwrap();
        out
    }

    fn dec(bytes: &[u8]) -> Result<Value, DecodeError> {
        value_from_slice(bytes, &Limits::DEFAULT)
    }

    #[track_caller]
    fn both_ways(v: Value, expected: &str) {
        let bytes = hex(expected);
        assert_eq!(enc(&v), bytes, "encoding {v:?}");
        assert_eq!(dec(&bytes).unwrap(), v, "decoding {expected}");
    }

    #[track_caller]
    fn syntax_error(bytes: &[u8], needle: &str) {
        match dec(bytes) {
            Err(DecodeError::Syntax {
                format: "msgpack",
                reason,
            }) => {
                assert!(reason.contains(needle), "{reason:?} lacks {needle:?}");
                assert!(reason.contains("at offset"), "{reason:?} has no offset");
            }
            other => panic!("{bytes:02x?}: expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn integers_as_msgpack_python_picks_them() {
        both_ways(Value::Int(0), "00");
        both_ways(Value::Int(127), "7f");
        both_ways(Value::Int(128), "cc 80");
        both_ways(Value::Int(200), "cc c8");
        both_ways(Value::Int(255), "cc ff");
        both_ways(Value::Int(256), "cd 0100");
        both_ways(Value::Int(65535), "cd ffff");
        both_ways(Value::Int(65536), "ce 00010000");
        both_ways(Value::Int(4294967295), "ce ffffffff");
        both_ways(Value::Int(4294967296), "cf 0000000100000000");
        both_ways(Value::UInt(u64::MAX), "cf ffffffffffffffff");
        both_ways(Value::Int(-1), "ff");
        both_ways(Value::Int(-32), "e0");
        both_ways(Value::Int(-33), "d0 df");
        both_ways(Value::Int(-128), "d0 80");
        both_ways(Value::Int(-129), "d1 ff7f");
        both_ways(Value::Int(-32768), "d1 8000");
        both_ways(Value::Int(-32769), "d2 ffff7fff");
        both_ways(Value::Int(-2147483648), "d2 80000000");
        both_ways(Value::Int(-2147483649), "d3 ffffffff7fffffff");
        both_ways(Value::Int(i64::MIN), "d3 8000000000000000");
        // Signed forms of positive values and unsigned forms of small ones decode too.
        assert_eq!(dec(&hex("d3 0000000000000005")).unwrap(), Value::Int(5));
        assert_eq!(dec(&hex("cf 0000000000000005")).unwrap(), Value::Int(5));
    }

    #[test]
    fn floats() {
        both_ways(Value::Float(1.5), "cb 3ff8000000000000");
        both_ways(Value::Float(-0.0), "cb 8000000000000000");
        both_ways(Value::Float(f64::INFINITY), "cb 7ff0000000000000");
        both_ways(Value::Float(f64::NEG_INFINITY), "cb fff0000000000000");
        both_ways(Value::Float(f64::NAN), "cb 7ff8000000000000");
        assert_eq!(dec(&hex("ca 3fc00000")).unwrap(), Value::Float(1.5));
    }

    #[test]
    fn strings_bytes_containers() {
        both_ways(Value::from(""), "a0");
        both_ways(
            Value::from("a".repeat(31)),
            &format!("bf {}", "61".repeat(31)),
        );
        both_ways(
            Value::from("a".repeat(32)),
            &format!("d9 20 {}", "61".repeat(32)),
        );
        both_ways(
            Value::from("a".repeat(256)),
            &format!("da 0100 {}", "61".repeat(256)),
        );
        both_ways(Value::Bytes(vec![]), "c4 00");
        both_ways(Value::Bytes(vec![1, 2]), "c4 02 0102");
        both_ways(
            Value::Bytes(vec![0; 256]),
            &format!("c5 0100 {}", "00".repeat(256)),
        );
        both_ways(
            Value::List(vec![Value::Null; 15]),
            &format!("9f {}", "c0".repeat(15)),
        );
        both_ways(
            Value::List(vec![Value::Null; 16]),
            &format!("dc 0010 {}", "c0".repeat(16)),
        );
        both_ways(Value::Bool(true), "c3");
        both_ways(Value::Bool(false), "c2");
        let v = Value::List(vec![
            Value::Int(16),
            Value::Map(dict! { "b" => 1, "a" => Value::List(vec![]) }),
        ]);
        // 92: array(2), 10: 16, 82: map(2), a1 62: "b", 01, a1 61: "a", 90: []
        both_ways(v, "92 10 82 a162 01 a161 90");
        let big: Dict = (0..16).map(|i| (format!("{i:x}"), Value::Int(i))).collect();
        let bytes = enc(&Value::Map(big.clone()));
        assert_eq!(bytes[..3], hex("de 0010")[..]);
        assert_eq!(dec(&bytes).unwrap(), Value::Map(big));
    }

    #[test]
    fn duplicate_keys_keep_first_position_and_last_value() {
        let v = dec(&hex("83 a161 01 a162 02 a161 03")).unwrap();
        let map = v.as_map().unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(map["a"], Value::Int(3));
    }

    #[test]
    fn hostile_inputs() {
        syntax_error(b"", "unexpected end of input");
        syntax_error(&hex("93 01 02"), "unexpected end of input");
        syntax_error(&hex("cd 01"), "unexpected end of input");
        syntax_error(&hex("db ffffffff 61"), "unexpected end of input");
        syntax_error(&hex("c6 ffffffff 61"), "unexpected end of input");
        syntax_error(&hex("dd ffffffff 01"), "items cannot fit");
        syntax_error(&hex("df ffffffff 01"), "items cannot fit");
        syntax_error(
            &hex("93 01 a2 61ff 02"),
            "invalid UTF-8 in a string at offset 4",
        );
        syntax_error(&hex("81 01 02"), "map key is not a string at offset 1");
        syntax_error(&hex("81 c4 01 61 02"), "map key is not a string");
        syntax_error(
            &hex("90 00"),
            "1 trailing bytes after the value at offset 1",
        );
        syntax_error(&hex("c1"), "reserved byte");
        for ext in ["d4 01 00", "c7 01 01 00", "d6 ff 00000000"] {
            syntax_error(&hex(ext), "extension type");
        }
    }

    #[test]
    fn deep_nesting_is_a_limit_error_not_a_stack_overflow() {
        let deep = vec![0x91; 100_000];
        assert!(matches!(
            dec(&deep),
            Err(DecodeError::Limit {
                format: "msgpack",
                limit: "depth",
                max: 64
            })
        ));
        let deep_maps = hex("81 a1 61").repeat(100_000);
        assert!(matches!(
            dec(&deep_maps),
            Err(DecodeError::Limit { limit: "depth", .. })
        ));
        let mut ok = vec![0x91; 63];
        ok.push(0x90);
        assert!(dec(&ok).is_ok());
    }

    #[test]
    fn item_and_size_limits() {
        let limits = Limits {
            max_items: 3,
            ..Limits::DEFAULT
        };
        assert!(value_from_slice(&hex("93 01 02 03"), &limits).is_ok());
        assert!(matches!(
            value_from_slice(&hex("92 01 92 02 03"), &limits),
            Err(DecodeError::Limit {
                limit: "items",
                max: 3,
                ..
            })
        ));
        let limits = Limits {
            max_size: 2,
            ..Limits::DEFAULT
        };
        assert!(matches!(
            value_from_slice(&hex("93 01 02 03"), &limits),
            Err(DecodeError::Limit {
                limit: "size",
                max: 2,
                ..
            })
        ));
    }

    #[test]
    fn messages_must_be_lists() {
        let err = from_slice(&hex("80")).unwrap_err();
        assert_eq!(err.to_string(), "invalid type dict for WAMP message");
    }

    #[test]
    fn batches() {
        use crate::{Publish, WampMessage};
        let raw = [
            Value::Int(16),
            Value::Int(7),
            Value::Map(Dict::new()),
            "com.t".into(),
        ];
        let msgs: Vec<Message> = vec![Publish::parse(&raw).unwrap().into(); 3];
        let bytes = encode_batch(&msgs).unwrap();
        // 0000000a: 10 bytes, then [16, 7, {}, "com.t"]
        assert_eq!(bytes[..14], hex("0000000a 94 10 07 80 a5 636f6d2e74")[..]);
        let decoded: Result<Vec<Message>, DecodeError> =
            batch(&bytes).map(|frame| from_slice(frame?)).collect();
        assert_eq!(decoded.unwrap(), msgs);
        let truncated: Vec<_> = batch(&bytes[..20]).collect();
        assert_eq!(truncated.len(), 2);
        assert!(truncated[1].is_err());
        assert!(batch(&hex("7fffffff")).next().unwrap().is_err());
    }

    #[test]
    fn head_errors_name_their_offsets() {
        let reason = |bytes: &str| match dec(&hex(bytes)) {
            Err(DecodeError::Syntax { reason, .. }) => reason,
            other => panic!("{bytes}: {other:?}"),
        };
        let eof = |needed, at, left| {
            format!(
                "unexpected end of input ({needed} bytes needed after offset {at}, {left} left) in the item at offset {at}"
            )
        };
        assert_eq!(reason(""), eof(1, 0, 0));
        assert_eq!(reason("cd 01"), eof(2, 1, 1));
        assert_eq!(reason("91 cf 0102"), eof(8, 2, 2));
        assert_eq!(reason("92 00 cd"), eof(2, 3, 0));
        assert_eq!(reason("81 da 00"), eof(2, 2, 1));
        assert_eq!(reason("81 01 00"), "map key is not a string at offset 1");
        assert_eq!(reason("91 c1"), "reserved byte 0xc1 at offset 1");
        assert_eq!(
            reason("91 d4 00 00"),
            "unsupported extension type at offset 1"
        );
        assert_eq!(reason("da 00"), eof(2, 1, 1));
    }

    // ---- the position-passing writers against rmp's, an independent encoder ----

    /// The MessagePack of `v` by rmp's writers: each picks the shortest form of its family, as
    /// msgpack-python does (`write_uint` from zero up, `write_sint` below).
    fn rmp_encoding(v: &Value, out: &mut Vec<u8>) {
        use rmp::encode as e;
        match v {
            Value::Null => e::write_nil(out).unwrap(),
            Value::Bool(b) => e::write_bool(out, *b).unwrap(),
            Value::Int(i) if *i >= 0 => drop(e::write_uint(out, i.unsigned_abs()).unwrap()),
            Value::Int(i) => drop(e::write_sint(out, *i).unwrap()),
            Value::UInt(u) => drop(e::write_uint(out, *u).unwrap()),
            Value::Float(f) => e::write_f64(out, *f).unwrap(),
            Value::Str(s) => e::write_str(out, s).unwrap(),
            Value::Bytes(b) => e::write_bin(out, b).unwrap(),
            Value::List(items) => {
                e::write_array_len(out, items.len() as u32).unwrap();
                items.iter().for_each(|item| rmp_encoding(item, out));
            }
            Value::Map(map) => {
                e::write_map_len(out, map.len() as u32).unwrap();
                for (k, v) in map {
                    e::write_str(out, k).unwrap();
                    rmp_encoding(v, out);
                }
            }
        }
    }

    fn rmp_bytes(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        rmp_encoding(v, &mut out);
        out
    }

    /// Values at each edge of each head width: either side of every integer family's bounds,
    /// and strings, byte strings, lists and maps either side of each length form's.
    fn edge_values() -> Vec<Value> {
        let mut values = vec![Value::Null, Value::Bool(false), Value::Bool(true)];
        for u in [
            0,
            1,
            0x7f,
            0x80,
            0xff,
            0x100,
            0xffff,
            0x1_0000,
            0xffff_ffff,
            0x1_0000_0000,
        ] {
            values.push(Value::Int(u));
        }
        values.extend([
            Value::Int(i64::MAX),
            Value::UInt(1 << 63),
            Value::UInt(u64::MAX),
        ]);
        let signed_edges = [
            i64::from(i8::MIN),
            i16::MIN.into(),
            i32::MIN.into(),
            i64::MIN,
        ];
        values.extend([-1, -32, -33].map(Value::Int));
        for edge in signed_edges {
            values.push(Value::Int(edge));
            if edge > i64::MIN {
                values.push(Value::Int(edge - 1));
            }
        }
        values.extend([0.0, -0.0, 1.5, f64::MAX, f64::NAN].map(Value::Float));
        for len in [0, 1, 15, 16, 31, 32, 33, 255, 256, 0xffff, 0x1_0000] {
            values.push(Value::from("a".repeat(len)));
            values.push(Value::Bytes(vec![0xa5; len]));
            values.push(Value::List(vec![Value::Int(-1); len]));
            let map: Dict = (0..len).map(|i| (format!("{i}"), Value::Null)).collect();
            values.push(Value::Map(map));
        }
        // multi-byte UTF-8 either side of fixstr's bound, counted in bytes
        values.extend(
            [
                "é".repeat(15),
                "é".repeat(16),
                "€".repeat(10),
                "€".repeat(11),
            ]
            .map(Value::from),
        );
        values.push(Value::List(vec![
            Value::Map(dict! { "k" => Value::List(vec![Value::Int(-200), "x".into()]) }),
            Value::Bytes(vec![1, 2, 3]),
        ]));
        values
    }

    /// Every edge value, alone and inside a list and a map, is written as rmp writes it.
    #[test]
    fn writers_match_rmp_at_every_head_width_edge() {
        for v in edge_values() {
            let label = |v: &Value| format!("{:.80}", format!("{v:?}"));
            assert_eq!(enc(&v), rmp_bytes(&v), "{}", label(&v));
            let nested = Value::List(vec![Value::Map(dict! { "v" => v.clone() }), v]);
            assert_eq!(enc(&nested), rmp_bytes(&nested), "{}", label(&nested));
        }
    }

    /// Each writer at every offset near the end of a buffer: what fits is written at the
    /// offset and nothing around it is touched; what does not fit is not written, but for the
    /// leading writes of a value written in several (a long string's head, a list's first
    /// items), which write what they would have; and the position returned is the end of the
    /// encoding either way.
    #[test]
    fn writes_near_the_buffer_end_are_whole_or_skipped() {
        const LEN: usize = 48;
        const UNTOUCHED: u8 = 0xee;
        for v in edge_values().iter().filter(|v| rmp_bytes(v).len() <= 40) {
            let expected = rmp_bytes(v);
            let one_write = match v {
                Value::Str(s) => s.len() < 32,
                Value::Bytes(_) | Value::List(_) | Value::Map(_) => false,
                _ => true,
            };
            for pos in LEN - 40..=LEN {
                let mut buf = [UNTOUCHED; LEN];
                let end = write_value(&mut buf, pos, v);
                assert_eq!(end, pos + expected.len(), "{v:?} at {pos}");
                assert_eq!(buf[..pos], [UNTOUCHED; LEN][..pos], "{v:?} at {pos}");
                let after = &buf[pos..];
                if end <= LEN {
                    assert_eq!(after[..expected.len()], expected, "{v:?} at {pos}");
                    assert!(after[expected.len()..].iter().all(|&b| b == UNTOUCHED));
                } else if one_write {
                    assert!(after.iter().all(|&b| b == UNTOUCHED), "{v:?} at {pos}");
                } else {
                    let wrong =
                        (after.iter().zip(&expected)).position(|(&b, &e)| b != UNTOUCHED && b != e);
                    assert_eq!(wrong, None, "{v:?} at {pos}: {after:02x?}");
                }
            }
        }
    }

    /// The thread's scratch buffer, left small by a short message, grows for a long one (twice,
    /// and to more than double), and the long encodings are whole and after what `out` held.
    #[test]
    fn encodings_longer_than_the_scratch_buffer_grow_it() {
        let short = Value::List(vec![Value::Int(1)]);
        let mut out = enc(&short);
        for len in [300, 700, 5000, 100_000] {
            let v = Value::List(vec![Value::from("x".repeat(40)); len / 40]);
            let start = out.len();
            value_encode_into(&v, &mut out).unwrap();
            assert_eq!(out[start..], rmp_bytes(&v), "{len} bytes");
            assert_eq!(out[..2], rmp_bytes(&short));
            value_encode_into(&short, &mut out).unwrap();
        }
    }

    /// A whole message, head and payload, as rmp writes the same array.
    #[test]
    fn messages_match_rmp() {
        use crate::{Publish, WampMessage};
        let mut publish = Publish::new(u64::from(u32::MAX) + 1, "com.example.topic.of.thirty-two");
        publish.acknowledge = Some(true);
        publish.args = Some(edge_values().into_iter().take(40).collect());
        publish.kwargs = Some(dict! { "temperature" => -40.5, "ids" => Value::List(vec![]) });
        let msg = Message::from(publish.clone());
        let mut out = b"held".to_vec();
        encode_into(&msg, &mut out).unwrap();
        assert_eq!(out[..4], *b"held");
        assert_eq!(out[4..], rmp_bytes(&Value::List(publish.marshal())));
    }

    /// A byte string of 2^32 bytes (allocated zeroed and never touched, so it costs no memory)
    /// fails the encoders with its error, leaving `out` as it was, and `MsgpackWriter` with
    /// the same error, writing nothing for it; the length is also the first one found after
    /// others that fit.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn lengths_of_2_pow_32_fail_and_leave_out_unchanged() {
        use crate::view::item::Emit;
        use crate::Publish;
        let too_long = || vec![0u8; 1 << 32];
        let expect_error = |result: Result<(), EncodeError>| match result {
            Err(EncodeError::Unrepresentable { format, what }) => {
                assert_eq!(format, "msgpack");
                assert_eq!(
                    what,
                    "a byte string of 4294967296 elements (at most 2^32-1)"
                );
            }
            other => panic!("expected the byte string's error, got {other:?}"),
        };
        let v = Value::List(vec![
            Value::from("fits"),
            Value::Map(dict! { "k" => Value::Bytes(too_long()) }),
        ]);
        let mut out = b"held".to_vec();
        expect_error(value_encode_into(&v, &mut out));
        assert_eq!(out, b"held");

        let mut publish = Publish::new(1, "com.t");
        publish.payload = Some(too_long());
        expect_error(encode_into(&Message::from(publish), &mut out));
        assert_eq!(out, b"held");

        let Value::List(items) = v else {
            unreachable!()
        };
        let Value::Map(map) = &items[1] else {
            unreachable!()
        };
        let mut w = view::MsgpackWriter::new(&mut out);
        w.begin_list(2);
        w.bytes(map["k"].as_bytes().unwrap());
        w.null();
        expect_error(w.finish());
        assert_eq!(out, b"held\x92\xc0");
    }

    /// The length head's writer poisons a length of 2^32 and over, and only those.
    #[cfg(target_pointer_width = "64")]
    #[test]
    fn length_heads_poison_past_u32() {
        let mut buf = [0; 8];
        for forms in [&STR, &BIN, &ARRAY, &MAP] {
            assert_eq!(write_len_head(&mut buf, 0, forms, u32::MAX as usize), 5);
            assert_eq!(buf[1..5], [0xff; 4]);
            assert_eq!(write_len_head(&mut buf, 0, forms, 1 << 32), POISONED);
        }
    }

    /// `MsgpackWriter` writes each value in place as the encoder writes it, after what `out`
    /// held.
    #[test]
    fn msgpack_writer_writes_what_the_encoder_writes() {
        use crate::view::item::Emit;
        fn emit(w: &mut view::MsgpackWriter<'_>, v: &Value) {
            match v {
                Value::Null => w.null(),
                Value::Bool(b) => w.bool(*b),
                Value::Int(i) => w.int(i128::from(*i)),
                Value::UInt(u) => w.int(i128::from(*u)),
                Value::Float(f) => w.f64(*f),
                Value::Str(s) => w.str(s),
                Value::Bytes(b) => w.bytes(b),
                Value::List(items) => {
                    w.begin_list(items.len());
                    items.iter().for_each(|item| emit(w, item));
                    w.end_list();
                }
                Value::Map(map) => {
                    w.begin_map(map.len());
                    for (k, v) in map {
                        w.key(k);
                        emit(w, v);
                    }
                    w.end_map();
                }
            }
        }
        for v in edge_values() {
            let mut out = b"held".to_vec();
            let mut w = view::MsgpackWriter::new(&mut out);
            emit(&mut w, &v);
            w.finish().unwrap();
            assert_eq!(out[..4], *b"held");
            assert_eq!(out[4..], rmp_bytes(&v), "{:.80}", format!("{v:?}"));
        }
    }
}
