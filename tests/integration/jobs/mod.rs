//! Long jobs with checkpoints (docs/semantics.md#long-jobs): Daly's closed form for one job
//! on a spot instance, the optimum of a sweep of the checkpoint interval, exact completion
//! times without interruptions and across serverless execution timeouts, hybrids, and
//! bad input.

mod daly;
mod exact;
mod hybrid;
mod scenario;
mod validation;

use serde_json::{Value, json};

pub fn constant(s: f64) -> Value {
    json!({"dist": "constant", "value_s": s})
}

/// A jobs workload: `count` jobs of `work_s` at t = 0, checkpointing every `interval_s`
/// at `cost_s` and restoring in `restore_s`.
pub fn jobs(count: u64, work_s: f64, checkpoint: Option<(f64, f64, f64)>) -> Value {
    let mut j = json!({"count": count, "work": constant(work_s)});
    if let Some((interval, cost, restore)) = checkpoint {
        j["checkpoint"] =
            json!({"interval_s": interval, "cost": constant(cost), "restore": constant(restore)});
    }
    json!({"jobs": j})
}

/// One spot instance interrupted `per_hour` times an hour of service, with no notice and
/// a constant downtime of `replacement_s` + `model_load_s`, billed by the second.
pub fn spot(name: &str, per_hour: f64, replacement_s: f64, model_load_s: f64) -> Value {
    json!({"name": name, "type": "dedicated", "usd_per_hour": 3.6,
           "billing": {"granularity_s": 1},
           "spot": {"usd_per_hour": 1.8, "interruptions_per_hour": per_hour, "notice_s": 0,
                    "replacement_delay": constant(replacement_s), "model_load": constant(model_load_s),
                    "fallback": "wait", "on_interrupt": "requeue"}})
}

/// Two jobs at 0 s and two at 10,000 s, each 3,600 s of work checkpointing every 600 s at
/// an exponential cost (mean 30 s) and restoring at once: drawn costs tell jobs apart.
pub fn two_pairs_of_jobs() -> Value {
    json!({"jobs": {
        "arrivals": {"process": "bursts", "every_s": 10_000, "count": 2, "spacing_s": 0},
        "work": constant(3600.0),
        "checkpoint": {"interval_s": 600, "cost": {"dist": "exponential", "mean_s": 30.0},
                       "restore": constant(0.0)}}})
}

/// What a replica recorded of its jobs.
pub fn job_metrics(r: &servsim::experiment::ReplicaResult) -> &servsim::metrics::JobMetrics {
    r.outcome.recorder.jobs.as_deref().expect("a jobs workload")
}

pub fn scenario(horizon: &str, seeds: u32, workload: Value, platforms: Vec<Value>) -> Value {
    json!({"name": "jobs", "horizon": horizon, "seeds": seeds, "workload": workload, "platforms": platforms})
}

/// Each seed's completion time in seconds of the one job of platform `p`'s replicas.
pub fn completion_times(json: &Value, p: usize) -> Vec<f64> {
    crate::serverless::replicas(json)[p]
        .iter()
        .map(|r| {
            let j = r.outcome.recorder.jobs.as_deref().expect("a jobs workload");
            assert_eq!(j.completed, 1, "the job completes within the horizon");
            j.completion_time.sum_ns as f64 / 1e9
        })
        .collect()
}
