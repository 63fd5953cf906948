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

impl Kind {
    /// The inline size of the field in its table.
    const fn inline_size(self) -> usize {
        match self {
            Kind::Bool | Kind::U8 => 1,
            Kind::U16 => 2,
            Kind::U64 => 8,
            _ => 4,
        }
    }
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
}

/// An error on the way down, before it is given its location.
enum Fail {
    Syntax(String),
    Limit(&'static str, usize),
}

impl Fail {
    /// Prefixes the location: `'topic' in PUBLISH: ...`.
    fn at(self, field: &str, table: &str) -> Fail {
        match self {
            Fail::Syntax(r) => Fail::Syntax(format!("'{field}' in {table}: {r}")),
            limit => limit,
        }
    }

    fn into_error(self) -> DecodeError {
        match self {
            Fail::Syntax(reason) => DecodeError::syntax(FORMAT, reason),
            Fail::Limit(limit, max) => DecodeError::Limit {
                format: FORMAT,
                limit,
                max,
            },
        }
    }
}

type R<T> = core::result::Result<T, Fail>;

struct Verifier<'a> {
    buf: &'a [u8],
    opts: &'a VerifierOptions,
    depth: usize,
    tables: usize,
    apparent: usize,
}

impl Verifier<'_> {
    fn aligned(&self, pos: usize, align: usize, what: &str) -> R<()> {
        if pos % align == 0 {
            Ok(())
        } else {
            Err(Fail::Syntax(format!(
                "{what} at {pos} is not {align}-aligned"
            )))
        }
    }

    /// `pos..pos + size` lies in the buffer; counts towards the apparent size.
    fn range(&mut self, pos: usize, size: usize, what: &str) -> R<()> {
        let end = pos.saturating_add(size);
        if end > self.buf.len() {
            return Err(Fail::Syntax(format!(
                "{what} at {pos}..{end} is out of bounds (buffer of {} bytes)",
                self.buf.len()
            )));
        }
        self.apparent = self.apparent.saturating_add(size);
        if self.apparent > self.opts.max_apparent_size {
            return Err(Fail::Limit("apparent size", self.opts.max_apparent_size));
        }
        Ok(())
    }

    fn in_buffer(&mut self, pos: usize, size: usize, what: &str) -> R<()> {
        self.aligned(pos, size, what)?;
        self.range(pos, size, what)
    }

    fn get_u16(&mut self, pos: usize, what: &str) -> R<u16> {
        self.in_buffer(pos, 2, what)?;
        Ok(u16_at(self.buf, pos).unwrap_or(0))
    }

    /// Checks the uoffset at `pos` and returns where it points.
    fn uoffset(&mut self, pos: usize) -> R<usize> {
        self.in_buffer(pos, 4, "offset")?;
        let off = u32_at(self.buf, pos).unwrap_or(0) as usize;
        Ok(pos.saturating_add(off))
    }

    /// A vector header at `pos` and its elements: returns (first element, length).
    fn vector(&mut self, pos: usize, elem: usize, what: &str) -> R<(usize, usize)> {
        self.in_buffer(pos, 4, "vector length")?;
        let len = u32_at(self.buf, pos).unwrap_or(0) as usize;
        let start = pos.saturating_add(4);
        self.aligned(start, elem, what)?;
        self.range(start, len.saturating_mul(elem), what)?;
        Ok((start, len))
    }

    fn string(&mut self, pos: usize) -> R<()> {
        let (start, len) = self.vector(pos, 1, "string")?;
        let end = start + len;
        let bytes = self.buf.get(start..end).unwrap_or_default();
        if let Err(e) = core::str::from_utf8(bytes) {
            return Err(Fail::Syntax(format!("string at {pos} is not UTF-8: {e}")));
        }
        if self.buf.get(end) != Some(&0) {
            return Err(Fail::Syntax(format!(
                "string at {pos} lacks its NUL terminator"
            )));
        }
        Ok(())
    }

    /// Opens the table at `pos`: returns (vtable position, vtable length, object size).
    fn open(&mut self, pos: usize) -> R<(usize, usize, usize)> {
        self.in_buffer(pos, 4, "table")?;
        let so = i32_at(self.buf, pos).unwrap_or(0);
        let vt = if so > 0 {
            pos.checked_sub(so.unsigned_abs() as usize)
        } else {
            pos.checked_add(so.unsigned_abs() as usize)
        };
        let vt = match vt {
            Some(v) if v < self.buf.len() => v,
            _ => {
                return Err(Fail::Syntax(format!(
                    "table at {pos}: vtable offset {so} points out of bounds"
                )))
            }
        };
        let vt_len = self.get_u16(vt, "vtable")? as usize;
        if vt_len % 2 != 0 || vt_len < 4 {
            return Err(Fail::Syntax(format!(
                "table at {pos}: invalid vtable length {vt_len}"
            )));
        }
        self.range(vt, vt_len, "vtable")?;
        let size = u16_at(self.buf, vt + 2).unwrap_or(0) as usize;
        if size < 4 || pos.saturating_add(size) > self.buf.len() {
            return Err(Fail::Syntax(format!(
                "table at {pos}: object size {size} out of bounds"
            )));
        }
        self.tables += 1;
        if self.tables > self.opts.max_tables {
            return Err(Fail::Limit("tables", self.opts.max_tables));
        }
        self.depth += 1;
        if self.depth > self.opts.max_depth {
            return Err(Fail::Limit("depth", self.opts.max_depth));
        }
        Ok((vt, vt_len, size))
    }

    /// The position of field `slot` of an opened table, checked to lie inside the object.
    fn slot(
        &mut self,
        t: (usize, usize, usize, usize),
        slot: usize,
        inline: usize,
    ) -> R<Option<usize>> {
        let (pos, vt, vt_len, size) = t;
        let voff = 4 + 2 * slot;
        if voff >= vt_len {
            return Ok(None);
        }
        let off = self.get_u16(vt + voff, "vtable entry")? as usize;
        if off == 0 {
            return Ok(None);
        }
        if off < 4 || off + inline > size {
            return Err(Fail::Syntax(format!(
                "field offset {off} outside the table's {size} bytes"
            )));
        }
        Ok(Some(pos.saturating_add(off)))
    }

    fn table(&mut self, pos: usize, spec: &'static TableSpec) -> R<()> {
        let (vt, vt_len, size) = self.open(pos)?;
        for (slot, f) in spec.fields.iter().enumerate() {
            self.field(pos, vt, vt_len, size, slot, f)
                .map_err(|e| e.at(f.name, spec.name))?;
        }
        self.depth -= 1;
        Ok(())
    }

    fn field(
        &mut self,
        pos: usize,
        vt: usize,
        vt_len: usize,
        size: usize,
        slot: usize,
        f: &Field,
    ) -> R<()> {
        let Some(p) = self.slot((pos, vt, vt_len, size), slot, f.kind.inline_size())? else {
            return if f.required {
                Err(Fail::Syntax("missing required field".into()))
            } else {
                Ok(())
            };
        };
        match f.kind {
            Kind::Bool | Kind::U8 => self.in_buffer(p, 1, "u8"),
            Kind::U16 => self.in_buffer(p, 2, "u16"),
            Kind::U32 => self.in_buffer(p, 4, "u32"),
            Kind::U64 => self.in_buffer(p, 8, "u64"),
            Kind::Str => {
                let t = self.uoffset(p)?;
                self.string(t)
            }
            Kind::Bytes => {
                let t = self.uoffset(p)?;
                self.vector(t, 1, "[u8]").map(drop)
            }
            Kind::U64Vec => {
                let t = self.uoffset(p)?;
                self.vector(t, 8, "[u64]").map(drop)
            }
            Kind::StrVec => {
                let t = self.uoffset(p)?;
                let (start, len) = self.vector(t, 4, "[string]")?;
                for i in 0..len {
                    let s = self.uoffset(start + 4 * i)?;
                    self.string(s)
                        .map_err(|e| e.at(&format!("[{i}]"), "vector"))?;
                }
                Ok(())
            }
            Kind::Table(spec) => {
                let t = self.uoffset(p)?;
                self.table(t, spec)
            }
            Kind::TableVec(spec) => {
                let t = self.uoffset(p)?;
                let (start, len) = self.vector(t, 4, "[table]")?;
                for i in 0..len {
                    let e = self.uoffset(start + 4 * i)?;
                    self.table(e, spec)
                        .map_err(|e| e.at(&format!("[{i}]"), "vector"))?;
                }
                Ok(())
            }
        }
    }
}

/// Verifies a whole buffer: the root `Message`, its union tag and the message table it points
/// at, per `spec_for`. Returns the message type and the message table's position.
pub(crate) fn verify_root(
    buf: &[u8],
    opts: &VerifierOptions,
    spec_for: fn(MessageType) -> &'static TableSpec,
) -> Result<(MessageType, usize), DecodeError> {
    let max = opts.max_buffer_size.min(i32::MAX as usize);
    if buf.len() > max {
        return Err(Fail::Limit("size", max).into_error());
    }
    let mut v = Verifier {
        buf,
        opts,
        depth: 0,
        tables: 0,
        apparent: 0,
    };
    v.root(spec_for).map_err(Fail::into_error)
}

impl Verifier<'_> {
    fn root(&mut self, spec_for: fn(MessageType) -> &'static TableSpec) -> R<(MessageType, usize)> {
        let root = self.uoffset(0).map_err(|e| e.at("root", "Message"))?;
        let (vt, vt_len, size) = self.open(root).map_err(|e| e.at("root", "Message"))?;
        let t = (root, vt, vt_len, size);
        // flatc's `visit_union` looks at the value, then the tag.
        let val = self.slot(t, 1, 4).map_err(|e| e.at("msg", "Message"))?;
        let key = self
            .slot(t, 0, 1)
            .map_err(|e| e.at("msg_type", "Message"))?;
        let (k, v) = match (key, val) {
            (Some(k), Some(v)) => (k, v),
            (None, None) => {
                return Err(Fail::Syntax("missing required field".into()).at("msg", "Message"))
            }
            _ => {
                return Err(Fail::Syntax(
                    "'msg_type' and 'msg' must be both present or both absent".into(),
                )
                .at("msg", "Message"))
            }
        };
        self.in_buffer(k, 1, "u8")
            .map_err(|e| e.at("msg_type", "Message"))?;
        let tag = u8_at(self.buf, k).unwrap_or(0);
        let Some(mt) = MessageType::from_flatbuffers_tag(tag) else {
            return Err(
                Fail::Syntax(format!("unknown message type tag {tag}")).at("msg_type", "Message")
            );
        };
        let spec = spec_for(mt);
        let target = self.uoffset(v).map_err(|e| e.at("msg", "Message"))?;
        self.table(target, spec).map_err(|e| match e {
            Fail::Syntax(r) if !r.starts_with('\'') => Fail::Syntax(format!("{}: {r}", spec.name)),
            e => e,
        })?;
        self.depth -= 1;
        Ok((mt, target))
    }
}
