//! Jobs on hybrid platforms: routed by the mean work, a job the base takes stays there
//! across spot interruptions, one the pool takes chains its executions there, and the
//! platform's figures are its parts' together.

use serde_json::{Value, json};

use super::{completion_times, constant, job_metrics, jobs, scenario, spot, two_pairs_of_jobs};
use crate::serverless::replicas;
use crate::support::{platform, run_json, scenario_file};

/// A hybrid over `base` whose overflow is a 24 h-capped pool with a 60 s cold start,
/// billed for its GPU only.
fn hybrid(name: &str, base: Value, when: Value) -> Value {
    let overflow = json!({"gpu_usd_per_s": 0.001, "cpu_usd_per_core_s": 0,
        "memory_usd_per_gib_s": 0, "cold_start": constant(60.0), "execution_timeout_s": "24h"});
    json!({"name": name, "type": "hybrid", "base": base, "overflow": overflow,
           "overflow_when": when})
}

/// The parts of a spot platform from `spot()`, as a hybrid's base.
fn spot_base(per_hour: f64, instances: u32) -> Value {
    let mut base = spot("", per_hour, 120.0, 60.0);
    let base = base.as_object_mut().expect("an object");
    base.remove("name");
    base.remove("type");
    base.insert("instances".into(), json!(instances));
    Value::Object(base.clone())
}

#[test]
fn a_hybrid_whose_overflow_never_triggers_runs_its_jobs_exactly_as_its_base_alone() {
    // Poisson arrivals of exponential work on 3 spot GPUs reclaimed about once an hour:
    // jobs queue, are interrupted and requeued, and every draw is the base's own.
    let workload = json!({"jobs": {
        "arrivals": {"process": "poisson", "rate_per_s": 1.0 / 1800.0},
        "work": {"dist": "exponential", "mean_s": 3600.0},
        "checkpoint": {"interval_s": 600, "cost": {"dist": "exponential", "mean_s": 30.0},
                       "restore": {"dist": "uniform", "min_s": 20.0, "max_s": 60.0}}}});
    let mut alone = spot("alone", 1.0, 120.0, 60.0);
    alone["instances"] = json!(3);
    let never = json!({"queue_length": 1_000_000_000u64});
    let json = scenario(
        "7d",
        4,
        workload,
        vec![alone, hybrid("hybrid", spot_base(1.0, 3), never)],
    );
    let runs = replicas(&json);
    let mut restarts = 0;
    for (a, h) in runs[0].iter().zip(&runs[1]) {
        let (ja, jh) = (job_metrics(a), job_metrics(h));
        assert!(ja.completed > 250, "a week of jobs: {}", ja.completed);
        restarts += ja.restarts;
        assert_eq!(
            serde_json::to_value(ja).unwrap(),
            serde_json::to_value(jh).unwrap()
        );
        assert_eq!(a.spot, h.spot);
        assert_eq!(a.bill.total_usd, h.bill.total_usd);
        assert_eq!(h.parts.as_ref().unwrap().overflowed, 0);
    }
    assert!(restarts > 100, "interruptions cut running jobs: {restarts}");
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    assert_eq!(
        platform(&report, "alone")["jobs"],
        platform(&report, "hybrid")["jobs"]
    );
}

#[test]
fn a_job_the_base_takes_stays_there_through_spot_interruptions() {
    // One 2 h job on one spot GPU reclaimed twice an hour. While the GPU is down the
    // expected wait is unbounded, so a new arrival would overflow; the interrupted job is
    // requeued at the base's head instead, and finishes as on the spot platform alone.
    let workload = jobs(1, 7200.0, Some((600.0, 30.0, 30.0)));
    let wait = json!({"queue_wait_s": 60});
    let json = scenario(
        "2d",
        40,
        workload,
        vec![
            spot("alone", 2.0, 120.0, 60.0),
            hybrid("hybrid", spot_base(2.0, 1), wait),
        ],
    );
    let alone = completion_times(&json, 0);
    assert_eq!(completion_times(&json, 1), alone);
    assert!(alone.iter().filter(|&&t| t > 7200.0 + 12.0 * 30.0).count() > 30);
    for h in &replicas(&json)[1] {
        let parts = h.parts.as_ref().unwrap();
        assert_eq!(parts.overflowed, 0);
        assert_eq!(parts.overflow.outcome.containers.started, 0);
    }
}

#[test]
fn a_job_that_overflows_chains_its_executions_in_the_pool() {
    // Two 30 h jobs at t = 0 on one on-demand GPU: the first takes it, and the second
    // would wait 108,000 s > 60 s, so it overflows. The first finishes at
    // 108,000 + 60 checkpoints × 60 s = 111,600 s. The second runs as a serverless job
    // under the 24 h cap: 60 s cold start + 86,400 s cut 840 s into its 47th interval's
    // work + 120 s restore + 14 × 1,860 s = 112,620 s.
    let workload = jobs(2, 108_000.0, Some((1800.0, 60.0, 120.0)));
    let base = json!({"usd_per_hour": 3.6});
    let json = scenario(
        "3d",
        1,
        workload,
        vec![hybrid("hybrid", base, json!({"queue_wait_s": 60}))],
    );
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    let p = platform(&report, "hybrid");
    let j = &p["jobs"];
    assert_eq!(j["completed"]["mean"], 2.0);
    assert_eq!(
        j["completion_time_s"]["mean"],
        (111_600.0 + 112_620.0) / 2.0
    );
    assert_eq!(j["lost_work_s"]["mean"], 840.0);
    assert_eq!(j["checkpoint_s"]["mean"], 7200.0);
    assert_eq!(j["restore_s"]["mean"], 120.0);
    assert_eq!(j["restarts"]["mean"], 1.0);
    assert_eq!(p["overflow_fraction"]["mean"], 0.5);
    // Each part's own jobs figures.
    let part = |name: &str, key: &str| p["parts"][name]["jobs"][key]["mean"].clone();
    assert_eq!(part("base", "completion_time_s"), 111_600.0);
    assert_eq!(part("overflow", "completion_time_s"), 112_620.0);
    assert_eq!(part("base", "restarts"), 0.0);
    assert_eq!(part("overflow", "restarts"), 1.0);
    // 3 days of the GPU at $3.60 an hour; the container is billed from its cold start to
    // the end of its 60 s scaledown window: 112,680 s at $0.001.
    let cost = |part: &str| p["parts"][part]["cost_usd"]["mean"].as_f64().unwrap();
    assert_eq!(cost("base"), 259.2);
    assert!(
        (cost("overflow") - 112.68).abs() < 1e-9,
        "{}",
        cost("overflow")
    );
    let per_job = j["cost_usd_per_job"]["mean"].as_f64().unwrap();
    assert!((per_job - (259.2 + 112.68) / 2.0).abs() < 1e-9, "{per_job}");
}

#[test]
fn both_parts_draw_checkpoint_costs_keyed_by_the_hybrids_arrivals() {
    // Two jobs at 0 s and two at 10,000 s on one GPU: the first of each pair takes the GPU,
    // the second overflows (it would wait 3,600 s). Nothing interrupts, so the checkpoints
    // of all four jobs add up exactly as on two GPUs that take all four, but only if each
    // job draws by its arrival order whichever part runs it.
    let workload = two_pairs_of_jobs();
    let two = json!({"name": "two", "type": "dedicated", "instances": 2, "usd_per_hour": 3.6});
    let one = json!({"usd_per_hour": 3.6});
    let json = scenario(
        "20000s",
        3,
        workload,
        vec![two, hybrid("hybrid", one, json!({"queue_wait_s": 60}))],
    );
    let runs = replicas(&json);
    for (two, h) in runs[0].iter().zip(&runs[1]) {
        let (jt, jh) = (job_metrics(two), job_metrics(h));
        assert_eq!((jt.completed, jh.completed), (4, 4));
        assert_eq!(h.parts.as_ref().unwrap().overflowed, 2);
        assert_eq!(jt.checkpoint_ns, jh.checkpoint_ns);
        assert_ne!(
            jh.checkpoint_ns,
            4 * 6 * 30_000_000_000,
            "the costs are drawn"
        );
    }
}
