//! `wamp-codec bench`: every path's decode and encode of the benchmark messages, side by side.
//!
//! Each row is timed in samples of a calibrated number of iterations; the figure is the median
//! nanoseconds per operation over the samples, and allocations are counted over one sample.

use std::hint::black_box;
use std::time::{Duration, Instant};

use flatbuffers::FlatBufferBuilder;
use wamp_codec::fbs::builder;
use wamp_codec::fbs::forward::EventDetails;
use wamp_codec::fbs::generated::proto;
use wamp_codec::serializer::{json, Format};
use wamp_codec::{Message, Publish};

use crate::alloc_counter::allocations;

#[path = "cases.rs"]
mod cases;

/// One measured row.
struct Row {
    case: &'static str,
    path: &'static str,
    op: &'static str,
    ns: f64,
    allocs_per_op: f64,
    bytes: usize,
}

struct Timer {
    samples: usize,
    sample_time: Duration,
}

impl Timer {
    /// Median ns per op and allocations per op of `op`.
    fn measure(&self, mut op: impl FnMut()) -> (f64, f64) {
        // calibrate: iterations per sample so that a sample takes about `sample_time`
        let mut iters: u64 = 1;
        loop {
            let start = Instant::now();
            for _ in 0..iters {
                op();
            }
            if start.elapsed() >= self.sample_time / 4 || iters >= 1 << 30 {
                let per_op = start.elapsed().as_secs_f64() / iters as f64;
                iters = ((self.sample_time.as_secs_f64() / per_op.max(1e-10)) as u64).max(1);
                break;
            }
            iters *= 4;
        }
        let allocs_before = allocations();
        for _ in 0..iters {
            op();
        }
        let allocs = (allocations() - allocs_before) as f64 / iters as f64;
        let mut per_op: Vec<f64> = (0..self.samples)
            .map(|_| {
                let start = Instant::now();
                for _ in 0..iters {
                    op();
                }
                start.elapsed().as_nanos() as f64 / iters as f64
            })
            .collect();
        per_op.sort_by(f64::total_cmp);
        (per_op[per_op.len() / 2], allocs)
    }
}

pub fn run(as_json: bool, quick: bool) {
    let timer = if quick {
        Timer {
            samples: 5,
            sample_time: Duration::from_millis(2),
        }
    } else {
        Timer {
            samples: 31,
            sample_time: Duration::from_millis(5),
        }
    };
    let mut rows = Vec::new();
    for case in cases::all() {
        let json_bytes =
            json::to_vec(&case.message).expect("benchmark messages are JSON-encodable");
        let mut row = |path: &'static str, op: &'static str, bytes: usize, f: &mut dyn FnMut()| {
            let (ns, allocs_per_op) = timer.measure(f);
            let row = Row {
                case: case.name,
                path,
                op,
                ns,
                allocs_per_op,
                bytes,
            };
            if as_json {
                print_json(&row);
            }
            rows.push(row);
        };
        row("json", "decode-owned", json_bytes.len(), &mut || {
            black_box(json::from_slice(black_box(&json_bytes)).unwrap());
        });
        let mut out = Vec::with_capacity(json_bytes.len() * 2);
        row("json", "encode", json_bytes.len(), &mut || {
            out.clear();
            json::write_message(black_box(&case.message), &mut out).unwrap();
            black_box(&out);
        });
        for format in [Format::Msgpack, Format::Cbor] {
            let bytes = format
                .encode(&case.message)
                .expect("benchmark messages encode");
            row(format.name(), "decode-owned", bytes.len(), &mut || {
                black_box(format.decode(black_box(&bytes)).unwrap());
            });
            let mut out = Vec::with_capacity(bytes.len() * 2);
            row(format.name(), "encode", bytes.len(), &mut || {
                out.clear();
                format
                    .encode_into(black_box(&case.message), &mut out)
                    .unwrap();
                black_box(&out);
            });
        }
        flatbuffers_rows(&case.message, &mut row);
        row("serde_json-value", "decode", json_bytes.len(), &mut || {
            black_box(serde_json::from_slice::<serde_json::Value>(black_box(&json_bytes)).unwrap());
        });
    }
    if !as_json {
        print_table(&rows);
    }
}

/// The FlatBuffers rows: decode to the owned message, encode into a reused builder, and for a
/// PUBLISH the router's paths (verify + topic, + raw args, forward as EVENT) beside flatc's
/// generated verifier.
fn flatbuffers_rows(
    message: &Message,
    row: &mut impl FnMut(&'static str, &'static str, usize, &mut dyn FnMut()),
) {
    let format = Format::Flatbuffers;
    let bytes = format.encode(message).expect("benchmark messages encode");
    let n = bytes.len();
    row("flatbuffers", "decode-owned", n, &mut || {
        black_box(format.decode(black_box(&bytes)).unwrap());
    });
    let mut fbb = FlatBufferBuilder::with_capacity(2 * n);
    row("flatbuffers", "encode", n, &mut || {
        builder::build(black_box(message), &mut fbb).unwrap();
        black_box(fbb.finished_data());
    });
    if !matches!(message, Message::Publish(_)) {
        return;
    }
    row("flatbuffers", "cast+verify+topic", n, &mut || {
        let view = Publish::cast(black_box(&bytes)).unwrap();
        black_box(view.topic());
    });
    row(
        "flatbuffers",
        "cast+verify+topic+args-bytes",
        n,
        &mut || {
            let view = Publish::cast(black_box(&bytes)).unwrap();
            black_box((view.topic(), view.args_bytes()));
        },
    );
    let details = EventDetails {
        subscription: 5512315355,
        publication: 4429313566,
        ..EventDetails::default()
    };
    row("flatbuffers", "forward-event", n, &mut || {
        let view = Publish::cast(black_box(&bytes)).unwrap();
        view.build_event(black_box(&details), &mut fbb);
        black_box(fbb.finished_data());
    });
    row("flatbuffers", "generated-verifier+topic", n, &mut || {
        let root = proto::root_as_message(black_box(&bytes)).unwrap();
        black_box(root.msg_as_publish().unwrap().topic());
    });
}

fn print_json(row: &Row) {
    println!(
        "{{\"case\":{:?},\"path\":{:?},\"op\":{:?},\"ns\":{:.1},\"allocs_per_op\":{},\"bytes\":{}}}",
        row.case, row.path, row.op, row.ns, row.allocs_per_op, row.bytes
    );
}

fn print_table(rows: &[Row]) {
    println!(
        "{:<18} {:<18} {:<30} {:>12} {:>10} {:>9} {:>12}",
        "case", "path", "op", "ns/op", "allocs/op", "bytes", "vs serde_json"
    );
    for row in rows {
        let baseline = rows
            .iter()
            .find(|r| r.case == row.case && r.path == "serde_json-value")
            .map_or(f64::NAN, |b| b.ns);
        println!(
            "{:<18} {:<18} {:<30} {:>12.1} {:>10.2} {:>9} {:>11.2}x",
            row.case,
            row.path,
            row.op,
            row.ns,
            row.allocs_per_op,
            row.bytes,
            baseline / row.ns
        );
    }
}
