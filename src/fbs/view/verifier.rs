//! The verifier: one generic table walk driven by a per-table const field list.
//!
//! It makes every check flatc's generated verifier makes (`flatbuffers::root::<Message>` with
//! default [`VerifierOptions`](flatbuffers::VerifierOptions)), counting depth, tables and
//! apparent size the same way, and some more (see [`TableSpec`] and the module docs of
//! [`view`](super)).

use super::reader::{i32_at, u16_at, u32_at, u8_at};
use crate::error::DecodeError;
use crate::messages::MessageType;

const FORMAT: &str = "flatbuffers";

/// Bounds on what [`cast`](crate::Publish::cast) accepts, like flatbuffers' `VerifierOptions`
/// plus a bound on the buffer itself. Exceeding one is a [`DecodeError::Limit`] naming it
/// (`depth`, `tables`, `apparent size`, `size`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifierOptions {
    /// The deepest nesting of tables (the root `Message` is depth 1, the message table 2).
    pub max_depth: usize,
    /// The most tables visited (each visit counts, so shared tables count each time).
    pub max_tables: usize,
    /// The most bytes the verified object graph covers, counting each reference again (a guard
    /// against many offsets pointing at the same large string).
    pub max_apparent_size: usize,
    /// The largest buffer accepted, in bytes (at most `i32::MAX`, FlatBuffers' own bound).
    pub max_buffer_size: usize,
}

impl VerifierOptions {
    /// flatbuffers' defaults (depth 64, a million tables, 2 GiB apparent size) and 16 MiB
    /// buffers, the crate's default message size ([`Limits`](crate::serializer::Limits)).
    pub const DEFAULT: VerifierOptions = VerifierOptions {
        max_depth: 64,
        max_tables: 1_000_000,
        max_apparent_size: 1 << 31,
        max_buffer_size: 16 << 20,
    };
}

impl Default for VerifierOptions {
    fn default() -> VerifierOptions {
        VerifierOptions::DEFAULT
    }
}

/// What a vtable slot holds.
#[derive(Clone, Copy)]
pub(crate) enum Kind {
    /// `bool` (1 byte).
    Bool,
    /// `uint8` or a `uint8` enum.
    U8,
    /// `uint16` or a `uint16` enum.
    U16,
    /// `uint32`.
    U32,
    /// `uint64` (8-aligned).
    U64,
    /// `string`: UTF-8, NUL-terminated.
    Str,
    /// `[uint8]` (or a vector of a `uint8` enum): bounds only.
    Bytes,
    /// `[uint64]`: 8-aligned elements.
    U64Vec,
    /// `[string]`: each element verified.
    StrVec,
    /// A table.
    Table(&'static TableSpec),
    /// `[Table]`: each element verified.
    TableVec(&'static TableSpec),
}

/// One vtable slot of a table: its schema name and kind.
#[derive(Clone, Copy)]
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) kind: Kind,
    pub(crate) required: bool,
}

impl Field {
    /// An optional field.
    pub(crate) const fn opt(name: &'static str, kind: Kind) -> Field {
        Field {
            name,
            kind,
            required: false,
        }
    }

    /// A `(required)` field.
    pub(crate) const fn req(name: &'static str, kind: Kind) -> Field {
        Field {
            name,
            kind,
            required: true,
        }
    }
}

/// A table of the schema: its name (the WAMP name for messages) and its fields by slot
/// (slot `i` has voffset `4 + 2 * i`). Adding a trailing field to the schema is one line here.
pub(crate) struct TableSpec {
    pub(crate) name: &'static str,
    pub(crate) fields: &'static [Field],
    /// The slot of the table's key string, its first string named as a message's URI is
    /// (`topic`, `procedure`, `error`, `reason`, `realm`): `cast` hands the `&str` it validated
    /// to the view, so that reading the URI a router routes on does not check its UTF-8 again.
    /// `usize::MAX` when there is none.
    pub(crate) key: usize,
    /// One past the last `(required)` field's slot (0 when none): a vtable covering this many
    /// slots has had every required field looked at.
    pub(crate) required_end: usize,
}

/// The most fields a table may have (`Verifier::message_table` writes out this many slots).
const MAX_FIELDS: usize = 32;

/// The names of the fields that hold a message's URI (see [`TableSpec::key`]).
const KEY_NAMES: [&str; 5] = ["topic", "procedure", "error", "reason", "realm"];

const fn str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

impl TableSpec {
    pub(crate) const fn new(name: &'static str, fields: &'static [Field]) -> TableSpec {
        // `Verifier::message_table` visits this many slots at most.
        assert!(
            fields.len() <= MAX_FIELDS,
            "a table has more fields than MAX_FIELDS"
        );
        let mut required_end = 0;
        let mut slot = 0;
        while slot < fields.len() {
            if fields[slot].required {
                required_end = slot + 1;
            }
            slot += 1;
        }
        let mut slot = 0;
        while slot < fields.len() {
            if matches!(fields[slot].kind, Kind::Str) {
                let mut k = 0;
                while k < KEY_NAMES.len() {
                    if str_eq(fields[slot].name, KEY_NAMES[k]) {
                        return TableSpec {
                            name,
                            fields,
                            key: slot,
                            required_end,
                        };
                    }
                    k += 1;
                }
            }
            slot += 1;
        }
        TableSpec {
            name,
            fields,
            key: usize::MAX,
            required_end,
        }
    }
}

/// An error on the way down, before it is given its location. Boxed, so that the verifier's
/// results fit in registers on the happy path.
pub(crate) struct Fail(Box<Failure>);

pub(crate) enum Failure {
    Syntax(String),
    Limit(&'static str, usize),
}

impl Fail {
    #[cold]
    fn syntax(reason: String) -> Fail {
        Fail(Box::new(Failure::Syntax(reason)))
    }

    #[cold]
    fn limit(limit: &'static str, max: usize) -> Fail {
        Fail(Box::new(Failure::Limit(limit, max)))
    }

    /// Prefixes the location: `'topic' in PUBLISH: ...`.
    #[cold]
    fn at(self, field: &str, table: &str) -> Fail {
        match *self.0 {
            Failure::Syntax(r) => Fail::syntax(format!("'{field}' in {table}: {r}")),
            limit => Fail(Box::new(limit)),
        }
    }

    /// Prefixes the message name to a reason that has no field yet.
    #[cold]
    fn in_message(self, name: &str) -> Fail {
        match *self.0 {
            Failure::Syntax(r) if !r.starts_with('\'') => Fail::syntax(format!("{name}: {r}")),
            other => Fail(Box::new(other)),
        }
    }

    fn into_error(self) -> DecodeError {
        match *self.0 {
            Failure::Syntax(reason) => DecodeError::syntax(FORMAT, reason),
            Failure::Limit(limit, max) => DecodeError::Limit {
                format: FORMAT,
                limit,
                max,
            },
        }
    }
}

pub(crate) type R<T> = core::result::Result<T, Fail>;

pub(crate) struct Verifier<'a> {
    buf: &'a [u8],
    opts: VerifierOptions,
    depth: usize,
    tables: usize,
    /// Bytes of the object graph, counted as flatc counts them. Checked against its limit once
    /// a table is done rather than at every range: it only grows, and between two checks the
    /// work is bounded by the buffer, so what is accepted is the same.
    apparent: u64,
}

/// An opened table: its position, its vtable (bounds-checked once, so entries read without
/// further checks) and its object size (checked to lie in the buffer).
#[derive(Clone, Copy)]
struct Opened<'a> {
    pos: usize,
    vtable: &'a [u8],
    size: usize,
}

impl Opened<'_> {
    /// How many slots the vtable has entries for.
    fn slots(&self) -> usize {
        (self.vtable.len() - 4) / 2
    }

    /// The voffset of `slot`; 0 (absent) past the end of the vtable.
    fn voffset(&self, slot: usize) -> usize {
        let i = 4 + 2 * slot;
        match self.vtable.get(i..i + 2) {
            Some(&[lo, hi]) => usize::from(u16::from_le_bytes([lo, hi])),
            _ => 0,
        }
    }
}

// The failures, built out of line: the checks on the way are plain comparisons.
#[cold]
fn misaligned(what: &str, pos: usize, align: usize) -> Fail {
    Fail::syntax(format!("{what} at {pos} is not {align}-aligned"))
}

#[cold]
fn out_of_bounds(what: &str, pos: usize, size: usize, len: usize) -> Fail {
    let end = pos.saturating_add(size);
    Fail::syntax(format!(
        "{what} at {pos}..{end} is out of bounds (buffer of {len} bytes)"
    ))
}

#[cold]
fn bad_table(pos: usize, reason: String) -> Fail {
    Fail::syntax(format!("table at {pos}: {reason}"))
}

#[cold]
fn field_outside(off: usize, size: usize) -> Fail {
    Fail::syntax(format!(
        "field offset {off} outside the table's {size} bytes"
    ))
}

#[cold]
fn missing() -> Fail {
    Fail::syntax("missing required field".into())
}

impl<'a> Verifier<'a> {
    /// Counts `size` more bytes of apparent size, as flatc does for every range it checks.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn count(&mut self, size: usize) {
        self.apparent += size as u64;
    }

    /// The apparent size so far is within its limit.
    fn check_apparent(&self) -> R<()> {
        if self.apparent > self.opts.max_apparent_size as u64 {
            return Err(Fail::limit("apparent size", self.opts.max_apparent_size));
        }
        Ok(())
    }

    /// `pos..pos + size` lies in the buffer; counts towards the apparent size.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn range(&mut self, pos: usize, size: usize, what: &str) -> R<()> {
        let len = self.buf.len();
        if pos > len || size > len - pos {
            return Err(out_of_bounds(what, pos, size, len));
        }
        self.count(size);
        Ok(())
    }

    /// An aligned scalar of `size` bytes at `pos`, in the buffer.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn in_buffer(&mut self, pos: usize, size: usize, what: &str) -> R<()> {
        if pos % size != 0 {
            return Err(misaligned(what, pos, size));
        }
        self.range(pos, size, what)
    }

    /// The `u32` at `pos`, which the caller has checked to lie in the buffer.
    #[inline]
    fn u32_at(&self, pos: usize) -> usize {
        u32_at(self.buf, pos).unwrap_or(0) as usize
    }

    /// Checks the uoffset at `pos` and returns where it points.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn uoffset(&mut self, pos: usize) -> R<usize> {
        self.in_buffer(pos, 4, "offset")?;
        Ok(pos + self.u32_at(pos))
    }

    /// A vector header at `pos` and its elements: returns (first element, length).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn vector(&mut self, pos: usize, elem: usize, what: &str) -> R<(usize, usize)> {
        self.in_buffer(pos, 4, "vector length")?;
        let len = self.u32_at(pos);
        let start = pos + 4;
        if start % elem != 0 {
            return Err(misaligned(what, start, elem));
        }
        self.range(start, len.saturating_mul(elem), what)?;
        Ok((start, len))
    }

    #[cfg_attr(not(debug_assertions), inline(always))]
    fn string(&mut self, pos: usize) -> R<&'a str> {
        let (start, len) = self.vector(pos, 1, "string")?;
        let end = start + len;
        let bytes = self.buf.get(start..end).unwrap_or_default();
        let s = match core::str::from_utf8(bytes) {
            Ok(s) => s,
            Err(e) => return Err(Fail::syntax(format!("string at {pos} is not UTF-8: {e}"))),
        };
        if self.buf.get(end) != Some(&0) {
            return Err(Fail::syntax(format!(
                "string at {pos} lacks its NUL terminator"
            )));
        }
        Ok(s)
    }

    /// Opens the table at `pos`, checking its soffset, vtable and object size, and counts it
    /// towards the table and depth limits.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn open(&mut self, pos: usize) -> R<Opened<'a>> {
        self.in_buffer(pos, 4, "table")?;
        let so = i64::from(i32_at(self.buf, pos).unwrap_or(0));
        let vt = usize::try_from(pos as i64 - so)
            .ok()
            .filter(|&vt| vt < self.buf.len())
            .ok_or_else(|| bad_table(pos, format!("vtable offset {so} points out of bounds")))?;
        self.in_buffer(vt, 2, "vtable")?;
        let vt_len = usize::from(u16_at(self.buf, vt).unwrap_or(0));
        if vt_len % 2 != 0 || vt_len < 4 {
            return Err(bad_table(pos, format!("invalid vtable length {vt_len}")));
        }
        self.range(vt, vt_len, "vtable")?;
        let vtable = self.buf.get(vt..vt + vt_len).unwrap_or_default();
        let size = usize::from(u16_at(vtable, 2).unwrap_or(0));
        if size < 4 || size > self.buf.len() - pos {
            return Err(bad_table(pos, format!("object size {size} out of bounds")));
        }
        self.tables += 1;
        if self.tables > self.opts.max_tables {
            return Err(Fail::limit("tables", self.opts.max_tables));
        }
        self.depth += 1;
        if self.depth > self.opts.max_depth {
            return Err(Fail::limit("depth", self.opts.max_depth));
        }
        Ok(Opened { pos, vtable, size })
    }

    /// The position of the field at `voff` (non-zero) of an opened table, checked to lie inside
    /// the object, aligned, and counted.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn field_pos(&mut self, t: Opened<'_>, voff: usize, inline: usize, what: &str) -> R<usize> {
        if voff < 4 || voff + inline > t.size {
            return Err(field_outside(voff, t.size));
        }
        let p = t.pos + voff;
        if p % inline != 0 {
            return Err(misaligned(what, p, inline));
        }
        self.count(inline);
        Ok(p)
    }

    /// Verifies the table at `pos` against `spec` (nested tables: `Principal`, the roles and
    /// features, `Map`). Returns the table's key string ([`TableSpec::key`]), if it has one.
    fn table(&mut self, pos: usize, spec: &'static TableSpec) -> R<Option<&'a str>> {
        let t = self.open(pos)?;
        let covered = spec.fields.len().min(t.slots());
        // flatc reads (and counts) the vtable entry of each schema field the vtable covers.
        self.count(2 * covered);
        let mut key = None;
        for slot in 0..covered {
            self.slot(t, spec, slot, &mut key)?;
        }
        self.close(spec, covered)?;
        Ok(key)
    }

    /// [`table`](Self::table) for a message table: the same checks, with the slot loop written
    /// out for each of `spec`'s slots, so that when `spec` is a constant (one copy per message
    /// type, see `view.rs`) each slot's kind is known where it is checked.
    ///
    /// The verifier's steps are forced inline only in optimized builds: unoptimized code gives
    /// every inlined copy its own stack space.
    #[cfg_attr(not(debug_assertions), inline(always))]
    pub(crate) fn message_table(
        &mut self,
        pos: usize,
        spec: &'static TableSpec,
    ) -> R<Option<&'a str>> {
        let t = self.open(pos)?;
        let covered = spec.fields.len().min(t.slots());
        // flatc reads (and counts) the vtable entry of each schema field the vtable covers.
        self.count(2 * covered);
        let mut key = None;
        macro_rules! slots {
            ($($slot:literal)*) => {
                'slots: {$(
                    if $slot >= covered {
                        break 'slots;
                    }
                    self.slot(t, spec, $slot, &mut key)?;
                )*}
            };
        }
        // as many as `MAX_FIELDS`
        slots!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
        self.close(spec, covered)?;
        Ok(key)
    }

    /// Slot `slot` of opened table `t`: absent (an error if required) or present and verified;
    /// the key string is kept in `key`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn slot(
        &mut self,
        t: Opened<'a>,
        spec: &'static TableSpec,
        slot: usize,
        key: &mut Option<&'a str>,
    ) -> R<()> {
        let f = &spec.fields[slot];
        let voff = t.voffset(slot);
        if voff == 0 {
            if f.required {
                return Err(missing().at(f.name, spec.name));
            }
            return Ok(());
        }
        let s = self
            .field(t, voff, f.kind)
            .map_err(|e| e.at(f.name, spec.name))?;
        if slot == spec.key {
            *key = s;
        }
        Ok(())
    }

    /// Ends a table whose vtable covers `covered` slots: the `(required)` fields past them are
    /// missing; the apparent size is checked.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn close(&mut self, spec: &'static TableSpec, covered: usize) -> R<()> {
        if covered < spec.required_end {
            if let Some(f) = spec.fields[covered..].iter().find(|f| f.required) {
                return Err(missing().at(f.name, spec.name));
            }
        }
        self.check_apparent()?;
        self.depth -= 1;
        Ok(())
    }

    /// Verifies one present field; a string field gives its `&str`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn field(&mut self, t: Opened<'_>, voff: usize, kind: Kind) -> R<Option<&'a str>> {
        let p = match kind {
            Kind::Bool | Kind::U8 => return self.field_pos(t, voff, 1, "u8").map(|_| None),
            Kind::U16 => return self.field_pos(t, voff, 2, "u16").map(|_| None),
            Kind::U32 => return self.field_pos(t, voff, 4, "u32").map(|_| None),
            Kind::U64 => return self.field_pos(t, voff, 8, "u64").map(|_| None),
            _ => self.field_pos(t, voff, 4, "offset")?,
        };
        let target = p + self.u32_at(p);
        match kind {
            Kind::Str => self.string(target).map(Some),
            Kind::Bytes => self.vector(target, 1, "[u8]").map(|_| None),
            Kind::U64Vec => self.vector(target, 8, "[u64]").map(|_| None),
            Kind::StrVec => {
                let (start, len) = self.vector(target, 4, "[string]")?;
                for i in 0..len {
                    let s = self.uoffset(start + 4 * i)?;
                    self.string(s)
                        .map_err(|e| e.at(&format!("[{i}]"), "vector"))?;
                    // many elements may point at one long string: stop as soon as flatc would
                    self.check_apparent()?;
                }
                Ok(None)
            }
            Kind::Table(spec) => self.table(target, spec).map(|_| None),
            Kind::TableVec(spec) => {
                let (start, len) = self.vector(target, 4, "[table]")?;
                for i in 0..len {
                    let e = self.uoffset(start + 4 * i)?;
                    self.table(e, spec)
                        .map_err(|e| e.at(&format!("[{i}]"), "vector"))?;
                }
                Ok(None)
            }
            Kind::Bool | Kind::U8 | Kind::U16 | Kind::U32 | Kind::U64 => Ok(None),
        }
    }
}

/// A verified buffer: what `verify_root` found.
pub(crate) struct Verified<'a> {
    pub(crate) message_type: MessageType,
    /// The message table's position.
    pub(crate) pos: usize,
    /// The message's key string ([`TableSpec::key`]), if present.
    pub(crate) key: Option<&'a str>,
}

/// Verifies a whole buffer: the root `Message`, its union tag and the message table it points
/// at, per `spec_for`.
///
/// `expect` is the message type the caller wants (`Publish::cast`), checked before the message
/// table is; `verify_message` verifies the message table.
#[cfg_attr(not(debug_assertions), inline(always))]
pub(crate) fn verify_root<'a>(
    buf: &'a [u8],
    opts: &VerifierOptions,
    expect: Option<MessageType>,
    verify_message: impl FnOnce(&mut Verifier<'a>, MessageType, usize) -> R<Option<&'a str>>,
) -> Result<Verified<'a>, DecodeError> {
    let max = opts.max_buffer_size.min(i32::MAX as usize);
    if buf.len() > max {
        return Err(Fail::limit("size", max).into_error());
    }
    let mut v = Verifier {
        buf,
        opts: *opts,
        depth: 0,
        tables: 0,
        apparent: 0,
    };
    v.root(expect, verify_message).map_err(Fail::into_error)
}

impl<'a> Verifier<'a> {
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn root(
        &mut self,
        expect: Option<MessageType>,
        verify_message: impl FnOnce(&mut Verifier<'a>, MessageType, usize) -> R<Option<&'a str>>,
    ) -> R<Verified<'a>> {
        let root = self.uoffset(0).map_err(|e| e.at("root", "Message"))?;
        let t = self.open(root).map_err(|e| e.at("root", "Message"))?;
        // `Message` has two slots; flatc reads both vtable entries it covers.
        self.count(2 * t.slots().min(2));
        // flatc's `visit_union` looks at the value, then the tag.
        let (tag_off, msg_off) = (t.voffset(0), t.voffset(1));
        let (k, v) = match (tag_off, msg_off) {
            (0, 0) => return Err(missing().at("msg", "Message")),
            (0, _) | (_, 0) => {
                return Err(Fail::syntax(
                    "'msg_type' and 'msg' must be both present or both absent".into(),
                )
                .at("msg", "Message"))
            }
            (k, v) => (k, v),
        };
        let v = self
            .field_pos(t, v, 4, "offset")
            .map_err(|e| e.at("msg", "Message"))?;
        let k = self
            .field_pos(t, k, 1, "u8")
            .map_err(|e| e.at("msg_type", "Message"))?;
        let tag = u8_at(self.buf, k).unwrap_or(0);
        let Some(mt) = MessageType::from_flatbuffers_tag(tag) else {
            return Err(
                Fail::syntax(format!("unknown message type tag {tag}")).at("msg_type", "Message")
            );
        };
        if let Some(want) = expect.filter(|&want| want != mt) {
            return Err(Fail::syntax(format!(
                "expected {}, the buffer holds {}",
                want.name(),
                mt.name()
            )));
        }
        let target = v + self.u32_at(v);
        let key = verify_message(self, mt, target).map_err(|e| e.in_message(mt.name()))?;
        self.depth -= 1;
        Ok(Verified {
            message_type: mt,
            pos: target,
            key,
        })
    }
}
