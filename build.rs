//! Build script: provides the flatc-generated Rust code for `schema/*.fbs`.
//!
//! The generated code always ends up at `$OUT_DIR/wamp_generated.rs`, which
//! `src/fbs/generated.rs` includes. It comes from one of two places:
//!
//! * **flatc 25.12.19 found** (`$FLATC`, else `flatc` on `PATH`): flatc is run
//!   through the `flatc-rust` crate on `schema/wamp.fbs` (which includes every
//!   other schema file) with the flags in `build/flatc_args.rs`. If the committed
//!   snapshot differs, a warning is printed, and with `WAMP_CODEC_UPDATE_SNAPSHOT=1`
//!   the snapshot is rewritten.
//! * **no such flatc**: the committed snapshot `src/fbs/generated/wamp_generated.rs`
//!   is used, after checking that the SHA-256 recorded in its first line matches
//!   the current `schema/*.fbs`. If it does not, the build fails and says how to
//!   get flatc.
//!
//! `tests/flatc_snapshot.rs` checks that the snapshot equals fresh flatc output.

use std::env;
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

include!("build/flatc_args.rs");

fn main() {
    let manifest_dir =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var_os("OUT_DIR").expect("OUT_DIR"));
    let schema_dir = manifest_dir.join(SCHEMA_DIR);
    let snapshot_path = manifest_dir.join(SNAPSHOT_PATH);

    println!("cargo:rerun-if-changed=build.rs");
    declare_format_cfg();
    // Without the `flatbuffers` feature nothing includes the generated code.
    if env::var_os("CARGO_FEATURE_FLATBUFFERS").is_none() {
        declare_tool_cfgs(false);
        return;
    }
    println!("cargo:rerun-if-changed=build/flatc_args.rs");
    println!("cargo:rerun-if-changed={SCHEMA_DIR}");
    println!("cargo:rerun-if-changed={SNAPSHOT_PATH}");
    println!("cargo:rerun-if-env-changed=FLATC");
    println!("cargo:rerun-if-env-changed=WAMP_CODEC_UPDATE_SNAPSHOT");

    let files = schema_files(&schema_dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", schema_dir.display()));
    for file in &files {
        println!("cargo:rerun-if-changed={SCHEMA_DIR}/{}", file_name(file));
    }
    check_all_schema_files_reached(&schema_dir, &files);

    let digest_input = schema_digest_input(&schema_dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", schema_dir.display()));
    let digest = hex(&Sha256::digest(&digest_input));

    let flatc = find_flatc();
    declare_tool_cfgs(flatc.is_some());
    let generated = match flatc {
        Some(flatc) => generate_with_flatc(&flatc, &schema_dir, &out_dir, &snapshot_path, &digest),
        None => generated_from_snapshot(&snapshot_path, &digest),
    };

    let target = out_dir.join(GENERATED_FILE);
    fs::write(&target, generated)
        .unwrap_or_else(|e| panic!("cannot write {}: {e}", target.display()));
}

/// `any_format`: at least one serializer feature is on, so there are formats to frame and
/// messages to view (an alias for the `any(...)` of the four features).
fn declare_format_cfg() {
    println!("cargo::rustc-check-cfg=cfg(any_format)");
    let features = ["JSON", "MSGPACK", "CBOR", "FLATBUFFERS"];
    if features
        .iter()
        .any(|f| env::var_os(format!("CARGO_FEATURE_{f}")).is_some())
    {
        println!("cargo:rustc-cfg=any_format");
    }
}

/// Tells the tests which outside tools they can use, so that a test needing one is reported as
/// ignored (with the reason) where the tool is missing, instead of passing without checking:
/// `has_flatc` when flatc `FLATC_VERSION` was found, `has_autobahn` when
/// `WAMP_CODEC_AUTOBAHN_PYTHON` names autobahn's venv python. CI sets `WAMP_CODEC_REQUIRE_FLATC=1`
/// and `WAMP_CODEC_REQUIRE_AUTOBAHN=1`, which turn each cfg on regardless, so that a missing
/// tool fails there instead of being skipped.
fn declare_tool_cfgs(flatc_found: bool) {
    let env_is = |name: &str, want: &str| env::var_os(name).is_some_and(|v| v == want);
    let env_set = |name: &str| env::var_os(name).is_some_and(|v| !v.is_empty());
    for name in [
        "WAMP_CODEC_AUTOBAHN_PYTHON",
        "WAMP_CODEC_REQUIRE_AUTOBAHN",
        "WAMP_CODEC_REQUIRE_FLATC",
    ] {
        println!("cargo:rerun-if-env-changed={name}");
    }
    let tools = [
        (
            "has_flatc",
            flatc_found || env_is("WAMP_CODEC_REQUIRE_FLATC", "1"),
        ),
        (
            "has_autobahn",
            env_set("WAMP_CODEC_AUTOBAHN_PYTHON") || env_is("WAMP_CODEC_REQUIRE_AUTOBAHN", "1"),
        ),
    ];
    for (cfg, present) in tools {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        if present {
            println!("cargo:rustc-cfg={cfg}");
        }
    }
}

/// A flatc of exactly `FLATC_VERSION`, from `$FLATC` or `PATH`, if there is one.
fn find_flatc() -> Option<flatc_rust::Flatc> {
    let (exe, explicit) = match env::var_os("FLATC").filter(|v| !v.is_empty()) {
        Some(path) => (PathBuf::from(path), true),
        None => (PathBuf::from("flatc"), false),
    };
    let flatc = flatc_rust::Flatc::from_path(&exe);
    match flatc.version() {
        Ok(v) if v.version().trim() == FLATC_VERSION => Some(flatc),
        Ok(v) => {
            println!(
                "cargo:warning=ignoring {} (version {}, need {FLATC_VERSION}); using the committed snapshot",
                exe.display(),
                v.version()
            );
            None
        }
        Err(e) => {
            if explicit {
                println!(
                    "cargo:warning=FLATC={} is not usable ({e}); using the committed snapshot",
                    exe.display()
                );
            }
            None
        }
    }
}

fn generate_with_flatc(
    flatc: &flatc_rust::Flatc,
    schema_dir: &Path,
    out_dir: &Path,
    snapshot_path: &Path,
    digest: &str,
) -> Vec<u8> {
    let flatc_out = out_dir.join("flatc-out");
    if flatc_out.exists() {
        fs::remove_dir_all(&flatc_out)
            .unwrap_or_else(|e| panic!("cannot clear {}: {e}", flatc_out.display()));
    }
    fs::create_dir_all(&flatc_out)
        .unwrap_or_else(|e| panic!("cannot create {}: {e}", flatc_out.display()));

    let root = schema_dir.join(ROOT_SCHEMA);
    flatc
        .run(flatc_rust::Args {
            lang: FLATC_LANG,
            inputs: &[&root],
            out_dir: &flatc_out,
            includes: &[schema_dir],
            extra: FLATC_EXTRA_ARGS,
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("flatc failed on {}: {e}", root.display()));

    let output = flatc_out.join(GENERATED_FILE);
    let generated =
        fs::read(&output).unwrap_or_else(|e| panic!("cannot read {}: {e}", output.display()));

    let mut expected_snapshot = digest_header(digest).into_bytes();
    expected_snapshot.extend_from_slice(&generated);
    let current_snapshot = fs::read(snapshot_path).ok();
    if current_snapshot.as_deref() != Some(expected_snapshot.as_slice()) {
        if env::var_os("WAMP_CODEC_UPDATE_SNAPSHOT").is_some_and(|v| v == "1") {
            if let Some(dir) = snapshot_path.parent() {
                fs::create_dir_all(dir)
                    .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
            }
            fs::write(snapshot_path, &expected_snapshot)
                .unwrap_or_else(|e| panic!("cannot write {}: {e}", snapshot_path.display()));
            println!("cargo:warning=rewrote {SNAPSHOT_PATH} from flatc {FLATC_VERSION} output");
        } else {
            println!(
                "cargo:warning={SNAPSHOT_PATH} is out of date with schema/*.fbs; \
                 rebuild with WAMP_CODEC_UPDATE_SNAPSHOT=1 to rewrite it (building with fresh flatc output)"
            );
        }
    }
    generated
}

fn generated_from_snapshot(snapshot_path: &Path, digest: &str) -> Vec<u8> {
    let snapshot = fs::read(snapshot_path).unwrap_or_else(|e| {
        panic!(
            "no flatc {FLATC_VERSION} found and the committed snapshot {} cannot be read ({e}); {FLATC_INSTALL_HINT}",
            snapshot_path.display()
        )
    });
    let Some((recorded, body)) = split_snapshot(&snapshot) else {
        panic!(
            "{} does not start with a `{DIGEST_HEADER_PREFIX}<hex>` line; \
             regenerate it with flatc {FLATC_VERSION} and WAMP_CODEC_UPDATE_SNAPSHOT=1: {FLATC_INSTALL_HINT}",
            snapshot_path.display()
        )
    };
    if recorded != digest {
        panic!(
            "schema/*.fbs changed since {} was generated (schema sha256 {digest}, snapshot records {recorded}), \
             and no flatc {FLATC_VERSION} was found to regenerate it. To fix: {FLATC_INSTALL_HINT}; then build \
             with WAMP_CODEC_UPDATE_SNAPSHOT=1 once and commit the rewritten snapshot",
            snapshot_path.display()
        );
    }
    body.to_vec()
}

/// Fails the build if a `schema/*.fbs` file is not reached from `ROOT_SCHEMA`
/// through `include` lines, since flatc only compiles what the root includes.
fn check_all_schema_files_reached(schema_dir: &Path, files: &[PathBuf]) {
    let mut reached = vec![ROOT_SCHEMA.to_owned()];
    let mut i = 0;
    while i < reached.len() {
        let path = schema_dir.join(&reached[i]);
        let text = fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        for line in text.lines() {
            let included = line
                .trim()
                .strip_prefix("include ")
                .and_then(|rest| rest.trim().strip_suffix(';'))
                .and_then(|quoted| quoted.trim().strip_prefix('"'))
                .and_then(|quoted| quoted.strip_suffix('"'));
            if let Some(name) = included {
                if !reached.iter().any(|r| r == name) {
                    reached.push(name.to_owned());
                }
            }
        }
        i += 1;
    }
    for file in files {
        let name = file_name(file);
        assert!(
            reached.contains(&name),
            "{SCHEMA_DIR}/{name} is not included (directly or indirectly) by {SCHEMA_DIR}/{ROOT_SCHEMA}, \
             so flatc would not compile it"
        );
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .expect("file name")
        .to_string_lossy()
        .into_owned()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
