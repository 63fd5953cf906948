//! Length prefixes that claim 2^32-1 or 2^64-1 elements or bytes must not make a decoder
//! allocate before the bytes exist: measured here with a counting global allocator.
//!
//! This file is its own test binary because a `#[global_allocator]` applies to the whole
//! binary, and it has one `#[test]` so that no other test allocates while it measures. The
//! `unsafe` below is the `GlobalAlloc` contract (forwarding to `System` unchanged, adding a
//! counter), the only `unsafe` in the tests, and nothing else may be added to it.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use wamp_codec::fbs::view::MessageRef;
use wamp_codec::serializer::{Format, Serializer};

/// Forwards to the system allocator, adding up the bytes requested.
struct Counting;

static REQUESTED: AtomicUsize = AtomicUsize::new(0);

#[allow(unsafe_code)]
// SAFETY: every method forwards its arguments unchanged to `System`, which upholds the
// `GlobalAlloc` contract; the counter has no effect on the memory returned.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        REQUESTED.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        REQUESTED.fetch_add(new_size, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The bytes `f` asks the allocator for.
fn requested(f: impl FnOnce()) -> usize {
    let before = REQUESTED.load(Ordering::Relaxed);
    f();
    REQUESTED.load(Ordering::Relaxed) - before
}

fn hex(s: &str) -> Vec<u8> {
    let s: String = s.split_whitespace().collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// A bound far below any claimed length but above what an error message costs.
const SMALL: usize = 16 * 1024;

#[test]
fn claimed_lengths_allocate_nothing_they_do_not_have() {
    let cases: &[(Format, &str)] = &[
        (Format::Msgpack, "dd ffffffff 01 02 03"),
        (Format::Msgpack, "df ffffffff a161 01"),
        (Format::Msgpack, "db ffffffff 61 62"),
        (Format::Msgpack, "c6 ffffffff 00 00"),
        // The arguments of a PUBLISH claiming 2^32-1 elements.
        (Format::Msgpack, "95 10 01 80 a5 636f6d2e74 dd ffffffff c0"),
        (Format::Cbor, "9b ffffffffffffffff 01"),
        (Format::Cbor, "bb ffffffffffffffff 6161 01"),
        (Format::Cbor, "5b ffffffffffffffff 00"),
        (Format::Cbor, "7b ffffffffffffffff 61"),
        (Format::Cbor, "9a ffffffff 01"),
        (
            Format::Cbor,
            "85 10 01 a0 65 636f6d2e74 9b ffffffffffffffff f6",
        ),
    ];
    for (format, input) in cases {
        let input = hex(input);
        let mut result = None;
        let bytes = requested(|| result = Some(format.decode(&input)));
        let result = result.unwrap();
        assert!(result.is_err(), "{format:?} {input:02x?} decoded");
        assert!(
            bytes < SMALL,
            "{format:?} {input:02x?}: {bytes} bytes requested for {} bytes of input ({:?})",
            input.len(),
            result
        );
    }

    // FlatBuffers: PUBLISH `exclude` ([uint64] 1, 2) patched to claim 2^32-1 elements.
    let msg = Format::Json
        .decode(br#"[16,1,{"exclude":[1,2]},"com.t"]"#)
        .unwrap();
    let mut buf = Format::Flatbuffers.encode(&msg).unwrap();
    let vector = hex("02000000 0100000000000000 0200000000000000");
    let at = buf
        .windows(vector.len())
        .position(|w| w == vector)
        .expect("the exclude vector");
    buf[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let bytes = requested(|| {
        let err = Format::Flatbuffers.decode(&buf).unwrap_err();
        assert!(err.to_string().contains("'exclude' in PUBLISH"), "{err}");
    });
    assert!(bytes < SMALL, "flatbuffers: {bytes} bytes");

    // Batched payloads whose length prefix claims 4 GiB.
    for s in [Serializer::MSGPACK_BATCHED, Serializer::CBOR_BATCHED] {
        let input = hex("ffffffff 90");
        let bytes = requested(|| assert!(s.decode(&input).is_err()));
        assert!(bytes < SMALL, "{}: {bytes} bytes", s.id());
    }

    // A valid FlatBuffers message: `cast` and the accessors allocate nothing at all.
    let msg = Format::Json
        .decode(br#"[16,1,{"exclude":[1,2]},"com.myapp.topic",[1,2,3]]"#)
        .unwrap();
    let buf = Format::Flatbuffers.encode(&msg).unwrap();
    let bytes = requested(|| {
        let Ok(MessageRef::Publish(p)) = MessageRef::cast(&buf) else {
            panic!("cast failed")
        };
        assert_eq!(p.topic(), "com.myapp.topic");
        assert_eq!(p.exclude().map(Iterator::count), Some(2));
        assert!(p.args_bytes().is_some());
    });
    assert_eq!(bytes, 0, "cast and accessors allocated");
}
