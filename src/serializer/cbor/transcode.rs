//! Checked CBOR written into another format ([`Emit`]) in one walk of its bytes: each head
//! read once (by the owned decoder's `read_head`, tags and simple values included) and its
//! value written at once, where the generic
//! [`item::transcode`](crate::view::item::transcode) makes an item of every value (finding
//! where an array or map ends by walking it) before writing it. Only an indefinite-length
//! array or map is walked twice, once to count its items. What it writes is exactly what the
//! generic one writes.

use super::view::skip_value;
use super::{read_chunks, read_head, read_key_head, Head, BREAK, FORMAT};
use crate::error::DecodeError;
use crate::serializer::bytes_reader::Reader;
use crate::view::item::Emit;

/// Writes the checked CBOR value `bytes` into `out`.
///
/// The bytes were checked by the scan with the same reads, so the walk cannot fail; if it
/// did, it would stop where it failed, leaving what it wrote (never a panic).
pub(crate) fn transcode(bytes: &[u8], out: &mut impl Emit) {
    let _ = value(&mut Reader::checked(FORMAT, bytes), out);
}

fn value(r: &mut Reader<'_>, out: &mut impl Emit) -> Result<(), DecodeError> {
    let (start, head) = read_head(r)?;
    match head {
        Head::Null => out.null(),
        Head::Bool(b) => out.bool(b),
        Head::Int(i) => out.int(i128::from(i)),
        Head::UInt(u) => out.int(i128::from(u)),
        Head::Float(f) => out.f64(f),
        Head::Bytes(Some(n)) => out.bytes(r.take(n, start)?),
        Head::Bytes(None) => out.bytes(&read_chunks(r, 2)?),
        Head::Text(len) => out.utf8_str(&text(r, len, start)?),
        Head::Array(len) => {
            out.begin_list(count(r, len, false)?);
            each_item(r, len, |r| value(r, out))?;
            out.end_list();
        }
        Head::Map(len) => {
            out.begin_map(count(r, len, true)?);
            each_item(r, len, |r| {
                let (key_len, key_start) = read_key_head(r)?;
                out.utf8_key(&text(r, key_len, key_start)?);
                value(r, out)
            })?;
            out.end_map();
        }
    }
    Ok(())
}

/// A text string's bytes (UTF-8, as the scan checked): borrowed when definite, its chunks
/// joined when not.
fn text<'a>(
    r: &mut Reader<'a>,
    len: Option<u64>,
    start: usize,
) -> Result<std::borrow::Cow<'a, [u8]>, DecodeError> {
    Ok(match len {
        Some(n) => std::borrow::Cow::Borrowed(r.take(n, start)?),
        None => std::borrow::Cow::Owned(read_chunks(r, 3)?),
    })
}

/// The number of items of the array (or entries of the map) whose head says `len`: that
/// length, or, for an indefinite one, its items counted by a walk up to its break.
fn count(r: &Reader<'_>, len: Option<u64>, map: bool) -> Result<usize, DecodeError> {
    if let Some(n) = len {
        return Ok(usize::try_from(n).unwrap_or(usize::MAX));
    }
    let mut probe = Reader::checked(FORMAT, r.rest());
    let mut n = 0;
    each_item(&mut probe, None, |probe| {
        n += 1;
        if map {
            skip_value(probe)?;
        }
        skip_value(probe)
    })?;
    Ok(n)
}

/// Runs `item` for each of the `len` items (up to the break for `None`).
fn each_item<'a>(
    r: &mut Reader<'a>,
    len: Option<u64>,
    mut item: impl FnMut(&mut Reader<'a>) -> Result<(), DecodeError>,
) -> Result<(), DecodeError> {
    match len {
        Some(n) => (0..n).try_for_each(|_| item(r)),
        None => {
            while !r.at_break(BREAK) {
                item(r)?;
            }
            Ok(())
        }
    }
}
