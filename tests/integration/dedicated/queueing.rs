//! M/M/1 responses, M/M/c (Erlang C) and M/D/1 (Pollaczek–Khinchine) waits on dedicated
//! fleets.

use serde_json::{Value, json};
use servsim::experiment::{RunOptions, run};
use servsim::scenario::Scenario;

use crate::support::*;

/// Erlang C: (probability of waiting, mean wait) of M/M/c with offered load `a` = λ/μ.
fn erlang_c(c: u32, a: f64, mean_service_s: f64) -> (f64, f64) {
    let mut term = 1.0; // a^k / k!
    let mut sum = 0.0;
    for k in 0..c {
        if k > 0 {
            term *= a / k as f64;
        }
        sum += term;
    }
    let last = term * a / c as f64 * (c as f64 / (c as f64 - a));
    let p_wait = last / (sum + last);
    let mean_wait = p_wait * mean_service_s / (c as f64 - a);
    (p_wait, mean_wait)
}

/// Per-seed mean wait and share of requests that waited, on a dedicated fleet of `c`
/// single-GPU instances with Poisson arrivals.
fn per_seed_waits(
    rate_per_s: f64,
    c: u32,
    service: Value,
    arrivals_per_seed: f64,
) -> Vec<(f64, f64)> {
    let json = json!({
        "name": "queue-oracle",
        "horizon": arrivals_per_seed / rate_per_s,
        "seeds": 16,
        "seed": 7,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": rate_per_s}, "service": service},
        "platforms": [{"name": "fleet", "type": "dedicated", "instances": c, "usd_per_hour": 1.0}]
    });
    let s = Scenario::from_value(&json, "queue-oracle").expect("valid scenario");
    let results = run(&s, RunOptions::from_scenario(&s)).expect("thread pool");
    results[0]
        .iter()
        .map(|r| {
            let w = &r.outcome.recorder.wait;
            let n = w.count() as f64;
            let waited = 1.0 - w.hist.count_at(0) as f64 / n;
            (w.sum_ns as f64 / n / 1e9, waited)
        })
        .collect()
}

/// Mean and standard error of the mean.
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// `estimate` is within 3% of `theory`, and the sample is tight enough for that to mean
/// something (3 standard errors below 3%).
fn assert_within_3_percent(what: &str, samples: &[f64], theory: f64) {
    let (est, se) = mean_se(samples);
    assert!(
        3.0 * se < 0.03 * theory,
        "{what}: sample too small, se {se} vs theory {theory}"
    );
    let rel = (est - theory).abs() / theory;
    eprintln!(
        "{what}: simulated {est:.5} ± {se:.5} (se), theory {theory:.5}, {:+.2}%",
        (est / theory - 1.0) * 100.0
    );
    assert!(
        rel < 0.03,
        "{what}: {est} vs theory {theory} ({:.2}% off, se {se})",
        rel * 100.0
    );
}

fn check_erlang_c(c: u32, rho: f64) {
    let rate = rho * c as f64;
    let per_seed = per_seed_waits(
        rate,
        c,
        json!({"dist": "exponential", "mean_s": 1.0}),
        500_000.0,
    );
    let (p_wait, mean_wait) = erlang_c(c, rate, 1.0);
    let waits: Vec<f64> = per_seed.iter().map(|s| s.0).collect();
    let waited: Vec<f64> = per_seed.iter().map(|s| s.1).collect();
    assert_within_3_percent(&format!("M/M/{c} ρ={rho} mean wait"), &waits, mean_wait);
    assert_within_3_percent(&format!("M/M/{c} ρ={rho} P(wait)"), &waited, p_wait);
}

#[test]
fn erlang_c_mean_wait_and_probability_of_waiting_at_rho_half_with_one_and_four_gpus() {
    check_erlang_c(1, 0.5);
    check_erlang_c(4, 0.5);
}

#[test]
fn erlang_c_mean_wait_and_probability_of_waiting_at_rho_0_9_with_one_gpu() {
    check_erlang_c(1, 0.9);
}

#[test]
fn erlang_c_mean_wait_and_probability_of_waiting_at_rho_0_9_with_four_gpus() {
    check_erlang_c(4, 0.9);
}

#[test]
fn md1_mean_wait_follows_pollaczek_khinchine() {
    let rho = 0.9;
    let per_seed = per_seed_waits(
        rho,
        1,
        json!({"dist": "constant", "value_s": 1.0}),
        500_000.0,
    );
    let waits: Vec<f64> = per_seed.iter().map(|s| s.0).collect();
    // W_q = ρ S / (2 (1 − ρ)) for deterministic service S.
    assert_within_3_percent("M/D/1 ρ=0.9 mean wait", &waits, rho / (2.0 * (1.0 - rho)));
}

#[test]
fn erlang_c_formula_matches_textbook_values() {
    // M/M/1: P(wait) = ρ, W = ρ/(μ − λ).
    let (p, w) = erlang_c(1, 0.9, 1.0);
    assert!((p - 0.9).abs() < 1e-12 && (w - 9.0).abs() < 1e-9);
    // M/M/2 at a = 1: C = 1/3, W = C / (2 − 1).
    let (p, w) = erlang_c(2, 1.0, 1.0);
    assert!((p - 1.0 / 3.0).abs() < 1e-12 && (w - 1.0 / 3.0).abs() < 1e-12);
}

/// M/M/1 at ρ = 0.7: the mean response time is 1/(μ − λ) = 1/(1 − 0.7) s.
#[test]
fn dedicated_mm1_mean_response_matches_queueing_theory() {
    let scenario = json!({
        "name": "mm1", "horizon": 1_000_000, "seeds": 4, "seed": 11,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": 0.7},
                     "service": {"dist": "exponential", "mean_s": 1.0}},
        "platforms": [{"name": "vm", "type": "dedicated", "usd_per_hour": 1.0}]
    });
    let (_dir, path) = scenario_file(&scenario);
    let report = run_json(&path, &[]);
    let vm = platform(&report, "vm");
    // 2.8M requests: the standard error of the mean response is ~0.4% at this ρ (the
    // asymptotic variance of M/M/1 sojourn means), so 3% is several standard errors.
    let mean_latency = vm["latency_s"]["mean"].as_f64().unwrap();
    assert_close(mean_latency, 1.0 / (1.0 - 0.7), 0.03, "M/M/1 mean response");
    // Mean wait ρ/(μ − λ); utilization ρ.
    assert_close(
        vm["wait_s"]["mean"].as_f64().unwrap(),
        0.7 / 0.3,
        0.03,
        "M/M/1 mean wait",
    );
    assert_close(mean(vm, "gpu_utilization"), 0.7, 0.01, "utilization");
    assert_conserved(vm);
}
