//! Platform presets (docs/semantics.md#presets): expansion, the billing rule each preset
//! carries, outputs, `servsim presets` and bad input. Prices are read from the catalog, so
//! that updating one never breaks a test; each comment works a case out at today's prices.

mod basics;
mod billing;
mod commands;
mod outputs;

use serde_json::{Value, json};

use crate::support::*;

/// A fixed "today" for every command, so that no output or warning depends on the clock.
pub const TODAY: &str = "2026-12-04";

/// A key of a preset's platform (dotted), as a number.
pub fn fact(id: &str, dotted: &str) -> f64 {
    let preset = servsim::catalog::preset(id).unwrap_or_else(|| panic!("no preset {id}"));
    let platform = Value::Object(preset.platform_json());
    dotted
        .split('.')
        .fold(&platform, |v, k| &v[k])
        .as_f64()
        .unwrap_or_else(|| panic!("{id}: {dotted} is not a number"))
}

/// The date of a preset's prices, as outputs give it.
pub fn prices_as_of(id: &str) -> String {
    servsim::catalog::preset(id).unwrap().prices_as_of()
}

/// The day `days` after `date` (`YYYY-MM-DD`).
pub fn days_after(date: &str, days: u64) -> String {
    let d = chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap();
    (d + chrono::Days::new(days)).format("%Y-%m-%d").to_string()
}

/// A serverless preset's price per container-second: GPU + CPU + memory, times the
/// multiplier (a price the preset leaves out goes with an amount of 0).
pub fn serverless_usd_per_s(id: &str) -> f64 {
    let preset = servsim::catalog::preset(id).unwrap();
    let v = Value::Object(preset.platform_json());
    let n = |k: &str| v[k].as_f64().unwrap_or(0.0);
    (n("gpu_usd_per_s")
        + n("cpu_cores") * n("cpu_usd_per_core_s")
        + n("memory_gib") * n("memory_usd_per_gib_s"))
        * n("price_multiplier")
}

/// A scenario of `platforms` over `horizon` with `workload`, one seed.
pub fn scenario(horizon: Value, workload: Value, platforms: Vec<Value>) -> Value {
    json!({"name": "presets", "horizon": horizon, "seeds": 1, "seed": 1,
           "workload": workload, "platforms": platforms})
}

/// One request at t = 0 (and every `interval_s` after), each `service_s` long.
pub fn periodic(interval_s: f64, service_s: f64) -> Value {
    json!({"arrivals": {"process": "periodic", "interval_s": interval_s},
           "service": {"dist": "constant", "value_s": service_s}})
}

pub fn constant(s: f64) -> Value {
    json!({"dist": "constant", "value_s": s})
}

/// `servsim ARGS…` with today pinned.
pub fn servsim_today() -> assert_cmd::Command {
    let mut c = servsim();
    c.env("SERVSIM_TODAY", TODAY);
    c
}

/// `servsim run FILE --format json` with today pinned; expects success.
pub fn run(json: &Value) -> Value {
    let (_dir, path) = scenario_file(json);
    let out = servsim_today()
        .arg("run")
        .arg(&path)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Asserts `a` equals `b` up to float rounding (relative 1e-12).
pub fn assert_exact(a: f64, b: f64, what: &str) {
    assert!(
        (a - b).abs() <= 1e-12 * b.abs().max(1e-12),
        "{what}: {a} ≠ {b}"
    );
}
