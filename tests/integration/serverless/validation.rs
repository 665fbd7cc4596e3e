//! Every serverless key is checked where it stands: exit 2, file, JSON path, expected
//! and found, all errors at once; and the shipped `realtime-slo` scenario tells its story.

use serde_json::json;

use super::serverless;
use crate::support::*;

#[test]
fn every_bad_serverless_key_is_reported_with_its_path() {
    let bad = serverless(
        "a",
        json!({
            "dispatch": "round_robin", "pick": "random", "preemptions_per_hour": -1,
            "schedule_delay": {"dist": "constant"}, "queue_limit": -1,
            "execution_timeout_s": 0, "buffer_containers": 1.5, "price_multiplier": 0,
            "cold_start": {"phases": []}, "billing": {"mode": "forever", "minimum_s": "soon"},
            "min_containers": 20_000_000, "max_containers": 30_000_000, "scaledown_window_s": -3,
            "keep_warm": 1
        }),
    );
    let contradictory = serverless(
        "b",
        json!({"min_containers": 3, "max_containers": 2, "max_inputs": 2, "target_inputs": 4}),
    );
    let text = json!({
        "name": "bad", "horizon": "1h",
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": 1},
                     "service": {"dist": "constant", "value_s": 1}},
        "platforms": [bad, contradictory]
    });
    let (_dir, path) = scenario_file(&text);
    let expected = [
        "platforms[0].dispatch: expected one of \"queue\", \"per_request\", found \"round_robin\"",
        "platforms[0].pick: expected one of \"newest\", \"oldest\", \"mru\", \"lru\", found \"random\"",
        "platforms[0].preemptions_per_hour: expected a number in [0, 3600], found -1",
        "platforms[0].schedule_delay.value_s: missing required key",
        "platforms[0].queue_limit: expected a whole number ≥ 0, found -1",
        "platforms[0].execution_timeout_s: expected a duration that is a number > 0, found 0",
        "platforms[0].buffer_containers: expected a whole number in [0, 4294967295], found 1.5",
        "platforms[0].price_multiplier: expected a number > 0, found 0",
        "platforms[0].cold_start.phases: expected a non-empty array, found an array of 0 items",
        "platforms[0].billing.mode: expected one of \"lifetime\", \"after_startup\", \"busy_only\", found \"forever\"",
        "platforms[0].billing.minimum_s: expected seconds (a number) or a duration",
        "platforms[0].min_containers: expected at most 1048576 warm containers, found 20000000",
        "platforms[0].scaledown_window_s: expected a duration that is a number > 0, found -3",
        "platforms[0].keep_warm: unknown key; expected one of:",
        "platforms[1].min_containers: expected min_containers ≤ max_containers (2), found 3",
        "platforms[1].target_inputs: expected target_inputs ≤ max_inputs (2), found 4",
    ];
    assert_rejected(&path, &expected.map(|e| format!("{}: {e}", path.display())));
}

#[test]
fn realtime_slo_shows_that_sparse_traffic_needs_a_warm_pool() {
    let path = project_dir().join("scenarios/realtime-slo.json");
    let report = run_json(&path, &["--seeds", "4"]);
    let slo_s = 0.2;
    let p99 = |name: &str| {
        platform(&report, name)["latency_s"]["p99"]
            .as_f64()
            .unwrap()
    };
    for cold in ["modal-scale-to-zero", "modal-max-window"] {
        assert!(p99(cold) > 10.0 * slo_s, "{cold}: p99 {}", p99(cold));
        assert!(mean(platform(&report, cold), "cold_start_fraction") > 0.01);
    }
    for warm in ["modal-warm-1", "spheron-on-demand"] {
        assert!(p99(warm) <= slo_s, "{warm}: p99 {}", p99(warm));
        assert!(mean(platform(&report, warm), "slo_attainment") > 0.998);
    }
    let cost = |name: &str| mean(platform(&report, name), "cost_usd_per_month");
    // The warm pool pays for an always-on GPU: more than the dedicated VM.
    assert!(cost("modal-warm-1") > cost("spheron-on-demand"));
    assert!(cost("modal-scale-to-zero") < cost("modal-warm-1"));
}

#[test]
fn per_request_preemption_and_schedule_delays_are_byte_identical_for_any_thread_count() {
    let workload = json!({"arrivals": {"process": "poisson", "rate_per_s": 3},
                          "service": {"dist": "lognormal", "mean_s": 0.5, "cv": 1}});
    let p = serverless(
        "s",
        json!({"dispatch": "per_request", "pick": "lru", "max_inputs": 2, "preemptions_per_hour": 20,
               "schedule_delay": {"dist": "exponential", "mean_s": 1},
               "cold_start": {"dist": "lognormal", "mean_s": 8, "cv": 0.5}}),
    );
    let text = super::scenario(json!("2h"), 6, workload, vec![p]);
    let (_dir, path) = scenario_file(&text);
    let run = |threads: &str| {
        let out = servsim()
            .arg("run")
            .arg(&path)
            .args(["--format", "json", "--threads", threads])
            .output()
            .unwrap();
        assert!(out.status.success());
        out.stdout
    };
    let one = run("1");
    assert_eq!(one, run("3"));
    let report: serde_json::Value = serde_json::from_slice(&one).unwrap();
    let s = platform(&report, "s");
    assert!(mean(s, "preemptions") > 0.0 && mean(s, "restarts") > 0.0);
    assert_conserved(s);
}
