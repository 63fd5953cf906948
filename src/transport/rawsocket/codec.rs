//! RawSocket over tokio: a [`tokio_util::codec`] codec built on [`FrameDecoder`] and
//! [`FrameEncoder`], and the opening handshake over any async stream.

use std::io;

use bytes::BytesMut;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio_util::codec::{Decoder, Encoder};

use super::{
    Acceptor, ClientHandshake, Frame, FrameDecoder, FrameEncoder, FrameError, FrameKind,
    HandshakeError, Negotiated, Outcome,
};

/// A RawSocket connection that failed: on I/O, in the handshake, or on a frame.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConnectionError {
    /// Reading or writing the stream failed (a peer closing mid-handshake is
    /// [`io::ErrorKind::UnexpectedEof`]).
    #[error("rawsocket i/o: {0}")]
    Io(#[from] io::Error),
    /// The handshake failed or was refused.
    #[error(transparent)]
    Handshake(#[from] HandshakeError),
    /// A frame broke the rules or exceeded a maximum.
    #[error(transparent)]
    Frame(#[from] FrameError),
}

/// The RawSocket framing of one connection, for [`tokio_util::codec::Framed`]: decodes
/// [`Frame`]s and encodes [`Frame`]s or serialized messages (`&[u8]`), within the limits
/// negotiated in the handshake.
///
/// PINGs come out of the decoder like any frame; answering them is the caller's job (send
/// [`Frame::pong`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RawSocketCodec {
    decoder: FrameDecoder,
    encoder: FrameEncoder,
}

impl RawSocketCodec {
    /// The codec for a connection that negotiated `negotiated`.
    pub const fn new(negotiated: &Negotiated) -> RawSocketCodec {
        RawSocketCodec {
            decoder: FrameDecoder::new(negotiated.max_receive),
            encoder: FrameEncoder::new(negotiated.max_send),
        }
    }
}

impl Decoder for RawSocketCodec {
    type Item = Frame;
    type Error = ConnectionError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Frame>, ConnectionError> {
        Ok(self.decoder.decode(src)?)
    }
}

impl Encoder<Frame> for RawSocketCodec {
    type Error = ConnectionError;

    fn encode(&mut self, frame: Frame, dst: &mut BytesMut) -> Result<(), ConnectionError> {
        Ok(self.encoder.encode_frame(&frame, dst)?)
    }
}

impl Encoder<&[u8]> for RawSocketCodec {
    type Error = ConnectionError;

    /// Encodes one serialized WAMP message.
    fn encode(&mut self, message: &[u8], dst: &mut BytesMut) -> Result<(), ConnectionError> {
        Ok(self.encoder.encode(FrameKind::Message, message, dst)?)
    }
}

/// The client's handshake over `io`: sends the request, reads the reply.
pub async fn connect<S>(
    io: &mut S,
    handshake: ClientHandshake,
) -> Result<Negotiated, ConnectionError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    io.write_all(&handshake.to_bytes()).await?;
    io.flush().await?;
    let mut reply = [0; 4];
    io.read_exact(&mut reply).await?;
    Ok(handshake.finish(&reply)?)
}

/// The router's handshake over `io`: reads the request and sends the reply. A refusal is an
/// `Ok(Outcome::Refused)` (its reply sent; close the connection); a wrong magic octet is an
/// error, with nothing sent.
pub async fn accept<S>(io: &mut S, acceptor: &Acceptor) -> Result<Outcome, ConnectionError>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let mut request = [0; 4];
    io.read_exact(&mut request).await?;
    let outcome = acceptor.accept(&request)?;
    io.write_all(&outcome.reply()).await?;
    io.flush().await?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serializer::Format;
    use crate::transport::rawsocket::{MaxLength, Refusal};

    fn block_on<F: core::future::Future>(future: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(future)
    }

    #[test]
    fn handshake_and_frames_over_an_in_memory_stream() {
        block_on(async {
            let (mut client_io, mut router_io) = tokio::io::duplex(1024);
            let acceptor = Acceptor::new([Format::Cbor], MaxLength::new(2).unwrap());
            let router = async {
                let outcome = accept(&mut router_io, &acceptor).await.unwrap();
                let Outcome::Accepted { negotiated, .. } = outcome else {
                    panic!("{outcome:?}")
                };
                let mut codec = RawSocketCodec::new(&negotiated);
                let mut buf = BytesMut::new();
                let frame = loop {
                    if let Some(frame) = codec.decode(&mut buf).unwrap() {
                        break frame;
                    }
                    assert_ne!(router_io.read_buf(&mut buf).await.unwrap(), 0);
                };
                let mut out = BytesMut::new();
                codec.encode(frame.pong().unwrap(), &mut out).unwrap();
                router_io.write_all(&out).await.unwrap();
            };
            let client = async {
                let handshake = ClientHandshake::new(Format::Cbor, MaxLength::MIN);
                let negotiated = connect(&mut client_io, handshake).await.unwrap();
                assert_eq!(negotiated.max_send.bytes(), 2048);
                let mut codec = RawSocketCodec::new(&negotiated);
                let mut out = BytesMut::new();
                codec.encode(Frame::ping(&b"hi"[..]), &mut out).unwrap();
                // a message the router does not take is refused before it is written
                let too_long = codec.encode(&[0u8; 2049][..], &mut out).unwrap_err();
                assert!(matches!(
                    too_long,
                    ConnectionError::Frame(FrameError::ExceedsPeerMaximum { .. })
                ));
                client_io.write_all(&out).await.unwrap();
                let mut reply = [0; 6];
                client_io.read_exact(&mut reply).await.unwrap();
                assert_eq!(reply, [0x02, 0, 0, 2, b'h', b'i']);
            };
            tokio::join!(router, client);
        });
    }

    #[test]
    fn a_refusal_reaches_the_client() {
        block_on(async {
            let (mut client_io, mut router_io) = tokio::io::duplex(64);
            let acceptor = Acceptor::new([Format::Json], MaxLength::MAX);
            let (outcome, connected) = tokio::join!(
                accept(&mut router_io, &acceptor),
                connect(
                    &mut client_io,
                    ClientHandshake::new(Format::Msgpack, MaxLength::MAX)
                ),
            );
            assert!(matches!(
                outcome.unwrap(),
                Outcome::Refused {
                    refusal: Refusal::SerializerUnsupported,
                    ..
                }
            ));
            assert!(matches!(
                connected.unwrap_err(),
                ConnectionError::Handshake(HandshakeError::Refused(Refusal::SerializerUnsupported))
            ));
        });
    }
}
