//! `wamp-codec bench`: every path's decode and encode of the benchmark messages, side by side.
//!
//! Each row is timed in samples of a calibrated number of iterations, taken in rounds across
//! the rows of a case; the figure is the median nanoseconds per operation over the samples, and
//! allocations are counted over one sample. Every case is measured in three passes (one with
//! `--quick`), and the rows of its quietest pass are printed: the pass in which the
//! `serde_json-value` baseline was fastest.

use std::io::{self, Write};
use std::time::{Duration, Instant};

use crate::alloc_counter::allocations;

#[path = "workload.rs"]
mod workload;

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
    /// How many times each case is measured; its quietest pass is reported.
    passes: usize,
}

/// One operation being measured: its iterations per sample, its allocations per op and the
/// samples taken so far.
struct Measured<'m> {
    op: workload::Op<'m>,
    iters: u64,
    allocs_per_op: f64,
    per_op: Vec<f64>,
}

impl Timer {
    /// Iterations of `op` that take about `sample_time`.
    fn calibrate(&self, op: &mut dyn FnMut(u64)) -> u64 {
        let mut iters: u64 = 1;
        loop {
            let start = Instant::now();
            op(iters);
            if start.elapsed() >= self.sample_time / 4 || iters >= 1 << 30 {
                let per_op = start.elapsed().as_secs_f64() / iters as f64;
                return ((self.sample_time.as_secs_f64() / per_op.max(1e-10)) as u64).max(1);
            }
            iters *= 4;
        }
    }

    /// Median ns per op and allocations per op of every operation of one case.
    ///
    /// The samples are taken in rounds, one sample of each operation per round, so that a burst
    /// of load from a neighbour on a shared machine slows every row of the case alike rather
    /// than the few rows measured while it lasted: the ratios between rows, which the targets
    /// are about, stay put even when the absolute figures move. (Not across cases: mixing
    /// 64 KiB messages with small ones makes glibc return and re-fault heap pages on every
    /// large allocation, which would time the allocator rather than the codecs.)
    fn measure_case<'m>(&self, ops: Vec<workload::Op<'m>>) -> Vec<(workload::Op<'m>, f64, f64)> {
        let mut measured: Vec<Measured<'m>> = ops
            .into_iter()
            .map(|mut op| {
                let iters = self.calibrate(&mut op.run);
                let before = allocations();
                (op.run)(iters);
                let allocs_per_op = (allocations() - before) as f64 / iters as f64;
                Measured {
                    op,
                    iters,
                    allocs_per_op,
                    per_op: Vec::with_capacity(self.samples),
                }
            })
            .collect();
        for _ in 0..self.samples {
            for m in &mut measured {
                let start = Instant::now();
                (m.op.run)(m.iters);
                m.per_op
                    .push(start.elapsed().as_nanos() as f64 / m.iters as f64);
            }
        }
        measured
            .into_iter()
            .map(|mut m| {
                m.per_op.sort_by(f64::total_cmp);
                let median = m.per_op[m.per_op.len() / 2];
                (m.op, median, m.allocs_per_op)
            })
            .collect()
    }
}

/// The baseline row every case has, and the one its quietest pass is chosen by.
const BASELINE: &str = "serde_json-value";

/// Measures every operation and prints the rows; an error only when stdout is gone.
///
/// On a shared machine a neighbour's burst of load can slow a whole case, all its rows alike,
/// by half again; the rounds keep the ratios within the case, but not its absolute figures or
/// its ratios to the other cases. So each case is measured in several passes, spread over the
/// run, and the pass whose baseline was fastest, the least disturbed, is reported whole. (Were
/// that pass's baseline fast by luck, the ratios to it would only come out lower.)
pub fn run(as_json: bool, quick: bool) -> io::Result<()> {
    let mut out = io::stdout().lock();
    let timer = if quick {
        Timer {
            samples: 5,
            sample_time: Duration::from_millis(2),
            passes: 1,
        }
    } else {
        Timer {
            samples: 31,
            sample_time: Duration::from_millis(5),
            passes: 3,
        }
    };
    let cases = workload::cases();
    warm_up(&cases[0].message);
    // per case, the rows of its quietest pass so far and that pass's baseline
    let mut quietest: Vec<Option<(f64, Vec<Row>)>> = cases.iter().map(|_| None).collect();
    for _ in 0..timer.passes {
        for (case, quietest) in cases.iter().zip(&mut quietest) {
            let rows: Vec<Row> = timer
                .measure_case(workload::ops(&case.message))
                .into_iter()
                .map(|(op, ns, allocs_per_op)| Row {
                    case: case.name,
                    path: op.path,
                    op: op.op,
                    ns,
                    allocs_per_op,
                    bytes: op.bytes,
                })
                .collect();
            let baseline = rows
                .iter()
                .find(|r| r.path == BASELINE && r.op == "decode")
                .map_or(f64::INFINITY, |r| r.ns);
            if quietest.as_ref().is_none_or(|(best, _)| baseline < *best) {
                *quietest = Some((baseline, rows));
            }
        }
    }
    let rows: Vec<Row> = quietest
        .into_iter()
        .flat_map(|q| q.map(|(_, rows)| rows).unwrap_or_default())
        .collect();
    if as_json {
        for row in &rows {
            print_json(&mut out, row)?;
        }
    } else {
        print_table(&mut out, &rows)?;
    }
    Ok(())
}

/// Runs the first operation for a while before anything is measured, so that the first row is
/// not measured on a cold CPU (clock still ramping up, caches and branch predictors empty).
fn warm_up(message: &wamp_codec::Message) {
    let mut ops = workload::ops(message);
    let start = Instant::now();
    while start.elapsed() < Duration::from_secs(1) {
        (ops[0].run)(1000);
    }
}

fn print_json(out: &mut impl Write, row: &Row) -> io::Result<()> {
    writeln!(
        out,
        "{{\"case\":{:?},\"path\":{:?},\"op\":{:?},\"ns\":{:.1},\"allocs_per_op\":{},\"bytes\":{}}}",
        row.case, row.path, row.op, row.ns, row.allocs_per_op, row.bytes
    )?;
    out.flush()
}

fn print_table(out: &mut impl Write, rows: &[Row]) -> io::Result<()> {
    writeln!(
        out,
        "{:<18} {:<18} {:<30} {:>12} {:>10} {:>9} {:>12}",
        "case", "path", "op", "ns/op", "allocs/op", "bytes", "vs serde_json"
    )?;
    for row in rows {
        // encodings against serde_json's encode, everything else against its decode
        let baseline_op = if row.op.starts_with("encode") {
            "encode"
        } else {
            "decode"
        };
        let baseline = rows
            .iter()
            .find(|r| r.case == row.case && r.path == BASELINE && r.op == baseline_op)
            .map_or(f64::NAN, |b| b.ns);
        writeln!(
            out,
            "{:<18} {:<18} {:<30} {:>12.1} {:>10.2} {:>9} {:>11.2}x",
            row.case,
            row.path,
            row.op,
            row.ns,
            row.allocs_per_op,
            row.bytes,
            baseline / row.ns
        )?;
    }
    Ok(())
}
