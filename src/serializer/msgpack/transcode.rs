//! Checked MessagePack written into another format ([`Emit`]) in one walk of its bytes, by
//! the scan's own fast walk without its budgets: each head read once and its value written at
//! once, where the generic [`item::transcode`](crate::view::item::transcode) makes an item of
//! every value (finding where a list or map ends by walking it) before writing it. What it
//! writes is exactly what the generic one writes.

use super::view::Fast;
use super::Head;
use crate::view::item::Emit;

/// Writes the checked MessagePack value `bytes` into `out`.
///
/// The bytes were checked by the scan with the same head reads, so the walk cannot fail; if it
/// did, it would stop where it failed, leaving what it wrote (never a panic).
pub(crate) fn transcode(bytes: &[u8], out: &mut impl Emit) {
    let _ = value(&mut Fast::checked(bytes), out);
}

fn value(walk: &mut Fast<'_>, out: &mut impl Emit) -> Option<()> {
    match walk.head()? {
        Head::Nil => out.null(),
        Head::Bool(b) => out.bool(b),
        Head::Int(i) => out.int(i128::from(i)),
        Head::UInt(u) => out.int(i128::from(u)),
        Head::Float(f) => out.f64(f),
        // (checked as UTF-8 by the scan)
        Head::Str(len) => out.utf8_str(walk.take(len)?),
        Head::Bin(len) => out.bytes(walk.take(len)?),
        Head::Array(n) => {
            out.begin_list(n as usize);
            for _ in 0..n {
                value(walk, out)?;
            }
            out.end_list();
        }
        Head::Map(n) => {
            out.begin_map(n as usize);
            for _ in 0..n {
                let Head::Str(len) = walk.head()? else {
                    return None;
                };
                out.utf8_key(walk.take(len)?);
                value(walk, out)?;
            }
            out.end_map();
        }
    }
    Some(())
}
