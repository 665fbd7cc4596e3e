//! The per-request ratios of docs/performance.md, measured in one run on a shared
//! machine: every run below is timed in turn for several rounds, so that each sees the
//! same load, and each servsim run is compared with its reference by best and median
//! time per request.
//!
//! - the bare binary-heap M/M/c loop on the same traffic as each reference scenario:
//!   `bench-dedicated` (M/M/4, 36 req/s of 0.1 s, ρ = 0.9) and `bench-serverless`
//!   (50 req/s of 0.1 s; 64 servers, so that no request queues, as in the serverless
//!   pool once it is warm), and `bench-serverless` against the M/M/4 loop as well;
//! - 1M requests through a cold-start storm (~50,000 containers) against the same
//!   arrivals on a handful of containers: with the storm's 0.5 s of service on 8
//!   containers of 1,000 inputs (the same ~5,000 requests in flight, so that only the
//!   pool differs), and with 0.5 ms of service on 8 single-input containers.
//!
//! `cargo bench --bench side_by_side -- [ROUNDS]` (15 rounds by default). A bench target
//! without criterion's harness: `cargo bench` adds `--bench` to the arguments; without
//! it (`cargo test --benches`) one round checks that everything runs.

mod common;

use std::time::Instant;

use common::{bare_mmc, scenario};
use servsim::experiment::run_replica;

/// A named run that returns how many requests it simulated, and the run it is compared
/// with.
struct Run {
    name: &'static str,
    run: Box<dyn Fn() -> u64>,
    against: Vec<usize>,
}

fn bare(name: &'static str, rate: f64, servers: u32) -> Run {
    let day_ns = 86_400 * 1_000_000_000u64;
    Run {
        name,
        run: Box::new(move || bare_mmc(rate, 0.1, servers, day_ns, 1).0),
        against: vec![],
    }
}

/// One replica of the first platform of the bench scenario `name`.
fn servsim(name: &'static str, against: Vec<usize>) -> Run {
    let s = scenario(name);
    Run {
        name,
        run: Box::new(move || {
            run_replica(&s, &s.platforms[0], 1, 0)
                .outcome
                .recorder
                .counts
                .arrived
        }),
        against,
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let benching = args.iter().any(|a| a == "--bench");
    let rounds: usize = match args.iter().find(|a| *a != "--bench") {
        Some(r) => r.parse().expect("ROUNDS is a number"),
        None if benching => 15,
        None => 1,
    };
    let runs = [
        bare("bare M/M/4 loop, 36/s", 36.0, 4),
        bare("bare M/M/64 loop, 50/s", 50.0, 64),
        servsim("bench-dedicated", vec![0]),
        servsim("bench-serverless", vec![1, 0]),
        servsim("warm-handful-1m", vec![]),
        servsim("concurrent-handful-1m", vec![]),
        servsim("cold-start-storm-1m", vec![5, 4]),
    ];
    let mut ns: Vec<Vec<f64>> = vec![Vec::new(); runs.len()];
    for _ in 0..rounds {
        for (i, r) in runs.iter().enumerate() {
            let t = Instant::now();
            let requests = (r.run)();
            ns[i].push(t.elapsed().as_secs_f64() * 1e9 / requests as f64);
        }
    }
    let stats: Vec<(f64, f64)> = ns
        .iter_mut()
        .map(|v| {
            v.sort_by(f64::total_cmp);
            (v[0], v[v.len() / 2])
        })
        .collect();
    for (r, (best, median)) in runs.iter().zip(&stats) {
        println!(
            "{:24} best {best:6.1} ns/request ({:5.2} M/s), median {median:6.1} ns/request",
            r.name,
            1e3 / best
        );
        for &a in &r.against {
            println!(
                "{:26} {:.2}x (best), {:.2}x (median) the time per request of {}",
                "",
                best / stats[a].0,
                median / stats[a].1,
                runs[a].name
            );
        }
    }
}
