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

use crate::error::{DecodeError, EncodeError};
use crate::messages::Message;

/// A WAMP serializer as a peer negotiates it: the registry a router looks serializers up in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Serializer {
    /// `wamp.2.json`
    Json,
    /// `wamp.2.msgpack`
    Msgpack,
    /// `wamp.2.cbor`
    Cbor,
    /// `wamp.2.flatbuffers`
    Flatbuffers,
}

impl Serializer {
    /// All serializers.
    pub const ALL: [Serializer; 4] = [
        Serializer::Json,
        Serializer::Msgpack,
        Serializer::Cbor,
        Serializer::Flatbuffers,
    ];

    /// The serializer id autobahn uses (`json`, `msgpack`, `cbor`, `flatbuffers`).
    pub const fn id(self) -> &'static str {
        match self {
            Serializer::Json => "json",
            Serializer::Msgpack => "msgpack",
            Serializer::Cbor => "cbor",
            Serializer::Flatbuffers => "flatbuffers",
        }
    }

    /// The serializer with id `id`.
    pub fn from_id(id: &str) -> Option<Serializer> {
        Serializer::ALL.into_iter().find(|s| s.id() == id)
    }

    /// Decodes one message.
    pub fn decode(self, buf: &[u8]) -> Result<Message, DecodeError> {
        match self {
            Serializer::Json => json::from_slice(buf),
            other => Err(DecodeError::syntax(
                other.id(),
                format!("{} is not supported yet", other.id()),
            )),
        }
    }

    /// Encodes one message.
    pub fn encode(self, msg: &Message) -> Result<Vec<u8>, EncodeError> {
        match self {
            Serializer::Json => json::to_vec(msg),
            other => Err(EncodeError::Unrepresentable {
                format: other.id(),
                what: format!("anything: {} is not supported yet", other.id()),
            }),
        }
    }
}
