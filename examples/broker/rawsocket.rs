//! WAMP over RawSocket, with the crate's transport: [`rawsocket::accept`] answers the
//! 4-octet handshake (which picks the serializer and each side's largest message), then
//! [`RawSocketCodec`] reads and writes the frames, refusing one above the limit from its
//! header alone. A PING is answered with its PONG.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_util::codec::{FramedRead, FramedWrite};
use wamp_codec::serializer::Format;
use wamp_codec::transport::rawsocket::{
    self, Acceptor, Frame, FrameKind, MaxLength, Outcome, RawSocketCodec,
};

use crate::connection::{self, Fault};
use crate::outbox::{self, Queue};
use crate::router::Router;

/// How long a new connection has to send its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// PONGs waiting to be written; a peer that pings faster than it reads is not answered
/// every time.
const PONG_BACKLOG: usize = 4;

/// Bytes of frames the writer gathers before it writes them out (it also writes whenever the
/// queue is empty), so that a burst of EVENTs costs one system call, not one each.
const WRITE_BATCH: usize = 64 << 10;

/// Serves one RawSocket connection taking messages up to `max_message` bytes (rounded down
/// to a power of two): the handshake (refused for an unknown serializer or non-zero reserved
/// bits), then the session.
pub async fn serve(
    router: Arc<Router>,
    mut stream: TcpStream,
    max_message: usize,
) -> Result<(), String> {
    let acceptor = Acceptor::new(Format::ALL.iter().copied(), MaxLength::at_most(max_message));
    let outcome =
        tokio::time::timeout(HANDSHAKE_TIMEOUT, rawsocket::accept(&mut stream, &acceptor))
            .await
            .map_err(|_| "no RawSocket handshake in time".to_owned())?
            .map_err(|e| format!("RawSocket handshake: {e}"))?;
    let negotiated = match outcome {
        Outcome::Accepted { negotiated, .. } => negotiated,
        // the refusing reply is sent: close
        Outcome::Refused { refusal, .. } => {
            return Err(format!("RawSocket handshake refused: {refusal}"))
        }
    };
    let codec = RawSocketCodec::new(&negotiated);
    let (read, write) = stream.into_split();
    let (pongs_tx, pongs) = mpsc::channel(PONG_BACKLOG);
    let incoming = FramedRead::new(read, codec).filter_map(move |frame| {
        let item = match frame {
            Ok(Frame {
                kind: FrameKind::Message,
                payload,
            }) => Some(Ok(payload)),
            Ok(
                ping @ Frame {
                    kind: FrameKind::Ping,
                    ..
                },
            ) => {
                drop(pongs_tx.try_send(ping));
                None
            }
            Ok(Frame { .. }) => None,
            Err(e) => Some(Err(Fault::Transport(e.to_string()))),
        };
        std::future::ready(item)
    });
    let (outbox, queue, eviction) = outbox::queue();
    let mut framed = FramedWrite::new(write, codec);
    framed.set_backpressure_boundary(WRITE_BATCH);
    let writer = tokio::spawn(write_frames(framed, queue, pongs));
    connection::serve(
        router,
        negotiated.format,
        Box::pin(incoming),
        outbox,
        eviction,
        writer,
    )
    .await;
    Ok(())
}

/// Writes what is queued and the PONGs, each in its frame, flushing when nothing more is
/// ready. A message above the peer's announced maximum ends the connection: dropping it
/// could leave a call unanswered for ever.
async fn write_frames(
    mut framed: FramedWrite<OwnedWriteHalf, RawSocketCodec>,
    mut queue: Queue,
    mut pongs: mpsc::Receiver<Frame>,
) {
    loop {
        let fed = tokio::select! {
            message = queue.recv() => match message {
                Some(message) => framed.feed(Frame::message(message)).await,
                None => break,
            },
            Some(ping) = pongs.recv() => match ping.pong() {
                Some(pong) => framed.feed(pong).await,
                None => Ok(()),
            },
        };
        if let Err(e) = fed {
            eprintln!("broker: {e}; closing");
            return;
        }
        // the codec encodes `Frame`s and `&[u8]`s: this one sends only frames
        if queue.is_empty() && SinkExt::<Frame>::flush(&mut framed).await.is_err() {
            return;
        }
    }
    let _ = SinkExt::<Frame>::close(&mut framed).await;
}
