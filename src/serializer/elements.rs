//! The step from decoded elements to a [`Message`], shared by the JSON, MessagePack and CBOR
//! decoders.
//!
//! A decoder that finds an array reads its elements one by one into [`Elements`] and parses them
//! with [`Message::parse_taking`], which moves each string, list and dict into its field: no
//! list of the whole message is built and nothing decoded is copied.

use core::mem::{self, ManuallyDrop};

use crate::error::{DecodeError, ValidationError};
use crate::messages::Message;
use crate::value::Value;

/// The most elements a WAMP message has: ERROR with `args` and `kwargs`.
const MAX_ELEMENTS: usize = 7;

/// The elements of a message array, in order. Up to [`MAX_ELEMENTS`] stay on the stack; a
/// longer array, which every message type rejects, moves to the heap so that its length error
/// names its true length.
pub(crate) struct Elements {
    /// Dropped by `Elements`' own `Drop`, which skips the `null`s that parsing leaves (the
    /// array's drop glue would call into `Value`'s for each of the seven).
    inline: ManuallyDrop<[Value; MAX_ELEMENTS]>,
    len: usize,
    spilled: Vec<Value>,
}

impl Elements {
    /// No elements yet.
    #[inline]
    pub(crate) fn new() -> Elements {
        Elements {
            inline: ManuallyDrop::new(Default::default()),
            len: 0,
            spilled: Vec::new(),
        }
    }

    /// Appends the next element.
    ///
    /// Small enough to inline into each branch of a decoder's reading of an element (the
    /// spill to the heap is out of line): called, it took the element through memory, stored
    /// in pieces by the caller and loaded whole here, a store-forwarding stall per element.
    #[inline(always)]
    pub(crate) fn push(&mut self, value: Value) {
        if self.len < MAX_ELEMENTS {
            // The slot was never written: it holds the initial `null`, which needs no drop (an
            // assignment would call the drop glue on it).
            let old = mem::replace(&mut self.inline[self.len], value);
            debug_assert!(matches!(old, Value::Null));
            mem::forget(old);
        } else {
            self.spill(value);
        }
        self.len += 1;
    }

    /// Appends an element past [`MAX_ELEMENTS`], which every message type rejects: the
    /// elements move to the heap, so that the length error names the array's true length.
    #[cold]
    #[inline(never)]
    fn spill(&mut self, value: Value) {
        if self.spilled.is_empty() {
            self.spilled
                .extend(self.inline.iter_mut().map(core::mem::take));
        }
        self.spilled.push(value);
    }

    /// The message the elements make, with autobahn's checks; the elements are moved into it.
    ///
    /// By reference, not by value: moving the elements (over 500 bytes) into the call cost a
    /// copy of them on every decode.
    #[inline]
    pub(crate) fn parse(&mut self) -> Result<Message, DecodeError> {
        let items = if self.spilled.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.spilled[..]
        };
        Message::parse_taking_into(items)
    }
}

impl Drop for Elements {
    fn drop(&mut self) {
        // Only the slots below `len` were ever written; the others hold their initial `null`.
        // Parsing leaves `null`s and the code and IDs, which own nothing: only what owns memory
        // is taken out and dropped (taking each element is a 72-byte copy and a call).
        let written = self.len.min(MAX_ELEMENTS);
        for value in &mut self.inline[..written] {
            if matches!(
                value,
                Value::Str(_) | Value::Bytes(_) | Value::List(_) | Value::Map(_)
            ) {
                drop(mem::take(value));
            }
        }
    }
}

/// The message a whole decoded value holds: it must be a list (autobahn's `unserialize`
/// check), whose elements are then moved into the message.
pub(crate) fn message_from_value(value: Value) -> Result<Message, DecodeError> {
    match value {
        Value::List(mut items) => Message::parse_taking_into(&mut items),
        other => Err(not_a_list(other.type_name())),
    }
}

/// The error for a message that is a value of type `type_name` (a Python type name) rather
/// than a list: shared by the owned decoders and the scanners, which must fail alike.
#[cold]
pub(crate) fn not_a_list(type_name: &str) -> DecodeError {
    ValidationError::protocol(format!("invalid type {type_name} for WAMP message")).into()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dict;
    use crate::serializer::{cbor, json, msgpack};

    /// `raw` encoded by each serializer and decoded again: the element-by-element path.
    fn decode_each(raw: &[Value]) -> Vec<Result<Message, String>> {
        let list = Value::List(raw.to_vec());
        let json_bytes = json::value_to_vec(&list).unwrap();
        let msgpack_bytes = msgpack::value_to_vec(&list).unwrap();
        let cbor_bytes = cbor::value_to_vec(&list).unwrap();
        [
            json::from_slice(&json_bytes),
            msgpack::from_slice(&msgpack_bytes),
            cbor::from_slice(&cbor_bytes),
        ]
        .into_iter()
        .map(|r| r.map_err(|e| e.to_string()))
        .collect()
    }

    fn publish(rest: Vec<Value>) -> Vec<Value> {
        let mut raw = vec![16.into(), 1.into(), dict! {}.into(), "com.t".into()];
        raw.extend(rest);
        raw
    }

    #[test]
    fn decoders_agree_with_parse() {
        let cases = [
            publish(vec![]),
            publish(vec![vec![Value::from("a")].into(), dict! {"k" => 1}.into()]),
            publish(vec![Value::Bytes(vec![1])]),
            publish(vec!["not bytes".into()]),
            vec![
                36.into(),
                1.into(),
                2.into(),
                dict! {"publisher" => "x"}.into(),
            ],
            vec![16.into(), "1".into(), dict! {}.into(), "com.t".into()],
            vec![
                8.into(),
                48.into(),
                1.into(),
                dict! {}.into(),
                "a.b".into(),
                Value::Null,
            ],
            vec![],
            vec!["16".into()],
        ];
        for raw in cases {
            let expected = Message::parse(&raw).map_err(|e| e.to_string());
            for decoded in decode_each(&raw) {
                assert_eq!(decoded, expected, "{raw:?}");
            }
        }
    }

    #[test]
    fn more_elements_than_any_message_has_are_counted() {
        let raw = publish(vec![
            Value::List(vec![]),
            dict! {}.into(),
            7.into(),
            8.into(),
        ]);
        for decoded in decode_each(&raw) {
            assert_eq!(decoded.unwrap_err(), "invalid message length 8 for PUBLISH");
        }
    }

    #[test]
    fn arrays_in_other_encodings_take_the_same_path() {
        // JSON with whitespace first; CBOR self-described, with an indefinite-length array.
        let expected = Message::parse(&publish(vec![])).unwrap();
        let json = b" \n\t[16, 1, {}, \"com.t\"] ";
        assert_eq!(json::from_slice(json).unwrap(), expected);
        let cbor = [
            &[0xd9, 0xd9, 0xf7, 0x9f, 0x10, 0x01, 0xa0, 0x65][..],
            b"com.t",
            &[0xff],
        ]
        .concat();
        assert_eq!(cbor::from_slice(&cbor).unwrap(), expected);
    }

    #[test]
    fn parse_taking_moves_what_parse_copies() {
        let mut raw = publish(vec![]);
        let copied = Message::parse(&raw).unwrap();
        assert_eq!(raw[3], Value::from("com.t"));
        assert_eq!(Message::parse_taking(&mut raw).unwrap(), copied);
        assert_eq!(raw[3], Value::Null);
    }
}
