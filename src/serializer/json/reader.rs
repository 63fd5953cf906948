//! A strict RFC 8259 reader over bytes, producing [`Value`]s directly.
//!
//! It accepts exactly what `serde_json::from_slice::<serde_json::Value>` accepts, but for two
//! deliberate refusals (integers beyond the `u64`/`i64` range, which serde_json turns into
//! floats, and nesting beyond [`Limits::max_depth`]), and gives the same values, with
//! autobahn's binary convention on top: a string starting with U+0000 is base64 bytes. Map keys
//! stay strings, and a repeated key keeps its first position with its last value (Python's
//! `dict`).
//!
//! The whole input is checked as UTF-8 once, up front; after that every string is a slice of
//! the checked text between two ASCII bytes, so it is copied without another check. Nesting
//! recurses once per level, and the depth is checked before each level is entered, so the
//! recursion is at most [`Limits::max_depth`] (and never beyond [`RECURSION_LIMIT`]) deep.

use crate::bytewise::{words, HIGH, ONES};
use crate::error::DecodeError;
use crate::serializer::elements::Elements;
use crate::serializer::Limits;
use crate::value::{CompactString, Dict, Value};

use base64::Engine;

use super::{decode_base64, FORMAT, LENIENT_BASE64};

/// The deepest nesting read whatever `max_depth` says, as serde_json's own guard had it: the
/// 128th level is refused.
pub(super) const RECURSION_LIMIT: usize = 127;

/// The error of a failed read, boxed so that results stay small on the fast path.
pub(super) type Fail = Box<DecodeError>;

/// Reads one whole JSON value from `buf`.
pub(super) fn read_value(buf: &[u8], limits: &Limits) -> Result<Value, DecodeError> {
    let mut r = Reader::new(buf, limits)?;
    let result = r.value(0).and_then(|v| r.end().map(|()| v));
    result.map_err(|e| *e)
}

/// Reads a JSON array from `buf` (whose first token is `[`) into `elements`, each element a
/// [`Value`] counted as a list element.
pub(super) fn read_elements(
    buf: &[u8],
    limits: &Limits,
    elements: &mut Elements,
) -> Result<(), DecodeError> {
    let mut r = Reader::new(buf, limits)?;
    let result = r.elements(elements).and_then(|()| r.end());
    result.map_err(|e| *e)
}

/// Bytes that end the fast scan of a string: `"`, `\` and the control characters.
pub(super) const STRING_STOP: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[b'"' as usize] = true;
    table[b'\\' as usize] = true;
    table
};

/// The end of the whitespace at `pos` (JSON's four characters).
#[inline(always)]
pub(super) fn whitespace_end(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(pos) {
        pos += 1;
    }
    pos
}

/// The end of the bytes from `pos` of a string that need no attention (the position of the
/// first `"`, `\` or control character, or the end), eight at a time while eight remain.
#[inline(always)]
pub(super) fn plain_end(bytes: &[u8], pos: usize) -> usize {
    let rest = bytes.get(pos..).unwrap_or_default();
    let mut skipped = 0;
    for w in words(rest) {
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        // A byte below 0x20, or a zero byte in `quote`/`backslash`, sets its high bit here
        // (only ASCII bytes can, as `!w` keeps; a borrow may set a later byte's too, but the
        // byte loop below finds the first one).
        let found =
            (w.wrapping_sub(ONES * 0x20) | quote.wrapping_sub(ONES) | backslash.wrapping_sub(ONES))
                & !w
                & HIGH;
        if found != 0 {
            break;
        }
        skipped += 8;
    }
    let mut pos = pos + skipped;
    while let Some(&b) = bytes.get(pos) {
        if STRING_STOP[usize::from(b)] {
            break;
        }
        pos += 1;
    }
    pos
}

/// The digits of a number literal starting at `start` (at `-` or its first digit): whether it
/// is negative, where its digits begin and end, and their value (wrapped beyond nineteen
/// digits, which always fit a `u64`). The digits are read with local positions and a wrapping
/// accumulator, which keeps the loop in registers.
#[inline(always)]
fn integer_digits(bytes: &[u8], start: usize) -> (bool, usize, usize, u64) {
    let negative = bytes.get(start) == Some(&b'-');
    let first = start + usize::from(negative);
    let mut pos = first;
    let mut n: u64 = 0;
    while let Some(&b) = bytes.get(pos) {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        n = n.wrapping_mul(10).wrapping_add(u64::from(digit));
        pos += 1;
    }
    (negative, first, pos, n)
}

/// The value of a run of ASCII digits, `None` if it does not fit a `u64`.
#[cold]
#[inline(never)]
fn checked_digits(digits: &[u8]) -> Option<u64> {
    digits.iter().try_fold(0u64, |n, &d| {
        n.checked_mul(10)?.checked_add(u64::from(d - b'0'))
    })
}

/// The reading position in an input, and the limits counted so far: the owned decode (here) and
/// the in-place scan (`view.rs`) share it, so that both check the same syntax, with the same
/// errors at the same offsets.
pub(super) struct Reader<'a> {
    /// The input, checked as UTF-8.
    pub(super) text: &'a str,
    pub(super) bytes: &'a [u8],
    pub(super) pos: usize,
    max_depth: usize,
    max_items: usize,
    items: usize,
}

/// Where the characters of a string with escapes go: a `String` for the owned decode, nowhere
/// (or a check of base64) for the scan.
pub(super) trait Unescaped {
    /// A run of characters copied as they are.
    fn push_str(&mut self, s: &str);
    /// The character of one escape.
    fn push(&mut self, c: char);
}

impl Unescaped for String {
    #[inline(always)]
    fn push_str(&mut self, s: &str) {
        String::push_str(self, s);
    }
    #[inline(always)]
    fn push(&mut self, c: char) {
        String::push(self, c);
    }
}

/// The characters of a string only checked.
pub(super) struct Discard;

impl Unescaped for Discard {
    #[inline(always)]
    fn push_str(&mut self, _: &str) {}
    #[inline(always)]
    fn push(&mut self, _: char) {}
}

/// A number literal, lexed: an integer with its value, or a float whose value is still to be
/// read (by [`Reader::float`]).
pub(super) enum Number {
    /// A non-negative integer.
    Unsigned(u64),
    /// A negative integer.
    Negative(i64),
    /// `-0`, which serde_json reads as the float -0.0.
    NegativeZero,
    /// A literal with a fraction or an exponent; the position is at the `.`, `e` or `E`.
    Float,
}

impl<'a> Reader<'a> {
    pub(super) fn new(buf: &'a [u8], limits: &Limits) -> Result<Reader<'a>, DecodeError> {
        if buf.len() > limits.max_size {
            return Err(DecodeError::Limit {
                format: FORMAT,
                limit: "size",
                max: limits.max_size,
            });
        }
        // One UTF-8 check of the whole input; invalid UTF-8 is a syntax error wherever it is
        // (no non-ASCII byte is valid outside a string).
        let text = core::str::from_utf8(buf).map_err(|e| {
            DecodeError::syntax(
                FORMAT,
                format!("invalid UTF-8 at offset {}", e.valid_up_to()),
            )
        })?;
        Ok(Reader {
            text,
            bytes: buf,
            pos: 0,
            max_depth: limits.max_depth,
            max_items: limits.max_items,
            items: 0,
        })
    }

    /// A reader of text already checked (a value found by a scan), without limits: what was
    /// accepted in its message is accepted again on its own.
    pub(super) fn checked(text: &'a str) -> Reader<'a> {
        Reader {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            max_depth: usize::MAX,
            max_items: usize::MAX,
            items: 0,
        }
    }

    /// The value at the current position, decoded (for a value of checked text).
    pub(super) fn read_checked(&mut self) -> Result<Value, DecodeError> {
        self.value(0).map_err(|e| *e)
    }

    #[cold]
    #[inline(never)]
    pub(super) fn error_at(&self, what: &str, at: usize) -> Fail {
        Box::new(DecodeError::syntax(
            FORMAT,
            format!("{what} at offset {at}"),
        ))
    }

    #[cold]
    #[inline(never)]
    pub(super) fn error(&self, what: &str) -> Fail {
        if self.pos >= self.bytes.len() {
            return self.error_at("unexpected end of input", self.pos);
        }
        self.error_at(what, self.pos)
    }

    #[cold]
    #[inline(never)]
    fn limit(&self, limit: &'static str, max: usize) -> Fail {
        Box::new(DecodeError::Limit {
            format: FORMAT,
            limit,
            max,
        })
    }

    #[inline(always)]
    pub(super) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    pub(super) fn skip_whitespace(&mut self) {
        self.pos = whitespace_end(self.bytes, self.pos);
    }

    /// The end of the input, after optional whitespace.
    pub(super) fn end(&mut self) -> Result<(), Fail> {
        self.skip_whitespace();
        if self.pos < self.bytes.len() {
            return Err(self.error_at("trailing characters", self.pos));
        }
        Ok(())
    }

    /// Counts one item (a list element or a map entry) against the limit.
    #[inline(always)]
    pub(super) fn count(&mut self) -> Result<(), Fail> {
        self.items += 1;
        if self.items > self.max_items {
            return Err(self.limit("items", self.max_items));
        }
        Ok(())
    }

    /// Enters a list or map at `depth` (the levels already open): the depth of its children.
    #[inline(always)]
    pub(super) fn enter(&self, depth: usize) -> Result<usize, Fail> {
        if depth >= self.max_depth || depth >= RECURSION_LIMIT {
            return Err(self.too_deep(depth));
        }
        Ok(depth + 1)
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self, depth: usize) -> Fail {
        if depth >= RECURSION_LIMIT {
            return self.error_at("recursion limit exceeded", self.pos);
        }
        self.limit("depth", self.max_depth)
    }

    /// The value starting at the next token, inside `depth` open lists and maps.
    fn value(&mut self, depth: usize) -> Result<Value, Fail> {
        let mut value = Value::Null;
        self.value_to(depth, |v| value = v)?;
        Ok(value)
    }

    /// Reads the value starting at the next token, inside `depth` open lists and maps, and
    /// hands it to `put` (which stores it in its list, map or message).
    ///
    /// Inlined into each loop that reads values (it recurses only through the non-inlined
    /// `list` and `map`), so that a scalar costs no call. A `put` per branch, rather than one
    /// `put` of the value the branches make: that value was assembled in memory with 8-byte
    /// stores and then moved with 16-byte loads, which the CPU cannot forward from stores that
    /// recent, a stall on every value.
    #[inline(always)]
    fn value_to(&mut self, depth: usize, put: impl FnOnce(Value)) -> Result<(), Fail> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'"') => {
                self.pos += 1;
                self.string_value_to(put)?;
            }
            Some(b'-' | b'0'..=b'9') => self.number_to(put)?,
            Some(b'[') => put(Value::List(self.list(depth)?)),
            Some(b'{') => put(Value::Map(self.map(depth)?)),
            Some(b't') => {
                self.word(b"true")?;
                put(Value::Bool(true));
            }
            Some(b'f') => {
                self.word(b"false")?;
                put(Value::Bool(false));
            }
            Some(b'n') => {
                self.word(b"null")?;
                put(Value::Null);
            }
            _ => return Err(self.error("expected value")),
        }
        Ok(())
    }

    /// The literal `word` (`true`, `false`, `null`), at its first letter.
    #[inline(always)]
    pub(super) fn word(&mut self, word: &[u8]) -> Result<(), Fail> {
        match self.bytes.get(self.pos..self.pos + word.len()) {
            Some(found) if found == word => {
                self.pos += word.len();
                Ok(())
            }
            _ => Err(self.error("expected value")),
        }
    }

    /// After a list element or map entry: `true` at the closing `close`, `false` after a
    /// comma, an error otherwise.
    #[inline(always)]
    pub(super) fn next_or_close(&mut self, close: u8, expected: &str) -> Result<bool, Fail> {
        self.skip_whitespace();
        match self.peek() {
            Some(b',') => {
                self.pos += 1;
                Ok(false)
            }
            Some(b) if b == close => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(self.error(expected)),
        }
    }

    /// The top-level array, at `[`, into `elements`.
    fn elements(&mut self, elements: &mut Elements) -> Result<(), Fail> {
        self.skip_whitespace();
        let Some(depth) = self.open(0, b']')? else {
            return Ok(());
        };
        self.list_items(depth, |r, depth| r.value_to(depth, |v| elements.push(v)))
    }

    /// A list's items, at `[`.
    ///
    /// The items, not the [`Value`]: the caller wraps them, in registers, where a `Value`
    /// returned through memory was copied into the slot the branches of
    /// [`Reader::value_to`] share (see there).
    #[inline(never)]
    fn list(&mut self, depth: usize) -> Result<Vec<Value>, Fail> {
        let Some(depth) = self.open(depth, b']')? else {
            return Ok(Vec::new());
        };
        let mut items = Vec::with_capacity(4);
        self.list_items(depth, |r, depth| r.value_to(depth, |v| items.push(v)))?;
        Ok(items)
    }

    /// A map's entries, at `{` (the entries, not the [`Value`], as [`Reader::list`]).
    #[inline(never)]
    fn map(&mut self, depth: usize) -> Result<Dict, Fail> {
        let Some(depth) = self.open(depth, b'}')? else {
            return Ok(Dict::new());
        };
        let mut dict = Dict::with_capacity(4);
        self.map_entries(depth, Reader::string, |r, key, depth| {
            r.value_to(depth, |v| {
                dict.insert(key, v);
            })
        })?;
        Ok(dict)
    }

    /// Enters the list or map at its `[` or `{`, inside `depth` open levels: the depth of its
    /// children, or `None` for an empty one (then the position is after its `close`).
    #[inline(always)]
    pub(super) fn open(&mut self, depth: usize, close: u8) -> Result<Option<usize>, Fail> {
        let depth = self.enter(depth)?;
        self.pos += 1;
        self.skip_whitespace();
        if self.peek() == Some(close) {
            self.pos += 1;
            return Ok(None);
        }
        Ok(Some(depth))
    }

    /// The elements of a list that is not empty, after [`Reader::open`]: `element` reads each
    /// one (at the depth given), which is then counted; until the closing `]`.
    #[inline(always)]
    pub(super) fn list_items(
        &mut self,
        depth: usize,
        mut element: impl FnMut(&mut Self, usize) -> Result<(), Fail>,
    ) -> Result<(), Fail> {
        loop {
            element(self, depth)?;
            self.count()?;
            if self.next_or_close(b']', "expected `,` or `]`")? {
                return Ok(());
            }
        }
    }

    /// The entries of a map that is not empty, after [`Reader::open`]: `key` reads each key
    /// after its `"`; the entry is counted once its `:` is read, and `entry` reads its value
    /// (at the depth given); until the closing `}`.
    #[inline(always)]
    pub(super) fn map_entries<K>(
        &mut self,
        depth: usize,
        mut key: impl FnMut(&mut Self) -> Result<K, Fail>,
        mut entry: impl FnMut(&mut Self, K, usize) -> Result<(), Fail>,
    ) -> Result<(), Fail> {
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err(self.error("expected a string key"));
            }
            self.pos += 1;
            let k = key(self)?;
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(self.error("expected `:`"));
            }
            self.pos += 1;
            self.count()?;
            entry(self, k, depth)?;
            if self.next_or_close(b'}', "expected `,` or `}`")? {
                return Ok(());
            }
        }
    }

    /// Moves past the bytes of a string that need no attention, eight at a time while eight
    /// remain.
    #[inline(always)]
    pub(super) fn skip_plain(&mut self) {
        self.pos = plain_end(self.bytes, self.pos);
    }

    /// Moves to the next `"` (or the end), eight bytes at a time while eight remain.
    pub(super) fn skip_to_quote(&mut self) {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        let mut skipped = 0;
        for w in words(rest) {
            let quote = w ^ (ONES * u64::from(b'"'));
            if quote.wrapping_sub(ONES) & !quote & HIGH != 0 {
                break;
            }
            skipped += 8;
        }
        self.pos += skipped;
        while let Some(&b) = self.bytes.get(self.pos) {
            if b == b'"' {
                break;
            }
            self.pos += 1;
        }
    }

    /// The checked text from `start` to the current position (both just after or at ASCII
    /// bytes, so char boundaries).
    #[inline(always)]
    pub(super) fn span(&self, start: usize) -> Result<&'a str, Fail> {
        match self.text.get(start..self.pos) {
            Some(s) => Ok(s),
            None => Err(self.error_at("invalid UTF-8", start)),
        }
    }

    /// A string value, after its `"`: bytes if it starts with U+0000 (autobahn's binary
    /// convention), text otherwise.
    pub(super) fn string_value(&mut self) -> Result<Value, Fail> {
        let mut value = Value::Null;
        self.string_value_to(|v| value = v)?;
        Ok(value)
    }

    /// Reads a string value, after its `"`, and hands it to `put`, as [`Reader::value_to`]
    /// does: a plain string (most are) here, inlined, and any other out of line.
    #[inline(always)]
    fn string_value_to(&mut self, put: impl FnOnce(Value)) -> Result<(), Fail> {
        let start = self.pos;
        self.skip_plain();
        if self.peek() == Some(b'"') {
            // No escape, so no U+0000 (a raw control character is an error).
            let s = self.span(start)?;
            self.pos += 1;
            put(Value::Str(CompactString::from(s)));
        } else {
            put(self.string_value_rest(start)?);
        }
        Ok(())
    }

    /// A string value that began at `start`, the scan stopped at something other than its
    /// closing `"`: bytes after a U+0000, or text with escapes.
    #[inline(never)]
    fn string_value_rest(&mut self, start: usize) -> Result<Value, Fail> {
        if self.pos == start && self.bytes.get(start..start + 6) == Some(&b"\\u0000"[..]) {
            // Bytes, almost always plain base64 after the `\u0000`, decoded from the input up
            // to the next `"`: base64 that decodes has only alphabet characters, so no escape
            // and no control character (anything else is read again, escapes and all).
            let encoded = start + 6;
            self.pos = encoded;
            self.skip_to_quote();
            let decoded = match self.span(encoded) {
                Ok(s) if self.peek() == Some(b'"') => LENIENT_BASE64.decode(s).ok(),
                _ => None,
            };
            if let Some(bytes) = decoded {
                self.pos += 1;
                return Ok(Value::Bytes(bytes));
            }
            self.pos = start;
        }
        let s = self.string_escaped(start)?;
        if s.as_bytes().first() == Some(&0) {
            return self.bytes_value(s.get(1..).unwrap_or_default(), start);
        }
        Ok(Value::Str(s.into()))
    }

    /// The bytes of a binary string that began at `start`, from the base64 after its U+0000.
    fn bytes_value(&self, encoded: &str, start: usize) -> Result<Value, Fail> {
        match decode_base64(encoded) {
            Ok(bytes) => Ok(Value::Bytes(bytes)),
            Err(e) => Err(self.error_at(&e, start.saturating_sub(1))),
        }
    }

    /// A string (a map key), after its `"`.
    pub(super) fn string(&mut self) -> Result<CompactString, Fail> {
        let start = self.pos;
        self.skip_plain();
        if self.peek() == Some(b'"') {
            let s = self.span(start)?;
            self.pos += 1;
            return Ok(CompactString::from(s));
        }
        self.string_escaped(start).map(CompactString::from)
    }

    /// The rest of a string that began at `start`, the scan stopped at something other than
    /// its closing `"`.
    #[inline(never)]
    fn string_escaped(&mut self, start: usize) -> Result<String, Fail> {
        let mut out = String::with_capacity(self.pos - start + 16);
        self.unescape(start, &mut out)?;
        Ok(out)
    }

    /// The rest of a string that began at `start` into `out`, the scan stopped at something
    /// other than its closing `"`; after it.
    #[inline(always)]
    pub(super) fn unescape(&mut self, start: usize, out: &mut impl Unescaped) -> Result<(), Fail> {
        out.push_str(self.span(start)?);
        loop {
            match self.peek() {
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.pos += 1;
                    self.escape(out)?;
                }
                Some(_) => {
                    return Err(self.error("control character (below U+0020) in string"));
                }
                None => return Err(self.error("unterminated string")),
            }
            let run = self.pos;
            self.skip_plain();
            out.push_str(self.span(run)?);
        }
    }

    /// One escape, after its `\`, appended to `out`.
    pub(super) fn escape(&mut self, out: &mut impl Unescaped) -> Result<(), Fail> {
        let c = match self.peek() {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let at = self.pos - 1;
                self.pos += 1;
                let unit = self.hex4()?;
                let c = match unit {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.pos..self.pos + 2) != Some(&b"\\u"[..]) {
                            return Err(self.error_at("lone UTF-16 surrogate in \\u escape", at));
                        }
                        self.pos += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.error_at("lone UTF-16 surrogate in \\u escape", at));
                        }
                        0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00)
                    }
                    0xDC00..=0xDFFF => {
                        return Err(self.error_at("lone UTF-16 surrogate in \\u escape", at));
                    }
                    _ => u32::from(unit),
                };
                match char::from_u32(c) {
                    Some(c) => out.push(c),
                    None => return Err(self.error_at("invalid \\u escape", at)),
                }
                return Ok(());
            }
            _ => return Err(self.error("invalid escape")),
        };
        self.pos += 1;
        out.push(c);
        Ok(())
    }

    /// Four hex digits.
    pub(super) fn hex4(&mut self) -> Result<u16, Fail> {
        let mut unit = 0u16;
        for _ in 0..4 {
            let digit = match self.peek() {
                Some(b @ b'0'..=b'9') => b - b'0',
                Some(b @ b'a'..=b'f') => b - b'a' + 10,
                Some(b @ b'A'..=b'F') => b - b'A' + 10,
                _ => return Err(self.error("invalid \\u escape")),
            };
            unit = unit << 4 | u16::from(digit);
            self.pos += 1;
        }
        Ok(unit)
    }

    /// A number, at `-` or its first digit: an integer literal is [`Value::Int`] (negative) or
    /// [`Value::from_u64`] (not), as serde_json reads it, `-0` is the float -0.0, and a
    /// literal with a fraction or an exponent is a float.
    ///
    /// Handed to `put` from each branch, as [`Reader::value_to`] does, and inlined into it: a
    /// call per integer cost more than reading its digits (floats are read out of line).
    #[inline(always)]
    fn number_to(&mut self, put: impl FnOnce(Value)) -> Result<(), Fail> {
        let start = self.pos;
        match self.number_token()? {
            Number::Unsigned(n) => put(Value::from_u64(n)),
            Number::Negative(i) => put(Value::Int(i)),
            Number::NegativeZero => put(Value::Float(-0.0)),
            Number::Float => put(Value::Float(self.float(start)?)),
        }
        Ok(())
    }

    /// A number literal, at `-` or its first digit: its integer part, checked and read, and
    /// whether a fraction or an exponent follows (then the position is at it).
    #[inline(always)]
    pub(super) fn number_token(&mut self) -> Result<Number, Fail> {
        // Nineteen digits always fit a `u64`; only a longer literal is read again, checked.
        let bytes = self.bytes;
        let start = self.pos;
        let (negative, first, pos, n) = integer_digits(bytes, start);
        let overflow = pos - first > 19 && checked_digits(&bytes[first..pos]).is_none();
        if pos == first {
            self.pos = pos;
            return Err(self.error("invalid number"));
        }
        if pos - first > 1 && bytes.get(first) == Some(&b'0') {
            self.pos = first + 1;
            return Err(self.error("leading zero in number"));
        }
        self.pos = pos;
        if let Some(b'.' | b'e' | b'E') = self.peek() {
            return Ok(Number::Float);
        }
        if overflow {
            return Err(self.beyond_64_bits(start));
        }
        if !negative {
            return Ok(Number::Unsigned(n));
        }
        if n == 0 {
            return Ok(Number::NegativeZero);
        }
        match 0i64.checked_sub_unsigned(n) {
            Some(i) => Ok(Number::Negative(i)),
            None => Err(self.beyond_64_bits(start)),
        }
    }

    #[cold]
    #[inline(never)]
    fn beyond_64_bits(&self, start: usize) -> Fail {
        let digits = self.text.get(start..self.pos).unwrap_or_default();
        Box::new(DecodeError::syntax(
            FORMAT,
            format!("integer {digits} at offset {start} is beyond the 64-bit range"),
        ))
    }

    /// The fraction and exponent of a float that began at `start`, then its value.
    #[inline(never)]
    pub(super) fn float(&mut self, start: usize) -> Result<f64, Fail> {
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("expected a digit after `.`"));
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            if let Some(b'+' | b'-') = self.peek() {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.error("expected a digit in the exponent"));
            }
            while let Some(b'0'..=b'9') = self.peek() {
                self.pos += 1;
            }
        }
        // The literal is JSON's number syntax, which Rust's float syntax includes; the parse
        // is correctly rounded.
        match self.span(start)?.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(f),
            _ => Err(self.error_at("number out of range", start)),
        }
    }
}
