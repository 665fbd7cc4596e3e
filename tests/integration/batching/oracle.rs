//! Queueing sanity: an engine that admits one request at a time, each with a constant
//! context and one output token, is a server with a fixed service time (one prefill
//! step), so the fleet is M/D/1 or M/D/c.

use serde_json::{Value, json};
use servsim::experiment::{RunOptions, run};
use servsim::scenario::Scenario;

use super::engine_platform;
use crate::support::*;

/// A step of 10 ms plus 10 µs a prefill token: 100 context tokens take exactly 11 ms.
fn step_time() -> Value {
    json!({"base_s": 0.01, "per_prefill_token_s": 1e-5, "per_decode_seq_s": 0.0, "per_kv_token_s": 0.0})
}

const SERVICE_S: f64 = 0.011;

fn tokens_service() -> Value {
    json!({"dist": "tokens", "model": "llama-3.1-8b", "context_tokens": 100, "output_tokens": 1})
}

fn scenario(
    rate_per_s: f64,
    horizon_s: f64,
    seeds: u32,
    service: Value,
    platforms: Value,
) -> Value {
    json!({
        "name": "md-oracle", "horizon": horizon_s, "seeds": seeds, "seed": 5,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": rate_per_s}, "service": service},
        "platforms": platforms
    })
}

#[test]
fn one_request_engines_with_one_token_wait_as_pollaczek_khinchine_says() {
    let rho = 0.8;
    let rate = rho / SERVICE_S;
    let doc = scenario(
        rate,
        200_000.0 / rate,
        16,
        tokens_service(),
        json!([engine_platform("gpu", 1, step_time(), 1)]),
    );
    let s = Scenario::from_value(&doc, "md1").expect("valid scenario");
    let results = run(&s, RunOptions::from_scenario(&s)).expect("thread pool");
    let waits: Vec<f64> = results[0]
        .iter()
        .map(|r| r.outcome.recorder.wait.mean_s().unwrap())
        .collect();
    let n = waits.len() as f64;
    let mean = waits.iter().sum::<f64>() / n;
    let se = (waits.iter().map(|w| (w - mean).powi(2)).sum::<f64>() / (n - 1.0) / n).sqrt();
    // Pollaczek–Khinchine for deterministic service: W_q = ρ S / (2 (1 − ρ)).
    let theory = rho * SERVICE_S / (2.0 * (1.0 - rho));
    eprintln!("M/D/1 ρ={rho}: simulated {mean:.6} ± {se:.6} (se), theory {theory:.6}");
    assert!(3.0 * se < 0.03 * theory, "sample too small: se {se}");
    assert!(
        (mean - theory).abs() < 3.0 * se.max(1e-3 * theory),
        "mean wait {mean} vs Pollaczek–Khinchine {theory} (se {se})"
    );
    // Every request's latency is its wait plus exactly one 11 ms step.
    for r in &results[0] {
        let rec = &r.outcome.recorder;
        let service_ns = rec.latency.sum_ns - rec.wait.sum_ns;
        assert_eq!(service_ns, rec.counts.completed as u128 * 11_000_000);
        let t = rec.tokens.as_ref().unwrap();
        assert_eq!(
            t.ttft.sum_ns, rec.latency.sum_ns,
            "TTFT is the whole latency"
        );
        assert_eq!(t.tpot.count(), 0, "one output token: no TPOT");
    }
}

#[test]
fn one_request_engines_are_exactly_the_constant_service_fleet_of_m_d_3() {
    // Three GPUs at ρ = 0.9: the same arrivals (common random numbers) on engines and on
    // a fleet with a constant 11 ms service give the same waits, request for request.
    let rate = 0.9 * 3.0 / SERVICE_S;
    let constant = json!({"dist": "constant", "value_s": SERVICE_S});
    let fixed = json!({"name": "gpu", "type": "dedicated", "instances": 3, "usd_per_hour": 1.0});
    let runs: Vec<Value> = [
        scenario(
            rate,
            600.0,
            3,
            tokens_service(),
            json!([engine_platform("gpu", 3, step_time(), 1)]),
        ),
        scenario(rate, 600.0, 3, constant, json!([fixed])),
    ]
    .iter()
    .map(|doc| {
        let (_dir, path) = scenario_file(doc);
        run_json(&path, &[])
    })
    .collect();
    let (engines, fleet) = (platform(&runs[0], "gpu"), platform(&runs[1], "gpu"));
    for key in [
        "requests",
        "latency_s",
        "wait_s",
        "gpu_utilization",
        "containers_busy_mean",
    ] {
        assert_eq!(engines[key], fleet[key], "{key}");
    }
    assert!(
        f64_of(&fleet["wait_s"]["mean"]) > 0.001,
        "requests do queue"
    );
}

fn f64_of(v: &Value) -> f64 {
    v.as_f64().unwrap()
}
