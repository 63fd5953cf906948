//! What checking a message costs before any WAMP rule: the typical PUBLISH's owned decode and
//! view beside the cost of checking its syntax alone, by serde_json (`IgnoredAny`) and by two
//! plain validators written here. Those skip much of what a decode must check (JSON: UTF-8,
//! escapes, number ranges, whitespace; MessagePack: that map keys are strings, limits) and
//! record nothing, so they show roughly where a full check's cost starts.
//!
//! ```sh
//! cargo run --release --example validation_floor
//! ```
//!
//! Each row is the best of 15 passes of 200,000 operations, the passes taken in rounds across
//! the rows, in ns per operation; the ratios are to the same format's owned decode, as the
//! `bench` targets are.

use std::hint::black_box;
use std::time::Instant;

use wamp_codec::serializer::Format;
use wamp_codec::{dict, Message, Publish, Value};

/// The best time of each operation over 15 passes of 200,000 operations, the passes taken
/// in rounds across the operations so that a slow spell of the machine slows them alike.
fn best_ns(ops: &mut [&mut dyn FnMut()]) -> Vec<f64> {
    const ROUNDS: usize = 15;
    const OPS: u32 = 200_000;
    let mut best = vec![f64::INFINITY; ops.len()];
    for _ in 0..ROUNDS {
        for (op, best) in ops.iter_mut().zip(&mut best) {
            let start = Instant::now();
            for _ in 0..OPS {
                op();
            }
            *best = best.min(start.elapsed().as_nanos() as f64 / f64::from(OPS));
        }
    }
    best
}

/// Whether `b` is one MessagePack value of the kinds a WAMP message holds (strings checked
/// as UTF-8, map keys not checked to be strings, no limits): one loop, the values left to
/// read at each open level on a fixed stack.
fn msgpack_syntax(b: &[u8]) -> bool {
    let mut pos = 0;
    let mut open = [0u32; 32];
    let mut depth = 0;
    let mut left = 1u32;
    loop {
        while left == 0 {
            if depth == 0 {
                return pos == b.len();
            }
            depth -= 1;
            left = open[depth];
        }
        left -= 1;
        let Some(&head) = b.get(pos) else {
            return false;
        };
        pos += 1;
        let (items, skip) = match head {
            0x00..=0x7f | 0xc0 | 0xc2 | 0xc3 | 0xe0..=0xff => (0, 0),
            0xcc => (0, 1),
            0xcd => (0, 2),
            0xce => (0, 4),
            0xcf | 0xcb => (0, 8),
            0xa0..=0xbf => {
                let Some(s) = b.get(pos..pos + usize::from(head & 0x1f)) else {
                    return false;
                };
                if !s.is_ascii() && std::str::from_utf8(s).is_err() {
                    return false;
                }
                (0, s.len())
            }
            0x90..=0x9f => (u32::from(head & 0x0f), 0),
            0x80..=0x8f => (2 * u32::from(head & 0x0f), 0),
            _ => return false,
        };
        pos += skip;
        if items > 0 {
            if depth == open.len() {
                return false;
            }
            open[depth] = left;
            depth += 1;
            left = items;
        }
    }
}

/// Whether `b` is one JSON value by its structure alone (strings end at a quote and hold no
/// control character, numbers are digit runs, literals are spelled right; escapes, UTF-8 and
/// number ranges are not checked), byte by byte.
fn json_syntax(b: &[u8]) -> bool {
    let at = |p: usize| b.get(p).copied().unwrap_or(0);
    // the position after the string whose contents start at `p`
    let string_end = |mut p: usize| -> Option<usize> {
        loop {
            match at(p) {
                b'"' => return Some(p + 1),
                b'\\' => p += 2,
                0..=0x1f => return None,
                _ => p += 1,
            }
        }
    };
    // the position of the value after the key at `p`
    let key = |p: usize| -> Option<usize> {
        let end = string_end(p + 1).filter(|_| at(p) == b'"')?;
        (at(end) == b':').then_some(end + 1)
    };
    let mut open = [0u8; 64];
    let mut depth = 0;
    let mut pos = 0;
    'value: loop {
        let c = at(pos);
        pos = match c {
            b'[' | b'{' if depth < open.len() => {
                if at(pos + 1) == c + 2 {
                    pos + 2
                } else {
                    open[depth] = c;
                    depth += 1;
                    pos = if c == b'{' {
                        match key(pos + 1) {
                            Some(p) => p,
                            None => return false,
                        }
                    } else {
                        pos + 1
                    };
                    continue 'value;
                }
            }
            b'"' => match string_end(pos + 1) {
                Some(p) => p,
                None => return false,
            },
            b'-' | b'0'..=b'9' => {
                let mut p = pos + 1;
                while at(p).is_ascii_digit() {
                    p += 1;
                }
                p
            }
            b't' | b'n'
                if b.get(pos..pos + 4)
                    .is_some_and(|w| w == b"true" || w == b"null") =>
            {
                pos + 4
            }
            b'f' if b.get(pos..pos + 5) == Some(&b"false"[..]) => pos + 5,
            _ => return false,
        };
        // after a value: a comma and the next, or the end of the open list or map
        loop {
            if depth == 0 {
                return pos == b.len();
            }
            let inner = open[depth - 1];
            match at(pos) {
                b',' if inner == b'{' => match key(pos + 1) {
                    Some(p) => pos = p,
                    None => return false,
                },
                b',' => pos += 1,
                c if c == inner + 2 => {
                    pos += 1;
                    depth -= 1;
                    continue;
                }
                _ => return false,
            }
            continue 'value;
        }
    }
}

fn main() {
    let publish: Message = Publish {
        args: Some(vec![Value::from("Hello, world!"), Value::Int(42)]),
        kwargs: Some(dict! {
            "color" => "orange",
            "sizes" => vec![Value::Int(23), Value::Int(42), Value::Int(7)],
        }),
        ..Publish::new(239714735, "com.myapp.mytopic1")
    }
    .into();
    let json = Format::Json.encode(&publish).expect("encodes");
    let msgpack = Format::Msgpack.encode(&publish).expect("encodes");
    assert!(json_syntax(&json) && msgpack_syntax(&msgpack));

    let (j, m) = (&json[..], &msgpack[..]);
    let names = [
        "json decode-owned",
        "json view+topic",
        "json syntax only, serde_json IgnoredAny",
        "json syntax only, minimal validator",
        "msgpack decode-owned",
        "msgpack view+topic",
        "msgpack syntax only, minimal validator",
    ];
    let times = best_ns(&mut [
        &mut || drop(black_box(Format::Json.decode(black_box(j)))),
        &mut || {
            let publish = Publish::view(Format::Json, black_box(j)).expect("a PUBLISH");
            black_box(publish.topic());
        },
        &mut || {
            let checked = serde_json::from_slice::<serde::de::IgnoredAny>(black_box(j));
            black_box(checked.is_ok());
        },
        &mut || {
            black_box(json_syntax(black_box(j)));
        },
        &mut || drop(black_box(Format::Msgpack.decode(black_box(m)))),
        &mut || {
            let publish = Publish::view(Format::Msgpack, black_box(m)).expect("a PUBLISH");
            black_box(publish.topic());
        },
        &mut || {
            black_box(msgpack_syntax(black_box(m)));
        },
    ]);
    // each row against its format's owned decode (rows 0 and 4)
    for (i, (name, ns)) in names.iter().zip(&times).enumerate() {
        let owned = times[if i < 4 { 0 } else { 4 }];
        println!("{name:44} {ns:8.1} ns  {:5.2} x decode-owned", ns / owned);
    }
    println!(
        "view+topic target (0.15 x decode-owned): json {:.1} ns, msgpack {:.1} ns",
        0.15 * times[0],
        0.15 * times[4]
    );
}
