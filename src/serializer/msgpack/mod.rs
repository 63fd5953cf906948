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

use rmp::Marker;

use crate::error::{DecodeError, EncodeError};
use crate::message::{HeadElement, PayloadRef};
use crate::messages::Message;
use crate::serializer::bytes_reader::Reader;
use crate::serializer::elements::{message_from_value, Elements};
use crate::serializer::frames;
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

/// Appends a message's MessagePack to `out`.
pub fn encode_into(msg: &Message, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    // The payload is written from the message itself, not from a copy in the marshalled array.
    let (head, payload) = msg.encodable_parts()?;
    write_array_head(out, head.len() + payload.element_count())?;
    head.try_for_each(|element| match element {
        HeadElement::Value(v) => value_encode_into(v, out),
        HeadElement::Int(i) => value_encode_into(&Value::from(i), out),
        HeadElement::Str(s) => write_str(out, s),
    })?;
    match payload {
        PayloadRef::None => {}
        PayloadRef::Bytes(b) => write_bin(out, b)?,
        PayloadRef::Args(args) => write_array(out, args)?,
        PayloadRef::ArgsKwargs(args, kwargs) => {
            match args {
                Some(args) => write_array(out, args)?,
                None => out.push(Marker::Null.to_u8()),
            }
            write_map(out, kwargs)?;
        }
        PayloadRef::StrOrBytesArgs(args, kwargs) => {
            value_encode_into(args, out)?;
            if let Some(kwargs) = kwargs {
                write_map(out, kwargs)?;
            }
        }
    }
    Ok(())
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
/// Fails only for a length of 2^32 or more, which no MessagePack header can carry.
pub fn value_encode_into(v: &Value, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    match v {
        Value::Null => out.push(Marker::Null.to_u8()),
        Value::Bool(false) => out.push(Marker::False.to_u8()),
        Value::Bool(true) => out.push(Marker::True.to_u8()),
        Value::Int(i) if *i >= 0 => write_uint(out, i.unsigned_abs()),
        Value::Int(i) => write_negative(out, *i),
        Value::UInt(u) => write_uint(out, *u),
        Value::Float(f) => {
            out.push(Marker::F64.to_u8());
            out.extend_from_slice(&f.to_be_bytes());
        }
        Value::Str(s) => write_str(out, s)?,
        Value::Bytes(b) => write_bin(out, b)?,
        Value::List(items) => write_array(out, items)?,
        Value::Map(map) => write_map(out, map)?,
    }
    Ok(())
}

fn write_bin(out: &mut Vec<u8>, b: &[u8]) -> Result<(), EncodeError> {
    let len = len32(b.len(), "byte string")?;
    match len {
        0..=0xff => out.extend_from_slice(&[Marker::Bin8.to_u8(), len as u8]),
        0x100..=0xffff => write_marker16(out, Marker::Bin16, len),
        _ => write_marker32(out, Marker::Bin32, len),
    }
    out.extend_from_slice(b);
    Ok(())
}

fn write_array_head(out: &mut Vec<u8>, len: usize) -> Result<(), EncodeError> {
    let len = len32(len, "list")?;
    match len {
        0..=15 => out.push(Marker::FixArray(len as u8).to_u8()),
        16..=0xffff => write_marker16(out, Marker::Array16, len),
        _ => write_marker32(out, Marker::Array32, len),
    }
    Ok(())
}

fn write_array(out: &mut Vec<u8>, items: &[Value]) -> Result<(), EncodeError> {
    write_array_head(out, items.len())?;
    items
        .iter()
        .try_for_each(|item| value_encode_into(item, out))
}

fn write_map_head(out: &mut Vec<u8>, len: usize) -> Result<(), EncodeError> {
    let len = len32(len, "map")?;
    match len {
        0..=15 => out.push(Marker::FixMap(len as u8).to_u8()),
        16..=0xffff => write_marker16(out, Marker::Map16, len),
        _ => write_marker32(out, Marker::Map32, len),
    }
    Ok(())
}

fn write_map(out: &mut Vec<u8>, map: &Dict) -> Result<(), EncodeError> {
    write_map_head(out, map.len())?;
    for (k, v) in map {
        write_str(out, k)?;
        value_encode_into(v, out)?;
    }
    Ok(())
}

/// A non-negative integer: positive fixint, then uint8/16/32/64.
fn write_uint(out: &mut Vec<u8>, n: u64) {
    if n < 0x80 {
        out.push(Marker::FixPos(n as u8).to_u8());
    } else if let Ok(n) = u8::try_from(n) {
        out.extend_from_slice(&[Marker::U8.to_u8(), n]);
    } else if let Ok(n) = u16::try_from(n) {
        out.push(Marker::U16.to_u8());
        out.extend_from_slice(&n.to_be_bytes());
    } else if let Ok(n) = u32::try_from(n) {
        out.push(Marker::U32.to_u8());
        out.extend_from_slice(&n.to_be_bytes());
    } else {
        out.push(Marker::U64.to_u8());
        out.extend_from_slice(&n.to_be_bytes());
    }
}

/// A negative integer: negative fixint, then int8/16/32/64.
fn write_negative(out: &mut Vec<u8>, n: i64) {
    if n >= -32 {
        out.push(Marker::FixNeg(n as i8).to_u8());
    } else if let Ok(n) = i8::try_from(n) {
        out.extend_from_slice(&[Marker::I8.to_u8(), n.to_be_bytes()[0]]);
    } else if let Ok(n) = i16::try_from(n) {
        out.push(Marker::I16.to_u8());
        out.extend_from_slice(&n.to_be_bytes());
    } else if let Ok(n) = i32::try_from(n) {
        out.push(Marker::I32.to_u8());
        out.extend_from_slice(&n.to_be_bytes());
    } else {
        out.push(Marker::I64.to_u8());
        out.extend_from_slice(&n.to_be_bytes());
    }
}

fn write_str(out: &mut Vec<u8>, s: &str) -> Result<(), EncodeError> {
    let len = len32(s.len(), "string")?;
    match len {
        0..=31 => out.push(Marker::FixStr(len as u8).to_u8()),
        32..=0xff => out.extend_from_slice(&[Marker::Str8.to_u8(), len as u8]),
        0x100..=0xffff => write_marker16(out, Marker::Str16, len),
        _ => write_marker32(out, Marker::Str32, len),
    }
    out.extend_from_slice(s.as_bytes());
    Ok(())
}

fn write_marker16(out: &mut Vec<u8>, marker: Marker, len: u32) {
    out.push(marker.to_u8());
    out.extend_from_slice(&(len as u16).to_be_bytes());
}

fn write_marker32(out: &mut Vec<u8>, marker: Marker, len: u32) {
    out.push(marker.to_u8());
    out.extend_from_slice(&len.to_be_bytes());
}

fn len32(len: usize, what: &str) -> Result<u32, EncodeError> {
    u32::try_from(len).map_err(|_| EncodeError::Unrepresentable {
        format: FORMAT,
        what: format!("a {what} of {len} elements (at most 2^32-1)"),
    })
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
}
