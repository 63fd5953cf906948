//! One connection, whatever its transport: the transport hands over the messages it received
//! one by one (a batch already split), each goes to the connection's [`Session`] until the
//! session closes, the peer goes, or the router evicts it (see [`crate::outbox`]); the
//! transport's writer task drains the connection's queue.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{FutureExt, Stream, StreamExt};
use tokio::task::JoinHandle;
use wamp_codec::serializer::Format;

use crate::outbox::{Eviction, Outbox};
use crate::router::{Flow, Router, Session};

/// How long a new connection has to send its HELLO.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the writer has to flush what is queued once the session is over.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Messages handled one after the other, as long as they are already there, before the
/// connection looks for an eviction again.
const MESSAGES_PER_WAKEUP: usize = 1024;

/// What every connection is served with: the command line's choices.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// The largest message accepted, in bytes.
    pub max_message: usize,
    /// How long a RawSocket writer may hold EVENTs to write them with the next ones (zero:
    /// at once).
    pub event_hold: Duration,
}

/// Why a transport stops handing over messages.
#[derive(Debug)]
pub enum Fault {
    /// The transport itself failed (I/O, framing, a close): the connection just ends.
    Transport(String),
    /// What arrived is not a sequence of WAMP messages (a broken batch): the session is
    /// aborted with `wamp.error.protocol_violation`, then the connection ends.
    Message(String),
}

/// Serves the connection speaking `format` whose received messages `incoming` yields and
/// whose `writer` task drains the queue `outbox` feeds.
pub async fn serve(
    router: Arc<Router>,
    format: Format,
    mut incoming: impl Stream<Item = Result<Bytes, Fault>> + Unpin,
    outbox: Outbox,
    eviction: Eviction,
    writer: JoinHandle<()>,
) {
    let mut session = Session::new(router, format, outbox);
    let hello_deadline = tokio::time::Instant::now() + HELLO_TIMEOUT;
    'session: loop {
        let received = tokio::select! {
            () = eviction.wait() => {
                // the peer does not read: nothing queued will reach it
                writer.abort();
                return;
            }
            () = tokio::time::sleep_until(hello_deadline), if !session.is_joined() => {
                eprintln!("broker: no HELLO in {HELLO_TIMEOUT:?}; closing");
                break;
            }
            received = incoming.next() => received,
        };
        if handle(&mut session, received) == Flow::Close {
            break;
        }
        // The messages that arrived with this one (a read takes many) are handled without
        // going through the select above, which costs more than most messages do; the
        // eviction is looked at again after a bounded run of them.
        for _ in 1..MESSAGES_PER_WAKEUP {
            let Some(received) = incoming.next().now_or_never() else {
                break;
            };
            if handle(&mut session, received) == Flow::Close {
                break 'session;
            }
        }
    }
    // leaving the realm drops the router's handles on the queue, so the writer ends once
    // it has written what is queued
    drop(session);
    let abort = writer.abort_handle();
    if tokio::time::timeout(DRAIN_TIMEOUT, writer).await.is_err() {
        abort.abort();
    }
}

/// Hands what the transport yielded to the session.
fn handle(session: &mut Session, received: Option<Result<Bytes, Fault>>) -> Flow {
    match received {
        Some(Ok(message)) => session.handle(&message),
        Some(Err(Fault::Message(reason))) => session.reject(reason),
        Some(Err(Fault::Transport(reason))) => {
            eprintln!("broker: connection closed: {reason}");
            Flow::Close
        }
        None => Flow::Close,
    }
}
