//! The serverless platform: exact behaviour on hand-made scenarios, scaledown to the
//! nanosecond, queueing-theory oracles, preemption statistics, validation of its keys and
//! the shipped `realtime-slo` scenario.

mod exact;
mod oracles;
mod scaledown;
mod validation;

use serde_json::{Value, json};

/// A serverless platform at $1 per second (no CPU or memory), so `cost_usd` reads as
/// billed seconds; `extra` keys are added or override.
pub fn serverless(name: &str, extra: Value) -> Value {
    let mut p = json!({
        "name": name, "type": "serverless", "gpu_usd_per_s": 1.0, "cpu_cores": 0, "memory_gib": 0,
        "cold_start": {"dist": "constant", "value_s": 0}
    });
    for (k, v) in extra.as_object().expect("an object of keys") {
        p[k] = v.clone();
    }
    p
}

/// A scenario of `platforms` under `workload`.
pub fn scenario(horizon: Value, seeds: u32, workload: Value, platforms: Vec<Value>) -> Value {
    json!({"name": "t", "horizon": horizon, "seeds": seeds, "workload": workload, "platforms": platforms})
}

/// `n` arrivals at t = 0, `interval_s`, 2 × `interval_s` … and none after within the
/// day, each needing `service_s`.
pub fn arrivals_at_start(n: u32, interval_s: f64, service_s: f64) -> Value {
    // A half-open window [0, (n − ½) × interval) of a periodic process.
    let end_h = (n as f64 - 0.5) * interval_s / 3600.0;
    json!({"arrivals": {"process": "periodic", "interval_s": interval_s},
           "rate_profile": {"kind": "daily_windows", "windows": [{"start_h": 0, "end_h": end_h}]},
           "service": {"dist": "constant", "value_s": service_s}})
}

/// Runs a scenario in-process and returns each platform's replicas, in seed order.
pub fn replicas(json: &Value) -> Vec<Vec<servsim::experiment::ReplicaResult>> {
    let s = servsim::scenario::Scenario::from_value(json, "test").expect("a valid scenario");
    let opts = servsim::experiment::RunOptions::from_scenario(&s);
    servsim::experiment::run(&s, opts).expect("threads start")
}

/// `key.mean` of a nested Stat such as `requests.completed`.
pub fn nested(p: &Value, outer: &str, key: &str) -> f64 {
    p[outer][key]["mean"]
        .as_f64()
        .unwrap_or_else(|| panic!("{outer}.{key}.mean missing in {p}"))
}

/// The standard error of a Stat's mean across seeds: std / √n.
pub fn std_error(p: &Value, key: &str, seeds: u32) -> f64 {
    p[key]["std"].as_f64().expect("several seeds") / (seeds as f64).sqrt()
}
