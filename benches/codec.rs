//! Criterion benches: decode and encode of the benchmark messages on every path, and the
//! router's FlatBuffers paths, with `Throughput::Bytes` of each path's wire size.
//!
//! `cargo bench --bench codec` (all), `cargo bench --bench codec -- publish-typical` (one case).
//! The same messages as `wamp-codec bench` (`src/bin/wamp-codec/cases.rs`).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkGroup, Criterion, Throughput};
use flatbuffers::FlatBufferBuilder;
use wamp_codec::fbs::builder;
use wamp_codec::fbs::forward::EventDetails;
use wamp_codec::fbs::generated::proto;
use wamp_codec::serializer::{json, Format};
use wamp_codec::{Message, Publish};

#[path = "../src/bin/wamp-codec/cases.rs"]
mod cases;

type Group<'a> = BenchmarkGroup<'a, criterion::measurement::WallTime>;

/// `path/op` timed on `bytes` bytes of wire.
fn bench(group: &mut Group<'_>, id: &str, bytes: usize, mut op: impl FnMut()) {
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function(id, |b| b.iter(&mut op));
}

fn text_and_binary(group: &mut Group<'_>, message: &Message) {
    let json_bytes = json::to_vec(message).expect("JSON-encodable");
    bench(group, "serde_json-value/decode", json_bytes.len(), || {
        black_box(serde_json::from_slice::<serde_json::Value>(black_box(&json_bytes)).unwrap());
    });
    for format in [Format::Json, Format::Msgpack, Format::Cbor] {
        let bytes = format.encode(message).expect("encodable");
        let name = format.name();
        bench(group, &format!("{name}/decode-owned"), bytes.len(), || {
            black_box(format.decode(black_box(&bytes)).unwrap());
        });
        let mut out = Vec::with_capacity(2 * bytes.len());
        bench(group, &format!("{name}/encode"), bytes.len(), || {
            out.clear();
            format.encode_into(black_box(message), &mut out).unwrap();
            black_box(&out);
        });
    }
}

fn flatbuffers(group: &mut Group<'_>, message: &Message) {
    let bytes = Format::Flatbuffers.encode(message).expect("encodable");
    let n = bytes.len();
    bench(group, "flatbuffers/decode-owned", n, || {
        black_box(Format::Flatbuffers.decode(black_box(&bytes)).unwrap());
    });
    let mut fbb = FlatBufferBuilder::with_capacity(2 * n);
    bench(group, "flatbuffers/encode", n, || {
        builder::build(black_box(message), &mut fbb).unwrap();
        black_box(fbb.finished_data());
    });
    if !matches!(message, Message::Publish(_)) {
        return;
    }
    bench(group, "flatbuffers/cast+verify+topic", n, || {
        black_box(Publish::cast(black_box(&bytes)).unwrap().topic());
    });
    bench(group, "flatbuffers/cast+verify+topic+args-bytes", n, || {
        let view = Publish::cast(black_box(&bytes)).unwrap();
        black_box((view.topic(), view.args_bytes()));
    });
    let details = EventDetails {
        subscription: 5512315355,
        publication: 4429313566,
        ..EventDetails::default()
    };
    bench(group, "flatbuffers/forward-event", n, || {
        let view = Publish::cast(black_box(&bytes)).unwrap();
        view.build_event(black_box(&details), &mut fbb);
        black_box(fbb.finished_data());
    });
    bench(group, "flatbuffers/generated-verifier+topic", n, || {
        let root = proto::root_as_message(black_box(&bytes)).unwrap();
        black_box(root.msg_as_publish().unwrap().topic());
    });
}

fn codec(c: &mut Criterion) {
    for case in cases::all() {
        let mut group = c.benchmark_group(case.name);
        text_and_binary(&mut group, &case.message);
        flatbuffers(&mut group, &case.message);
        group.finish();
    }
}

criterion_group!(benches, codec);
criterion_main!(benches);
