//! Exact completion times: no interruptions, serverless executions chained across the
//! execution timeout, jobs unfinished at the horizon, and the same bytes on any threads.

use serde_json::json;

use super::{completion_times, constant, job_metrics, jobs, scenario, spot, two_pairs_of_jobs};
use crate::support::{output_of, platform, run_json, scenario_file};

#[test]
fn without_interruptions_a_job_takes_its_work_plus_one_checkpoint_per_interval() {
    // 10,000 s in intervals of 3,000 s: checkpoints at 3,000, 6,000, 9,000 and the end.
    let json = scenario(
        "1d",
        2,
        jobs(1, 10_000.0, Some((3000.0, 60.0, 999.0))),
        vec![
            json!({"name": "on-demand", "type": "dedicated", "usd_per_hour": 3.6}),
            spot("spot", 0.0, 300.0, 300.0),
        ],
    );
    for p in 0..2 {
        assert_eq!(completion_times(&json, p), vec![10_240.0, 10_240.0]);
    }
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    let j = &platform(&report, "on-demand")["jobs"];
    assert_eq!(j["completion_time_s"]["mean"], 10_240.0);
    assert_eq!(j["checkpoint_s"]["mean"], 240.0);
    assert_eq!(j["restore_s"]["mean"], 0.0);
    assert_eq!(j["lost_work_s"]["mean"], 0.0);
    assert_eq!(j["restarts"]["mean"], 0.0);
    // A day of one instance at $3.60 an hour, for one job.
    assert_eq!(j["cost_usd_per_job"]["mean"], 86.4);
}

#[test]
fn a_job_longer_than_the_execution_timeout_resumes_from_its_last_checkpoint() {
    // 30 h under a 24 h cap, a 60 s cold start, checkpoints of 60 s every 1,800 s of work:
    // 46 segments of 1,860 s fit in the first execution (82,800 s saved), the 47th is
    // cut 840 s into its work; the second execution restores (120 s) and runs the
    // 14 intervals left. 60 + 86,400 + 120 + 14 × 1,860 = 112,620 s =
    // W + 60 checkpoints + one cold start + one restore + the 840 s lost.
    let modal = json!({"name": "modal", "type": "serverless", "gpu_usd_per_s": 0.001,
        "cold_start": constant(60.0), "execution_timeout_s": "24h"});
    let json = scenario(
        "3d",
        1,
        jobs(1, 108_000.0, Some((1800.0, 60.0, 120.0))),
        vec![modal],
    );
    assert_eq!(completion_times(&json, 0), vec![112_620.0]);
    let (_dir, path) = scenario_file(&json);
    let p = run_json(&path, &[]);
    let p = platform(&p, "modal");
    assert_eq!(p["jobs"]["lost_work_s"]["mean"], 840.0);
    assert_eq!(p["jobs"]["restore_s"]["mean"], 120.0);
    assert_eq!(p["jobs"]["checkpoint_s"]["mean"], 3600.0);
    assert_eq!(p["jobs"]["restarts"]["mean"], 1.0);
    assert_eq!(p["containers_started"]["mean"], 1.0);
    assert_eq!(p["requests"]["failed"]["mean"], 0.0);
}

#[test]
fn without_checkpoints_a_job_longer_than_the_execution_timeout_fails() {
    let modal = json!({"name": "modal", "type": "serverless", "gpu_usd_per_s": 0.001,
        "cold_start": constant(0.0), "execution_timeout_s": 3600});
    let json = scenario("1d", 1, jobs(2, 7200.0, None), vec![modal]);
    let (_dir, path) = scenario_file(&json);
    let p = run_json(&path, &[]);
    let p = platform(&p, "modal");
    assert_eq!(p["requests"]["failed"]["mean"], 2.0);
    assert_eq!(p["jobs"]["completed"]["mean"], 0.0);
    assert_eq!(p["jobs"]["lost_work_s"]["mean"], 7200.0);
    assert_eq!(
        p["jobs"]["restarts"]["mean"], 0.0,
        "a failed job does not restart"
    );
}

#[test]
fn jobs_unfinished_at_the_horizon_are_in_flight() {
    // Three 10 h jobs on one GPU over 15 h: one done, one running, one waiting.
    let json = scenario(
        "15h",
        1,
        jobs(3, 36_000.0, None),
        vec![json!({"name": "gpu", "type": "dedicated", "usd_per_hour": 1.0})],
    );
    let (_dir, path) = scenario_file(&json);
    let p = run_json(&path, &[]);
    let p = platform(&p, "gpu");
    assert_eq!(p["jobs"]["completed"]["mean"], 1.0);
    assert_eq!(p["requests"]["in_flight_at_end"]["mean"], 2.0);
    assert_eq!(p["jobs"]["cost_usd_per_job"]["mean"], 15.0);
    crate::support::assert_conserved(p);
}

#[test]
fn a_jobs_run_is_the_same_bytes_on_one_thread_and_on_four() {
    let modal = json!({"name": "modal", "type": "serverless", "gpu_usd_per_s": 0.001,
        "cold_start": {"dist": "exponential", "mean_s": 30}, "preemptions_per_hour": 0.5,
        "execution_timeout_s": "2h"});
    let workload = json!({"jobs": {"arrivals": {"process": "poisson", "rate_per_s": 0.0005},
        "work": {"dist": "lognormal", "mean_s": 7200, "cv": 1},
        "checkpoint": {"interval_s": 900, "cost": {"dist": "uniform", "min_s": 20, "max_s": 60},
                       "restore": {"dist": "exponential", "mean_s": 60}}}});
    let json = scenario(
        "7d",
        6,
        workload,
        vec![modal, spot("spot", 0.3, 300.0, 120.0)],
    );
    let (_dir, path) = scenario_file(&json);
    let one = output_of("run", &path, &["--format", "json", "--threads", "1"]);
    let four = output_of("run", &path, &["--format", "json", "--threads", "4"]);
    assert!(one.status.success());
    assert_eq!(one.stdout, four.stdout);
    let report: serde_json::Value = serde_json::from_slice(&one.stdout).unwrap();
    for name in ["modal", "spot"] {
        let p = platform(&report, name);
        crate::support::assert_conserved(p);
        assert!(
            p["jobs"]["restarts"]["mean"].as_f64().unwrap() > 0.0,
            "{name}"
        );
    }
}

#[test]
fn a_jobs_table_gives_the_cost_per_job_instead_of_per_million_requests() {
    let json = scenario(
        "1d",
        1,
        jobs(2, 3600.0, None),
        vec![json!({"name": "on-demand", "type": "dedicated", "usd_per_hour": 3.6})],
    );
    let (_dir, path) = scenario_file(&json);
    let table = String::from_utf8(output_of("run", &path, &[]).stdout).unwrap();
    // A day of one instance at $3.60 an hour, for two jobs.
    let row = table.lines().find(|l| l.contains("cost / job (USD)"));
    assert!(row.is_some_and(|r| r.contains("43.20")), "{table}");
    assert!(!table.contains("cost / 1M requests"), "{table}");
}

#[test]
fn a_rejected_job_leaves_later_jobs_their_own_checkpoint_draws() {
    // Two jobs at 0 s and two at 10,000 s on one slot with no queue, on a fleet and on a
    // warm container: each takes the first job of a burst and rejects the second, so both
    // run the same two jobs and must draw the same checkpoint costs for them.
    let workload = two_pairs_of_jobs();
    let fleet = json!({"name": "fleet", "type": "dedicated", "usd_per_hour": 3.6,
                       "queue_limit": 0});
    let container = json!({"name": "container", "type": "serverless", "gpu_usd_per_s": 0.001,
        "min_containers": 1, "max_containers": 1, "queue_limit": 0,
        "execution_timeout_s": "24h", "cold_start": constant(60.0)});
    let json = scenario("20000s", 3, workload, vec![fleet, container]);
    let runs = crate::serverless::replicas(&json);
    for (f, c) in runs[0].iter().zip(&runs[1]) {
        let (jf, jc) = (job_metrics(f), job_metrics(c));
        assert_eq!((jf.completed, jc.completed), (2, 2));
        assert_eq!(f.outcome.recorder.counts.rejected, 2);
        assert_eq!(jf.checkpoint_ns, jc.checkpoint_ns);
    }
}

#[test]
fn a_job_failed_by_a_spot_interruption_loses_all_its_work_without_a_restart() {
    // One spot GPU reclaimed about once an hour, without notice, fails its 2 h job in
    // most seeds, some after the job saved one or more 10-minute intervals.
    let mut p = spot("spot", 1.0, 60.0, 60.0);
    p["spot"]["on_interrupt"] = json!("fail");
    let json = scenario(
        "1d",
        16,
        jobs(1, 7200.0, Some((600.0, 10.0, 10.0))),
        vec![p],
    );
    let mut after_a_checkpoint = 0;
    for r in &crate::serverless::replicas(&json)[0] {
        let j = job_metrics(r);
        if r.outcome.recorder.counts.failed == 0 {
            assert_eq!(j.completed, 1);
            continue;
        }
        assert_eq!((j.completed, j.restarts), (0, 0));
        // What it saved is lost with it: all the time it held the GPU (from 0 s to the
        // interruption) that it did not spend checkpointing.
        let held_s = r.outcome.containers.busy_mean * 86_400.0;
        let accounted_s = (j.lost_work_ns + j.checkpoint_ns) as f64 / 1e9;
        assert!(
            (accounted_s - held_s).abs() < 1e-6,
            "{accounted_s} vs {held_s}"
        );
        if j.lost_work_ns > 600_000_000_000 {
            after_a_checkpoint += 1;
        }
    }
    assert!(after_a_checkpoint >= 3, "{after_a_checkpoint}");
}
