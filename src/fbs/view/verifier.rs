//! The verifier: one generic table walk driven by a per-table const field list.
//!
//! It makes every check flatc's generated verifier makes (`flatbuffers::root::<Message>` with
//! default [`VerifierOptions`](flatbuffers::VerifierOptions)), counting depth, tables and
//! apparent size the same way, and some more (see [`TableSpec`] and the module docs of
//! [`view`](super)).

use crate::error::{DecodeError, FieldRole, ValidationError};
use crate::messages::MessageType;
use crate::validate::{check_uri_str, is_valid_uri, UriRule, MAX_ID};

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
    /// against many offsets pointing at the same large string). Counted as flatc counts, except
    /// that each table's vtable and object are counted twice over at once (an upper bound of
    /// flatc's per-field count): never laxer than flatc, and far below the limit for any
    /// buffer within `max_buffer_size` at the default.
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
    /// A WAMP ID: a `uint64` in `0..=2^53`, as every serializer's parse requires.
    Id,
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
    /// The URI rule the key string is held to, as the message's `parse` holds it on every
    /// other serializer.
    pub(crate) key_rule: KeyRule,
}

/// The WAMP rule a message table's key string (see [`TableSpec::key`]) must meet.
#[derive(Clone, Copy)]
pub(crate) enum KeyRule {
    /// Not a URI the message's `parse` checks (EVENT's `topic` detail, INVOCATION's
    /// `procedure` detail, WELCOME's `realm`).
    None,
    /// A URI under `rule`, reported as a field of `role`. When the key is absent: an error
    /// unless `absent_ok` (an absent field reads as the empty string, which no rule accepts,
    /// so a JSON message with that string would be refused).
    Uri {
        rule: UriRule,
        role: FieldRole,
        absent_ok: bool,
    },
    /// REGISTER's `procedure`, under the rule its `match` field (slot 3) selects.
    ByMatch,
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
                            key_rule: KeyRule::None,
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
            key_rule: KeyRule::None,
        }
    }

    /// This spec, its key string held to `rule`.
    pub(crate) const fn key_rule(self, key_rule: KeyRule) -> TableSpec {
        assert!(self.key != usize::MAX, "a key rule for a table with no key");
        TableSpec { key_rule, ..self }
    }
}

/// An error on the way down, before it is given its location. Boxed, so that the verifier's
/// results fit in registers on the happy path.
pub(crate) struct Fail(Box<Failure>);

pub(crate) enum Failure {
    Syntax(String),
    Limit(&'static str, usize),
    /// A WAMP rule broken (an ID out of range, an invalid URI), located as `parse` locates it.
    Invalid(ValidationError),
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

    #[cold]
    fn invalid(e: ValidationError) -> Fail {
        Fail(Box::new(Failure::Invalid(e)))
    }

    /// Locates a failure in field `f` of message table `spec`: a broken WAMP rule as `parse`
    /// names it (`'request' in PUBLISH`), anything else as [`Fail::at`] does.
    #[cold]
    fn at_field(self, f: &'static Field, spec: &'static TableSpec) -> Fail {
        match *self.0 {
            Failure::Invalid(e) => {
                Fail::invalid(e.in_message(spec.name).at(f.name, FieldRole::Element))
            }
            other => Fail(Box::new(other)).at(f.name, spec.name),
        }
    }

    fn into_error(self) -> DecodeError {
        match *self.0 {
            Failure::Invalid(e) => DecodeError::Invalid(e),
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
    /// Bytes of the object graph, counted as flatc counts them or a little more (see `open`),
    /// so that nothing flatc rejects for its apparent size is accepted. Checked against its
    /// limit once a table is done rather than at every range: it only grows, and between two
    /// checks the work is bounded by the buffer.
    apparent: u64,
}

/// An opened table: its position, the entries of its vtable (the voffsets, past the vtable's
/// two header fields) and its object (`buf[pos..pos + object size]`). Both are slices that
/// `open` checked, so that reading a voffset or an inline field is one comparison with a slice
/// length, and that comparison is also the check that the entry or field is where it must be.
#[derive(Clone, Copy)]
struct Opened<'a> {
    pos: usize,
    entries: &'a [u8],
    object: &'a [u8],
}

impl Opened<'_> {
    /// How many slots the vtable has entries for.
    fn slots(&self) -> usize {
        self.entries.len() / 2
    }

    /// The voffset of `slot` (0: absent), or `None` past the end of the vtable.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn voffset(&self, slot: usize) -> Option<usize> {
        let entry = self.entries.get(2 * slot..2 * slot + 2)?;
        Some(usize::from(u16::from_le_bytes(entry.try_into().ok()?)))
    }

    /// The inline field at `voff` (non-zero), `N` bytes: it must lie inside the object, after
    /// the soffset, and be `N`-aligned in the buffer. Returns its position and its bytes.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn field<const N: usize>(&self, voff: usize, what: &str) -> R<(usize, [u8; N])> {
        let bytes = match self.object.get(voff..voff + N).map(<[u8; N]>::try_from) {
            Some(Ok(bytes)) if voff >= 4 => bytes,
            _ => return Err(field_outside(voff, self.object.len())),
        };
        let p = self.pos + voff;
        if !p.is_multiple_of(N) {
            return Err(misaligned(what, p, N));
        }
        Ok((p, bytes))
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
fn bad_vtable_offset(pos: usize, so: i64) -> Fail {
    Fail::syntax(format!(
        "table at {pos}: vtable offset {so} points before the buffer"
    ))
}

#[cold]
fn bad_vtable_len(pos: usize, vt_len: usize) -> Fail {
    Fail::syntax(format!("table at {pos}: invalid vtable length {vt_len}"))
}

#[cold]
fn bad_object_size(pos: usize, size: usize) -> Fail {
    Fail::syntax(format!("table at {pos}: object size {size} out of bounds"))
}

#[cold]
fn field_outside(off: usize, size: usize) -> Fail {
    Fail::syntax(format!(
        "field offset {off} outside the table's {size} bytes"
    ))
}

/// Holds a verified message table's key string to the table's [`KeyRule`].
#[cfg_attr(not(debug_assertions), inline(always))]
fn check_key(spec: &'static TableSpec, t: Opened<'_>, key: Option<&str>) -> R<()> {
    let (rule, role, absent_ok) = match spec.key_rule {
        KeyRule::None => return Ok(()),
        KeyRule::Uri {
            rule,
            role,
            absent_ok,
        } => (rule, role, absent_ok),
        KeyRule::ByMatch => {
            // `match` is a verified `uint8` when present; the owned REGISTER reads an unknown
            // value as exact, and so does this.
            let by_match = t
                .voffset(3)
                .and_then(|voff| t.field::<1>(voff, "u8").ok())
                .map_or(0, |(_, [m])| m);
            let rule = match by_match {
                1 => UriRule::PREFIX,
                2 => UriRule::WILDCARD,
                _ => UriRule::LOOSE,
            };
            (rule, FieldRole::Element, false)
        }
    };
    match key {
        None if absent_ok => Ok(()),
        // Writers, autobahn's and the crate's, leave an empty string out (`if x:`), so an absent
        // key is the empty URI: valid where the rule allows it (REGISTER `prefix`, SUBSCRIBE).
        uri => {
            let uri = uri.unwrap_or("");
            if is_valid_uri(uri, rule) {
                Ok(())
            } else {
                Err(bad_key(spec, uri, rule, role))
            }
        }
    }
}

#[cold]
fn bad_id(id: u64) -> Fail {
    Fail::invalid(ValidationError::protocol(format!(
        "invalid value {id} for ID"
    )))
}

#[cold]
fn bad_key(spec: &'static TableSpec, uri: &str, rule: UriRule, role: FieldRole) -> Fail {
    let e = check_uri_str(uri, rule)
        .err()
        .unwrap_or_else(|| ValidationError::invalid_uri(format!("invalid value {uri:?} for URI")));
    Fail::invalid(e.in_message(spec.name).at(spec.fields[spec.key].name, role))
}

#[cold]
fn missing() -> Fail {
    Fail::syntax("missing required field".into())
}

#[cold]
fn not_utf8(pos: usize, e: core::str::Utf8Error) -> Fail {
    Fail::syntax(format!("string at {pos} is not UTF-8: {e}"))
}

#[cold]
fn no_nul(pos: usize) -> Fail {
    Fail::syntax(format!("string at {pos} lacks its NUL terminator"))
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

    /// The buffer from `pos` on: its first `N` bytes, which must be there and `N`-aligned, and
    /// the rest. (Not counted: the caller counts them with what it checks next.)
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn scalar<const N: usize>(&self, pos: usize, what: &str) -> R<(&'a [u8; N], &'a [u8])> {
        if !pos.is_multiple_of(N) {
            return Err(misaligned(what, pos, N));
        }
        // One range check, `pos + N <= len`, which the optimizer then knows, so that neither
        // the conversion nor the rest is checked again. `pos + N` wraps only when `pos` is far
        // out of bounds, and then `pos..end` is reversed, which `get` rejects too.
        let end = pos.wrapping_add(N);
        match (
            self.buf.get(pos..end).map(<&[u8; N]>::try_from),
            self.buf.get(end..),
        ) {
            (Some(Ok(bytes)), Some(rest)) => Ok((bytes, rest)),
            _ => Err(out_of_bounds(what, pos, N, self.buf.len())),
        }
    }

    /// Checks the uoffset at `pos` and returns where it points.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn uoffset(&mut self, pos: usize) -> R<usize> {
        let (off, _) = self.scalar::<4>(pos, "offset")?;
        self.count(4);
        Ok(pos + u32::from_le_bytes(*off) as usize)
    }

    /// A vector at `pos`: its length, then its elements of `elem` bytes, `elem`-aligned.
    /// Returns the first element's position, the length, and the buffer from the first element
    /// on (which holds the elements).
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn vector(&mut self, pos: usize, elem: usize, what: &str) -> R<(usize, usize, &'a [u8])> {
        let (len, rest) = self.scalar::<4>(pos, "vector length")?;
        let len = u32::from_le_bytes(*len) as usize;
        let start = pos + 4;
        if !start.is_multiple_of(elem) {
            return Err(misaligned(what, start, elem));
        }
        let size = len.saturating_mul(elem);
        if size > rest.len() {
            return Err(out_of_bounds(what, start, size, self.buf.len()));
        }
        self.count(4 + size);
        Ok((start, len, rest))
    }

    /// A string at `pos`: a vector of bytes, UTF-8, followed by a NUL.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn string(&mut self, pos: usize) -> R<&'a str> {
        let (_, len, rest) = self.vector(pos, 1, "string")?;
        // `vector` checked that `rest` holds the `len` bytes
        let (bytes, after) = rest.split_at_checked(len).unwrap_or_default();
        let s = self.utf8(pos, bytes)?;
        if after.first() != Some(&0) {
            return Err(no_nul(pos));
        }
        Ok(s)
    }

    /// `bytes`, the characters of the string at `pos` (`buf[pos + 4..]`, after the length), as
    /// a `&str`: an error if they are not UTF-8.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn utf8(&self, pos: usize, bytes: &'a [u8]) -> R<&'a str> {
        // `str::from_utf8` checks ASCII 16 bytes at a time, but only from an 8-aligned address:
        // before it, and for the last 15 bytes or fewer, it goes byte by byte, at 5 to 12
        // instructions a byte. A string's characters follow its 4-aligned length, so in an
        // 8-aligned buffer about half of all strings start 4 bytes off, where an 18-byte topic
        // costs 150 instructions rather than 55. For those, check the length's bytes and the
        // characters together, from the aligned address, and cut the length off: if that is
        // UTF-8 and the cut is at a char boundary (`str::get` checks; it is whenever the
        // length's last byte is below 0x80, which it is in any buffer under 2 GiB), what follows
        // the cut is UTF-8 too, and it is `bytes`. The length's bytes are ASCII for any length
        // below 128 and most others; when they are not UTF-8, that check fails within them, and
        // the characters are checked alone, as they are when one of them is not UTF-8, so that
        // an error's index is the string's.
        if bytes.as_ptr().addr() % 8 == 4 {
            if let Some(Ok(with_len)) = self
                .buf
                .get(pos..pos + 4 + bytes.len())
                .map(core::str::from_utf8)
            {
                if let Some(s) = with_len.get(4..) {
                    return Ok(s);
                }
            }
        }
        core::str::from_utf8(bytes).map_err(|e| not_utf8(pos, e))
    }

    /// Opens the table at `pos`, checking its soffset, vtable and object size, and counts it
    /// towards the table and depth limits.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn open(&mut self, pos: usize) -> R<Opened<'a>> {
        let (so, _) = self.scalar::<4>(pos, "table")?;
        let so = i64::from(i32::from_le_bytes(*so));
        let Ok(vt) = usize::try_from(pos as i64 - so) else {
            return Err(bad_vtable_offset(pos, so));
        };
        // (past the end of the buffer: `scalar` says so)
        let (vt_len, _) = self.scalar::<2>(vt, "vtable")?;
        let vt_len = usize::from(u16::from_le_bytes(*vt_len));
        if !vt_len.is_multiple_of(2) || vt_len < 4 {
            return Err(bad_vtable_len(pos, vt_len));
        }
        let vtable = match self.buf.get(vt..).and_then(|b| b.get(..vt_len)) {
            Some(vtable) => vtable,
            None => return Err(out_of_bounds("vtable", vt, vt_len, self.buf.len())),
        };
        // at least 4 bytes, checked above
        let (header, entries) = vtable.split_at_checked(4).unwrap_or_default();
        let size = match header {
            &[_, _, lo, hi] => usize::from(u16::from_le_bytes([lo, hi])),
            _ => 0,
        };
        let object = match self.buf.get(pos..) {
            Some(b) if size >= 4 => b.get(..size),
            _ => None,
        };
        let Some(object) = object else {
            return Err(bad_object_size(pos, size));
        };
        // The soffset, the vtable's length, the vtable; and, as flatc also counts each vtable
        // entry it reads (2 bytes per schema field the vtable covers) and each inline field, at
        // most the vtable and the object again, counted here at once rather than field by field.
        self.count(4 + 2 + vt_len + vt_len + size);
        self.tables += 1;
        if self.tables > self.opts.max_tables {
            return Err(Fail::limit("tables", self.opts.max_tables));
        }
        self.depth += 1;
        if self.depth > self.opts.max_depth {
            return Err(Fail::limit("depth", self.opts.max_depth));
        }
        Ok(Opened {
            pos,
            entries,
            object,
        })
    }

    /// Verifies the table at `pos` against `spec` (nested tables: `Principal`, the roles and
    /// features, `Map`). Returns the table's key string ([`TableSpec::key`]), if it has one.
    fn table(&mut self, pos: usize, spec: &'static TableSpec) -> R<Option<&'a str>> {
        let t = self.open(pos)?;
        let mut key = None;
        for (slot, f) in spec.fields.iter().enumerate() {
            let Some(voff) = t.voffset(slot) else { break };
            self.slot(t, spec, f, slot, voff, &mut key)?;
        }
        self.close(spec, t)?;
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
        let mut key = None;
        macro_rules! slots {
            ($($slot:literal)*) => {
                'slots: {$(
                    // past the schema's fields (known at compile time) or the vtable's end
                    let Some(f) = spec.fields.get($slot) else { break 'slots };
                    let Some(voff) = t.voffset($slot) else { break 'slots };
                    self.slot(t, spec, f, $slot, voff, &mut key)?;
                )*}
            };
        }
        // as many as `MAX_FIELDS`
        slots!(0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31);
        self.close(spec, t)?;
        check_key(spec, t, key)?;
        Ok(key)
    }

    /// Field `f` in slot `slot` of opened table `t`, at `voff`: absent (an error if required)
    /// or present and verified; the key string is kept in `key`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn slot(
        &mut self,
        t: Opened<'a>,
        spec: &'static TableSpec,
        f: &'static Field,
        slot: usize,
        voff: usize,
        key: &mut Option<&'a str>,
    ) -> R<()> {
        if voff == 0 {
            if f.required {
                return Err(missing().at(f.name, spec.name));
            }
            return Ok(());
        }
        let s = self
            .field(t, voff, f.kind)
            .map_err(|e| e.at_field(f, spec))?;
        if slot == spec.key {
            *key = s;
        }
        Ok(())
    }

    /// Ends table `t`: the `(required)` fields past the slots its vtable covers are missing;
    /// the apparent size is checked.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn close(&mut self, spec: &'static TableSpec, t: Opened<'_>) -> R<()> {
        let covered = spec.fields.len().min(t.slots());
        if covered < spec.required_end {
            if let Some(f) = spec.fields[covered..].iter().find(|f| f.required) {
                return Err(missing().at(f.name, spec.name));
            }
        }
        self.check_apparent()?;
        self.depth -= 1;
        Ok(())
    }

    /// Verifies one present field, at `voff` in `t`; a string field gives its `&str`.
    #[cfg_attr(not(debug_assertions), inline(always))]
    fn field(&mut self, t: Opened<'a>, voff: usize, kind: Kind) -> R<Option<&'a str>> {
        let (p, off) = match kind {
            Kind::Bool | Kind::U8 => return t.field::<1>(voff, "u8").map(|_| None),
            Kind::U16 => return t.field::<2>(voff, "u16").map(|_| None),
            Kind::U32 => return t.field::<4>(voff, "u32").map(|_| None),
            Kind::U64 => return t.field::<8>(voff, "u64").map(|_| None),
            Kind::Id => {
                let (_, bytes) = t.field::<8>(voff, "u64")?;
                let id = u64::from_le_bytes(bytes);
                if id > MAX_ID {
                    return Err(bad_id(id));
                }
                return Ok(None);
            }
            _ => t.field::<4>(voff, "offset")?,
        };
        let target = p + u32::from_le_bytes(off) as usize;
        match kind {
            Kind::Str => self.string(target).map(Some),
            Kind::Bytes => self.vector(target, 1, "[u8]").map(|_| None),
            Kind::U64Vec => self.vector(target, 8, "[u64]").map(|_| None),
            Kind::StrVec => {
                let (start, len, _) = self.vector(target, 4, "[string]")?;
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
                let (start, len, _) = self.vector(target, 4, "[table]")?;
                for i in 0..len {
                    let e = self.uoffset(start + 4 * i)?;
                    self.table(e, spec)
                        .map_err(|e| e.at(&format!("[{i}]"), "vector"))?;
                }
                Ok(None)
            }
            Kind::Bool | Kind::U8 | Kind::U16 | Kind::U32 | Kind::U64 | Kind::Id => Ok(None),
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
        // flatc's `visit_union` looks at the value, then the tag.
        let (tag_off, msg_off) = (t.voffset(0).unwrap_or(0), t.voffset(1).unwrap_or(0));
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
        let (v, off) = t
            .field::<4>(v, "offset")
            .map_err(|e| e.at("msg", "Message"))?;
        let (_, [tag]) = t
            .field::<1>(k, "u8")
            .map_err(|e| e.at("msg_type", "Message"))?;
        let mt = match expect {
            // the type the caller wants: one comparison
            Some(want) if tag == want.flatbuffers_tag() => want,
            _ => match MessageType::from_flatbuffers_tag(tag) {
                None => {
                    return Err(Fail::syntax(format!("unknown message type tag {tag}"))
                        .at("msg_type", "Message"))
                }
                Some(mt) => match expect {
                    Some(want) => {
                        return Err(Fail::syntax(format!(
                            "expected {}, the buffer holds {}",
                            want.name(),
                            mt.name()
                        )))
                    }
                    None => mt,
                },
            },
        };
        let target = v + u32::from_le_bytes(off) as usize;
        let key = verify_message(self, mt, target).map_err(|e| e.in_message(mt.name()))?;
        self.depth -= 1;
        Ok(Verified {
            message_type: mt,
            pos: target,
            key,
        })
    }
}
