//! A sweep written in code: vary one scenario key programmatically, run each variant and
//! print a line per point. Here the scaledown window of the scale-to-zero platform of
//! `scenarios/realtime-slo.json`: a longer window keeps the container warm between sparse
//! requests for longer, so fewer of them pay the cold start, and every idle second is billed.
//!
//! `cargo run --release --example custom_sweep`
//!
//! (`servsim sweep FILE --param platforms.0.scaledown_window_s --values 60,300,600,1200`
//! does the same from the command line.)

use serde_json::Value;
use servsim::{RunOptions, RunReport, Scenario, run};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/realtime-slo.json");
    let base: Value = serde_json::from_str(&std::fs::read_to_string(file)?)?;
    println!("scaledown_window_s  cost_usd_per_month  p99_latency_s  slo_attainment");
    for window_s in [60, 300, 600, 1200] {
        let mut doc = base.clone();
        doc["platforms"][0]["scaledown_window_s"] = window_s.into();
        // Every variant is validated like a file: a bad value is an error naming its key.
        let scenario = Scenario::from_value(&doc, file)?;
        let options = RunOptions::from_scenario(&scenario);
        let replicas = run(&scenario, options)?;
        let report = RunReport::from_results(&scenario, options.seed, &replicas);
        let p = &report.platforms[0];
        let mean = |s: Option<servsim::Stat>| s.map_or(f64::NAN, |s| s.mean);
        println!(
            "{window_s:>18}  {:>18.2}  {:>13.3}  {:>14.3}",
            mean(p.cost_usd_per_month),
            p.latency_s.p99.unwrap_or(f64::NAN),
            mean(p.slo_attainment),
        );
    }
    Ok(())
}
