//! WAMP over WebSocket: tokio-tungstenite does the WebSocket, the crate's
//! [`transport::websocket`](wamp_codec::transport::websocket) what WAMP adds to it: the
//! subprotocol negotiation (every serializer, batched ones included), text frames for JSON
//! and binary ones for the others, and batches split and built.

use std::sync::Arc;

use bytes::Bytes;
use futures_util::{stream, SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use wamp_codec::transport::websocket::{negotiate, BatchError, MessageKind, Subprotocol};

use crate::connection::{self, Fault, Settings};
use crate::outbox::{self, Queue, Queued};
use crate::router::Router;

/// Most messages joined into one WebSocket message on a batched subprotocol.
const MAX_BATCH: usize = 64;

/// The client's offered subprotocols (in every `Sec-WebSocket-Protocol` header), and the one
/// the broker picks: its order of preference is [`Subprotocol::ALL`]'s.
fn choose(request: &Request) -> Option<Subprotocol> {
    let offered = request
        .headers()
        .get_all("sec-websocket-protocol")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    negotiate(offered, Subprotocol::ALL)
}

/// Serves one WebSocket connection taking messages up to `settings.max_message` bytes: the
/// handshake (refused with 400 when no offered subprotocol is a WAMP serializer), then the
/// session. (EVENTs are written as they come: `settings.event_hold` is RawSocket's.)
pub async fn serve(
    router: Arc<Router>,
    stream: TcpStream,
    settings: Settings,
) -> Result<(), String> {
    let max_message = settings.max_message;
    let mut chosen = None;
    let answer = |request: &Request, mut response: Response| {
        let Some(subprotocol) = choose(request) else {
            let mut refusal = ErrorResponse::new(Some("no WAMP subprotocol offered".into()));
            *refusal.status_mut() = StatusCode::BAD_REQUEST;
            return Err(refusal);
        };
        response.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static(subprotocol.name()),
        );
        chosen = Some(subprotocol);
        Ok(response)
    };
    let config = WebSocketConfig {
        max_message_size: Some(max_message),
        max_frame_size: Some(max_message),
        ..WebSocketConfig::default()
    };
    let ws = tokio_tungstenite::accept_hdr_async_with_config(stream, answer, Some(config))
        .await
        .map_err(|e| format!("WebSocket handshake: {e}"))?;
    let subprotocol = chosen.ok_or("WebSocket handshake without a subprotocol")?;

    let (sink, stream) = ws.split();
    let incoming = stream
        .map(move |message| stream::iter(unbatch(subprotocol, message, max_message)))
        .flatten();
    let (outbox, queue, eviction) = outbox::queue();
    let writer = tokio::spawn(write(sink, queue, subprotocol));
    connection::serve(
        router,
        subprotocol.format(),
        Box::pin(incoming),
        outbox,
        eviction,
        writer,
    )
    .await;
    Ok(())
}

/// The WAMP messages one WebSocket message carries, as slices of it (a broken batch ends with
/// the fault); nothing for a ping or a pong, which tungstenite answers itself.
fn unbatch(
    subprotocol: Subprotocol,
    message: Result<WsMessage, tokio_tungstenite::tungstenite::Error>,
    max_message: usize,
) -> Vec<Result<Bytes, Fault>> {
    let payload = match message {
        Ok(WsMessage::Text(text)) => Bytes::from(text.into_bytes()),
        Ok(WsMessage::Binary(bytes)) => Bytes::from(bytes),
        Ok(WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_)) => return Vec::new(),
        Ok(WsMessage::Close(_)) => return vec![Err(Fault::Transport("the peer closed".into()))],
        Err(e) => return vec![Err(Fault::Transport(format!("WebSocket: {e}")))],
    };
    subprotocol
        .messages(&payload, max_message)
        .map(|message| match message {
            Ok(message) => Ok(payload.slice_ref(message)),
            Err(e) => Err(Fault::Message(format!("{subprotocol}: {e}"))),
        })
        .collect()
}

/// Writes what is queued, one message per WebSocket message (up to [`MAX_BATCH`] joined in
/// one on a batched subprotocol), then closes.
async fn write(
    mut sink: impl SinkExt<WsMessage, Error = tokio_tungstenite::tungstenite::Error> + Unpin,
    mut queue: Queue,
    subprotocol: Subprotocol,
) {
    while let Some(Queued { message: first, .. }) = queue.recv().await {
        let payload = if subprotocol.is_batched() {
            match batch(subprotocol, first, &mut queue) {
                Ok(batch) => batch,
                Err(e) => {
                    eprintln!("broker: {e}; closing");
                    break;
                }
            }
        } else {
            first.into()
        };
        let message = match subprotocol.message_kind() {
            MessageKind::Text => match String::from_utf8(payload) {
                Ok(text) => WsMessage::Text(text),
                Err(_) => {
                    eprintln!("broker: a JSON message is not UTF-8; closing");
                    break;
                }
            },
            MessageKind::Binary => WsMessage::Binary(payload),
        };
        if sink.send(message).await.is_err() {
            return;
        }
    }
    let _ = sink.close().await;
}

/// `first` and what else is queued (up to [`MAX_BATCH`] messages in all) as one batch.
fn batch(subprotocol: Subprotocol, first: Bytes, queue: &mut Queue) -> Result<Vec<u8>, BatchError> {
    let mut batch = Vec::with_capacity(first.len() + 8);
    subprotocol.append(&first, &mut batch)?;
    for _ in 1..MAX_BATCH {
        let Ok(next) = queue.try_recv() else { break };
        subprotocol.append(&next, &mut batch)?;
    }
    Ok(batch)
}
