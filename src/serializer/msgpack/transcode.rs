//! Checked MessagePack written into another format ([`Emit`]) in one walk of its bytes: each
//! head read once and its value written at once, where the generic
//! [`item::transcode`](crate::view::item::transcode) makes an item of every value (finding
//! where a list or map ends by walking it) before writing it. What it writes is exactly what
//! the generic one writes.

use super::{parse_head, Head};
use crate::view::item::Emit;

/// Writes the checked MessagePack value `bytes` into `out`.
///
/// The bytes were checked by the scan with the same head reads, so the walk cannot fail; if it
/// did, it would stop where it failed, leaving what it wrote (never a panic).
pub(crate) fn transcode(bytes: &[u8], out: &mut impl Emit) {
    let _ = Walk { bytes, pos: 0 }.value(out);
}

/// A position in checked bytes.
struct Walk<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Walk<'a> {
    fn head(&mut self) -> Option<Head> {
        let (head, n) = parse_head(self.bytes.get(self.pos..)?).ok()?;
        self.pos += n;
        Some(head)
    }

    fn take(&mut self, len: u32) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(len as usize)?;
        let body = self.bytes.get(self.pos..end)?;
        self.pos = end;
        Some(body)
    }

    fn text(&mut self, len: u32) -> Option<&'a str> {
        core::str::from_utf8(self.take(len)?).ok()
    }

    fn value(&mut self, out: &mut impl Emit) -> Option<()> {
        match self.head()? {
            Head::Nil => out.null(),
            Head::Bool(b) => out.bool(b),
            Head::Int(i) => out.int(i128::from(i)),
            Head::UInt(u) => out.int(i128::from(u)),
            Head::Float(f) => out.f64(f),
            Head::Str(len) => out.str(self.text(len)?),
            Head::Bin(len) => out.bytes(self.take(len)?),
            Head::Array(n) => {
                out.begin_list(n as usize);
                for _ in 0..n {
                    self.value(out)?;
                }
                out.end_list();
            }
            Head::Map(n) => {
                out.begin_map(n as usize);
                for _ in 0..n {
                    let Head::Str(len) = self.head()? else {
                        return None;
                    };
                    out.key(self.text(len)?);
                    self.value(out)?;
                }
                out.end_map();
            }
        }
        Some(())
    }
}
