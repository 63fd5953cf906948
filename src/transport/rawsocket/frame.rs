//! RawSocket framing: every transport message after a 4-octet prefix.
//!
//! ```text
//! RRRR XTTT  LLLL LLLL  LLLL LLLL  LLLL LLLL
//! ```
//!
//! `RRRR` is reserved and zero; `TTT` the type (0 a WAMP message, 1 PING, 2 PONG, 3 to 7
//! reserved); `L` the payload length, 24 bits big-endian, with `X` its 25th bit, set only for
//! a payload of exactly 16 MiB.

use bytes::{Buf, BufMut, Bytes, BytesMut};

use super::handshake::MaxLength;

/// The length of the frame prefix.
pub const HEADER_LEN: usize = 4;

/// The reserved bits of the prefix's first octet ("MUST be all zeros for now").
const RESERVED_BITS: u8 = 0xF0;
/// The type bits of the first octet.
const TYPE_BITS: u8 = 0x07;
/// `X`, the 25th length bit, in the first octet.
const LENGTH_BIT_24: u8 = 0x08;

/// What a frame carries: the `TTT` bits of its prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FrameKind {
    /// 0: a serialized WAMP message.
    Message,
    /// 1: a PING, whose payload the peer must echo in a PONG.
    Ping,
    /// 2: a PONG, answering a PING.
    Pong,
}

impl FrameKind {
    /// The type number on the wire.
    pub const fn code(self) -> u8 {
        match self {
            FrameKind::Message => 0,
            FrameKind::Ping => 1,
            FrameKind::Pong => 2,
        }
    }

    /// The kind with type number `code`; `None` for the reserved 3 to 7.
    pub const fn from_code(code: u8) -> Option<FrameKind> {
        match code {
            0 => Some(FrameKind::Message),
            1 => Some(FrameKind::Ping),
            2 => Some(FrameKind::Pong),
            _ => None,
        }
    }
}

/// A frame prefix that breaks the rules, or a frame longer than allowed. On any of them the
/// peer must fail the connection: the stream can no longer be split into frames.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FrameError {
    /// A received frame longer than this side accepts ("If a message received during a
    /// connection exceeds the limit requested, a Peer MUST fail the connection").
    #[error("rawsocket frame of {len} bytes exceeds the negotiated maximum of {max}")]
    ExceedsMaximum {
        /// The length the prefix claims.
        len: usize,
        /// This side's limit.
        max: usize,
    },
    /// A frame to send that is longer than the peer accepts; nothing was written. A router
    /// forwarding an EVENT might drop it for this subscriber instead.
    #[error("rawsocket frame of {len} bytes exceeds the peer's maximum of {max}; not sent")]
    ExceedsPeerMaximum {
        /// The payload's length.
        len: usize,
        /// The peer's limit.
        max: usize,
    },
    /// The reserved high bits of the prefix are not zero.
    #[error("rawsocket frame prefix {0:#04x} sets reserved bits")]
    ReservedBits(u8),
    /// A frame type the specification reserves (3 to 7).
    #[error("rawsocket frame of reserved type {0}")]
    ReservedType(u8),
}

/// A frame's prefix: its kind and payload length.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameHeader {
    kind: FrameKind,
    len: usize,
}

impl FrameHeader {
    /// The longest payload a prefix can express: 2^24 octets, with `X` set.
    pub const MAX_LEN: usize = 1 << 24;

    /// A prefix for `len` octets of `kind`; `None` above [`FrameHeader::MAX_LEN`].
    pub const fn new(kind: FrameKind, len: usize) -> Option<FrameHeader> {
        if len <= FrameHeader::MAX_LEN {
            Some(FrameHeader { kind, len })
        } else {
            None
        }
    }

    /// Reads a prefix. The length is not checked against any maximum here (that is the
    /// decoder's job), but can be up to 2^25 - 1 when `X` is set with other length bits.
    pub fn parse(prefix: &[u8; HEADER_LEN]) -> Result<FrameHeader, FrameError> {
        let [first, l2, l1, l0] = *prefix;
        if first & RESERVED_BITS != 0 {
            return Err(FrameError::ReservedBits(first));
        }
        let kind = first & TYPE_BITS;
        let kind = FrameKind::from_code(kind).ok_or(FrameError::ReservedType(kind))?;
        let high = usize::from(first & LENGTH_BIT_24) << 21;
        let len = high | usize::from(l2) << 16 | usize::from(l1) << 8 | usize::from(l0);
        Ok(FrameHeader { kind, len })
    }

    /// The 4 octets of the prefix.
    pub const fn to_bytes(self) -> [u8; HEADER_LEN] {
        let len = self.len as u32;
        let [x, l2, l1, l0] = len.to_be_bytes();
        // `x` is 1 only for exactly 2^24, which `new` allows; it becomes the `X` bit.
        [self.kind.code() | (x << 3), l2, l1, l0]
    }

    /// The kind of frame.
    pub const fn kind(self) -> FrameKind {
        self.kind
    }

    /// The payload's length, without the prefix.
    pub const fn len(self) -> usize {
        self.len
    }

    /// Whether the payload is empty.
    pub const fn is_empty(self) -> bool {
        self.len == 0
    }
}

/// One frame: its kind and payload.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Frame {
    /// What the payload is.
    pub kind: FrameKind,
    /// A serialized WAMP message, or a PING's or PONG's arbitrary octets.
    pub payload: Bytes,
}

impl Frame {
    /// A frame carrying a serialized WAMP message.
    pub fn message(payload: impl Into<Bytes>) -> Frame {
        Frame {
            kind: FrameKind::Message,
            payload: payload.into(),
        }
    }

    /// A PING with `payload`.
    pub fn ping(payload: impl Into<Bytes>) -> Frame {
        Frame {
            kind: FrameKind::Ping,
            payload: payload.into(),
        }
    }

    /// The PONG this frame calls for, if it is a PING: the same payload, not copied.
    ///
    /// The specification has the peer that receives a PING "reply ... by sending exactly one
    /// PONG immediately", echoing the payload. Neither [`FrameDecoder`] nor the tokio codec
    /// writes anything of its own accord: the code that owns the connection sends this PONG,
    /// before the next message it sends.
    pub fn pong(&self) -> Option<Frame> {
        (self.kind == FrameKind::Ping).then(|| Frame {
            kind: FrameKind::Pong,
            payload: self.payload.clone(),
        })
    }
}

/// Splits received octets into frames, refusing any longer than this side's maximum.
///
/// ```
/// use bytes::BytesMut;
/// use wamp_codec::transport::rawsocket::{FrameDecoder, FrameKind, MaxLength};
/// let decoder = FrameDecoder::new(MaxLength::MIN);
/// let mut buf = BytesMut::from(&b"\x00\x00\x00\x02[]\x01\x00"[..]);
/// let frame = decoder.decode(&mut buf)?.unwrap();
/// assert_eq!((frame.kind, &frame.payload[..]), (FrameKind::Message, &b"[]"[..]));
/// assert_eq!(decoder.decode(&mut buf)?, None); // half a prefix: wait for more
/// # Ok::<(), wamp_codec::transport::rawsocket::FrameError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameDecoder {
    max_receive: MaxLength,
}

impl FrameDecoder {
    /// A decoder accepting frames up to `max_receive` (what this side asked for in the
    /// handshake: [`Negotiated::max_receive`](super::Negotiated::max_receive)).
    pub const fn new(max_receive: MaxLength) -> FrameDecoder {
        FrameDecoder { max_receive }
    }

    /// The next frame at the start of `buf`, split off it; `Ok(None)` until it has all arrived.
    ///
    /// The length is checked as soon as the 4-octet prefix is in, so a peer claiming a frame
    /// longer than the maximum is refused before any of its payload is buffered; room for an
    /// acceptable frame is reserved in `buf` at once. The payload is split off `buf` without
    /// copying. After an error `buf` is left as it was, and the connection must be failed.
    pub fn decode(&self, buf: &mut BytesMut) -> Result<Option<Frame>, FrameError> {
        let Some(prefix) = buf.first_chunk::<HEADER_LEN>() else {
            return Ok(None);
        };
        let header = FrameHeader::parse(prefix)?;
        let max = self.max_receive.bytes();
        if header.len > max {
            return Err(FrameError::ExceedsMaximum {
                len: header.len,
                max,
            });
        }
        let total = HEADER_LEN + header.len;
        if buf.len() < total {
            buf.reserve(total - buf.len());
            return Ok(None);
        }
        buf.advance(HEADER_LEN);
        Ok(Some(Frame {
            kind: header.kind,
            payload: buf.split_to(header.len).freeze(),
        }))
    }

    /// The longest frame accepted.
    pub const fn max_receive(&self) -> MaxLength {
        self.max_receive
    }
}

/// Writes frames, refusing any longer than the peer's maximum.
///
/// ```
/// use bytes::BytesMut;
/// use wamp_codec::transport::rawsocket::{FrameEncoder, MaxLength};
/// let encoder = FrameEncoder::new(MaxLength::MIN);
/// let mut out = BytesMut::new();
/// encoder.encode_message(b"[6,{},\"wamp.close.normal\"]", &mut out)?;
/// assert_eq!(&out[..4], [0x00, 0x00, 0x00, 26]);
/// let err = encoder.encode_message(&[b' '; 513], &mut out).unwrap_err();
/// assert_eq!(err.to_string(), "rawsocket frame of 513 bytes exceeds the peer's maximum of 512; not sent");
/// assert_eq!(out.len(), 30); // nothing more written
/// # Ok::<(), wamp_codec::transport::rawsocket::FrameError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameEncoder {
    max_send: MaxLength,
}

impl FrameEncoder {
    /// An encoder for a peer accepting frames up to `max_send` (what it asked for in the
    /// handshake: [`Negotiated::max_send`](super::Negotiated::max_send)).
    pub const fn new(max_send: MaxLength) -> FrameEncoder {
        FrameEncoder { max_send }
    }

    /// The prefix for `len` octets of `kind`, if the peer accepts that many; for writing the
    /// payload from elsewhere (vectored I/O) without copying it.
    pub fn header(&self, kind: FrameKind, len: usize) -> Result<FrameHeader, FrameError> {
        let max = self.max_send.bytes();
        if len > max {
            return Err(FrameError::ExceedsPeerMaximum { len, max });
        }
        // `max` is at most 2^24, which a prefix can express.
        Ok(FrameHeader { kind, len })
    }

    /// Appends a frame of `kind` carrying `payload` to `dst`; on an error nothing is written.
    pub fn encode(
        &self,
        kind: FrameKind,
        payload: &[u8],
        dst: &mut BytesMut,
    ) -> Result<(), FrameError> {
        let header = self.header(kind, payload.len())?;
        dst.reserve(HEADER_LEN + payload.len());
        dst.put_slice(&header.to_bytes());
        dst.put_slice(payload);
        Ok(())
    }

    /// Appends a frame carrying one serialized WAMP message.
    pub fn encode_message(&self, message: &[u8], dst: &mut BytesMut) -> Result<(), FrameError> {
        self.encode(FrameKind::Message, message, dst)
    }

    /// Appends `frame`.
    pub fn encode_frame(&self, frame: &Frame, dst: &mut BytesMut) -> Result<(), FrameError> {
        self.encode(frame.kind, &frame.payload, dst)
    }

    /// The longest frame the peer accepts.
    pub const fn max_send(&self) -> MaxLength {
        self.max_send
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_KINDS: [FrameKind; 3] = [FrameKind::Message, FrameKind::Ping, FrameKind::Pong];

    fn header(prefix: [u8; 4]) -> Result<FrameHeader, FrameError> {
        FrameHeader::parse(&prefix)
    }

    #[test]
    fn frame_headers_of_each_type() {
        // 0000 0TTT | 24-bit length 0x000102 = 258
        for (first, kind) in [
            (0x00, FrameKind::Message),
            (0x01, FrameKind::Ping),
            (0x02, FrameKind::Pong),
        ] {
            let parsed = header([first, 0x00, 0x01, 0x02]).unwrap();
            assert_eq!((parsed.kind(), parsed.len()), (kind, 258));
            assert_eq!(parsed.to_bytes(), [first, 0x00, 0x01, 0x02]);
            assert_eq!(FrameKind::from_code(kind.code()), Some(kind));
        }
        // "3-7: reserved"
        for kind in 3..=7 {
            assert_eq!(header([kind, 0, 0, 1]), Err(FrameError::ReservedType(kind)));
        }
        // RRRR must be zero
        for first in [0x10, 0x80, 0xF0, 0x41] {
            assert_eq!(
                header([first, 0, 0, 1]),
                Err(FrameError::ReservedBits(first))
            );
        }
        assert_eq!(
            FrameError::ReservedBits(0x41).to_string(),
            "rawsocket frame prefix 0x41 sets reserved bits"
        );
    }

    #[test]
    fn the_25th_length_bit() {
        // "RRRR 1TTT 0000 0000 0000 0000 0000 0000": exactly 16M octets
        let exact = header([0x08, 0x00, 0x00, 0x00]).unwrap();
        assert_eq!(exact.len(), 16 << 20);
        assert_eq!(
            FrameHeader::new(FrameKind::Message, 16 << 20)
                .unwrap()
                .to_bytes(),
            [0x08, 0, 0, 0]
        );
        assert_eq!(
            FrameHeader::new(FrameKind::Pong, 16 << 20)
                .unwrap()
                .to_bytes(),
            [0x0A, 0, 0, 0]
        );
        // "RRRR 0TTT 1111 1111 1111 1111 1111 1111": 16M - 1
        let below = header([0x00, 0xFF, 0xFF, 0xFF]).unwrap();
        assert_eq!(below.len(), (16 << 20) - 1);
        assert_eq!(
            FrameHeader::new(FrameKind::Message, (16 << 20) - 1)
                .unwrap()
                .to_bytes(),
            [0x00, 0xFF, 0xFF, 0xFF]
        );
        assert_eq!(FrameHeader::new(FrameKind::Message, (16 << 20) + 1), None);
    }

    #[test]
    fn the_maximum_is_checked_before_buffering() {
        let decoder = FrameDecoder::new(MaxLength::MAX);
        // X set and L = 1: 16 MiB + 1 claimed, nothing of it sent yet
        let mut buf = BytesMut::from(&[0x08, 0x00, 0x00, 0x01][..]);
        let err = decoder.decode(&mut buf).unwrap_err();
        assert_eq!(
            err,
            FrameError::ExceedsMaximum {
                len: (16 << 20) + 1,
                max: 16 << 20
            }
        );
        assert_eq!(
            err.to_string(),
            "rawsocket frame of 16777217 bytes exceeds the negotiated maximum of 16777216"
        );
        assert_eq!(buf.len(), 4);
        assert!(buf.capacity() < 1 << 20, "nothing reserved for the body");

        // a 512-byte limit: 513 refused, 512 waited for
        let small = FrameDecoder::new(MaxLength::MIN);
        let mut buf = BytesMut::from(&[0x00, 0x00, 0x02, 0x01][..]);
        assert!(matches!(
            small.decode(&mut buf),
            Err(FrameError::ExceedsMaximum { len: 513, max: 512 })
        ));
        let mut buf = BytesMut::from(&[0x00, 0x00, 0x02, 0x00][..]);
        assert_eq!(small.decode(&mut buf), Ok(None));
        assert!(buf.capacity() >= 4 + 512);
    }

    #[test]
    fn partial_frames_across_several_calls() {
        let decoder = FrameDecoder::new(MaxLength::MIN);
        let wire: &[u8] = &[
            0x00, 0x00, 0x00, 0x03, b'[', b'1', b']', // message "[1]"
            0x01, 0x00, 0x00, 0x02, 0xAB, 0xCD, // PING ab cd
            0x02, 0x00, 0x00, 0x00, // empty PONG
        ];
        // one octet at a time: a frame comes out exactly when its last octet is in
        let mut buf = BytesMut::new();
        let mut frames = Vec::new();
        for (at, octet) in wire.iter().enumerate() {
            buf.put_u8(*octet);
            if let Some(frame) = decoder.decode(&mut buf).unwrap() {
                frames.push((at, frame));
            }
        }
        assert_eq!(
            frames,
            [
                (6, Frame::message(&b"[1]"[..])),
                (12, Frame::ping(&[0xAB, 0xCD][..])),
                (
                    16,
                    Frame {
                        kind: FrameKind::Pong,
                        payload: Bytes::new()
                    }
                ),
            ]
        );
        assert!(buf.is_empty());
    }

    #[test]
    fn the_payload_is_split_off_not_copied() {
        let decoder = FrameDecoder::new(MaxLength::MIN);
        let mut buf = BytesMut::from(&b"\x00\x00\x00\x05hello\x00\x00"[..]);
        let start = buf.as_ptr() as usize;
        let frame = decoder.decode(&mut buf).unwrap().unwrap();
        assert_eq!(frame.payload.as_ptr() as usize, start + 4);
        assert_eq!(&buf[..], b"\x00\x00"); // the next frame's start stays
    }

    #[test]
    fn encode_then_decode_every_kind() {
        let encoder = FrameEncoder::new(MaxLength::new(1).unwrap());
        let decoder = FrameDecoder::new(MaxLength::new(1).unwrap());
        let mut buf = BytesMut::new();
        for kind in ALL_KINDS {
            encoder
                .encode(kind, &[kind.code(); 1024], &mut buf)
                .unwrap();
        }
        for kind in ALL_KINDS {
            let frame = decoder.decode(&mut buf).unwrap().unwrap();
            assert_eq!(frame.kind, kind);
            assert_eq!(&frame.payload[..], &[kind.code(); 1024][..]);
        }
        assert_eq!(decoder.decode(&mut buf), Ok(None));
    }

    #[test]
    fn the_encoder_refuses_what_the_peer_does_not_accept() {
        let encoder = FrameEncoder::new(MaxLength::new(1).unwrap());
        let mut buf = BytesMut::from(&b"kept"[..]);
        let err = encoder.encode_message(&[0; 1025], &mut buf).unwrap_err();
        assert_eq!(
            err,
            FrameError::ExceedsPeerMaximum {
                len: 1025,
                max: 1024
            }
        );
        assert_eq!(&buf[..], b"kept");
        // 16 MiB exactly goes out with the X bit
        let full = FrameEncoder::new(MaxLength::MAX);
        let header = full.header(FrameKind::Message, 16 << 20).unwrap();
        assert_eq!(header.to_bytes(), [0x08, 0, 0, 0]);
        assert!(full.header(FrameKind::Message, (16 << 20) + 1).is_err());
    }

    #[test]
    fn a_ping_calls_for_a_pong_with_its_payload() {
        let ping = Frame::ping(Bytes::from_static(b"\x01\x02\x03"));
        let pong = ping.pong().unwrap();
        assert_eq!(pong.kind, FrameKind::Pong);
        assert_eq!(pong.payload.as_ptr(), ping.payload.as_ptr());
        let mut out = BytesMut::new();
        FrameEncoder::new(MaxLength::MIN)
            .encode_frame(&pong, &mut out)
            .unwrap();
        // 0000 0010 (PONG) | length 3 | the PING's octets
        assert_eq!(&out[..], [0x02, 0x00, 0x00, 0x03, 0x01, 0x02, 0x03]);
        assert_eq!(pong.pong(), None);
        assert_eq!(Frame::message(&b"[]"[..]).pong(), None);
    }
}
