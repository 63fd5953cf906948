//! One connection, whatever its transport: its transport payloads are split into messages and
//! handed to its [`Session`] until the session closes, the peer goes, or the router evicts it
//! (see [`crate::outbox`]); the transport's writer task drains the connection's queue.

use std::sync::Arc;
use std::time::Duration;

use futures_util::{Stream, StreamExt};
use tokio::task::JoinHandle;
use wamp_codec::serializer::Serializer;

use crate::outbox::{Eviction, Outbox};
use crate::router::{Flow, Router, Session};

/// How long a new connection has to send its HELLO.
const HELLO_TIMEOUT: Duration = Duration::from_secs(10);

/// How long the writer has to flush what is queued once the session is over.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(5);

/// Serves the connection whose transport payloads `incoming` yields (an `Err` when the
/// transport fails, with why) and whose `writer` task drains the queue `outbox` feeds.
pub async fn serve(
    router: Arc<Router>,
    serializer: Serializer,
    mut incoming: impl Stream<Item = Result<Vec<u8>, String>> + Unpin,
    outbox: Outbox,
    eviction: Eviction,
    writer: JoinHandle<()>,
) {
    let mut session = Session::new(router, serializer.format(), outbox);
    let hello_deadline = tokio::time::Instant::now() + HELLO_TIMEOUT;
    loop {
        let payload = tokio::select! {
            () = eviction.wait() => {
                // the peer does not read: nothing queued will reach it
                writer.abort();
                return;
            }
            () = tokio::time::sleep_until(hello_deadline), if !session.is_joined() => break,
            payload = incoming.next() => payload,
        };
        let payload = match payload {
            Some(Ok(payload)) => payload,
            Some(Err(reason)) => {
                eprintln!("broker: connection closed: {reason}");
                break;
            }
            None => break,
        };
        if deliver(&mut session, serializer, &payload) == Flow::Close {
            break;
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

/// Hands each message of a transport payload (several in a batched one) to the session.
fn deliver(session: &mut Session, serializer: Serializer, payload: &[u8]) -> Flow {
    for message in serializer.frames(payload) {
        let flow = match message {
            Ok(message) => session.handle(message),
            Err(e) => session.reject(e.to_string()),
        };
        if flow == Flow::Close {
            return Flow::Close;
        }
    }
    Flow::Continue
}
