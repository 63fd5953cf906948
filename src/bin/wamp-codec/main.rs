//! `wamp-codec`: convert WAMP messages between serializers, and benchmark the paths side by side.

use std::io::{self, BufRead, Read, Write};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use wamp_codec::router::forward::Forwarder;
use wamp_codec::router::EventDetails;
use wamp_codec::serializer::Format;
use wamp_codec::Publish;

mod alloc_counter;
mod bench;

#[global_allocator]
static ALLOCATOR: alloc_counter::CountingAllocator = alloc_counter::CountingAllocator;

#[derive(Parser)]
#[command(
    name = "wamp-codec",
    version,
    about = "WAMP message codec: convert and benchmark"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Convert one message (raw bytes on stdin and stdout), or one per line with --lines.
    Convert {
        /// Input serializer: json, msgpack, cbor or flatbuffers.
        #[arg(long)]
        from: String,
        /// Output serializer: json, msgpack, cbor or flatbuffers.
        #[arg(long)]
        to: String,
        /// One message per input line (JSON text for json, hex for the binary formats); one
        /// output line per input line, the converted message or `error: <reason>`.
        #[arg(long)]
        lines: bool,
    },
    /// Forward PUBLISHes as EVENTs through the zero-copy views (no owned decode): one PUBLISH
    /// per input line (JSON text for json, hex for the binary formats), one EVENT or
    /// `error: <reason>` per output line.
    Forward {
        /// Input serializer of the PUBLISHes: json, msgpack, cbor or flatbuffers.
        #[arg(long)]
        from: String,
        /// Output serializer of the EVENTs.
        #[arg(long)]
        to: String,
        /// The subscription ID the EVENTs are delivered under.
        #[arg(long)]
        subscription: u64,
        /// The publication ID the broker gave.
        #[arg(long)]
        publication: u64,
        /// One message per line (the only mode).
        #[arg(long)]
        lines: bool,
    },
    /// Print a side-by-side table of decode and encode costs for every path.
    Bench {
        /// One JSON object per row instead of the table.
        #[arg(long)]
        json: bool,
        /// Fewer samples: a rough table in a few seconds.
        #[arg(long)]
        quick: bool,
    },
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Convert { from, to, lines } => convert(&from, &to, lines),
        Command::Forward {
            from,
            to,
            subscription,
            publication,
            lines: _,
        } => {
            let details = EventDetails {
                subscription,
                publication,
                ..EventDetails::default()
            };
            let mut forwarder = Forwarder::new();
            each_line(formats(&from, &to), |from, to, input| {
                let view = Publish::view(from, input).map_err(|e| e.to_string())?;
                let mut out = Vec::new();
                forwarder
                    .event(&view, &details, to, &mut out)
                    .map_err(|e| e.to_string())?;
                Ok(out)
            })
        }
        Command::Bench { json, quick } => match bench::run(json, quick) {
            Ok(()) => ExitCode::SUCCESS,
            // the reader went away (`| head`): nothing left to say
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        },
    }
}

/// Formats the CLI can read and write today.
fn serializer(name: &str) -> Result<Format, String> {
    match Format::from_name(name) {
        Some(format) => Ok(format),
        None => Err(format!(
            "unknown format {name:?} (expected json, msgpack, cbor or flatbuffers)"
        )),
    }
}

fn convert_one(from: Format, to: Format, input: &[u8]) -> Result<Vec<u8>, String> {
    let msg = from.decode(input).map_err(|e| e.to_string())?;
    to.encode(&msg).map_err(|e| e.to_string())
}

/// Errors go on one line, whatever the reason text holds.
fn one_line(reason: &str) -> String {
    reason.replace(['\n', '\r'], " ")
}

fn formats(from: &str, to: &str) -> Result<(Format, Format), String> {
    serializer(from).and_then(|f| serializer(to).map(|t| (f, t)))
}

fn convert(from: &str, to: &str, lines: bool) -> ExitCode {
    let formats = formats(from, to);
    if lines {
        return each_line(formats, convert_one);
    }
    let mut input = Vec::new();
    let result = io::stdin()
        .read_to_end(&mut input)
        .map_err(|e| format!("reading stdin: {e}"))
        .and(formats)
        .and_then(|(f, t)| convert_one(f, t, &input));
    match result {
        Ok(out) => match io::stdout().write_all(&out) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("error: writing stdout: {e}");
                ExitCode::FAILURE
            }
        },
        Err(reason) => {
            eprintln!("error: {}", one_line(&reason));
            ExitCode::FAILURE
        }
    }
}

/// Answers each line of stdin with `step` of its message: the output message (JSON text, or
/// hex for the binary formats) or `error: <reason>`, one line each, in order.
fn each_line(
    formats: Result<(Format, Format), String>,
    mut step: impl FnMut(Format, Format, &[u8]) -> Result<Vec<u8>, String>,
) -> ExitCode {
    let stdin = io::stdin().lock();
    let mut stdout = io::BufWriter::new(io::stdout().lock());
    for line in stdin.split(b'\n') {
        let line = match line {
            Ok(l) => l,
            Err(e) => {
                eprintln!("error: reading stdin: {e}");
                return ExitCode::FAILURE;
            }
        };
        let line = line.strip_suffix(b"\r").unwrap_or(&line);
        let answer = formats.clone().and_then(|(from, to)| {
            let input = match from {
                Format::Json => line.to_vec(),
                _ => from_hex(line)?,
            };
            let out = step(from, to, &input)?;
            Ok(match to {
                Format::Json => String::from_utf8(out).map_err(|e| e.to_string())?,
                _ => to_hex(&out),
            })
        });
        let written = match answer {
            Ok(text) => writeln!(stdout, "{text}"),
            Err(reason) => writeln!(stdout, "error: {}", one_line(&reason)),
        };
        if written.is_err() {
            return ExitCode::FAILURE;
        }
    }
    if stdout.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn from_hex(text: &[u8]) -> Result<Vec<u8>, String> {
    let text = text.trim_ascii();
    if !text.len().is_multiple_of(2) {
        return Err("hex input has an odd number of digits".into());
    }
    // Digit by digit: `u8::from_str_radix` would also take a sign ("+1").
    let digit = |b: u8| char::from(b).to_digit(16);
    text.chunks(2)
        .map(|pair| match (digit(pair[0]), digit(pair[1])) {
            (Some(hi), Some(lo)) => Ok((hi * 16 + lo) as u8),
            _ => Err("invalid hex input".to_string()),
        })
        .collect()
}

fn to_hex(bytes: &[u8]) -> String {
    use std::fmt::Write;
    bytes
        .iter()
        .fold(String::with_capacity(bytes.len() * 2), |mut s, b| {
            let _ = write!(s, "{b:02x}");
            s
        })
}
