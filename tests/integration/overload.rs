//! Overload and degenerate inputs (docs/semantics.md#bad-input): a platform that cannot keep up is marked
//! `unstable` with a warning, its queue stops at the overload guard instead of eating the
//! machine, and work expected to take hours asks for `--force` before anything runs.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::support::*;

fn scenario(arrivals: Value, service_s: f64, horizon: &str, platforms: Value) -> Value {
    json!({
        "name": "overload", "horizon": horizon, "seeds": 2,
        "workload": {"arrivals": arrivals, "service": {"dist": "constant", "value_s": service_s}},
        "platforms": platforms
    })
}

/// `scenario(…)` written to a temporary file: its folder guard and path.
fn scenario_at(
    arrivals: Value,
    service_s: f64,
    horizon: &str,
    platforms: Value,
) -> (tempfile::TempDir, PathBuf) {
    scenario_file(&scenario(arrivals, service_s, horizon, platforms))
}

fn dedicated(name: &str, gpus: u32) -> Value {
    json!({"name": name, "type": "dedicated", "usd_per_hour": 1, "instances": gpus})
}

#[test]
fn a_fleet_below_its_offered_load_is_unstable_with_a_warning() {
    let (_dir, path) = scenario_at(
        json!({"process": "poisson", "rate_per_s": 3}),
        1.0,
        "1h",
        json!([dedicated("two", 2), dedicated("four", 4)]),
    );
    let out = output_of("run", &path, &["--format", "json"]);
    assert!(out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(platform(&report, "two")["unstable"], true);
    assert_eq!(platform(&report, "four")["unstable"], false);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: platform two is unstable: offered load 3.0000 concurrent requests (arrival rate × mean service) ≥ capacity 2 input slots, with an unlimited queue"),
        "{stderr}"
    );
    assert!(!stderr.contains("platform four"), "{stderr}");
    let quiet = output_of("run", &path, &["--quiet"]);
    assert!(
        quiet.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&quiet.stderr)
    );
    let table = String::from_utf8_lossy(&quiet.stdout);
    let row = table
        .lines()
        .find(|l| l.contains("unstable"))
        .expect("an unstable row");
    assert!(row.contains("yes") && row.contains('—'), "{row}");
}

#[test]
fn a_queue_limit_or_a_timeout_keeps_an_overloaded_platform_stable() {
    let mut limited = dedicated("limited", 1);
    limited["queue_limit"] = json!(10);
    let (_dir, path) = scenario_at(
        json!({"process": "poisson", "rate_per_s": 3}),
        1.0,
        "1h",
        json!([limited]),
    );
    let report = run_json(&path, &[]);
    assert_eq!(platform(&report, "limited")["unstable"], false);
    assert!(mean(&platform(&report, "limited")["requests"], "rejected") > 0.0);
    let mut doc = scenario(
        json!({"process": "poisson", "rate_per_s": 3}),
        1.0,
        "1h",
        json!([dedicated("timeout", 1)]),
    );
    doc["workload"]["timeout_s"] = json!(30);
    let (_dir, path) = scenario_file(&doc);
    let report = run_json(&path, &[]);
    assert_eq!(platform(&report, "timeout")["unstable"], false);
    assert!(mean(&platform(&report, "timeout")["requests"], "timed_out") > 0.0);
}

#[test]
fn the_overload_guard_bounds_the_queue_of_a_burst_the_mean_load_hides() {
    // 5 M jobs at t = 0 once a day on one GPU: a mean load of 0.06, so the estimate says
    // stable, but the queue passes the guard: 1 runs, 2^22 wait, the rest are rejected.
    let (_dir, path) = scenario_at(
        json!({"process": "bursts", "every_s": "1d", "count": 5_000_000}),
        0.001,
        "2s",
        json!([dedicated("one", 1)]),
    );
    let out = output_of("run", &path, &["--format", "json", "--seeds", "1"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = platform(&report, "one");
    assert_eq!(p["unstable"], true);
    assert_conserved(p);
    let guard = 1u64 << 22;
    assert_eq!(
        mean(&p["requests"], "rejected"),
        (5_000_000 - 1 - guard) as f64
    );
    assert_eq!(mean(&p["requests"], "completed"), 2000.0);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("platform one is unstable: the queue reached 4194304 waiting requests in 1 of 1 replicas, and 805695 arrivals beyond that were rejected"),
        "{stderr}"
    );
}

#[test]
fn work_expected_to_take_hours_asks_for_force_before_running() {
    // 10^5 requests/s for 30 days, 2 seeds: 5·10^11 events (a shard of it: 2.6·10^11).
    let (_dir, path) = scenario_at(
        json!({"process": "poisson", "rate_per_s": 100_000}),
        0.001,
        "30d",
        json!([dedicated("d", 200)]),
    );
    for args in [
        vec!["run"],
        vec![
            "sweep",
            "--param",
            "platforms.0.instances",
            "--values",
            "200,300",
        ],
        vec!["run", "--shard", "1/4"],
    ] {
        let out = output_of(args[0], &path, &args[1..]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains("simulated events (requests × platforms × seeds)"),
            "{stderr}"
        );
        assert!(stderr.contains("add --force to run it anyway"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
    // validate checks the file, not the work.
    assert!(output_of("validate", &path, &[]).status.success());
}

#[test]
fn work_beyond_any_machine_is_refused_even_with_force() {
    // 10^12 jobs every hour for 30 days, 2 seeds: 1.4·10^15 events.
    let (_dir, path) = scenario_at(
        json!({"process": "bursts", "every_s": "1h", "count": 1_000_000_000_000u64}),
        0.001,
        "30d",
        json!([dedicated("d", 1)]),
    );
    let stderr = rejected(&["run", s(&path), "--force"]);
    assert!(
        stderr.contains("more than servsim runs even with --force (1e15)"),
        "{stderr}"
    );
}

#[test]
fn a_warm_pool_too_big_to_create_is_refused() {
    let (_dir, path) = scenario_at(
        json!({"process": "poisson", "rate_per_s": 1}),
        1.0,
        "1h",
        json!([{"name": "s", "type": "serverless", "gpu_usd_per_s": 0.001,
                "cold_start": {"dist": "constant", "value_s": 1}, "min_containers": 4_000_000}]),
    );
    let needle =
        "platforms[0].min_containers: expected at most 1048576 warm containers, found 4000000";
    assert_rejected(&path, &[format!("{}: {needle}", path.display())]);
}

#[test]
fn more_replicas_than_memory_holds_ask_for_force() {
    let (_dir, path) = scenario_at(
        json!({"process": "poisson", "rate_per_s": 1}),
        1.0,
        "10s",
        json!([dedicated("d", 1)]),
    );
    let stderr = rejected(&["run", s(&path), "--seeds", "10000"]);
    assert!(
        stderr.contains("expected 10000 replicas (platforms × seeds) held at once, about 5.7 GB of histograms; add --force"),
        "{stderr}"
    );
    // A shard holds only its share.
    let out = output_of(
        "run",
        &path,
        &["--seeds", "10000", "--shard", "1/2", "--quiet"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_grid_too_big_to_hold_is_refused_before_it_is_built() {
    let (_dir, path) = scenario_at(
        json!({"process": "poisson", "rate_per_s": 1}),
        1.0,
        "10s",
        json!([dedicated("d", 1)]),
    );
    let stderr = rejected(&[
        "sweep",
        s(&path),
        "--param",
        "platforms.0.instances",
        "--range",
        "1:100000:1",
        "--param",
        "platforms.0.usd_per_hour",
        "--range",
        "1:100000:1",
    ]);
    assert!(
        stderr.contains(
            "error: expected a grid of at most 100000 points, found 100000 × 100000 values"
        ),
        "{stderr}"
    );
}

#[test]
fn a_thread_count_beyond_reason_is_an_argument_error() {
    let stderr = rejected(&["run", "--threads", "60000"]);
    assert!(stderr.contains("60000 is not in 1..=1024"), "{stderr}");
}
