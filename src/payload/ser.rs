//! A serde `Serializer` whose output is a [`Value`]: how a Rust value becomes `args` or
//! `kwargs`. It maps serde's data model as `serde_json::to_value` does, but for bytes, which
//! stay [`Value::Bytes`], and integers, which keep their exact value in the whole `i64` and
//! `u64` ranges.

use std::fmt;

use serde::ser::{self, Serialize};

use crate::value::{Dict, Value};

/// A serialization error (turned into [`EncodeError::Serialize`](crate::EncodeError) by the
/// public functions).
#[derive(Debug)]
pub(crate) struct Error(pub(crate) String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Error {
        Error(msg.to_string())
    }
}

/// Serializes values into [`Value`]s.
pub(crate) struct ValueSerializer;

fn int128(i: i128) -> Result<Value, Error> {
    if let Ok(i) = i64::try_from(i) {
        Ok(Value::Int(i))
    } else if let Ok(u) = u64::try_from(i) {
        Ok(Value::UInt(u))
    } else {
        Err(Error(format!(
            "the integer {i} is beyond the i64 and u64 ranges"
        )))
    }
}

/// `{variant: content}`, serde_json's form of a variant with content.
fn variant(name: &'static str, content: Value) -> Value {
    let mut d = Dict::with_capacity(1);
    d.insert(name.to_owned(), content);
    Value::Map(d)
}

impl ser::Serializer for ValueSerializer {
    type Ok = Value;
    type Error = Error;
    type SerializeSeq = List;
    type SerializeTuple = List;
    type SerializeTupleStruct = List;
    type SerializeTupleVariant = List;
    type SerializeMap = Map;
    type SerializeStruct = Map;
    type SerializeStructVariant = Map;

    fn serialize_bool(self, v: bool) -> Result<Value, Error> {
        Ok(Value::Bool(v))
    }
    fn serialize_i8(self, v: i8) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_i16(self, v: i16) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_i32(self, v: i32) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_i64(self, v: i64) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_i128(self, v: i128) -> Result<Value, Error> {
        int128(v)
    }
    fn serialize_u8(self, v: u8) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_u16(self, v: u16) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_u32(self, v: u32) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_u64(self, v: u64) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_u128(self, v: u128) -> Result<Value, Error> {
        match u64::try_from(v) {
            Ok(u) => Ok(u.into()),
            Err(_) => Err(Error(format!("the integer {v} is beyond the u64 range"))),
        }
    }
    fn serialize_f32(self, v: f32) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_char(self, v: char) -> Result<Value, Error> {
        Ok(Value::from(&*v.encode_utf8(&mut [0; 4])))
    }
    fn serialize_str(self, v: &str) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_bytes(self, v: &[u8]) -> Result<Value, Error> {
        Ok(v.into())
    }
    fn serialize_none(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_unit(self) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_unit_struct(self, _name: &'static str) -> Result<Value, Error> {
        Ok(Value::Null)
    }
    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<Value, Error> {
        Ok(variant.into())
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        value: &T,
    ) -> Result<Value, Error> {
        Ok(variant(name, value.serialize(self)?))
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<List, Error> {
        Ok(List::new(None, len))
    }
    fn serialize_tuple(self, len: usize) -> Result<List, Error> {
        Ok(List::new(None, Some(len)))
    }
    fn serialize_tuple_struct(self, _name: &'static str, len: usize) -> Result<List, Error> {
        Ok(List::new(None, Some(len)))
    }
    fn serialize_tuple_variant(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        len: usize,
    ) -> Result<List, Error> {
        Ok(List::new(Some(name), Some(len)))
    }
    fn serialize_map(self, len: Option<usize>) -> Result<Map, Error> {
        Ok(Map::new(None, len))
    }
    fn serialize_struct(self, _name: &'static str, len: usize) -> Result<Map, Error> {
        Ok(Map::new(None, Some(len)))
    }
    fn serialize_struct_variant(
        self,
        _name: &'static str,
        _index: u32,
        name: &'static str,
        len: usize,
    ) -> Result<Map, Error> {
        Ok(Map::new(Some(name), Some(len)))
    }
}

/// A list being built: of a sequence, a tuple, or a tuple variant's content.
pub(crate) struct List {
    variant: Option<&'static str>,
    items: Vec<Value>,
}

impl List {
    fn new(variant: Option<&'static str>, len: Option<usize>) -> List {
        // a hint, not a promise: capped, so that a lying `len` costs no huge allocation
        let items = Vec::with_capacity(len.unwrap_or(0).min(4096));
        List { variant, items }
    }

    fn push<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        self.items.push(value.serialize(ValueSerializer)?);
        Ok(())
    }

    fn finish(self) -> Result<Value, Error> {
        let list = Value::List(self.items);
        Ok(match self.variant {
            Some(name) => variant(name, list),
            None => list,
        })
    }
}

/// The `SerializeSeq`-like traits of [`List`], alike but for their method names.
macro_rules! list_traits {
    ($($trait:ident :: $method:ident),*) => {$(
        impl ser::$trait for List {
            type Ok = Value;
            type Error = Error;
            fn $method<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
                self.push(value)
            }
            fn end(self) -> Result<Value, Error> {
                self.finish()
            }
        }
    )*};
}

list_traits!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field
);

/// A map being built: of a map, a struct, or a struct variant's content.
pub(crate) struct Map {
    variant: Option<&'static str>,
    entries: Dict,
    /// The key of `SerializeMap::serialize_key`, until its value comes.
    key: Option<String>,
}

impl Map {
    fn new(variant: Option<&'static str>, len: Option<usize>) -> Map {
        Map {
            variant,
            entries: Dict::with_capacity(len.unwrap_or(0).min(4096)),
            key: None,
        }
    }

    fn finish(self) -> Result<Value, Error> {
        let map = Value::Map(self.entries);
        Ok(match self.variant {
            Some(name) => variant(name, map),
            None => map,
        })
    }
}

impl ser::SerializeMap for Map {
    type Ok = Value;
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        self.key = Some(key.serialize(KeySerializer)?);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or_else(|| Error("a map value was serialized before its key".into()))?;
        self.entries.insert(key, value.serialize(ValueSerializer)?);
        Ok(())
    }

    fn end(self) -> Result<Value, Error> {
        self.finish()
    }
}

/// The `SerializeStruct`-like traits of [`Map`].
macro_rules! struct_traits {
    ($($trait:ident),*) => {$(
        impl ser::$trait for Map {
            type Ok = Value;
            type Error = Error;
            fn serialize_field<T: Serialize + ?Sized>(
                &mut self,
                key: &'static str,
                value: &T,
            ) -> Result<(), Error> {
                self.entries.insert(key.to_owned(), value.serialize(ValueSerializer)?);
                Ok(())
            }
            fn end(self) -> Result<Value, Error> {
                self.finish()
            }
        }
    )*};
}

struct_traits!(SerializeStruct, SerializeStructVariant);

/// Map keys: WAMP's maps have string keys, so strings, and, as serde_json writes them,
/// integers, booleans and characters as their text, and unit variants as their name.
struct KeySerializer;

fn key_error(what: &str) -> Error {
    Error(format!("a map key must be a string, not {what}"))
}

/// Key serializer methods for the types whose key is their text.
macro_rules! text_keys {
    ($($method:ident: $t:ty),*) => {$(
        fn $method(self, v: $t) -> Result<String, Error> {
            Ok(v.to_string())
        }
    )*};
}

/// Key serializer methods for the types that cannot be keys.
macro_rules! refused_keys {
    ($($method:ident($($arg:ident: $t:ty),*) -> $ret:ty: $what:literal),* $(,)?) => {$(
        fn $method(self, $(_: $t),*) -> Result<$ret, Error> {
            Err(key_error($what))
        }
    )*};
}

impl ser::Serializer for KeySerializer {
    type Ok = String;
    type Error = Error;
    type SerializeSeq = ser::Impossible<String, Error>;
    type SerializeTuple = ser::Impossible<String, Error>;
    type SerializeTupleStruct = ser::Impossible<String, Error>;
    type SerializeTupleVariant = ser::Impossible<String, Error>;
    type SerializeMap = ser::Impossible<String, Error>;
    type SerializeStruct = ser::Impossible<String, Error>;
    type SerializeStructVariant = ser::Impossible<String, Error>;

    text_keys!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_i128: i128, serialize_u8: u8, serialize_u16: u16,
        serialize_u32: u32, serialize_u64: u64, serialize_u128: u128, serialize_char: char,
        serialize_str: &str
    );

    refused_keys!(
        serialize_f32(v: f32) -> String: "a float",
        serialize_f64(v: f64) -> String: "a float",
        serialize_bytes(v: &[u8]) -> String: "a byte string",
        serialize_none() -> String: "none",
        serialize_unit() -> String: "a unit",
        serialize_unit_struct(name: &'static str) -> String: "a unit struct",
        serialize_seq(len: Option<usize>) -> Self::SerializeSeq: "a sequence",
        serialize_tuple(len: usize) -> Self::SerializeTuple: "a tuple",
        serialize_tuple_struct(name: &'static str, len: usize)
            -> Self::SerializeTupleStruct: "a tuple struct",
        serialize_tuple_variant(name: &'static str, index: u32, variant: &'static str, len: usize)
            -> Self::SerializeTupleVariant: "a tuple variant",
        serialize_map(len: Option<usize>) -> Self::SerializeMap: "a map",
        serialize_struct(name: &'static str, len: usize) -> Self::SerializeStruct: "a struct",
        serialize_struct_variant(name: &'static str, index: u32, variant: &'static str, len: usize)
            -> Self::SerializeStructVariant: "a struct variant",
    );

    fn serialize_unit_variant(
        self,
        _name: &'static str,
        _index: u32,
        variant: &'static str,
    ) -> Result<String, Error> {
        Ok(variant.to_owned())
    }
    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result<String, Error> {
        value.serialize(self)
    }
    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        _index: u32,
        _variant: &'static str,
        _value: &T,
    ) -> Result<String, Error> {
        Err(key_error("a newtype variant"))
    }
}
