//! Warnings on standard error for settings that are valid but serve badly, once each, and
//! naming the grid points they hold at in a sweep: `dispatch: queue` with `queue_limit: 0`,
//! where the autoscaler never counts a request that found no free slot
//! (docs/semantics.md#serverless-autoscaler), so with no warm pool every one is rejected
//! and with one the function never grows past it.

use serde_json::{Value, json};

use crate::serverless::{scenario, serverless};
use crate::support::*;

const WARNING: &str = "queue_limit 0 with min_containers 0 under dispatch queue rejects \
                       every request: no container is ever started (set min_containers ≥ 1, \
                       queue_limit ≥ 1 or dispatch per_request)";
const WARM_WARNING: &str = "queue_limit 0 under dispatch queue never grows the function past \
                            its 1 warm container(s): a request that finds no free slot is \
                            rejected before the autoscaler counts it (set queue_limit ≥ 1 or \
                            dispatch per_request)";

/// Ten arrivals, one every 10 s, of 1 s each, on platforms with a 5 s cold start.
fn loss_scenario() -> Value {
    let cold = json!({"dist": "constant", "value_s": 5});
    let queue0 = |extra: Value| {
        let mut p = extra;
        p["queue_limit"] = json!(0);
        p["cold_start"] = cold.clone();
        p
    };
    let hybrid = json!({
        "name": "hybrid", "type": "hybrid",
        "base": {"type": "dedicated", "instances": 1, "usd_per_hour": 1.0},
        "overflow": {"type": "serverless", "gpu_usd_per_s": 1.0, "cold_start": cold,
                     "queue_limit": 0},
        "overflow_when": {"queue_length": 1}
    });
    let workload = json!({"arrivals": {"process": "periodic", "interval_s": 10},
                          "service": {"dist": "constant", "value_s": 1}});
    scenario(
        json!(100),
        1,
        workload,
        vec![
            serverless("queue", queue0(json!({}))),
            serverless("per-request", queue0(json!({"dispatch": "per_request"}))),
            serverless("warm", queue0(json!({"min_containers": 1}))),
            hybrid,
            serverless(
                "warm-buffer",
                queue0(json!({"min_containers": 1, "buffer_containers": 1})),
            ),
        ],
    )
}

fn stderr_of(args: &[&str], path: &std::path::Path) -> (String, String) {
    let out = servsim().args(args).arg(path).output().unwrap();
    assert!(out.status.success(), "{out:?}");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (text(&out.stdout), text(&out.stderr))
}

#[test]
fn validate_and_run_warn_about_a_queue_that_never_starts_a_container() {
    let (_dir, path) = scenario_file(&loss_scenario());
    let file = path.display();
    let expected = format!(
        "warning: {file}: platforms[0]: {WARNING}\nwarning: {file}: platforms[2]: {WARM_WARNING}\n\
         warning: {file}: platforms[3].overflow: {WARNING}\n{HORIZON_WARNING}\n",
        HORIZON_WARNING = format_args!(
            "warning: {file}: horizon: the horizon (1.67 min) holds 10.0 mean inter-arrival \
             times, fewer than 100: too few requests for the figures to mean much (a bare \
             number is seconds: write \"100d\" for days)"
        )
    );
    let (stdout, stderr) = stderr_of(&["validate"], &path);
    assert_eq!(
        stderr, expected,
        "only the queue platforms that cannot grow: not per_request, not a buffer"
    );
    assert!(stdout.contains(": ok ("), "{stdout}");
    let (_, stderr) = stderr_of(&["run", "--format", "json"], &path);
    assert!(stderr.starts_with(&expected), "{stderr}");
    let (_, stderr) = stderr_of(&["run", "--format", "json", "--quiet"], &path);
    assert_eq!(stderr, "");
}

#[test]
fn a_queue_with_no_room_and_no_warm_pool_rejects_every_request_as_the_spec_says() {
    let (_dir, path) = scenario_file(&loss_scenario());
    let report = run_json(&path, &["--quiet"]);
    let q = platform(&report, "queue");
    assert_eq!(q["requests"]["arrived"]["mean"], 10.0);
    assert_eq!(q["requests"]["rejected"]["mean"], 10.0);
    assert_eq!(mean(q, "containers_started"), 0.0);
    assert_eq!(mean(q, "cost_usd"), 0.0);
    // per_request starts the request's own container before the queue is asked.
    let p = platform(&report, "per-request");
    assert_eq!(p["requests"]["completed"]["mean"], 10.0);
    assert_eq!(mean(p, "containers_started"), 1.0);
    // A warm pool of one serves this sparse load alone and never grows.
    let w = platform(&report, "warm");
    assert_eq!(w["requests"]["completed"]["mean"], 10.0);
    assert_eq!(mean(w, "containers_started"), 0.0);
    for p in [q, p, w] {
        assert_conserved(p);
    }
}

#[test]
fn a_warm_pool_with_no_queue_never_grows_however_many_requests_it_rejects() {
    // One arrival a second of 2 s each on one warm container: the one at t = 2k + 1 finds
    // it busy and is rejected, and no container is ever started for it.
    let workload = json!({"arrivals": {"process": "periodic", "interval_s": 1},
                          "service": {"dist": "constant", "value_s": 2}});
    let warm = json!({"queue_limit": 0, "min_containers": 1,
                      "cold_start": {"dist": "constant", "value_s": 5}});
    let s = scenario(json!(100), 1, workload, vec![serverless("warm", warm)]);
    let (_dir, path) = scenario_file(&s);
    let report = run_json(&path, &["--quiet"]);
    let w = platform(&report, "warm");
    assert_eq!(w["requests"]["arrived"]["mean"], 100.0);
    assert_eq!(w["requests"]["rejected"]["mean"], 50.0);
    assert_eq!(mean(w, "containers_started"), 0.0);
    assert_eq!(mean(w, "containers_max"), 1.0);
    assert_conserved(w);
}

#[test]
fn sweep_and_breakeven_warn_once_naming_the_grid_points_a_warning_holds_at() {
    let (_dir, path) = scenario_file(&loss_scenario());
    let file = path.display();
    let sweep = servsim()
        .arg("sweep")
        .arg(&path)
        .args(["--param", "platforms.0.queue_limit", "--values", "0,1,0"])
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(sweep.status.success(), "{sweep:?}");
    let stderr = String::from_utf8_lossy(&sweep.stderr);
    let expected = format!(
        "warning: {file}: platforms[0]: {WARNING} (at grid points 0, 2)\n\
         warning: {file}: platforms[2]: {WARM_WARNING}\n\
         warning: {file}: platforms[3].overflow: {WARNING}\n"
    );
    assert!(stderr.starts_with(&expected), "{stderr}");
    let between = ["queue", "warm"];
    let breakeven =
        |extra| breakeven_args(&path, "platforms.0.queue_limit", "0:1:1", between, extra);
    let quiet = servsim()
        .args(breakeven(&["--quiet", "--format", "json"]))
        .output()
        .unwrap();
    assert!(quiet.status.success(), "{quiet:?}");
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
    let loud = servsim()
        .args(breakeven(&["--format", "json"]))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&loud.stderr);
    assert!(
        stderr.starts_with(&format!(
            "warning: {file}: platforms[0]: {WARNING} (at grid point 0)\n"
        )),
        "{stderr}"
    );
}
