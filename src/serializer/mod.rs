//! The WAMP serializers: JSON, MessagePack, CBOR (and FlatBuffers, in [`crate::fbs`]).
//!
//! Each text/binary serializer turns bytes into the raw message array and hands it to
//! [`Message::parse`](crate::Message::parse), so every path applies the same validation.

pub mod cbor {
    //! CBOR (in progress).
}
pub mod json;
pub mod msgpack {
    //! MessagePack (in progress).
}

/// Bounds a decoder enforces on untrusted input; exceeding one is a [`DecodeError::Limit`]
/// naming it.
///
/// [`DecodeError::Limit`]: crate::DecodeError::Limit
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest message accepted, in bytes.
    pub max_size: usize,
    /// The deepest nesting of lists and maps (the message array itself is depth 1).
    pub max_depth: usize,
    /// The most items (list elements plus map entries) in one message.
    pub max_items: usize,
}

impl Limits {
    /// 16 MiB messages, 64 levels of nesting, a million items.
    pub const DEFAULT: Limits = Limits {
        max_size: 16 << 20,
        max_depth: 64,
        max_items: 1 << 20,
    };
}

impl Default for Limits {
    fn default() -> Limits {
        Limits::DEFAULT
    }
}
