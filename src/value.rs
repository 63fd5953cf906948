//! The dynamic value carried in `args`, `kwargs`, options and details.
//!
//! WAMP payloads are schemaless, so they need a small value model. Two things set this one apart
//! from a generic JSON value: **bytes are distinct from strings** (every WAMP serializer but JSON
//! carries binary natively, and JSON carries it by autobahn's `"\u0000" + base64` convention),
//! and **maps keep insertion order**, because autobahn writes keys in insertion order and byte
//! compatibility depends on it. Integers cover the whole `i64` and `u64` range.

use core::fmt;

mod dict;

pub use compact_str::CompactString;
pub use dict::{Dict, Iter as DictIter, INDEXED_FROM};

/// A dynamically typed WAMP value.
///
/// Integers have two variants so that the whole `i64` and `u64` ranges are representable:
/// decoders produce [`Value::Int`] for every integer that fits an `i64` and [`Value::UInt`] only
/// above `i64::MAX`. Equality compares integers by numeric value, whichever variant holds them.
///
/// A value is 32 bytes on 64-bit targets: the widest variant, [`Value::Map`], is a vector and a
/// pointer, and the tag hides in spare bits of the vector's capacity.
#[derive(Debug, Clone, Default)]
pub enum Value {
    /// JSON `null`, Python `None`; the default value.
    #[default]
    Null,
    /// A boolean (never equal to an integer, unlike in Python).
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An unsigned integer; decoders use it only for values above `i64::MAX`.
    UInt(u64),
    /// A 64-bit float.
    Float(f64),
    /// A UTF-8 string: kept inline up to 24 bytes (most keys, URIs and short texts of a WAMP
    /// message), so that decoding them allocates nothing.
    Str(CompactString),
    /// A byte string (Python `bytes`).
    Bytes(Vec<u8>),
    /// A list.
    List(Vec<Value>),
    /// A map with string keys, in insertion order.
    Map(Dict),
}

impl Value {
    /// An integer value in canonical form: [`Value::Int`] when it fits an `i64`.
    pub fn from_u64(v: u64) -> Value {
        match i64::try_from(v) {
            Ok(i) => Value::Int(i),
            Err(_) => Value::UInt(v),
        }
    }

    /// The value as an integer, if it is one (booleans are not).
    pub fn as_i128(&self) -> Option<i128> {
        match *self {
            Value::Int(i) => Some(i128::from(i)),
            Value::UInt(u) => Some(i128::from(u)),
            _ => None,
        }
    }

    /// The value as a `u64`, if it is a non-negative integer.
    pub fn as_u64(&self) -> Option<u64> {
        match *self {
            Value::Int(i) => u64::try_from(i).ok(),
            Value::UInt(u) => Some(u),
            _ => None,
        }
    }

    /// The value as an `i64`, if it is an integer in range.
    pub fn as_i64(&self) -> Option<i64> {
        match *self {
            Value::Int(i) => Some(i),
            Value::UInt(u) => i64::try_from(u).ok(),
            _ => None,
        }
    }

    /// The boolean, if the value is one (integers are not booleans).
    pub fn as_bool(&self) -> Option<bool> {
        match *self {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    /// The value as an `f64`, if it is a number: a float as it is, an integer converted (to
    /// the nearest `f64`, so integers beyond 2^53 may be rounded), as `serde_json`'s `as_f64`
    /// does. Use [`Value::as_i64`] or [`Value::as_u64`] for an integer's exact value.
    pub fn as_f64(&self) -> Option<f64> {
        match *self {
            Value::Float(f) => Some(f),
            Value::Int(i) => Some(i as f64),
            Value::UInt(u) => Some(u as f64),
            _ => None,
        }
    }

    /// The byte string, if the value is one (a string is not: WAMP keeps them apart).
    pub fn as_bytes(&self) -> Option<&[u8]> {
        match self {
            Value::Bytes(b) => Some(b),
            _ => None,
        }
    }

    /// The string, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The map, if the value is one.
    pub fn as_map(&self) -> Option<&Dict> {
        match self {
            Value::Map(m) => Some(m),
            _ => None,
        }
    }

    /// The list, if the value is one.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self {
            Value::List(l) => Some(l),
            _ => None,
        }
    }

    /// Python's truthiness: `None`, `False`, `0`, `0.0` and empty containers are false.
    ///
    /// Autobahn decides what to emit with `if value:`, so marshalling needs the same rule.
    pub fn is_truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::UInt(u) => *u != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !s.is_empty(),
            Value::Bytes(b) => !b.is_empty(),
            Value::List(l) => !l.is_empty(),
            Value::Map(m) => !m.is_empty(),
        }
    }

    /// The name of the value's type as autobahn's error messages spell it (Python's names).
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "NoneType",
            Value::Bool(_) => "bool",
            Value::Int(_) | Value::UInt(_) => "int",
            Value::Float(_) => "float",
            Value::Str(_) => "str",
            Value::Bytes(_) => "bytes",
            Value::List(_) => "list",
            Value::Map(_) => "dict",
        }
    }
}

impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Int(_) | Value::UInt(_), Value::Int(_) | Value::UInt(_)) => {
                self.as_i128() == other.as_i128()
            }
            // Bitwise, so that a NaN read back equals the NaN written (round-trip tests).
            (Value::Float(a), Value::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Bytes(a), Value::Bytes(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a == b,
            _ => false,
        }
    }
}

macro_rules! value_from {
    ($($t:ty => |$v:ident| $e:expr),* $(,)?) => {$(
        impl From<$t> for Value {
            fn from($v: $t) -> Value { $e }
        }
    )*};
}

// Every integer type converts exactly: `Int` for what fits an `i64`, `UInt` above (a `usize`
// or `u64` above `i64::MAX`), the canonical form the decoders produce.
value_from! {
    bool => |v| Value::Bool(v),
    i8 => |v| Value::Int(i64::from(v)),
    i16 => |v| Value::Int(i64::from(v)),
    i32 => |v| Value::Int(i64::from(v)),
    i64 => |v| Value::Int(v),
    // `isize` and `usize` are at most 64 bits wide on every target Rust supports.
    isize => |v| Value::Int(v as i64),
    u8 => |v| Value::Int(i64::from(v)),
    u16 => |v| Value::Int(i64::from(v)),
    u32 => |v| Value::Int(i64::from(v)),
    u64 => |v| Value::from_u64(v),
    usize => |v| Value::from_u64(v as u64),
    f32 => |v| Value::Float(f64::from(v)),
    f64 => |v| Value::Float(v),
    String => |v| Value::Str(CompactString::from(v)),
    CompactString => |v| Value::Str(v),
    &str => |v| Value::Str(CompactString::from(v)),
    Vec<u8> => |v| Value::Bytes(v),
    &[u8] => |v| Value::Bytes(v.to_vec()),
    Vec<Value> => |v| Value::List(v),
    Dict => |v| Value::Map(v),
    Vec<i64> => |v| Value::List(v.into_iter().map(Value::Int).collect()),
    Vec<u64> => |v| Value::List(v.into_iter().map(Value::from_u64).collect()),
    Vec<String> => |v| Value::List(v.into_iter().map(Value::from).collect()),
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Value {
        v.map_or(Value::Null, Into::into)
    }
}

/// A list of the values, in order.
impl FromIterator<Value> for Value {
    fn from_iter<I: IntoIterator<Item = Value>>(iter: I) -> Value {
        Value::List(iter.into_iter().collect())
    }
}

/// A map of the entries, in order (a repeated key keeps its first position and its last value).
impl<K: Into<String>, V: Into<Value>> FromIterator<(K, V)> for Value {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Value {
        Value::Map(
            iter.into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
        )
    }
}

/// The `null` that indexing answers for a missing element or key.
static NULL: Value = Value::Null;

/// `value[i]`: element `i` of a list; `null` when the value is not a list or is too short, as
/// `serde_json::Value` answers (it never panics).
impl core::ops::Index<usize> for Value {
    type Output = Value;
    fn index(&self, i: usize) -> &Value {
        self.as_list().and_then(|l| l.get(i)).unwrap_or(&NULL)
    }
}

/// `value["key"]`: the value of `key` in a map; `null` when the value is not a map or has no
/// such key, as `serde_json::Value` answers (it never panics).
impl core::ops::Index<&str> for Value {
    type Output = Value;
    fn index(&self, key: &str) -> &Value {
        self.as_map().and_then(|m| m.get(key)).unwrap_or(&NULL)
    }
}

impl fmt::Display for Value {
    /// JSON-like text for logs and `Display` of messages: strings quoted and escaped as Rust
    /// does, floats always with a fraction or exponent (`1.0`), and bytes as `0x` followed by
    /// their lowercase hex (`0xdead`, empty: `0x`), unquoted so they cannot be mistaken for a
    /// string. It is not JSON (use the JSON serializer for that).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Int(i) => write!(f, "{i}"),
            Value::UInt(u) => write!(f, "{u}"),
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => write!(f, "{s:?}"),
            Value::Bytes(b) => {
                f.write_str("0x")?;
                b.iter().try_for_each(|byte| write!(f, "{byte:02x}"))
            }
            Value::List(l) => {
                f.write_str("[")?;
                for (i, v) in l.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(m) => {
                f.write_str("{")?;
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k:?}: {v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// Builds a [`Dict`] from `key => value` pairs, in order.
///
/// ```
/// let d = wamp_codec::dict! { "color" => "orange", "size" => 42 };
/// assert_eq!(d.keys().collect::<Vec<_>>(), ["color", "size"]);
/// ```
#[macro_export]
macro_rules! dict {
    ($($k:expr => $v:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut d = $crate::Dict::new();
        $( d.insert(::std::string::String::from($k), $crate::Value::from($v)); )*
        d
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn integers_compare_by_value_across_variants() {
        assert_eq!(Value::Int(5), Value::UInt(5));
        assert_ne!(Value::Int(-1), Value::UInt(u64::MAX));
        assert_eq!(Value::from(u64::MAX), Value::UInt(u64::MAX));
        assert_eq!(Value::from(7u64), Value::Int(7));
    }

    #[test]
    fn bool_is_not_int_and_bytes_are_not_str() {
        assert_ne!(Value::Bool(true), Value::Int(1));
        assert_ne!(Value::Bytes(b"a".to_vec()), Value::Str("a".into()));
    }

    #[test]
    fn maps_keep_order_but_compare_unordered() {
        let a = dict! { "a" => 1, "b" => 2 };
        let b = dict! { "b" => 2, "a" => 1 };
        assert_eq!(Value::Map(a.clone()), Value::Map(b));
        assert_eq!(a.keys().next(), Some("a"));
    }

    #[test]
    fn conveniences() {
        assert_eq!(Value::Int(-2).as_f64(), Some(-2.0));
        assert_eq!(
            Value::UInt(u64::MAX).as_f64(),
            Some(18_446_744_073_709_551_615.0)
        );
        assert_eq!(Value::from(0.5f32).as_f64(), Some(0.5));
        assert_eq!(Value::from("1").as_f64(), None);
        assert_eq!(Value::Int(1).as_bool(), None);
        assert_eq!(Value::from(&b"ab"[..]).as_bytes(), Some(&b"ab"[..]));
        assert_eq!(Value::from("ab").as_bytes(), None);
        // every integer type, exactly: above i64::MAX only as UInt
        assert!(matches!(Value::from(usize::MAX), Value::UInt(u) if u == usize::MAX as u64));
        assert!(matches!(Value::from(isize::MIN), Value::Int(i) if i == isize::MIN as i64));
        assert!(matches!(Value::from(u8::MAX), Value::Int(255)));
        assert!(matches!(Value::from(i8::MIN), Value::Int(-128)));
        assert!(matches!(Value::from(u16::MAX), Value::Int(65_535)));
        assert!(matches!(Value::from(i16::MIN), Value::Int(-32_768)));
    }

    #[test]
    fn collecting_and_indexing() {
        let list: Value = (1..=3).map(Value::from).collect();
        assert_eq!(list, Value::List(vec![1.into(), 2.into(), 3.into()]));
        let map: Value = [("b", 1), ("a", 2)].into_iter().collect();
        let keys: Vec<&str> = map.as_map().unwrap().keys().collect();
        assert_eq!(keys, ["b", "a"]);
        assert_eq!(list[2], Value::Int(3));
        assert_eq!(map["a"], Value::Int(2));
        // missing, or not a container: null, never a panic
        assert_eq!(list[3], Value::Null);
        assert_eq!(map["z"], Value::Null);
        assert_eq!(map[0], Value::Null);
        assert_eq!(list["a"], Value::Null);
        assert_eq!(map["a"]["deeper"][7], Value::Null);
    }

    #[test]
    fn display_spells_bytes_as_hex() {
        let v = Value::List(vec![
            Value::Bytes(vec![0xde, 0xad]),
            Value::Bytes(vec![]),
            "s".into(),
            Value::Float(1.0),
        ]);
        assert_eq!(v.to_string(), r#"[0xdead, 0x, "s", 1.0]"#);
    }

    #[test]
    fn truthiness_follows_python() {
        for falsy in [
            Value::Null,
            Value::Int(0),
            Value::Str(CompactString::default()),
            Value::List(vec![]),
        ] {
            assert!(!falsy.is_truthy(), "{falsy:?}");
        }
        assert!(Value::Float(0.5).is_truthy());
    }
}
