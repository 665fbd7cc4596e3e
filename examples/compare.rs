//! Compare the platforms of a scenario from code: load it, run every platform × seed,
//! summarise, and print each platform's monthly cost and 99th-percentile latency.
//!
//! `cargo run --release --example compare -- [FILE]` (default: `scenarios/realtime-slo.json`)

use servsim::{RunOptions, RunReport, Scenario, run};

/// Prints `error: …` and exits with `code` (2: bad input, as `servsim` does).
fn fail(e: impl std::fmt::Display, code: i32) -> ! {
    eprintln!("error: {e}");
    std::process::exit(code)
}

fn main() {
    let default = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/realtime-slo.json");
    let file = std::env::args().nth(1).unwrap_or_else(|| default.into());
    let scenario = Scenario::from_file(file.as_ref()).unwrap_or_else(|e| fail(e, 2));
    let options = RunOptions::from_scenario(&scenario);
    let replicas = run(&scenario, options).unwrap_or_else(|e| fail(e, 1));
    let report = RunReport::from_results(&scenario, options.seed, &replicas);
    println!("{} ({} seeds)", report.scenario, report.seeds);
    for p in &report.platforms {
        // The mean across seeds of the monthly cost, and the p99 of every request of every
        // seed (one merged histogram).
        let cost = p.cost_usd_per_month.map_or(f64::NAN, |s| s.mean);
        let p99 = p.latency_s.p99.unwrap_or(f64::NAN);
        println!("{:>24}  ${cost:>10.2}/month  p99 {p99:>8.3} s", p.name);
    }
}
