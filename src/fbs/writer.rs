//! Where the builders write: flatbuffers' [`FlatBufferBuilder`], or the crate's own [`Writer`],
//! which lays out the very same bytes with less bookkeeping.
//!
//! Both are [`Sink`]s, and every builder in [`builder`](super::builder) and
//! [`forward`](super::forward) takes either:
//!
//! ```
//! use flatbuffers::FlatBufferBuilder;
//! use wamp_codec::fbs::{builder, Writer};
//! use wamp_codec::{Message, Publish};
//!
//! let msg = Message::Publish(Publish::new(1234, "com.example.topic"));
//! let mut fbb = FlatBufferBuilder::with_capacity(1024);
//! let mut writer = Writer::with_capacity(1024);
//! builder::build(&msg, &mut fbb).unwrap();
//! builder::build(&msg, &mut writer).unwrap();
//! assert_eq!(fbb.finished_data(), writer.finished_data());
//! ```
//!
//! # Why a second writer
//!
//! `FlatBufferBuilder` is general: it tracks each field in a growable list, sizes each vtable by
//! scanning that list, keeps its vtables in a sorted list searched by content, and zeroes the
//! whole used buffer on every `reset` so that padding can be skipped. [`Writer`] does the same
//! layout with a fixed slot table and explicit padding, pushes a table's fields into room
//! reserved for the whole table with their state in registers ([`TableFields`]) and works out
//! its vtable eight entries at a time, writes the root `Message` table in one step, claims each
//! string and byte vector with its length prefix at once, and owns the buffer the CBOR payload
//! is encoded into: for a typical PUBLISH, 991 instructions against 1,757 (callgrind;
//! README, "Performance").
//!
//! # Same bytes
//!
//! [`Writer`] follows `FlatBufferBuilder`'s layout rules exactly (flatbuffers 25.12.19,
//! `builder.rs`): objects are written back to front; a scalar is aligned to its size; a string
//! or vector is aligned so that its length prefix lands on 4 bytes (8 for `[uint64]`), with the
//! string's NUL; a table is its fields in push order, then the `soffset` to its vtable; a
//! vtable is as long as the highest slot pushed and is shared with an identical earlier one;
//! the root offset is padded to the largest alignment used (`finish_minimal`).
//! `tests/fbs_build.rs` checks the two give the same bytes for every corpus message, and
//! `tests/properties.rs` for generated ones.

use std::cell::RefCell;

use super::generated::proto;
use crate::bytewise::copy_small;
use crate::serializer::{cbor, scratch};
use crate::value::{Dict, Value};
use flatbuffers::{
    FlatBufferBuilder, ForwardsUOffset, TableFinishedWIPOffset, VOffsetT, Vector, WIPOffset,
};

/// The most fields a table may have: the schema's largest (PUBLISH's) has 21.
const MAX_SLOTS: usize = 48;

/// The bytes a table can take, reserved in front of [`Writer`]'s head when it starts: each field
/// at most 8 bytes and 7 of padding, then at most 3 bytes of padding, the `soffset` and a
/// vtable of `MAX_SLOTS` entries, and the 16 bytes in front of it that its entries, written
/// eight at a time, may spill into.
const TABLE_ROOM: usize = MAX_SLOTS * 15 + 3 + 4 + (4 + 2 * MAX_SLOTS) + 16;

/// Vtable entries are worked out and written this many at a time.
const CHUNK: usize = 8;

mod sealed {
    pub trait Sealed {}
    impl Sealed for flatbuffers::FlatBufferBuilder<'_> {}
    impl Sealed for super::Writer {}
    impl Sealed for super::TableFields<'_> {}
    impl Sealed for bool {}
    impl Sealed for u8 {}
    impl Sealed for u16 {}
    impl Sealed for u32 {}
    impl Sealed for u64 {}
}

/// A scalar field type: `bool`, `u8`, `u16`, `u32` or `u64`.
pub trait Scalar: flatbuffers::Push + Copy + PartialEq + sealed::Sealed {
    /// Its size and alignment in bytes.
    const SIZE: usize;
    /// Writes its little-endian bytes into `out`, which is `SIZE` long.
    fn write_le(self, out: &mut [u8]);
}

macro_rules! scalar {
    ($($ty:ty),*) => {$(
        impl Scalar for $ty {
            const SIZE: usize = std::mem::size_of::<$ty>();
            #[inline(always)]
            fn write_le(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
        }
    )*};
}
scalar!(u8, u16, u32, u64);

impl Scalar for bool {
    const SIZE: usize = 1;
    #[inline(always)]
    fn write_le(self, out: &mut [u8]) {
        out[0] = u8::from(self);
    }
}

/// The fields of a table being built: the argument of the closure given to [`Sink::table`].
///
/// Sealed, as [`Sink`] is.
pub trait Fields: sealed::Sealed {
    /// A scalar field, unless it equals the schema `default`.
    fn push_slot<X: Scalar>(&mut self, slot: VOffsetT, x: X, default: X);
    /// A scalar field, even when it is the schema default.
    fn push_slot_always<X: Scalar>(&mut self, slot: VOffsetT, x: X);
    /// An offset field: a string, vector or table written before the table was started.
    fn push_offset<T>(&mut self, slot: VOffsetT, o: WIPOffset<T>);
}

/// Where a FlatBuffers message is written: [`FlatBufferBuilder`] or [`Writer`], which give the
/// same bytes. The methods are `FlatBufferBuilder`'s, restricted to what the WAMP schema needs,
/// with a table's start, fields and end as one call, [`table`](Sink::table).
///
/// Sealed: the builders rely on the two implementations laying out bytes identically.
pub trait Sink<'f>: sealed::Sealed {
    /// What a table's fields are pushed into (see [`table`](Sink::table)).
    type Fields<'a>: Fields
    where
        Self: 'a;
    /// Forgets everything written, keeping the buffers' memory.
    fn reset(&mut self);
    /// A string: its length, its bytes and a NUL.
    fn create_string(&mut self, s: &str) -> WIPOffset<&'f str>;
    /// A `[uint8]` vector.
    fn create_bytes(&mut self, b: &[u8]) -> WIPOffset<Vector<'f, u8>>;
    /// A `[uint8]` vector of what `encode` appends to an empty scratch buffer.
    fn create_encoded(&mut self, encode: impl FnOnce(&mut Vec<u8>)) -> WIPOffset<Vector<'f, u8>>;
    /// A `[uint8]` vector of a list's CBOR (`args`).
    fn create_cbor_list(&mut self, items: &[Value]) -> WIPOffset<Vector<'f, u8>>;
    /// A `[uint8]` vector of a dict's CBOR (`kwargs`, extras).
    fn create_cbor_map(&mut self, map: &Dict) -> WIPOffset<Vector<'f, u8>>;
    /// A `[uint64]` vector.
    fn create_u64s(
        &mut self,
        items: impl ExactSizeIterator<Item = u64> + DoubleEndedIterator,
    ) -> WIPOffset<Vector<'f, u64>>;
    /// A vector of offsets to objects already written (`[string]`, `[Principal]`).
    fn create_offsets<T>(
        &mut self,
        items: &[WIPOffset<T>],
    ) -> WIPOffset<Vector<'f, ForwardsUOffset<T>>>;
    /// A table: `fields` pushes its fields (each at most once, in the order they are to be
    /// written), then its vtable (or an identical earlier one) and the offset to it are written.
    /// Its strings, vectors and tables are created before.
    ///
    /// A closure rather than `start_table`/`end_table` so that [`Writer`] can keep the table's
    /// state in locals for its duration (see [`TableFields`]).
    fn table(
        &mut self,
        fields: impl FnOnce(&mut Self::Fields<'_>),
    ) -> WIPOffset<TableFinishedWIPOffset>;
    /// The root `Message` table around a message's `table` (its union tag, then the offset to
    /// it), and the root offset (`finish_minimal`): the message is complete.
    fn finish_message(&mut self, tag: u8, table: WIPOffset<TableFinishedWIPOffset>);
    /// The finished message.
    fn finished_data(&self) -> &[u8];
}

thread_local! {
    /// The scratch buffer CBOR is encoded into before a `FlatBufferBuilder` copies it; kept
    /// per thread so that building allocates nothing after warm-up.
    static SCRATCH: RefCell<Vec<u8>> = RefCell::new(Vec::with_capacity(256));
}

impl Fields for FlatBufferBuilder<'_> {
    fn push_slot<X: Scalar>(&mut self, slot: VOffsetT, x: X, default: X) {
        FlatBufferBuilder::push_slot(self, slot, x, default);
    }
    fn push_slot_always<X: Scalar>(&mut self, slot: VOffsetT, x: X) {
        FlatBufferBuilder::push_slot_always(self, slot, x);
    }
    fn push_offset<T>(&mut self, slot: VOffsetT, o: WIPOffset<T>) {
        FlatBufferBuilder::push_slot_always(self, slot, o);
    }
}

impl<'f> Sink<'f> for FlatBufferBuilder<'f> {
    type Fields<'a>
        = FlatBufferBuilder<'f>
    where
        Self: 'a;
    fn reset(&mut self) {
        FlatBufferBuilder::reset(self);
    }
    fn create_string(&mut self, s: &str) -> WIPOffset<&'f str> {
        FlatBufferBuilder::create_string(self, s)
    }
    fn create_bytes(&mut self, b: &[u8]) -> WIPOffset<Vector<'f, u8>> {
        self.create_vector(b)
    }
    fn create_cbor_list(&mut self, items: &[Value]) -> WIPOffset<Vector<'f, u8>> {
        scratch::with_scratch(|scratch| {
            self.create_vector(scratch.encode(|buf, pos| cbor::write_list(buf, pos, items)))
        })
    }
    fn create_cbor_map(&mut self, map: &Dict) -> WIPOffset<Vector<'f, u8>> {
        scratch::with_scratch(|scratch| {
            self.create_vector(scratch.encode(|buf, pos| cbor::write_map(buf, pos, map)))
        })
    }
    fn create_encoded(&mut self, encode: impl FnOnce(&mut Vec<u8>)) -> WIPOffset<Vector<'f, u8>> {
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => {
                scratch.clear();
                encode(&mut scratch);
                self.create_vector(scratch.as_slice())
            }
            // only if `encode` itself builds a message on this thread
            Err(_) => {
                let mut scratch = Vec::new();
                encode(&mut scratch);
                self.create_vector(scratch.as_slice())
            }
        })
    }
    fn create_u64s(
        &mut self,
        items: impl ExactSizeIterator<Item = u64> + DoubleEndedIterator,
    ) -> WIPOffset<Vector<'f, u64>> {
        self.create_vector_from_iter(items)
    }
    fn create_offsets<T>(
        &mut self,
        items: &[WIPOffset<T>],
    ) -> WIPOffset<Vector<'f, ForwardsUOffset<T>>> {
        self.create_vector(items)
    }
    #[inline(always)]
    fn table(
        &mut self,
        fields: impl FnOnce(&mut FlatBufferBuilder<'f>),
    ) -> WIPOffset<TableFinishedWIPOffset> {
        let start = self.start_table();
        fields(self);
        self.end_table(start)
    }
    fn finish_message(&mut self, tag: u8, table: WIPOffset<TableFinishedWIPOffset>) {
        let start = self.start_table();
        self.push_slot::<u8>(proto::Message::VT_MSG_TYPE, tag, 0);
        self.push_slot_always(proto::Message::VT_MSG, table);
        let root = self.end_table(start);
        self.finish_minimal(root);
    }
    fn finished_data(&self) -> &[u8] {
        FlatBufferBuilder::finished_data(self)
    }
}

/// A reusable FlatBuffers writer: the bytes `FlatBufferBuilder` writes, at less cost (see the
/// [module docs](self)). Create one per thread or task and pass it to every build; it
/// allocates only when a message is larger than any before it.
#[derive(Debug, Clone, Default)]
pub struct Writer {
    out: Back,
    /// Per slot of the table being built, from [`CHUNK`] on, the distance from the table's end
    /// to its field (see [`TableFields`]); 0 for a slot not pushed, and everywhere between
    /// tables.
    slots: Slots,
    /// Reverse positions of the vtables written so far, to share identical ones.
    vtables: Vec<u32>,
    /// Where `create_encoded` encodes before the bytes are copied in.
    scratch: Vec<u8>,
    /// Where `create_cbor_list` and `create_cbor_map` encode before the bytes are copied in.
    cbor: scratch::Scratch,
    finished: bool,
}

#[derive(Debug, Clone)]
struct Slots([u16; CHUNK + MAX_SLOTS]);

impl Default for Slots {
    fn default() -> Slots {
        Slots([0; CHUNK + MAX_SLOTS])
    }
}

/// The buffer, written back to front. Positions are kept as distances from its end
/// (flatbuffers' "reverse" offsets), which stay valid when it grows at the front.
#[derive(Debug, Clone)]
struct Back {
    /// The message is `buf[head..]`; `buf[..head]` is free space.
    buf: Vec<u8>,
    head: usize,
    /// The largest alignment used, which the root offset is padded to: 4 or 8. It starts at 4
    /// rather than `FlatBufferBuilder`'s 1 because every message has a table, whose soffset is
    /// 4-aligned, so only an 8-byte field or vector changes it.
    min_align: usize,
}

impl Default for Back {
    fn default() -> Back {
        Back {
            buf: Vec::new(),
            head: 0,
            min_align: 4,
        }
    }
}

/// Free bytes a claim that pads makes sure of in front of what it writes, so that the padding
/// (at most 7 bytes) can be zeroed with one 8-byte store.
const SLACK: usize = 8;

impl Back {
    /// Bytes written so far: the reverse position of `head`.
    #[inline(always)]
    fn used(&self) -> usize {
        self.buf.len() - self.head
    }

    /// Claims `n` bytes in front, after zero padding chosen so that, once `len` bytes are
    /// written, the used size is a multiple of `align` (a power of two): flatbuffers'
    /// `align(len, align)` followed by `make_space(n)`. Returns where the `n` bytes start.
    #[inline(always)]
    fn claim(&mut self, len: usize, align: usize, n: usize) -> usize {
        if align > 4 {
            self.min_align = self.min_align.max(align);
        }
        let pad = (self.used() + len).wrapping_neg() & (align - 1);
        if self.head < pad + n + SLACK {
            self.grow(pad + n + SLACK);
        }
        // padding is at most 7 bytes: zero 8 of the free bytes in front of `head`
        self.buf[self.head - SLACK..self.head].copy_from_slice(&[0; SLACK]);
        self.head -= pad + n;
        self.head
    }

    /// Reallocates so that at least `n` more bytes fit in front, keeping the message at the end.
    ///
    /// The buffer goes out and comes back by value: a call given `&mut self` would let the
    /// compiler assume any later store into the buffer may change `head` or the buffer's
    /// length, and reload them after every store of every push.
    #[inline(always)]
    fn grow(&mut self, n: usize) {
        let used = self.used();
        self.buf = grown(std::mem::take(&mut self.buf), used, n);
        self.head = self.buf.len() - used;
    }

    /// Claims `n` bytes in front with no padding, for a caller that has aligned them itself.
    /// Returns where they start.
    #[inline(always)]
    fn claim_unaligned(&mut self, n: usize) -> usize {
        if self.head < n {
            self.grow(n);
        }
        self.head -= n;
        self.head
    }

    /// Writes `bytes` in front, unaligned.
    #[inline(always)]
    fn put(&mut self, bytes: &[u8]) {
        let at = self.claim_unaligned(bytes.len());
        self.buf[at..at + bytes.len()].copy_from_slice(bytes);
    }

    /// Writes a scalar in front, aligned to its size; returns its reverse position.
    #[inline(always)]
    fn put_scalar<X: Scalar>(&mut self, x: X) -> u32 {
        let at = self.claim(X::SIZE, X::SIZE, X::SIZE);
        x.write_le(&mut self.buf[at..at + X::SIZE]);
        self.used() as u32
    }

    /// Writes a uoffset in front pointing at the object at reverse position `target`; returns
    /// its reverse position.
    #[inline(always)]
    fn put_uoffset(&mut self, target: u32) -> u32 {
        let at = self.claim(4, 4, 4);
        let rev = self.used() as u32;
        self.buf[at..at + 4].copy_from_slice(&(rev - target).to_le_bytes());
        rev
    }

    /// A `[uint8]` vector: padded so the length prefix is 4-aligned, then the bytes and their
    /// length, claimed at once. Returns its reverse position.
    #[inline(always)]
    fn put_byte_vector(&mut self, b: &[u8]) -> u32 {
        self.put_prefixed(b, 0)
    }

    /// A length prefix, `b` and `nul` zero bytes (1 for a string's NUL, else 0), padded so that
    /// the prefix is 4-aligned; returns its reverse position. Written from locals: the buffer's
    /// slice, `head` and the new head, so that no store into the buffer makes the compiler
    /// reload them.
    #[inline(always)]
    fn put_prefixed(&mut self, b: &[u8], nul: usize) -> u32 {
        let n = b.len();
        let total = 4 + n + nul;
        let pad = (self.used() + total).wrapping_neg() & 3;
        if self.head < pad + total {
            self.grow(pad + total);
        }
        let head = self.head;
        let start = head - pad - total;
        let buf = self.buf.as_mut_slice();
        let end = buf.len();
        let dst = &mut buf[start..head];
        // the padding and the NUL first, as one fixed-size store of zeros over the last four
        // bytes (there are at least four: the prefix), which the bytes then partly overwrite
        let last = dst.len() - 4;
        dst[last..].copy_from_slice(&[0; 4]);
        dst[..4].copy_from_slice(&(n as u32).to_le_bytes());
        copy_small(&mut dst[4..4 + n], b);
        self.head = start;
        (end - start) as u32
    }
}

/// The reverse position of a vtable among `vtables` (reverse positions in `written`, the end of
/// the buffer) that equals `new`.
#[inline(always)]
fn shared_vtable(written: &[u8], vtables: &[u32], new: &[u8]) -> Option<u32> {
    vtables.iter().copied().find(|&rev| {
        let at = written.len() - rev as usize;
        // the header first (the vtable's length and its table's size): most vtables differ in it
        written.get(at..at + 4) == Some(&new[..4]) && written.get(at..at + new.len()) == Some(new)
    })
}

/// `buf` with its last `used` bytes moved to the end of a new buffer with at least `n` more bytes
/// in front of them.
///
/// Panics past 2 GiB, FlatBuffers' limit (its offsets are 32-bit), as `FlatBufferBuilder` does.
#[cold]
#[inline(never)]
fn grown(buf: Vec<u8>, used: usize, n: usize) -> Vec<u8> {
    assert!(
        used + n <= flatbuffers::FLATBUFFERS_MAX_BUFFER_SIZE,
        "a FlatBuffers message cannot exceed 2 GiB"
    );
    let len = (used + n).max(2 * buf.len()).max(256);
    let mut new = vec![0; len];
    new[len - used..].copy_from_slice(&buf[buf.len() - used..]);
    new
}

impl Writer {
    /// An empty writer; it grows on the first message.
    pub fn new() -> Writer {
        Writer::default()
    }

    /// A writer with room for a message of `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Writer {
        let capacity = capacity + SLACK + TABLE_ROOM;
        Writer {
            out: Back {
                buf: vec![0; capacity],
                head: capacity,
                min_align: 4,
            },
            vtables: Vec::with_capacity(8),
            scratch: Vec::with_capacity(256),
            ..Writer::default()
        }
    }

    /// The bytes written so far: the finished message after a build.
    pub fn finished_data(&self) -> &[u8] {
        debug_assert!(self.finished, "finished_data of an unfinished Writer");
        &self.out.buf[self.out.head..]
    }

    /// A `[uint8]` vector of the CBOR `write` encodes into the scratch buffer.
    #[inline(always)]
    fn put_cbor<'f>(
        &mut self,
        write: impl Fn(&mut [u8], usize) -> usize,
    ) -> WIPOffset<Vector<'f, u8>> {
        let bytes = self.cbor.encode(write);
        WIPOffset::new(self.out.put_byte_vector(bytes))
    }
}

/// The fields of a table being built in a [`Writer`] (see [`Sink::table`]).
///
/// Everything a push reads or changes is a field of this struct, a local of the `Writer`'s
/// [`Sink::table`] whose methods are all inlined: the compiler keeps it in registers. On the
/// `Writer` itself, every store into the buffer could, for all the compiler knows, change the
/// writer's fields, and each push reloaded them after the previous one's stores.
#[derive(Debug)]
pub struct TableFields<'a> {
    /// The [`TABLE_ROOM`] bytes in front of the writer's head, filled from the end.
    room: &'a mut [u8; TABLE_ROOM],
    /// Bytes written at the end of `room`.
    len: usize,
    /// The message's size when the table was started: `room`'s end as a reverse position.
    start: usize,
    /// The writer's slot table: per slot, from [`CHUNK`] on, the `len` its field was written
    /// at, so that the vtable entry is the table's size less it.
    slots: &'a mut [u16; CHUNK + MAX_SLOTS],
    /// How many slots the vtable needs (highest pushed + 1).
    slots_used: usize,
    /// The largest alignment used in the message so far (see [`Back::min_align`]).
    min_align: usize,
}

impl TableFields<'_> {
    /// Claims `n` bytes in front after zero padding that aligns them to `align` (1, 2, 4 or 8),
    /// as [`Back::claim`] does; returns where they start in `room`.
    #[inline(always)]
    fn claim(&mut self, align: usize, n: usize) -> usize {
        if align > 4 {
            self.min_align = self.min_align.max(align);
        }
        let pad = (self.start + self.len + n).wrapping_neg() & (align - 1);
        if align > 1 {
            // padding is at most 7 bytes: zero the 8 in front of what is written
            let end = TABLE_ROOM - self.len;
            self.room[end - SLACK..end].copy_from_slice(&[0; SLACK]);
        }
        self.len += pad + n;
        TABLE_ROOM - self.len
    }

    /// Records that the field just written is `slot`'s; returns its reverse position.
    #[inline(always)]
    fn track(&mut self, slot: VOffsetT) -> u32 {
        let i = usize::from(slot - 4) / 2;
        self.slots[CHUNK + i] = self.len as u16;
        self.slots_used = self.slots_used.max(i + 1);
        (self.start + self.len) as u32
    }
}

impl Fields for TableFields<'_> {
    #[inline(always)]
    fn push_slot<X: Scalar>(&mut self, slot: VOffsetT, x: X, default: X) {
        if x != default {
            self.push_slot_always(slot, x);
        }
    }

    #[inline(always)]
    fn push_slot_always<X: Scalar>(&mut self, slot: VOffsetT, x: X) {
        let at = self.claim(X::SIZE, X::SIZE);
        x.write_le(&mut self.room[at..at + X::SIZE]);
        self.track(slot);
    }

    #[inline(always)]
    fn push_offset<T>(&mut self, slot: VOffsetT, o: WIPOffset<T>) {
        let at = self.claim(4, 4);
        let rev = self.track(slot);
        self.room[at..at + 4].copy_from_slice(&(rev - o.value()).to_le_bytes());
    }
}

impl<'f> Sink<'f> for Writer {
    type Fields<'a> = TableFields<'a>;

    fn reset(&mut self) {
        self.out.head = self.out.buf.len();
        self.out.min_align = 4;
        self.vtables.clear();
        self.finished = false;
    }

    #[inline]
    fn create_string(&mut self, s: &str) -> WIPOffset<&'f str> {
        WIPOffset::new(self.out.put_prefixed(s.as_bytes(), 1))
    }

    #[inline]
    fn create_bytes(&mut self, b: &[u8]) -> WIPOffset<Vector<'f, u8>> {
        WIPOffset::new(self.out.put_byte_vector(b))
    }

    fn create_cbor_list(&mut self, items: &[Value]) -> WIPOffset<Vector<'f, u8>> {
        self.put_cbor(|buf, pos| cbor::write_list(buf, pos, items))
    }

    fn create_cbor_map(&mut self, map: &Dict) -> WIPOffset<Vector<'f, u8>> {
        self.put_cbor(|buf, pos| cbor::write_map(buf, pos, map))
    }

    #[inline]
    fn create_encoded(&mut self, encode: impl FnOnce(&mut Vec<u8>)) -> WIPOffset<Vector<'f, u8>> {
        self.scratch.clear();
        encode(&mut self.scratch);
        WIPOffset::new(self.out.put_byte_vector(&self.scratch))
    }

    fn create_u64s(
        &mut self,
        items: impl ExactSizeIterator<Item = u64> + DoubleEndedIterator,
    ) -> WIPOffset<Vector<'f, u64>> {
        self.out.claim(items.len() * 8, 8, 0);
        let mut n = 0u32;
        for v in items.rev() {
            self.out.put(&v.to_le_bytes());
            n += 1;
        }
        WIPOffset::new(self.out.put_scalar(n))
    }

    fn create_offsets<T>(
        &mut self,
        items: &[WIPOffset<T>],
    ) -> WIPOffset<Vector<'f, ForwardsUOffset<T>>> {
        self.out.claim(items.len() * 4, 4, 0);
        for o in items.iter().rev() {
            self.out.put_uoffset(o.value());
        }
        WIPOffset::new(self.out.put_scalar(items.len() as u32))
    }

    /// [`Sink::table`] with the pushes into a [`TableFields`] over room reserved for the
    /// largest table, so that they have no capacity to check and no state to reload.
    #[inline(always)]
    fn table(
        &mut self,
        fields: impl FnOnce(&mut TableFields<'_>),
    ) -> WIPOffset<TableFinishedWIPOffset> {
        if self.out.head < TABLE_ROOM {
            self.out.grow(TABLE_ROOM);
        }
        let head = self.out.head;
        // the room in front of `head`, and the message so far, which the vtable may share one of
        let (front, written) = self.out.buf.split_at_mut(head);
        let room = front.last_chunk_mut().expect("room reserved");
        let start = written.len();
        let mut t = TableFields {
            room,
            len: 0,
            start,
            slots: &mut self.slots.0,
            slots_used: 0,
            min_align: self.out.min_align,
        };
        fields(&mut t);
        let TableFields {
            room,
            len,
            slots,
            slots_used: n,
            min_align,
            ..
        } = t;
        // the soffset, 4-aligned, then the vtable in front of it
        let pad = (start + len + 4).wrapping_neg() & 3;
        room[TABLE_ROOM - len - SLACK..TABLE_ROOM - len].copy_from_slice(&[0; SLACK]);
        let len = len + pad + 4;
        let table = (start + len) as u32;
        let at = TABLE_ROOM - len;
        let vtable_len = 4 + 2 * n;
        // the entries, each the field's distance from the table start or 0 for a field not
        // pushed, eight at a time from the last: a chunk is one vector operation, and the
        // entries it has before the first (slots below `CHUNK`, all 0) land on the header and
        // the free space in front, which later writes zero where they need
        let size = len as u16;
        let mut k = n;
        let mut end = at;
        while k > 0 {
            let src: &mut [u16; CHUNK] = (&mut slots[k..k + CHUNK]).try_into().expect("a chunk");
            let mut entries = [0; 2 * CHUNK];
            for (entry, &x) in entries.chunks_exact_mut(2).zip(src.iter()) {
                let off = if x == 0 { 0 } else { size - x };
                entry.copy_from_slice(&off.to_le_bytes());
            }
            room[end - 2 * CHUNK..end].copy_from_slice(&entries);
            *src = [0; CHUNK];
            k = k.saturating_sub(CHUNK);
            end -= 2 * CHUNK;
        }
        let header = (vtable_len as u32 | (len as u32) << 16).to_le_bytes();
        room[at - vtable_len..at - vtable_len + 4].copy_from_slice(&header);
        let vtable = &room[at - vtable_len..at];
        let (vtable_rev, used) = match shared_vtable(written, &self.vtables, vtable) {
            // the copy just written is dropped
            Some(rev) => (rev, len),
            None => {
                let rev = table + vtable_len as u32;
                self.vtables.push(rev);
                (rev, len + vtable_len)
            }
        };
        let soffset = vtable_rev as i32 - table as i32;
        room[at..at + 4].copy_from_slice(&soffset.to_le_bytes());
        self.out.head = head - used;
        self.out.min_align = min_align;
        WIPOffset::new(table)
    }

    /// [`Sink::finish_message`] with the layout worked out here rather than through the
    /// general table machinery (`FlatBufferBuilder`'s sequence, above): the same bytes, sized
    /// first and written in one claim.
    fn finish_message(&mut self, tag: u8, table: WIPOffset<TableFinishedWIPOffset>) {
        let start = self.out.used();
        let tag_len = usize::from(tag != 0);
        // From the end: the tag byte (absent when 0, the default), padding so that the uoffset
        // to `table` is 4-aligned, the uoffset, the soffset to the vtable; then the vtable
        // (unless an identical one is shared), padding to the largest alignment used and the
        // root offset. All reverse positions, as flatbuffers counts them.
        let pad = (start + tag_len + 4).wrapping_neg() & 3;
        let uoffset_rev = start + tag_len + pad + 4;
        let table_rev = uoffset_rev + 4;
        let tag_entry = if tag == 0 { 0 } else { table_rev - start - 1 };
        let vtable: [u8; 8] = {
            let [a, b] = 8u16.to_le_bytes();
            let [c, d] = ((table_rev - start) as u16).to_le_bytes();
            let [e, f] = (tag_entry as u16).to_le_bytes();
            let [g, h] = 4u16.to_le_bytes();
            [a, b, c, d, e, f, g, h]
        };
        let shared = shared_vtable(&self.out.buf, &self.vtables, &vtable).map(|rev| rev as usize);
        let vtable_len = if shared.is_some() { 0 } else { 8 };
        let vtable_rev = shared.unwrap_or(table_rev + 8);
        let root_pad = (table_rev + vtable_len + 4).wrapping_neg() & (self.out.min_align - 1);
        let used = table_rev + vtable_len + root_pad + 4;
        let at = self.out.claim_unaligned(used - start);
        let dst = &mut self.out.buf[at..at + used - start];
        // `dst` runs from the root offset (reverse position `used`) to `start`. The padding is
        // written by fixed-size stores that later stores partly overwrite: eight zeros at the
        // front for the root offset's (at most 7 bytes), and the tag after up to three bytes
        // of padding as the last four bytes.
        let n = dst.len();
        dst[..8].copy_from_slice(&[0; 8]);
        dst[n - 4..].copy_from_slice(&[0, 0, 0, tag]);
        let at = |rev: usize| used - rev;
        let uoffset = (uoffset_rev as u32 - table.value()).to_le_bytes();
        dst[at(uoffset_rev)..at(uoffset_rev - 4)].copy_from_slice(&uoffset);
        let soffset = vtable_rev as i32 - table_rev as i32;
        dst[at(table_rev)..at(uoffset_rev)].copy_from_slice(&soffset.to_le_bytes());
        if shared.is_none() {
            dst[at(table_rev + 8)..at(table_rev)].copy_from_slice(&vtable);
        }
        dst[..4].copy_from_slice(&((used - table_rev) as u32).to_le_bytes());
        self.vtables.clear();
        self.finished = true;
    }

    fn finished_data(&self) -> &[u8] {
        Writer::finished_data(self)
    }
}

#[cfg(test)]
mod tests {
    use super::{Fields, Sink, Writer, MAX_SLOTS};
    use flatbuffers::{FlatBufferBuilder, VOffsetT};

    /// Two tables with the slots below `n` (every fifth left out, and a `u8` default elided),
    /// pushed in slot order or the reverse, each kind of field in turn; the second table shares
    /// the first's vtable. Then the `Message` wrapper around the second.
    fn tables<'f>(sink: &mut impl Sink<'f>, n: usize, reversed: bool) -> Vec<u8> {
        sink.reset();
        let s = sink.create_string("x");
        let mut table = None;
        for _ in 0..2 {
            table = Some(sink.table(|t| {
                for k in 0..n {
                    let i = if reversed { n - 1 - k } else { k };
                    let slot = (4 + 2 * i) as VOffsetT;
                    match i % 5 {
                        0 => t.push_slot::<u64>(slot, i as u64 + 1, 0),
                        1 => t.push_offset(slot, s),
                        2 => t.push_slot::<u8>(slot, (i % 3) as u8, 0),
                        3 => t.push_slot_always::<u16>(slot, i as u16),
                        _ => {}
                    }
                }
                t.push_slot_always::<bool>(4 + 2 * n as VOffsetT, true);
                t.push_slot::<u32>(6 + 2 * n as VOffsetT, 7, 0);
            }));
        }
        sink.finish_message(1, table.expect("two tables"));
        sink.finished_data().to_vec()
    }

    /// `Writer` works a vtable's entries out eight at a time: every length, through sinks
    /// reused with stale bytes, gives `FlatBufferBuilder`'s bytes.
    #[test]
    fn vtables_of_every_length_are_flatbuffer_builders() {
        let mut fbb = FlatBufferBuilder::new();
        let mut writer = Writer::new();
        for n in (0..=MAX_SLOTS - 2).chain((0..=MAX_SLOTS - 2).rev()) {
            for reversed in [false, true] {
                assert_eq!(
                    tables(&mut writer, n, reversed),
                    tables(&mut fbb, n, reversed),
                    "{n} slots, reversed: {reversed}"
                );
            }
        }
    }

    /// `Writer` keeps a fixed table of slots: every field of the schema must have one.
    #[test]
    fn every_schema_field_has_a_slot() {
        let generated = include_str!(concat!(env!("OUT_DIR"), "/wamp_generated.rs"));
        let highest = generated
            .lines()
            .filter_map(|l| l.split("VOffsetT = ").nth(1))
            .filter_map(|v| v.trim_end_matches(';').parse::<usize>().ok())
            .max()
            .expect("the generated code has vtable offsets");
        assert!((highest - 4) / 2 < MAX_SLOTS, "voffset {highest}");
    }
}
