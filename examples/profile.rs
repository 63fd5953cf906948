//! Runs one benchmark operation N times, for instruction counts under callgrind, which repeat
//! on a shared, noisy machine where wall-clock times do not:
//!
//! ```text
//! cargo build --release --example profile
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/profile publish-typical flatbuffers cast+verify+topic 100000
//! ```
//!
//! Instructions per operation = (`I refs` of that run - `I refs` of the same command with
//! N = 0) / N. The cases, paths and operations are those of `wamp-codec bench`
//! (`src/bin/wamp-codec/workload.rs`).

#[path = "../src/bin/wamp-codec/workload.rs"]
mod workload;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [case, path, op, n] = args.as_slice() else {
        eprintln!("usage: profile <case> <path> <op> <N>   (e.g. publish-typical json decode-owned 10000)");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a count");
    let case = workload::cases()
        .into_iter()
        .find(|c| c.name == case)
        .unwrap_or_else(|| panic!("no case {case}"));
    let mut ops = workload::ops(&case.message);
    let op = ops
        .iter_mut()
        .find(|o| o.path == path && o.op == op)
        .unwrap_or_else(|| panic!("no operation {path} {op}"));
    (op.run)(n as u64);
    eprintln!("{n} x {} {} on {} bytes", op.path, op.op, op.bytes);
}
