//! The format-neutral reading and writing that the views, the validation of views and the
//! forwarding are written against, once for every serializer.
//!
//! * [`Item`]: one encoded value in a buffer (a JSON, MessagePack or CBOR element, or a
//!   [`Value`]), read in place. Each format's scanner checks a whole message first, so the
//!   accessors of an item it returns cannot fail on syntax: they answer `None` only for a value
//!   of another kind.
//! * [`Emit`]: a writer of one format, driven value by value; [`transcode`] walks an item of
//!   one format into a writer of another without building a [`Value`] tree.

use std::borrow::Cow;

use crate::value::Value;

/// What kind of value an item is (the variants of [`Value`], integers as one).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// `null` / `nil` / CBOR null (and CBOR undefined, which decodes to `null`).
    Null,
    /// A boolean.
    Bool,
    /// An integer, of either sign, within the `i64` and `u64` ranges.
    Int,
    /// A float.
    Float,
    /// A UTF-8 string.
    Str,
    /// A byte string (in JSON, a string starting with U+0000 holding base64).
    Bytes,
    /// A list.
    List,
    /// A map with string keys.
    Map,
}

impl Kind {
    /// The Python type name autobahn's errors use (`NoneType`, `bool`, `int`, `float`, `str`,
    /// `bytes`, `list`, `dict`): what [`Value::type_name`] says for a value of this kind.
    pub const fn type_name(self) -> &'static str {
        match self {
            Kind::Null => "NoneType",
            Kind::Bool => "bool",
            Kind::Int => "int",
            Kind::Float => "float",
            Kind::Str => "str",
            Kind::Bytes => "bytes",
            Kind::List => "list",
            Kind::Map => "dict",
        }
    }
}

/// One value in a checked buffer, read in place.
///
/// `'a` is the buffer's lifetime: strings and bytes are borrowed from it where the encoding
/// allows (a JSON string with escapes, or JSON's base64 bytes, are decoded into an owned
/// `Cow`). [`Item::map`] yields a repeated key each time it occurs; [`Item::get`] answers with
/// its last value, as the decoders keep it.
pub trait Item<'a>: Copy + Sized {
    /// The items of a list, in order.
    type List: Iterator<Item = Self> + Clone;
    /// The entries of a map, in order (a repeated key appears each time it occurs).
    type Map: Iterator<Item = (Cow<'a, str>, Self)> + Clone;

    /// The item's kind.
    fn kind(&self) -> Kind;
    /// The boolean, if the item is one.
    fn as_bool(&self) -> Option<bool>;
    /// The integer, if the item is one (never a boolean), widened to `i128` so that the whole
    /// `i64` and `u64` ranges fit.
    fn as_int(&self) -> Option<i128>;
    /// The float, if the item is one (not an integer).
    fn as_f64(&self) -> Option<f64>;
    /// The string, if the item is one.
    fn as_str(&self) -> Option<Cow<'a, str>>;
    /// The byte string, if the item is one.
    fn as_bytes(&self) -> Option<Cow<'a, [u8]>>;
    /// The list's items, if the item is a list.
    fn list(&self) -> Option<Self::List>;
    /// The map's entries, if the item is a map.
    fn map(&self) -> Option<Self::Map>;
    /// The item decoded into a [`Value`] (allocates: for payloads on demand, and for errors).
    fn to_value(&self) -> Value;

    /// Whether the item is `null`.
    fn is_null(&self) -> bool {
        self.kind() == Kind::Null
    }

    /// The number of items in a list or entries in a map (a repeated key counted each time).
    fn item_count(&self) -> Option<usize> {
        match self.kind() {
            Kind::List => self.list().map(Iterator::count),
            Kind::Map => self.map().map(Iterator::count),
            _ => None,
        }
    }

    /// The number of items in a list or entries in a map when the encoding says it without
    /// walking them (a MessagePack or CBOR head); `None` when it does not, or for another kind.
    fn len_hint(&self) -> Option<usize> {
        None
    }

    /// The value of `key` in a map: its last occurrence, as the decoders keep it.
    fn get(&self, key: &str) -> Option<Self> {
        self.map()?.filter(|(k, _)| k == key).map(|(_, v)| v).last()
    }
}

/// A writer of one format, driven value by value. Lists and maps announce their length first
/// (MessagePack and CBOR write it in the head); a map's entries are written as a key followed
/// by its value.
pub trait Emit {
    /// `null`.
    fn null(&mut self);
    /// A boolean.
    fn bool(&mut self, b: bool);
    /// An integer in the `i64` or `u64` range.
    fn int(&mut self, i: i128);
    /// A float.
    fn f64(&mut self, f: f64);
    /// A string.
    fn str(&mut self, s: &str);
    /// A byte string.
    fn bytes(&mut self, b: &[u8]);
    /// The head of a list of `len` items.
    fn begin_list(&mut self, len: usize);
    /// The end of the list begun last.
    fn end_list(&mut self);
    /// The head of a map of `len` entries.
    fn begin_map(&mut self, len: usize);
    /// The key of the next entry.
    fn key(&mut self, k: &str);
    /// The end of the map begun last.
    fn end_map(&mut self);
    /// A string given as its bytes, which are UTF-8: a string of a checked MessagePack or
    /// CBOR buffer, read in place. The crate's writers take the bytes as they are, where a
    /// `&str` would have cost checking them again. This provided method checks them and
    /// writes them with [`Emit::str`] (any byte sequence that is not UTF-8, which the crate
    /// never passes, as U+FFFD).
    fn utf8_str(&mut self, utf8: &[u8]) {
        self.str(&String::from_utf8_lossy(utf8));
    }
    /// A map key given as its UTF-8 bytes, as [`Emit::utf8_str`] gives a string.
    fn utf8_key(&mut self, utf8: &[u8]) {
        self.key(&String::from_utf8_lossy(utf8));
    }
    /// One value already encoded in this writer's format, copied as it is.
    fn raw(&mut self, encoded: &[u8]);
    /// How many bytes the output holds so far (where the next value's bytes will start, but
    /// for a JSON separator).
    fn position(&self) -> usize;
}

/// Writes `item` into `out`, value by value: no [`Value`] tree is built.
pub fn transcode<'a, I: Item<'a>, E: Emit>(item: &I, out: &mut E) {
    match item.kind() {
        Kind::Null => out.null(),
        Kind::Bool => out.bool(item.as_bool().unwrap_or_default()),
        Kind::Int => out.int(item.as_int().unwrap_or_default()),
        Kind::Float => out.f64(item.as_f64().unwrap_or_default()),
        Kind::Str => out.str(&item.as_str().unwrap_or_default()),
        Kind::Bytes => out.bytes(&item.as_bytes().unwrap_or_default()),
        Kind::List => {
            let items = item.list().into_iter().flatten();
            write_counted(out, item.len_hint(), items, E::begin_list, |out, child| {
                transcode(&child, out)
            });
            out.end_list();
        }
        Kind::Map => {
            let entries = item.map().into_iter().flatten();
            write_counted(
                out,
                item.len_hint(),
                entries,
                E::begin_map,
                |out, (k, v)| {
                    out.key(&k);
                    transcode(&v, out);
                },
            );
            out.end_map();
        }
    }
}

/// How many items of a list or map whose length its encoding does not say (JSON) are kept
/// as they are found, before the rest is counted by a walk of its own.
const KEPT_UNCOUNTED: usize = 8;

/// Writes the head of a list or map (`begin`, with its length) and then each of its `items`
/// (`write`). The length is `len_hint` when the encoding says it. Otherwise the items are
/// read as they are counted: up to [`KEPT_UNCOUNTED`] are kept, so that a short container
/// (most of a payload) is walked once, and only the items past those are walked twice.
fn write_counted<T, E: Emit>(
    out: &mut E,
    len_hint: Option<usize>,
    mut items: impl Iterator<Item = T> + Clone,
    begin: fn(&mut E, usize),
    mut write: impl FnMut(&mut E, T),
) {
    if let Some(len) = len_hint {
        begin(out, len);
        items.for_each(|item| write(out, item));
        return;
    }
    let mut kept: [Option<T>; KEPT_UNCOUNTED] = core::array::from_fn(|_| None);
    let mut len = 0;
    while len < KEPT_UNCOUNTED {
        let Some(item) = items.next() else { break };
        kept[len] = Some(item);
        len += 1;
    }
    // all kept: more may follow, counted by a walk of their own (and not asked for again
    // when the iterator has ended)
    let more = len == KEPT_UNCOUNTED;
    if more {
        len += items.clone().count();
    }
    begin(out, len);
    // taken from where they are kept: moving the array into an iterator would copy it whole
    for item in kept.iter_mut().map_while(Option::take) {
        write(out, item);
    }
    if more {
        items.for_each(|item| write(out, item));
    }
}

/// A decoded [`Value`] read through the same interface (for tests of the validation against
/// the owned parse, and for owned messages forwarded through the same code).
impl<'a> Item<'a> for &'a Value {
    type List = core::slice::Iter<'a, Value>;
    type Map = core::iter::Map<
        crate::value::DictIter<'a>,
        fn((&'a str, &'a Value)) -> (Cow<'a, str>, &'a Value),
    >;

    fn kind(&self) -> Kind {
        match self {
            Value::Null => Kind::Null,
            Value::Bool(_) => Kind::Bool,
            Value::Int(_) | Value::UInt(_) => Kind::Int,
            Value::Float(_) => Kind::Float,
            Value::Str(_) => Kind::Str,
            Value::Bytes(_) => Kind::Bytes,
            Value::List(_) => Kind::List,
            Value::Map(_) => Kind::Map,
        }
    }
    fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }
    fn as_int(&self) -> Option<i128> {
        self.as_i128()
    }
    fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Float(f) => Some(*f),
            _ => None,
        }
    }
    fn as_str(&self) -> Option<Cow<'a, str>> {
        match self {
            Value::Str(s) => Some(Cow::Borrowed(s)),
            _ => None,
        }
    }
    fn as_bytes(&self) -> Option<Cow<'a, [u8]>> {
        match self {
            Value::Bytes(b) => Some(Cow::Borrowed(b)),
            _ => None,
        }
    }
    fn list(&self) -> Option<Self::List> {
        match self {
            Value::List(l) => Some(l.iter()),
            _ => None,
        }
    }
    fn map(&self) -> Option<Self::Map> {
        match self {
            Value::Map(m) => Some(m.iter().map(|(k, v)| (Cow::Borrowed(k), v))),
            _ => None,
        }
    }
    fn to_value(&self) -> Value {
        (*self).clone()
    }
    fn get(&self, key: &str) -> Option<Self> {
        match self {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }
}

/// The most elements a WAMP message has: ERROR with `args` and `kwargs`.
pub const MAX_ELEMENTS: usize = 7;

/// The elements of a scanned message array: the first [`MAX_ELEMENTS`] as items, and how many
/// there were in all (a longer array is invalid for every message, and its length error names
/// its true length).
#[derive(Debug, Clone, Copy)]
pub struct Elems<I> {
    items: [Option<I>; MAX_ELEMENTS],
    len: usize,
}

impl<I: Copy> Elems<I> {
    /// No elements yet.
    pub fn new() -> Elems<I> {
        Elems {
            items: [None; MAX_ELEMENTS],
            len: 0,
        }
    }

    /// Appends the next element (only counted past [`MAX_ELEMENTS`]).
    #[inline]
    pub fn push(&mut self, item: I) {
        if let Some(slot) = self.items.get_mut(self.len) {
            *slot = Some(item);
        }
        self.len += 1;
    }

    /// How many elements the array has.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the array is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The same elements, each mapped by `f` (the count is kept).
    pub fn map<J: Copy>(&self, f: impl Fn(I) -> J) -> Elems<J> {
        // a plain loop: `<[_; N]>::map` costs several times more here
        let mut items = [None; MAX_ELEMENTS];
        for (to, from) in items.iter_mut().zip(&self.items) {
            *to = from.map(&f);
        }
        Elems {
            items,
            len: self.len,
        }
    }

    /// Element `i`, if the array has it and it is among the first [`MAX_ELEMENTS`].
    #[inline]
    pub fn get(&self, i: usize) -> Option<I> {
        self.items.get(i).copied().flatten()
    }

    /// [`Elems::get`] by reference: the item is read where the scan wrote it (a copy of a
    /// just-written item is a wide read of narrow writes, which the processor cannot forward
    /// from its store buffer and waits for).
    #[inline]
    pub fn get_ref(&self, i: usize) -> Option<&I> {
        self.items.get(i)?.as_ref()
    }
}

impl<I: Copy> Default for Elems<I> {
    fn default() -> Self {
        Elems::new()
    }
}

#[cfg(all(test, feature = "json", feature = "msgpack"))]
mod tests {
    use super::*;
    use crate::serializer::json::view::scan_message;
    use crate::serializer::msgpack::view::MsgpackWriter;
    use crate::serializer::{json, msgpack, Limits};

    /// A JSON list or map says no length, which MessagePack writes first: around the number
    /// kept before counting (none, some, all, one more, many), nested too, each transcoded
    /// item is what the owned encoder writes for the value the owned decoder reads.
    #[test]
    fn lengths_a_json_container_does_not_say_are_counted() {
        for n in [0, 1, 7, 8, 9, 16, 17, 40] {
            let list: Vec<String> = (0..n).map(|i| format!("[{i},\"s{i}\"]")).collect();
            let map: Vec<String> = (0..n).map(|i| format!("\"k{i}\":{{\"v\":{i}}}")).collect();
            let text = format!("[[{}],{{{}}}]", list.join(","), map.join(","));
            let elems = scan_message(text.as_bytes(), &Limits::DEFAULT).unwrap();
            for i in 0..2 {
                let item = elems.get(i).unwrap();
                let mut out = Vec::new();
                let mut w = MsgpackWriter::new(&mut out);
                transcode(&item, &mut w);
                w.finish().unwrap();
                let value = json::value_from_slice(item.bytes(), &Limits::DEFAULT).unwrap();
                assert_eq!(
                    out,
                    msgpack::value_to_vec(&value).unwrap(),
                    "{n} items: {text}"
                );
            }
        }
    }

    /// A writer of the caller's own that implements only the required methods: the provided
    /// `utf8_str` and `utf8_key` reach its `str` and `key` with the same text.
    #[test]
    fn provided_utf8_methods_write_through_str_and_key() {
        #[derive(Default)]
        struct Log(Vec<String>);
        impl Emit for Log {
            fn null(&mut self) {}
            fn bool(&mut self, _: bool) {}
            fn int(&mut self, _: i128) {}
            fn f64(&mut self, _: f64) {}
            fn str(&mut self, s: &str) {
                self.0.push(format!("str {s}"));
            }
            fn bytes(&mut self, _: &[u8]) {}
            fn begin_list(&mut self, _: usize) {}
            fn end_list(&mut self) {}
            fn begin_map(&mut self, _: usize) {}
            fn key(&mut self, k: &str) {
                self.0.push(format!("key {k}"));
            }
            fn end_map(&mut self) {}
            fn raw(&mut self, _: &[u8]) {}
            fn position(&self) -> usize {
                0
            }
        }
        let mut log = Log::default();
        log.utf8_str("café".as_bytes());
        log.utf8_key(b"k");
        assert_eq!(log.0, ["str café", "key k"]);
        // and a MessagePack payload transcoded into it arrives through them
        let mut log = Log::default();
        msgpack::transcode(
            &msgpack::value_to_vec(&crate::dict! { "k" => "é" }.into()).unwrap(),
            &mut log,
        );
        assert_eq!(log.0, ["key k", "str é"]);
    }
}
