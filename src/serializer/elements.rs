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
    #[inline]
    pub(crate) fn push(&mut self, value: Value) {
        if self.len < MAX_ELEMENTS {
            // The slot was never written: it holds the initial `null`, which needs no drop (an
            // assignment would call the drop glue on it).
            let old = mem::replace(&mut self.inline[self.len], value);
            debug_assert!(matches!(old, Value::Null));
            mem::forget(old);
        } else {
            if self.spilled.is_empty() {
                self.spilled
                    .extend(self.inline.iter_mut().map(core::mem::take));
            }
            self.spilled.push(value);
        }
        self.len += 1;
    }

    /// The message the elements make, with autobahn's checks; the elements are moved into it.
    #[inline]
    pub(crate) fn parse(mut self) -> Result<Message, DecodeError> {
        let items = if self.spilled.is_empty() {
            &mut self.inline[..self.len]
        } else {
            &mut self.spilled[..]
        };
        Ok(Message::parse_taking(items)?)
    }
}

impl Drop for Elements {
    fn drop(&mut self) {
        // Only the slots below `len` were ever written; the others hold their initial `null`.
        let written = self.len.min(MAX_ELEMENTS);
        for value in &mut self.inline[..written] {
            if !matches!(value, Value::Null) {
                drop(mem::take(value));
            }
        }
    }
}

/// The message a whole decoded value holds: it must be a list (autobahn's `unserialize`
/// check), whose elements are then moved into the message.
pub(crate) fn message_from_value(value: Value) -> Result<Message, DecodeError> {
    match value {
        Value::List(mut items) => Ok(Message::parse_taking(&mut items)?),
        other => Err(ValidationError::protocol(format!(
            "invalid type {} for WAMP message",
            other.type_name()
        ))
        .into()),
    }
}
