//! Scaledown to the nanosecond (docs/semantics.md#scaledown): an input that arrives within
//! the window restarts it from the container's last idle moment, and a scaledown refused
//! at the floor waits another window.

use serde_json::{Value, json};

use crate::support::*;

/// One serverless platform at $1/s (GPU only) with a 10 s cold start and a 60 s window,
/// fed by a trace of (arrival, service) seconds, over 200 s.
fn traced(requests: &[(f64, f64)], extra: Value) -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("trace.csv");
    let rows: Vec<String> = requests.iter().map(|(t, s)| format!("{t},{s}")).collect();
    std::fs::write(
        &trace,
        format!("timestamp_s,service_s\n{}\n", rows.join("\n")),
    )
    .unwrap();
    let mut p = json!({"name": "fn", "type": "serverless", "gpu_usd_per_s": 1,
                       "cpu_cores": 0, "memory_gib": 0,
                       "cold_start": {"dist": "constant", "value_s": 10},
                       "scaledown_window_s": 60});
    for (k, v) in extra.as_object().unwrap() {
        p[k] = v.clone();
    }
    let s = json!({"name": "scaledown", "horizon": 200, "seeds": 1,
                   "workload": {"arrivals": {"process": "trace", "format": "csv",
                                             "path": trace}},
                   "platforms": [p]});
    let path = dir.path().join("scenario.json");
    std::fs::write(&path, serde_json::to_vec(&s).unwrap()).unwrap();
    let report = run_json(&path, &[]);
    (dir, platform(&report, "fn").clone())
}

#[test]
fn going_busy_within_the_window_restarts_it_from_the_last_idle_moment() {
    // Boot 0-10 s, busy 10-11, idle 11-50, busy 50-51, idle from 51: the window that
    // would have ended at 71 s ends at 111 s, when the container stops.
    let (_dir, p) = traced(&[(0.0, 1.0), (50.0, 1.0)], json!({}));
    assert_eq!(mean(&p, "cost_usd"), 111.0);
    assert_eq!(mean(&p, "containers_started"), 1.0);
    assert_eq!(mean(&p, "containers_mean"), 111.0 / 200.0);
}

#[test]
fn a_refused_scaledown_waits_another_window_and_the_pool_keeps_its_floor() {
    // A warm container (from 0) takes the first request (0-1 s); the second queues and
    // starts a container (boot 0-10), but the warm one frees first and takes it (1-2 s).
    // The warm one idles from 2 s and stops at 62 s (two live, floor one); the other,
    // idle from 10 s, is refused at 70 s (it is the last one) and lives to the horizon.
    let (_dir, p) = traced(&[(0.0, 1.0), (0.0, 1.0)], json!({"min_containers": 1}));
    assert_eq!(mean(&p, "cost_usd"), 62.0 + 200.0);
    assert_eq!(mean(&p, "containers_mean"), 262.0 / 200.0);
    assert_eq!(mean(&p, "containers_idle_mean"), (60.0 + 190.0) / 200.0);
    assert_eq!(p["wait_s"]["mean"], 0.5);
}
