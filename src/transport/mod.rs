//! Transports: how WAMP messages travel, apart from how they are serialized.
//!
//! * [`rawsocket`]: the RawSocket handshake and framing, complete and sans-IO (with a tokio
//!   codec behind the `tokio` feature).
//! * [`websocket`]: what WAMP adds on top of a WebSocket library: the subprotocol names and
//!   their negotiation, text or binary messages, and batched mode.

pub mod rawsocket;
pub mod websocket;
