//! Dedicated fleets, on demand and spot (interruptions, fallback), and the hybrid whose
//! base is one: queueing-theory oracles, interruption counts, paired comparisons under
//! common random numbers, validation of their keys, and the shipped scenarios.

mod fleet;
mod hybrid;
mod queueing;
mod spot;
mod validation;

use serde_json::{Value, json};

/// A scenario of these tests (master seed 3).
pub fn scenario(horizon: &str, seeds: u32, workload: Value, platforms: Vec<Value>) -> Value {
    json!({"name": "spot-hybrid-test", "horizon": horizon, "seeds": seeds, "seed": 3,
           "workload": workload, "platforms": platforms})
}

/// `p[key]` as a Stat's `field`.
pub fn stat(p: &Value, key: &str, field: &str) -> f64 {
    let mut v = p;
    for k in key.split('.') {
        v = &v[k];
    }
    v[field]
        .as_f64()
        .unwrap_or_else(|| panic!("{key}.{field} missing in {p}"))
}

/// A fleet of `instances` single-GPU VMs ($5.07/h on demand, per-second billing with a
/// 60 s minimum) with the given `spot` block.
pub fn spot_platform(name: &str, instances: u32, spot: Value) -> Value {
    json!({
        "name": name, "type": "dedicated", "instances": instances, "usd_per_hour": 5.07,
        "billing": {"granularity_s": 1, "minimum_s": 60},
        "spot": spot
    })
}

/// A Modal H100 pool with a ~20 s cold start, for hybrid overflows.
pub fn modal() -> Value {
    json!({"gpu_usd_per_s": 0.001097, "cold_start": {"dist": "lognormal", "mean_s": 20, "cv": 0.5}})
}
