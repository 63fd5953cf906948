//! A publish/subscribe load generator for any WAMP router over RawSocket.
//!
//! ```text
//! cargo run --release --example loadgen -- --url rs://127.0.0.1:8080 --realm realm1 \
//!     --serializer msgpack --subscribers 4 --publishers 2 --duration 10 [--payload 64]
//! ```
//!
//! N subscriber sessions and M publisher sessions join the realm; every subscriber subscribes
//! to one topic; for the given seconds each publisher keeps a bounded window of PUBLISHes with
//! `acknowledge: true` in flight (so the latency measured is the router's, not a queue in
//! front of it), each carrying `[send time in ns, sequence number, payload]`. After a bounded
//! grace period for the last EVENTs every session says GOODBYE, and one JSON line goes to
//! stdout:
//!
//! `events_per_s` (EVENTs received by all subscribers per second of the publish phase),
//! `published_per_s`, `p50_us`/`p99_us` (publish-to-receive latency over every EVENT),
//! `lost` (publications x subscribers - EVENTs received) and the workload.
//!
//! A refused handshake, an ABORT, an ERROR or a closed connection is reported on stderr with
//! exit status 1. Every wait is bounded.
//!
//! The RawSocket handshake and framing are the crate's ([`rawsocket::connect`],
//! [`RawSocketCodec`] under tokio-util's `Framed`); each EVENT is read through a view
//! ([`Event::view`]), which checks it and reads `args[0]` in place without decoding the
//! payload, so that the load generator costs less per EVENT than the router it measures.

use std::error::Error;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use tokio::net::TcpStream;
use tokio::sync::{watch, Barrier};
use tokio::time::timeout;
use tokio_util::codec::Framed;

use wamp_codec::message::session::{Role, Roles};
use wamp_codec::serializer::Format;
use wamp_codec::transport::rawsocket::{
    self, ClientHandshake, Frame, FrameKind, MaxLength, RawSocketCodec,
};
use wamp_codec::view::item::Item;
use wamp_codec::view::{EventView, Payload};
use wamp_codec::{Event, Goodbye, Hello, Message, Publish, Subscribe, Value};

type BoxError = Box<dyn Error + Send + Sync>;
type Outcome<T> = Result<T, BoxError>;

/// The topic every session uses.
const TOPIC: &str = "com.wampcodec.loadgen";
/// PUBLISHes each publisher has in flight at most, unless `--window` says otherwise.
const DEFAULT_WINDOW: usize = 16;
/// The largest `--window`.
const MAX_WINDOW: usize = 4096;
/// Bounds on every wait and on the workload.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
const REPLY_TIMEOUT: Duration = Duration::from_secs(10);
const GRACE: Duration = Duration::from_secs(5);
const GOODBYE_TIMEOUT: Duration = Duration::from_secs(2);
const MAX_SESSIONS: usize = 2000;
const MAX_DURATION_S: u64 = 3600;
const MAX_PAYLOAD: usize = 1 << 20;
/// Latency samples kept per subscriber (4 bytes each); the rest are counted, not kept.
const MAX_SAMPLES_PER_SUBSCRIBER: usize = 4 << 20;

#[derive(Parser, Debug)]
#[command(about = "WAMP publish/subscribe load over RawSocket; prints one JSON line")]
struct Args {
    /// The router, rs://HOST:PORT.
    #[arg(long)]
    url: String,
    /// The realm to join.
    #[arg(long)]
    realm: String,
    /// json, msgpack, cbor or flatbuffers.
    #[arg(long)]
    serializer: String,
    /// Subscriber sessions.
    #[arg(long)]
    subscribers: usize,
    /// Publisher sessions.
    #[arg(long)]
    publishers: usize,
    /// Seconds of publishing.
    #[arg(long)]
    duration: u64,
    /// Octets of payload in each PUBLISH (a string of that length).
    #[arg(long, default_value_t = 0)]
    payload: usize,
    /// PUBLISHes each publisher keeps unacknowledged at most: the load offered.
    #[arg(long, default_value_t = DEFAULT_WINDOW)]
    window: usize,
}

/// What the workload is, checked.
#[derive(Debug, Clone)]
struct Workload {
    addr: String,
    realm: String,
    format: Format,
    subscribers: usize,
    publishers: usize,
    duration: Duration,
    payload: usize,
    window: usize,
}

impl Workload {
    fn from_args(args: Args) -> Outcome<Workload> {
        let addr = args
            .url
            .strip_prefix("rs://")
            .ok_or_else(|| format!("--url {:?}: expected rs://HOST:PORT", args.url))?
            .trim_end_matches('/')
            .to_owned();
        let format = Format::from_name(&args.serializer).ok_or_else(|| {
            format!(
                "--serializer {:?}: expected json, msgpack, cbor or flatbuffers",
                args.serializer
            )
        })?;
        let sessions = args.subscribers + args.publishers;
        if args.subscribers == 0 || args.publishers == 0 || sessions > MAX_SESSIONS {
            return Err(format!(
                "--subscribers and --publishers: at least 1 each, {MAX_SESSIONS} in all"
            )
            .into());
        }
        if args.duration == 0 || args.duration > MAX_DURATION_S {
            return Err(format!("--duration: 1 to {MAX_DURATION_S} seconds").into());
        }
        if args.window == 0 || args.window > MAX_WINDOW {
            return Err(format!("--window: 1 to {MAX_WINDOW}").into());
        }
        if args.payload > MAX_PAYLOAD {
            return Err(format!("--payload: at most {MAX_PAYLOAD} bytes").into());
        }
        Ok(Workload {
            addr,
            realm: args.realm,
            format,
            subscribers: args.subscribers,
            publishers: args.publishers,
            duration: Duration::from_secs(args.duration),
            payload: args.payload,
            window: args.window,
        })
    }
}

/// One WAMP session over RawSocket.
struct Session {
    framed: Framed<TcpStream, RawSocketCodec>,
    format: Format,
}

impl Session {
    /// Connects, does the RawSocket handshake and joins `realm` in `role`.
    async fn join(workload: &Workload, role: Role) -> Outcome<Session> {
        let mut stream = timeout(CONNECT_TIMEOUT, TcpStream::connect(&workload.addr))
            .await
            .map_err(|_| format!("connecting to {} timed out", workload.addr))?
            .map_err(|e| format!("connecting to {}: {e}", workload.addr))?;
        stream.set_nodelay(true)?;
        let handshake = ClientHandshake::new(workload.format, MaxLength::MAX);
        // autobahn-based routers close without a reply when they refuse (say, a serializer)
        let negotiated = timeout(REPLY_TIMEOUT, rawsocket::connect(&mut stream, handshake))
            .await
            .map_err(|_| "rawsocket handshake reply timed out")?
            .map_err(|e| format!("rawsocket handshake with the router: {e}"))?;
        let mut session = Session {
            framed: Framed::new(stream, RawSocketCodec::new(&negotiated)),
            format: workload.format,
        };
        let roles = Roles::from_iter([(role, Default::default())]);
        session
            .send(&Hello::new(Some(workload.realm.clone()), roles).into())
            .await?;
        match session.receive(REPLY_TIMEOUT).await? {
            Message::Welcome(_) => Ok(session),
            other => Err(unexpected("WELCOME", &other)),
        }
    }

    /// Sends `message` at once.
    async fn send(&mut self, message: &Message) -> Outcome<()> {
        self.feed(message).await?;
        self.flush().await
    }

    /// Queues `message` to send with the next [`flush`](Session::flush).
    async fn feed(&mut self, message: &Message) -> Outcome<()> {
        let bytes = self.format.encode(message)?;
        self.framed.feed(&bytes[..]).await?;
        Ok(())
    }

    /// Writes what is queued.
    async fn flush(&mut self) -> Outcome<()> {
        // the codec encodes both frames and messages: flushing is the same for either
        SinkExt::<Frame>::flush(&mut self.framed).await?;
        Ok(())
    }

    /// The next WAMP message, decoded; an error after `wait`.
    async fn receive(&mut self, wait: Duration) -> Outcome<Message> {
        let payload = self.receive_bytes(wait).await?;
        Ok(self.format.decode(&payload)?)
    }

    /// The next WAMP message as received, answering PINGs on the way; an error after `wait`.
    async fn receive_bytes(&mut self, wait: Duration) -> Outcome<Bytes> {
        timeout(wait, self.receive_unbounded())
            .await
            .map_err(|_| format!("no message from the router within {wait:?}"))?
    }

    async fn receive_unbounded(&mut self) -> Outcome<Bytes> {
        loop {
            let frame = self
                .framed
                .next()
                .await
                .ok_or("the router closed the connection")??;
            match frame.kind {
                FrameKind::Message => return Ok(frame.payload),
                FrameKind::Ping => {
                    let pong = frame.pong().expect("a PING has a PONG");
                    self.framed.send(pong).await?;
                }
                FrameKind::Pong => {}
            }
        }
    }

    /// Says GOODBYE and waits (bounded) for the router's, skipping EVENTs still arriving.
    async fn leave(mut self) -> Outcome<()> {
        self.send(&Goodbye::new(Goodbye::DEFAULT_REASON).into())
            .await?;
        let deadline = Instant::now() + GOODBYE_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.receive(left).await? {
                Message::Goodbye(_) => return Ok(()),
                Message::Event(_) | Message::Published(_) => continue,
                other => return Err(unexpected("GOODBYE", &other)),
            }
        }
    }
}

fn unexpected(expected: &str, got: &Message) -> BoxError {
    match got {
        Message::Abort(abort) => format!(
            "router sent ABORT {} ({}) instead of {expected}",
            abort.reason,
            abort.message.as_deref().unwrap_or("")
        )
        .into(),
        Message::Error(error) => {
            format!("router sent ERROR {} instead of {expected}", error.error).into()
        }
        other => format!(
            "router sent {:?} instead of {expected}",
            other.message_type()
        )
        .into(),
    }
}

/// What one subscriber saw.
#[derive(Default)]
struct Received {
    events: u64,
    latencies_us: Vec<u32>,
}

/// The time since `epoch` in ns, as the PUBLISH carries it.
fn stamp(epoch: Instant) -> i64 {
    i64::try_from(epoch.elapsed().as_nanos()).unwrap_or(i64::MAX)
}

/// Receives EVENTs until publishing is over and every publication arrived, or the grace
/// period after publishing ends.
async fn subscribe(
    mut session: Session,
    epoch: Instant,
    start: Arc<Barrier>,
    mut done: watch::Receiver<Option<u64>>,
) -> Outcome<(Session, Received)> {
    session.send(&Subscribe::new(1, TOPIC).into()).await?;
    match session.receive(REPLY_TIMEOUT).await? {
        Message::Subscribed(_) => {}
        other => return Err(unexpected("SUBSCRIBED", &other)),
    }
    start.wait().await;
    let mut received = Received::default();
    let mut grace_ends = None;
    loop {
        if let Some(published) = *done.borrow_and_update() {
            if received.events >= published {
                break;
            }
            let deadline = *grace_ends.get_or_insert_with(|| Instant::now() + GRACE);
            if Instant::now() >= deadline {
                break;
            }
        }
        let payload = tokio::select! {
            payload = session.receive_bytes(REPLY_TIMEOUT) => payload?,
            _ = done.changed() => continue,
            _ = tokio::time::sleep(Duration::from_millis(100)), if grace_ends.is_some() => continue,
        };
        let sent = match Event::view(session.format, &payload) {
            Ok(event) => send_time(&event).ok_or("EVENT without the send time in args[0]")?,
            // not an EVENT (or a broken one): decoded in full to say what it is
            Err(_) => return Err(unexpected("EVENT", &session.format.decode(&payload)?)),
        };
        received.events += 1;
        if received.latencies_us.len() < MAX_SAMPLES_PER_SUBSCRIBER {
            let ns = stamp(epoch).saturating_sub(sent).max(0);
            received
                .latencies_us
                .push(u32::try_from(ns / 1000).unwrap_or(u32::MAX));
        }
    }
    Ok((session, received))
}

/// The send time a loadgen publisher put in an EVENT's `args[0]`, read in place.
fn send_time(event: &EventView<'_>) -> Option<i64> {
    match event.args()? {
        Payload::Item(args) => args.list()?.next()?.as_int()?.try_into().ok(),
        // the CBOR that FlatBuffers keeps args in: decoded (no view reads it in place)
        other => match other.to_value().ok()? {
            Value::List(args) => match args.first()? {
                Value::Int(sent) => Some(*sent),
                _ => None,
            },
            _ => None,
        },
    }
}

/// Publishes for `duration` from the start, with at most `window` PUBLISHes
/// unacknowledged; returns how many it sent, all acknowledged.
async fn publish(
    mut session: Session,
    epoch: Instant,
    start: Arc<Barrier>,
    duration: Duration,
    window: usize,
    payload: String,
) -> Outcome<(Session, u64)> {
    start.wait().await;
    let until = epoch.elapsed() + duration;
    let (mut sent, mut in_flight) = (0u64, 0usize);
    // The window is refilled once half of it is acknowledged, in one write: a write per
    // PUBLISH would cost the load generator more than the router's work on it.
    let mut refilling = true;
    loop {
        let publishing = epoch.elapsed() < until;
        if publishing && refilling && in_flight < window {
            sent += 1;
            let publish = Publish {
                args: Some(vec![
                    Value::Int(stamp(epoch)),
                    Value::Int(sent as i64),
                    Value::Str(payload.clone()),
                ]),
                acknowledge: Some(true),
                ..Publish::new(sent, TOPIC)
            };
            session.feed(&publish.into()).await?;
            in_flight += 1;
            continue;
        }
        session.flush().await?;
        if in_flight == 0 {
            break;
        }
        match session.receive(REPLY_TIMEOUT).await? {
            Message::Published(_) => in_flight -= 1,
            other => return Err(unexpected("PUBLISHED", &other)),
        }
        refilling = in_flight <= window / 2;
    }
    Ok((session, sent))
}

/// The `q`-quantile of sorted samples.
fn quantile(sorted: &[u32], q: f64) -> Option<u32> {
    let last = sorted.len().checked_sub(1)?;
    Some(sorted[((last as f64) * q).round() as usize])
}

async fn run(workload: Workload) -> Outcome<serde_json::Value> {
    let sessions = workload.subscribers + workload.publishers;
    let start = Arc::new(Barrier::new(sessions + 1));
    let (done_tx, done_rx) = watch::channel(None);

    let mut subscribers = Vec::with_capacity(workload.subscribers);
    let mut publishers = Vec::with_capacity(workload.publishers);
    // The publish phase starts at the barrier; `epoch` anchors the send times.
    let epoch = Instant::now();
    for _ in 0..workload.subscribers {
        let session = Session::join(&workload, Role::Subscriber).await?;
        subscribers.push(tokio::spawn(subscribe(
            session,
            epoch,
            start.clone(),
            done_rx.clone(),
        )));
    }
    let payload = "x".repeat(workload.payload);
    for _ in 0..workload.publishers {
        let session = Session::join(&workload, Role::Publisher).await?;
        publishers.push(tokio::spawn(publish(
            session,
            epoch,
            start.clone(),
            workload.duration,
            workload.window,
            payload.clone(),
        )));
    }
    // every session has joined (and subscribed): publishing starts now
    start.wait().await;
    let phase_start = epoch.elapsed();

    let mut published = 0;
    let mut sessions_left = Vec::with_capacity(sessions);
    for publisher in publishers {
        let (session, sent) = publisher.await??;
        published += sent;
        sessions_left.push(session);
    }
    let phase = epoch.elapsed().saturating_sub(phase_start).as_secs_f64();
    done_tx.send(Some(published))?;

    let (mut events, mut latencies) = (0u64, Vec::new());
    for subscriber in subscribers {
        let (session, received) = subscriber.await??;
        events += received.events;
        latencies.extend(received.latencies_us);
        sessions_left.push(session);
    }
    for session in sessions_left {
        session.leave().await?;
    }
    latencies.sort_unstable();
    let expected = published * workload.subscribers as u64;
    Ok(serde_json::json!({
        "serializer": workload.format.name(),
        "subscribers": workload.subscribers,
        "publishers": workload.publishers,
        "duration": workload.duration.as_secs(),
        "payload": workload.payload,
        "window": workload.window,
        "published": published,
        "events": events,
        "publish_phase_s": phase,
        "published_per_s": published as f64 / phase,
        "events_per_s": events as f64 / phase,
        "p50_us": quantile(&latencies, 0.50),
        "p99_us": quantile(&latencies, 0.99),
        "lost": expected as i64 - events as i64,
    }))
}

fn main() -> ExitCode {
    let result = Workload::from_args(Args::parse()).and_then(|workload| {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()?
            .block_on(run(workload))
    });
    match result {
        Ok(report) => {
            println!("{report}");
            ExitCode::SUCCESS
        }
        Err(err) => {
            eprintln!("loadgen: {err}");
            ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::quantile;

    #[test]
    fn quantiles_of_sorted_samples() {
        let samples: Vec<u32> = (1..=100).collect();
        assert_eq!(quantile(&samples, 0.5), Some(51)); // index round(99 * 0.5) = 50
        assert_eq!(quantile(&samples, 0.99), Some(99));
        assert_eq!(quantile(&[7], 0.99), Some(7));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
