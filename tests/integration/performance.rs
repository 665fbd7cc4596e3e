//! Issue 7 (performance): the bench scenarios are what the README says they are, and the
//! scaledown machinery behind the one-timer fleet keeps SPEC §10.7 to the nanosecond.

use serde_json::{Value, json};

use crate::support::*;

fn bench_data(name: &str) -> std::path::PathBuf {
    project_dir().join("benches/data").join(name)
}

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_bench_scenario_is_valid() {
    for entry in std::fs::read_dir(project_dir().join("benches/data")).unwrap() {
        let path = entry.unwrap().path();
        servsim().arg("validate").arg(&path).assert().success();
    }
}

#[test]
fn the_cold_start_storm_is_the_one_the_issue_names_and_the_handfuls_share_its_arrivals() {
    let storm = read(&bench_data("cold-start-storm-1m.json"));
    let handful = read(&bench_data("warm-handful-1m.json"));
    let concurrent = read(&bench_data("concurrent-handful-1m.json"));
    // Poisson 10,000 req/s for 100 s: 1M requests; 0.5 s service; 5 s cold start; 60 s.
    assert_eq!(
        storm["workload"]["arrivals"],
        json!({"process": "poisson", "rate_per_s": 10000})
    );
    assert_eq!(storm["horizon"], "100s");
    assert_eq!(storm["workload"]["service"]["mean_s"], 0.5);
    let p = &storm["platforms"][0];
    assert_eq!(p["cold_start"], json!({"dist": "constant", "value_s": 5}));
    assert_eq!(p["scaledown_window_s"], 60);
    assert_eq!(
        handful["workload"]["arrivals"],
        storm["workload"]["arrivals"]
    );
    assert_eq!(handful["horizon"], storm["horizon"]);
    // The concurrent handful carries the very same requests (arrivals and demands).
    assert_eq!(concurrent["workload"], storm["workload"]);
    assert_eq!(concurrent["horizon"], storm["horizon"]);

    let storm = run_json(&bench_data("cold-start-storm-1m.json"), &["--threads", "1"]);
    let handful = run_json(&bench_data("warm-handful-1m.json"), &["--threads", "1"]);
    let concurrent = run_json(
        &bench_data("concurrent-handful-1m.json"),
        &["--threads", "1"],
    );
    for report in [&storm, &handful, &concurrent] {
        let p = platform(report, "serverless");
        assert_conserved(p);
        let arrived = p["requests"]["arrived"]["mean"].as_f64().unwrap();
        // 10^6 expected, sd 1,000.
        assert!((arrived - 1e6).abs() < 5_000.0, "{arrived}");
    }
    let (s, h) = (
        platform(&storm, "serverless"),
        platform(&handful, "serverless"),
    );
    assert!(
        mean(s, "containers_max") > 40_000.0,
        "tens of thousands of containers"
    );
    assert!(mean(h, "containers_max") <= 64.0, "a handful of containers");
    // Eight containers, never more, carrying the storm's very arrivals.
    let c = platform(&concurrent, "serverless");
    assert_eq!(mean(c, "containers_max"), 8.0);
    assert_eq!(mean(c, "containers_started"), 0.0);
    assert_eq!(c["requests"]["arrived"], s["requests"]["arrived"]);
}

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
