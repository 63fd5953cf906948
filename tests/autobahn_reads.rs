//! autobahn-python 26.10.2 itself reads the crate's bytes, and reads them as it reads its own.
//!
//! For every accepted corpus case, the case's `marshal` is parsed to an owned [`Message`] and
//! encoded in each of the four formats; `tests/autobahn_reads.py`, run once with the venv's
//! python (`.ci/install-autobahn.sh`), unserializes all of them with autobahn's own serializer
//! classes and returns autobahn's `marshal()` of each. Required:
//!
//! * JSON, MessagePack, CBOR: autobahn's `marshal` of our bytes equals the case's `marshal`;
//! * FlatBuffers: autobahn reads our bytes as it reads its own (the case's
//!   `flatbuffers_marshal`), or better: where we write a value autobahn's writer drops, each field
//!   it reads from ours is either what it reads from its own bytes or the message's true value.
//!   Any other difference is described in [`FLATBUFFERS_DIFFERENCES`] with its reason and the
//!   cases it applies to (from the case's `marshal`), and such a case that no longer differs
//!   fails, so the list stays exact.
//!
//! As a control, the same process reads autobahn's own bytes from the corpus (`json`, `msgpack`,
//! `cbor`, `flatbuffers`) and must reproduce the corpus exactly: this proves the harness (the
//! serializer classes, the JSON-safe form of `marshal`) is the one the corpus was made with, so
//! a difference on our bytes is a difference in our bytes.
//!
//! Needs `WAMP_CODEC_AUTOBAHN_PYTHON` (`export WAMP_CODEC_AUTOBAHN_PYTHON=$(.ci/install-autobahn.sh)`)
//! when the crate is built: without it the test is reported as ignored, unless
//! `WAMP_CODEC_REQUIRE_AUTOBAHN=1` (CI), which makes it run and fail.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use common::{corpus, flatbuffers_refusals, Case};
use serde_json::{json, Value as Json};
use wamp_codec::error::EncodeError;
use wamp_codec::serializer::Format;
use wamp_codec::{Message, Value};

const FORMATS: [Format; 4] = [
    Format::Json,
    Format::Msgpack,
    Format::Cbor,
    Format::Flatbuffers,
];

/// One way autobahn reads our FlatBuffers neither as it reads its own bytes nor better: in each
/// case it applies to, the one option/detail `key` (in the message's dict, element 2) is read
/// as `reads` gives it, where autobahn reads something else from its own bytes, and everything
/// else is as from its own bytes. Which cases, and the value, follow from the case's `marshal`
/// (autobahn's, not the crate's), so every such case in any corpus file is covered.
struct Difference {
    key: &'static str,
    /// What autobahn reads for `key` from our bytes of the message marshalled as `marshal`
    /// (JSON), or `None` where this difference does not apply.
    reads: fn(marshal: &Json) -> Option<Json>,
    why: &'static str,
}

/// The schema's `AuthMethod` names, by value (`schema/auth.fbs`).
const AUTH_METHODS: [&str; 5] = ["anonymous", "ticket", "wampcra", "wamp-scram", "cryptosign"];

/// `marshal`'s option/detail `key` when the message is of type `code`.
fn option<'m>(marshal: &'m Json, code: u64, key: &str) -> Option<&'m Json> {
    (marshal[0].as_u64() == Some(code))
        .then(|| marshal[2].get(key))
        .flatten()
}

/// A CANCEL (49) or INTERRUPT (69) `killnowait`, which autobahn reads back as `kill`.
fn killnowait_read_as_kill(marshal: &Json, code: u64) -> Option<Json> {
    (option(marshal, code, "mode")? == "killnowait").then(|| json!("kill"))
}

/// Every such difference. All three are autobahn reader bugs on values the crate writes as the
/// schema says (DEVIATIONS.md); `message.py` lines are the reference copy's, as DEVIATIONS.md's.
const FLATBUFFERS_DIFFERENCES: &[Difference] = &[
    // "WELCOME `roles`, `authmethod`, ...": `ticket` is written as `AuthMethod.TICKET` (1), and
    // so on. Autobahn's writer never writes `authmethod` (it reads `None` from its own bytes),
    // and its reader turns a non-zero value n into f"authmethod_{n}" instead of the method's
    // name (message.py 1737-1743, "enum to string conversion deferred").
    Difference {
        key: "authmethod",
        reads: |marshal| {
            let method = option(marshal, 2, "authmethod")?.as_str()?;
            let n = AUTH_METHODS.iter().position(|m| *m == method)?;
            (n > 0).then(|| json!(format!("authmethod_{n}")))
        },
        why: "autobahn's reader names AuthMethod n `authmethod_<n>`, not the method",
    },
    // "CANCEL and INTERRUPT `killnowait`": written as the schema's `CancelMode.KILLNOWAIT` (2).
    // Autobahn writes CANCEL `killnowait` as SKIP (0, read back as `skip`), and its reader maps
    // 2 to `kill` (message.py 6920-6928), against its own generated enum (KILL = 1).
    Difference {
        key: "mode",
        reads: |marshal| killnowait_read_as_kill(marshal, 49),
        why: "autobahn's reader maps CANCEL's CancelMode 2 (KILLNOWAIT) to `kill`",
    },
    // The same for INTERRUPT: autobahn writes `killnowait` as KILL (1), which its reader does
    // not map (read back as no mode), and maps 2 to `kill` (message.py 9333-9340).
    Difference {
        key: "mode",
        reads: |marshal| killnowait_read_as_kill(marshal, 69),
        why: "autobahn's reader maps INTERRUPT's CancelMode 2 (KILLNOWAIT) to `kill`",
    },
];

const INSTALL_HINT: &str = "export WAMP_CODEC_AUTOBAHN_PYTHON=$(.ci/install-autobahn.sh)";

/// The venv python with autobahn 26.10.2. The test runs only where the build saw
/// `WAMP_CODEC_AUTOBAHN_PYTHON` (or CI's `WAMP_CODEC_REQUIRE_AUTOBAHN=1`), so a missing python here
/// is a failure.
fn autobahn_python() -> PathBuf {
    let python = std::env::var_os("WAMP_CODEC_AUTOBAHN_PYTHON")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("WAMP_CODEC_AUTOBAHN_PYTHON is not set: {INSTALL_HINT}"));
    assert!(
        python.is_file(),
        "WAMP_CODEC_AUTOBAHN_PYTHON={} does not exist: {INSTALL_HINT}",
        python.display()
    );
    python
}

/// The refusals DEVIATIONS.md documents: a non-finite float in JSON ("NaN and Infinity in
/// JSON"); in FlatBuffers, the cases listed on its `FlatBuffers refuses` lines, refused naming
/// the listed field. Any other encode error is a failure.
fn documented_refusal(
    format: Format,
    err: &EncodeError,
    case: &Case,
    fbs_refusals: &BTreeMap<String, String>,
) -> bool {
    match (format, err) {
        (Format::Json, EncodeError::Unrepresentable { what, .. }) => {
            what.contains("NaN") || what.contains("inf")
        }
        (Format::Flatbuffers, err) => fbs_refusals
            .get(&case.id)
            .is_some_and(|field| err.to_string().contains(&format!("'{field}'"))),
        _ => false,
    }
}

/// Whose bytes autobahn is asked to read.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Source {
    /// The crate's encoding of the case's `marshal`.
    Ours,
    /// The corpus' bytes, made by autobahn (the control).
    Autobahn,
}

struct Request<'a> {
    source: Source,
    case: &'a Case,
    format: Format,
    bytes: Vec<u8>,
}

/// What autobahn made of one payload: its `marshal()` as JSON, or its exception.
type Reading = Result<Json, String>;

/// Runs `tests/autobahn_reads.py` once over all requests; the readings in request order.
fn autobahn_read(python: &Path, requests: &[Request<'_>]) -> Vec<Reading> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/autobahn_reads.py");
    let mut child = Command::new(python)
        .arg(script)
        // autobahn's defaults: stdlib json (ujson loses binary values), msgpack-python
        .env_remove("AUTOBAHN_USE_UJSON")
        .env_remove("AUTOBAHN_USE_UMSGPACK")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", python.display()));
    let input: String = requests
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let hex: String = r.bytes.iter().map(|b| format!("{b:02x}")).collect();
            json!({"id": i, "format": r.format.name(), "hex": hex}).to_string() + "\n"
        })
        .collect();
    // Written from another thread: the script answers line by line, and a full stdout pipe
    // would otherwise block it while we block on a full stdin pipe.
    let mut stdin = child.stdin.take().expect("stdin");
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut readings = Vec::with_capacity(requests.len());
    for line in stdout.lines() {
        let line = line.expect("read the script's output");
        let reply: Json = serde_json::from_str(&line)
            .unwrap_or_else(|e| panic!("the script wrote a line that is not JSON ({e}): {line}"));
        let i = readings.len();
        assert_eq!(reply["id"], json!(i), "replies out of order: {line}");
        assert_eq!(reply["format"], json!(requests[i].format.name()), "{line}");
        readings.push(match (reply.get("marshal"), reply.get("error")) {
            (Some(m), None) => Ok(m.clone()),
            (None, Some(Json::String(e))) => Err(e.clone()),
            _ => panic!("reply has neither marshal nor error: {line}"),
        });
    }
    writer.join().unwrap().expect("write the requests");
    let status = child.wait().expect("wait for the script");
    assert!(status.success(), "tests/autobahn_reads.py failed: {status}");
    assert_eq!(readings.len(), requests.len(), "one reply per request");
    readings
}

/// Field by field, each value autobahn read from our bytes is the one it reads from its own
/// (`own`) or the message's true one (`truth`, the case's `marshal`): it read ours at least as
/// well. Options/details dicts are compared key by key, the rest element by element; a missing
/// element or key is `null`, as autobahn's `marshal` leaves out what it reads as `None`.
fn at_least_as_well(ours: &Json, own: &Json, truth: &Json) -> bool {
    fn list(v: &Json) -> &[Json] {
        v.as_array().map_or(&[], Vec::as_slice)
    }
    let (ours, own, truth) = (list(ours), list(own), list(truth));
    let len = ours.len().max(own.len()).max(truth.len());
    let at = |v: &[Json], i: usize| v.get(i).cloned().unwrap_or(Json::Null);
    (0..len).all(|i| {
        let (o, a, t) = (at(ours, i), at(own, i), at(truth, i));
        match (&o, &a, &t) {
            (Json::Object(o), Json::Object(a), Json::Object(t)) => {
                let keys: BTreeSet<&String> = o.keys().chain(a.keys()).chain(t.keys()).collect();
                keys.into_iter().all(|k| {
                    let get = |m: &serde_json::Map<String, Json>| m.get(k).cloned();
                    let ours = get(o).unwrap_or(Json::Null);
                    ours == get(a).unwrap_or(Json::Null) || ours == get(t).unwrap_or(Json::Null)
                })
            }
            _ => o == a || o == t,
        }
    })
}

/// `ours` is `own` except that the dict at element 2 has `key` = `reads`.
fn differs_only_in(ours: &Json, own: &Json, key: &str, reads: &Json) -> bool {
    if ours.pointer(&format!("/2/{key}")) != Some(reads) {
        return false;
    }
    let mut undone = ours.clone();
    let dict = undone[2].as_object_mut().expect("element 2 is a dict");
    match own.pointer(&format!("/2/{key}")) {
        Some(v) => dict.insert(key.to_owned(), v.clone()),
        None => dict.remove(key),
    };
    undone == *own
}

/// `None` when autobahn's reading of our bytes differs from its own exactly as `d` says (`key`
/// read as `reads`); otherwise what is wrong.
fn explained(
    (d, reads): &(&Difference, Json),
    case: &Case,
    reading: &Reading,
    what: &str,
) -> Option<String> {
    let own = &case.raw["flatbuffers_marshal"];
    match reading {
        Ok(ours) if differs_only_in(ours, own, d.key, reads) => None,
        _ => Some(format!(
            "differs otherwise than expected ({} read as {reads}): {what}",
            d.key
        )),
    }
}

/// How autobahn's reading of our FlatBuffers compares with its reading of its own.
#[derive(Debug, PartialEq, Eq)]
enum FbsOutcome {
    /// As it reads its own bytes (same `marshal`, or the same exception).
    Same,
    /// Differs, but each field is as from its own bytes or the true value.
    Better,
    /// Any other difference.
    Other(String),
}

fn compare_flatbuffers(case: &Case, ours: &Reading) -> FbsOutcome {
    let truth = &case.raw["marshal"];
    match (case.raw.get("flatbuffers_marshal"), ours) {
        (Some(own), Ok(ours)) if ours == own => FbsOutcome::Same,
        (Some(own), Ok(ours)) if at_least_as_well(ours, own, truth) => FbsOutcome::Better,
        (Some(own), Ok(ours)) => FbsOutcome::Other(format!("reads {ours}\n  from its own {own}")),
        (Some(own), Err(e)) => FbsOutcome::Other(format!("fails: {e}\n  from its own {own}")),
        // autobahn could not write or read this case itself (`flatbuffers_error`)
        (None, Err(e)) if case.str("flatbuffers_error") == Some(e.as_str()) => FbsOutcome::Same,
        (None, Ok(ours)) if ours == truth => FbsOutcome::Better,
        (None, ours) => FbsOutcome::Other(format!(
            "reads {ours:?}\n  itself: {}",
            case.str("flatbuffers_error")
                .unwrap_or("(no flatbuffers_error)")
        )),
    }
}

#[derive(Default)]
struct Count {
    passed: usize,
    failed: usize,
}

#[test]
#[cfg_attr(
    not(has_autobahn),
    ignore = "needs autobahn-python 26.10.2: export WAMP_CODEC_AUTOBAHN_PYTHON=$(.ci/install-autobahn.sh)"
)]
fn autobahn_reads_the_crates_bytes() {
    let python = autobahn_python();
    let cases: Vec<Case> = corpus().into_iter().filter(Case::accept).collect();
    let mut failures = Vec::new();
    let mut refused: BTreeMap<&str, usize> = BTreeMap::new();
    let fbs_refusals = flatbuffers_refusals();

    let mut requests = Vec::new();
    for case in &cases {
        let marshal = case.value("marshal").expect("accepted case has marshal");
        let Value::List(items) = marshal else {
            panic!("{}: marshal is not a list", case.id)
        };
        let msg = match Message::parse(&items) {
            Ok(msg) => msg,
            Err(e) => {
                failures.push(format!(
                    "{}: the crate rejects autobahn's marshal: {e}",
                    case.id
                ));
                continue;
            }
        };
        for format in FORMATS {
            match format.encode(&msg) {
                Ok(bytes) => requests.push(Request {
                    source: Source::Ours,
                    case,
                    format,
                    bytes,
                }),
                Err(e) if documented_refusal(format, &e, case, &fbs_refusals) => {
                    *refused.entry(format.name()).or_default() += 1
                }
                Err(e) => {
                    failures.push(format!("{} {}: encode failed: {e}", case.id, format.name()))
                }
            }
        }
        // the control: autobahn's own bytes
        let own = [
            (
                Format::Json,
                case.str("json").map(|s| s.as_bytes().to_vec()),
            ),
            (Format::Msgpack, case.hex("msgpack")),
            (Format::Cbor, case.hex("cbor")),
            (Format::Flatbuffers, case.hex("flatbuffers")),
        ];
        for (format, bytes) in own {
            if let Some(bytes) = bytes {
                requests.push(Request {
                    source: Source::Autobahn,
                    case,
                    format,
                    bytes,
                });
            }
        }
    }

    let started = std::time::Instant::now();
    let readings = autobahn_read(&python, &requests);
    eprintln!(
        "autobahn read {} payloads in {:.1?}",
        requests.len(),
        started.elapsed()
    );

    // the cases each difference applies to, with what autobahn reads there
    let listed: BTreeMap<&str, (&Difference, Json)> = cases
        .iter()
        .flat_map(|case| {
            FLATBUFFERS_DIFFERENCES.iter().filter_map(move |d| {
                let reads = (d.reads)(&case.raw["marshal"])?;
                Some((case.id.as_str(), (d, reads)))
            })
        })
        .collect();
    // keyed by source, then position in FORMATS (json, msgpack, cbor, flatbuffers)
    let mut counts: BTreeMap<(Source, usize), Count> = BTreeMap::new();
    let mut better = Vec::new();
    let mut differing = BTreeSet::new();
    for (req, reading) in requests.iter().zip(&readings) {
        let id = req.case.id.as_str();
        let name = req.format.name();
        let problem = match (req.source, req.format) {
            (Source::Autobahn, Format::Flatbuffers) => {
                // the corpus has what autobahn read, or the exception it raised (8-m1-15)
                let corpus = match req.case.raw.get("flatbuffers_marshal") {
                    Some(own) => Ok(own.clone()),
                    None => Err(req.case.str("flatbuffers_error").unwrap_or("").to_owned()),
                };
                (*reading != corpus).then(|| format!("reads {reading:?}, corpus {corpus:?}"))
            }
            (_, Format::Flatbuffers) => match compare_flatbuffers(req.case, reading) {
                FbsOutcome::Same => None,
                FbsOutcome::Better => {
                    better.push(id);
                    None
                }
                FbsOutcome::Other(what) => {
                    differing.insert(id);
                    match listed.get(id) {
                        Some(d) => explained(d, req.case, reading, &what),
                        None => Some(what),
                    }
                }
            },
            _ => {
                let truth = &req.case.raw["marshal"];
                (reading.as_ref() != Ok(truth))
                    .then(|| format!("reads {reading:?}\n  marshal {truth}"))
            }
        };
        let f = FORMATS
            .iter()
            .position(|f| *f == req.format)
            .expect("one of FORMATS");
        let count = counts.entry((req.source, f)).or_default();
        match problem {
            None => count.passed += 1,
            Some(what) => {
                count.failed += 1;
                let whose = match req.source {
                    Source::Ours => "our bytes",
                    Source::Autobahn => "autobahn's own bytes (control)",
                };
                failures.push(format!("{id} {name}, {whose}: {what}"));
            }
        }
    }
    for (id, d) in &listed {
        if !differing.contains(id) {
            failures.push(format!(
                "{id} flatbuffers: FLATBUFFERS_DIFFERENCES applies ({}) but it no longer differs",
                d.0.why
            ));
        }
    }

    for ((source, f), c) in &counts {
        let name = FORMATS[*f].name();
        match source {
            Source::Ours => println!(
                "autobahn reads our bytes, {name}: {} passed, {} failed ({} encodes refused as DEVIATIONS.md documents)",
                c.passed,
                c.failed,
                refused.get(name).unwrap_or(&0)
            ),
            Source::Autobahn => println!(
                "autobahn reads its own bytes (control), {name}: {} passed, {} failed",
                c.passed, c.failed
            ),
        }
    }
    println!(
        "flatbuffers, our bytes: {} read better than autobahn's own ({}), {} listed differences (FLATBUFFERS_DIFFERENCES)",
        better.len(),
        better.join(", "),
        listed.len()
    );
    for f in &failures {
        eprintln!("FAIL {f}");
    }
    assert!(
        failures.is_empty(),
        "{} failures (listed above)",
        failures.len()
    );
    assert!(
        counts.values().map(|c| c.passed).sum::<usize>() > 3000,
        "too few payloads checked"
    );
}
