//! WAMP over RawSocket: length-prefixed frames over any reliable byte stream (TCP, TLS, Unix
//! sockets), as the WAMP specification's "RawSocket Transport" section defines it.
//!
//! Sans-IO: [`ClientHandshake`] and [`Acceptor`] turn handshake octets into decisions and
//! replies, [`FrameDecoder`] and [`FrameEncoder`] move frames in and out of
//! [`bytes::BytesMut`] buffers; the caller does the reading and writing, with whatever I/O it
//! has. With the `tokio` feature, `RawSocketCodec` and the `connect`/`accept` helpers do
//! it over tokio streams.
//!
//! A connection goes:
//!
//! 1. The client sends [`ClientHandshake::to_bytes`]; the router answers with
//!    [`Acceptor::accept`]'s [`Outcome::reply`] (or closes on a bad magic octet); the client
//!    reads that with [`ClientHandshake::finish`]. Both now hold the [`Negotiated`] serializer
//!    and limits.
//! 2. Each side decodes with a [`FrameDecoder`] for its own [`Negotiated::max_receive`] and
//!    encodes with a [`FrameEncoder`] for the peer's [`Negotiated::max_send`]; a PING is
//!    answered with [`Frame::pong`], by the caller.
//!
//! ```
//! use bytes::BytesMut;
//! use wamp_codec::serializer::Format;
//! use wamp_codec::transport::rawsocket::*;
//!
//! let client = ClientHandshake::new(Format::Json, MaxLength::MAX);
//! let acceptor = Acceptor::new([Format::Json, Format::Msgpack], MaxLength::at_least(1 << 20));
//! let Outcome::Accepted { negotiated: router, reply } = acceptor.accept(&client.to_bytes())? else {
//!     unreachable!()
//! };
//! let client = client.finish(&reply)?;
//!
//! let mut wire = BytesMut::new();
//! FrameEncoder::new(client.max_send).encode_message(br#"[1,"realm1",{"roles":{}}]"#, &mut wire)?;
//! let frame = FrameDecoder::new(router.max_receive).decode(&mut wire)?.unwrap();
//! assert_eq!(frame.kind, FrameKind::Message);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#[cfg(feature = "tokio")]
mod codec;
mod frame;
mod handshake;

#[cfg(feature = "tokio")]
#[cfg_attr(docsrs, doc(cfg(feature = "tokio")))]
pub use codec::{accept, connect, ConnectionError, RawSocketCodec};
pub use frame::{
    Frame, FrameDecoder, FrameEncoder, FrameError, FrameHeader, FrameKind, HEADER_LEN,
};
pub use handshake::{
    Acceptor, ClientHandshake, HandshakeError, MaxLength, Negotiated, Outcome, Refusal, Reply,
    SerializerId, MAGIC,
};
