//! Bounds-checked little-endian reads and the table handle the views are made of.
//!
//! Every read goes through `slice::get`, so even a position that the verifier did not check (a
//! logic bug) gives `None` or a default, never a panic and never undefined behaviour.

/// The byte at `pos`.
pub(crate) fn u8_at(buf: &[u8], pos: usize) -> Option<u8> {
    buf.get(pos).copied()
}

/// The little-endian `u16` at `pos`.
pub(crate) fn u16_at(buf: &[u8], pos: usize) -> Option<u16> {
    let b = buf.get(pos..pos.checked_add(2)?)?;
    Some(u16::from_le_bytes(b.try_into().ok()?))
}

/// The little-endian `u32` at `pos`.
pub(crate) fn u32_at(buf: &[u8], pos: usize) -> Option<u32> {
    let b = buf.get(pos..pos.checked_add(4)?)?;
    Some(u32::from_le_bytes(b.try_into().ok()?))
}

/// The little-endian `i32` at `pos`.
pub(crate) fn i32_at(buf: &[u8], pos: usize) -> Option<i32> {
    u32_at(buf, pos).map(|v| v as i32)
}

/// The little-endian `u64` at `pos`.
pub(crate) fn u64_at(buf: &[u8], pos: usize) -> Option<u64> {
    let b = buf.get(pos..pos.checked_add(8)?)?;
    Some(u64::from_le_bytes(b.try_into().ok()?))
}

/// The table at `pos`: its vtable is `pos - soffset`.
pub(crate) fn vtable_of(buf: &[u8], pos: usize) -> Option<usize> {
    let so = i64::from(i32_at(buf, pos)?);
    usize::try_from(pos as i64 - so).ok()
}

/// Follows the uoffset at `pos`.
pub(crate) fn follow(buf: &[u8], pos: usize) -> Option<usize> {
    pos.checked_add(u32_at(buf, pos)? as usize)
}

/// The `[u8]` vector (or string bytes) at `pos`: length, then the bytes.
pub(crate) fn byte_vector_at(buf: &[u8], pos: usize) -> Option<&[u8]> {
    let n = u32_at(buf, pos)? as usize;
    let start = pos.checked_add(4)?;
    buf.get(start..start.checked_add(n)?)
}

/// A verified table: the buffer, the table's position and its vtable's position.
///
/// Three words; `Copy`. Reads stay bounds-checked.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Table<'a> {
    pub(crate) buf: &'a [u8],
    pub(crate) pos: u32,
    pub(crate) vtable: u32,
}

impl<'a> Table<'a> {
    /// The table at `pos`, whose soffset was verified to lead to a vtable.
    pub(crate) fn at(buf: &'a [u8], pos: usize) -> Option<Table<'a>> {
        let vtable = vtable_of(buf, pos)?;
        Some(Table {
            buf,
            pos: u32::try_from(pos).ok()?,
            vtable: u32::try_from(vtable).ok()?,
        })
    }

    /// The absolute position of field `slot`, if the vtable has it.
    pub(crate) fn field(&self, slot: usize) -> Option<usize> {
        let vt = self.vtable as usize;
        let len = u16_at(self.buf, vt)? as usize;
        let voff = 4 + 2 * slot;
        if voff + 2 > len {
            return None;
        }
        match u16_at(self.buf, vt + voff)? {
            0 => None,
            off => (self.pos as usize).checked_add(off as usize),
        }
    }

    pub(crate) fn bool(&self, slot: usize) -> Option<bool> {
        self.u8(slot).map(|b| b != 0)
    }

    pub(crate) fn u8(&self, slot: usize) -> Option<u8> {
        u8_at(self.buf, self.field(slot)?)
    }

    pub(crate) fn u16(&self, slot: usize) -> Option<u16> {
        u16_at(self.buf, self.field(slot)?)
    }

    pub(crate) fn u32(&self, slot: usize) -> Option<u32> {
        u32_at(self.buf, self.field(slot)?)
    }

    pub(crate) fn u64(&self, slot: usize) -> Option<u64> {
        u64_at(self.buf, self.field(slot)?)
    }

    fn indirect(&self, slot: usize) -> Option<usize> {
        follow(self.buf, self.field(slot)?)
    }

    pub(crate) fn bytes(&self, slot: usize) -> Option<&'a [u8]> {
        byte_vector_at(self.buf, self.indirect(slot)?)
    }

    /// The string in `slot`. UTF-8 was verified by `cast`; without `unsafe` it is checked again
    /// here (`str::from_utf8`), which costs a pass over the string's bytes.
    pub(crate) fn str(&self, slot: usize) -> Option<&'a str> {
        core::str::from_utf8(self.bytes(slot)?).ok()
    }

    pub(crate) fn table(&self, slot: usize) -> Option<Table<'a>> {
        Table::at(self.buf, self.indirect(slot)?)
    }

    /// The vector of offsets in `slot`: position of the first element and the length.
    fn offsets(&self, slot: usize) -> Option<Offsets<'a>> {
        let pos = self.indirect(slot)?;
        let len = u32_at(self.buf, pos)? as usize;
        Some(Offsets {
            buf: self.buf,
            next: pos.checked_add(4)?,
            remaining: len,
        })
    }

    pub(crate) fn u64s(&self, slot: usize) -> Option<U64Iter<'a>> {
        let pos = self.indirect(slot)?;
        let n = u32_at(self.buf, pos)? as usize;
        let start = pos.checked_add(4)?;
        let bytes = self.buf.get(start..start.checked_add(n.checked_mul(8)?)?)?;
        Some(U64Iter(bytes.chunks_exact(8)))
    }

    pub(crate) fn strs(&self, slot: usize) -> Option<StrIter<'a>> {
        self.offsets(slot).map(StrIter)
    }

    pub(crate) fn tables(&self, slot: usize) -> Option<Offsets<'a>> {
        self.offsets(slot)
    }
}

/// Walks a vector of uoffsets, yielding the positions they point at.
#[derive(Clone, Debug)]
pub(crate) struct Offsets<'a> {
    buf: &'a [u8],
    next: usize,
    remaining: usize,
}

impl<'a> Offsets<'a> {
    pub(crate) fn buf(&self) -> &'a [u8] {
        self.buf
    }
}

impl Iterator for Offsets<'_> {
    type Item = Option<usize>;

    fn next(&mut self) -> Option<Option<usize>> {
        if self.remaining == 0 {
            return None;
        }
        self.remaining -= 1;
        let here = self.next;
        self.next = self.next.saturating_add(4);
        Some(follow(self.buf, here))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

/// The elements of a `[uint64]` vector, read in place.
#[derive(Clone, Debug)]
pub struct U64Iter<'a>(core::slice::ChunksExact<'a, u8>);

impl Iterator for U64Iter<'_> {
    type Item = u64;

    fn next(&mut self) -> Option<u64> {
        self.0
            .next()
            .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for U64Iter<'_> {}

/// The elements of a `[string]` vector, borrowed from the buffer.
#[derive(Clone, Debug)]
pub struct StrIter<'a>(Offsets<'a>);

impl<'a> Iterator for StrIter<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let buf = self.0.buf();
        let pos = self.0.next()?;
        // Verified by `cast`; a logic bug would give "" rather than a panic.
        Some(
            pos.and_then(|p| byte_vector_at(buf, p))
                .and_then(|b| core::str::from_utf8(b).ok())
                .unwrap_or(""),
        )
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for StrIter<'_> {}
