//! One serde `Deserializer` for every format: it reads any [`Item`] (a JSON, MessagePack or
//! CBOR value in its buffer, the CBOR of a FlatBuffers payload, or a decoded [`Value`]) in
//! place, so a typed payload is built straight from the wire bytes with no [`Value`] tree in
//! between, and borrows strings and bytes from the buffer wherever the encoding holds them
//! as they are.
//!
//! [`Value`]: crate::Value

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{BorrowedStrDeserializer, SeqDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, Unexpected, Visitor};
use serde::forward_to_deserialize_any;

use crate::view::item::{Item, Kind};

/// One step into a payload, to say where an error is.
#[derive(Debug)]
enum Step {
    /// Element `i` of a list.
    Index(usize),
    /// The value of a key of a map.
    Key(String),
}

/// A deserialization error: what went wrong, and where.
#[derive(Debug)]
pub(crate) struct Error {
    reason: String,
    /// The steps from the failing value out to the payload, innermost first: each container
    /// adds its own on the way out, so that nothing is spent on the path until something fails.
    path: Vec<Step>,
}

impl Error {
    fn at(mut self, step: Step) -> Error {
        self.path.push(step);
        self
    }

    fn too_deep(max_depth: usize) -> Error {
        de::Error::custom(format_args!(
            "nested deeper than the depth limit of {max_depth}"
        ))
    }

    /// An item whose accessor refused its own kind: a bug of the item's format, reported
    /// rather than read as a default.
    fn inconsistent(kind: Kind) -> Error {
        de::Error::custom(format_args!(
            "internal error: a {} item could not be read",
            kind.type_name()
        ))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.path.is_empty() {
            f.write_str("at ")?;
            for step in self.path.iter().rev() {
                match step {
                    Step::Index(i) => write!(f, "[{i}]")?,
                    Step::Key(k) => write!(f, "[{k:?}]")?,
                }
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.reason)
    }
}

impl std::error::Error for Error {}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error {
            reason: msg.to_string(),
            path: Vec::new(),
        }
    }
}

/// How many more levels of lists and maps may be entered, out of the limit it started from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Depth {
    left: usize,
    max: usize,
}

impl Depth {
    /// `left` more levels, the limit being `max` as the decoders count it.
    pub(crate) fn new(left: usize, max: usize) -> Depth {
        Depth { left, max }
    }

    fn enter(self) -> Result<Depth, Error> {
        match self.left.checked_sub(1) {
            Some(left) => Ok(Depth { left, ..self }),
            None => Err(Error::too_deep(self.max)),
        }
    }
}

/// Deserializes one item.
pub(crate) struct ItemDeserializer<I> {
    item: I,
    depth: Depth,
}

impl<I> ItemDeserializer<I> {
    pub(crate) fn new(item: I, depth: Depth) -> ItemDeserializer<I> {
        ItemDeserializer { item, depth }
    }
}

/// A whole `args` list or `kwargs` map, given as its elements or entries: the top of a
/// payload, which is a list or map of items even where it is not an item itself (an owned
/// message's `Vec<Value>`), or is absent.
pub(crate) enum Whole<L, M> {
    /// The elements of `args`.
    List(L, Depth),
    /// The entries of `kwargs`.
    Map(M, Depth),
}

/// Visits `items` as a sequence, refusing elements left over when the visitor is done (a
/// tuple of 2 does not take a list of 3).
fn visit_list<'a, I, L, V>(items: L, depth: Depth, visitor: V) -> Result<V::Value, Error>
where
    I: Item<'a>,
    L: Iterator<Item = I>,
    V: Visitor<'a>,
{
    let mut seq = Elements {
        items,
        index: 0,
        depth,
    };
    let value = visitor.visit_seq(&mut seq)?;
    let left = seq.items.count();
    if left > 0 {
        return Err(de::Error::invalid_length(
            seq.index + left,
            &format!("{} elements", seq.index).as_str(),
        ));
    }
    Ok(value)
}

fn visit_map<'a, I, M, V>(entries: M, depth: Depth, visitor: V) -> Result<V::Value, Error>
where
    I: Item<'a>,
    M: Iterator<Item = (Cow<'a, str>, I)>,
    V: Visitor<'a>,
{
    visitor.visit_map(Entries {
        entries,
        pending: None,
        depth,
    })
}

/// A key, borrowed from the buffer when the encoding holds it as it is.
fn key_deserializer<'a, T: DeserializeSeed<'a>>(
    key: Cow<'a, str>,
    seed: T,
) -> Result<T::Value, Error> {
    match key {
        Cow::Borrowed(k) => seed.deserialize(BorrowedStrDeserializer::new(k)),
        Cow::Owned(k) => seed.deserialize(StringDeserializer::new(k)),
    }
}

impl<'a, I: Item<'a>> ItemDeserializer<I> {
    fn str(&self) -> Result<Cow<'a, str>, Error> {
        self.item
            .as_str()
            .ok_or_else(|| Error::inconsistent(Kind::Str))
    }

    fn bytes(&self) -> Result<Cow<'a, [u8]>, Error> {
        self.item
            .as_bytes()
            .ok_or_else(|| Error::inconsistent(Kind::Bytes))
    }
}

impl<'a, I: Item<'a>> de::Deserializer<'a> for ItemDeserializer<I> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        let item = self.item;
        let kind = item.kind();
        let broken = || Error::inconsistent(kind);
        match kind {
            Kind::Null => visitor.visit_unit(),
            Kind::Bool => visitor.visit_bool(item.as_bool().ok_or_else(broken)?),
            // as serde_json hands integers: unsigned when not negative
            Kind::Int => match item.as_int().ok_or_else(broken)? {
                i if i >= 0 => visitor.visit_u64(u64::try_from(i).map_err(|_| broken())?),
                i => visitor.visit_i64(i64::try_from(i).map_err(|_| broken())?),
            },
            Kind::Float => visitor.visit_f64(item.as_f64().ok_or_else(broken)?),
            Kind::Str => match self.str()? {
                Cow::Borrowed(s) => visitor.visit_borrowed_str(s),
                Cow::Owned(s) => visitor.visit_string(s),
            },
            Kind::Bytes => match self.bytes()? {
                Cow::Borrowed(b) => visitor.visit_borrowed_bytes(b),
                Cow::Owned(b) => visitor.visit_byte_buf(b),
            },
            Kind::List => visit_list(
                item.list().ok_or_else(broken)?,
                self.depth.enter()?,
                visitor,
            ),
            Kind::Map => visit_map(item.map().ok_or_else(broken)?, self.depth.enter()?, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.item.is_null() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    /// A string field never takes a byte string: WAMP keeps the two apart in every format
    /// (in JSON, a string starting with U+0000 is base64 bytes, and stays bytes).
    fn deserialize_str<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.item.kind() == Kind::Bytes {
            return Err(de::Error::invalid_type(
                Unexpected::Bytes(&self.bytes()?),
                &visitor,
            ));
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_string<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_str(visitor)
    }

    /// A byte string is also a sequence of `u8`s, so that `Vec<u8>` and `[u8; N]` take one
    /// without `serde_bytes`.
    fn deserialize_seq<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        if self.item.kind() == Kind::Bytes {
            let bytes = self.bytes()?;
            return SeqDeserializer::new(bytes.iter().copied()).deserialize_any(visitor);
        }
        self.deserialize_any(visitor)
    }

    fn deserialize_tuple<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_seq(visitor)
    }

    /// As serde_json: a unit variant is its name as a string, any other variant a map of one
    /// entry, the name and the variant's content.
    fn deserialize_enum<V: Visitor<'a>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.item.kind() {
            Kind::Str => match self.str()? {
                Cow::Borrowed(s) => visitor.visit_enum(BorrowedStrDeserializer::new(s)),
                Cow::Owned(s) => visitor.visit_enum(s.into_deserializer()),
            },
            Kind::Map => {
                let mut entries = self
                    .item
                    .map()
                    .ok_or_else(|| Error::inconsistent(Kind::Map))?;
                let (Some((variant, content)), None) = (entries.next(), entries.next()) else {
                    return Err(de::Error::invalid_value(
                        Unexpected::Map,
                        &"a map of exactly one entry, the variant and its content",
                    ));
                };
                visitor.visit_enum(Variant {
                    variant,
                    content: ItemDeserializer::new(content, self.depth.enter()?),
                })
            }
            kind => Err(de::Error::invalid_type(
                unexpected(kind),
                &"a variant name or a map of one entry",
            )),
        }
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        // Nothing of the item needs reading: the view checked it already.
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        <W: Visitor<'a>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char bytes byte_buf unit
        unit_struct map struct identifier
    }
}

/// What serde's errors call an item of a kind, for those that say it without its value.
fn unexpected(kind: Kind) -> Unexpected<'static> {
    match kind {
        Kind::Null => Unexpected::Unit,
        Kind::Bool => Unexpected::Other("a boolean"),
        Kind::Int => Unexpected::Other("an integer"),
        Kind::Float => Unexpected::Other("a float"),
        Kind::Str => Unexpected::Other("a string"),
        Kind::Bytes => Unexpected::Other("a byte string"),
        Kind::List => Unexpected::Seq,
        Kind::Map => Unexpected::Map,
    }
}

impl<'a, I, L, M> de::Deserializer<'a> for Whole<L, M>
where
    I: Item<'a>,
    L: Iterator<Item = I>,
    M: Iterator<Item = (Cow<'a, str>, I)>,
{
    type Error = Error;

    fn deserialize_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Whole::List(items, depth) => visit_list(items, depth, visitor),
            Whole::Map(entries, depth) => visit_map(entries, depth, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_some(self)
    }

    /// `()` is "no arguments": an empty (or absent) `args`.
    fn deserialize_unit<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        match self {
            Whole::List(mut items, _) => match items.next() {
                None => visitor.visit_unit(),
                Some(_) => Err(de::Error::invalid_length(1 + items.count(), &"no elements")),
            },
            map => map.deserialize_any(visitor),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'a>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_ignored_any<V: Visitor<'a>>(self, visitor: V) -> Result<V::Value, Error> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        <W: Visitor<'a>>
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit_struct seq tuple tuple_struct map struct enum identifier
    }
}

/// The elements of a list, numbered for errors.
struct Elements<L> {
    items: L,
    index: usize,
    depth: Depth,
}

impl<'a, I: Item<'a>, L: Iterator<Item = I>> de::SeqAccess<'a> for Elements<L> {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'a>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let at = self.index;
        self.index += 1;
        seed.deserialize(ItemDeserializer::new(item, self.depth))
            .map(Some)
            .map_err(|e| e.at(Step::Index(at)))
    }
}

/// The entries of a map, each value kept between its key and its reading.
struct Entries<'a, M, I> {
    entries: M,
    pending: Option<(Cow<'a, str>, I)>,
    depth: Depth,
}

impl<'a, I: Item<'a>, M: Iterator<Item = (Cow<'a, str>, I)>> de::MapAccess<'a>
    for Entries<'a, M, I>
{
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        let Some((key, value)) = self.entries.next() else {
            return Ok(None);
        };
        // the key kept for the path of an error in its value (a copy only for a key that was
        // unescaped)
        self.pending = Some((key.clone(), value));
        key_deserializer(key, seed).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, Error> {
        let (key, value) = self
            .pending
            .take()
            .ok_or_else(|| <Error as de::Error>::custom("a map value asked for before its key"))?;
        seed.deserialize(ItemDeserializer::new(value, self.depth))
            .map_err(|e| e.at(Step::Key(key.into_owned())))
    }
}

/// An enum variant given as a map of one entry.
struct Variant<'a, I> {
    variant: Cow<'a, str>,
    content: ItemDeserializer<I>,
}

impl<'a, I: Item<'a>> de::EnumAccess<'a> for Variant<'a, I> {
    type Error = Error;
    type Variant = ItemDeserializer<I>;

    fn variant_seed<V: DeserializeSeed<'a>>(
        self,
        seed: V,
    ) -> Result<(V::Value, ItemDeserializer<I>), Error> {
        Ok((key_deserializer(self.variant, seed)?, self.content))
    }
}

impl<'a, I: Item<'a>> de::VariantAccess<'a> for ItemDeserializer<I> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        <() as de::Deserialize>::deserialize(self)
    }

    fn newtype_variant_seed<T: DeserializeSeed<'a>>(self, seed: T) -> Result<T::Value, Error> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'a>>(self, _len: usize, visitor: V) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_seq(self, visitor)
    }

    fn struct_variant<V: Visitor<'a>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        de::Deserializer::deserialize_map(self, visitor)
    }
}
