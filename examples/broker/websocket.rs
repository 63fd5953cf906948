//! WAMP over WebSocket (tokio-tungstenite): the subprotocol picks the serializer, batched ones
//! included; JSON travels in text frames, the binary formats in binary ones.

use std::sync::Arc;

use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tokio_tungstenite::tungstenite::http::{HeaderValue, StatusCode};
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::Message as WsMessage;
use wamp_codec::serializer::{Format, Serializer};

use crate::connection;
use crate::outbox::{self, Queue};
use crate::router::Router;

/// Most messages joined into one WebSocket message on a batched serializer.
const MAX_BATCH: usize = 64;

/// The first serializer the client offers (in its order of preference) that the broker has.
fn negotiate(request: &Request) -> Option<Serializer> {
    request
        .headers()
        .get_all("sec-websocket-protocol")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|offered| Serializer::from_subprotocol(offered.trim()))
}

/// Serves one WebSocket connection taking messages up to `max_message` bytes: the handshake (refused with 400 when no offered
/// subprotocol is a WAMP serializer), then the session.
pub async fn serve(
    router: Arc<Router>,
    stream: TcpStream,
    max_message: usize,
) -> Result<(), String> {
    let mut chosen = None;
    let choose = |request: &Request, mut response: Response| {
        let Some(serializer) = negotiate(request) else {
            let mut refusal = ErrorResponse::new(Some("no WAMP subprotocol offered".into()));
            *refusal.status_mut() = StatusCode::BAD_REQUEST;
            return Err(refusal);
        };
        response.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static(serializer.subprotocol()),
        );
        chosen = Some(serializer);
        Ok(response)
    };
    let config = WebSocketConfig {
        max_message_size: Some(max_message),
        max_frame_size: Some(max_message),
        ..WebSocketConfig::default()
    };
    let ws = tokio_tungstenite::accept_hdr_async_with_config(stream, choose, Some(config))
        .await
        .map_err(|e| format!("WebSocket handshake: {e}"))?;
    let serializer = chosen.ok_or("WebSocket handshake without a subprotocol")?;

    let (sink, stream) = ws.split();
    let incoming = stream.filter_map(|message| async move {
        match message {
            Ok(WsMessage::Text(text)) => Some(Ok(text.into_bytes())),
            Ok(WsMessage::Binary(bytes)) => Some(Ok(bytes)),
            // tungstenite answers pings itself
            Ok(WsMessage::Ping(_) | WsMessage::Pong(_) | WsMessage::Frame(_)) => None,
            Ok(WsMessage::Close(_)) => Some(Err("the peer closed".to_owned())),
            Err(e) => Some(Err(format!("WebSocket: {e}"))),
        }
    });
    let (outbox, queue, eviction) = outbox::queue();
    let writer = tokio::spawn(write(sink, queue, serializer));
    connection::serve(
        router,
        serializer,
        Box::pin(incoming),
        outbox,
        eviction,
        writer,
    )
    .await;
    Ok(())
}

/// Writes what is queued, one message per WebSocket message (up to [`MAX_BATCH`] joined in
/// one on a batched serializer), then closes.
async fn write(
    mut sink: impl SinkExt<WsMessage, Error = tokio_tungstenite::tungstenite::Error> + Unpin,
    mut queue: Queue,
    serializer: Serializer,
) {
    while let Some(first) = queue.recv().await {
        let payload = if serializer.is_batched() {
            let mut batch = Vec::with_capacity(first.len() + 8);
            append_batched(serializer, &first, &mut batch);
            for _ in 1..MAX_BATCH {
                let Ok(next) = queue.try_recv() else { break };
                append_batched(serializer, &next, &mut batch);
            }
            batch
        } else {
            first
        };
        let message = match serializer.format() {
            Format::Json => match String::from_utf8(payload) {
                Ok(text) => WsMessage::Text(text),
                Err(_) => {
                    eprintln!("broker: a JSON message is not UTF-8; closing");
                    break;
                }
            },
            _ => WsMessage::Binary(payload),
        };
        if sink.send(message).await.is_err() {
            return;
        }
    }
    let _ = sink.close().await;
}

/// Appends one encoded message to a batch as `serializer` frames it: JSON followed by
/// `0x18`, the binary formats after their length (4 bytes, big-endian).
fn append_batched(serializer: Serializer, message: &[u8], batch: &mut Vec<u8>) {
    match serializer.format() {
        Format::Json => {
            batch.extend_from_slice(message);
            batch.push(0x18);
        }
        _ => {
            // the broker's messages are at most MAX_MESSAGE (16 MiB) long
            let len = u32::try_from(message.len()).unwrap_or(u32::MAX);
            batch.extend_from_slice(&len.to_be_bytes());
            batch.extend_from_slice(message);
        }
    }
}
