//! Criterion benches: every operation of `wamp-codec bench` (decode and encode on each path,
//! the `serde_json::Value` baseline, the router's FlatBuffers paths), per benchmark case, with
//! `Throughput::Bytes` of the path's wire size. The cases and operations are defined once, in
//! `src/bin/wamp-codec/workload.rs`.
//!
//! `cargo bench --bench codec` (all), `cargo bench --bench codec -- publish-typical/flatbuffers`
//! (a filter).

use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

#[path = "../src/bin/wamp-codec/workload.rs"]
mod workload;

fn codec(c: &mut Criterion) {
    for case in workload::cases() {
        let mut group = c.benchmark_group(case.name);
        for mut op in workload::ops(&case.message) {
            group.throughput(Throughput::Bytes(op.bytes as u64));
            group.bench_function(format!("{}/{}", op.path, op.op), |b| {
                b.iter_custom(|iters| {
                    let start = Instant::now();
                    (op.run)(iters);
                    start.elapsed()
                })
            });
        }
        group.finish();
    }
}

criterion_group!(benches, codec);
criterion_main!(benches);
