//! The fast pass of [`scan_message`](super::scan_message): one walk over a message of the
//! usual shape, checked as it goes, with no error texts to build.
//!
//! It accepts a message only when the exact walk ([`Reader`](super::Reader)) accepts it with the
//! same items: the whole input UTF-8 (checked by the caller), an array at the top, strings and
//! keys without escapes or control characters, integers of at most nineteen digits within the
//! 64-bit ranges (not `-0`), `true`, `false`, `null`, lists and maps within the depth and item
//! limits. Anything else (a syntax error, an escape, a float, a longer integer, a limit
//! reached) gives `None`, and the caller scans the message again with the exact walk, which
//! accepts it or fails with the owned decoder's error.
//!
//! Positions are passed in and out of small inlined functions rather than kept in a struct, so
//! that they stay in registers; nested lists and maps are walked without recursion, the kinds of
//! the open levels kept as bits of a `u64` (deeper messages, rare, are left to the exact walk).
//! Bounds are checked once per token or per eight bytes, and a value's first byte picks its
//! lexer through one table.

use crate::bytewise::{HIGH, ONES};
use crate::serializer::Limits;
use crate::view::item::{Elems, Kind};

use super::super::reader::{plain_end, whitespace_end as ws, RECURSION_LIMIT};
use super::JsonItem;

/// The most levels the fast pass follows (one bit each in a `u64`, under the bit that marks
/// the outermost).
const MAX_FAST_DEPTH: usize = 63;

/// The levels of [`scan`] when only the message array is open: the mark and one list.
const MESSAGE_LEVEL: u64 = 0b10;

/// What the first byte of a value makes it, for the dispatch of [`scan`].
#[derive(Clone, Copy)]
enum Start {
    /// Not a value (nor the end of a list or map: those are looked for before a value).
    Invalid,
    /// `[` or `{`.
    Open,
    /// `"`.
    Str,
    /// `1` to `9`.
    Positive,
    /// `0` or `-`.
    ZeroOrMinus,
    /// `t`.
    True,
    /// `f`.
    False,
    /// `n`.
    Null,
}

/// [`Start`] by byte.
const STARTS: [Start; 256] = {
    let mut table = [Start::Invalid; 256];
    table[b'[' as usize] = Start::Open;
    table[b'{' as usize] = Start::Open;
    table[b'"' as usize] = Start::Str;
    let mut digit = b'1';
    while digit <= b'9' {
        table[digit as usize] = Start::Positive;
        digit += 1;
    }
    table[b'0' as usize] = Start::ZeroOrMinus;
    table[b'-' as usize] = Start::ZeroOrMinus;
    table[b't' as usize] = Start::True;
    table[b'f' as usize] = Start::False;
    table[b'n' as usize] = Start::Null;
    table
};

/// The byte at `pos`, or 0 (never valid where a token is expected) past the end.
#[inline(always)]
fn byte(bytes: &[u8], pos: usize) -> u8 {
    bytes.get(pos).copied().unwrap_or(0)
}

/// The first token at or after `pos`: its position and its first byte (0 past the end). One
/// read when there is no whitespace, as in compact JSON.
#[inline(always)]
fn token(bytes: &[u8], pos: usize) -> (usize, u8) {
    let b = byte(bytes, pos);
    if b > b' ' {
        return (pos, b);
    }
    let pos = ws(bytes, pos);
    (pos, byte(bytes, pos))
}

/// The top-level elements of `text`, if the fast pass vouches for the whole message.
///
/// One loop over the whole message: the message array is level 1, and the start of each of
/// its elements is kept until the element ends. The first byte of the next token is carried
/// from where it is read to where it is looked at, so that each byte is read once.
///
/// A value is only scanned as far as its own syntax goes (the digits of an integer, the word
/// of a literal): what follows it must be a `,`, a closing bracket or whitespace, which the
/// loop checks next, so that a fraction, an exponent or a longer word is refused there.
///
/// Each element is wrapped by `wrap` and pushed into `elems` as soon as it ends; after a
/// `None`, `elems` may hold some of them.
#[inline(always)]
pub(super) fn scan<'a, I: Copy>(
    text: &'a str,
    limits: &Limits,
    wrap: &impl Fn(JsonItem<'a>) -> I,
    elems: &mut Elems<I>,
) -> Option<()> {
    let bytes = text.as_bytes();
    let max_depth = limits.max_depth.min(RECURSION_LIMIT).min(MAX_FAST_DEPTH);
    let (mut pos, mut b) = token(bytes, 0);
    if b != b'[' {
        return None;
    }
    // the open levels, innermost lowest, one bit each (set for a map) under a set bit that
    // marks the outermost: 1 when none is open, and at least `too_deep` when `max_depth` are
    let mut levels: u64 = 1;
    let too_deep = 1u64 << max_depth;
    // the list elements and map entries read (the message's elements included)
    let mut count = 0usize;
    // where the current element of the message array starts, and the kind of the value
    // just read
    let mut start = pos;
    let mut kind;
    'value: loop {
        // At `b`, the first byte of a value, at `pos`.
        kind = match STARTS[usize::from(b)] {
            Start::Open => {
                if levels >= too_deep {
                    return None;
                }
                let is_map = b == b'{';
                levels = levels << 1 | u64::from(is_map);
                let first;
                (pos, first) = token(bytes, pos + 1);
                // `]` and `}` are two after `[` and `{`
                if first != b + 2 {
                    b = first;
                    if is_map {
                        (pos, b) = key(bytes, pos, b)?;
                    } else if levels == MESSAGE_LEVEL {
                        start = pos;
                    }
                    continue 'value;
                }
                pos += 1;
                levels >>= 1;
                if levels == 1 {
                    break 'value;
                }
                if is_map {
                    Kind::Map
                } else {
                    Kind::List
                }
            }
            Start::Str => {
                pos = string_end(bytes, pos + 1)?;
                Kind::Str
            }
            Start::Positive => {
                pos = positive_end(bytes, pos)?;
                Kind::Int
            }
            Start::ZeroOrMinus => {
                pos = int_end(bytes, pos, b)?;
                Kind::Int
            }
            Start::True => {
                pos = word(bytes, pos, b"true")?;
                Kind::Bool
            }
            Start::False => {
                pos = word(bytes, pos, b"false")?;
                Kind::Bool
            }
            Start::Null => {
                pos = word(bytes, pos, b"null")?;
                Kind::Null
            }
            Start::Invalid => return None,
        };
        // After a value (a list or map just closed included).
        loop {
            if levels == MESSAGE_LEVEL {
                elems.push(wrap(JsonItem {
                    text: text.get(start..pos)?,
                    kind,
                    escaped: false,
                }));
            }
            count += 1;
            (pos, b) = token(bytes, pos);
            let is_map = levels & 1 != 0;
            if b == b',' {
                (pos, b) = token(bytes, pos + 1);
                if is_map {
                    (pos, b) = key(bytes, pos, b)?;
                } else if levels == MESSAGE_LEVEL {
                    start = pos;
                }
                continue 'value;
            }
            if b != if is_map { b'}' } else { b']' } {
                return None;
            }
            pos += 1;
            levels >>= 1;
            if levels == 1 {
                break 'value;
            }
            kind = if is_map { Kind::Map } else { Kind::List };
        }
    }
    if token(bytes, pos).0 != bytes.len() || count > limits.max_items {
        return None;
    }
    Some(())
}

/// The position after the literal `w` (`true`, `false` or `null`) at `pos`, if it is there.
#[inline(always)]
fn word(bytes: &[u8], pos: usize, w: &[u8]) -> Option<usize> {
    // the first four bytes as one word, then the `e` of `false`
    let head = |b: &[u8]| -> Option<u32> { Some(u32::from_le_bytes(b.get(..4)?.try_into().ok()?)) };
    if head(bytes.get(pos..)?)? != head(w)? || bytes.get(pos + 4..pos + w.len())? != &w[4..] {
        return None;
    }
    Some(pos + w.len())
}

/// The word of the eight bytes of `bytes` at `pos`, if there are eight (the first byte is the
/// lowest).
#[inline(always)]
fn word_at(bytes: &[u8], pos: usize) -> Option<u64> {
    Some(u64::from_le_bytes(
        bytes.get(pos..pos + 8)?.try_into().ok()?,
    ))
}

/// The index of the byte of `w` that holds the lowest bit set in `flags` (not 0), and that
/// byte.
#[inline(always)]
fn first_flagged(w: u64, flags: u64) -> (usize, u8) {
    let bit = flags.trailing_zeros();
    ((bit / 8) as usize, (w >> (bit & !7)) as u8)
}

/// The high bit of the bytes of `w` that end the plain part of a string (`"`, `\` and the
/// control characters): exact up to the first one, which is all that is read (a borrow may
/// mark later bytes).
#[inline(always)]
fn string_stops(w: u64) -> u64 {
    // Flipping bit 1 keeps the control characters below 0x20 and makes `"` (0x22) 0x20, and
    // no other ASCII byte below 0x21: one subtraction borrows for all of them.
    let control_or_quote = (w ^ (ONES * 0x02)).wrapping_sub(ONES * 0x21);
    let backslash = (w ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES);
    (control_or_quote | backslash) & !w & HIGH
}

/// The position after the closing quote of a string whose contents start at `pos`, if it has
/// no escape and no control character: eight bytes at a time, the first stop found at once
/// and read from the word.
#[inline(always)]
fn string_end(bytes: &[u8], pos: usize) -> Option<usize> {
    // the bytes not yet read, whose length gives the position (one counter fewer to keep)
    let mut rest = bytes.get(pos..)?;
    while let Some((chunk, tail)) = rest.split_first_chunk::<8>() {
        let w = u64::from_le_bytes(*chunk);
        let stops = string_stops(w);
        if stops != 0 {
            let (at, stop) = first_flagged(w, stops);
            return (stop == b'"').then_some(bytes.len() - rest.len() + at + 1);
        }
        rest = tail;
    }
    let end = plain_end(bytes, bytes.len() - rest.len());
    (byte(bytes, end) == b'"').then_some(end + 1)
}

/// Bits in the upper half of each byte of `w` that is not an ASCII digit: exact up to the
/// first one (a carry out of a byte that is not a digit may mark later bytes).
#[inline(always)]
fn non_digits(w: u64) -> u64 {
    // a digit is 0x00 to 0x09 once its 0x30 is taken off, and stays below 0x10 with 6 added
    let offset = w ^ (ONES * u64::from(b'0'));
    (offset | offset.wrapping_add(ONES * 6)) & (ONES * 0xf0)
}

/// The end of the run of ASCII digits at `pos`: eight bytes at a time while eight remain.
#[inline(always)]
fn digits_end(bytes: &[u8], mut pos: usize) -> usize {
    while let Some(w) = word_at(bytes, pos) {
        let stops = non_digits(w);
        if stops != 0 {
            return pos + first_flagged(w, stops).0;
        }
        pos += 8;
    }
    while byte(bytes, pos).is_ascii_digit() {
        pos += 1;
    }
    pos
}

/// The position after the digits of an integer at `pos` whose first digit is not `0` (no
/// sign), if there are at most nineteen (so within the `u64` range).
#[inline(always)]
fn positive_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let end = digits_end(bytes, pos + 1);
    (end - pos <= 19).then_some(end)
}

/// The position after the digits of an integer at `pos`, whose first byte `first` is `-` or
/// `0`, if the exact walk reads it as an integer (the byte after it aside): no leading zero,
/// at most eighteen digits when negative (so within the `i64` range), and not `-0`.
#[inline(always)]
fn int_end(bytes: &[u8], pos: usize, first: u8) -> Option<usize> {
    if first == b'0' {
        // `0` alone: a digit, a fraction or an exponent after it is refused after the value,
        // as anything but `,`, a closing bracket or whitespace is
        return Some(pos + 1);
    }
    let digits = pos + 1;
    let end = digits_end(bytes, digits);
    let len = end - digits;
    if len == 0 || len > 18 || byte(bytes, digits) == b'0' {
        return None;
    }
    Some(end)
}

/// A map key at `pos`, whose first byte is `b` (its opening quote), and the `:` after it: the
/// position of the value and its first byte.
#[inline(always)]
fn key(bytes: &[u8], pos: usize, b: u8) -> Option<(usize, u8)> {
    if b != b'"' {
        return None;
    }
    let (pos, colon) = token(bytes, string_end(bytes, pos + 1)?);
    if colon != b':' {
        return None;
    }
    Some(token(bytes, pos + 1))
}

/// The high bit of each byte of `w` that may be a `[`, `]`, `{` or `}` (or one of `Y _ y`
/// and DEL, which share their bits but for 0x20, 0x04 and 0x02).
#[inline(always)]
fn maybe_bracket(w: u64) -> u64 {
    crate::bytewise::equal_bytes(w & (ONES * 0xd9), 0x59)
}

/// The end of the checked list or map at `pos` (after its closing bracket): only brackets and
/// strings are looked at, the next one found eight bytes at a time.
pub(super) fn container_end(bytes: &[u8], mut pos: usize) -> usize {
    let mut depth = 0usize;
    loop {
        if let Some(chunk) = bytes.get(pos..pos + 8) {
            let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
            let found = maybe_bracket(w) | crate::bytewise::equal_bytes(w, b'"');
            if found == 0 {
                pos += 8;
                continue;
            }
            pos += (found.trailing_zeros() / 8) as usize;
        }
        let Some(&b) = bytes.get(pos) else {
            return bytes.len();
        };
        pos += 1;
        match b {
            b'"' => pos = super::string_end(bytes, pos).0,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return pos;
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::scan_exact;
    use super::*;

    /// The limits each input is scanned with: loose, the defaults, and tight enough to be hit.
    const LIMITS: [Limits; 5] = [
        Limits {
            max_depth: 200,
            ..Limits::DEFAULT
        },
        Limits::DEFAULT,
        Limits {
            max_depth: 3,
            ..Limits::DEFAULT
        },
        Limits {
            max_items: 4,
            ..Limits::DEFAULT
        },
        Limits {
            max_depth: 0,
            ..Limits::DEFAULT
        },
    ];

    /// Whatever the fast pass accepts of `input` and of each of its prefixes (so that
    /// truncations meet every path), under each of [`LIMITS`], the exact walk accepts with
    /// the same items.
    fn assert_agrees(input: &str) {
        for limits in &LIMITS {
            for end in 0..=input.len() {
                let Some(text) = input.get(..end) else {
                    continue;
                };
                let mut fast = Elems::new();
                if scan(text, limits, &|item| item, &mut fast).is_none() {
                    continue;
                }
                let exact = scan_exact(text.as_bytes(), limits)
                    .unwrap_or_else(|e| panic!("{text:?}: fast accepts, exact fails: {e}"));
                assert_eq!(fast.len(), exact.len(), "{text:?}");
                for i in 0..fast.len() {
                    let (f, e) = (fast.get(i), exact.get(i));
                    assert_eq!(
                        f.map(|f| (f.text, f.kind, f.escaped)),
                        e.map(|e| (e.text, e.kind, e.escaped)),
                        "{text:?} element {i}"
                    );
                }
            }
        }
    }

    /// Whether the fast pass takes `input` whole under the default limits.
    fn fast_accepts(input: &str) -> bool {
        scan(input, &Limits::DEFAULT, &|item| item, &mut Elems::new()).is_some()
    }

    /// Whatever the fast pass accepts, the exact walk accepts with the same items.
    #[test]
    fn fast_pass_agrees_with_the_exact_walk() {
        let inputs: &[&str] = &[
            r#"[16,239714735,{},"com.myapp.mytopic1",["Hello, world!",42],{"color":"orange","sizes":[23,42,7]}]"#,
            " [ 1 , \"a\" , [ ] , { } , { \"k\" : [ true , false , null ] } ] ",
            "[]",
            "[ ]",
            "[0,-1,-0,01,-01,1.5,1e3,2E1,-]",
            "[-9223372036854775808,-9223372036854775809,18446744073709551615,18446744073709551616]",
            "[9999999999999999999,99999999999999999999,-999999999999999999]",
            r#"["a\nb","\u0000AAAA","caf\u00e9","é",""]"#,
            "[\"a\tb\"]",
            "[true,false,null,tru,fals,nul,truex]",
            "[[[[[[[[[[1]]]]]]]]]]",
            "[{\"a\":1,\"a\":2},{\"a\"},{\"a\":},{,}]",
            "[1,]",
            "[1 2]",
            "{\"a\":1}",
            "[1]x",
            "[1]  ",
            "[\"unterminated",
            "[{\"k\":\"v\"}}",
            "[[1],{}]",
            "[\"12345678\",\"1234567\",\"123456789abcdefghij\"]",
            "[0.5,0e1,0E1,1.0,12e3,-0.0,-1e2,0x1,1x,1-,1+2,--1,-a]",
            "[0 ,0]",
            "[truefalse,nullnull,false1,true\"a\"]",
        ];
        let deep = format!("[{}1{}]", "[".repeat(70), "]".repeat(70));
        let deep_map = format!("[{}1{}]", "{\"k\":[".repeat(40), "]}".repeat(40));
        for input in inputs
            .iter()
            .copied()
            .chain([deep.as_str(), deep_map.as_str()])
        {
            assert_agrees(input);
        }
        // and the fast pass does take the usual message
        for input in &inputs[..2] {
            assert!(fast_accepts(input), "{input:?}");
        }
    }

    /// Digit runs of every length up to twenty, starting at every offset within a word (the
    /// runs are read eight bytes at a time), signed and not, and followed by what ends an
    /// integer, what makes it a float, and what is no number.
    #[test]
    fn fast_pass_agrees_on_digit_runs() {
        for offset in 0..8 {
            // a string of `offset` letters before the number moves it across word boundaries
            let pad = "p".repeat(offset);
            // all nines: one digit more than the fast pass takes is beyond 64 bits
            for digits in (1..=20).flat_map(|len| {
                let cycle: String = (0..len).map(|i| char::from(b'1' + (i % 9) as u8)).collect();
                [cycle, "9".repeat(len)]
            }) {
                let len = digits.len();
                for sign in ["", "-"] {
                    for after in ["", "]", ",0]", ".5]", "e3]", "E3]", "x]", "0]"] {
                        let input = format!("[\"{pad}\",{sign}{digits}{after}");
                        assert_agrees(&input);
                        // the longest integers within 64 bits are taken whole
                        let fits = len <= if sign.is_empty() { 19 } else { 18 };
                        if fits && matches!(after, "]" | ",0]") {
                            assert!(fast_accepts(&input), "{input:?}");
                        }
                    }
                }
            }
        }
    }

    /// Strings of every length up to 24 (three words), with a byte that stops a plain string
    /// (or one that does not) at every position, near the start and at the very end of the
    /// input (where fewer than eight bytes remain).
    #[test]
    fn fast_pass_agrees_on_string_lengths() {
        // an escape, raw control characters, an early quote, and bytes that are plain (those
        // next to the quote and the control characters among them)
        let stops = [
            "\\n", "\t", "\u{1}", "\u{1f}", "\"", "é", " ", "!", "#", "\u{7f}",
        ];
        for len in 0..=24 {
            let plain = "s".repeat(len);
            for at in 0..=len {
                for stop in stops {
                    let content = format!("{}{stop}{}", &plain[..at], &plain[at..]);
                    assert_agrees(&format!("[\"{content}\",1]"));
                    assert_agrees(&format!("[{{\"{content}\":1}}]"));
                    assert_agrees(&format!("[1,\"{content}\"]"));
                }
            }
            for input in [
                format!("[\"{plain}\",1]"),
                format!("[{{\"{plain}\":1}}]"),
                format!("[1,\"{plain}\"]"),
            ] {
                assert_agrees(&input);
                assert!(fast_accepts(&input), "{input:?}");
            }
        }
    }
}
