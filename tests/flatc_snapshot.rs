//! Checks on the flatc-generated FlatBuffers code:
//!
//! * the committed snapshot `src/fbs/generated/wamp_generated.rs` is exactly what
//!   flatc 25.12.19 generates from `schema/*.fbs` (needs `FLATC`; see
//!   `.ci/install-flatc.sh`), and the schema digest it records is current;
//! * the explicit `AnyMessage` union values work in the generated verifier and
//!   accessors;
//! * the generated verifier accepts autobahn 26.10.2's FlatBuffers bytes from the
//!   conformance corpus, except for a documented set.

mod common;

use std::collections::BTreeMap;
use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

use wamp_codec::fbs::generated::proto::{AnyMessage, Message, MessageArgs, Publish, PublishArgs};

include!("../build/flatc_args.rs");

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn snapshot() -> Vec<u8> {
    let path = manifest_dir().join(SNAPSHOT_PATH);
    std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

#[test]
fn snapshot_digest_matches_schema() {
    let input = schema_digest_input(&manifest_dir().join(SCHEMA_DIR)).expect("read schema/*.fbs");
    let digest = sha256_hex(&input);
    let snapshot = snapshot();
    let (recorded, _) = split_snapshot(&snapshot).unwrap_or_else(|| {
        panic!("{SNAPSHOT_PATH} does not start with a `{DIGEST_HEADER_PREFIX}<hex>` line")
    });
    assert_eq!(
        recorded, digest,
        "{SNAPSHOT_PATH} was generated from a different schema; with flatc {FLATC_VERSION}: \
         WAMP_CODEC_UPDATE_SNAPSHOT=1 FLATC=... cargo build"
    );
}

#[test]
#[cfg_attr(
    not(has_flatc),
    ignore = "needs flatc 25.12.19: export FLATC=$(.ci/install-flatc.sh)"
)]
fn snapshot_equals_fresh_flatc_output() {
    // The build saw flatc (or CI's WAMP_CODEC_REQUIRE_FLATC=1): find it the way build.rs does.
    let flatc = env::var_os("FLATC")
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "flatc".into());

    let version = Command::new(&flatc)
        .arg("--version")
        .output()
        .unwrap_or_else(|e| panic!("cannot run FLATC={}: {e}", Path::new(&flatc).display()));
    let version = String::from_utf8_lossy(&version.stdout).into_owned();
    assert_eq!(
        parse_flatc_version(&version),
        Some(FLATC_VERSION),
        "FLATC={} is not flatc {FLATC_VERSION} (`--version` said {version:?}); {FLATC_INSTALL_HINT}",
        Path::new(&flatc).display()
    );

    let out_dir = TempDir::new("flatc-snapshot");
    let schema_dir = manifest_dir().join(SCHEMA_DIR);
    let status = Command::new(&flatc)
        .args(flatc_argv(&schema_dir, &out_dir.0))
        .status()
        .expect("run flatc");
    assert!(status.success(), "flatc failed: {status}");
    let fresh = std::fs::read(out_dir.0.join(GENERATED_FILE)).expect("read flatc output");

    let snapshot = snapshot();
    let (_, committed) = split_snapshot(&snapshot).expect("snapshot digest header");
    if committed != fresh.as_slice() {
        let committed = String::from_utf8_lossy(committed);
        let fresh = String::from_utf8_lossy(&fresh);
        let (line, (old, new)) = committed
            .lines()
            .chain(std::iter::repeat("<end of file>"))
            .zip(fresh.lines().chain(std::iter::repeat("<end of file>")))
            .enumerate()
            .find(|(_, (a, b))| a != b)
            .unwrap_or((0, ("(line endings differ)", "")));
        panic!(
            "{SNAPSHOT_PATH} differs from fresh flatc output at line {} (after the digest line):\n  \
             committed: {old}\n  flatc:     {new}\nregenerate with WAMP_CODEC_UPDATE_SNAPSHOT=1 cargo build",
            line + 1
        );
    }
}

/// A PUBLISH (WAMP code 16) wrapped in a Message: the union tag written is 16,
/// and the generated verifier and accessors dispatch on it.
#[test]
fn explicit_union_values_dispatch() {
    assert_eq!(AnyMessage::Publish.0, 16);
    let mut fbb = flatbuffers::FlatBufferBuilder::new();
    let topic = fbb.create_string("com.example.topic");
    let publish = Publish::create(
        &mut fbb,
        &PublishArgs {
            request: 239714735,
            topic: Some(topic),
            ..Default::default()
        },
    );
    let message = Message::create(
        &mut fbb,
        &MessageArgs {
            msg_type: AnyMessage::Publish,
            msg: Some(publish.as_union_value()),
        },
    );
    fbb.finish_minimal(message);
    let bytes = fbb.finished_data();

    let message = flatbuffers::root::<Message>(bytes).expect("verifies");
    assert_eq!(message.msg_type().0, 16);
    assert_eq!(message.msg_type(), AnyMessage::Publish);
    assert!(message.msg_as_call().is_none());
    let publish = message.msg_as_publish().expect("msg_as_publish");
    assert_eq!(publish.request(), 239714735);
    assert_eq!(publish.topic(), "com.example.topic");
    assert!(publish.exclude_me(), "schema default true");

    // With the upstream (implicit, dense) union values, 16 was `Call`; a CALL now
    // needs 48. Relabelling this PUBLISH as 48 must make the verifier check it as
    // a Call, whose required `procedure` (slot 2, the Publish `topic` string) is
    // present, so it still verifies but now reads as a Call.
    let mut relabelled = bytes.to_vec();
    let tag_pos = msg_type_position(&relabelled);
    assert_eq!(relabelled[tag_pos], 16);
    relabelled[tag_pos] = 48;
    let message = flatbuffers::root::<Message>(&relabelled).expect("verifies as Call");
    assert_eq!(message.msg_type(), AnyMessage::Call);
    assert_eq!(
        message.msg_as_call().expect("call").procedure(),
        "com.example.topic"
    );
}

/// Fields autobahn leaves out of messages it accepts and sends are not
/// `(required)` in our schema (see `schema/README.md`), so such buffers verify.
#[test]
fn fields_autobahn_omits_are_optional() {
    fn wrap(
        fbb: &mut flatbuffers::FlatBufferBuilder<'_>,
        tag: AnyMessage,
        table: flatbuffers::WIPOffset<flatbuffers::UnionWIPOffset>,
    ) -> Vec<u8> {
        let message = Message::create(
            fbb,
            &MessageArgs {
                msg_type: tag,
                msg: Some(table),
            },
        );
        fbb.finish_minimal(message);
        fbb.finished_data().to_vec()
    }
    use wamp_codec::fbs::generated::proto::{
        Authenticate, AuthenticateArgs, Hello, HelloArgs, Register, RegisterArgs, Subscribe,
        SubscribeArgs, Welcome, WelcomeArgs,
    };
    let mut buffers = Vec::new();
    let mut fbb = flatbuffers::FlatBufferBuilder::new();
    let t = Hello::create(&mut fbb, &HelloArgs::default()).as_union_value();
    buffers.push(("HELLO without roles", wrap(&mut fbb, AnyMessage::Hello, t)));
    let mut fbb = flatbuffers::FlatBufferBuilder::new();
    let t = Welcome::create(
        &mut fbb,
        &WelcomeArgs {
            session: 1,
            ..Default::default()
        },
    )
    .as_union_value();
    buffers.push((
        "WELCOME without roles, realm, authid, authrole",
        wrap(&mut fbb, AnyMessage::Welcome, t),
    ));
    let mut fbb = flatbuffers::FlatBufferBuilder::new();
    let t = Authenticate::create(&mut fbb, &AuthenticateArgs::default()).as_union_value();
    buffers.push((
        "AUTHENTICATE with empty signature",
        wrap(&mut fbb, AnyMessage::Authenticate, t),
    ));
    let mut fbb = flatbuffers::FlatBufferBuilder::new();
    let t = Subscribe::create(
        &mut fbb,
        &SubscribeArgs {
            request: 1,
            ..Default::default()
        },
    )
    .as_union_value();
    buffers.push((
        "SUBSCRIBE with empty topic",
        wrap(&mut fbb, AnyMessage::Subscribe, t),
    ));
    let mut fbb = flatbuffers::FlatBufferBuilder::new();
    let t = Register::create(
        &mut fbb,
        &RegisterArgs {
            request: 1,
            ..Default::default()
        },
    )
    .as_union_value();
    buffers.push((
        "REGISTER with empty procedure",
        wrap(&mut fbb, AnyMessage::Register, t),
    ));
    for (what, bytes) in buffers {
        if let Err(e) = flatbuffers::root::<Message>(&bytes) {
            panic!("{what}: {e}");
        }
    }
}

/// Position of the `msg_type` byte (voffset 4 of the root table).
fn msg_type_position(buf: &[u8]) -> usize {
    let u32_at = |p: usize| u32::from_le_bytes(buf[p..p + 4].try_into().unwrap()) as usize;
    let root = u32_at(0);
    let vtable =
        (root as i64 - i32::from_le_bytes(buf[root..root + 4].try_into().unwrap()) as i64) as usize;
    let field = u16::from_le_bytes(buf[vtable + 4..vtable + 6].try_into().unwrap()) as usize;
    assert_ne!(field, 0, "msg_type not written");
    root + field
}

/// Corpus cases whose autobahn bytes the generated verifier is expected to
/// reject, as (case id, reason). None: with `roles` (HELLO, WELCOME) and
/// `realm`/`authid`/`authrole` (WELCOME) no longer `(required)`, all 1888 verify.
/// With the upstream schema, the 16 HELLO and 11 WELCOME cases failed on the
/// missing `roles`, and the union values mis-typed everything from ERROR on.
const EXPECTED_REJECTS: &[(&str, &str)] = &[];

#[test]
fn corpus_flatbuffers_verify() {
    let mut total = 0;
    let mut rejects = BTreeMap::new();
    for case in common::corpus() {
        let Some(bytes) = case.hex("flatbuffers") else {
            continue;
        };
        total += 1;
        let id = case.id.clone();
        let code = case.raw["type"].as_u64().expect("type");
        match flatbuffers::root::<Message>(&bytes) {
            Ok(message) => {
                // EVENT_RECEIVED is 337 in JSON but 37 on this wire.
                let tag = if code == 337 { 37 } else { code };
                assert_eq!(u64::from(message.msg_type().0), tag, "{id}: union tag");
                assert!(
                    message.msg_type().variant_name().is_some(),
                    "{id}: known variant"
                );
            }
            Err(e) => {
                rejects.insert(id, e.to_string());
            }
        }
    }

    assert_eq!(total, 1888, "cases with a `flatbuffers` field");
    let expected: BTreeMap<&str, &str> = EXPECTED_REJECTS.iter().copied().collect();
    let unexpected: Vec<_> = rejects
        .iter()
        .filter(|(id, _)| !expected.contains_key(id.as_str()))
        .collect();
    let missing: Vec<_> = expected
        .keys()
        .filter(|id| !rejects.contains_key(**id))
        .collect();
    assert!(
        unexpected.is_empty() && missing.is_empty(),
        "verifier accepted {} of {total}; unexpected rejects: {unexpected:#?}; expected rejects that now verify: {missing:?}",
        total - rejects.len()
    );
    eprintln!(
        "verifier accepted {} of {total} corpus buffers",
        total - rejects.len()
    );
}

/// A temporary directory removed on drop (no `tempfile` dev-dependency).
struct TempDir(PathBuf);

impl TempDir {
    fn new(tag: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = env::temp_dir().join(format!("wamp-codec-{tag}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn sha256_known_answers() {
    assert_eq!(
        sha256_hex(b""),
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    );
    assert_eq!(
        sha256_hex(b"abc"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(
        sha256_hex(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    );
    assert_eq!(
        sha256_hex(&[b'a'; 1_000_000]),
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"
    );
}

/// SHA-256 (FIPS 180-4), so that this test checks the digest independently of
/// `build.rs` (which uses the `sha2` build-dependency).
fn sha256_hex(data: &[u8]) -> String {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut msg = data.to_vec();
    msg.push(0x80);
    while msg.len() % 64 != 56 {
        msg.push(0);
    }
    msg.extend_from_slice(&((data.len() as u64) * 8).to_be_bytes());
    for block in msg.chunks_exact(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks_exact(4).enumerate() {
            w[i] = u32::from_be_bytes(word.try_into().unwrap());
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (x, y) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *x = x.wrapping_add(y);
        }
    }
    h.iter().map(|x| format!("{x:08x}")).collect()
}
