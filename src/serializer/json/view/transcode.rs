//! Checked JSON written into another format ([`Emit`]) in two linear walks, without the item
//! API's per-value lexing: the first counts the items of every list and map (MessagePack and
//! CBOR write a container's length before its items, and JSON does not say it), the second
//! writes. What it writes is exactly what the generic [`item::transcode`] writes for the same
//! value; a value with more lists and maps than [`MAX_COUNTED`] is left to that one.

use crate::view::item::{self, Emit, Item, Kind};

use super::super::reader::whitespace_end;
use super::JsonItem;

/// The most lists and maps in one value whose lengths the first walk keeps (a WAMP payload
/// has a few; a list of many records is transcoded item by item instead).
const MAX_COUNTED: usize = 64;

/// The most levels of nesting followed (checked JSON is never deeper: the reader refuses the
/// 128th level).
const MAX_LEVELS: usize = 128;

/// Writes the checked JSON `item` into `out`.
pub(crate) fn transcode(item: &JsonItem<'_>, out: &mut impl Emit) {
    let text = item.bytes();
    let mut counts = [0u32; MAX_COUNTED];
    if matches!(item.kind(), Kind::List | Kind::Map) && !count_items(text, &mut counts) {
        return item::transcode(item, out);
    }
    Writer {
        item: *item,
        pos: 0,
        counts: &counts,
        next_count: 0,
    }
    .value(out);
}

/// Counts the items of each list and map in checked `text` (the number of entries of a map,
/// each repeated key included, as its iterator yields them), in the order they open: false if
/// there are more than [`MAX_COUNTED`] of them.
fn count_items(text: &[u8], counts: &mut [u32; MAX_COUNTED]) -> bool {
    // the enclosing containers of the innermost open one, by their place in `counts`
    let mut enclosing = [0u8; MAX_LEVELS];
    let mut levels = 0;
    let mut innermost = 0;
    let mut opened = 0;
    // byte by byte: a WAMP payload's structure is dense (a token every few bytes), where a
    // search a word at a time restarts after every token; only strings are skipped at once
    let mut pos = 0;
    while let Some(&b) = text.get(pos) {
        pos += 1;
        match b {
            b'"' => pos = super::string_end(text, pos).0,
            b',' => {
                if let Some(count) = counts.get_mut(innermost) {
                    *count += 1;
                }
            }
            b'[' | b'{' => {
                let (Some(slot), Some(count)) = (enclosing.get_mut(levels), counts.get_mut(opened))
                else {
                    return false;
                };
                // one item so far unless it closes at once; each comma adds one
                let close = if b == b'[' { b']' } else { b'}' };
                *count = u32::from(text.get(whitespace_end(text, pos)) != Some(&close));
                *slot = innermost as u8;
                innermost = opened;
                levels += 1;
                opened += 1;
            }
            b']' | b'}' => {
                levels = levels.saturating_sub(1);
                if levels == 0 {
                    return true;
                }
                innermost = usize::from(enclosing.get(levels).copied().unwrap_or(0));
            }
            _ => {}
        }
    }
    true
}

/// The second walk: each value written as it is read, the lengths taken from the first.
struct Writer<'a, 'c> {
    item: JsonItem<'a>,
    pos: usize,
    counts: &'c [u32; MAX_COUNTED],
    next_count: usize,
}

impl<'a> Writer<'a, '_> {
    fn text(&self) -> &[u8] {
        self.item.bytes()
    }

    /// The value at the position (after any whitespace); the position after it.
    fn value(&mut self, out: &mut impl Emit) {
        self.pos = whitespace_end(self.text(), self.pos);
        match self.text().get(self.pos) {
            Some(b'[') => self.container(out, false),
            Some(b'{') => self.container(out, true),
            _ => self.scalar(out),
        }
    }

    /// The scalar at the position. The usual ones are read here as they are written: a
    /// string without escapes, an integer of up to eighteen digits, `true`, `false`, `null`;
    /// the others (an escape, a float, a longer integer, `-0`) through their item, whose
    /// accessors decode them as the owned reader does.
    fn scalar(&mut self, out: &mut impl Emit) {
        let (bytes, pos) = (self.text(), self.pos);
        let direct = match bytes.get(pos) {
            Some(b'"') => self.plain_str(pos).map(|(s, end)| {
                out.str(s);
                end
            }),
            Some(b't') => {
                out.bool(true);
                Some(pos + "true".len())
            }
            Some(b'f') => {
                out.bool(false);
                Some(pos + "false".len())
            }
            Some(b'n') => {
                out.null();
                Some(pos + "null".len())
            }
            _ => short_int(bytes, pos).map(|(i, end)| {
                out.int(i);
                end
            }),
        };
        if let Some(end) = direct {
            self.pos = end;
        } else if let Some((scalar, end)) = JsonItem::at(self.item.text, pos) {
            self.pos = end;
            item::transcode(&scalar, out);
        }
    }

    /// The contents of the string at `pos` (its opening quote) and the position after it, if
    /// it has no escape.
    fn plain_str(&self, pos: usize) -> Option<(&'a str, usize)> {
        let (end, escaped) = super::string_end(self.text(), pos + 1);
        if escaped {
            return None;
        }
        Some((self.item.text.get(pos + 1..end - 1)?, end))
    }

    /// The list or map at the position, its length counted by the first walk.
    fn container(&mut self, out: &mut impl Emit, map: bool) {
        let len = self.counts.get(self.next_count).copied().unwrap_or(0) as usize;
        self.next_count += 1;
        self.pos += 1;
        if map {
            out.begin_map(len);
        } else {
            out.begin_list(len);
        }
        for _ in 0..len {
            if map {
                self.key(out);
            }
            self.value(out);
            // past the `,` after the item (or the closing bracket after the last)
            self.pos = whitespace_end(self.text(), self.pos) + 1;
        }
        if len == 0 {
            self.pos = whitespace_end(self.text(), self.pos) + 1;
        }
        if map {
            out.end_map();
        } else {
            out.end_list();
        }
    }

    /// A map key and its `:`.
    fn key(&mut self, out: &mut impl Emit) {
        self.pos = whitespace_end(self.text(), self.pos);
        if let Some((key, end)) = self.plain_str(self.pos) {
            out.key(key);
            self.pos = whitespace_end(self.text(), end) + 1;
        } else if let Some((key, end)) = JsonItem::at(self.item.text, self.pos) {
            if key.escaped {
                out.key(&key.unescaped());
            } else {
                out.key(key.inner());
            }
            self.pos = whitespace_end(self.text(), end) + 1;
        }
    }
}

/// The integer at `pos` of checked JSON and the position after it, if it has at most
/// eighteen digits (so that it cannot overflow) and is not `-0` (a float to the reader) nor a
/// float's first digits.
#[inline(always)]
fn short_int(bytes: &[u8], pos: usize) -> Option<(i128, usize)> {
    let negative = bytes.get(pos) == Some(&b'-');
    let first = pos + usize::from(negative);
    let mut end = first;
    let mut value: u64 = 0;
    while let Some(&b) = bytes.get(end) {
        let digit = b.wrapping_sub(b'0');
        if digit > 9 {
            break;
        }
        value = value * 10 + u64::from(digit);
        end += 1;
        if end - first > 18 {
            return None;
        }
    }
    let float = matches!(bytes.get(end), Some(b'.' | b'e' | b'E'));
    if end == first || float || (negative && value == 0) {
        return None;
    }
    let value = i128::from(value);
    Some((if negative { -value } else { value }, end))
}

#[cfg(all(test, feature = "msgpack", feature = "cbor"))]
mod tests {
    use super::*;
    use crate::serializer::cbor::view::CborWriter;
    use crate::serializer::json::view::{scan_message, JsonWriter};
    use crate::serializer::msgpack::view::MsgpackWriter;
    use crate::serializer::Limits;

    /// The bytes the two-walk transcoder and the generic one write for `json` (one value), in
    /// MessagePack, CBOR and JSON.
    fn both(json: &str) -> [(Vec<u8>, Vec<u8>); 3] {
        let message = format!("[{json}]");
        // as deep as checked JSON goes
        let limits = Limits {
            max_depth: usize::MAX,
            ..Limits::DEFAULT
        };
        let elems =
            scan_message(message.as_bytes(), &limits).unwrap_or_else(|e| panic!("{json}: {e}"));
        let item = elems.get(0).unwrap();
        let run = |direct: bool, format: u8| {
            let mut out = Vec::new();
            macro_rules! with {
                ($writer:expr) => {{
                    let mut w = $writer;
                    if direct {
                        transcode(&item, &mut w);
                    } else {
                        item::transcode(&item, &mut w);
                    }
                    w.finish().unwrap();
                }};
            }
            match format {
                0 => with!(MsgpackWriter::new(&mut out)),
                1 => with!(CborWriter::new(&mut out)),
                _ => with!(JsonWriter::new(&mut out)),
            }
            out
        };
        [0, 1, 2].map(|format| (run(true, format), run(false, format)))
    }

    fn agree(json: &str) {
        for (format, (direct, generic)) in both(json).into_iter().enumerate() {
            assert_eq!(direct, generic, "format {format}: {json}");
        }
    }

    #[test]
    fn writes_what_the_generic_transcoder_writes() {
        let texts = [
            r#"1"#,
            r#"-0"#,
            r#"18446744073709551615"#,
            r#"-9223372036854775808"#,
            r#"1.5e300"#,
            r#"[0,-1,-32,-33,127,128,255,256,65535,65536,-2147483649]"#,
            r#"[123456789012345678,-123456789012345678,1234567890123456789]"#,
            r#"[-1234567890123456789,9223372036854775807,9223372036854775808]"#,
            r#"[1e5,-1.5,0.5,-0.0,2E-3,-0,0,true,false,null]"#,
            r#""plain""#,
            r#""esc\"aped\n\u00e9\ud83d\ude00""#,
            r#""\u0000AQID""#,
            r#""\u0000""#,
            r#"[]"#,
            r#"[ ]"#,
            r#"{ }"#,
            r#"[ [ ] , { } , [ [ ] ] ]"#,
            r#"["Hello, world!",42]"#,
            r#"{"color":"orange","sizes":[23,42,7]}"#,
            r#" { "a" : [ 1 , "x,y]}" , { "b" : null } ] , "c\"]" : true , "d" : false } "#,
            r#"{"k":1,"k":2,"k":{"k":[3]}}"#,
            r#"[",",",,",{"[":"]"},"{}"]"#,
            r#"{"\u0000k":"\u0000AA=="}"#,
        ];
        for text in texts {
            agree(text);
        }
    }

    /// Lists and maps of every length around the heads' thresholds (16 and 24 items), nested
    /// and side by side, past the lengths the first walk keeps, and deep.
    #[test]
    fn counts_every_length_and_falls_back_past_its_room() {
        for n in [0, 1, 2, 15, 16, 17, 23, 24, 25, 40, 300] {
            let list: Vec<String> = (0..n).map(|i| format!("[{i},\"s{i}\"]")).collect();
            let map: Vec<String> = (0..n)
                .map(|i| format!("\"k{i}\" : {{\"v\":{i}}}"))
                .collect();
            agree(&format!("[[{}],{{{}}}]", list.join(" , "), map.join(",")));
            agree(&format!("[{}]", vec!["7"; n].join(",")));
        }
        // (the message's array is one more level)
        for depth in [1, 2, 32, 33, 63, 64, 65, 126] {
            agree(&format!("{}1{}", "[".repeat(depth), "]".repeat(depth)));
        }
        for pairs in [1, 2, 31, 32, 33, 63] {
            agree(&format!(
                "{}0{}",
                "[{\"a\":".repeat(pairs),
                "}]".repeat(pairs)
            ));
        }
    }
}
