//! The RawSocket opening handshake: 4 octets from the client, 4 back from the router.
//!
//! ```text
//! request / accepting reply:  0111 1111  LLLL SSSS  RRRR RRRR  RRRR RRRR
//! refusing reply:             0111 1111  EEEE 0000  RRRR RRRR  RRRR RRRR
//! ```
//!
//! `0x7F` is a magic octet no HTTP request starts with (so RawSocket can share a port with
//! WebSocket); `LLLL` is the largest message the sender is willing to *receive*, `2^(9+L)`
//! octets; `SSSS` the serializer; the last two octets are reserved and zero. A reply whose
//! serializer nibble is zero is a refusal, with the reason in `EEEE`.

use core::fmt;

use crate::serializer::{Format, Serializer};

/// The first octet of every handshake, request or reply.
pub const MAGIC: u8 = 0x7F;

/// The largest message a peer is willing to receive, as the handshake carries it: an exponent
/// `L` in `0..=15` for `2^(9+L)` octets, so 512 octets to 16 MiB.
///
/// ```
/// use wamp_codec::transport::rawsocket::MaxLength;
/// assert_eq!(MaxLength::MAX.bytes(), 16 << 20);
/// assert_eq!(MaxLength::at_least(1000).bytes(), 1024);
/// assert_eq!(MaxLength::at_most(1000).bytes(), 512);
/// assert_eq!(MaxLength::new(16), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MaxLength(u8);

impl MaxLength {
    /// 512 octets (`L` = 0).
    pub const MIN: MaxLength = MaxLength(0);
    /// 16 MiB (`L` = 15), the most the handshake can express.
    pub const MAX: MaxLength = MaxLength(15);

    /// The length `2^(9 + exponent)`; `None` unless `exponent` fits the 4-bit field.
    pub const fn new(exponent: u8) -> Option<MaxLength> {
        if exponent <= MaxLength::MAX.0 {
            Some(MaxLength(exponent))
        } else {
            None
        }
    }

    /// The exponent `L`, as it goes on the wire.
    pub const fn exponent(self) -> u8 {
        self.0
    }

    /// The length in octets.
    pub const fn bytes(self) -> usize {
        1 << (9 + self.0 as u32)
    }

    /// The smallest length holding `bytes` octets, or [`MaxLength::MAX`] if none does (how
    /// autobahn rounds its configured maximum: `ceil(log2(size))`).
    pub fn at_least(bytes: usize) -> MaxLength {
        (0..=MaxLength::MAX.0)
            .map(MaxLength)
            .find(|l| l.bytes() >= bytes)
            .unwrap_or(MaxLength::MAX)
    }

    /// The largest length not above `bytes` octets, or [`MaxLength::MIN`] if none is.
    pub fn at_most(bytes: usize) -> MaxLength {
        (0..=MaxLength::MAX.0)
            .rev()
            .map(MaxLength)
            .find(|l| l.bytes() <= bytes)
            .unwrap_or(MaxLength::MIN)
    }

    /// The length in the high nibble of a handshake's second octet.
    const fn from_octet(octet: u8) -> MaxLength {
        MaxLength(octet >> 4)
    }
}

impl fmt::Display for MaxLength {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} bytes", self.bytes())
    }
}

/// A serializer id as the handshake carries it (the low nibble of the second octet). The ids
/// this crate has no serializer for (UBJSON, 4; the reserved 6 to 15) are kept as numbers, so a
/// router can log what a client asked for.
///
/// ```
/// use wamp_codec::serializer::Format;
/// use wamp_codec::transport::rawsocket::SerializerId;
/// assert_eq!(SerializerId::from(Format::Cbor), SerializerId::CBOR);
/// assert_eq!(SerializerId::UBJSON.format(), None);
/// assert_eq!(SerializerId::new(9).map(SerializerId::get), Some(9));
/// assert_eq!(SerializerId::new(0), None); // "0: illegal"
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SerializerId(u8);

impl SerializerId {
    /// 1: JSON.
    pub const JSON: SerializerId = SerializerId(1);
    /// 2: MessagePack.
    pub const MSGPACK: SerializerId = SerializerId(2);
    /// 3: CBOR.
    pub const CBOR: SerializerId = SerializerId(3);
    /// 4: UBJSON (which this crate does not implement).
    pub const UBJSON: SerializerId = SerializerId(4);
    /// 5: FlatBuffers.
    pub const FLATBUFFERS: SerializerId = SerializerId(5);

    /// The id `id`; `None` for 0 ("illegal") and for what does not fit the 4-bit field.
    pub const fn new(id: u8) -> Option<SerializerId> {
        match id {
            1..=15 => Some(SerializerId(id)),
            _ => None,
        }
    }

    /// The number on the wire.
    pub const fn get(self) -> u8 {
        self.0
    }

    /// The format this id names, if the crate has it.
    pub fn format(self) -> Option<Format> {
        Serializer::from_rawsocket_id(self.0).map(Serializer::format)
    }
}

impl From<Format> for SerializerId {
    fn from(format: Format) -> SerializerId {
        SerializerId(format.rawsocket_id())
    }
}

impl fmt::Display for SerializerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.format() {
            Some(format) => write!(f, "{} ({})", self.0, format.name()),
            None if *self == SerializerId::UBJSON => write!(f, "4 (ubjson)"),
            None => write!(f, "{}", self.0),
        }
    }
}

/// Why a router refused a connection: the `EEEE` nibble of a refusing reply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Refusal {
    /// 1: the router does not speak the serializer the client asked for.
    SerializerUnsupported,
    /// 2: the router will not accept the client's maximum message length.
    MaxLengthUnacceptable,
    /// 3: the client set reserved bits (an unsupported feature).
    ReservedBits,
    /// 4: the router has as many connections as it takes.
    ConnectionLimit,
    /// 5 to 15, which the specification reserves for future errors.
    Unknown(u8),
}

impl Refusal {
    /// The error code, `1..=15`.
    pub const fn code(self) -> u8 {
        match self {
            Refusal::SerializerUnsupported => 1,
            Refusal::MaxLengthUnacceptable => 2,
            Refusal::ReservedBits => 3,
            Refusal::ConnectionLimit => 4,
            Refusal::Unknown(code) => code,
        }
    }

    /// The refusal with error code `code`; `None` for 0, which "MUST NOT be used", and for what
    /// does not fit the 4-bit field.
    pub const fn from_code(code: u8) -> Option<Refusal> {
        Some(match code {
            1 => Refusal::SerializerUnsupported,
            2 => Refusal::MaxLengthUnacceptable,
            3 => Refusal::ReservedBits,
            4 => Refusal::ConnectionLimit,
            5..=15 => Refusal::Unknown(code),
            _ => return None,
        })
    }

    /// The 4-octet refusing reply: magic, the code in the high nibble, zeros.
    pub const fn to_bytes(self) -> [u8; 4] {
        [MAGIC, (self.code() & 0x0F) << 4, 0, 0]
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::SerializerUnsupported => f.write_str("serializer unsupported"),
            Refusal::MaxLengthUnacceptable => f.write_str("maximum message length unacceptable"),
            Refusal::ReservedBits => f.write_str("use of reserved bits (unsupported feature)"),
            Refusal::ConnectionLimit => f.write_str("maximum connection count reached"),
            Refusal::Unknown(code) => write!(f, "unknown error code {code}"),
        }
    }
}

/// A handshake that is not RawSocket, or a reply the client cannot use. The router fails the
/// connection on any of them (closes it without a reply); a client closes it too.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HandshakeError {
    /// The first octet is not `0x7F`: the peer does not speak RawSocket.
    #[error("rawsocket handshake starts with {0:#04x}, not the magic octet 0x7f")]
    BadMagic(u8),
    /// The router refused the connection.
    #[error("rawsocket connection refused by the router: {0}")]
    Refused(Refusal),
    /// A refusing reply with error code 0, which the specification forbids.
    #[error("rawsocket handshake reply refuses with the illegal error code 0")]
    IllegalRefusalCode,
    /// A reply whose reserved octets are not zero.
    #[error("rawsocket handshake reply has non-zero reserved octets {0:#06x}")]
    ReservedOctets(u16),
    /// The router accepted a serializer other than the one the client asked for; it "MUST
    /// echo" the client's.
    #[error("rawsocket handshake reply names serializer {replied}, but the client asked for {requested}")]
    SerializerMismatch {
        /// What the client asked for.
        requested: SerializerId,
        /// What the router replied.
        replied: SerializerId,
    },
}

/// What a session over RawSocket has agreed on, on either side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Negotiated {
    /// The serializer both sides use.
    pub format: Format,
    /// The longest message this side may send: the limit the peer asked for.
    pub max_send: MaxLength,
    /// The longest message this side accepts: the limit it asked the peer for.
    pub max_receive: MaxLength,
}

/// The client's side of the handshake: what it asks for, and what it makes of the reply.
///
/// ```
/// use wamp_codec::serializer::Format;
/// use wamp_codec::transport::rawsocket::{ClientHandshake, MaxLength, Reply};
/// let client = ClientHandshake::new(Format::Msgpack, MaxLength::MAX);
/// assert_eq!(client.to_bytes(), [0x7F, 0xF2, 0, 0]);
/// // the router takes msgpack and at most 2^(9+7) = 64 KiB from the client
/// let negotiated = client.finish(&[0x7F, 0x72, 0, 0])?;
/// assert_eq!(negotiated.max_send.bytes(), 65536);
/// assert!(matches!(client.parse_reply(&[0x7F, 0x10, 0, 0])?, Reply::Refused(_)));
/// # Ok::<(), wamp_codec::transport::rawsocket::HandshakeError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientHandshake {
    /// The serializer the client asks for.
    pub format: Format,
    /// The longest message the client accepts from the router.
    pub max_receive: MaxLength,
}

/// A router's reply as the client reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reply {
    /// The router speaks the serializer and accepts messages up to this length from the client.
    Accepted {
        /// The serializer the router echoed.
        serializer: SerializerId,
        /// The longest message the client may send.
        max_length: MaxLength,
    },
    /// The router refused the connection.
    Refused(Refusal),
}

impl ClientHandshake {
    /// A client asking for `format` and accepting messages up to `max_receive`.
    pub const fn new(format: Format, max_receive: MaxLength) -> ClientHandshake {
        ClientHandshake {
            format,
            max_receive,
        }
    }

    /// The 4 octets the client sends first.
    pub const fn to_bytes(self) -> [u8; 4] {
        [
            MAGIC,
            self.max_receive.exponent() << 4 | self.format.rawsocket_id(),
            0,
            0,
        ]
    }

    /// Reads the router's reply: accepted (with the router's limit) or refused.
    pub fn parse_reply(self, reply: &[u8; 4]) -> Result<Reply, HandshakeError> {
        let [magic, octet, r1, r2] = *reply;
        if magic != MAGIC {
            return Err(HandshakeError::BadMagic(magic));
        }
        if r1 != 0 || r2 != 0 {
            return Err(HandshakeError::ReservedOctets(u16::from_be_bytes([r1, r2])));
        }
        match SerializerId::new(octet & 0x0F) {
            Some(serializer) => Ok(Reply::Accepted {
                serializer,
                max_length: MaxLength::from_octet(octet),
            }),
            None => Refusal::from_code(octet >> 4)
                .map(Reply::Refused)
                .ok_or(HandshakeError::IllegalRefusalCode),
        }
    }

    /// Reads the router's reply into the session's parameters; a refusal, or a serializer other
    /// than the one asked for, is an error.
    pub fn finish(self, reply: &[u8; 4]) -> Result<Negotiated, HandshakeError> {
        match self.parse_reply(reply)? {
            Reply::Refused(refusal) => Err(HandshakeError::Refused(refusal)),
            Reply::Accepted {
                serializer,
                max_length,
            } => {
                let requested = SerializerId::from(self.format);
                if serializer != requested {
                    return Err(HandshakeError::SerializerMismatch {
                        requested,
                        replied: serializer,
                    });
                }
                Ok(Negotiated {
                    format: self.format,
                    max_send: max_length,
                    max_receive: self.max_receive,
                })
            }
        }
    }
}

/// The router's side of the handshake: the serializers it serves and the longest message it
/// accepts.
///
/// ```
/// use wamp_codec::serializer::Format;
/// use wamp_codec::transport::rawsocket::{Acceptor, MaxLength, Outcome, Refusal};
/// let acceptor = Acceptor::new([Format::Json, Format::Cbor], MaxLength::at_most(1 << 20));
/// // a JSON client accepting up to 16 MiB
/// match acceptor.accept(&[0x7F, 0xF1, 0, 0])? {
///     Outcome::Accepted { negotiated, reply } => {
///         assert_eq!(negotiated.max_send, MaxLength::MAX);
///         assert_eq!(reply, [0x7F, 0xB1, 0, 0]); // 2^(9+11) = 1 MiB from the client
///     }
///     refused => panic!("{refused:?}"),
/// }
/// // MessagePack is not served
/// assert_eq!(
///     acceptor.accept(&[0x7F, 0xF2, 0, 0])?,
///     Outcome::Refused { refusal: Refusal::SerializerUnsupported, reply: [0x7F, 0x10, 0, 0] },
/// );
/// # Ok::<(), wamp_codec::transport::rawsocket::HandshakeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Acceptor {
    formats: Vec<Format>,
    max_receive: MaxLength,
    min_peer_receive: MaxLength,
}

/// What the router answers a handshake with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// The session's parameters, and the accepting reply to send.
    Accepted {
        /// What the session has agreed on, from the router's side.
        negotiated: Negotiated,
        /// The 4 octets to send back.
        reply: [u8; 4],
    },
    /// Why the router refuses, and the refusing reply to send before closing.
    Refused {
        /// The reason.
        refusal: Refusal,
        /// The 4 octets to send back.
        reply: [u8; 4],
    },
}

impl Outcome {
    /// The 4 octets to send back, either way.
    pub const fn reply(&self) -> [u8; 4] {
        match self {
            Outcome::Accepted { reply, .. } | Outcome::Refused { reply, .. } => *reply,
        }
    }

    fn refused(refusal: Refusal) -> Outcome {
        Outcome::Refused {
            refusal,
            reply: refusal.to_bytes(),
        }
    }
}

impl Acceptor {
    /// A router serving `formats` and accepting messages up to `max_receive` from clients.
    pub fn new(formats: impl IntoIterator<Item = Format>, max_receive: MaxLength) -> Acceptor {
        Acceptor {
            formats: formats.into_iter().collect(),
            max_receive,
            min_peer_receive: MaxLength::MIN,
        }
    }

    /// Refuses clients that accept less than `min` ([`Refusal::MaxLengthUnacceptable`]), for a
    /// router that will not split or drop messages below that size. By default every length is
    /// accepted.
    pub fn require_peer_receive(mut self, min: MaxLength) -> Acceptor {
        self.min_peer_receive = min;
        self
    }

    /// The serializers served.
    pub fn formats(&self) -> &[Format] {
        &self.formats
    }

    /// The longest message accepted from clients.
    pub fn max_receive(&self) -> MaxLength {
        self.max_receive
    }

    /// Answers a client's handshake. Only a wrong magic octet is an error, on which the router
    /// "MUST fail the connection" (close it, sending nothing); every other problem is a
    /// refusal, whose reply the router sends before closing.
    ///
    /// Reserved octets that are not zero are refused as [`Refusal::ReservedBits`] before
    /// anything else is looked at; serializer id 0 ("illegal") and ids the router does not
    /// serve as [`Refusal::SerializerUnsupported`].
    pub fn accept(&self, request: &[u8; 4]) -> Result<Outcome, HandshakeError> {
        let [magic, octet, r1, r2] = *request;
        if magic != MAGIC {
            return Err(HandshakeError::BadMagic(magic));
        }
        if r1 != 0 || r2 != 0 {
            return Ok(Outcome::refused(Refusal::ReservedBits));
        }
        let served = SerializerId::new(octet & 0x0F)
            .and_then(SerializerId::format)
            .filter(|format| self.formats.contains(format));
        let Some(format) = served else {
            return Ok(Outcome::refused(Refusal::SerializerUnsupported));
        };
        let max_send = MaxLength::from_octet(octet);
        if max_send < self.min_peer_receive {
            return Ok(Outcome::refused(Refusal::MaxLengthUnacceptable));
        }
        Ok(Outcome::Accepted {
            negotiated: Negotiated {
                format,
                max_send,
                max_receive: self.max_receive,
            },
            reply: [
                MAGIC,
                self.max_receive.exponent() << 4 | format.rawsocket_id(),
                0,
                0,
            ],
        })
    }

    /// The refusal to send when the router has as many connections as it takes
    /// ([`Refusal::ConnectionLimit`]); the router decides that, before or instead of
    /// [`accept`](Acceptor::accept).
    pub fn refuse_busy(&self) -> Outcome {
        Outcome::refused(Refusal::ConnectionLimit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn acceptor() -> Acceptor {
        // JSON and CBOR, 2^(9+7) = 64 KiB from clients
        Acceptor::new([Format::Json, Format::Cbor], MaxLength::new(7).unwrap())
    }

    fn refused(refusal: Refusal, reply: [u8; 4]) -> Outcome {
        Outcome::Refused { refusal, reply }
    }

    #[test]
    fn max_length_covers_512_bytes_to_16_mib() {
        assert_eq!(MaxLength::MIN.bytes(), 512);
        assert_eq!(MaxLength::MAX.bytes(), 16_777_216);
        assert_eq!(MaxLength::at_least(0), MaxLength::MIN);
        assert_eq!(MaxLength::at_least(512), MaxLength::MIN);
        assert_eq!(MaxLength::at_least(513).bytes(), 1024);
        assert_eq!(MaxLength::at_least(usize::MAX), MaxLength::MAX);
        assert_eq!(MaxLength::at_most(1), MaxLength::MIN);
        assert_eq!(MaxLength::at_most(1023).bytes(), 512);
        assert_eq!(MaxLength::at_most(usize::MAX), MaxLength::MAX);
    }

    #[test]
    fn serializer_ids_follow_the_spec_table() {
        // "1: JSON, 2: MessagePack, 3: CBOR, 4: UBJSON, 5: FlatBuffers"
        let table = [
            (1, Some(Format::Json)),
            (2, Some(Format::Msgpack)),
            (3, Some(Format::Cbor)),
            (4, None),
            (5, Some(Format::Flatbuffers)),
            (6, None),
            (15, None),
        ];
        for (id, format) in table {
            let serializer = SerializerId::new(id).unwrap();
            assert_eq!(serializer.format(), format, "id {id}");
            if let Some(format) = format {
                assert_eq!(SerializerId::from(format), serializer);
            }
        }
        assert_eq!(SerializerId::new(0), None);
        assert_eq!(SerializerId::new(16), None);
        assert_eq!(SerializerId::UBJSON.to_string(), "4 (ubjson)");
        assert_eq!(SerializerId::new(9).unwrap().to_string(), "9");
    }

    #[test]
    fn client_request_octets() {
        // 7F | L=15 S=1 | 00 00: JSON, accepting up to 16 MiB
        let json = ClientHandshake::new(Format::Json, MaxLength::MAX);
        assert_eq!(json.to_bytes(), [0x7F, 0xF1, 0x00, 0x00]);
        // 7F | L=0 S=5 | 00 00: FlatBuffers, accepting up to 512 bytes
        let fbs = ClientHandshake::new(Format::Flatbuffers, MaxLength::MIN);
        assert_eq!(fbs.to_bytes(), [0x7F, 0x05, 0x00, 0x00]);
    }

    #[test]
    fn router_accepts_and_echoes_the_serializer() {
        // 7F | L=9 (256 KiB) S=3 (CBOR) | 00 00
        let outcome = acceptor().accept(&[0x7F, 0x93, 0x00, 0x00]).unwrap();
        let Outcome::Accepted { negotiated, reply } = outcome else {
            panic!("{outcome:?}")
        };
        assert_eq!(negotiated.format, Format::Cbor);
        assert_eq!(negotiated.max_send.bytes(), 256 << 10);
        assert_eq!(negotiated.max_receive.bytes(), 64 << 10);
        // 7F | L=7 (the router's 64 KiB) S=3 echoed | 00 00
        assert_eq!(reply, [0x7F, 0x73, 0x00, 0x00]);
        assert_eq!(outcome.reply(), reply);
    }

    #[test]
    fn handshake_both_ways() {
        let client = ClientHandshake::new(Format::Json, MaxLength::new(4).unwrap());
        let outcome = acceptor().accept(&client.to_bytes()).unwrap();
        let Outcome::Accepted {
            negotiated: router_side,
            reply,
        } = outcome
        else {
            panic!("{outcome:?}")
        };
        let client_side = client.finish(&reply).unwrap();
        // what one side may send is what the other receives
        assert_eq!(client_side.format, router_side.format);
        assert_eq!(client_side.max_send, router_side.max_receive);
        assert_eq!(client_side.max_receive, router_side.max_send);
        assert_eq!(client_side.max_receive.bytes(), 8192);
    }

    #[test]
    fn every_refusal() {
        let acceptor = acceptor();
        // 7F | S=2 (MessagePack, not served) | 00 00 -> 7F | E=1 | 00 00
        assert_eq!(
            acceptor.accept(&[0x7F, 0xF2, 0, 0]).unwrap(),
            refused(Refusal::SerializerUnsupported, [0x7F, 0x10, 0, 0])
        );
        // S=0 is "illegal"; S=4 (UBJSON) and S=9 (reserved) are not served
        for octet in [0xF0, 0xF4, 0xF9] {
            assert_eq!(
                acceptor.accept(&[0x7F, octet, 0, 0]).unwrap(),
                refused(Refusal::SerializerUnsupported, [0x7F, 0x10, 0, 0]),
                "{octet:#04x}"
            );
        }
        // a client accepting 512 bytes where 4 KiB are required -> 7F | E=2 | 00 00
        let strict = acceptor
            .clone()
            .require_peer_receive(MaxLength::new(3).unwrap());
        assert_eq!(
            strict.accept(&[0x7F, 0x01, 0, 0]).unwrap(),
            refused(Refusal::MaxLengthUnacceptable, [0x7F, 0x20, 0, 0])
        );
        assert!(matches!(
            strict.accept(&[0x7F, 0x31, 0, 0]).unwrap(),
            Outcome::Accepted { .. }
        ));
        // reserved octets set -> 7F | E=3 | 00 00, even with an unserved serializer
        for request in [[0x7F, 0xF1, 0x00, 0x01], [0x7F, 0xF2, 0x80, 0x00]] {
            assert_eq!(
                acceptor.accept(&request).unwrap(),
                refused(Refusal::ReservedBits, [0x7F, 0x30, 0, 0]),
                "{request:02x?}"
            );
        }
        // asked for by the router itself -> 7F | E=4 | 00 00
        assert_eq!(
            acceptor.refuse_busy(),
            refused(Refusal::ConnectionLimit, [0x7F, 0x40, 0, 0])
        );
    }

    #[test]
    fn bad_magic_is_an_error_not_a_refusal() {
        // "GET " is an HTTP request
        let err = acceptor().accept(b"GET ").unwrap_err();
        assert_eq!(err, HandshakeError::BadMagic(b'G'));
        assert_eq!(
            err.to_string(),
            "rawsocket handshake starts with 0x47, not the magic octet 0x7f"
        );
        let client = ClientHandshake::new(Format::Json, MaxLength::MAX);
        assert_eq!(
            client.parse_reply(&[0x00, 0x71, 0, 0]),
            Err(HandshakeError::BadMagic(0))
        );
    }

    #[test]
    fn client_reads_every_refusal() {
        let client = ClientHandshake::new(Format::Json, MaxLength::MAX);
        let table = [
            (0x10, Refusal::SerializerUnsupported),
            (0x20, Refusal::MaxLengthUnacceptable),
            (0x30, Refusal::ReservedBits),
            (0x40, Refusal::ConnectionLimit),
            (0x50, Refusal::Unknown(5)),
            (0xF0, Refusal::Unknown(15)),
        ];
        for (octet, refusal) in table {
            let reply = [0x7F, octet, 0, 0];
            assert_eq!(refusal.to_bytes(), reply);
            assert_eq!(Refusal::from_code(octet >> 4), Some(refusal));
            assert_eq!(client.parse_reply(&reply), Ok(Reply::Refused(refusal)));
            assert_eq!(client.finish(&reply), Err(HandshakeError::Refused(refusal)));
        }
        assert_eq!(
            client.finish(&[0x7F, 0x40, 0, 0]).unwrap_err().to_string(),
            "rawsocket connection refused by the router: maximum connection count reached"
        );
        // 7F 00: error code 0 "MUST NOT be used"
        assert_eq!(
            client.parse_reply(&[0x7F, 0x00, 0, 0]),
            Err(HandshakeError::IllegalRefusalCode)
        );
    }

    #[test]
    fn client_rejects_a_reply_it_cannot_use() {
        let client = ClientHandshake::new(Format::Json, MaxLength::MAX);
        // the router echoed MessagePack, not JSON
        assert_eq!(
            client.finish(&[0x7F, 0x72, 0, 0]),
            Err(HandshakeError::SerializerMismatch {
                requested: SerializerId::JSON,
                replied: SerializerId::MSGPACK,
            })
        );
        assert_eq!(
            client.finish(&[0x7F, 0x72, 0, 0]).unwrap_err().to_string(),
            "rawsocket handshake reply names serializer 2 (msgpack), but the client asked for 1 (json)"
        );
        assert_eq!(
            client.parse_reply(&[0x7F, 0x71, 0x12, 0x34]),
            Err(HandshakeError::ReservedOctets(0x1234))
        );
    }
}
