//! WAMP over RawSocket, with the crate's transport: [`rawsocket::accept`] answers the
//! 4-octet handshake (which picks the serializer and each side's largest message), then
//! [`RawSocketCodec`] reads the frames, refusing one above the limit from its header alone,
//! and the writer gathers what is queued into vectored writes ([`Outgoing`]), prefixed by
//! the crate's [`FrameEncoder`]. A PING is answered with its PONG.

use std::io::IoSlice;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use tokio::io::AsyncWriteExt;
use tokio::net::tcp::OwnedWriteHalf;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio_util::codec::FramedRead;
use wamp_codec::serializer::Format;
use wamp_codec::transport::rawsocket::{
    self, Acceptor, Frame, FrameEncoder, FrameError, FrameKind, MaxLength, Outcome, RawSocketCodec,
    HEADER_LEN,
};

use crate::connection::{self, Fault, Settings};
use crate::outbox::{self, Queue, Queued};
use crate::router::Router;

/// How long a new connection has to send its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// PONGs waiting to be written; a peer that pings faster than it reads is not answered
/// every time.
const PONG_BACKLOG: usize = 4;

/// Messages the writer takes off the queue for one write at most: each is at most two slices
/// of a vectored write (its prefix, its shared payload), within the 1,024 a system call takes.
const WRITE_BATCH: usize = 256;

/// Payloads shorter than this are copied next to their prefix rather than written from the
/// shared buffer: the kernel's cost per slice of a vectored write is more than copying a
/// few hundred bytes (a typical EVENT is under 200).
const COPY_BELOW: usize = 1024;

/// The read buffer's initial size: a burst of PUBLISHes is decoded from one read.
const READ_BUFFER: usize = 64 << 10;

/// Serves one RawSocket connection taking messages up to `settings.max_message` bytes
/// (rounded down to a power of two): the handshake (refused for an unknown serializer or
/// non-zero reserved bits), then the session.
pub async fn serve(
    router: Arc<Router>,
    mut stream: TcpStream,
    settings: Settings,
) -> Result<(), String> {
    let max_receive = MaxLength::at_most(settings.max_message);
    let acceptor = Acceptor::new(Format::ALL.iter().copied(), max_receive);
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
    let incoming = FramedRead::with_capacity(read, codec, READ_BUFFER).filter_map(move |frame| {
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
    let encoder = FrameEncoder::new(negotiated.max_send);
    let writer = tokio::spawn(write_frames(
        write,
        encoder,
        queue,
        pongs,
        settings.event_hold,
    ));
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

/// Writes what is queued and the PONGs, each in its frame: whatever is queued when the writer
/// wakes goes out in one vectored write (see [`Outgoing`]); EVENTs alone may first be held
/// for up to `event_hold` (see [`hold_for_more`]). A message above the peer's announced
/// maximum ends the connection: dropping it could leave a call unanswered for ever.
async fn write_frames(
    mut socket: OwnedWriteHalf,
    encoder: FrameEncoder,
    mut queue: Queue,
    mut pongs: mpsc::Receiver<Frame>,
    event_hold: Duration,
) {
    let mut messages = Vec::with_capacity(WRITE_BATCH);
    let mut frames = Outgoing::default();
    loop {
        tokio::select! {
            taken = queue.recv_many(&mut messages, WRITE_BATCH) => {
                if taken == 0 {
                    break;
                }
                if !event_hold.is_zero() {
                    hold_for_more(&mut queue, &mut messages, event_hold).await;
                }
                for Queued { message, .. } in messages.drain(..) {
                    if let Err(e) = frames.push(&encoder, FrameKind::Message, message) {
                        eprintln!("broker: {e}; closing");
                        return;
                    }
                }
            }
            Some(ping) = pongs.recv() => {
                if let Some(pong) = ping.pong() {
                    if let Err(e) = frames.push(&encoder, pong.kind, pong.payload) {
                        eprintln!("broker: PONG not sent: {e}");
                    }
                }
            }
        }
        if let Err(e) = frames.write_to(&mut socket).await {
            eprintln!("broker: write: {e}; closing");
            return;
        }
    }
    let _ = socket.shutdown().await;
}

/// When `messages` are all EVENTs, which nobody waits for, takes what else is queued for up
/// to `hold`, so that they are written together: fewer, larger writes, which cost the broker
/// and its subscribers less CPU per EVENT. Stops at once for anything else (a reply, which
/// its peer waits for), at [`WRITE_BATCH`] messages, or when the queue closes.
async fn hold_for_more(queue: &mut Queue, messages: &mut Vec<Queued>, hold: Duration) {
    if !messages.iter().all(|m| m.event) {
        return;
    }
    let deadline = tokio::time::Instant::now() + hold;
    while messages.len() < WRITE_BATCH {
        let (before, room) = (messages.len(), WRITE_BATCH - messages.len());
        tokio::select! {
            biased;
            taken = queue.recv_many(messages, room) => {
                if taken == 0 || !messages[before..].iter().all(|m| m.event) {
                    return;
                }
            }
            () = tokio::time::sleep_until(deadline) => return,
        }
    }
}

/// Frames gathered for one vectored write: prefixes and short payloads copied together into
/// one buffer, long payloads (shared with other connections) written from where they are.
#[derive(Debug, Default)]
struct Outgoing {
    /// The prefixes and the short payloads.
    copied: Vec<u8>,
    /// What to write, in order.
    parts: Vec<Part>,
    /// Bytes of `parts` in all.
    len: usize,
    /// Bytes of `parts` written already (a write may take part of what it is given).
    written: usize,
}

/// A piece of [`Outgoing`].
#[derive(Debug)]
enum Part {
    /// `copied[..end]` from the end of the previous such part.
    Copied { end: usize },
    /// A payload written without copying.
    Shared(Bytes),
}

impl Outgoing {
    /// Adds a frame of `kind` carrying `payload`, if the peer accepts one that long.
    fn push(
        &mut self,
        encoder: &FrameEncoder,
        kind: FrameKind,
        payload: Bytes,
    ) -> Result<(), FrameError> {
        let header = encoder.header(kind, payload.len())?;
        self.copied.extend_from_slice(&header.to_bytes());
        let shared = payload.len() >= COPY_BELOW;
        if !shared {
            self.copied.extend_from_slice(&payload);
        }
        let end = self.copied.len();
        match self.parts.last_mut() {
            Some(Part::Copied { end: last }) => *last = end,
            _ => self.parts.push(Part::Copied { end }),
        }
        self.len += HEADER_LEN + payload.len();
        if shared {
            self.parts.push(Part::Shared(payload));
        }
        Ok(())
    }

    /// Writes every frame gathered.
    async fn write_to(&mut self, socket: &mut OwnedWriteHalf) -> std::io::Result<()> {
        while !self.parts.is_empty() {
            let slices = self.slices();
            let n = socket.write_vectored(&slices).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::WriteZero.into());
            }
            self.advance(n);
        }
        Ok(())
    }

    /// What is left to write, as slices.
    fn slices(&self) -> Vec<IoSlice<'_>> {
        let mut slices = Vec::with_capacity(self.parts.len());
        let (mut skip, mut start) = (self.written, 0);
        for part in &self.parts {
            let bytes = match part {
                Part::Copied { end } => &self.copied[std::mem::replace(&mut start, *end)..*end],
                Part::Shared(payload) => &payload[..],
            };
            let rest = &bytes[skip.min(bytes.len())..];
            skip = skip.saturating_sub(bytes.len());
            if !rest.is_empty() {
                slices.push(IoSlice::new(rest));
            }
        }
        slices
    }

    /// Counts `n` more bytes as written; everything is forgotten once all is.
    fn advance(&mut self, n: usize) {
        self.written += n;
        if self.written >= self.len {
            self.copied.clear();
            self.parts.clear();
            (self.len, self.written) = (0, 0);
        }
    }
}

#[cfg(test)]
mod tests {
    use bytes::BytesMut;

    use super::*;

    /// Frames short and long, gathered, and the bytes they make as framed one by one by the
    /// crate's encoder; the long payload too.
    fn gathered() -> (Outgoing, Vec<u8>, Bytes) {
        let encoder = FrameEncoder::new(MaxLength::at_least(4 * COPY_BELOW));
        let long = Bytes::from(vec![b'x'; 2 * COPY_BELOW]);
        let frames = [
            (FrameKind::Message, Bytes::from_static(b"[36,1,2,{}]")),
            (FrameKind::Pong, Bytes::new()),
            (FrameKind::Message, long.clone()),
            (FrameKind::Message, Bytes::from_static(b"[17,5,6]")),
            (FrameKind::Message, long.clone()),
        ];
        let (mut outgoing, mut expected) = (Outgoing::default(), BytesMut::new());
        for (kind, payload) in frames {
            encoder.encode(kind, &payload, &mut expected).unwrap();
            outgoing.push(&encoder, kind, payload).unwrap();
        }
        (outgoing, expected.to_vec(), long)
    }

    fn concat(slices: &[IoSlice<'_>]) -> Vec<u8> {
        slices.iter().flat_map(|s| s.iter().copied()).collect()
    }

    #[test]
    fn long_payloads_are_written_from_where_they_are() {
        let (outgoing, expected, long) = gathered();
        let slices = outgoing.slices();
        assert_eq!(concat(&slices), expected);
        let shared = slices
            .iter()
            .filter(|s| s.as_ptr() == long.as_ptr())
            .count();
        assert_eq!(shared, 2, "the long payload was copied");
        // the prefixes and short payloads before each long payload go together: [36 + PONG
        // + prefix] [long] [prefix + 17 + prefix] [long], where one slice per prefix and
        // non-empty payload would be 9
        assert_eq!(slices.len(), 4);
    }

    #[test]
    fn partial_writes_resume_where_they_stopped() {
        // every way of splitting the bytes into two writes
        let (_, expected, _) = gathered();
        for first in 1..expected.len() {
            let (mut outgoing, _, _) = gathered();
            outgoing.advance(first);
            assert_eq!(
                concat(&outgoing.slices()),
                expected[first..],
                "after {first}"
            );
            outgoing.advance(expected.len() - first);
            assert!(outgoing.slices().is_empty() && outgoing.written == 0);
        }
    }

    fn queued(byte: u8, event: bool) -> Queued {
        Queued {
            message: Bytes::from(vec![byte]),
            event,
        }
    }

    /// What [`hold_for_more`] leaves in `messages`, with `holding` taken already and `more`
    /// queued after them; a hold that does not end fails after a minute.
    async fn hold(holding: &[Queued], more: &[Queued], hold: Duration, close: bool) -> Vec<u8> {
        let (outbox, mut queue, _eviction) = outbox::queue();
        for m in more {
            if m.event {
                outbox.push_event(m.message.clone());
            } else {
                outbox.push(m.message.clone());
            }
        }
        if close {
            drop(outbox);
        }
        let mut messages = holding.to_vec();
        let held = hold_for_more(&mut queue, &mut messages, hold);
        tokio::time::timeout(Duration::from_secs(60), held)
            .await
            .expect("the hold did not end");
        messages.iter().map(|m| m.message[0]).collect()
    }

    const FOR_EVER: Duration = Duration::from_secs(3600);

    #[tokio::test]
    async fn events_are_held_until_a_reply_comes() {
        let more = [queued(2, true), queued(3, false), queued(4, true)];
        // what had come with the reply goes with it
        assert_eq!(
            hold(&[queued(1, true)], &more, FOR_EVER, false).await,
            [1, 2, 3, 4]
        );
    }

    #[tokio::test]
    async fn a_reply_is_not_held() {
        let more = [queued(2, true)];
        assert_eq!(
            hold(&[queued(1, true), queued(9, false)], &more, FOR_EVER, false).await,
            [1, 9]
        );
    }

    #[tokio::test]
    async fn events_are_held_until_the_time_is_up_or_the_queue_closes() {
        let more = [queued(2, true)];
        let short = Duration::from_millis(1);
        assert_eq!(hold(&[queued(1, true)], &more, short, false).await, [1, 2]);
        assert_eq!(
            hold(&[queued(1, true)], &more, FOR_EVER, true).await,
            [1, 2]
        );
    }

    #[tokio::test]
    async fn a_full_batch_is_not_held() {
        let more: Vec<_> = (0..WRITE_BATCH).map(|_| queued(2, true)).collect();
        let held = hold(&[queued(1, true)], &more, FOR_EVER, false).await;
        assert_eq!(held.len(), WRITE_BATCH);
    }

    #[test]
    fn a_frame_above_the_peer_maximum_is_refused() {
        let encoder = FrameEncoder::new(MaxLength::MIN);
        let mut outgoing = Outgoing::default();
        let long = Bytes::from(vec![b' '; MaxLength::MIN.bytes() + 1]);
        assert!(outgoing.push(&encoder, FrameKind::Message, long).is_err());
        assert!(outgoing.slices().is_empty());
    }
}
