//! Runs one MessagePack or CBOR read of a typical PUBLISH N times, for instruction counts
//! under callgrind (see `examples/profile.rs` for the method):
//!
//! ```text
//! cargo build --release --example scan_profile
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/scan_profile msgpack scan 100000
//! ```
//!
//! Instructions per operation = (`I refs` at N - `I refs` at N = 0) / N. The message is
//! `[16, 239714735, {"acknowledge": true}, "com.myapp.topic1", ["Hello, world!", 42],
//! {"color": "orange", "sizes": [23, 42, 7]}]`; the operations are `decode-owned` (bytes to
//! the owned `Message`), `scan` (`view::scan_message`, the whole input checked) and
//! `scan+topic` (the scan, then the topic read as a string).

use std::hint::black_box;

use wamp_codec::serializer::{cbor, msgpack, Limits};
use wamp_codec::view::item::Item;
use wamp_codec::{dict, Value};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [format, op, n] = args.as_slice() else {
        eprintln!("usage: scan_profile <msgpack|cbor> <decode-owned|scan|scan+topic> <N>");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a count");
    let publish = Value::List(vec![
        Value::Int(16),
        Value::Int(239714735),
        Value::Map(dict! { "acknowledge" => true }),
        Value::from("com.myapp.topic1"),
        Value::List(vec![Value::from("Hello, world!"), Value::Int(42)]),
        Value::Map(dict! {
            "color" => "orange",
            "sizes" => vec![Value::Int(23), Value::Int(42), Value::Int(7)],
        }),
    ]);
    let bytes = match format.as_str() {
        "msgpack" => msgpack::value_to_vec(&publish),
        "cbor" => cbor::value_to_vec(&publish),
        other => panic!("no format {other}"),
    }
    .expect("encodable");
    let limits = Limits::DEFAULT;
    let buf = &bytes[..];
    // The operation is chosen once, and each one's loop is its own monomorphized copy, so that
    // no dispatch is counted with the operation.
    match (format.as_str(), op.as_str()) {
        ("msgpack", "decode-owned") => repeat(n, buf, |b| {
            black_box(msgpack::from_slice_with_limits(b, &limits).ok());
        }),
        ("cbor", "decode-owned") => repeat(n, buf, |b| {
            black_box(cbor::from_slice_with_limits(b, &limits).ok());
        }),
        ("msgpack", "scan") => repeat(n, buf, |b| {
            black_box(msgpack::view::scan_message(b, &limits).ok());
        }),
        ("cbor", "scan") => repeat(n, buf, |b| {
            black_box(cbor::view::scan_message(b, &limits).ok());
        }),
        ("msgpack", "scan+topic") => repeat(n, buf, |b| {
            let elems = msgpack::view::scan_message(b, &limits).ok();
            black_box(elems.and_then(|e| e.get(3)).and_then(|t| t.as_str()));
        }),
        ("cbor", "scan+topic") => repeat(n, buf, |b| {
            let elems = cbor::view::scan_message(b, &limits).ok();
            black_box(elems.and_then(|e| e.get(3)).and_then(|t| t.as_str()));
        }),
        _ => panic!("no operation {format} {op}"),
    }
    eprintln!("{n} x {format} {op} on {} bytes", bytes.len());
}

/// Runs `op` on `buf` `n` times.
fn repeat(n: usize, buf: &[u8], op: impl Fn(&[u8])) {
    for _ in 0..n {
        op(black_box(buf));
    }
}
