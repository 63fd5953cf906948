//! CBOR, as autobahn writes and reads it (`wamp.2.cbor`, RawSocket serializer 3), through
//! `cbor2.dumps` / `cbor2.loads` with default options (cbor2 6.3.0).
//!
//! Writing reproduces cbor2's bytes exactly:
//! * definite lengths only, map keys in insertion order (not canonical);
//! * integers with the shortest head, negative ones as major type 1;
//! * floats always as float64 (`fb …`), except NaN, `inf` and `-inf`, which cbor2 writes as half
//!   floats (`f9 7e00`, `f9 7c00`, `f9 fc00`);
//! * bytes as major type 2, strings as major type 3, `null` `f6`, `true` `f5`, `false` `f4`.
//!
//! Reading accepts any well-formed CBOR a peer may send that maps onto a [`Value`]:
//! indefinite-length strings, byte strings, arrays and maps; half, single and double floats;
//! bignums (tags 2 and 3) that fit an `i64`/`u64`; and the self-describe tag 55799, which is
//! skipped. It rejects, each with the byte offset:
//! * every other tag (date-times, decimals, embedded CBOR, ...): a [`Value`] has no place for
//!   them, and silently dropping the tag would change the meaning;
//! * `undefined` (`f7`) and the other simple values: cbor2 reads `undefined` as its own
//!   sentinel, not `None`, and WAMP has no use for it;
//! * map keys that are not text strings (WAMP dictionaries have string keys);
//! * invalid UTF-8, reserved additional information (28..30), a break (`ff`) outside an
//!   indefinite-length item, a chunk of another type inside an indefinite-length string;
//! * integers below `-2^63` (cbor2 would make a Python `int`; a [`Value`] cannot hold it);
//! * anything after the value.
//!
//! Duplicate map keys keep the first key's position and the last value, as a Python `dict` does.
//!
//! Batched mode (`cbor.batched`) prefixes every message with its length as a 4-byte big-endian
//! integer.

use crate::bytewise::copy_small;
use crate::error::{DecodeError, EncodeError};
use crate::message::{HeadElement, PayloadRef};
use crate::messages::Message;
use crate::serializer::bytes_reader::Reader;
use crate::serializer::elements::{message_from_value, Elements};
use crate::serializer::frames;
use crate::serializer::scratch::{append, put};
use crate::serializer::Limits;
use crate::value::{CompactString, Dict, Value};

mod transcode;
pub mod view;

pub(crate) use transcode::transcode;

const FORMAT: &str = "cbor";

/// Tag 55799, "self-described CBOR": a magic number with no meaning, skipped when read.
const TAG_SELF_DESCRIBE: u64 = 55799;
/// The head of tag 55799 in its shortest encoding, as writers put it before a value.
const SELF_DESCRIBE_HEAD: [u8; 3] = [0xd9, 0xd9, 0xf7];
/// Tag 2: an unsigned bignum (a byte string, big-endian).
const TAG_POSITIVE_BIGNUM: u64 = 2;
/// Tag 3: a negative bignum, `-1 - n`.
const TAG_NEGATIVE_BIGNUM: u64 = 3;
/// The "break" stop code that ends an indefinite-length item.
const BREAK: u8 = 0xff;

/// Serializes a message to CBOR.
///
/// Every [`Value`] has a CBOR form; fails only for a message whose fields contradict each
/// other ([`EncodeError::Invalid`]).
pub fn to_vec(msg: &Message) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::with_capacity(128);
    encode_into(msg, &mut out)?;
    Ok(out)
}

/// Appends a message's CBOR to `out` (fails as [`to_vec`]; `out` is then unchanged).
pub fn encode_into(msg: &Message, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    // The payload is written from the message itself, not from a copy in the marshalled array.
    let (head, payload) = msg.encodable_parts()?;
    append(out, |buf, pos| {
        let len = head.len() + payload.element_count();
        let mut pos = write_head(buf, pos, 4, len as u64);
        for element in head.elements() {
            pos = match element {
                HeadElement::Value(v) => write_value(buf, pos, v),
                HeadElement::Int(i) => write_head(buf, pos, 0, i),
                HeadElement::Str(s) => write_text(buf, pos, 3, s.as_bytes()),
            };
        }
        match payload {
            PayloadRef::None => pos,
            PayloadRef::Bytes(b) => write_text(buf, pos, 2, b),
            PayloadRef::Args(args) => write_list(buf, pos, args),
            PayloadRef::ArgsKwargs(args, kwargs) => {
                let pos = match args {
                    Some(args) => write_list(buf, pos, args),
                    None => put(buf, pos, [0xf6]),
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
    });
    Ok(())
}

/// Serializes `v` to CBOR (never fails; see [`value_encode_into`]).
pub fn value_to_vec(v: &Value) -> Result<Vec<u8>, EncodeError> {
    let mut out = Vec::new();
    value_encode_into(v, &mut out)?;
    Ok(out)
}

/// Appends the CBOR of `v` to `out`, byte for byte as `cbor2.dumps` writes it.
///
/// Every [`Value`] has a CBOR form, so this does not fail; it returns a `Result` as the other
/// codecs' `value_encode_into` do.
pub fn value_encode_into(v: &Value, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    append(out, |buf, pos| write_value(buf, pos, v));
    Ok(())
}

// ---- the encoder ----
//
// Position-passing writers, as `crate::serializer::scratch` describes; none of them fails.

/// Inlined into the list and map loops, so that only a nested list or map costs a call.
#[inline(always)]
fn write_value(buf: &mut [u8], pos: usize, v: &Value) -> usize {
    match v {
        Value::Null => put(buf, pos, [0xf6]),
        Value::Bool(false) => put(buf, pos, [0xf4]),
        Value::Bool(true) => put(buf, pos, [0xf5]),
        Value::Int(i) if *i >= 0 => write_head(buf, pos, 0, i.unsigned_abs()),
        // -1 - i, which is the bitwise complement in two's complement.
        Value::Int(i) => write_head(buf, pos, 1, !(*i as u64)),
        Value::UInt(u) => write_head(buf, pos, 0, *u),
        Value::Float(f) => match float_special(*f) {
            Some(half) => put(buf, pos, half),
            None => {
                let [a, b, c, d, e, f, g, h] = f.to_be_bytes();
                put(buf, pos, [0xfb, a, b, c, d, e, f, g, h])
            }
        },
        Value::Bytes(b) => write_text(buf, pos, 2, b),
        Value::Str(s) => write_text(buf, pos, 3, s.as_bytes()),
        Value::List(items) => write_nested_list(buf, pos, items),
        Value::Map(map) => write_nested_map(buf, pos, map),
    }
}

/// cbor2 writes NaN and the infinities as half floats; every other float as a float64.
fn float_special(f: f64) -> Option<[u8; 3]> {
    if f.is_nan() {
        Some([0xf9, 0x7e, 0x00])
    } else if f == f64::INFINITY {
        Some([0xf9, 0x7c, 0x00])
    } else if f == f64::NEG_INFINITY {
        Some([0xf9, 0xfc, 0x00])
    } else {
        None
    }
}

/// `cbor2.dumps(list)`. Inlined where a payload's `args` are written; a list inside a value goes
/// through [`write_nested_list`], out of line.
#[inline(always)]
pub(crate) fn write_list(buf: &mut [u8], pos: usize, items: &[Value]) -> usize {
    let mut pos = write_head(buf, pos, 4, items.len() as u64);
    for item in items {
        pos = write_value(buf, pos, item);
    }
    pos
}

/// `cbor2.dumps(dict)`. Inlined where a payload's `kwargs` are written; a map inside a value goes
/// through [`write_nested_map`], out of line.
#[inline(always)]
pub(crate) fn write_map(buf: &mut [u8], pos: usize, map: &Dict) -> usize {
    let mut pos = write_head(buf, pos, 5, map.len() as u64);
    for (k, v) in map {
        pos = write_text(buf, pos, 3, k.as_bytes());
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

/// A string (`major` 3) or byte string (2): its head, then its bytes. Below 24 bytes, which
/// covers most keys and short strings, the head and bytes are claimed together and copied
/// inline.
#[inline(always)]
fn write_text(buf: &mut [u8], pos: usize, major: u8, bytes: &[u8]) -> usize {
    let n = bytes.len();
    if n >= 24 {
        return write_long_text(buf, pos, major, bytes);
    }
    let end = pos + 1 + n;
    if let Some([initial, rest @ ..]) = buf.get_mut(pos..end) {
        *initial = (major << 5) | n as u8;
        copy_small(rest, bytes);
    }
    end
}

#[inline(never)]
fn write_long_text(buf: &mut [u8], pos: usize, major: u8, bytes: &[u8]) -> usize {
    let pos = write_head(buf, pos, major, bytes.len() as u64);
    let end = pos + bytes.len();
    if let Some(dst) = buf.get_mut(pos..end) {
        dst.copy_from_slice(bytes);
    }
    end
}

/// Writes an initial byte and argument with the shortest encoding.
///
/// Inlined for the heads of one and two bytes (lengths and integers below 256), which are most
/// of a WAMP payload's; the longer forms are out of line.
#[inline(always)]
fn write_head(buf: &mut [u8], pos: usize, major: u8, n: u64) -> usize {
    let major = major << 5;
    if n < 24 {
        put(buf, pos, [major | n as u8])
    } else if n < 256 {
        put(buf, pos, [major | 24, n as u8])
    } else {
        write_long_head(buf, pos, major, n)
    }
}

#[inline(never)]
fn write_long_head(buf: &mut [u8], pos: usize, major: u8, n: u64) -> usize {
    if let Ok(n) = u16::try_from(n) {
        let [a, b] = n.to_be_bytes();
        put(buf, pos, [major | 25, a, b])
    } else if let Ok(n) = u32::try_from(n) {
        let [a, b, c, d] = n.to_be_bytes();
        put(buf, pos, [major | 26, a, b, c, d])
    } else {
        let [a, b, c, d, e, f, g, h] = n.to_be_bytes();
        put(buf, pos, [major | 27, a, b, c, d, e, f, g, h])
    }
}

/// Deserializes one CBOR message with the default [`Limits`].
pub fn from_slice(buf: &[u8]) -> Result<Message, DecodeError> {
    from_slice_with_limits(buf, &Limits::DEFAULT)
}

/// Deserializes one CBOR message: the bytes must be exactly one array, a valid WAMP message.
///
/// The array is read element by element and each element moved into its field (see
/// [`Message::parse_taking`]); anything else is decoded whole, for its syntax errors, and then
/// rejected as autobahn rejects it.
pub fn from_slice_with_limits(buf: &[u8], limits: &Limits) -> Result<Message, DecodeError> {
    let mut r = Reader::new(FORMAT, buf, limits)?;
    // The self-describe tag means nothing; skip it as most writers encode it, so that the array
    // after it takes the element-by-element path. (Other encodings of it take the path below,
    // which skips them too.)
    while r.skip_prefix(&SELF_DESCRIBE_HEAD) {}
    if r.peek().map(|initial| initial >> 5) != Some(4) {
        let value = read_value(&mut r)?;
        r.finish()?;
        return message_from_value(value);
    }
    let start = r.pos();
    let info = r.u8()? & 0x1f;
    let len = length(&mut r, info, start)?;
    r.enter()?;
    r.claim(len, 1, start)?;
    let mut elements = Elements::new();
    read_items(&mut r, len, |v| elements.push(v))?;
    r.leave();
    r.finish()?;
    elements.parse()
}

/// Decodes `buf`, which must hold exactly one CBOR value, within `limits`.
pub fn value_from_slice(buf: &[u8], limits: &Limits) -> Result<Value, DecodeError> {
    let mut r = Reader::new(FORMAT, buf, limits)?;
    let v = read_value(&mut r)?;
    r.finish()?;
    Ok(v)
}

/// Serializes messages in batched mode: each prefixed with its 4-byte big-endian length.
///
/// Fails for a message longer than 4 GiB, which the prefix cannot express, and as [`to_vec`].
pub fn encode_batch<'m>(
    msgs: impl IntoIterator<Item = &'m Message>,
) -> Result<Vec<u8>, EncodeError> {
    frames::encode_frames(FORMAT, msgs, encode_into)
}

/// The messages of a batch, borrowed from `buf`; an error (after which iteration stops) for a
/// truncated length prefix or a length beyond the end of the input.
pub fn batch(buf: &[u8]) -> impl Iterator<Item = Result<&[u8], DecodeError>> {
    super::Serializer::CBOR_BATCHED.frames(buf)
}

/// What a data item's head says (after any self-describe tags): a scalar's value, or the length
/// of what follows (`None`: indefinite, up to a break).
///
/// The one reading of CBOR's heads, tags and simple values, shared by the owned decoder
/// ([`read_value`]), the scanner that checks a message in place and the items it returns
/// ([`view`]), so that they classify and reject every item alike. A bignum is read whole here
/// (its content too) and is an integer like any other.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Head {
    /// An integer that fits an `i64`: a negative one, or a negative bignum.
    Int(i64),
    /// A non-negative integer or bignum, which [`Value::from_u64`] places.
    UInt(u64),
    /// A half, single or double float, widened.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A byte string (major 2) of this many bytes.
    Bytes(Option<u64>),
    /// A text string (major 3) of this many bytes.
    Text(Option<u64>),
    /// An array of this many items.
    Array(Option<u64>),
    /// A map of this many entries.
    Map(Option<u64>),
}

/// Reads the head of the data item at the reader's position, skipping self-describe tags: the
/// offset of the item's own head (where its errors point) and what the head says. Every tag
/// but self-describe and the bignums, and every simple value but the booleans and `null`, are
/// errors here, for every reader of CBOR.
#[inline(always)]
pub(crate) fn read_head(r: &mut Reader<'_>) -> Result<(usize, Head), DecodeError> {
    loop {
        let start = r.pos();
        let initial = r.u8()?;
        let (major, info) = (initial >> 5, initial & 0x1f);
        let head = match major {
            0 => Head::UInt(argument(r, info, start)?),
            1 => {
                let n = argument(r, info, start)?;
                negative(r, n, start)?
            }
            2 => Head::Bytes(length(r, info, start)?),
            3 => Head::Text(length(r, info, start)?),
            4 => Head::Array(length(r, info, start)?),
            5 => Head::Map(length(r, info, start)?),
            6 => match argument(r, info, start)? {
                // A loop, not recursion: a chain of these must not grow the stack.
                TAG_SELF_DESCRIBE => continue,
                tag @ (TAG_POSITIVE_BIGNUM | TAG_NEGATIVE_BIGNUM) => read_bignum(r, tag, start)?,
                tag => return Err(r.error(start, format_args!("unsupported tag {tag}"))),
            },
            _ => read_simple(r, info, start)?,
        };
        return Ok((start, head));
    }
}

/// Reads one data item at the reader's position.
pub(crate) fn read_value(r: &mut Reader<'_>) -> Result<Value, DecodeError> {
    let mut value = Value::Null;
    read_value_to(r, |v| value = v)?;
    Ok(value)
}

/// Reads one data item and hands it to `put` (which stores it in its list, map or message),
/// from the branch of each kind of item.
///
/// Inlined into each loop that reads items (it recurses only through the out-of-line
/// [`read_list`] and [`read_map`]), so that a scalar costs no call. A `put` per branch, rather
/// than one `put` of the value the branches make: that value was assembled in memory with
/// 8-byte stores and then moved with 16-byte loads, which the CPU cannot forward from stores
/// that recent, a stall on every item that cost more time than anything else in the decode.
#[inline(always)]
fn read_value_to(r: &mut Reader<'_>, put: impl FnOnce(Value)) -> Result<(), DecodeError> {
    let (start, head) = read_head(r)?;
    match head {
        Head::Int(i) => put(Value::Int(i)),
        Head::UInt(u) => put(Value::from_u64(u)),
        Head::Float(f) => put(Value::Float(f)),
        Head::Bool(b) => put(Value::Bool(b)),
        Head::Null => put(Value::Null),
        Head::Bytes(len) => put(Value::Bytes(read_bytes(r, len, start)?)),
        Head::Text(len) => put(Value::Str(read_text(r, len, start)?)),
        Head::Array(len) => put(Value::List(read_list(r, len, start)?)),
        Head::Map(len) => put(Value::Map(read_map(r, len, start)?)),
    }
    Ok(())
}

/// The argument of a head whose major type has no indefinite form.
fn argument(r: &mut Reader<'_>, info: u8, start: usize) -> Result<u64, DecodeError> {
    length(r, info, start)?
        .ok_or_else(|| r.error(start, "indefinite length on a type that has none"))
}

/// The argument of a head, `None` for an indefinite length.
#[inline(always)]
fn length(r: &mut Reader<'_>, info: u8, start: usize) -> Result<Option<u64>, DecodeError> {
    // Most heads carry their argument in `info` itself: that case stays inline.
    if info < 24 {
        return Ok(Some(u64::from(info)));
    }
    following_length(r, info, start)
}

/// [`length`] when the argument follows the head (or is indefinite, or reserved).
fn following_length(
    r: &mut Reader<'_>,
    info: u8,
    start: usize,
) -> Result<Option<u64>, DecodeError> {
    Ok(Some(match info {
        24 => u64::from(r.u8()?),
        25 => u64::from(u16::from_be_bytes(r.array()?)),
        26 => u64::from(u32::from_be_bytes(r.array()?)),
        27 => u64::from_be_bytes(r.array()?),
        31 => return Ok(None),
        _ => {
            return Err(r.error(
                start,
                format_args!("reserved additional information {info}"),
            ))
        }
    }))
}

/// The integer `-1 - n`, which fits an `i64` exactly when `n` does.
fn negative(r: &Reader<'_>, n: u64, start: usize) -> Result<Head, DecodeError> {
    match i64::try_from(n) {
        Ok(n) => Ok(Head::Int(-1 - n)),
        Err(_) => Err(r.error(start, format_args!("integer -1-{n} is below -2^63"))),
    }
}

/// The content of a byte string (major 2) of `len` bytes, joining the chunks of an
/// indefinite-length one.
fn read_bytes(r: &mut Reader<'_>, len: Option<u64>, start: usize) -> Result<Vec<u8>, DecodeError> {
    match len {
        Some(n) => Ok(r.take(n, start)?.to_vec()),
        None => read_chunks(r, 2),
    }
}

/// The content of a text string (major 3) of `len` bytes, joining the chunks of an
/// indefinite-length one.
fn read_text(
    r: &mut Reader<'_>,
    len: Option<u64>,
    start: usize,
) -> Result<CompactString, DecodeError> {
    match len {
        Some(n) => {
            let at = r.pos();
            let bytes = r.take(n, start)?;
            r.owned_utf8(bytes, at)
        }
        None => {
            let bytes = read_chunks(r, 3)?;
            // Each chunk was checked, so the whole is valid too.
            String::from_utf8(bytes)
                .map(CompactString::from)
                .map_err(|_| r.error(start, "invalid UTF-8"))
        }
    }
}

/// The chunks of an indefinite-length byte or text string (major 2 or 3) up to its break,
/// joined. Text is checked as UTF-8 chunk by chunk, as RFC 8949 requires.
fn read_chunks(r: &mut Reader<'_>, major: u8) -> Result<Vec<u8>, DecodeError> {
    let mut out = Vec::new();
    for_each_chunk(r, major, |r, chunk, at| {
        if major == 3 {
            r.utf8(chunk, at)?;
        }
        out.extend_from_slice(chunk);
        Ok(())
    })?;
    Ok(out)
}

/// Reads the chunks of an indefinite-length byte or text string (major 2 or 3) up to its
/// break, passing each (and its offset) to `chunk` as soon as it is read: the owned decoder
/// joins them, the scanner checks them, the items walk them.
#[inline]
pub(crate) fn for_each_chunk<'a>(
    r: &mut Reader<'a>,
    major: u8,
    mut chunk: impl FnMut(&Reader<'a>, &'a [u8], usize) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    loop {
        let chunk_start = r.pos();
        let initial = r.u8()?;
        if initial == BREAK {
            return Ok(());
        }
        if initial >> 5 != major {
            return Err(r.error(
                chunk_start,
                "chunk of an indefinite-length string is of another type",
            ));
        }
        let Some(n) = length(r, initial & 0x1f, chunk_start)? else {
            return Err(r.error(chunk_start, "nested indefinite-length string"));
        };
        let at = r.pos();
        let bytes = r.take(n, chunk_start)?;
        chunk(r, bytes, at)?;
    }
}

// Lists, maps and bignums are read out of line, as MessagePack's are: inlined into
// `read_value`, their locals made every scalar and string pay for a larger stack frame. A list
// or map comes back as its items, wrapped in a `Value` by the caller in registers: a `Value`
// returned through memory was copied into the slot the branches of `read_value_to` share.

#[inline(never)]
fn read_list(
    r: &mut Reader<'_>,
    len: Option<u64>,
    start: usize,
) -> Result<Vec<Value>, DecodeError> {
    r.enter()?;
    let mut items = Vec::with_capacity(r.claim(len, 1, start)?);
    read_items(r, len, |v| items.push(v))?;
    r.leave();
    Ok(items)
}

/// Reads the items of an array whose head was read and whose `len` items (`None`: up to a
/// break, each accounted for here) were claimed, passing each to `push`.
fn read_items(
    r: &mut Reader<'_>,
    len: Option<u64>,
    mut push: impl FnMut(Value),
) -> Result<(), DecodeError> {
    match len {
        Some(n) => {
            for _ in 0..n {
                read_value_to(r, &mut push)?;
            }
        }
        None => {
            while !r.at_break(BREAK) {
                r.claim(Some(1), 1, r.pos())?;
                read_value_to(r, &mut push)?;
            }
        }
    }
    Ok(())
}

#[inline(never)]
fn read_map(r: &mut Reader<'_>, len: Option<u64>, start: usize) -> Result<Dict, DecodeError> {
    r.enter()?;
    let mut map = Dict::with_capacity(r.claim(len, 2, start)?);
    let mut entry = |r: &mut Reader<'_>| {
        let (key_len, key_start) = read_key_head(r)?;
        let key = read_text(r, key_len, key_start)?;
        read_value_to(r, |value| {
            map.insert(key, value);
        })
    };
    match len {
        Some(n) => (0..n).try_for_each(|_| entry(r))?,
        None => {
            while !r.at_break(BREAK) {
                r.claim(Some(1), 2, r.pos())?;
                entry(r)?;
            }
        }
    }
    r.leave();
    Ok(map)
}

/// Reads the head of a map key, which must be a text string: its length and its offset.
#[inline(always)]
pub(crate) fn read_key_head(r: &mut Reader<'_>) -> Result<(Option<u64>, usize), DecodeError> {
    let key_start = r.pos();
    let initial = r.u8()?;
    if initial >> 5 != 3 {
        return Err(r.error(key_start, "map key is not a text string"));
    }
    Ok((length(r, initial & 0x1f, key_start)?, key_start))
}

/// The integer a bignum tagged `tag` (at `start`) holds; its content is read here, chunk by
/// chunk, without joining the chunks.
#[inline(never)]
fn read_bignum(r: &mut Reader<'_>, tag: u64, start: usize) -> Result<Head, DecodeError> {
    let content_start = r.pos();
    let initial = r.u8()?;
    if initial >> 5 != 2 {
        return Err(r.error(content_start, "bignum content is not a byte string"));
    }
    // The significant bytes (after the leading zeros): their count and, while it is 8 or
    // fewer, their value.
    let (mut n, mut significant) = (0u64, 0usize);
    let mut digits = |bytes: &[u8]| {
        for &b in bytes {
            if significant > 0 || b != 0 {
                significant += 1;
                n = (n << 8) | u64::from(b);
            }
        }
    };
    match length(r, initial & 0x1f, content_start)? {
        Some(len) => digits(r.take(len, content_start)?),
        None => for_each_chunk(r, 2, |_, chunk, _| {
            digits(chunk);
            Ok(())
        })?,
    }
    if significant > 8 {
        return Err(r.error(start, "bignum does not fit 64 bits"));
    }
    if tag == TAG_POSITIVE_BIGNUM {
        Ok(Head::UInt(n))
    } else {
        negative(r, n, start)
    }
}

/// Major type 7: simple values and floats.
fn read_simple(r: &mut Reader<'_>, info: u8, start: usize) -> Result<Head, DecodeError> {
    match info {
        20 => Ok(Head::Bool(false)),
        21 => Ok(Head::Bool(true)),
        22 => Ok(Head::Null),
        23 => Err(r.error(start, "undefined is not supported")),
        24 => {
            let n = r.u8()?;
            Err(r.error(start, format_args!("unsupported simple value {n}")))
        }
        25 => Ok(Head::Float(f16_to_f64(u16::from_be_bytes(r.array()?)))),
        26 => Ok(Head::Float(f64::from(f32::from_be_bytes(r.array()?)))),
        27 => Ok(Head::Float(f64::from_be_bytes(r.array()?))),
        31 => Err(r.error(start, "break outside an indefinite-length item")),
        0..=19 => Err(r.error(start, format_args!("unsupported simple value {info}"))),
        _ => Err(r.error(
            start,
            format_args!("reserved additional information {info}"),
        )),
    }
}

/// An IEEE 754 half-precision float, widened exactly (RFC 8949, appendix D).
pub(crate) fn f16_to_f64(half: u16) -> f64 {
    let exponent = i32::from((half >> 10) & 0x1f);
    let mantissa = f64::from(half & 0x3ff);
    let magnitude = match exponent {
        0 => mantissa * 2f64.powi(-24),
        31 if mantissa == 0.0 => f64::INFINITY,
        31 => f64::NAN,
        _ => (mantissa + 1024.0) * 2f64.powi(exponent - 25),
    };
    if half & 0x8000 != 0 {
        -magnitude
    } else {
        magnitude
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict;
    use crate::serializer::scratch::Scratch;

    fn hex(s: &str) -> Vec<u8> {
        let s: String = s.split_whitespace().collect();
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// A `Scratch` grows from empty and from full, keeping what was written; `append` grows
    /// its `Vec` and keeps what was in it.
    #[test]
    fn buffers_grow() {
        let long: String = "x".repeat(1000);
        let v = Value::List(vec![Value::from(long.as_str()); 3]);
        let mut expected = vec![0x83, 0x79, 0x03, 0xe8];
        expected.extend_from_slice(long.as_bytes());
        for _ in 0..2 {
            expected.extend_from_within(1..1004);
        }
        let mut scratch = Scratch::default();
        assert_eq!(
            scratch.encode(|buf, pos| write_value(buf, pos, &Value::Int(1))),
            [1]
        );
        assert_eq!(
            scratch.encode(|buf, pos| write_value(buf, pos, &v)),
            expected
        );
        // The attempt that did not fit still reached the encoding's exact size, past every
        // write it skipped, and the buffer grew to that (more than double its 256 bytes).
        assert_eq!(scratch.len(), expected.len());
        let mut out = b"prefix".to_vec();
        value_encode_into(&v, &mut out).unwrap();
        assert_eq!(out[..6], *b"prefix");
        assert_eq!(out[6..], expected);
    }

    /// Encodes into both buffers, which must agree.
    fn enc(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        value_encode_into(v, &mut out).unwrap();
        let mut scratch = Scratch::default();
        // twice: the second time over the first's bytes, as a reused buffer is
        for _ in 0..2 {
            let written = scratch.encode(|buf, pos| write_value(buf, pos, v));
            assert_eq!(written, out, "Scratch and Vec differ on {v:?}");
        }
        out
    }

    fn dec(bytes: &[u8]) -> Result<Value, DecodeError> {
        value_from_slice(bytes, &Limits::DEFAULT)
    }

    /// Encodes to exactly `expected` (annotated hex) and decodes back.
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
                format: "cbor",
                reason,
            }) => {
                assert!(reason.contains(needle), "{reason:?} lacks {needle:?}");
                assert!(reason.contains("at offset"), "{reason:?} has no offset");
            }
            other => panic!("{bytes:02x?}: expected a syntax error, got {other:?}"),
        }
    }

    #[test]
    fn integers_at_each_width_boundary() {
        both_ways(Value::Int(0), "00");
        both_ways(Value::Int(23), "17");
        both_ways(Value::Int(24), "18 18");
        both_ways(Value::Int(255), "18 ff");
        both_ways(Value::Int(256), "19 0100");
        both_ways(Value::Int(65535), "19 ffff");
        both_ways(Value::Int(65536), "1a 00010000");
        both_ways(Value::Int(4294967295), "1a ffffffff");
        both_ways(Value::Int(4294967296), "1b 0000000100000000");
        both_ways(Value::Int(i64::MAX), "1b 7fffffffffffffff");
        both_ways(Value::UInt(u64::MAX), "1b ffffffffffffffff");
        both_ways(Value::Int(-1), "20");
        both_ways(Value::Int(-24), "37");
        both_ways(Value::Int(-25), "38 18");
        both_ways(Value::Int(-256), "38 ff");
        both_ways(Value::Int(-257), "39 0100");
        both_ways(Value::Int(-65537), "3a 00010000");
        both_ways(Value::Int(i64::MIN), "3b 7fffffffffffffff");
        // Below -2^63 does not fit a Value.
        syntax_error(&hex("3b 8000000000000000"), "below -2^63");
    }

    #[test]
    fn floats_are_float64_except_nan_and_infinities() {
        both_ways(Value::Float(1.5), "fb 3ff8000000000000");
        both_ways(Value::Float(-0.0), "fb 8000000000000000");
        both_ways(Value::Float(0.0), "fb 0000000000000000");
        both_ways(Value::Float(f64::NAN), "f9 7e00");
        both_ways(Value::Float(f64::INFINITY), "f9 7c00");
        both_ways(Value::Float(f64::NEG_INFINITY), "f9 fc00");
        let negative_zero = dec(&hex("fb 8000000000000000")).unwrap();
        assert!(matches!(negative_zero, Value::Float(f) if f.is_sign_negative()));
    }

    #[test]
    fn half_and_single_floats_decode() {
        let float = |h: &str| match dec(&hex(h)).unwrap() {
            Value::Float(f) => f,
            other => panic!("{other:?}"),
        };
        assert_eq!(float("f9 3c00"), 1.0);
        assert_eq!(float("f9 c400"), -4.0);
        assert_eq!(float("f9 7bff"), 65504.0);
        assert_eq!(float("f9 0001"), 5.960464477539063e-8); // smallest subnormal
        assert_eq!(float("f9 0400"), 6.103515625e-5); // smallest normal
        assert!(float("f9 8000").is_sign_negative());
        assert!(float("f9 7e00").is_nan());
        assert_eq!(float("f9 fc00"), f64::NEG_INFINITY);
        assert_eq!(float("fa 47c35000"), 100000.0);
        assert_eq!(float("fa 7f800000"), f64::INFINITY);
        assert_eq!(float("fb 3ff199999999999a"), 1.1);
    }

    #[test]
    fn strings_bytes_and_simple_values() {
        both_ways(Value::from(""), "60");
        both_ways(Value::from("é"), "62 c3a9");
        both_ways(
            Value::from("a".repeat(24)),
            &format!("78 18 {}", "61".repeat(24)),
        );
        both_ways(Value::Bytes(vec![1, 2, 3]), "43 010203");
        both_ways(Value::Null, "f6");
        both_ways(Value::Bool(true), "f5");
        both_ways(Value::Bool(false), "f4");
    }

    #[test]
    fn nested_containers_keep_insertion_order() {
        let v = Value::List(vec![
            Value::Int(16),
            Value::Map(dict! { "b" => 1, "a" => Value::List(vec![]) }),
            Value::Map(dict! {}),
        ]);
        // 83: array(3), 10: 16, a2: map(2), 61 62: "b", 01, 61 61: "a", 80: [], a0: {}
        both_ways(v, "83 10 a2 6162 01 6161 80 a0");
    }

    #[test]
    fn duplicate_keys_keep_first_position_and_last_value() {
        // {"a": 1, "b": 2, "a": 3}
        let v = dec(&hex("a3 6161 01 6162 02 6161 03")).unwrap();
        let map = v.as_map().unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(map["a"], Value::Int(3));
    }

    #[test]
    fn indefinite_lengths_decode() {
        // (_ h'0102', h'03') as bytes
        assert_eq!(
            dec(&hex("5f 42 0102 41 03 ff")).unwrap(),
            Value::Bytes(vec![1, 2, 3])
        );
        // (_ "ab", "", "c")
        assert_eq!(
            dec(&hex("7f 62 6162 60 61 63 ff")).unwrap(),
            Value::from("abc")
        );
        // [_ 1, [2, 3], [_ 4]]
        assert_eq!(
            dec(&hex("9f 01 82 02 03 9f 04 ff ff")).unwrap(),
            Value::List(vec![
                Value::Int(1),
                Value::List(vec![Value::Int(2), Value::Int(3)]),
                Value::List(vec![Value::Int(4)]),
            ])
        );
        // {_ "a": 1, (_ "b"): [_ ]}
        assert_eq!(
            dec(&hex("bf 6161 01 7f 6162 ff 9f ff ff")).unwrap(),
            Value::Map(dict! { "a" => 1, "b" => Value::List(vec![]) })
        );
        syntax_error(&hex("5f 61 61 ff"), "another type");
        syntax_error(&hex("7f 7f ff ff"), "nested indefinite");
        syntax_error(&hex("9f 01"), "unexpected end of input");
        // A break where a map value belongs.
        syntax_error(&hex("bf 6161 ff"), "break outside");
        // Chunks are validated one by one: a character split across chunks is invalid.
        syntax_error(&hex("7f 61 c3 61 a9 ff"), "invalid UTF-8");
    }

    #[test]
    fn tags() {
        // Bignums that fit: 2^64-1, 2^63, -2^63, with leading zeros and indefinite content.
        assert_eq!(
            dec(&hex("c2 49 00ffffffffffffffff")).unwrap(),
            Value::UInt(u64::MAX)
        );
        assert_eq!(dec(&hex("c2 40")).unwrap(), Value::Int(0));
        assert_eq!(dec(&hex("c2 5f 41 01 41 00 ff")).unwrap(), Value::Int(256));
        assert_eq!(
            dec(&hex("c3 48 7fffffffffffffff")).unwrap(),
            Value::Int(i64::MIN)
        );
        syntax_error(&hex("c2 49 010000000000000000"), "does not fit 64 bits");
        syntax_error(&hex("c3 48 8000000000000000"), "below -2^63");
        syntax_error(&hex("c2 01"), "not a byte string");
        // Self-describe is skipped, even chained.
        assert_eq!(
            dec(&hex("d9d9f7 d9d9f7 83 01 02 03"))
                .unwrap()
                .as_list()
                .unwrap()
                .len(),
            3
        );
        // Everything else is rejected: date-time string, epoch, embedded CBOR, URI.
        for tagged in ["c0 60", "c1 00", "d8 18 41 00", "d8 20 60"] {
            syntax_error(&hex(tagged), "unsupported tag");
        }
        syntax_error(&hex("df"), "indefinite length on a type that has none");
    }

    #[test]
    fn rejected_simple_values() {
        syntax_error(&hex("f7"), "undefined");
        syntax_error(&hex("f0"), "simple value 16");
        syntax_error(&hex("f8 ff"), "simple value 255");
        syntax_error(&hex("ff"), "break outside");
        for reserved in ["1c", "3d", "5e", "7c", "9d", "be", "dc", "fc"] {
            syntax_error(&hex(reserved), "reserved additional information");
        }
    }

    #[test]
    fn hostile_inputs() {
        syntax_error(b"", "unexpected end of input");
        syntax_error(&hex("83 01 02"), "unexpected end of input");
        syntax_error(&hex("19 01"), "unexpected end of input");
        // Length prefixes far beyond the input: errors, nothing reserved.
        syntax_error(&hex("5b ffffffffffffffff"), "unexpected end of input");
        syntax_error(&hex("7a ffffffff 61"), "unexpected end of input");
        syntax_error(&hex("9a ffffffff 01"), "items cannot fit");
        syntax_error(&hex("bb ffffffffffffffff"), "items cannot fit");
        // Invalid UTF-8, with the offset of the bad byte.
        syntax_error(
            &hex("83 01 62 61ff 02"),
            "invalid UTF-8 in a string at offset 4",
        );
        // Non-string keys.
        syntax_error(&hex("a1 01 02"), "map key is not a text string at offset 1");
        syntax_error(&hex("a1 41 61 02"), "map key is not a text string");
        // Trailing bytes.
        syntax_error(
            &hex("80 00"),
            "1 trailing bytes after the value at offset 1",
        );
    }

    #[test]
    fn deep_nesting_is_a_limit_error_not_a_stack_overflow() {
        for opener in [0x81, 0x9f, 0xa1] {
            let mut deep = Vec::new();
            for _ in 0..100_000 {
                deep.push(opener);
                if opener == 0xa1 {
                    deep.extend_from_slice(&hex("6161"));
                }
            }
            assert!(matches!(
                dec(&deep),
                Err(DecodeError::Limit {
                    format: "cbor",
                    limit: "depth",
                    max: 64
                })
            ));
        }
        // 64 levels are fine.
        let mut ok = vec![0x81; 63];
        ok.push(0x80);
        assert!(dec(&ok).is_ok());
        // A long chain of self-describe tags does not recurse either.
        let tags: Vec<u8> = [0xd9, 0xd9, 0xf7]
            .repeat(100_000)
            .into_iter()
            .chain([0xf6])
            .collect();
        assert_eq!(dec(&tags).unwrap(), Value::Null);
    }

    #[test]
    fn item_and_size_limits() {
        let limits = Limits {
            max_items: 3,
            ..Limits::DEFAULT
        };
        assert!(value_from_slice(&hex("83 01 02 03"), &limits).is_ok());
        assert!(matches!(
            value_from_slice(&hex("82 01 82 02 03"), &limits),
            Err(DecodeError::Limit {
                limit: "items",
                max: 3,
                ..
            })
        ));
        assert!(matches!(
            value_from_slice(&hex("9f 01 02 9f 03 ff ff"), &limits),
            Err(DecodeError::Limit { limit: "items", .. })
        ));
        let limits = Limits {
            max_size: 2,
            ..Limits::DEFAULT
        };
        assert!(matches!(
            value_from_slice(&hex("83 01 02 03"), &limits),
            Err(DecodeError::Limit {
                limit: "size",
                max: 2,
                ..
            })
        ));
    }

    #[test]
    fn messages_must_be_lists() {
        let err = from_slice(&hex("a0")).unwrap_err();
        assert_eq!(err.to_string(), "invalid type dict for WAMP message");
        assert!(err.as_validation().is_some());
    }

    #[test]
    fn batches() {
        use crate::{Publish, WampMessage};
        let msgs: Vec<Message> = [1, 2]
            .iter()
            .map(|&id| {
                let raw = [
                    Value::Int(16),
                    Value::Int(id),
                    Value::Map(Dict::new()),
                    "com.t".into(),
                ];
                Publish::parse(&raw).unwrap().into()
            })
            .collect();
        let bytes = encode_batch(&msgs).unwrap();
        // 0000000a: 10 bytes, then [16, 1, {}, "com.t"]
        assert_eq!(bytes[..14], hex("0000000a 84 10 01 a0 65 636f6d2e74")[..]);
        let decoded: Vec<Message> = batch(&bytes)
            .map(|frame| from_slice(frame.unwrap()).unwrap())
            .collect();
        assert_eq!(decoded, msgs);
        assert_eq!(batch(&[]).count(), 0);

        let frames: Vec<_> = batch(&bytes[..bytes.len() - 1]).collect();
        assert_eq!(frames.len(), 2);
        let err = frames[1].as_ref().unwrap_err().to_string();
        assert!(
            err.contains("10 bytes but only 9 bytes follow at offset 14"),
            "{err}"
        );

        let empty_then_short = hex("00000000 0000");
        let frames: Vec<_> = batch(&empty_then_short).collect();
        assert!(frames[0].as_ref().unwrap().is_empty());
        assert!(frames[1]
            .as_ref()
            .unwrap_err()
            .to_string()
            .contains("2 of 4 bytes"));

        let absurd = hex("ffffffff 80");
        let absurd: Vec<_> = batch(&absurd).collect();
        assert_eq!(absurd.len(), 1);
        assert!(absurd[0].is_err());
    }
}
