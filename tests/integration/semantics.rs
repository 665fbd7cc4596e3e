//! The rules of docs/semantics.md where two careful readers could differ, each on a tiny
//! traced scenario whose figures are worked out by hand in the test's comment: recency
//! for `mru`/`lru`, where `per_request` places a cold request, and what
//! `containers_started` counts.
//!
//! Every serverless platform here costs $1 per GPU-second with no CPU or memory, so a
//! cost reads as billed seconds.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::support::*;

/// A serverless platform at $1/s with a `cold_start_s` constant boot; `extra` keys are
/// added or override.
fn function(name: &str, cold_start_s: f64, extra: Value) -> Value {
    let mut p = json!({
        "name": name, "type": "serverless", "gpu_usd_per_s": 1.0, "cpu_cores": 0,
        "memory_gib": 0, "cold_start": {"dist": "constant", "value_s": cold_start_s}
    });
    for (k, v) in extra.as_object().expect("an object of keys") {
        p[k] = v.clone();
    }
    p
}

/// Writes the trace of `(arrival_s, service_s)` and a one-seed scenario of `platforms`
/// over `horizon_s` beside it; returns the folder guard and the scenario's path.
fn traced(
    requests: &[(f64, f64)],
    horizon_s: u64,
    platforms: Vec<Value>,
) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let rows: Vec<String> = requests.iter().map(|(t, s)| format!("{t},{s}")).collect();
    let csv = format!("timestamp_s,service_s\n{}\n", rows.join("\n"));
    std::fs::write(dir.path().join("arrivals.csv"), csv).unwrap();
    let s = json!({"name": "semantics", "horizon": horizon_s, "seeds": 1,
                   "workload": {"arrivals": {"process": "trace", "format": "csv",
                                             "path": "arrivals.csv"}},
                   "platforms": platforms});
    let path = dir.path().join("scenario.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&s).unwrap()).unwrap();
    (dir, path)
}

/// Runs the traced scenario and returns its JSON report.
fn run_traced(requests: &[(f64, f64)], horizon_s: u64, platforms: Vec<Value>) -> Value {
    let (_dir, path) = traced(requests, horizon_s, platforms);
    run_json(&path, &[])
}

/// `p[outer][key].mean`.
fn nested_mean(p: &Value, outer: &str, key: &str) -> f64 {
    p[outer][key]["mean"]
        .as_f64()
        .unwrap_or_else(|| panic!("{outer}.{key}.mean missing in {p}"))
}

const PICKS: [&str; 4] = ["newest", "oldest", "mru", "lru"];

#[test]
fn lru_keeps_a_container_that_took_an_input_with_room_left_at_its_old_recency() {
    // Two warm containers W0, W1 of two inputs each (`queue`, min 2, busy_only billing),
    // both ready at t = 0, W0 created first and so the least recently freed. Three pairs
    // of 10 s requests at 0/1, 100/101 and 200/201 s.
    // lru: request 0 takes W0 and leaves it room at its recency (0), so request 1 joins
    // it: W0 busy 0 → 11 s, and it frees at 10 and 11 s. At 100 s W1 (recency 0) is the
    // least recently freed: both of the second pair run on W1, 100 → 111 s. At 200 s W0
    // (11 s) is older than W1 (111 s): W0 again, 200 → 211 s. Busy 11 s × 3 = 33 s, the
    // busy_only bill. (Had the assignment counted as freeing, each pair would be split
    // over W0 and W1: 6 × 10 s = 60 s.)
    // newest/oldest/mru put every pair on one container (W1, W0, W1): 33 s as well.
    let requests = [
        (0.0, 10.0),
        (1.0, 10.0),
        (100.0, 10.0),
        (101.0, 10.0),
        (200.0, 10.0),
        (201.0, 10.0),
    ];
    let platforms = PICKS
        .iter()
        .map(|pick| {
            function(
                pick,
                5.0,
                json!({"min_containers": 2, "max_inputs": 2, "pick": pick,
                       "billing": {"mode": "busy_only"}}),
            )
        })
        .collect();
    let report = run_traced(&requests, 1000, platforms);
    for pick in PICKS {
        let p = platform(&report, pick);
        assert_eq!(mean(p, "cost_usd"), 33.0, "{pick}");
        assert_eq!(nested_mean(p, "cost_breakdown_usd", "busy"), 33.0, "{pick}");
        assert_eq!(p["wait_s"]["mean"], 0.0, "{pick}");
        // Two inputs on one container never push the desired count past the pool.
        assert_eq!(mean(p, "containers_started"), 0.0, "{pick}");
        assert_eq!(mean(p, "containers_busy_mean"), 33.0 / 1000.0, "{pick}");
    }
}

#[test]
fn per_request_waits_on_the_booting_container_that_ends_its_boot_first_whatever_the_pick() {
    // per_request, two inputs a container but provisioned for one (target_inputs 1),
    // 10 s boots, 1 s requests A, B, C, D at 0, 1, 2, 3 s.
    // A starts its own C1 (boots 0 → 10 s). B takes C1's second slot, and the autoscaler
    // (load 2) starts C2 (1 → 11 s). C takes a slot of C2; the autoscaler starts C3
    // (2 → 12 s). D finds no ready container and free slots on C2 (boot ends 11 s) and C3
    // (12 s): it joins C2, whatever the pick (by start order `newest` and `mru` would
    // choose C3). The autoscaler starts C4 (3 → 13 s).
    // Waits: A 10, B 9, C 9, D 8 s: mean 9 s (9.25 s had D joined C3), and the same
    // cold-start waits. Every arrival started a container: cold fraction 1.
    // Bills (60 s window, nothing after 13 s): C1 0 → 71 s (busy 10 → 11), C2 1 → 72 s
    // (busy 11 → 12), C3 2 → 72 s and C4 3 → 73 s idle after booting: 71 + 71 + 70 + 70
    // = 282 s.
    let requests = [(0.0, 1.0), (1.0, 1.0), (2.0, 1.0), (3.0, 1.0)];
    let platforms = PICKS
        .iter()
        .map(|pick| {
            function(
                pick,
                10.0,
                json!({"dispatch": "per_request", "max_inputs": 2, "target_inputs": 1,
                       "pick": pick}),
            )
        })
        .collect();
    let report = run_traced(&requests, 1000, platforms);
    for pick in PICKS {
        let p = platform(&report, pick);
        assert_eq!(p["wait_s"]["mean"], 9.0, "{pick}");
        assert_eq!(p["cold_start_wait_s"]["mean"], 9.0, "{pick}");
        assert_eq!(p["latency_s"]["mean"], 10.0, "{pick}");
        assert_eq!(mean(p, "cold_start_fraction"), 1.0, "{pick}");
        assert_eq!(mean(p, "containers_started"), 4.0, "{pick}");
        assert_eq!(mean(p, "cost_usd"), 282.0, "{pick}");
    }
}

#[test]
fn per_request_breaks_a_tie_of_boot_ends_for_the_container_started_first() {
    // As above, but A, B, C, D all arrive at t = 0: C1 (A, B), C2 (C) and C3 start at 0
    // and boot until 10 s, C4 starts when D is placed. D finds free slots on C2 and C3,
    // whose boots end together; it joins C2, started first. C1 and C2 each run two
    // inputs 10 → 11 s and stop at 71 s; C3 and C4 never serve and stop at 70 s:
    // 71 + 71 + 70 + 70 = 282 s. (Had D joined C3, C3 would run 10 → 11 s too: 283 s.)
    // Every request waits the full 10 s boot.
    let requests = [(0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 1.0)];
    let platforms = PICKS
        .iter()
        .map(|pick| {
            function(
                pick,
                10.0,
                json!({"dispatch": "per_request", "max_inputs": 2, "target_inputs": 1,
                       "pick": pick}),
            )
        })
        .collect();
    let report = run_traced(&requests, 1000, platforms);
    for pick in PICKS {
        let p = platform(&report, pick);
        assert_eq!(p["wait_s"]["mean"], 10.0, "{pick}");
        assert_eq!(mean(p, "containers_started"), 4.0, "{pick}");
        assert_eq!(nested_mean(p, "cost_breakdown_usd", "busy"), 2.0, "{pick}");
        assert_eq!(mean(p, "cost_usd"), 282.0, "{pick}");
    }
}

#[test]
fn per_request_takes_a_free_ready_slot_before_a_newer_booting_one() {
    // per_request, `newest`, one warm container W (min 1) of two inputs, provisioned for
    // one, 10 s boots. A (0 s, 5 s) and B (1 s, 5 s) run on W; at B the load is 2, so the
    // autoscaler starts C1 (1 → 11 s, newer than W, two free slots). W frees at 5 and
    // 6 s. C (7 s, 1 s) finds a free slot on ready W and one on booting C1: it runs on W
    // at once (on C1 it would wait 4 s). No wait anywhere; no arrival found every ready
    // slot taken: cold fraction 0; one container started.
    // Bills: W idles from 8 s and stops at 68 s (2 live > max(min 1, desired 0)); C1
    // idles from its boot end and stays, the pool's last container, to the horizon:
    // 68 + 999 = 1067 s.
    let requests = [(0.0, 5.0), (1.0, 5.0), (7.0, 1.0)];
    let p = function(
        "fn",
        10.0,
        json!({"dispatch": "per_request", "min_containers": 1, "max_inputs": 2,
               "target_inputs": 1, "pick": "newest"}),
    );
    let report = run_traced(&requests, 1000, vec![p]);
    let p = platform(&report, "fn");
    assert_eq!(p["wait_s"]["mean"], 0.0);
    assert!(
        p["cold_start_wait_s"]["mean"].is_null(),
        "no request waited for a boot"
    );
    assert_eq!(mean(p, "cold_start_fraction"), 0.0);
    assert_eq!(mean(p, "containers_started"), 1.0);
    assert_eq!(mean(p, "cost_usd"), 1067.0);
}

#[test]
fn containers_started_leaves_out_the_warm_pool_and_counts_what_load_starts_at_t0() {
    // queue, min 2, buffer 1, one input a container, 10 s boots, 10 s requests at 0 and
    // 1 s. The two warm containers exist before anything happens: not counted. A (0 s)
    // takes one: desired = 1 + buffer 1 = 2, the pool. B (1 s) takes the other: desired
    // 2 + 1 = 3, so one container C starts (1 → 11 s): started = 1, max 3 live.
    // Bills: A's container idles from 10 s and stops at 70 s (3 live > max(min 2, 2));
    // B's (idle from 11 s) and C (from 11 s) are the last two, kept to the horizon:
    // 70 + 1000 + 999 = 2069 s.
    let requests = [(0.0, 10.0), (1.0, 10.0)];
    let p = function(
        "fn",
        10.0,
        json!({"min_containers": 2, "buffer_containers": 1}),
    );
    let report = run_traced(&requests, 1000, vec![p]);
    let p = platform(&report, "fn");
    assert_eq!(mean(p, "containers_started"), 1.0);
    assert_eq!(mean(p, "containers_max"), 3.0);
    assert_eq!(mean(p, "cold_start_fraction"), 0.0);
    assert_eq!(mean(p, "cost_usd"), 2069.0);
}

#[test]
fn containers_started_leaves_out_the_initial_dedicated_fleet_and_counts_its_gpus() {
    // Three on-demand VMs of two GPUs serve from t = 0 and are never replaced: nothing
    // started, and every container figure counts GPUs: 6 live throughout.
    let fleet = json!({"name": "vms", "type": "dedicated", "instances": 3,
                       "gpus_per_instance": 2, "usd_per_hour": 3.6});
    let report = run_traced(&[(0.0, 1.0), (5.0, 1.0)], 3600, vec![fleet]);
    let p = platform(&report, "vms");
    assert_eq!(mean(p, "containers_started"), 0.0);
    assert_eq!(mean(p, "containers_max"), 6.0);
    assert_eq!(mean(p, "containers_mean"), 6.0);
    // One billed hour each (hourly granularity).
    assert!(
        (mean(p, "cost_usd") - 10.8).abs() < 1e-9,
        "{}",
        mean(p, "cost_usd")
    );
}

#[test]
fn containers_started_counts_the_gpus_of_every_spot_replacement_and_fallback() {
    // Two spot VMs of four GPUs, interrupted about once an hour each over a day: each
    // interruption launches one replacement VM (`wait`), or a replacement and an
    // on-demand fallback (`on_demand`), and nothing else starts. So on every seed
    // containers_started = 4 × interruptions, or 8 ×: the Stat's mean, min and max obey
    // the same factor (both are linear in the per-seed values).
    let spot = |fallback: Value| {
        let mut s = json!({"usd_per_hour": 1.2, "interruptions_per_hour": 1.0,
                           "replacement_delay": {"dist": "constant", "value_s": 120},
                           "model_load": {"dist": "constant", "value_s": 30}});
        for (k, v) in fallback.as_object().unwrap() {
            s[k] = v.clone();
        }
        s
    };
    let vm = |name: &str, spot: Value| {
        json!({"name": name, "type": "dedicated", "instances": 2, "gpus_per_instance": 4,
               "usd_per_hour": 4.0, "spot": spot})
    };
    let platforms = vec![
        vm("wait", spot(json!({}))),
        vm(
            "on_demand",
            spot(json!({"fallback": "on_demand",
                        "fallback_delay": {"dist": "constant", "value_s": 60}})),
        ),
    ];
    let dir = tempfile::tempdir().unwrap();
    let s = json!({"name": "spot-starts", "horizon": "1d", "seeds": 4,
                   "workload": {"arrivals": {"process": "poisson", "rate_per_s": 2},
                                "service": {"dist": "exponential", "mean_s": 0.5}},
                   "platforms": platforms});
    let path = dir.path().join("scenario.json");
    std::fs::write(&path, serde_json::to_vec(&s).unwrap()).unwrap();
    let report = run_json(&path, &[]);
    for (name, vms_per_interruption) in [("wait", 1.0), ("on_demand", 2.0)] {
        let p = platform(&report, name);
        let interruptions = &p["spot"]["interruptions"];
        assert!(interruptions["min"].as_f64().unwrap() > 0.0, "{name}");
        for field in ["mean", "min", "max"] {
            assert_eq!(
                p["containers_started"][field].as_f64().unwrap(),
                4.0 * vms_per_interruption * interruptions[field].as_f64().unwrap(),
                "{name} {field}"
            );
        }
    }
}
