//! WAMP over WebSocket: what WAMP adds on top of a WebSocket library (this crate has none of
//! its own): the subprotocol names negotiated in the opening handshake, whether messages go as
//! text or binary, and batched mode, where one WebSocket message carries several WAMP messages.
//!
//! The subprotocols are the [`Serializer`]s' names with `wamp.2.` in front. Autobahn defines a
//! batched form for JSON, MessagePack and CBOR, not for FlatBuffers. In batched mode (as
//! autobahn's `serializer.py` writes it):
//!
//! * JSON follows every message with the octet `0x18` (Python's `b"\30"`, an octal escape).
//!   JSON text cannot contain a raw `0x18`, which it would have to escape.
//! * MessagePack and CBOR put every message after its length, 4 octets big-endian
//!   (`struct.pack("!L", len)`).
//!
//! ```
//! use wamp_codec::transport::websocket::{negotiate, MessageKind, Subprotocol};
//! // the client's Sec-WebSocket-Protocol header, the router's preference
//! let offered = "wamp.2.json, wamp.2.cbor.batched, wamp.2.msgpack";
//! let chosen = negotiate(offered.split(','), &[Subprotocol::CBOR_BATCHED, Subprotocol::JSON]);
//! assert_eq!(chosen, Some(Subprotocol::CBOR_BATCHED));
//! assert_eq!(chosen.unwrap().message_kind(), MessageKind::Binary);
//!
//! let mut frame = Vec::new();
//! Subprotocol::JSON_BATCHED.append(b"[6,{},\"wamp.close.normal\"]", &mut frame)?;
//! Subprotocol::JSON_BATCHED.append(b"[1,\"realm1\",{}]", &mut frame)?;
//! let messages: Vec<&[u8]> = Subprotocol::JSON_BATCHED
//!     .messages(&frame, 1 << 20)
//!     .collect::<Result<_, _>>()?;
//! assert_eq!(messages, [&b"[6,{},\"wamp.close.normal\"]"[..], b"[1,\"realm1\",{}]"]);
//! # Ok::<(), wamp_codec::transport::websocket::BatchError>(())
//! ```

use core::fmt;

use crate::serializer::{Format, Serializer};

/// The length of a binary batch's prefix.
const LENGTH_PREFIX: usize = 4;

/// A WAMP WebSocket subprotocol: a format, batched or not (`wamp.2.json`,
/// `wamp.2.msgpack.batched`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Subprotocol(Serializer);

/// Whether a subprotocol's WebSocket messages are text or binary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageKind {
    /// UTF-8 text: "With `wamp.2.json`, *all* WebSocket messages MUST BE of type **text**".
    Text,
    /// Binary: every other serializer.
    Binary,
}

impl Subprotocol {
    /// `wamp.2.json`.
    #[cfg(feature = "json")]
    pub const JSON: Subprotocol = Subprotocol(Serializer::JSON);
    /// `wamp.2.json.batched`.
    #[cfg(feature = "json")]
    pub const JSON_BATCHED: Subprotocol = Subprotocol(Serializer::JSON_BATCHED);
    /// `wamp.2.msgpack`.
    #[cfg(feature = "msgpack")]
    pub const MSGPACK: Subprotocol = Subprotocol(Serializer::MSGPACK);
    /// `wamp.2.msgpack.batched`.
    #[cfg(feature = "msgpack")]
    pub const MSGPACK_BATCHED: Subprotocol = Subprotocol(Serializer::MSGPACK_BATCHED);
    /// `wamp.2.cbor`.
    #[cfg(feature = "cbor")]
    pub const CBOR: Subprotocol = Subprotocol(Serializer::CBOR);
    /// `wamp.2.cbor.batched`.
    #[cfg(feature = "cbor")]
    pub const CBOR_BATCHED: Subprotocol = Subprotocol(Serializer::CBOR_BATCHED);
    /// `wamp.2.flatbuffers` (no batched form).
    #[cfg(feature = "flatbuffers")]
    pub const FLATBUFFERS: Subprotocol = Subprotocol(Serializer::FLATBUFFERS);

    /// Every subprotocol, in [`Serializer::ALL`]'s order.
    pub const ALL: &'static [Subprotocol] = &[
        #[cfg(feature = "json")]
        Subprotocol::JSON,
        #[cfg(feature = "json")]
        Subprotocol::JSON_BATCHED,
        #[cfg(feature = "msgpack")]
        Subprotocol::MSGPACK,
        #[cfg(feature = "msgpack")]
        Subprotocol::MSGPACK_BATCHED,
        #[cfg(feature = "cbor")]
        Subprotocol::CBOR,
        #[cfg(feature = "cbor")]
        Subprotocol::CBOR_BATCHED,
        #[cfg(feature = "flatbuffers")]
        Subprotocol::FLATBUFFERS,
    ];

    /// The subprotocol of `format`, batched or not; `None` for batched FlatBuffers, which
    /// autobahn does not define.
    pub fn new(format: Format, batched: bool) -> Option<Subprotocol> {
        Subprotocol::ALL
            .iter()
            .copied()
            .find(|s| s.format() == format && s.is_batched() == batched)
    }

    /// The subprotocol named `name` (exactly, as the WebSocket handshake carries it).
    pub fn parse(name: &str) -> Option<Subprotocol> {
        Serializer::from_subprotocol(name).map(Subprotocol)
    }

    /// The name, as it goes in `Sec-WebSocket-Protocol`.
    pub const fn name(self) -> &'static str {
        self.0.subprotocol()
    }

    /// The wire format.
    pub const fn format(self) -> Format {
        self.0.format()
    }

    /// Whether one WebSocket message carries several WAMP messages.
    pub const fn is_batched(self) -> bool {
        self.0.is_batched()
    }

    /// The serializer, to encode and decode messages with.
    pub const fn serializer(self) -> Serializer {
        self.0
    }

    /// Whether the WebSocket messages are text or binary.
    pub const fn message_kind(self) -> MessageKind {
        if self.0.is_binary() {
            MessageKind::Binary
        } else {
            MessageKind::Text
        }
    }

    /// The WAMP messages of one WebSocket message, borrowed from it: the whole of it when
    /// unbatched, else each message of the batch. A message longer than `max_message` octets,
    /// or one cut short, is an error (for a binary batch, found from the length prefix alone),
    /// after which the iterator ends.
    pub fn messages(self, frame: &[u8], max_message: usize) -> Messages<'_> {
        Messages {
            subprotocol: self,
            frame,
            offset: 0,
            max_message,
            done: false,
        }
    }

    /// Appends one serialized message to `out`, the WebSocket message being built: with its
    /// terminator or length prefix when batched. An unbatched subprotocol takes one message per
    /// WebSocket message, so `out` must then be empty.
    pub fn append(self, message: &[u8], out: &mut Vec<u8>) -> Result<(), BatchError> {
        match (self.is_batched(), self.format().batch_separator()) {
            (false, _) if out.is_empty() => out.extend_from_slice(message),
            (false, _) => return Err(BatchError::Unbatched(self)),
            (true, Some(separator)) => {
                if let Some(at) = message.iter().position(|&b| b == separator) {
                    return Err(BatchError::SeparatorInMessage { at });
                }
                out.extend_from_slice(message);
                out.push(separator);
            }
            (true, None) => {
                let len = u32::try_from(message.len())
                    .map_err(|_| BatchError::TooLongForPrefix { len: message.len() })?;
                out.extend_from_slice(&len.to_be_bytes());
                out.extend_from_slice(message);
            }
        }
        Ok(())
    }
}

impl From<Serializer> for Subprotocol {
    fn from(serializer: Serializer) -> Subprotocol {
        Subprotocol(serializer)
    }
}

impl fmt::Display for Subprotocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The router's choice: the first of `preference` that the client offered, if any. Offered
/// names are trimmed of spaces, so a `Sec-WebSocket-Protocol` header can be passed split at
/// its commas; names the crate does not know are skipped.
pub fn negotiate<'a>(
    offered: impl IntoIterator<Item = &'a str>,
    preference: &[Subprotocol],
) -> Option<Subprotocol> {
    let offered: Vec<Subprotocol> = offered
        .into_iter()
        .filter_map(|name| Subprotocol::parse(name.trim()))
        .collect();
    preference.iter().copied().find(|p| offered.contains(p))
}

/// A WebSocket message that does not split into WAMP messages, or a message that cannot join
/// a batch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BatchError {
    /// A message longer than the receiver accepts.
    #[error("wamp message of {len} bytes at offset {offset} exceeds the maximum of {max}")]
    TooLong {
        /// Where the message starts in the WebSocket message.
        offset: usize,
        /// Its length (as claimed by its prefix, in a binary batch).
        len: usize,
        /// The receiver's limit.
        max: usize,
    },
    /// A binary batch that ends inside a length prefix.
    #[error("batch ends inside a length prefix at offset {offset} ({available} of 4 bytes)")]
    TruncatedPrefix {
        /// Where the prefix starts.
        offset: usize,
        /// How many of its octets are there.
        available: usize,
    },
    /// A binary batch that ends before the message its prefix announces.
    #[error("batched message of {len} bytes but only {available} bytes follow at offset {offset}")]
    Truncated {
        /// Where the prefix starts.
        offset: usize,
        /// The length it claims.
        len: usize,
        /// The octets left after it.
        available: usize,
    },
    /// A JSON batch whose last message lacks its `0x18` terminator.
    #[error("json batch: the message at offset {offset} lacks its 0x18 terminator")]
    Unterminated {
        /// Where the message starts.
        offset: usize,
    },
    /// A message to add to a JSON batch that contains the terminator `0x18` (not JSON, which
    /// escapes control characters).
    #[error("json message contains the batch terminator 0x18 at offset {at}")]
    SeparatorInMessage {
        /// Where in the message.
        at: usize,
    },
    /// A message too long for a 4-octet length prefix.
    #[error("a message of {len} bytes does not fit a batch's 4-byte length prefix")]
    TooLongForPrefix {
        /// Its length.
        len: usize,
    },
    /// A second message for one WebSocket message of an unbatched subprotocol.
    #[error("{0} carries one wamp message per websocket message, not a batch")]
    Unbatched(Subprotocol),
}

/// The WAMP messages of one WebSocket message ([`Subprotocol::messages`]).
#[derive(Debug, Clone)]
pub struct Messages<'a> {
    subprotocol: Subprotocol,
    frame: &'a [u8],
    offset: usize,
    max_message: usize,
    done: bool,
}

impl<'a> Messages<'a> {
    /// The next message and where the one after it starts.
    fn split_next(&self) -> Result<(&'a [u8], usize), BatchError> {
        let (offset, max) = (self.offset, self.max_message);
        let rest = &self.frame[offset..];
        let too_long = |len| BatchError::TooLong { offset, len, max };
        let separator = self.subprotocol.format().batch_separator();
        let (message, next) = match (self.subprotocol.is_batched(), separator) {
            (false, _) => (rest, self.frame.len()),
            (true, Some(separator)) => {
                let len = rest
                    .iter()
                    .position(|&b| b == separator)
                    .ok_or(BatchError::Unterminated { offset })?;
                (&rest[..len], offset + len + 1)
            }
            (true, None) => {
                let Some((prefix, body)) = rest.split_first_chunk::<LENGTH_PREFIX>() else {
                    return Err(BatchError::TruncatedPrefix {
                        offset,
                        available: rest.len(),
                    });
                };
                let len = u32::from_be_bytes(*prefix) as usize;
                // checked before the body is looked at
                if len > max {
                    return Err(too_long(len));
                }
                let message = body.get(..len).ok_or(BatchError::Truncated {
                    offset,
                    len,
                    available: body.len(),
                })?;
                (message, offset + LENGTH_PREFIX + len)
            }
        };
        if message.len() > max {
            return Err(too_long(message.len()));
        }
        Ok((message, next))
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<&'a [u8], BatchError>;

    fn next(&mut self) -> Option<Self::Item> {
        // An unbatched frame is one message even when empty; a batch ends with its octets.
        let exhausted = self.offset == self.frame.len() && self.subprotocol.is_batched();
        if self.done || exhausted {
            return None;
        }
        let next = self.split_next();
        match next {
            Ok((message, next)) => {
                self.offset = next;
                self.done = next >= self.frame.len() && !self.subprotocol.is_batched();
                Some(Ok(message))
            }
            Err(err) => {
                self.done = true;
                Some(Err(err))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(subprotocol: Subprotocol, frame: &[u8], max: usize) -> Vec<Result<&[u8], BatchError>> {
        subprotocol.messages(frame, max).collect()
    }

    #[test]
    fn names_round_trip_and_match_the_spec() {
        let names = [
            "wamp.2.json",
            "wamp.2.json.batched",
            "wamp.2.msgpack",
            "wamp.2.msgpack.batched",
            "wamp.2.cbor",
            "wamp.2.cbor.batched",
            "wamp.2.flatbuffers",
        ];
        for (subprotocol, name) in Subprotocol::ALL.iter().copied().zip(names) {
            assert_eq!(subprotocol.name(), name);
            assert_eq!(Subprotocol::parse(name), Some(subprotocol));
            assert_eq!(
                Subprotocol::new(subprotocol.format(), subprotocol.is_batched()),
                Some(subprotocol)
            );
        }
        assert_eq!(Subprotocol::new(Format::Flatbuffers, true), None);
        for unknown in [
            "wamp.2.ubjson",
            "wamp.2.JSON",
            " wamp.2.json",
            "wamp.2.flatbuffers.batched",
            "",
        ] {
            assert_eq!(Subprotocol::parse(unknown), None, "{unknown:?}");
        }
    }

    #[test]
    fn text_for_json_binary_otherwise() {
        for &subprotocol in Subprotocol::ALL {
            let expected = if subprotocol.format() == Format::Json {
                MessageKind::Text
            } else {
                MessageKind::Binary
            };
            assert_eq!(subprotocol.message_kind(), expected, "{subprotocol}");
        }
    }

    #[test]
    fn negotiation_follows_the_routers_preference() {
        let router = [Subprotocol::CBOR, Subprotocol::MSGPACK, Subprotocol::JSON];
        let offered = ["wamp.2.json", "wamp.2.msgpack"];
        assert_eq!(negotiate(offered, &router), Some(Subprotocol::MSGPACK));
        assert_eq!(
            negotiate("wamp.2.json ,  wamp.2.cbor,x-unknown".split(','), &router),
            Some(Subprotocol::CBOR)
        );
        assert_eq!(negotiate(["wamp.2.json.batched", "mqtt"], &router), None);
        assert_eq!(negotiate([], &router), None);
        assert_eq!(negotiate(offered, &[]), None);
    }

    #[test]
    fn json_batch_split_and_join() {
        // [1] 0x18 ["a"] 0x18
        let wire = b"[1]\x18[\"a\"]\x18";
        let mut joined = Vec::new();
        for message in [&b"[1]"[..], b"[\"a\"]"] {
            Subprotocol::JSON_BATCHED
                .append(message, &mut joined)
                .unwrap();
        }
        assert_eq!(joined, wire);
        assert_eq!(
            split(Subprotocol::JSON_BATCHED, wire, 100),
            [Ok(&b"[1]"[..]), Ok(b"[\"a\"]")]
        );
        assert_eq!(split(Subprotocol::JSON_BATCHED, b"", 100), []);
    }

    #[test]
    fn binary_batch_split_and_join() {
        // 00 00 00 02 | 91 01 (msgpack [1]) | 00 00 00 00 (an empty message) | 00 00 00 01 | c0
        let wire = [0, 0, 0, 2, 0x91, 0x01, 0, 0, 0, 0, 0, 0, 0, 1, 0xC0];
        for subprotocol in [Subprotocol::MSGPACK_BATCHED, Subprotocol::CBOR_BATCHED] {
            let mut joined = Vec::new();
            for message in [&[0x91, 0x01][..], &[], &[0xC0]] {
                subprotocol.append(message, &mut joined).unwrap();
            }
            assert_eq!(joined, wire);
            assert_eq!(
                split(subprotocol, &wire, 2),
                [Ok(&[0x91, 0x01][..]), Ok(&[][..]), Ok(&[0xC0][..])]
            );
        }
    }

    #[test]
    fn truncated_batches() {
        let msgpack = Subprotocol::MSGPACK_BATCHED;
        // a full message, then 00 00 00 05 with 2 of its 5 octets
        let cut_body = [0, 0, 0, 1, 0xC0, 0, 0, 0, 5, 0x91, 0x01];
        assert_eq!(
            split(msgpack, &cut_body, 100),
            [
                Ok(&[0xC0][..]),
                Err(BatchError::Truncated {
                    offset: 5,
                    len: 5,
                    available: 2
                })
            ]
        );
        assert_eq!(
            BatchError::Truncated {
                offset: 5,
                len: 5,
                available: 2
            }
            .to_string(),
            "batched message of 5 bytes but only 2 bytes follow at offset 5"
        );
        // 00 00: half a prefix
        assert_eq!(
            split(msgpack, &[0, 0], 100),
            [Err(BatchError::TruncatedPrefix {
                offset: 0,
                available: 2
            })]
        );
        // JSON without its final 0x18
        assert_eq!(
            split(Subprotocol::JSON_BATCHED, b"[1]\x18[2]", 100),
            [Ok(&b"[1]"[..]), Err(BatchError::Unterminated { offset: 4 })]
        );
    }

    #[test]
    fn oversize_parts() {
        // FF FF FF FF claims 4 GiB: refused from the prefix, with 1 octet of body present
        assert_eq!(
            split(
                Subprotocol::CBOR_BATCHED,
                &[0xFF, 0xFF, 0xFF, 0xFF, 0x00],
                1 << 20
            ),
            [Err(BatchError::TooLong {
                offset: 0,
                len: u32::MAX as usize,
                max: 1 << 20
            })]
        );
        assert_eq!(
            split(Subprotocol::JSON_BATCHED, b"[1]\x18[1,2]\x18", 3),
            [
                Ok(&b"[1]"[..]),
                Err(BatchError::TooLong {
                    offset: 4,
                    len: 5,
                    max: 3
                })
            ]
        );
        assert_eq!(
            split(Subprotocol::JSON, b"[1,2]", 3),
            [Err(BatchError::TooLong {
                offset: 0,
                len: 5,
                max: 3
            })]
        );
    }

    #[test]
    fn unbatched_is_one_message_per_frame() {
        // even an empty or 0x18-holding frame is one message when unbatched
        assert_eq!(
            split(Subprotocol::JSON, b"[1]\x18", 10),
            [Ok(&b"[1]\x18"[..])]
        );
        assert_eq!(split(Subprotocol::MSGPACK, b"", 10), [Ok(&b""[..])]);
        let mut out = Vec::new();
        Subprotocol::CBOR.append(&[0x80], &mut out).unwrap();
        assert_eq!(
            Subprotocol::CBOR.append(&[0x80], &mut out),
            Err(BatchError::Unbatched(Subprotocol::CBOR))
        );
        assert_eq!(out, [0x80]);
    }

    #[test]
    fn a_json_message_cannot_hold_the_terminator() {
        let mut out = b"[1]\x18".to_vec();
        assert_eq!(
            Subprotocol::JSON_BATCHED.append(b"[\"\x18\"]", &mut out),
            Err(BatchError::SeparatorInMessage { at: 2 })
        );
        assert_eq!(out, b"[1]\x18");
    }

    #[test]
    fn batches_the_serializers_read() {
        // what this module joins, the serializers' own batched decoders split the same way
        use crate::{Message, Publish};
        let messages = [
            Message::from(Publish::new(1, "com.a")),
            Publish::new(2, "com.b").into(),
        ];
        for subprotocol in Subprotocol::ALL.iter().copied().filter(|s| s.is_batched()) {
            let mut frame = Vec::new();
            for message in &messages {
                let bytes = subprotocol.format().encode(message).unwrap();
                subprotocol.append(&bytes, &mut frame).unwrap();
            }
            assert_eq!(
                subprotocol.serializer().decode(&frame).unwrap(),
                messages,
                "{subprotocol}"
            );
            assert_eq!(
                subprotocol.serializer().encode_batch(&messages).unwrap(),
                frame,
                "{subprotocol}"
            );
        }
    }
}
