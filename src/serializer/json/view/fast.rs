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

use crate::bytewise::{HIGH, ONES};
use crate::serializer::Limits;
use crate::view::item::{Elems, Kind};

use super::super::reader::{plain_end, whitespace_end as ws, RECURSION_LIMIT};

/// The most levels the fast pass follows (one bit each in a `u64`).
const MAX_FAST_DEPTH: usize = 64;
use super::JsonItem;

/// The byte at `pos`, or 0 (never valid where a token is expected) past the end.
#[inline(always)]
fn byte(bytes: &[u8], pos: usize) -> u8 {
    bytes.get(pos).copied().unwrap_or(0)
}

/// `pos`, or the end of the whitespace there: one comparison when there is none, as in
/// compact JSON.
#[inline(always)]
fn skip_ws(bytes: &[u8], pos: usize) -> usize {
    if byte(bytes, pos) <= b' ' {
        ws(bytes, pos)
    } else {
        pos
    }
}

/// The top-level elements of `text`, if the fast pass vouches for the whole message.
///
/// One loop over the whole message: the message array is level 1, and the start of each of
/// its elements is kept until the element ends.
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
    let mut pos = skip_ws(bytes, 0);
    if byte(bytes, pos) != b'[' {
        return None;
    }
    // the levels open, and bit `i` set when the level opened `i` levels ago is a map
    let mut open = 0usize;
    let mut maps: u64 = 0;
    // the list elements and map entries read (the message's elements included)
    let mut count = 0usize;
    // where the current element of the message array starts, and the kind of the value
    // just read
    let mut start = pos;
    let mut kind;
    'value: loop {
        // At the first byte of a value.
        kind = match byte(bytes, pos) {
            b @ (b'[' | b'{') => {
                if open >= max_depth {
                    return None;
                }
                open += 1;
                let is_map = b == b'{';
                maps = maps << 1 | u64::from(is_map);
                pos = skip_ws(bytes, pos + 1);
                // `]` and `}` are two after `[` and `{`
                if byte(bytes, pos) != b + 2 {
                    if is_map {
                        pos = key(bytes, pos)?;
                    } else if open == 1 {
                        start = pos;
                    }
                    continue 'value;
                }
                pos += 1;
                open -= 1;
                maps >>= 1;
                if open == 0 {
                    break 'value;
                }
                if is_map {
                    Kind::Map
                } else {
                    Kind::List
                }
            }
            b'"' => {
                pos = string_end(bytes, pos + 1)?;
                Kind::Str
            }
            b'1'..=b'9' => {
                pos = positive_end(bytes, pos)?;
                Kind::Int
            }
            b'0' | b'-' => {
                pos = int_end(bytes, pos)?;
                Kind::Int
            }
            b't' => {
                pos = word(bytes, pos, b"true")?;
                Kind::Bool
            }
            b'f' => {
                pos = word(bytes, pos, b"false")?;
                Kind::Bool
            }
            b'n' => {
                pos = word(bytes, pos, b"null")?;
                Kind::Null
            }
            _ => return None,
        };
        // After a value (a list or map just closed included), inside `open` levels.
        loop {
            if open == 1 {
                elems.push(wrap(JsonItem {
                    text: text.get(start..pos)?,
                    kind,
                    escaped: false,
                }));
            }
            count += 1;
            pos = skip_ws(bytes, pos);
            let is_map = maps & 1 != 0;
            let b = byte(bytes, pos);
            if b == b',' {
                pos = skip_ws(bytes, pos + 1);
                if is_map {
                    pos = key(bytes, pos)?;
                } else if open == 1 {
                    start = pos;
                }
                continue 'value;
            }
            if b != if is_map { b'}' } else { b']' } {
                return None;
            }
            pos += 1;
            open -= 1;
            maps >>= 1;
            if open == 0 {
                break 'value;
            }
            kind = if is_map { Kind::Map } else { Kind::List };
        }
    }
    if skip_ws(bytes, pos) != bytes.len() || count > limits.max_items {
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

/// The high bit of the bytes of `w` that end the plain part of a string (`"`, `\` and the
/// control characters): exact up to the first one, which is all that is read (a borrow may
/// mark later bytes).
#[inline(always)]
fn string_stops(w: u64) -> u64 {
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    (w.wrapping_sub(ONES * 0x20) | quote.wrapping_sub(ONES) | backslash.wrapping_sub(ONES))
        & !w
        & HIGH
}

/// The position after the closing quote of a string whose contents start at `pos`, if it has
/// no escape and no control character: eight bytes at a time, the first stop found at once.
#[inline(always)]
fn string_end(bytes: &[u8], mut pos: usize) -> Option<usize> {
    while let Some(chunk) = bytes.get(pos..pos + 8) {
        let w = u64::from_le_bytes(chunk.try_into().ok()?);
        let stops = string_stops(w);
        if stops != 0 {
            let at = pos + (stops.trailing_zeros() / 8) as usize;
            return (byte(bytes, at) == b'"').then_some(at + 1);
        }
        pos += 8;
    }
    let end = plain_end(bytes, pos);
    (byte(bytes, end) == b'"').then_some(end + 1)
}

/// The end of the run of ASCII digits at `pos` (a byte at a time: most are short).
#[inline(always)]
fn digits_end(bytes: &[u8], mut pos: usize) -> usize {
    while byte(bytes, pos).wrapping_sub(b'0') <= 9 {
        pos += 1;
    }
    pos
}

/// The position after an integer literal at `pos` whose first digit is not `0` (no sign), if
/// the exact walk reads it as an integer: at most nineteen digits, no fraction or exponent.
#[inline(always)]
fn positive_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let end = digits_end(bytes, pos + 1);
    if end - pos > 19 {
        return None;
    }
    if let b'.' | b'e' | b'E' = byte(bytes, end) {
        return None;
    }
    Some(end)
}

/// The position after an integer literal at `pos` (at `-` or its first digit), if it is one
/// the exact walk reads as an integer: no fraction or exponent, no leading zero, at most
/// nineteen digits (eighteen when negative, so within the `i64` range) and not `-0`.
#[inline(always)]
fn int_end(bytes: &[u8], pos: usize) -> Option<usize> {
    let negative = byte(bytes, pos) == b'-';
    let first = pos + usize::from(negative);
    let end = digits_end(bytes, first);
    let len = end - first;
    let zero = byte(bytes, first) == b'0';
    if len == 0 || len > 19 - usize::from(negative) || (zero && (len > 1 || negative)) {
        return None;
    }
    if let b'.' | b'e' | b'E' = byte(bytes, end) {
        return None;
    }
    Some(end)
}

/// A map key at `pos` (its opening quote), and the `:` after it: the position of the value.
#[inline(always)]
fn key(bytes: &[u8], pos: usize) -> Option<usize> {
    if byte(bytes, pos) != b'"' {
        return None;
    }
    let pos = skip_ws(bytes, string_end(bytes, pos + 1)?);
    if byte(bytes, pos) != b':' {
        return None;
    }
    Some(skip_ws(bytes, pos + 1))
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
        ];
        let deep = format!("[{}1{}]", "[".repeat(70), "]".repeat(70));
        let deep_map = format!("[{}1{}]", "{\"k\":[".repeat(40), "]}".repeat(40));
        let inputs: Vec<&str> = inputs
            .iter()
            .copied()
            .chain([deep.as_str(), deep_map.as_str()])
            .collect();
        let tight = [
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
        for input in &inputs {
            for limits in &tight {
                // every prefix too, so that truncations meet every path
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
        // and the fast pass does take the usual message
        for input in &inputs[..2] {
            assert!(scan(input, &Limits::DEFAULT, &|item| item, &mut Elems::new()).is_some());
        }
    }
}
