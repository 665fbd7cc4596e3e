//! Wall time per simulated request of one replica of every platform of the given
//! scenario files, best of five runs on this thread (seed 0 of the scenario's master
//! seed). A quick look at how cost grows with horizon, rate and pool size, beside the
//! criterion benches:
//!
//! `cargo bench --bench per_request -- benches/scenarios/bench-serverless.json`
//!
//! A bench target without criterion's harness: `cargo bench` adds `--bench` to the
//! arguments, which is not a file.

use std::time::Instant;

use servsim::experiment::run_replica;
use servsim::scenario::Scenario;

fn main() {
    for file in std::env::args().skip(1).filter(|a| a != "--bench") {
        let s = match Scenario::from_file(file.as_ref()) {
            Ok(s) => s,
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
        };
        for p in &s.platforms {
            let (mut best, mut requests) = (f64::MAX, 0);
            for _ in 0..5 {
                let t = Instant::now();
                let r = run_replica(&s, p, s.seed, 0);
                best = best.min(t.elapsed().as_secs_f64());
                requests = r.outcome.recorder.counts.arrived;
            }
            println!(
                "{file} {}: {requests} requests in {:.1} ms, {:.1} ns/request, {:.2} M requests/s",
                p.name,
                best * 1e3,
                best * 1e9 / requests as f64,
                requests as f64 / best / 1e6
            );
        }
    }
}
