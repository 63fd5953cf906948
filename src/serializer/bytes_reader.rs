//! The input reader the two binary decoders (MessagePack, CBOR) share: a position in untrusted
//! bytes with the size, depth and item limits, and the error texts (offsets included) that both
//! the owned decoders and the in-place scanners report, so that the two paths fail alike.

use core::fmt;

use crate::error::DecodeError;
use crate::serializer::Limits;
use crate::value::CompactString;

/// The longest string a [`CompactString`] keeps inline, without allocating (24 bytes on 64-bit
/// targets).
const INLINE_STR: usize = core::mem::size_of::<CompactString>();
/// The limits of a [`Reader::checked`]: none.
static UNLIMITED: Limits = Limits {
    max_size: usize::MAX,
    max_depth: usize::MAX,
    max_items: usize::MAX,
};

/// A position in untrusted input, with the decoder's depth and item budgets.
pub(crate) struct Reader<'a> {
    format: &'static str,
    buf: &'a [u8],
    pos: usize,
    limits: &'a Limits,
    depth: usize,
    items: usize,
}

impl<'a> Reader<'a> {
    /// A reader over `buf`, which must not exceed the size limit.
    pub(crate) fn new(
        format: &'static str,
        buf: &'a [u8],
        limits: &'a Limits,
    ) -> Result<Self, DecodeError> {
        if buf.len() > limits.max_size {
            return Err(DecodeError::Limit {
                format,
                limit: "size",
                max: limits.max_size,
            });
        }
        Ok(Reader {
            format,
            buf,
            pos: 0,
            limits,
            depth: 0,
            items: 0,
        })
    }

    /// A reader over bytes that a scanner has already checked, to read the items it returned:
    /// the limits were applied by the scan, so none are applied again, and no read fails.
    #[inline]
    pub(crate) fn checked(format: &'static str, buf: &'a [u8]) -> Self {
        Reader {
            format,
            buf,
            pos: 0,
            limits: &UNLIMITED,
            depth: 0,
            items: 0,
        }
    }

    /// The offset of the next byte.
    pub(crate) fn pos(&self) -> usize {
        self.pos
    }

    fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    /// A syntax error about the item at offset `at`.
    ///
    /// Cold and out of line, as are the other error constructors: inlined, their formatting
    /// code made every caller's hot path pay for a larger stack frame and more saved registers.
    #[cold]
    #[inline(never)]
    pub(crate) fn error(&self, at: usize, reason: impl fmt::Display) -> DecodeError {
        DecodeError::syntax(self.format, format!("{reason} at offset {at}"))
    }

    #[cold]
    #[inline(never)]
    fn eof(&self, needed: u64, start: usize) -> DecodeError {
        self.error(
            start,
            format_args!(
                "unexpected end of input ({needed} bytes needed after offset {}, {} left) in the item",
                self.pos,
                self.remaining()
            ),
        )
    }

    /// The bytes from the position on.
    #[inline(always)]
    pub(crate) fn rest(&self) -> &'a [u8] {
        self.buf.get(self.pos..).unwrap_or_default()
    }

    /// Moves `n` bytes on (`n` at most what [`Reader::rest`] holds).
    #[inline(always)]
    #[cfg(feature = "msgpack")]
    pub(crate) fn advance(&mut self, n: usize) {
        self.pos += n;
    }

    /// The error for `needed` more bytes at offset `at` ([`Reader::u8`]'s and
    /// [`Reader::array`]'s, for a reader at `at`).
    #[cfg(feature = "msgpack")]
    #[cold]
    #[inline(never)]
    pub(crate) fn eof_at(&self, needed: u64, at: usize) -> DecodeError {
        self.error(
            at,
            format_args!(
                "unexpected end of input ({needed} bytes needed after offset {at}, {} left) in the item",
                self.buf.len().saturating_sub(at)
            ),
        )
    }

    /// The next byte.
    #[cfg(feature = "cbor")]
    pub(crate) fn u8(&mut self) -> Result<u8, DecodeError> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or_else(|| self.eof(1, self.pos))?;
        self.pos += 1;
        Ok(b)
    }

    /// The next `N` bytes, for a fixed-width number.
    #[cfg(feature = "cbor")]
    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], DecodeError> {
        let start = self.pos;
        let mut out = [0; N];
        out.copy_from_slice(self.take(N as u64, start)?);
        Ok(out)
    }

    /// The next `n` bytes, borrowed; `start` is the offset of the item they belong to.
    pub(crate) fn take(&mut self, n: u64, start: usize) -> Result<&'a [u8], DecodeError> {
        match usize::try_from(n) {
            Ok(n) if n <= self.remaining() => {
                let bytes = &self.buf[self.pos..self.pos + n];
                self.pos += n;
                Ok(bytes)
            }
            _ => Err(self.eof(n, start)),
        }
    }

    /// `bytes` as UTF-8; `at` is their offset.
    pub(crate) fn utf8<'b>(&self, bytes: &'b [u8], at: usize) -> Result<&'b str, DecodeError> {
        core::str::from_utf8(bytes)
            .map_err(|e| self.error(at + e.valid_up_to(), "invalid UTF-8 in a string"))
    }

    /// Checks that `bytes` are UTF-8, failing as [`Reader::utf8`] does; `at` is their offset.
    ///
    /// For the scanners, which check strings without keeping them: most strings of a WAMP
    /// message (URIs, keys) are ASCII, which `is_ascii` confirms a word at a time from any
    /// address, where the full check goes a byte at a time unless the bytes are 8-aligned.
    #[inline]
    pub(crate) fn check_utf8(&self, bytes: &[u8], at: usize) -> Result<(), DecodeError> {
        if bytes.is_ascii() {
            return Ok(());
        }
        self.utf8(bytes, at).map(drop)
    }

    /// `bytes` as an owned string, checked to be UTF-8; `at` is their offset.
    ///
    /// A short string (most of a WAMP message's: URIs, keys) is checked in place and kept
    /// inline, with no allocation. A longer one is copied first and checked in the copy: the
    /// standard library's check goes a word at a time only from an 8-aligned address, which an
    /// allocation is and a string inside a message mostly is not; the string keeps that
    /// allocation.
    pub(crate) fn owned_utf8(&self, bytes: &[u8], at: usize) -> Result<CompactString, DecodeError> {
        if bytes.len() <= INLINE_STR {
            return self.utf8(bytes, at).map(CompactString::from);
        }
        match String::from_utf8(bytes.to_vec()) {
            Ok(s) => Ok(CompactString::from(s)),
            Err(e) => Err(self.error(
                at + e.utf8_error().valid_up_to(),
                "invalid UTF-8 in a string",
            )),
        }
    }

    /// The next byte, without consuming it.
    #[cfg(feature = "cbor")]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.buf.get(self.pos).copied()
    }

    /// Consumes `prefix` if the input continues with it.
    #[cfg(feature = "cbor")]
    pub(crate) fn skip_prefix(&mut self, prefix: &[u8]) -> bool {
        let found = self.buf[self.pos..].starts_with(prefix);
        if found {
            self.pos += prefix.len();
        }
        found
    }

    /// Consumes the stop code `stop` if it is next (end of an indefinite-length item).
    #[cfg(feature = "cbor")]
    pub(crate) fn at_break(&mut self, stop: u8) -> bool {
        let found = self.buf.get(self.pos) == Some(&stop);
        self.pos += usize::from(found);
        found
    }

    /// Enters a list or map, checking the depth limit.
    pub(crate) fn enter(&mut self) -> Result<(), DecodeError> {
        if self.depth >= self.limits.max_depth {
            return Err(DecodeError::Limit {
                format: self.format,
                limit: "depth",
                max: self.limits.max_depth,
            });
        }
        self.depth += 1;
        Ok(())
    }

    /// Leaves a list or map.
    pub(crate) fn leave(&mut self) {
        self.depth -= 1;
    }

    /// Accounts for `n` items (`None`: an indefinite number, counted one at a time later)
    /// of at least `min_size` bytes each, and returns the capacity to reserve for them:
    /// never more than the rest of the input could hold, so a length prefix cannot make the
    /// decoder allocate memory the input does not back.
    #[inline]
    pub(crate) fn claim(
        &mut self,
        n: Option<u64>,
        min_size: usize,
        start: usize,
    ) -> Result<usize, DecodeError> {
        let Some(n) = n else { return Ok(0) };
        let fits = self.remaining() / min_size;
        let n = match usize::try_from(n) {
            Ok(n) if n <= fits => n,
            _ => {
                return Err(self.error(
                    start,
                    format_args!(
                        "unexpected end of input: {n} items cannot fit in the {} bytes left",
                        self.remaining()
                    ),
                ))
            }
        };
        self.items += n;
        if self.items > self.limits.max_items {
            return Err(DecodeError::Limit {
                format: self.format,
                limit: "items",
                max: self.limits.max_items,
            });
        }
        Ok(n)
    }

    /// Checks that the whole input was consumed.
    pub(crate) fn finish(&self) -> Result<(), DecodeError> {
        match self.remaining() {
            0 => Ok(()),
            n => Err(self.error(self.pos, format_args!("{n} trailing bytes after the value"))),
        }
    }
}
