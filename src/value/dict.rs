//! [`Dict`]: the string-keyed map of WAMP values, in insertion order.
//!
//! WAMP's dicts are small: options and details hold a handful of keys, and so do most `kwargs`.
//! A `Dict` is therefore a vector of entries searched linearly, which costs one allocation and
//! no hashing, and makes a [`Value`] 32 bytes rather than the 72 an `IndexMap` would. Keys are
//! chosen by whoever sent the message, so a big dict must not turn into a quadratic search or a
//! hash table a peer can flood: past [`INDEXED_FROM`] entries the dict keeps a hash index of its
//! keys, hashed with SipHash-1-3 under keys drawn at random for each dict (std's
//! `RandomState`), which a peer cannot predict and so cannot collide.

use core::fmt;
use core::hash::BuildHasher;
use std::collections::hash_map::RandomState;

use hashbrown::HashTable;

use super::{CompactString, Value};

/// The size from which a dict keeps a hash index of its keys. Below it, a linear search over
/// short strings (most differ in their length or first bytes) is cheaper than hashing.
pub const INDEXED_FROM: usize = 16;

/// A map with string keys that keeps insertion order (a Python `dict`).
///
/// Equality ignores order, as Python's does; serialization keeps it. Inserting a key that is
/// already present replaces its value in place, keeping the key's first position (what Python
/// and every decoder of the crate do with a repeated key).
#[derive(Clone, Default)]
pub struct Dict {
    entries: Vec<(CompactString, Value)>,
    /// Positions in `entries`, by key, once the dict has [`INDEXED_FROM`] entries.
    index: Option<Box<Index>>,
}

/// The hash index of a large dict: entry positions, hashed by their keys.
#[derive(Clone)]
struct Index {
    table: HashTable<usize>,
    hasher: RandomState,
}

impl Index {
    fn of(entries: &[(CompactString, Value)]) -> Box<Index> {
        let mut index = Box::new(Index {
            table: HashTable::with_capacity(entries.len()),
            hasher: RandomState::new(),
        });
        for (position, (key, _)) in entries.iter().enumerate() {
            index.add(entries, key, position);
        }
        index
    }

    fn find(&self, entries: &[(CompactString, Value)], key: &str) -> Option<usize> {
        let hash = self.hasher.hash_one(key);
        self.table.find(hash, |&at| entries[at].0 == key).copied()
    }

    fn add(&mut self, entries: &[(CompactString, Value)], key: &str, position: usize) {
        let hasher = &self.hasher;
        self.table
            .insert_unique(hasher.hash_one(key), position, |&at| {
                hasher.hash_one(entries[at].0.as_str())
            });
    }
}

impl Dict {
    /// An empty dict; allocates nothing.
    pub const fn new() -> Dict {
        Dict {
            entries: Vec::new(),
            index: None,
        }
    }

    /// An empty dict with room for `capacity` entries.
    pub fn with_capacity(capacity: usize) -> Dict {
        Dict {
            entries: Vec::with_capacity(capacity),
            index: None,
        }
    }

    /// The number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the dict has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.find(&self.entries, key),
            None => self.entries.iter().position(|(k, _)| k == key),
        }
    }

    /// The value of `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.position(key).map(|at| &self.entries[at].1)
    }

    /// The value of `key`, mutably.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.position(key).map(|at| &mut self.entries[at].1)
    }

    /// The entry at `position` in insertion order.
    pub fn get_index(&self, position: usize) -> Option<(&str, &Value)> {
        self.entries.get(position).map(|(k, v)| (k.as_str(), v))
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.position(key).is_some()
    }

    /// Sets `key` to `value`, returning the value it replaces. A new key goes last; a present
    /// one keeps its position.
    pub fn insert(
        &mut self,
        key: impl Into<CompactString>,
        value: impl Into<Value>,
    ) -> Option<Value> {
        let (key, value) = (key.into(), value.into());
        if let Some(at) = self.position(&key) {
            return Some(core::mem::replace(&mut self.entries[at].1, value));
        }
        let position = self.entries.len();
        match &mut self.index {
            Some(index) => index.add(&self.entries, &key, position),
            None if position + 1 >= INDEXED_FROM => {
                self.entries.push((key, value));
                self.index = Some(Index::of(&self.entries));
                return None;
            }
            None => {}
        }
        self.entries.push((key, value));
        None
    }

    /// Removes `key`, keeping the order of the others, and returns its value. Takes time in
    /// proportion to the dict's size.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let at = self.position(key)?;
        let (_, value) = self.entries.remove(at);
        if self.index.is_some() {
            self.index = (self.entries.len() >= INDEXED_FROM).then(|| Index::of(&self.entries));
        }
        Some(value)
    }

    /// Keeps only the entries for which `keep` returns true, in their order.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &mut Value) -> bool) {
        let before = self.entries.len();
        self.entries.retain_mut(|(k, v)| keep(k, v));
        if self.entries.len() != before && self.index.is_some() {
            self.index = (self.entries.len() >= INDEXED_FROM).then(|| Index::of(&self.entries));
        }
    }

    /// Removes every entry, keeping the allocation.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.index = None;
    }

    /// The entries in insertion order.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.entries.iter())
    }

    /// The entries in insertion order, with mutable values.
    pub fn iter_mut(&mut self) -> impl ExactSizeIterator<Item = (&str, &mut Value)> {
        self.entries.iter_mut().map(|(k, v)| (k.as_str(), v))
    }

    /// The keys in insertion order.
    pub fn keys(&self) -> impl ExactSizeIterator<Item = &str> + DoubleEndedIterator {
        self.entries.iter().map(|(k, _)| k.as_str())
    }

    /// The values in insertion order.
    pub fn values(&self) -> impl ExactSizeIterator<Item = &Value> + DoubleEndedIterator {
        self.entries.iter().map(|(_, v)| v)
    }
}

/// The entries of a [`Dict`] in insertion order.
#[derive(Clone, Debug)]
pub struct Iter<'a>(core::slice::Iter<'a, (CompactString, Value)>);

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a str, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k.as_str(), v))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k.as_str(), v))
    }
}

impl<'a> IntoIterator for &'a Dict {
    type Item = (&'a str, &'a Value);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for Dict {
    type Item = (CompactString, Value);
    type IntoIter = std::vec::IntoIter<(CompactString, Value)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.into_iter()
    }
}

impl<K: Into<CompactString>, V: Into<Value>> Extend<(K, V)> for Dict {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, entries: I) {
        for (k, v) in entries {
            self.insert(k, v);
        }
    }
}

impl<K: Into<CompactString>, V: Into<Value>> FromIterator<(K, V)> for Dict {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(entries: I) -> Dict {
        let mut dict = Dict::new();
        dict.extend(entries);
        dict
    }
}

impl<K: Into<CompactString>, V: Into<Value>, const N: usize> From<[(K, V); N]> for Dict {
    fn from(entries: [(K, V); N]) -> Dict {
        entries.into_iter().collect()
    }
}

/// Equal when both hold the same keys with equal values, in any order (as Python's `dict`).
impl PartialEq for Dict {
    fn eq(&self, other: &Dict) -> bool {
        self.len() == other.len() && self.iter().all(|(k, v)| other.get(k) == Some(v))
    }
}

impl fmt::Debug for Dict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl core::ops::Index<&str> for Dict {
    type Output = Value;

    /// The value of `key`.
    ///
    /// # Panics
    /// When `key` is absent; [`Dict::get`] does not panic.
    fn index(&self, key: &str) -> &Value {
        match self.get(key) {
            Some(value) => value,
            None => panic!("no key {key:?} in the dict"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(n: usize) -> Dict {
        (0..n).map(|i| (format!("k{i}"), i as i64)).collect()
    }

    #[test]
    fn repeated_key_replaces_in_place() {
        let mut d = Dict::new();
        assert_eq!(d.insert("a", 1), None);
        d.insert("b", 2);
        assert_eq!(d.insert("a", 3), Some(Value::Int(1)));
        assert_eq!(d.keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(d["a"], Value::Int(3));
    }

    #[test]
    fn lookups_agree_below_and_above_the_index_threshold() {
        for n in [0, 1, INDEXED_FROM - 1, INDEXED_FROM, INDEXED_FROM + 1, 200] {
            let mut d = numbered(n);
            assert_eq!(d.index.is_some(), n >= INDEXED_FROM, "{n} entries");
            for i in 0..n {
                assert_eq!(d.get(&format!("k{i}")), Some(&Value::Int(i as i64)));
            }
            assert_eq!(d.get("absent"), None);
            // a repeated key, then a removal, keep order and lookups right
            d.insert("k0", -1);
            assert_eq!(d.len(), n.max(1));
            if n > 2 {
                assert_eq!(d.remove("k1"), Some(Value::Int(1)));
                assert_eq!(d.get("k1"), None);
                let last = format!("k{}", n - 1);
                assert_eq!(d.get(&last), Some(&Value::Int(n as i64 - 1)));
                assert_eq!(d.keys().nth(1), Some("k2"));
            }
        }
    }

    #[test]
    fn equality_ignores_order() {
        let forward = numbered(40);
        let backward: Dict = forward.iter().rev().map(|(k, v)| (k, v.clone())).collect();
        assert_eq!(forward, backward);
        let mut changed = backward.clone();
        changed.insert("k7", "seven");
        assert_ne!(forward, changed);
    }

    #[test]
    fn a_value_is_four_words() {
        assert_eq!(core::mem::size_of::<Value>(), 32);
    }
}
