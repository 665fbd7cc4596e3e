//! Bills worked out by hand: with no cold start and busy-only billing a bill is the
//! GPU-busy seconds times the price, and one request under lifetime billing pays for its
//! cold start, its service and the scaledown window, rounded up to the granularity
//! (docs/semantics.md#billing).

use serde_json::json;

use crate::support::*;

/// With no cold start and busy-only billing without rounding, the bill is exactly the
/// GPU-busy seconds times the price.
#[test]
fn zero_cold_start_busy_only_cost_is_busy_seconds_times_price() {
    let price = 0.001097;
    let scenario = json!({
        "name": "exact", "horizon": "1d", "seeds": 3,
        "workload": {
            "arrivals": {"process": "poisson", "rate_per_s": 0.5},
            "rate_profile": {"kind": "daily_windows", "windows": [{"start_h": 0, "end_h": 20}]},
            "service": {"dist": "lognormal", "mean_s": 3, "cv": 0.5}
        },
        "platforms": [{"name": "s", "type": "serverless", "gpu_usd_per_s": price, "cpu_cores": 0, "memory_gib": 0,
                       "cold_start": {"dist": "constant", "value_s": 0},
                       "billing": {"mode": "busy_only", "granularity_s": 0}}]
    });
    let (_dir, path) = scenario_file(&scenario);
    let report = run_json(&path, &["--seeds", "1"]);
    let s = platform(&report, "s");
    assert_eq!(
        s["requests"]["in_flight_at_end"]["mean"], 0.0,
        "the last 4 h are quiet"
    );
    let completed = s["requests"]["completed"]["mean"].as_f64().unwrap();
    // Every request starts on arrival, so its latency is its service demand; the exact
    // mean latency times the count is the total busy time.
    assert_eq!(s["wait_s"]["max"], 0.0);
    let busy_s = s["latency_s"]["mean"].as_f64().unwrap() * completed;
    let cost = mean(s, "cost_usd");
    assert!(
        ((cost - busy_s * price) / cost).abs() < 1e-12,
        "cost {cost} vs busy {busy_s} s × price"
    );
    assert_close(
        mean(s, "gpu_utilization"),
        1.0,
        1e-12,
        "busy-only bills only busy time",
    );
}

/// One request in an empty system: lifetime billing is cold start + service + scaledown
/// window, to the nanosecond, and rounds up to the granularity.
#[test]
fn a_single_request_bills_cold_start_service_and_window() {
    for (granularity, billed_s) in [(1, 30.0 + 2.5 + 60.0), (60, 120.0)] {
        let scenario = json!({
            "name": "one", "horizon": "1h", "seeds": 1,
            "workload": {"arrivals": {"process": "periodic", "interval_s": 7200},
                         "service": {"dist": "constant", "value_s": 2.5}},
            "platforms": [{"name": "s", "type": "serverless", "gpu_usd_per_s": 1.0, "cpu_cores": 0, "memory_gib": 0,
                           "cold_start": {"dist": "constant", "value_s": 30}, "scaledown_window_s": 60,
                           "billing": {"mode": "lifetime", "granularity_s": granularity}}]
        });
        let (_dir, path) = scenario_file(&scenario);
        let s = platform(&run_json(&path, &[]), "s").clone();
        let billed = if granularity == 1 { 93.0 } else { billed_s };
        assert_close(
            mean(&s, "cost_usd"),
            billed,
            1e-12,
            "billed seconds at $1/s",
        );
        assert_eq!(s["cost_breakdown_usd"]["startup"]["mean"], 30.0);
        assert_eq!(s["cost_breakdown_usd"]["busy"]["mean"], 2.5);
        assert_close(
            s["latency_s"]["mean"].as_f64().unwrap(),
            32.5,
            1e-12,
            "cold start + service",
        );
        assert_eq!(s["cold_start_fraction"]["mean"], 1.0);
        assert_close(
            s["cold_start_wait_s"]["mean"].as_f64().unwrap(),
            30.0,
            1e-12,
            "cold-start wait",
        );
    }
}
