//! Continuous batching from the command line (docs/semantics.md#continuous-batching): the
//! shipped tokens scenarios, queueing oracles the engine must reduce to, bad input, and
//! the outputs and sweep targets a tokens service adds.

mod invalid;
mod oracle;
mod outputs;
mod platforms;
mod scenarios;

use serde_json::{Value, json};
use servsim::batching::{EngineParams, GpuSpec, ModelSpec, StepTimeSecs, derive};

/// The roofline step-time coefficients of `model` on `tp` × catalog `gpu`, in seconds.
pub fn derived(gpu: &str, model: &str, tp: u32) -> StepTimeSecs {
    let g = GpuSpec::from_catalog(gpu).unwrap();
    let m = ModelSpec::from_catalog(model).unwrap();
    derive(&g, &m, tp, &EngineParams::default()).unwrap().secs
}

/// A dedicated platform whose engine has exactly these step-time coefficients.
pub fn engine_platform(name: &str, instances: u32, step_time: Value, max_inputs: u32) -> Value {
    json!({
        "name": name, "type": "dedicated", "instances": instances, "usd_per_hour": 1.0,
        "max_inputs": max_inputs,
        "engine": {"step_time": step_time, "kv_capacity_tokens": 100_000}
    })
}

/// `p[key][field]` as f64.
pub fn f(p: &Value, key: &str, field: &str) -> f64 {
    p[key][field]
        .as_f64()
        .unwrap_or_else(|| panic!("{key}.{field} missing in {}", p["name"]))
}
