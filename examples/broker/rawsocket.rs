//! WAMP over RawSocket: the 4-octet handshake picks the serializer and each side's largest
//! message; then every message travels in a frame with a 4-octet header (frame type, 24-bit
//! length). A PING is answered with a PONG carrying the same payload.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, BufWriter};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use wamp_codec::serializer::Serializer;

use crate::connection;
use crate::outbox::{self, Queue};
use crate::router::Router;

/// How long a new connection has to send its handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// The magic first octet of a handshake.
const MAGIC: u8 = 0x7F;

/// The handshake's exponent for the largest power of two (from 2^9 to 2^24) not above
/// `max_message`: the largest message is 2^(9+L) bytes.
fn length_exponent(max_message: usize) -> u8 {
    (0..=15u8)
        .rev()
        .find(|l| 1usize << (9 + l) <= max_message)
        .unwrap_or(0)
}

/// Handshake refusal codes (the high nibble of the reply's second octet).
const ERROR_SERIALIZER_UNSUPPORTED: u8 = 1;
const ERROR_RESERVED_BITS: u8 = 3;

/// Frame types (the low 3 bits of a frame header's first octet).
const FRAME_MESSAGE: u8 = 0;
const FRAME_PING: u8 = 1;
const FRAME_PONG: u8 = 2;

/// Serves one RawSocket connection taking messages up to `max_message` bytes (rounded
/// down to a power of two): the handshake (refused for an unknown serializer or
/// non-zero reserved bits), then the session.
pub async fn serve(
    router: Arc<Router>,
    mut stream: TcpStream,
    max_message: usize,
) -> Result<(), String> {
    let exponent = length_exponent(max_message);
    let max_message = 1usize << (9 + exponent);
    let mut request = [0; 4];
    tokio::time::timeout(HANDSHAKE_TIMEOUT, stream.read_exact(&mut request))
        .await
        .map_err(|_| "no RawSocket handshake in time".to_owned())?
        .map_err(|e| format!("RawSocket handshake: {e}"))?;
    if request[0] != MAGIC {
        return Err(format!(
            "RawSocket handshake starts with {:#04x}",
            request[0]
        ));
    }
    let refuse = |code: u8| [MAGIC, code << 4, 0, 0];
    let (reply, accepted) = if request[2..] != [0, 0] {
        (refuse(ERROR_RESERVED_BITS), None)
    } else {
        match Serializer::from_rawsocket_id(request[1] & 0x0F) {
            Some(serializer) => {
                let reply = [MAGIC, exponent << 4 | (request[1] & 0x0F), 0, 0];
                (reply, Some(serializer))
            }
            None => (refuse(ERROR_SERIALIZER_UNSUPPORTED), None),
        }
    };
    stream
        .write_all(&reply)
        .await
        .map_err(|e| format!("RawSocket handshake: {e}"))?;
    let Some(serializer) = accepted else {
        return Err(format!("RawSocket handshake refused: {request:02x?}"));
    };
    let peer_max = 1usize << (9 + (request[1] >> 4));

    let (read, write) = stream.into_split();
    let (pongs_tx, pongs) = mpsc::channel(4);
    let incoming = Box::pin(futures_util::stream::unfold(
        (read, pongs_tx),
        |(mut read, pongs)| async move {
            let item = next_message(&mut read, &pongs, max_message)
                .await
                .transpose()?;
            Some((item, (read, pongs)))
        },
    ));
    let (outbox, queue, eviction) = outbox::queue();
    let writer = tokio::spawn(write_frames(write, queue, pongs, peer_max));
    connection::serve(router, serializer, incoming, outbox, eviction, writer).await;
    Ok(())
}

/// The next message's payload; `Ok(None)` when the peer closes between frames. PINGs are
/// handed to the writer to answer, PONGs ignored.
async fn next_message(
    read: &mut OwnedReadHalf,
    pongs: &mpsc::Sender<Vec<u8>>,
    max_message: usize,
) -> Result<Option<Vec<u8>>, String> {
    loop {
        let mut header = [0; 4];
        match read.read_exact(&mut header).await {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(None),
            Err(e) => return Err(format!("RawSocket: {e}")),
        }
        let kind = header[0];
        let len = u32::from_be_bytes([0, header[1], header[2], header[3]]) as usize;
        if kind > FRAME_PONG {
            return Err(format!("RawSocket frame of unknown type {kind:#04x}"));
        }
        // refused before anything is buffered
        if len > max_message {
            return Err(format!("RawSocket frame of {len} bytes, above the limit"));
        }
        let mut payload = vec![0; len];
        read.read_exact(&mut payload)
            .await
            .map_err(|e| format!("RawSocket frame truncated: {e}"))?;
        match kind {
            FRAME_MESSAGE => return Ok(Some(payload)),
            // a peer that pings faster than it reads is not answered every time
            FRAME_PING => drop(pongs.try_send(payload)),
            _ => {}
        }
    }
}

/// Writes what is queued and the PONGs, each in its frame, flushing when nothing more is
/// ready. A message above the peer's announced maximum ends the connection.
async fn write_frames(
    write: OwnedWriteHalf,
    mut queue: Queue,
    mut pongs: mpsc::Receiver<Vec<u8>>,
    peer_max: usize,
) {
    let mut write = BufWriter::new(write);
    loop {
        let (kind, payload) = tokio::select! {
            message = queue.recv() => match message {
                Some(message) => (FRAME_MESSAGE, message),
                None => break,
            },
            Some(ping) = pongs.recv() => (FRAME_PONG, ping),
        };
        if payload.len() > peer_max {
            // dropping it could leave a call unanswered for ever: end the connection instead
            eprintln!(
                "broker: a {}-byte message exceeds the peer's limit of {peer_max}; closing",
                payload.len()
            );
            return;
        }
        let len = (payload.len() as u32).to_be_bytes();
        let header = [kind, len[1], len[2], len[3]];
        if write.write_all(&header).await.is_err() || write.write_all(&payload).await.is_err() {
            return;
        }
        if queue.is_empty() && write.flush().await.is_err() {
            return;
        }
    }
    let _ = write.flush().await;
    let _ = write.into_inner().shutdown().await;
}
