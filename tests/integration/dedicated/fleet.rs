//! Dedicated fleet keys: shapes, `queue_limit`, per-instance billing.

use serde_json::{Value, json};

use super::scenario;
use crate::support::*;
fn fleet(name: &str, extra: Value) -> Value {
    let mut p = json!({"name": name, "type": "dedicated", "usd_per_hour": 2.0});
    p.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    p
}

#[test]
fn four_slots_serve_alike_whether_instances_gpus_or_concurrent_inputs() {
    let json = scenario(
        "1d",
        2,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 3.2}, "service": {"dist": "exponential", "mean_s": 1}}),
        vec![
            fleet("4x1x1", json!({"instances": 4})),
            fleet("2x2x1", json!({"instances": 2, "gpus_per_instance": 2})),
            fleet(
                "1x2x2",
                json!({"instances": 1, "gpus_per_instance": 2, "max_inputs": 2}),
            ),
        ],
    );
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    let (a, b, c) = (
        platform(&report, "4x1x1"),
        platform(&report, "2x2x1"),
        platform(&report, "1x2x2"),
    );
    // Identical servers and one FIFO queue: the same start time for every request.
    assert_eq!(a["latency_s"], b["latency_s"]);
    assert_eq!(a["latency_s"], c["latency_s"]);
    assert!(a["wait_s"]["mean"].as_f64().unwrap() > 0.0);
    // Prices are per instance: 4, 2 and 1 instances for a day at $2/h.
    for (p, usd) in [(a, 192.0), (b, 96.0), (c, 48.0)] {
        assert!((mean(p, "cost_usd") - usd).abs() < 1e-9, "{}", p["name"]);
    }
    // GPUs count whatever their inputs: 4, 4 and 2 of them.
    assert_eq!(mean(c, "containers_mean"), 2.0);
    // A GPU is busy while at least one of its inputs runs: the same work on half the GPUs
    // keeps each busier, but less than twice as busy.
    let (ua, uc) = (mean(a, "gpu_utilization"), mean(c, "gpu_utilization"));
    assert!((ua - 0.8).abs() < 0.01, "ρ = 0.8, found {ua}");
    assert!(uc > ua && uc < 1.0, "{uc} vs {ua}");
}

#[test]
fn queue_limit_zero_loses_requests_at_the_erlang_b_rate() {
    // M/M/2/2 at a = 1: B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2.
    let json = scenario(
        "5d",
        8,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1}, "service": {"dist": "exponential", "mean_s": 1}}),
        vec![fleet("loss", json!({"instances": 2, "queue_limit": 0}))],
    );
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    let p = platform(&report, "loss");
    assert_conserved(p);
    let share = mean(&p["requests"], "rejected") / mean(&p["requests"], "arrived");
    // 8 × 432,000 arrivals: the standard error of the share is about 0.0003.
    assert!((share - 0.2).abs() < 0.002, "rejected share {share}");
    assert_eq!(p["wait_s"]["max"].as_f64(), Some(0.0));
}

#[test]
fn each_instance_span_is_rounded_up_and_held_to_the_minimum() {
    let json = scenario(
        "1.5h",
        1,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 0.1}, "service": {"dist": "constant", "value_s": 1}}),
        vec![
            fleet("hourly", json!({"instances": 2})),
            fleet(
                "per-second",
                json!({"instances": 2, "billing": {"granularity_s": 1}}),
            ),
            fleet(
                "minimum",
                json!({"instances": 2, "billing": {"granularity_s": 1, "minimum_s": "3h"}}),
            ),
        ],
    );
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    // $2/h per instance; 1.5 h billed as 2 h, 1.5 h, or the 3 h minimum, per instance.
    for (name, usd) in [("hourly", 8.0), ("per-second", 6.0), ("minimum", 12.0)] {
        let cost = mean(platform(&report, name), "cost_usd");
        assert!((cost - usd).abs() < 1e-9, "{name}: {cost}");
    }
}
