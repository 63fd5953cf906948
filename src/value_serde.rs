//! [`Value`] with serde (the `serde` feature): `Serialize`, `Deserialize`, and conversions with
//! `serde_json::Value`.
//!
//! `Serialize` and `Deserialize` map each variant to serde's own type, so that every serde
//! format carries a value as the WAMP format would: bytes are serde bytes (`serialize_bytes`;
//! read back from `visit_bytes`/`visit_byte_buf`), maps keep their order, and integers keep
//! their exact value in the whole `i64` and `u64` ranges. They know nothing of WAMP's JSON
//! convention for bytes: through `serde_json::to_string` bytes are a list of numbers, and a
//! string starting with U+0000 stays a string. The conversions with `serde_json::Value` are
//! where that convention lives (`"\u0000"` + base64, both ways, as the crate's JSON codec reads
//! and writes it): convert through them, or use [`serializer::json`](crate::serializer::json),
//! for WAMP's JSON.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};

use crate::value::{Dict, Value};

impl Serialize for Value {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Value::Null => serializer.serialize_unit(),
            Value::Bool(b) => serializer.serialize_bool(*b),
            Value::Int(i) => serializer.serialize_i64(*i),
            Value::UInt(u) => serializer.serialize_u64(*u),
            Value::Float(f) => serializer.serialize_f64(*f),
            Value::Str(s) => serializer.serialize_str(s),
            Value::Bytes(b) => serializer.serialize_bytes(b),
            Value::List(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                items
                    .iter()
                    .try_for_each(|item| seq.serialize_element(item))?;
                seq.end()
            }
            Value::Map(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                entries
                    .iter()
                    .try_for_each(|(k, v)| map.serialize_entry(k, v))?;
                map.end()
            }
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(ValueVisitor)
    }
}

struct ValueVisitor;

impl<'de> Visitor<'de> for ValueVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a WAMP value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Int(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from_u64(v))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        match (i64::try_from(v), u64::try_from(v)) {
            (Ok(i), _) => Ok(Value::Int(i)),
            (_, Ok(u)) => Ok(Value::UInt(u)),
            _ => Err(E::custom(format_args!(
                "the integer {v} is beyond the i64 and u64 ranges"
            ))),
        }
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        u64::try_from(v)
            .map(Value::from_u64)
            .map_err(|_| E::custom(format_args!("the integer {v} is beyond the u64 range")))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Value, E> {
        Ok(Value::Bytes(v.to_vec()))
    }
    fn visit_byte_buf<E>(self, v: Vec<u8>) -> Result<Value, E> {
        Ok(Value::Bytes(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Value::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        // the hint capped: it is the input's word
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::List(items))
    }
    /// Keys must be strings, as in every WAMP map. A repeated key keeps its first position and
    /// its last value, as the decoders keep it.
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = Dict::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some((k, v)) = map.next_entry::<String, Value>()? {
            entries.insert(k, v);
        }
        Ok(Value::Map(entries))
    }
}

/// The conversions with `serde_json::Value`, which need the `json` feature's base64.
#[cfg(feature = "json")]
mod json_value {
    use base64::Engine;

    use super::*;
    use crate::error::{DecodeError, EncodeError};

    /// JSON as WAMP reads it: a string starting with U+0000 is the base64 of a byte string, as the
    /// crate's JSON decoder reads it (an error if the base64 is invalid, as there); numbers are
    /// integers when serde_json holds them as integers, else floats.
    impl TryFrom<serde_json::Value> for Value {
        type Error = DecodeError;

        fn try_from(json: serde_json::Value) -> Result<Value, DecodeError> {
            Ok(match json {
                serde_json::Value::Null => Value::Null,
                serde_json::Value::Bool(b) => Value::Bool(b),
                serde_json::Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
                    (Some(i), _, _) => Value::Int(i),
                    (None, Some(u), _) => Value::from_u64(u),
                    (None, None, Some(f)) => Value::Float(f),
                    (None, None, None) => {
                        return Err(DecodeError::syntax(
                            "json",
                            format!("unreadable number {n}"),
                        ))
                    }
                },
                serde_json::Value::String(s) => match s.strip_prefix('\0') {
                    Some(encoded) => Value::Bytes(
                        crate::serializer::json::decode_base64(encoded)
                            .map_err(|reason| DecodeError::syntax("json", reason))?,
                    ),
                    None => Value::from(s),
                },
                serde_json::Value::Array(items) => Value::List(
                    items
                        .into_iter()
                        .map(Value::try_from)
                        .collect::<Result<_, _>>()?,
                ),
                serde_json::Value::Object(entries) => Value::Map(
                    entries
                        .into_iter()
                        .map(|(k, v)| Ok((k, Value::try_from(v)?)))
                        .collect::<Result<_, DecodeError>>()?,
                ),
            })
        }
    }

    /// The value as WAMP writes it in JSON: bytes as a string of U+0000 and their standard base64
    /// (what autobahn and the crate's JSON encoder write). A NaN or infinite float is an error, as
    /// in the JSON encoder: JSON has none. (Map order is kept if serde_json's `preserve_order`
    /// feature is on, sorted by key if not.)
    impl TryFrom<Value> for serde_json::Value {
        type Error = EncodeError;

        fn try_from(value: Value) -> Result<serde_json::Value, EncodeError> {
            Ok(match value {
                Value::Null => serde_json::Value::Null,
                Value::Bool(b) => serde_json::Value::Bool(b),
                Value::Int(i) => i.into(),
                Value::UInt(u) => u.into(),
                Value::Float(f) => serde_json::Number::from_f64(f)
                    .map(serde_json::Value::Number)
                    .ok_or_else(|| EncodeError::Unrepresentable {
                        format: "json",
                        what: format!("the float {f}"),
                    })?,
                Value::Str(s) => serde_json::Value::String(s.into_string()),
                Value::Bytes(b) => serde_json::Value::String(format!(
                    "\0{}",
                    base64::engine::general_purpose::STANDARD.encode(b)
                )),
                Value::List(items) => serde_json::Value::Array(
                    items
                        .into_iter()
                        .map(serde_json::Value::try_from)
                        .collect::<Result<_, _>>()?,
                ),
                Value::Map(entries) => serde_json::Value::Object(
                    entries
                        .into_iter()
                        .map(|(k, v)| Ok((k.into_string(), serde_json::Value::try_from(v)?)))
                        .collect::<Result<_, EncodeError>>()?,
                ),
            })
        }
    }
}
