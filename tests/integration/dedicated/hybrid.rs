//! The hybrid platform: routing rules, bursts, parts and totals.

use serde_json::{Value, json};
use servsim::scenario::Scenario;

use super::{modal, scenario, stat};
use crate::support::*;
/// Poisson at 1/s with two 3-hour peaks at 3/s a day; 1 s jobs.
fn bursty() -> Value {
    json!({
        "arrivals": {"process": "poisson", "rate_per_s": 1.0},
        "rate_profile": {"kind": "daily_windows", "outside": 1,
            "windows": [{"start_h": 9, "end_h": 12, "multiplier": 3}, {"start_h": 14, "end_h": 17, "multiplier": 3}]},
        "service": {"dist": "lognormal", "mean_s": 1, "cv": 0.5}
    })
}

fn base() -> Value {
    json!({"instances": 2, "usd_per_hour": 2.01, "billing": {"granularity_s": 1}})
}

fn hybrid(name: &str, when: Value) -> Value {
    json!({"name": name, "type": "hybrid", "base": base(), "overflow": modal(), "overflow_when": when})
}

#[test]
fn a_hybrid_absorbs_bursts_and_overflows_nothing_under_a_huge_threshold() {
    let mut dedicated = base();
    dedicated["name"] = json!("dedicated");
    dedicated["type"] = json!("dedicated");
    let json = scenario(
        "2d",
        4,
        bursty(),
        vec![
            dedicated,
            hybrid("hybrid", json!({"queue_wait_s": 5})),
            hybrid("by-length", json!({"queue_length": 4})),
            hybrid("never", json!({"queue_wait_s": 1e12})),
        ],
    );
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    let (ded, hyb, never) = (
        platform(&report, "dedicated"),
        platform(&report, "hybrid"),
        platform(&report, "never"),
    );
    let p99 = |p: &Value| p["latency_s"]["p99"].as_f64().unwrap();
    eprintln!(
        "p99: dedicated {:.1} s, hybrid {:.2} s (overflow {:.1}%, ${:.2} + ${:.2})",
        p99(ded),
        p99(hyb),
        stat(hyb, "overflow_fraction", "mean") * 100.0,
        stat(hyb, "parts.base.cost_usd", "mean"),
        stat(hyb, "parts.overflow.cost_usd", "mean"),
    );
    assert!(p99(hyb) < p99(ded) / 10.0, "overflow absorbs the peaks");
    for p in [hyb, platform(&report, "by-length")] {
        assert_conserved(p);
        assert!(stat(p, "overflow_fraction", "min") > 0.0);
        let parts =
            stat(p, "parts.base.cost_usd", "mean") + stat(p, "parts.overflow.cost_usd", "mean");
        assert!(
            (parts - stat(p, "cost_usd", "mean")).abs() < 1e-6 * parts,
            "total = sum of parts"
        );
        let arrived = stat(p, "parts.base.requests.arrived", "mean")
            + stat(p, "parts.overflow.requests.arrived", "mean");
        assert_eq!(arrived, stat(p, "requests.arrived", "mean"));
    }
    // With a huge threshold the hybrid is its base: same latencies, same cost.
    assert_eq!(stat(never, "overflow_fraction", "max"), 0.0);
    assert_eq!(never["latency_s"], ded["latency_s"]);
    assert_eq!(
        stat(never, "cost_usd", "mean"),
        stat(ded, "cost_usd", "mean")
    );
    assert_eq!(stat(never, "parts.overflow.cost_usd", "max"), 0.0);
}

/// Routes 10 simultaneous 10-second requests through a hybrid whose base has two GPUs;
/// returns how many overflowed.
fn overflowed_of_ten(when: Value, mean_service_s: Option<f64>) -> u64 {
    use servsim::engine::Simulation;
    use servsim::platform::{Hybrid, PlatformModel};
    use servsim::random::Seeds;
    use servsim::time::{SimDuration, SimTime};
    use servsim::workload::Request;
    let json = scenario(
        "1h",
        1,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1}, "service": {"dist": "constant", "value_s": 10}}),
        vec![
            json!({"name": "h", "type": "hybrid", "base": {"instances": 2, "usd_per_hour": 1},
                    "overflow": modal(), "overflow_when": when}),
        ],
    );
    let s = Scenario::from_value(&json, "routing").unwrap();
    let PlatformModel::Hybrid(cfg) = s.platforms[0].model.clone() else {
        panic!("a hybrid")
    };
    let mut sim = Simulation::new(Hybrid::new(
        cfg,
        Seeds::new(1, 0),
        None,
        servsim::metrics::Slo::default(),
        mean_service_s,
    ));
    sim.init(|m, ctx| m.start(ctx));
    let service = SimDuration::from_secs(10);
    let arrivals = (0..10).map(|i| {
        (
            SimTime(i),
            Request {
                arrival: SimTime(i),
                service,
            },
        )
    });
    sim.run_until(SimTime::from_secs_f64(3600.0), arrivals);
    let outcome = sim.into_model().finish(SimTime::from_secs_f64(3600.0));
    assert_eq!(
        outcome.base.recorder.counts.arrived + outcome.overflowed,
        10
    );
    outcome.overflowed
}

#[test]
fn hybrid_routing_follows_the_expected_wait_and_queue_length_rules() {
    // Two run at once; then the k-th waiting one expects (k + 1) × 10 s / 2 GPUs:
    // 5, 10, 15, 20, 25 s stay (25 is not above 25), the next three overflow.
    assert_eq!(
        overflowed_of_ten(json!({"queue_wait_s": 25}), Some(10.0)),
        3
    );
    assert_eq!(
        overflowed_of_ten(json!({"queue_wait_s": 24.9}), Some(10.0)),
        4
    );
    // A running mean of the demands seen so far gives the same routes here.
    assert_eq!(overflowed_of_ten(json!({"queue_wait_s": 25}), None), 3);
    // queue_length N: overflow once N are already waiting.
    assert_eq!(overflowed_of_ten(json!({"queue_length": 3}), None), 5);
    assert_eq!(overflowed_of_ten(json!({"queue_length": 0}), None), 10);
}

/// docs/semantics.md#hybrid-routing: with a trace the router uses the running mean of the demands seen so far,
/// not the file's mean (which it cannot know yet). Ten 10 s jobs a second apart, then a
/// thousand 1 ms ones, on a base of 2 GPUs: jobs 1–2 start at once; job 3 expects
/// (0 + 1) × 10 / 2 = 5 s, not above the 5 s threshold, so it queues; jobs 4–10 expect 10 s
/// and more and overflow. With the file's mean (~0.1 s) none would overflow.
#[test]
fn a_hybrid_on_a_trace_routes_by_the_running_mean_of_demands() {
    let dir = tempfile::tempdir().unwrap();
    let mut csv = String::from("timestamp_s,service_s\n");
    for i in 0..10 {
        csv.push_str(&format!("{i},10\n"));
    }
    for i in 0..1000 {
        csv.push_str(&format!("{},0.001\n", 100.0 + i as f64));
    }
    std::fs::write(dir.path().join("t.csv"), csv).unwrap();
    let workload = json!({"arrivals": {"process": "trace", "format": "csv", "path": "t.csv"}});
    let json = scenario(
        "2000s",
        1,
        workload,
        vec![hybrid("hybrid", json!({"queue_wait_s": 5}))],
    );
    let path = dir.path().join("scenario.json");
    std::fs::write(&path, serde_json::to_vec(&json).unwrap()).unwrap();
    let report = run_json(&path, &[]);
    let overflowed = stat(platform(&report, "hybrid"), "overflow_fraction", "mean") * 1010.0;
    assert!(
        (overflowed - 7.0).abs() < 0.5,
        "overflowed {overflowed} of 1010"
    );
}
