//! Daly (2006): one job of work W = n·τ alone on one spot instance with exponential
//! interruptions at rate λ, checkpoint cost C, restore R and downtime D completes in
//! n·(1/λ + D)·e^{λR}·(e^{λ(τ+C)} − 1) on average.
//!
//! How the formula's assumptions map onto servsim's spot model (docs/semantics.md#long-jobs):
//! - interruptions are a Poisson hazard on the serving instance: `interruptions_per_hour`
//!   = 3600·λ; the hazard runs through work, checkpoints and restores, as Daly's does;
//! - Daly's failure is immediate, so `notice_s` is 0 (a notice would let the job work on
//!   after the hazard fired, and the replacement would provision during it);
//! - the downtime D is `replacement_delay` + `model_load`, both constant, during which no
//!   hazard runs (the replacement's hazard starts when it serves);
//! - each of the n segments is τ of work then a checkpoint C; the last interval's
//!   checkpoint is also the final one (W = n·τ), so there are n checkpoints, not n + 1;
//! - a segment's first attempt starts without a restore, every attempt after an
//!   interruption with R — the e^{λR} factor of the formula counts exactly that.

use super::{completion_times, jobs, scenario, spot};

/// W = n·τ with C = 60 s, R = 120 s, D = 300 + 300 s.
fn daly_mean_s(lambda_per_s: f64, n: f64, tau: f64) -> f64 {
    let (c, r, d) = (60.0, 120.0, 600.0);
    n * (1.0 / lambda_per_s + d)
        * (lambda_per_s * r).exp()
        * ((lambda_per_s * (tau + c)).exp() - 1.0)
}

fn check(per_hour: f64, tau: f64, n: f64, seeds: u32) {
    let json = scenario(
        "10d",
        seeds,
        jobs(1, n * tau, Some((tau, 60.0, 120.0))),
        vec![spot("spot", per_hour, 300.0, 300.0)],
    );
    let times = completion_times(&json, 0);
    let k = times.len() as f64;
    let mean = times.iter().sum::<f64>() / k;
    let var = times.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (k - 1.0);
    let se = (var / k).sqrt();
    let expected = daly_mean_s(per_hour / 3600.0, n, tau);
    assert!(
        (mean - expected).abs() <= 4.0 * se,
        "λ = {per_hour}/h, τ = {tau} s: mean completion {mean} s vs Daly {expected} s (se {se})"
    );
}

#[test]
fn one_job_on_spot_completes_in_dalys_time_at_youngs_interval() {
    // Young: √(2C/λ) = √(120 / (0.5/3600)) ≈ 930 s.
    check(0.5, 900.0, 40.0, 600);
}

#[test]
fn one_job_on_spot_completes_in_dalys_time_at_a_long_interval() {
    check(0.5, 3600.0, 10.0, 600);
}

#[test]
fn one_job_on_spot_completes_in_dalys_time_under_frequent_interruptions() {
    // Young: √(120 / (2/3600)) ≈ 465 s.
    check(2.0, 450.0, 80.0, 600);
}

#[test]
fn one_job_on_spot_completes_in_dalys_time_when_checkpoints_are_rare() {
    check(0.2, 7200.0, 5.0, 600);
}

/// τ minimising (W/τ)·(e^{λ(τ+C)} − 1), Daly's mean over τ, by golden-section search.
fn optimal_interval_s(lambda_per_s: f64, c: f64) -> f64 {
    let f = |tau: f64| ((lambda_per_s * (tau + c)).exp() - 1.0) / tau;
    let (mut a, mut b) = (1.0, 1e6);
    let g = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..200 {
        let (x1, x2) = (b - g * (b - a), a + g * (b - a));
        if f(x1) < f(x2) { b = x2 } else { a = x1 }
    }
    (a + b) / 2.0
}

#[test]
fn the_cheapest_checkpoint_interval_of_a_sweep_is_next_to_dalys_optimum() {
    // A backlog of jobs keeps the instance working for the whole horizon, so each job's
    // cost is the horizon's cost over the jobs completed: proportional to the mean
    // completion time, which Daly's formula minimises at τ* (≈ Young's 1800 s here).
    let per_hour = 0.1333;
    let json = scenario(
        "400d",
        16,
        jobs(2000, 36000.0, Some((1800.0, 60.0, 120.0))),
        vec![spot("spot", per_hour, 300.0, 300.0)],
    );
    let (_dir, path) = crate::support::scenario_file(&json);
    let grid = [600.0, 1200.0, 1800.0, 2400.0, 3000.0, 3600.0];
    let values = grid.map(|t| t.to_string()).join(",");
    let out = crate::support::stdout_of(&[
        "sweep",
        crate::support::s(&path),
        "--param",
        "workload.jobs.checkpoint.interval_s",
        "--values",
        &values,
        "--format",
        "json",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    let costs: Vec<f64> = report["points"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p["platforms"][0]["jobs"]["cost_usd_per_job"]["mean"]
                .as_f64()
                .unwrap()
        })
        .collect();
    let cheapest = (0..grid.len())
        .min_by(|&i, &j| costs[i].total_cmp(&costs[j]))
        .unwrap();
    let optimum = optimal_interval_s(per_hour / 3600.0, 60.0);
    assert!(
        (grid[cheapest] - optimum).abs() <= 600.0,
        "cheapest τ = {} s (costs {costs:?}), Daly's optimum {optimum} s",
        grid[cheapest]
    );
    // The optimum is interior: both ends of the grid cost more than the cheapest point.
    assert!(
        costs[0] > costs[cheapest] && costs[5] > costs[cheapest],
        "{costs:?}"
    );
}

#[test]
fn one_job_on_preemptible_serverless_completes_in_dalys_time_with_hazardous_cold_starts() {
    // A container's preemption hazard runs from its start, cold start included, so each
    // boot of K takes (e^{λK} − 1)/λ on average (a boot cut short boots again): that is D,
    // and the first boot costs it too.
    let (per_hour, k, tau, n) = (1.0, 120.0, 900.0, 40.0);
    let modal = serde_json::json!({"name": "modal", "type": "serverless", "gpu_usd_per_s": 0.001,
        "cold_start": super::constant(k), "preemptions_per_hour": per_hour,
        "execution_timeout_s": "24h"});
    let json = scenario(
        "10d",
        600,
        jobs(1, n * tau, Some((tau, 60.0, 120.0))),
        vec![modal],
    );
    let times = completion_times(&json, 0);
    let seeds = times.len() as f64;
    let mean = times.iter().sum::<f64>() / seeds;
    let var = times.iter().map(|t| (t - mean).powi(2)).sum::<f64>() / (seeds - 1.0);
    let se = (var / seeds).sqrt();
    let lambda = per_hour / 3600.0;
    let boot = ((lambda * k).exp() - 1.0) / lambda;
    let expected = boot
        + n * (1.0 / lambda + boot)
            * (lambda * 120.0).exp()
            * ((lambda * (tau + 60.0)).exp() - 1.0);
    assert!(
        (mean - expected).abs() <= 4.0 * se,
        "mean completion {mean} s vs {expected} s (se {se})"
    );
}
