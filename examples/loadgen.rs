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
//! [`FrameHeader`], [`FrameEncoder`]). So that the load generator costs less per EVENT than the
//! router it measures, a subscriber reads its socket in large chunks and handles every EVENT
//! of a chunk in place: each is checked and its `args[0]` read through a view
//! ([`Event::view`]) in the read buffer, without decoding the payload or copying the frame,
//! and the receive time is taken once per read (the moment those EVENTs reached the load
//! generator).

use std::error::Error;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

use std::ops::Range;

use bytes::BytesMut;
use clap::Parser;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{watch, Barrier};
use tokio::time::timeout;

use wamp_codec::message::session::{Role, Roles};
use wamp_codec::serializer::Format;
use wamp_codec::transport::rawsocket::{
    self, ClientHandshake, FrameEncoder, FrameHeader, FrameKind, MaxLength, HEADER_LEN,
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
/// A session's read buffer: a read takes up to this much of what has arrived.
const READ_BUFFER: usize = 256 << 10;
/// The least room a read is given (the unread part of a frame is moved to the front first).
const MIN_READ: usize = 16 << 10;
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
    /// Threads running the sessions (1: all on the main thread).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: u16,
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
    stream: TcpStream,
    format: Format,
    encoder: FrameEncoder,
    inbox: Inbox,
    /// Frames to send with the next [`flush`](Session::flush).
    outgoing: BytesMut,
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
            stream,
            format: workload.format,
            encoder: FrameEncoder::new(negotiated.max_send),
            inbox: Inbox::new(negotiated.max_receive.bytes()),
            outgoing: BytesMut::new(),
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
        self.feed(message)?;
        self.flush().await
    }

    /// Queues `message` to send with the next [`flush`](Session::flush).
    fn feed(&mut self, message: &Message) -> Outcome<()> {
        let bytes = self.format.encode(message)?;
        self.encoder.encode_message(&bytes, &mut self.outgoing)?;
        Ok(())
    }

    /// Writes what is queued.
    async fn flush(&mut self) -> Outcome<()> {
        self.stream.write_all(&self.outgoing).await?;
        self.outgoing.clear();
        Ok(())
    }

    /// The next WAMP message, decoded; an error after `wait`.
    async fn receive(&mut self, wait: Duration) -> Outcome<Message> {
        timeout(wait, async {
            loop {
                if let Some(message) = self.buffered()? {
                    return Ok(self.format.decode(self.inbox.get(message))?);
                }
                self.flush().await?; // the PONGs
                self.inbox.fill(&mut self.stream).await?;
            }
        })
        .await
        .map_err(|_| format!("no message from the router within {wait:?}"))?
    }

    /// Where the next message already read is in the inbox; PINGs on the way are answered
    /// with the next flush.
    fn buffered(&mut self) -> Outcome<Option<Range<usize>>> {
        while let Some((kind, payload)) = self.inbox.next_frame()? {
            match kind {
                FrameKind::Message => return Ok(Some(payload)),
                FrameKind::Ping => {
                    let ping = self.inbox.get(payload);
                    self.encoder
                        .encode(FrameKind::Pong, ping, &mut self.outgoing)?;
                }
                FrameKind::Pong => {}
            }
        }
        Ok(None)
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

/// What a session has read and not handled yet: frames are read in place from one buffer,
/// refilled by reads as large as the room left in it.
struct Inbox {
    buf: Vec<u8>,
    /// `buf[start..end]` is read and not handled yet.
    start: usize,
    end: usize,
    /// The longest frame accepted (what the handshake asked the router for).
    max_frame: usize,
}

impl Inbox {
    fn new(max_frame: usize) -> Inbox {
        Inbox {
            buf: vec![0; READ_BUFFER],
            start: 0,
            end: 0,
            max_frame,
        }
    }

    /// The bytes at `range`, as [`next_frame`](Inbox::next_frame) gave it.
    fn get(&self, range: Range<usize>) -> &[u8] {
        &self.buf[range]
    }

    /// The kind and payload of the next frame read in full, taken off the inbox; `None` until
    /// one is (with room made for it).
    fn next_frame(&mut self) -> Outcome<Option<(FrameKind, Range<usize>)>> {
        let Some(prefix) = self.buf[self.start..self.end].first_chunk::<HEADER_LEN>() else {
            return Ok(None);
        };
        let header = FrameHeader::parse(prefix)?;
        if header.len() > self.max_frame {
            return Err(format!(
                "the router sent a frame of {} bytes, above the {} asked for",
                header.len(),
                self.max_frame
            )
            .into());
        }
        let (payload, end) = (
            self.start + HEADER_LEN,
            self.start + HEADER_LEN + header.len(),
        );
        if end > self.end {
            self.make_room(end - self.start);
            return Ok(None);
        }
        self.start = end;
        Ok(Some((header.kind(), payload..end)))
    }

    /// Makes room for a frame of `len` bytes (prefix included) at the start of the unread
    /// bytes, moving them to the front of the buffer (they are a part of one frame, if any).
    fn make_room(&mut self, len: usize) {
        if self.buf.len() - self.start < len {
            self.buf.copy_within(self.start..self.end, 0);
            (self.start, self.end) = (0, self.end - self.start);
            if self.buf.len() < len {
                self.buf.resize(len, 0);
            }
        }
    }

    /// Reads once from `stream`: what has arrived, at least one byte.
    async fn fill(&mut self, stream: &mut TcpStream) -> Outcome<()> {
        match stream.read(self.room()).await? {
            0 => Err("the router closed the connection".into()),
            n => {
                self.filled(n);
                Ok(())
            }
        }
    }

    /// The free space after the unread bytes, at least [`MIN_READ`] of it, for a read.
    fn room(&mut self) -> &mut [u8] {
        if self.start == self.end {
            (self.start, self.end) = (0, 0);
        } else if self.buf.len() - self.end < MIN_READ {
            self.make_room(self.end - self.start + MIN_READ);
        }
        &mut self.buf[self.end..]
    }

    /// Counts the first `n` bytes of [`room`](Inbox::room) as read.
    fn filled(&mut self, n: usize) {
        self.end += n;
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
    // when the EVENTs in the inbox arrived: at the read that brought them
    let mut arrived = stamp(epoch);
    loop {
        while let Some(message) = session.buffered()? {
            let payload = session.inbox.get(message);
            let sent = match Event::view(session.format, payload) {
                Ok(event) => send_time(&event).ok_or("EVENT without the send time in args[0]")?,
                // not an EVENT (or a broken one): decoded in full to say what it is
                Err(_) => return Err(unexpected("EVENT", &session.format.decode(payload)?)),
            };
            received.events += 1;
            if received.latencies_us.len() < MAX_SAMPLES_PER_SUBSCRIBER {
                let us = arrived.saturating_sub(sent).max(0) / 1000;
                received
                    .latencies_us
                    .push(u32::try_from(us).unwrap_or(u32::MAX));
            }
        }
        if !session.outgoing.is_empty() {
            session.flush().await?; // the PONGs
        }
        if let Some(published) = *done.borrow_and_update() {
            if received.events >= published {
                break;
            }
            let deadline = *grace_ends.get_or_insert_with(|| Instant::now() + GRACE);
            if Instant::now() >= deadline {
                break;
            }
        }
        tokio::select! {
            read = timeout(REPLY_TIMEOUT, session.inbox.fill(&mut session.stream)) => {
                read.map_err(|_| format!("no message from the router within {REPLY_TIMEOUT:?}"))??;
                arrived = stamp(epoch);
            }
            _ = done.changed() => {}
            _ = tokio::time::sleep(Duration::from_millis(100)), if grace_ends.is_some() => {}
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
                    Value::from(payload.as_str()),
                ]),
                acknowledge: Some(true),
                ..Publish::new(sent, TOPIC)
            };
            session.feed(&publish.into())?;
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
    let args = Args::parse();
    let runtime = match args.threads {
        1 => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        n => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n.into())
            .enable_all()
            .build(),
    };
    let result = Workload::from_args(args).and_then(|workload| runtime?.block_on(run(workload)));
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
    use super::*;

    /// What `inbox` yields once `wire` has arrived in reads of at most `chunk` bytes (and of
    /// the room the inbox gives): each frame's kind and payload.
    fn arrive(inbox: &mut Inbox, wire: &[u8], chunk: usize) -> Outcome<Vec<(FrameKind, Vec<u8>)>> {
        let (mut frames, mut rest) = (Vec::new(), wire);
        while !rest.is_empty() {
            let room = inbox.room();
            assert!(room.len() >= MIN_READ, "a read of {} bytes", room.len());
            let n = room.len().min(chunk).min(rest.len());
            room[..n].copy_from_slice(&rest[..n]);
            inbox.filled(n);
            rest = &rest[n..];
            while let Some((kind, payload)) = inbox.next_frame()? {
                frames.push((kind, inbox.get(payload).to_vec()));
            }
        }
        Ok(frames)
    }

    #[test]
    fn frames_are_read_whole_however_they_arrive() {
        // frames longer than the buffer and than a read, framed by the crate's encoder
        let long = vec![b'x'; READ_BUFFER + MIN_READ];
        let sent = [
            (FrameKind::Message, b"[36,1,2,{},[1]]".to_vec()),
            (FrameKind::Ping, Vec::new()),
            (FrameKind::Message, long),
            (FrameKind::Message, b"[6,{},\"wamp.close.normal\"]".to_vec()),
        ];
        let encoder = FrameEncoder::new(MaxLength::MAX);
        let mut wire = BytesMut::new();
        for (kind, payload) in &sent {
            encoder.encode(*kind, payload, &mut wire).unwrap();
        }
        for chunk in [1, 3, 4, 7, 4096, MIN_READ + 1, wire.len()] {
            let mut inbox = Inbox::new(MaxLength::MAX.bytes());
            let got = arrive(&mut inbox, &wire, chunk).unwrap();
            assert!(got == sent, "in chunks of {chunk}");
        }
    }

    #[test]
    fn a_frame_above_the_maximum_asked_for_is_an_error() {
        let mut wire = BytesMut::new();
        FrameEncoder::new(MaxLength::MAX)
            .encode(FrameKind::Message, &[b' '; 513], &mut wire)
            .unwrap();
        let mut inbox = Inbox::new(MaxLength::MIN.bytes());
        let err = arrive(&mut inbox, &wire, 4).unwrap_err();
        assert!(err.to_string().contains("513 bytes"), "{err}");
    }

    #[test]
    fn quantiles_of_sorted_samples() {
        let samples: Vec<u32> = (1..=100).collect();
        assert_eq!(quantile(&samples, 0.5), Some(51)); // index round(99 * 0.5) = 50
        assert_eq!(quantile(&samples, 0.99), Some(99));
        assert_eq!(quantile(&[7], 0.99), Some(7));
        assert_eq!(quantile(&[], 0.5), None);
    }
}
