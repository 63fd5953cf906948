//! Test data access: the conformance corpus and the wamp-proto vectors in `tests/data`.
//! Missing data is a failure, never a skip.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use wamp_codec::serializer::{json, Limits};
use wamp_codec::Value;

/// `tests/data`, the test data kept in the repository.
pub fn data_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    assert!(dir.is_dir(), "test data missing: {}", dir.display());
    dir
}

/// One case of the differential corpus (see `tests/data/conformance/README.md`).
pub struct Case {
    pub id: String,
    pub raw: serde_json::Value,
}

impl Case {
    pub fn str(&self, key: &str) -> Option<&str> {
        self.raw.get(key).and_then(serde_json::Value::as_str)
    }
    pub fn accept(&self) -> bool {
        self.raw["accept"].as_bool().expect("accept is a bool")
    }
    pub fn json(&self) -> &[u8] {
        self.str("json").expect("json").as_bytes()
    }
    /// A JSON-valued field as a crate value, with the `"\u0000"` + base64 binary convention.
    pub fn value(&self, key: &str) -> Option<Value> {
        self.raw.get(key).map(to_value)
    }
    pub fn hex(&self, key: &str) -> Option<Vec<u8>> {
        self.str(key)
            .map(|h| from_hex(h).unwrap_or_else(|| panic!("{}: bad hex in {key}", self.id)))
    }
}

/// A serde_json value as a crate value (through JSON text, so binary strings become bytes).
pub fn to_value(v: &serde_json::Value) -> Value {
    json::value_from_slice(v.to_string().as_bytes(), &Limits::DEFAULT).expect("corpus JSON decodes")
}

/// Every case of every `tests/data/conformance/*.jsonl` file.
pub fn corpus() -> Vec<Case> {
    let dir = data_dir().join("conformance");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no *.jsonl corpus in {}", dir.display());
    let mut cases = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for line in text.lines().filter(|l| !l.trim().is_empty()) {
            let raw: serde_json::Value = serde_json::from_str(line).expect("corpus line is JSON");
            let id = raw["id"].as_str().expect("case id").to_owned();
            cases.push(Case { id, raw });
        }
    }
    assert!(!cases.is_empty(), "the corpus is empty");
    cases
}

/// Every vector file of `tests/data/wamp-proto-testsuite/singlemessage`.
pub fn testsuite_files() -> Vec<(String, serde_json::Value)> {
    let root = data_dir().join("wamp-proto-testsuite/singlemessage");
    let mut out = Vec::new();
    for family in ["basic", "advanced"] {
        let dir = root.join(family);
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        for p in paths {
            let doc = serde_json::from_str(&std::fs::read_to_string(&p).unwrap()).unwrap();
            out.push((
                format!("{family}/{}", p.file_name().unwrap().to_string_lossy()),
                doc,
            ));
        }
    }
    assert!(
        out.len() >= 26,
        "wamp-proto testsuite incomplete: {} files",
        out.len()
    );
    out
}

/// The case ids listed in `DEVIATIONS.md` on lines starting `Corpus cases:`.
pub fn listed_deviations() -> BTreeSet<String> {
    listed_cases("Corpus cases:")
        .into_iter()
        .map(|(_, id)| id)
        .collect()
}

/// `DEVIATIONS.md`'s lines that start (after a list bullet) with `prefix`, as (what the line
/// says between the prefix and the colon, case id) for each id after the colon. A line
/// `- FlatBuffers refuses `timeout`: 48-m4-19, 68-m4-27` with the prefix `FlatBuffers
/// refuses` gives ("`timeout`", "48-m4-19") and ("`timeout`", "68-m4-27").
pub fn listed_cases(prefix: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/DEVIATIONS.md"))
        .expect("DEVIATIONS.md");
    let mut out = Vec::new();
    for line in text.lines() {
        let Some(rest) = line
            .trim_start_matches(['-', ' ', '*'])
            .strip_prefix(prefix)
        else {
            continue;
        };
        let (label, ids) = rest.split_once(':').unwrap_or(("", rest));
        let ids = ids.split([',', ' ', '`']).filter(|s| !s.is_empty());
        out.extend(ids.map(|id| (label.trim().to_owned(), id.to_owned())));
    }
    out
}

/// The corpus cases `DEVIATIONS.md` lists as ones FlatBuffers cannot carry (lines
/// `- FlatBuffers refuses `field`: ids`), each with the field the refusal must name.
pub fn flatbuffers_refusals() -> BTreeMap<String, String> {
    listed_cases("FlatBuffers refuses")
        .into_iter()
        .map(|(label, id)| {
            let field = label.trim_matches('`');
            assert!(
                !field.is_empty() && !field.contains(['`', ' ']),
                "DEVIATIONS.md: `FlatBuffers refuses` names no single field for {id}: {label:?}"
            );
            (id, field.to_owned())
        })
        .collect()
}

pub fn from_hex(h: &str) -> Option<Vec<u8>> {
    if !h.len().is_multiple_of(2) {
        return None;
    }
    (0..h.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(h.get(i..i + 2)?, 16).ok())
        .collect()
}

/// Tallies named checks and fails with every failure listed.
#[derive(Default)]
pub struct Tally {
    pub passed: usize,
    pub failures: Vec<String>,
}

impl Tally {
    pub fn check(&mut self, ok: bool, what: impl FnOnce() -> String) {
        if ok {
            self.passed += 1;
        } else {
            self.failures.push(what());
        }
    }
    pub fn finish(self, name: &str) {
        for f in &self.failures {
            eprintln!("FAIL {f}");
        }
        println!(
            "{name}: {} passed, {} failed",
            self.passed,
            self.failures.len()
        );
        assert!(
            self.failures.is_empty(),
            "{name}: {} failed (listed above)",
            self.failures.len()
        );
    }
}
