//! Bad jobs input: exit 2 and a message naming the JSON paths.

use serde_json::json;

use super::{constant, jobs, scenario, spot};
use crate::support::{assert_rejected, scenario_file};

fn rejects(workload: serde_json::Value, platform: serde_json::Value, needles: &[&str]) {
    let (_dir, path) = scenario_file(&scenario("1d", 1, workload, vec![platform]));
    assert_rejected(&path, needles);
}

fn modal(timeout_s: f64) -> serde_json::Value {
    json!({"name": "modal", "type": "serverless", "gpu_usd_per_s": 0.001,
           "cold_start": constant(1.0), "execution_timeout_s": timeout_s})
}

#[test]
fn a_checkpoint_interval_and_cost_beyond_the_execution_timeout_is_refused() {
    rejects(
        jobs(1, 7200.0, Some((3000.0, 700.0, 10.0))),
        modal(3600.0),
        &[
            "platforms[0].execution_timeout_s: expected at least workload.jobs.checkpoint.interval_s + mean workload.jobs.checkpoint.cost + mean workload.jobs.checkpoint.restore = 3710 s",
            "found 3600 s (a job would never finish)",
        ],
    );
}

#[test]
fn non_positive_work_is_refused() {
    rejects(
        jobs(1, 0.0, None),
        spot("spot", 0.0, 1.0, 1.0),
        &["workload.jobs.work: expected work with a mean > 0 s, found 0"],
    );
}

#[test]
fn a_checkpoint_interval_not_between_a_nanosecond_and_a_hundred_years_is_refused() {
    for interval in [0.0, -60.0, 1e300] {
        rejects(
            jobs(1, 3600.0, Some((interval, 1.0, 1.0))),
            spot("spot", 0.0, 1.0, 1.0),
            &[
                "workload.jobs.checkpoint.interval_s: expected a duration that is a number in [0.000000001, 3153600000]",
            ],
        );
    }
}

#[test]
fn a_checkpoint_interval_beyond_a_hybrids_overflow_timeout_is_refused() {
    let base = json!({"usd_per_hour": 1.0});
    let overflow = json!({"gpu_usd_per_s": 0.001, "cold_start": constant(1.0)});
    let hybrid = json!({"name": "h", "type": "hybrid", "base": base, "overflow": overflow,
                        "overflow_when": {"queue_length": 1},
                        "checkpoint": {"interval_s": 1800, "cost": constant(60.0),
                                       "restore": constant(60.0)}});
    rejects(
        jobs(1, 3600.0, None),
        hybrid,
        &[
            "platforms[0].overflow.execution_timeout_s: expected at least platforms[0].checkpoint.interval_s + mean platforms[0].checkpoint.cost + mean platforms[0].checkpoint.restore = 1920 s",
            "found 300 s (a job would never finish)",
        ],
    );
}

#[test]
fn jobs_beside_arrivals_or_with_both_count_and_arrivals_are_refused() {
    let mut w = jobs(1, 3600.0, None);
    w["arrivals"] = json!({"process": "poisson", "rate_per_s": 1});
    w["service"] = constant(1.0);
    rejects(
        w,
        spot("spot", 0.0, 1.0, 1.0),
        &[
            "workload.arrivals: expected no arrivals beside jobs",
            "workload.service: expected no service beside jobs",
        ],
    );
    let mut w = jobs(1, 3600.0, None);
    w["jobs"]["arrivals"] = json!({"process": "poisson", "rate_per_s": 1});
    rejects(
        w,
        spot("spot", 0.0, 1.0, 1.0),
        &["workload.jobs: expected one of arrivals or count, found both"],
    );
    let mut w = jobs(1, 3600.0, None);
    w["timeout_s"] = json!(60);
    rejects(
        w,
        spot("spot", 0.0, 1.0, 1.0),
        &["workload.timeout_s: expected no timeout_s with jobs"],
    );
}

#[test]
fn a_platform_checkpoint_is_checked_against_its_timeout_and_needs_jobs() {
    let mut p = modal(3600.0);
    p["checkpoint"] = json!({"interval_s": "1h", "cost": constant(60.0), "restore": constant(1.0)});
    rejects(
        jobs(1, 7200.0, Some((600.0, 10.0, 10.0))),
        p.clone(),
        &[
            "platforms[0].execution_timeout_s: expected at least platforms[0].checkpoint.interval_s + mean platforms[0].checkpoint.cost + mean platforms[0].checkpoint.restore = 3661 s",
        ],
    );
    let requests =
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1}, "service": constant(1.0)});
    rejects(
        requests,
        p,
        &[
            "platforms[0].checkpoint: expected no checkpoint without a jobs workload (workload.jobs), found one",
        ],
    );
    let mut p = spot("spot", 0.0, 1.0, 1.0);
    p["checkpoint"] = json!("never");
    rejects(jobs(1, 60.0, None), p, &["platforms[0].checkpoint"]);
}

#[test]
fn checkpoints_so_frequent_that_a_run_would_take_hours_ask_for_force() {
    // One hour of work saved every nanosecond: 3.6·10^12 segments, an event each.
    let json = scenario(
        "1d",
        1,
        jobs(1, 3600.0, Some((1e-9, 0.0, 0.0))),
        vec![json!({"name": "d", "type": "dedicated", "usd_per_hour": 3.6})],
    );
    let (_dir, path) = scenario_file(&json);
    let out = crate::support::output_of("run", &path, &[]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("expected about 3.60e12 simulated events"),
        "{stderr}"
    );
    assert!(stderr.contains("add --force to run it anyway"), "{stderr}");
}
