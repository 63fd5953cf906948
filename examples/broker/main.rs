//! A reference WAMP router (broker and dealer) on tokio, built on the crate's fast path.
//!
//! ```sh
//! cargo run --release --example broker -- --rawsocket 127.0.0.1:8081 --websocket 127.0.0.1:8080
//! ```
//!
//! Any realm, anonymous authentication, every serializer (JSON, MessagePack, CBOR,
//! FlatBuffers) on RawSocket and WebSocket (the batched WebSocket variants too); sessions on
//! different serializers talk to each other. The Basic Profile, plus prefix and wildcard
//! subscriptions, publisher exclusion, black and white listing, acknowledged publications and
//! progressive call results; WELCOME announces exactly these.
//!
//! * [`realm`]: the routing state of a realm (subscriptions, registrations, pending calls),
//!   with no I/O.
//! * [`router`]: the session state machine; PUBLISH, CALL, YIELD and ERROR are routed and
//!   forwarded through the crate's views and `Forwarder`, never decoded into owned values.
//! * [`outbox`]: each connection's bounded queue and the policy for a full one: EVENTs for a
//!   full queue are dropped, and after 1,024 drops in a row the subscriber is disconnected;
//!   any other message for a full queue disconnects the peer at once. A slow subscriber never
//!   stalls the publisher or other subscribers.
//! * [`connection`], [`rawsocket`], [`websocket`]: the I/O: an accept loop per transport, one
//!   task per connection reading its messages, one writer task draining its queue. Frames
//!   above 16 MiB (or `--max-message`) are refused at the transport; a bad handshake, garbage or an invalid message
//!   closes that connection only (an invalid message after an ABORT
//!   `wamp.error.protocol_violation`).

#![deny(unsafe_code)]
#![deny(missing_docs)]

mod connection;
mod outbox;
mod rawsocket;
mod realm;
mod router;
mod websocket;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use tokio::net::{TcpListener, TcpStream};

use connection::Settings;
use router::Router;

/// The command line.
#[derive(Debug, Parser)]
#[command(about = "A reference WAMP router on every serializer, RawSocket and WebSocket")]
struct Args {
    /// Address to accept RawSocket connections on.
    #[arg(long, value_name = "ADDR")]
    rawsocket: Option<SocketAddr>,
    /// Address to accept WebSocket connections on.
    #[arg(long, value_name = "ADDR")]
    websocket: Option<SocketAddr>,
    /// The largest message accepted, in bytes (at most 16 MiB; RawSocket rounds it down to a
    /// power of two of at least 512).
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 20,
          value_parser = clap::value_parser!(u32).range(512..=16 << 20))]
    max_message: u32,
    /// Milliseconds a RawSocket subscriber's EVENTs may be held so that they are written
    /// together with the next ones (never a reply, which a peer waits for): fewer, larger
    /// writes, so more EVENTs per second from the same CPU, for up to this much latency
    /// (the timer's granularity is 1 ms). 0, the default, writes them at once.
    #[arg(long, value_name = "MS", default_value_t = 0,
          value_parser = clap::value_parser!(u16).range(0..=100))]
    hold_events: u16,
    /// Threads serving connections. With 1 (the default) every connection is served on
    /// the main thread: a message's EVENTs are queued for their subscribers without waking
    /// another thread, and each subscriber's writer, running after the reader, finds a batch
    /// to write at once. More threads pay off when the router, not the machine, is the
    /// limit: many cores and many busy publishers.
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: u16,
}

fn main() -> Result<(), String> {
    let args = Args::parse();
    if args.rawsocket.is_none() && args.websocket.is_none() {
        return Err("give --rawsocket ADDR, --websocket ADDR or both".into());
    }
    let runtime = match args.threads {
        1 => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        n => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n.into())
            .enable_all()
            .build(),
    };
    runtime
        .map_err(|e| format!("cannot start the runtime: {e}"))?
        .block_on(serve(args))
}

/// Serves the transports `args` names until the process is stopped.
async fn serve(args: Args) -> Result<(), String> {
    let router = Router::new();
    let settings = Settings {
        max_message: args.max_message as usize,
        event_hold: Duration::from_millis(args.hold_events.into()),
    };
    let mut servers = tokio::task::JoinSet::new();
    if let Some(addr) = args.rawsocket {
        let listener = bind(addr, "RawSocket").await?;
        servers.spawn(accept(listener, router.clone(), settings, rawsocket::serve));
    }
    if let Some(addr) = args.websocket {
        let listener = bind(addr, "WebSocket").await?;
        servers.spawn(accept(listener, router.clone(), settings, websocket::serve));
    }
    // the accept loops run until the process is stopped
    while servers.join_next().await.is_some() {}
    Ok(())
}

/// Binds `addr` and says so on stdout (which tells a supervisor the broker is ready).
async fn bind(addr: SocketAddr, transport: &str) -> Result<TcpListener, String> {
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|e| format!("cannot listen on {addr}: {e}"))?;
    let local = listener.local_addr().map_err(|e| e.to_string())?;
    println!("{transport} listening on {local}");
    Ok(listener)
}

/// Accepts connections for ever, serving each in its own task with `serve` and `settings`; a
/// failed connection is logged and affects no other.
async fn accept<F>(
    listener: TcpListener,
    router: Arc<Router>,
    settings: Settings,
    serve: fn(Arc<Router>, TcpStream, Settings) -> F,
) where
    F: Future<Output = Result<(), String>> + Send + 'static,
{
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // out of file descriptors and the like: wait a little rather than spin
                eprintln!("broker: accept: {e}");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        tokio::spawn(async move {
            if let Err(e) = serve(router, stream, settings).await {
                eprintln!("broker: {e}");
            }
        });
    }
}
