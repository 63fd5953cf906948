//! The buffer the JSON, MessagePack and CBOR encoders (and FlatBuffers' CBOR) write into, and
//! the conventions of their writers.
//!
//! Each `write_*` function of those encoders writes into `buf` from `pos` and returns the
//! position after what it wrote. The position travels by value, in a register: behind a
//! `&mut` cursor, the compiler would have to reload it (and the buffer's address and length)
//! after every byte stored, since it cannot rule out that the store changed them.
//!
//! The position advances whether or not the bytes fit: a write that would end past the buffer
//! is skipped, and so is every write after it, since each starts further on. The position at
//! the end is then the exact size of the encoding; when it is past the buffer, the caller grows
//! the buffer to it and encodes again, which happens only while a reused [`Scratch`] is smaller
//! than any message before. Nothing is checked between values but each write's own bound: no
//! error travels up the loops.
//!
//! A value the format cannot write (JSON's NaN, MessagePack's length of 2^32) makes its writer
//! return [`POISONED`], a position past any buffer: every write after it is skipped, the
//! encoding ends past the buffer, and [`Scratch::try_encode`] reports it instead of growing.
//! The caller then finds the culprit for its error message, off the hot path.

use std::cell::RefCell;

/// The position a writer returns for a value it cannot write. Half the address space: no
/// buffer reaches it, and no encoding adds enough after it to wrap around.
#[cfg(any(feature = "json", feature = "msgpack", feature = "cbor"))]
pub(crate) const POISONED: usize = usize::MAX / 2;

/// Appends what `write` encodes at the end of `out`, for a writer that never returns
/// [`POISONED`] (CBOR's: every value has a CBOR form).
#[cfg(feature = "cbor")]
#[inline(always)]
pub(crate) fn append(out: &mut Vec<u8>, write: impl Fn(&mut [u8], usize) -> usize) {
    with_scratch(|scratch| out.extend_from_slice(scratch.encode(write)));
}

/// Appends what `write` encodes at the end of `out`, encoded in this thread's [`Scratch`] and
/// copied: a `Vec` would have to be zeroed before each encoding, its spare capacity or a large
/// payload's whole length, while the scratch buffer is zeroed only when it grows.
///
/// `false`, with `out` unchanged, when `write` returned a [`POISONED`] position.
#[cfg(any(feature = "json", feature = "msgpack"))]
#[inline(always)]
pub(crate) fn try_append(out: &mut Vec<u8>, write: impl Fn(&mut [u8], usize) -> usize) -> bool {
    with_scratch(|scratch| match scratch.try_encode(write) {
        Some(bytes) => {
            out.extend_from_slice(bytes);
            true
        }
        None => false,
    })
}

/// `N` bytes at `pos`.
#[inline(always)]
pub(crate) fn put<const N: usize>(buf: &mut [u8], pos: usize, bytes: [u8; N]) -> usize {
    let end = pos + N;
    if let Some(dst) = buf.get_mut(pos..end) {
        dst.copy_from_slice(&bytes);
    }
    end
}

/// Past this size, a thread's [`Scratch`] is let go after use rather than kept for the next
/// message.
const SCRATCH_KEPT: usize = 1 << 20;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::default();
}

/// `f` given this thread's [`Scratch`], or a new one while it is in use (only if `f` itself
/// encodes on this thread).
pub(crate) fn with_scratch<R>(f: impl FnOnce(&mut Scratch) -> R) -> R {
    SCRATCH.with(|cell| match cell.try_borrow_mut() {
        Ok(mut scratch) => {
            let r = f(&mut scratch);
            if scratch.buf.len() > SCRATCH_KEPT {
                *scratch = Scratch::default();
            }
            r
        }
        Err(_) => f(&mut Scratch::default()),
    })
}

/// A reusable buffer the encoders write into, its whole length kept initialized so that it is
/// zeroed only when it grows: the FlatBuffers [`Writer`](crate::fbs::Writer) has its own for
/// `args` and `kwargs`, and each thread one behind [`append`] and `FlatBufferBuilder`'s CBOR.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    buf: Vec<u8>,
}

impl Scratch {
    /// What `write` encodes from the start of the buffer, for a writer that never returns
    /// [`POISONED`] (CBOR's: every value has a CBOR form). When the first attempt does not
    /// fit, the buffer grows to at least the size that attempt reached (and at least doubles),
    /// and the second attempt fits.
    #[cfg(feature = "cbor")]
    #[inline(always)]
    pub(crate) fn encode(&mut self, write: impl Fn(&mut [u8], usize) -> usize) -> &[u8] {
        let end = write(&mut self.buf, 0);
        if end > self.buf.len() {
            return self.grow_and_encode(end, write);
        }
        &self.buf[..end]
    }

    /// What `write` encodes from the start of the buffer, as [`encode`](Self::encode) does,
    /// or `None` when it returned a [`POISONED`] position (the buffer is not grown for it).
    #[cfg(any(feature = "json", feature = "msgpack"))]
    #[inline(always)]
    pub(crate) fn try_encode(
        &mut self,
        write: impl Fn(&mut [u8], usize) -> usize,
    ) -> Option<&[u8]> {
        let end = write(&mut self.buf, 0);
        if end > self.buf.len() {
            if end >= POISONED {
                return None;
            }
            return Some(self.grow_and_encode(end, write));
        }
        Some(&self.buf[..end])
    }

    /// Out of line with its own call of `write`, so that the call above is `write`'s only one
    /// in the hot path and is inlined there.
    #[cold]
    #[inline(never)]
    fn grow_and_encode(&mut self, need: usize, write: impl Fn(&mut [u8], usize) -> usize) -> &[u8] {
        let len = need.max(2 * self.buf.len()).max(256);
        self.buf.resize(len, 0);
        let end = write(&mut self.buf, 0);
        &self.buf[..end]
    }

    /// The buffer's length (all of it initialized): how far it has grown.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.buf.len()
    }
}

/// Appends to `out` what `write` writes, written in place rather than in a [`Scratch`]: for
/// writers driven one value at a time (the transcoding `JsonWriter`, `MsgpackWriter` and
/// `CborWriter`), where the bytes of each are few. `out` grows by `guess` bytes (zeroed), which holds most
/// values; when the exact size `write` returns is larger, `out` grows to it and `write` runs
/// again, out of line. `write` must not return [`POISONED`].
#[cfg(any(feature = "json", feature = "msgpack", feature = "cbor"))]
#[inline(always)]
pub(crate) fn write_in_place(
    out: &mut Vec<u8>,
    guess: usize,
    write: impl Fn(&mut [u8], usize) -> usize,
) {
    let start = out.len();
    out.resize(start + guess, 0);
    let end = write(out, start);
    if end > out.len() {
        return grow_and_write(out, start, end, write);
    }
    out.truncate(end);
}

/// [`write_in_place`] when the guess was short: its own call of `write`, so that the one above
/// is inlined.
#[cfg(any(feature = "json", feature = "msgpack", feature = "cbor"))]
#[cold]
#[inline(never)]
fn grow_and_write(
    out: &mut Vec<u8>,
    start: usize,
    end: usize,
    write: impl Fn(&mut [u8], usize) -> usize,
) {
    debug_assert!(end < POISONED, "write_in_place given a writer that failed");
    out.resize(end, 0);
    write(out, start);
}

// (the CBOR encoder's own tests cover `encode` and `append`)
#[cfg(all(test, any(feature = "json", feature = "msgpack")))]
mod tests {
    use super::*;

    /// Writes `n` bytes of `b` (a stand-in writer that must grow its buffer past some sizes).
    fn fill(n: usize, b: u8) -> impl Fn(&mut [u8], usize) -> usize {
        move |buf, pos| {
            let end = pos + n;
            if let Some(dst) = buf.get_mut(pos..end) {
                dst.fill(b);
            }
            end
        }
    }

    /// A `Scratch` grows from empty and from full, to the exact size the attempt that did not
    /// fit reached when that is more than double; `try_append` keeps what `out` held.
    #[test]
    fn scratch_grows_to_the_size_reached() {
        let mut scratch = Scratch::default();
        assert_eq!(scratch.try_encode(fill(3, 1)), Some(&[1, 1, 1][..]));
        assert_eq!(scratch.len(), 256);
        assert_eq!(scratch.try_encode(fill(300, 2)).unwrap(), [2; 300]);
        assert_eq!(scratch.len(), 512);
        assert_eq!(scratch.try_encode(fill(5000, 3)).unwrap(), [3; 5000]);
        assert_eq!(scratch.len(), 5000);
        let mut out = b"prefix".to_vec();
        assert!(try_append(&mut out, fill(700, 4)));
        assert_eq!(out[..6], *b"prefix");
        assert_eq!(out[6..], [4; 700]);
    }

    /// A poisoned position is reported, without growing, whether the buffer is empty or
    /// already holds bytes, and `out` is left as it was.
    #[test]
    fn poisoned_positions_are_reported_not_grown_to() {
        let poisoned = |buf: &mut [u8], pos: usize| {
            let pos = fill(10, 9)(buf, pos);
            fill(10, 9)(buf, POISONED + pos)
        };
        let mut scratch = Scratch::default();
        assert_eq!(scratch.try_encode(poisoned), None);
        assert_eq!(scratch.len(), 0);
        scratch.try_encode(fill(1, 1));
        assert_eq!(scratch.try_encode(poisoned), None);
        assert_eq!(scratch.len(), 256);
        let mut out = b"kept".to_vec();
        assert!(!try_append(&mut out, poisoned));
        assert_eq!(out, b"kept");
    }

    /// Writing in place: within the guess, past it, and after what `out` held.
    #[test]
    fn in_place_writes_grow_past_the_guess() {
        for (guess, n) in [(0, 0), (0, 5), (8, 5), (8, 8), (8, 9), (4, 1000)] {
            let mut out = b"ab".to_vec();
            write_in_place(&mut out, guess, fill(n, 7));
            assert_eq!(out[..2], *b"ab", "guess {guess}, {n} bytes");
            assert_eq!(out[2..], vec![7; n], "guess {guess}, {n} bytes");
        }
    }
}
