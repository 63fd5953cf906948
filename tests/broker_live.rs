//! The example broker (`examples/broker/`) live: started on free 127.0.0.1 ports, driven by
//! autobahn-python clients (`tests/live_client.py`) on every serializer and both transports,
//! and by hostile raw sockets, after each of which a normal session must still work.
//!
//! The autobahn tests need the venv `.ci/install-autobahn.sh` makes
//! (`export WAMP_CODEC_AUTOBAHN_PYTHON=$(.ci/install-autobahn.sh)`); without it they are
//! reported as ignored. The hostile-peer tests need nothing but the broker.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::Duration;

/// Every socket read or write of a test gives up after this.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest message the test broker takes (so that an oversize RawSocket frame exists:
/// the header's 24-bit length cannot exceed the default 16 MiB).
const MAX_MESSAGE: usize = 65536;

/// The example binary, built once per test run (in this build's profile directory).
fn broker_binary() -> &'static PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args(["build", "--quiet", "--example", "broker", "--manifest-path"])
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml"))
            .status()
            .expect("cargo build --example broker");
        assert!(status.success(), "cargo build --example broker failed");
        // target/debug/deps/broker_live-<hash> -> target/debug/examples/broker
        let exe = std::env::current_exe().expect("test executable path");
        let profile_dir = exe
            .parent()
            .and_then(|deps| deps.parent())
            .expect("profile dir");
        let binary = profile_dir.join("examples").join("broker");
        assert!(binary.exists(), "{} was not built", binary.display());
        binary
    })
}

/// A free 127.0.0.1 port (bound and released; the broker binds it right after).
fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

/// A running broker, killed (by its process ID) when dropped.
struct Broker {
    child: Child,
    ws: u16,
    rs: u16,
}

impl Broker {
    fn start() -> Broker {
        let (ws, rs) = (free_port(), free_port());
        let mut child = Command::new(broker_binary())
            .args(["--websocket", &format!("127.0.0.1:{ws}")])
            .args(["--rawsocket", &format!("127.0.0.1:{rs}")])
            .args(["--max-message", &MAX_MESSAGE.to_string()])
            .stdout(Stdio::piped())
            .spawn()
            .expect("start the broker");
        // it prints one line per listening transport, once bound
        let mut stdout = child.stdout.take().expect("broker stdout");
        let mut seen = Vec::new();
        let mut byte = [0];
        while seen.iter().filter(|&&b| b == b'\n').count() < 2 {
            match stdout.read(&mut byte) {
                Ok(1) => seen.push(byte[0]),
                _ => panic!(
                    "the broker exited before listening: {}",
                    String::from_utf8_lossy(&seen)
                ),
            }
        }
        Broker { child, ws, rs }
    }

    /// Runs the autobahn client on `pairs` (see tests/live_client.py); fails with its report.
    fn check_pairs(&self, pairs: &[&str]) {
        let python = std::env::var("WAMP_CODEC_AUTOBAHN_PYTHON")
            .expect("WAMP_CODEC_AUTOBAHN_PYTHON (see .ci/install-autobahn.sh)");
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/live_client.py");
        let mut child = Command::new(python)
            .arg(script)
            .args(["127.0.0.1", &self.ws.to_string(), &self.rs.to_string()])
            .args(pairs)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start the autobahn client");
        // each pair has its own timeout inside; this bounds the whole run
        let deadline =
            std::time::Instant::now() + Duration::from_secs(30 + 25 * pairs.len() as u64);
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait for the client") {
                break Some(status);
            }
            if std::time::Instant::now() > deadline {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        let output = child.wait_with_output().expect("client output");
        let report = String::from_utf8_lossy(&output.stdout);
        let oks = report.lines().filter(|l| l.starts_with("ok ")).count();
        assert!(
            status.is_some_and(|s| s.success()) && oks == pairs.len(),
            "autobahn client: {status:?}, {oks} of {} pairs ok\n{report}\nstderr:\n{}",
            pairs.len(),
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
#[cfg_attr(
    not(has_autobahn),
    ignore = "needs autobahn-python: export WAMP_CODEC_AUTOBAHN_PYTHON=$(.ci/install-autobahn.sh)"
)]
fn every_serializer_on_websocket() {
    Broker::start().check_pairs(&[
        "ws:json+ws:json",
        "ws:json.batched+ws:json.batched",
        "ws:msgpack+ws:msgpack",
        "ws:msgpack.batched+ws:msgpack.batched",
        "ws:cbor+ws:cbor",
        "ws:cbor.batched+ws:cbor.batched",
        "ws:flatbuffers+ws:flatbuffers",
    ]);
}

#[test]
#[cfg_attr(
    not(has_autobahn),
    ignore = "needs autobahn-python: export WAMP_CODEC_AUTOBAHN_PYTHON=$(.ci/install-autobahn.sh)"
)]
fn every_serializer_on_rawsocket() {
    Broker::start().check_pairs(&[
        "rs:json+rs:json",
        "rs:msgpack+rs:msgpack",
        "rs:cbor+rs:cbor",
        "rs:flatbuffers+rs:flatbuffers",
    ]);
}

/// Subscriber/callee first, publisher/caller second, on different serializers and transports.
#[test]
#[cfg_attr(
    not(has_autobahn),
    ignore = "needs autobahn-python: export WAMP_CODEC_AUTOBAHN_PYTHON=$(.ci/install-autobahn.sh)"
)]
fn mixed_serializers_and_transports() {
    Broker::start().check_pairs(&[
        "ws:cbor+ws:json",
        "rs:json+ws:msgpack",
        "ws:msgpack.batched+rs:cbor",
        // a FlatBuffers callee's ERROR with args and kwargs reaches a JSON caller intact
        "ws:flatbuffers+ws:json",
        "rs:flatbuffers+ws:cbor.batched",
        "ws:json.batched+rs:flatbuffers",
        "rs:cbor+rs:msgpack",
    ]);
}

// ---- hostile peers ----

fn connect(port: u16) -> TcpStream {
    let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the broker");
    stream.set_read_timeout(Some(IO_TIMEOUT)).unwrap();
    stream.set_write_timeout(Some(IO_TIMEOUT)).unwrap();
    stream
}

/// A RawSocket connection after the handshake for serializer `id` (asking for 16 MiB).
fn rawsocket(port: u16, id: u8) -> (TcpStream, [u8; 4]) {
    let mut stream = connect(port);
    stream.write_all(&[0x7F, 0xF0 | id, 0, 0]).unwrap();
    let mut reply = [0; 4];
    stream.read_exact(&mut reply).expect("handshake reply");
    (stream, reply)
}

fn send_frame(stream: &mut TcpStream, payload: &[u8]) {
    let len = (payload.len() as u32).to_be_bytes();
    stream.write_all(&[0, len[1], len[2], len[3]]).unwrap();
    stream.write_all(payload).unwrap();
}

/// The next message frame's payload; `None` once the broker closes the connection.
fn read_frame(stream: &mut TcpStream) -> Option<Vec<u8>> {
    let mut header = [0; 4];
    stream.read_exact(&mut header).ok()?;
    let len = u32::from_be_bytes([0, header[1], header[2], header[3]]) as usize;
    let mut payload = vec![0; len];
    stream.read_exact(&mut payload).ok()?;
    Some(payload)
}

/// Whether the broker has closed `stream` (a read gives end of file, or a reset).
fn closed(stream: &mut TcpStream) -> bool {
    let mut rest = Vec::new();
    // read_to_end returns at EOF; a timeout is an error of kind WouldBlock/TimedOut
    match stream.read_to_end(&mut rest) {
        Ok(_) => true,
        Err(e) => e.kind() == std::io::ErrorKind::ConnectionReset,
    }
}

const HELLO: &[u8] = br#"[1,"live.realm",{"roles":{"publisher":{},"subscriber":{}}}]"#;

/// A JSON RawSocket session that joins, publishes with acknowledge and leaves: the broker
/// still serves normally.
fn normal_session_works(broker: &Broker) {
    let (mut s, reply) = rawsocket(broker.rs, 1);
    assert_eq!(reply[0], 0x7F);
    assert_eq!(reply[1] & 0x0F, 1, "JSON accepted: {reply:02x?}");
    send_frame(&mut s, HELLO);
    let welcome = String::from_utf8(read_frame(&mut s).expect("WELCOME")).unwrap();
    assert!(welcome.starts_with("[2,"), "{welcome}");
    send_frame(&mut s, br#"[16,7,{"acknowledge":true},"com.live.ok",[1]]"#);
    let published = String::from_utf8(read_frame(&mut s).expect("PUBLISHED")).unwrap();
    assert!(published.starts_with("[17,7,"), "{published}");
    send_frame(&mut s, br#"[6,{},"wamp.close.system_shutdown"]"#);
    let goodbye = String::from_utf8(read_frame(&mut s).expect("GOODBYE")).unwrap();
    assert_eq!(goodbye, r#"[6,{},"wamp.close.goodbye_and_out"]"#);
    assert!(closed(&mut s), "the connection stays open after GOODBYE");
}

#[test]
fn hostile_peers_close_their_own_connection_only() {
    let broker = Broker::start();
    // a bystander session, joined before and checked after the hostile peers
    let (mut bystander, _) = rawsocket(broker.rs, 1);
    send_frame(&mut bystander, HELLO);
    assert!(read_frame(&mut bystander).is_some_and(|w| w.starts_with(b"[2,")));

    // garbage instead of a RawSocket handshake: closed without a reply
    let mut s = connect(broker.rs);
    s.write_all(b"GET / HTTP/1.1\r\n\r\n").unwrap();
    assert!(closed(&mut s));
    normal_session_works(&broker);

    // garbage instead of a WebSocket handshake
    let mut s = connect(broker.ws);
    s.write_all(&[0xde, 0xad, 0xbe, 0xef, b'\r', b'\n', b'\r', b'\n'])
        .unwrap();
    let mut answer = Vec::new();
    let _ = s.read_to_end(&mut answer);
    assert!(!answer.starts_with(b"HTTP/1.1 101"), "upgraded garbage");
    normal_session_works(&broker);

    // a serializer the broker does not have (4, UBJSON): refused with error 1, closed
    let (mut s, reply) = rawsocket(broker.rs, 4);
    assert_eq!(
        reply,
        [0x7F, 0x10, 0, 0],
        "the RawSocket refusal 'serializer unsupported'"
    );
    assert!(closed(&mut s));
    normal_session_works(&broker);

    // the broker announces its maximum (2^(9+L) = MAX_MESSAGE); a bigger frame closes
    let (mut s, reply) = rawsocket(broker.rs, 1);
    assert_eq!(1usize << (9 + (reply[1] >> 4)), MAX_MESSAGE);
    send_frame(&mut s, HELLO);
    read_frame(&mut s).expect("WELCOME");
    let len = (MAX_MESSAGE as u32 + 1).to_be_bytes();
    s.write_all(&[0, len[1], len[2], len[3]]).unwrap();
    assert!(closed(&mut s), "an oversize frame header was accepted");
    normal_session_works(&broker);

    // an invalid PUBLISH (an empty URI component): ABORT protocol_violation, then closed
    let (mut s, _) = rawsocket(broker.rs, 1);
    send_frame(&mut s, HELLO);
    read_frame(&mut s).expect("WELCOME");
    send_frame(&mut s, br#"[16,1,{},"com..topic",[]]"#);
    let abort = String::from_utf8(read_frame(&mut s).expect("ABORT")).unwrap();
    assert!(
        abort.starts_with("[3,{") && abort.ends_with(r#""wamp.error.protocol_violation"]"#),
        "{abort}"
    );
    assert!(closed(&mut s));
    normal_session_works(&broker);

    // garbage as a message, before HELLO: ABORT, closed
    let (mut s, _) = rawsocket(broker.rs, 2);
    send_frame(&mut s, b"\xc1\xc1\xc1");
    assert!(read_frame(&mut s).is_some(), "no ABORT for garbage");
    assert!(closed(&mut s));

    // truncated frames: a header promising more than comes, then the peer closes
    let (mut s, _) = rawsocket(broker.rs, 1);
    s.write_all(&[0, 0, 1, 0]).unwrap();
    s.write_all(&HELLO[..10]).unwrap();
    drop(s);
    let (mut s, _) = rawsocket(broker.rs, 3);
    s.write_all(&[0, 0]).unwrap(); // half a header
    drop(s);
    // abrupt closes: mid-handshake, and right after HELLO
    let mut s = connect(broker.rs);
    s.write_all(&[0x7F]).unwrap();
    drop(s);
    let (mut s, _) = rawsocket(broker.rs, 1);
    send_frame(&mut s, HELLO);
    drop(s);
    normal_session_works(&broker);

    // the bystander was never disturbed
    send_frame(
        &mut bystander,
        br#"[16,2,{"acknowledge":true},"com.live.ok",[]]"#,
    );
    let published = read_frame(&mut bystander).expect("PUBLISHED to the bystander");
    assert!(published.starts_with(b"[17,2,"));
}

#[test]
#[cfg_attr(
    not(has_autobahn),
    ignore = "needs autobahn-python: export WAMP_CODEC_AUTOBAHN_PYTHON=$(.ci/install-autobahn.sh)"
)]
fn autobahn_sessions_work_after_hostile_peers() {
    let broker = Broker::start();
    let mut s = connect(broker.rs);
    s.write_all(b"\x7F\xF1\x00\x00\x00\xff\xff\xff").unwrap(); // a frame of 16 MiB - 1
    drop(s);
    let (mut s, _) = rawsocket(broker.rs, 5);
    send_frame(&mut s, b"not a flatbuffer");
    drop(s);
    broker.check_pairs(&["rs:flatbuffers+ws:json", "ws:cbor.batched+rs:msgpack"]);
}
