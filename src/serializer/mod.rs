//! The WAMP serializers: JSON, MessagePack, CBOR (and FlatBuffers, in [`crate::fbs`]), each
//! behind the crate feature of its name.
//!
//! Each text/binary serializer reads the elements of the raw message array and hands them to
//! [`Message::parse_taking`](crate::Message::parse_taking), so every path applies the same
//! validation, and the decoded strings, lists and dicts move into the message uncopied.
//!
//! Encoding does not validate: it writes what the message holds (see
//! [`Message::validate`](crate::Message::validate) for why, and to check a message built in
//! code before it is sent).
//!
//! The codec modules have the same functions with the same signatures: `to_vec` and
//! `encode_into` (a message), `from_slice` and `from_slice_with_limits` (a message),
//! `value_to_vec`, `value_encode_into` and `value_from_slice` (any [`Value`]),
//! `encode_batch` and `batch` (batched mode).

// With no format compiled in, `Format` has no values and its methods' arguments go unused.
#![cfg_attr(
    not(any(feature = "json", feature = "msgpack", feature = "cbor")),
    allow(unused_variables)
)]

#[cfg(any(feature = "msgpack", feature = "cbor"))]
mod bytes_reader;
#[cfg(feature = "cbor")]
#[cfg_attr(docsrs, doc(cfg(feature = "cbor")))]
pub mod cbor;
#[cfg(any(feature = "json", feature = "msgpack", feature = "cbor"))]
mod elements;
mod frames;
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub mod json;
#[cfg(feature = "msgpack")]
#[cfg_attr(docsrs, doc(cfg(feature = "msgpack")))]
pub mod msgpack;
#[cfg(any(feature = "json", feature = "msgpack", feature = "cbor"))]
pub(crate) mod scratch;

/// Bounds a decoder enforces on untrusted input; exceeding one is a [`DecodeError::Limit`]
/// naming it.
///
/// [`DecodeError::Limit`]: crate::DecodeError::Limit
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest message accepted, in bytes.
    pub max_size: usize,
    /// The deepest nesting of lists and maps (the message array itself is depth 1). The
    /// decoders recurse once per level, so keep it in the hundreds at most (JSON also stops at
    /// 128 levels whatever the limit, as serde_json does).
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

/// Checks a decoded message array against `limits`' depth and item counts, as the decoders
/// count them: the array is depth 1, and every list element and map entry is an item.
#[cfg(feature = "flatbuffers")]
fn within_limits(format: &'static str, msg: &[Value], limits: &Limits) -> Result<(), DecodeError> {
    fn count<'v>(
        children: impl Iterator<Item = &'v Value>,
        depth: usize,
        items: &mut usize,
        limits: &Limits,
    ) -> Result<(), (&'static str, usize)> {
        if depth > limits.max_depth {
            return Err(("depth", limits.max_depth));
        }
        for child in children {
            *items += 1;
            if *items > limits.max_items {
                return Err(("items", limits.max_items));
            }
            match child {
                Value::List(l) => count(l.iter(), depth + 1, items, limits)?,
                Value::Map(m) => count(m.values(), depth + 1, items, limits)?,
                _ => {}
            }
        }
        Ok(())
    }
    count(msg.iter(), 1, &mut 0, limits).map_err(|(limit, max)| DecodeError::Limit {
        format,
        limit,
        max,
    })
}

use std::sync::OnceLock;

use bytes::Bytes;

use crate::error::{DecodeError, EncodeError};
use crate::messages::Message;
#[cfg(feature = "flatbuffers")]
use crate::value::Value;

/// Defines [`Format`] and the [`Serializer`] constants from one row per format: the variant,
/// its feature, autobahn's name, the RawSocket id, the MIME type, the unbatched serializer,
/// and the batched one with its framing, if autobahn has one. Every item of a format is gated
/// on its feature.
macro_rules! formats {
    ($(
        $(#[$doc:meta])*
        $variant:ident {
            feature: $feature:literal,
            name: $name:literal,
            rawsocket_id: $rawsocket_id:literal,
            mime_type: $mime_type:literal,
            binary: $binary:literal,
            batch_separator: $batch_separator:expr,
            serializer: $serializer:ident,
            $(batched: $batched:ident, framing: $framing:literal,)?
        }
    )*) => {
        /// A wire format, before the batched/unbatched choice; each is there with the crate
        /// feature of its name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Format {
            $(
                $(#[$doc])*
                #[cfg(feature = $feature)]
                #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
                $variant,
            )*
        }

        impl Format {
            /// Every format compiled in.
            pub const ALL: &'static [Format] = &[$(#[cfg(feature = $feature)] Format::$variant,)*];

            /// The name autobahn uses (`json`, `msgpack`, `cbor`, `flatbuffers`).
            pub const fn name(self) -> &'static str {
                match self {
                    $(#[cfg(feature = $feature)] Format::$variant => $name,)*
                }
            }

            /// The RawSocket serializer id (JSON 1, MessagePack 2, CBOR 3, FlatBuffers 5).
            pub const fn rawsocket_id(self) -> u8 {
                match self {
                    $(#[cfg(feature = $feature)] Format::$variant => $rawsocket_id,)*
                }
            }

            /// The MIME type.
            pub const fn mime_type(self) -> &'static str {
                match self {
                    $(#[cfg(feature = $feature)] Format::$variant => $mime_type,)*
                }
            }

            /// Whether the format needs a binary-clean transport (a WebSocket binary frame).
            pub const fn is_binary(self) -> bool {
                match self {
                    $(#[cfg(feature = $feature)] Format::$variant => $binary,)*
                }
            }

            /// The byte after each message of a batch, for a format whose batches are
            /// separated rather than length-prefixed.
            pub(crate) const fn batch_separator(self) -> Option<u8> {
                match self {
                    $(#[cfg(feature = $feature)] Format::$variant => $batch_separator,)*
                }
            }
        }

        impl Serializer {
            $(
                #[doc = concat!("`", $name, "` (`wamp.2.", $name, "`).")]
                #[cfg(feature = $feature)]
                #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
                pub const $serializer: Serializer = Serializer {
                    format: Format::$variant,
                    batched: false,
                };
                $(
                    #[doc = concat!("`", $name, ".batched`: ", $framing, ".")]
                    #[cfg(feature = $feature)]
                    #[cfg_attr(docsrs, doc(cfg(feature = $feature)))]
                    pub const $batched: Serializer = Serializer {
                        format: Format::$variant,
                        batched: true,
                    };
                )?
            )*

            /// Every serializer compiled in, as a slice ([`Serializer::ALL`] is this array).
            const ALL_SLICE: &'static [Serializer] = &[
                $(
                    #[cfg(feature = $feature)]
                    Serializer::$serializer,
                    $(#[cfg(feature = $feature)] Serializer::$batched,)?
                )*
            ];

            /// The serializer id (`json`, `cbor.batched`, ...).
            pub const fn id(self) -> &'static str {
                match (self.format, self.batched) {
                    $(
                        #[cfg(feature = $feature)]
                        (Format::$variant, false) => $name,
                        // (never constructed for a format without a batched form)
                        #[cfg(feature = $feature)]
                        (Format::$variant, true) => concat!($name, ".batched"),
                    )*
                }
            }

            /// The WebSocket subprotocol (`wamp.2.` and the id).
            pub const fn subprotocol(self) -> &'static str {
                match (self.format, self.batched) {
                    $(
                        #[cfg(feature = $feature)]
                        (Format::$variant, false) => concat!("wamp.2.", $name),
                        #[cfg(feature = $feature)]
                        (Format::$variant, true) => concat!("wamp.2.", $name, ".batched"),
                    )*
                }
            }
        }
    };
}

formats! {
    /// JSON.
    Json {
        feature: "json",
        name: "json",
        rawsocket_id: 1,
        mime_type: "application/json",
        binary: false,
        batch_separator: Some(json::BATCH_SEPARATOR),
        serializer: JSON,
        batched: JSON_BATCHED,
        framing: "each message followed by `0x18`",
    }
    /// MessagePack.
    Msgpack {
        feature: "msgpack",
        name: "msgpack",
        rawsocket_id: 2,
        mime_type: "application/x-msgpack",
        binary: true,
        batch_separator: None,
        serializer: MSGPACK,
        batched: MSGPACK_BATCHED,
        framing: "each message after a 4-byte big-endian length",
    }
    /// CBOR.
    Cbor {
        feature: "cbor",
        name: "cbor",
        rawsocket_id: 3,
        mime_type: "application/cbor",
        binary: true,
        batch_separator: None,
        serializer: CBOR,
        batched: CBOR_BATCHED,
        framing: "each message after a 4-byte big-endian length",
    }
    /// FlatBuffers (autobahn has no batched form).
    Flatbuffers {
        feature: "flatbuffers",
        name: "flatbuffers",
        rawsocket_id: 5,
        mime_type: "application/x-flatbuffers",
        binary: true,
        batch_separator: None,
        serializer: FLATBUFFERS,
    }
}

impl Format {
    /// The format named `name`.
    pub fn from_name(name: &str) -> Option<Format> {
        Format::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// Decodes one message.
    pub fn decode(self, buf: &[u8]) -> Result<Message, DecodeError> {
        match self {
            #[cfg(feature = "json")]
            Format::Json => json::from_slice(buf),
            #[cfg(feature = "msgpack")]
            Format::Msgpack => msgpack::from_slice(buf),
            #[cfg(feature = "cbor")]
            Format::Cbor => cbor::from_slice(buf),
            // Structural checks only, as autobahn (which runs no `parse` rules on this path):
            // autobahn's HELLO/WELCOME carry no roles, which `parse` would reject.
            #[cfg(feature = "flatbuffers")]
            Format::Flatbuffers => Message::try_from(crate::fbs::view::MessageRef::cast(buf)?),
        }
    }

    /// Decodes one message within `limits`.
    ///
    /// For FlatBuffers, `max_size` bounds the buffer (the verifier's `max_buffer_size`) and
    /// the other verifier limits keep their defaults; the CBOR of `args`, `kwargs` and the
    /// extras is decoded within the default limits, and the decoded message is then held to
    /// `max_depth` and `max_items`, counted as the other formats count them.
    pub fn decode_with_limits(self, buf: &[u8], limits: &Limits) -> Result<Message, DecodeError> {
        match self {
            #[cfg(feature = "json")]
            Format::Json => json::from_slice_with_limits(buf, limits),
            #[cfg(feature = "msgpack")]
            Format::Msgpack => msgpack::from_slice_with_limits(buf, limits),
            #[cfg(feature = "cbor")]
            Format::Cbor => cbor::from_slice_with_limits(buf, limits),
            #[cfg(feature = "flatbuffers")]
            Format::Flatbuffers => {
                use crate::fbs::view::{MessageRef, VerifierOptions};
                let opts = VerifierOptions {
                    max_buffer_size: limits.max_size,
                    ..VerifierOptions::DEFAULT
                };
                let msg = Message::try_from(MessageRef::cast_with(buf, &opts)?)?;
                within_limits(self.name(), &msg.marshal(), limits)?;
                Ok(msg)
            }
        }
    }

    /// Appends one message's encoding to `out`. The message is not validated (see
    /// [`Message::validate`]).
    pub fn encode_into(self, msg: &Message, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        match self {
            #[cfg(feature = "json")]
            Format::Json => json::encode_into(msg, out),
            #[cfg(feature = "msgpack")]
            Format::Msgpack => msgpack::encode_into(msg, out),
            #[cfg(feature = "cbor")]
            Format::Cbor => cbor::encode_into(msg, out),
            #[cfg(feature = "flatbuffers")]
            Format::Flatbuffers => {
                out.extend_from_slice(&crate::fbs::builder::to_vec(msg)?);
                Ok(())
            }
        }
    }

    /// Encodes one message, not validated (see [`Message::validate`]).
    pub fn encode(self, msg: &Message) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(128);
        self.encode_into(msg, &mut out)?;
        Ok(out)
    }
}

/// A WAMP serializer as peers negotiate it: a format, batched or not. This is the registry a
/// router looks serializers up in, by id, WebSocket subprotocol or RawSocket id.
///
/// ```
/// # #[cfg(all(feature = "msgpack", feature = "cbor"))] {
/// use wamp_codec::serializer::{Format, Serializer};
/// let s = Serializer::from_subprotocol("wamp.2.msgpack.batched").unwrap();
/// assert_eq!((s.format(), s.is_batched(), s.id()), (Format::Msgpack, true, "msgpack.batched"));
/// assert_eq!(Serializer::from_rawsocket_id(3), Some(Serializer::CBOR));
/// # }
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Serializer {
    format: Format,
    batched: bool,
}

impl Serializer {
    /// Every serializer compiled in.
    pub const ALL: [Serializer; Serializer::ALL_SLICE.len()] =
        match Serializer::ALL_SLICE.first_chunk() {
            Some(all) => *all,
            None => unreachable!(),
        };

    /// The wire format.
    pub const fn format(self) -> Format {
        self.format
    }

    /// Whether several messages travel in one transport frame.
    pub const fn is_batched(self) -> bool {
        self.batched
    }

    /// The RawSocket serializer id (RawSocket frames messages itself, so it has no batched
    /// serializers).
    pub const fn rawsocket_id(self) -> u8 {
        self.format.rawsocket_id()
    }

    /// The MIME type.
    pub const fn mime_type(self) -> &'static str {
        self.format.mime_type()
    }

    /// Whether the serializer needs a binary-clean transport.
    pub const fn is_binary(self) -> bool {
        self.format.is_binary()
    }

    /// The index of this serializer in [`Serializer::ALL`] (every value is one of them: the
    /// constants are the only constructors).
    const fn index(self) -> usize {
        let mut i = 0;
        while i < Serializer::ALL.len() {
            let s = Serializer::ALL[i];
            if s.format as u8 == self.format as u8 && s.batched == self.batched {
                return i;
            }
            i += 1;
        }
        unreachable!()
    }

    /// The serializer with id `id`.
    pub fn from_id(id: &str) -> Option<Serializer> {
        Serializer::ALL.into_iter().find(|s| s.id() == id)
    }

    /// The serializer a WebSocket subprotocol names.
    pub fn from_subprotocol(subprotocol: &str) -> Option<Serializer> {
        Serializer::ALL
            .into_iter()
            .find(|s| s.subprotocol() == subprotocol)
    }

    /// The (unbatched) serializer a RawSocket handshake names.
    pub fn from_rawsocket_id(id: u8) -> Option<Serializer> {
        Serializer::ALL
            .into_iter()
            .find(|s| !s.batched && s.rawsocket_id() == id)
    }

    /// Encodes one message; in batched mode, as a batch of one.
    pub fn encode(self, msg: &Message) -> Result<Vec<u8>, EncodeError> {
        self.encode_batch(core::slice::from_ref(msg))
    }

    /// Encodes messages into one transport payload. Unbatched serializers take exactly one.
    pub fn encode_batch(self, msgs: &[Message]) -> Result<Vec<u8>, EncodeError> {
        let mut out = Vec::with_capacity(128 * msgs.len());
        match (self.batched, msgs) {
            (false, [msg]) => self.format.encode_into(msg, &mut out)?,
            (false, _) => {
                return Err(EncodeError::Unrepresentable {
                    format: self.format.name(),
                    what: format!("{} messages in one unbatched payload", msgs.len()),
                })
            }
            (true, msgs) => {
                for msg in msgs {
                    self.append_framed(msg, &mut out)?;
                }
            }
        }
        Ok(out)
    }

    fn append_framed(self, msg: &Message, out: &mut Vec<u8>) -> Result<(), EncodeError> {
        let format = self.format;
        match format.batch_separator() {
            Some(separator) => {
                format.encode_into(msg, out)?;
                out.push(separator);
            }
            None => frames::append_frame(format.name(), out, |out| format.encode_into(msg, out))?,
        }
        Ok(())
    }

    /// The frames of a transport payload, borrowed from it: the payload itself when
    /// unbatched, else each message of the batch
    /// ([`Subprotocol::messages`](crate::transport::websocket::Subprotocol::messages), its
    /// errors as syntax errors of the format). After an error the iterator ends.
    #[cfg(any_format)]
    pub fn frames(self, buf: &[u8]) -> impl Iterator<Item = Result<&[u8], DecodeError>> {
        let format = self.format.name();
        crate::transport::websocket::Subprotocol::from(self)
            .messages(buf, usize::MAX)
            .map(move |frame| frame.map_err(|err| DecodeError::syntax(format, err.to_string())))
    }

    /// Decodes every message of a transport payload.
    #[cfg(any_format)]
    pub fn decode(self, buf: &[u8]) -> Result<Vec<Message>, DecodeError> {
        self.frames(buf)
            .map(|frame| self.format.decode(frame?))
            .collect()
    }

    /// Decodes every message of a transport payload, each within `limits`
    /// ([`Format::decode_with_limits`]).
    #[cfg(any_format)]
    pub fn decode_with_limits(
        self,
        buf: &[u8],
        limits: &Limits,
    ) -> Result<Vec<Message>, DecodeError> {
        self.frames(buf)
            .map(|frame| self.format.decode_with_limits(frame?, limits))
            .collect()
    }
}

/// A message with its serializations cached, one per serializer, as autobahn caches them.
///
/// Unlike autobahn, whose cache returns stale bytes after the message changes, the cache cannot
/// go stale: the message is reachable mutably only through [`CachedMessage::message_mut`],
/// which empties the cache.
#[derive(Debug)]
pub struct CachedMessage {
    message: Message,
    cache: [OnceLock<Bytes>; Serializer::ALL.len()],
}

impl CachedMessage {
    /// Wraps a message, with an empty cache.
    pub fn new(message: Message) -> CachedMessage {
        CachedMessage {
            message,
            cache: Default::default(),
        }
    }

    /// The message.
    pub fn message(&self) -> &Message {
        &self.message
    }

    /// The message, to change it; the cache is emptied.
    pub fn message_mut(&mut self) -> &mut Message {
        self.uncache();
        &mut self.message
    }

    /// The message, unwrapped.
    pub fn into_message(self) -> Message {
        self.message
    }

    /// Empties the cache (autobahn's `uncache()`).
    pub fn uncache(&mut self) {
        self.cache = Default::default();
    }

    /// Whether the bytes for `serializer` are cached.
    pub fn is_cached(&self, serializer: Serializer) -> bool {
        self.cache[serializer.index()].get().is_some()
    }

    /// The message serialized with `serializer`: from the cache, or encoded and cached.
    pub fn serialize(&self, serializer: Serializer) -> Result<Bytes, EncodeError> {
        let slot = &self.cache[serializer.index()];
        if let Some(bytes) = slot.get() {
            return Ok(bytes.clone());
        }
        let bytes = Bytes::from(serializer.encode(self.message())?);
        Ok(slot.get_or_init(|| bytes).clone())
    }
}

impl Clone for CachedMessage {
    fn clone(&self) -> CachedMessage {
        let clone = CachedMessage {
            message: self.message.clone(),
            cache: Default::default(),
        };
        for (to, from) in clone.cache.iter().zip(&self.cache) {
            if let Some(bytes) = from.get() {
                let _ = to.set(bytes.clone());
            }
        }
        clone
    }
}

impl From<Message> for CachedMessage {
    fn from(message: Message) -> CachedMessage {
        CachedMessage::new(message)
    }
}

impl core::ops::Deref for CachedMessage {
    type Target = Message;

    fn deref(&self) -> &Message {
        self.message()
    }
}

impl Message {
    /// Serializes the message with `serializer` (no caching: see [`CachedMessage`]).
    pub fn serialize(&self, serializer: Serializer) -> Result<Vec<u8>, EncodeError> {
        serializer.encode(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Message, Publish};

    #[test]
    fn registry_lookups() {
        for s in Serializer::ALL {
            assert_eq!(Serializer::from_id(s.id()), Some(s));
            assert_eq!(Serializer::from_subprotocol(s.subprotocol()), Some(s));
            assert_eq!(Serializer::ALL[s.index()], s);
        }
        assert_eq!(Serializer::from_rawsocket_id(1), Some(Serializer::JSON));
        assert_eq!(
            Serializer::from_rawsocket_id(5),
            Some(Serializer::FLATBUFFERS)
        );
        assert_eq!(Serializer::from_rawsocket_id(4), None); // UBJSON is not supported
        assert!(!Serializer::JSON.is_binary() && Serializer::CBOR.is_binary());
    }

    #[test]
    fn cache_is_never_stale() {
        let mut cached = CachedMessage::new(Publish::new(1, "com.a").into());
        let first = cached.serialize(Serializer::JSON).unwrap();
        assert!(cached.is_cached(Serializer::JSON));
        assert_eq!(
            cached.serialize(Serializer::JSON).unwrap().as_ptr(),
            first.as_ptr()
        );
        if let Message::Publish(p) = cached.message_mut() {
            p.topic = "com.b".into();
        }
        assert!(!cached.is_cached(Serializer::JSON));
        assert_eq!(
            &cached.serialize(Serializer::JSON).unwrap()[..],
            br#"[16,1,{},"com.b"]"#
        );
        cached.uncache();
        assert!(!cached.is_cached(Serializer::JSON));
    }

    #[test]
    fn json_batches() {
        let msgs = vec![
            Message::from(Publish::new(1, "com.a")),
            Publish::new(2, "com.b").into(),
        ];
        let bytes = Serializer::JSON_BATCHED.encode_batch(&msgs).unwrap();
        assert_eq!(Serializer::JSON_BATCHED.decode(&bytes).unwrap(), msgs);
        assert!(Serializer::JSON.encode_batch(&msgs).is_err());
    }
}
