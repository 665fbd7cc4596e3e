//! The bare M/M/c loop and servsim's replicas of the two reference scenarios, run in
//! turn for several rounds, so that each sees the same machine load: the per-request
//! ratios of SPEC §8 on a shared machine. Prints each one's best and median.
//!
//! `cargo run --release --example side_by_side -- [ROUNDS]`

#[path = "../benches/common/bare_mmc.rs"]
mod bare_mmc;

use std::time::Instant;

use servsim::experiment::run_replica;
use servsim::scenario::Scenario;

/// A named run that returns how many requests it simulated.
type Run = (&'static str, Box<dyn Fn() -> u64>);

fn main() {
    let rounds: usize = std::env::args()
        .nth(1)
        .map_or(15, |r| r.parse().expect("ROUNDS is a number"));
    let load = |f: &str| {
        let path = format!("{}/scenarios/{f}.json", env!("CARGO_MANIFEST_DIR"));
        Scenario::from_file(path.as_ref()).expect("the reference scenarios are valid")
    };
    let (dedicated, serverless) = (load("bench-dedicated"), load("bench-serverless"));
    let day_ns = 86_400 * 1_000_000_000u64;
    let mut runs: Vec<Run> = vec![(
        "bare M/M/4 loop",
        Box::new(move || bare_mmc::bare_mmc(36.0, 0.1, 4, day_ns, 1).0),
    )];
    for s in [dedicated, serverless] {
        let name: &'static str = if s.name == "bench-dedicated" {
            "servsim bench-dedicated"
        } else {
            "servsim bench-serverless"
        };
        runs.push((
            name,
            Box::new(move || {
                run_replica(&s, &s.platforms[0], 1, 0)
                    .outcome
                    .recorder
                    .counts
                    .arrived
            }),
        ));
    }
    let mut ns: Vec<Vec<f64>> = vec![Vec::new(); runs.len()];
    for _ in 0..rounds {
        for (i, (_, run)) in runs.iter().enumerate() {
            let t = Instant::now();
            let requests = run();
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
    for ((name, _), (best, median)) in runs.iter().zip(&stats) {
        println!(
            "{name:26} best {best:6.1} ns/request ({:5.2} M/s), median {median:6.1} ns/request; ratio to bare: best {:.2}x, median {:.2}x",
            1e3 / best,
            best / stats[0].0,
            median / stats[0].1
        );
    }
}
