//! Hand-made scenarios whose every figure is known exactly (integer nanoseconds, $1/s).

use serde_json::{Value, json};

use super::{arrivals_at_start, nested, scenario, serverless};
use crate::support::*;

/// Runs one scenario and returns the summary of each platform by name.
fn run(s: &Value) -> Value {
    let (_dir, path) = scenario_file(s);
    run_json(&path, &[])
}

fn one_request(service_s: f64) -> Value {
    json!({"arrivals": {"process": "periodic", "interval_s": 7200},
           "service": {"dist": "constant", "value_s": service_s}})
}

#[test]
fn queue_dispatch_lets_a_request_queued_during_a_boot_take_the_slot_that_frees_first() {
    // A warm container serves A (t = 0, 10 s); B (t = 1) finds it busy and starts a
    // container that needs 100 s to boot.
    let common = json!({"min_containers": 1, "cold_start": {"dist": "constant", "value_s": 100}});
    let mut per_request = common.clone();
    per_request["dispatch"] = json!("per_request");
    let s = scenario(
        json!(1000),
        1,
        arrivals_at_start(2, 1.0, 10.0),
        vec![
            serverless("queue", common),
            serverless("per_request", per_request),
        ],
    );
    let report = run(&s);
    let q = platform(&report, "queue");
    // Under `queue` the warm container frees at 10 s and takes B: latency 19 s.
    assert_eq!(q["latency_s"]["mean"], 14.5);
    assert_eq!(q["wait_s"]["mean"], 4.5);
    assert!(
        q["cold_start_wait_s"]["mean"].is_null(),
        "B never waited for a boot"
    );
    // The warm container idles out at 80 s: the booting one keeps the pool at
    // min_containers (docs/semantics.md#scaledown), and stays to the horizon.
    assert_eq!(mean(q, "cost_usd"), 80.0 + 999.0);
    let p = platform(&report, "per_request");
    // Under `per_request` B waits for its own container: 100 s boot + 10 s.
    assert_eq!(p["latency_s"]["mean"], 60.0);
    assert_eq!(p["cold_start_wait_s"]["mean"], 100.0);
    assert_eq!(mean(p, "cost_usd"), 70.0 + 999.0);
    for x in [q, p] {
        assert_eq!(mean(x, "cold_start_fraction"), 0.5);
        assert_eq!(mean(x, "containers_started"), 1.0);
        assert_eq!(mean(x, "containers_max"), 2.0);
    }
}

#[test]
fn per_request_with_a_tiny_rate_and_a_short_window_makes_every_arrival_cold() {
    let workload = json!({"arrivals": {"process": "periodic", "interval_s": 100},
                          "service": {"dist": "constant", "value_s": 1}});
    let pr = |window: f64| {
        json!({"dispatch": "per_request", "scaledown_window_s": window,
               "cold_start": {"dist": "constant", "value_s": 1}})
    };
    let s = scenario(
        json!("1d"),
        1,
        workload,
        vec![serverless("short", pr(2.0)), serverless("long", pr(100.0))],
    );
    let report = run(&s);
    let short = platform(&report, "short");
    assert_eq!(nested(short, "requests", "arrived"), 864.0);
    assert_eq!(mean(short, "cold_start_fraction"), 1.0);
    assert_eq!(mean(short, "containers_started"), 864.0);
    // 2 s of life for each: 1 s boot + 1 s service, then 2 s idle.
    assert_eq!(mean(short, "cost_usd"), 864.0 * 4.0);
    let long = platform(&report, "long");
    assert!((mean(long, "cold_start_fraction") * 864.0 - 1.0).abs() < 1e-12);
    assert_eq!(mean(long, "containers_started"), 1.0);
}

#[test]
fn schedule_delay_is_waited_for_but_not_billed_and_every_billing_mode_is_exact() {
    let base = json!({"schedule_delay": {"dist": "constant", "value_s": 7},
                      "cold_start": {"phases": [{"dist": "constant", "value_s": 10},
                                                {"dist": "constant", "value_s": 2.5}]}});
    let with = |extra: Value| {
        let mut p = base.clone();
        for (k, v) in extra.as_object().unwrap() {
            p[k] = v.clone();
        }
        p
    };
    // (platform, expected billed $, startup, busy, idle): rounding lands in idle.
    let cases: Vec<(Value, f64, f64, f64, f64)> = vec![
        (with(json!({})), 76.0, 12.5, 3.5, 60.0),
        (
            with(json!({"dispatch": "per_request"})),
            76.0,
            12.5,
            3.5,
            60.0,
        ),
        (
            with(json!({"billing": {"granularity_s": 60}})),
            120.0,
            12.5,
            3.5,
            104.0,
        ),
        (
            with(json!({"billing": {"mode": "after_startup"}})),
            64.0,
            0.0,
            3.5,
            60.5,
        ),
        (
            with(json!({"billing": {"mode": "busy_only"}})),
            4.0,
            0.0,
            3.5,
            0.5,
        ),
        (
            with(json!({"billing": {"mode": "busy_only", "minimum_s": 60}})),
            60.0,
            0.0,
            3.5,
            56.5,
        ),
        (
            with(json!({"price_multiplier": 1.5})),
            114.0,
            18.75,
            5.25,
            90.0,
        ),
    ];
    let platforms = cases
        .iter()
        .enumerate()
        .map(|(i, c)| serverless(&format!("p{i}"), c.0.clone()))
        .collect();
    let report = run(&scenario(json!("1h"), 1, one_request(3.5), platforms));
    for (i, (_, total, startup, busy, idle)) in cases.iter().enumerate() {
        let p = platform(&report, &format!("p{i}"));
        let b = |k: &str| p["cost_breakdown_usd"][k]["mean"].as_f64().unwrap();
        assert_eq!(mean(p, "cost_usd"), *total, "p{i} total");
        assert_eq!(
            (b("startup"), b("busy"), b("idle")),
            (*startup, *busy, *idle),
            "p{i}"
        );
        assert_eq!(b("startup") + b("busy") + b("idle"), *total, "p{i} sums");
        assert_eq!(p["latency_s"]["mean"], 7.0 + 12.5 + 3.5, "p{i} latency");
        // The schedule delay counts as starting: it is part of the cold-start wait.
        assert_eq!(p["cold_start_wait_s"]["mean"], 19.5, "p{i} cold-start wait");
    }
}

#[test]
fn buffer_containers_start_with_load_and_idle_out_after_it() {
    let p = serverless(
        "s",
        json!({"buffer_containers": 2, "cold_start": {"dist": "constant", "value_s": 10}}),
    );
    let report = run(&scenario(json!("1h"), 1, one_request(5.0), vec![p]));
    let s = platform(&report, "s");
    assert_eq!(mean(s, "containers_started"), 3.0);
    assert_eq!(mean(s, "containers_max"), 3.0);
    // The request's container lives 10 + 5 + 60 s; the two buffers boot and idle 60 s.
    assert_eq!(mean(s, "cost_usd"), 75.0 + 70.0 + 70.0);
    assert_eq!(s["latency_s"]["mean"], 15.0);
}

#[test]
fn target_inputs_sets_how_many_containers_a_backlog_starts() {
    // Four requests within 3 ms, 10 s cold start, up to 4 inputs per container.
    let p = |name: &str, target: u32| {
        serverless(
            name,
            json!({"max_inputs": 4, "target_inputs": target,
                   "cold_start": {"dist": "constant", "value_s": 10}}),
        )
    };
    let s = scenario(
        json!("1h"),
        1,
        arrivals_at_start(4, 0.001, 1.0),
        vec![p("target2", 2), p("target4", 4)],
    );
    let report = run(&s);
    let two = platform(&report, "target2");
    let four = platform(&report, "target4");
    assert_eq!(nested(two, "requests", "completed"), 4.0);
    assert_eq!(mean(two, "containers_started"), 2.0);
    assert_eq!(mean(four, "containers_started"), 1.0);
    // Whichever boots first takes all four (max_inputs): the other only idles.
    assert_eq!(two["latency_s"]["max"], four["latency_s"]["max"]);
    assert_eq!(mean(two, "cost_usd"), 71.0 + 70.0);
}

#[test]
fn execution_timeout_fails_the_input_and_frees_the_slot() {
    let workload = json!({"arrivals": {"process": "periodic", "interval_s": 10},
                          "service": {"dist": "constant", "value_s": 30}});
    let p = serverless(
        "s",
        json!({"min_containers": 1, "max_containers": 1, "execution_timeout_s": 4}),
    );
    let report = run(&scenario(json!(100), 1, workload, vec![p]));
    let s = platform(&report, "s");
    assert_eq!(nested(s, "requests", "failed"), 10.0);
    assert_eq!(nested(s, "requests", "completed"), 0.0);
    assert_eq!(nested(s, "requests", "in_flight_at_end"), 0.0);
    // Each failed execution ran (and is billed as busy) for the 4 s limit.
    assert_eq!(s["cost_breakdown_usd"]["busy"]["mean"], 40.0);
    assert_conserved(s);
}

#[test]
fn a_request_waiting_for_a_booting_container_gives_up_at_its_timeout() {
    let workload = json!({"arrivals": {"process": "periodic", "interval_s": 1000},
                          "service": {"dist": "constant", "value_s": 1}, "timeout_s": 5});
    let cold = json!({"dist": "constant", "value_s": 100});
    let s = scenario(
        json!("1d"),
        1,
        workload,
        vec![
            serverless("queue", json!({"cold_start": cold})),
            serverless(
                "per_request",
                json!({"cold_start": cold, "dispatch": "per_request"}),
            ),
        ],
    );
    let report = run(&s);
    for name in ["queue", "per_request"] {
        let p = platform(&report, name);
        assert_eq!(nested(p, "requests", "arrived"), 87.0, "{name}");
        assert_eq!(nested(p, "requests", "timed_out"), 87.0, "{name}");
        // Each container still boots (billed) and idles out: 100 + 60 s.
        assert_eq!(mean(p, "cost_usd"), 87.0 * 160.0, "{name}");
        assert_eq!(mean(p, "cold_start_fraction"), 1.0, "{name}");
    }
}

#[test]
fn queue_limit_zero_rejects_what_finds_every_slot_busy() {
    let fixed = json!({"min_containers": 1, "max_containers": 1, "queue_limit": 0});
    let mut per_request = fixed.clone();
    per_request["dispatch"] = json!("per_request");
    let s = scenario(
        json!(100),
        1,
        arrivals_at_start(3, 1.0, 10.0),
        vec![
            serverless("queue", fixed),
            serverless("per_request", per_request),
        ],
    );
    let report = run(&s);
    for name in ["queue", "per_request"] {
        let p = platform(&report, name);
        assert_eq!(nested(p, "requests", "completed"), 1.0, "{name}");
        assert_eq!(nested(p, "requests", "rejected"), 2.0, "{name}");
        assert_eq!(mean(p, "cold_start_fraction"), 0.0, "{name}");
    }
}

#[test]
fn per_request_joins_a_booting_container_that_has_a_free_slot() {
    // Two requests 1 s apart, two inputs per container, 100 s boot.
    let p = serverless(
        "s",
        json!({"dispatch": "per_request", "max_inputs": 2,
               "cold_start": {"dist": "constant", "value_s": 100}}),
    );
    let report = run(&scenario(
        json!(1000),
        1,
        arrivals_at_start(2, 1.0, 10.0),
        vec![p],
    ));
    let s = platform(&report, "s");
    assert_eq!(mean(s, "containers_started"), 1.0);
    assert_eq!(
        mean(s, "cold_start_fraction"),
        0.5,
        "only the first started one"
    );
    // Both run from the boot's end: latencies 110 and 109 s, cold-start waits 100 and 99.
    assert_eq!(s["latency_s"]["mean"], 109.5);
    assert_eq!(s["cold_start_wait_s"]["mean"], 99.5);
    assert_eq!(mean(s, "cost_usd"), 100.0 + 10.0 + 60.0);
}

/// docs/semantics.md#metrics under per_request: an arrival that takes a free slot on a container that is
/// still booting found no free *ready* slot; when its arrival also makes the autoscaler
/// start a container (here the buffer), it is a cold start.
#[test]
fn per_request_counts_an_arrival_onto_a_booting_slot_that_starts_a_container_as_cold() {
    let extra = json!({"dispatch": "per_request", "buffer_containers": 1,
                       "cold_start": {"dist": "constant", "value_s": 10}});
    let s = scenario(
        json!(100),
        1,
        arrivals_at_start(2, 1.0, 1.0),
        vec![serverless("pr", extra)],
    );
    let report = run(&s);
    let p = platform(&report, "pr");
    // A (t = 0) starts its own container and the buffer one; B (t = 1) takes the booting
    // buffer container's slot, and the autoscaler starts a new buffer container.
    assert_eq!(p["cold_start_fraction"]["mean"], 1.0, "{p}");
    assert_eq!(p["containers_started"]["mean"], 3.0);
    assert_eq!(p["wait_s"]["mean"], 9.5);
}
