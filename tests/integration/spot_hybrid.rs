//! Dedicated fleets, spot interruptions with fallback, and the hybrid platform (SPEC §3.2,
//! §3.3): queueing-theory oracles, interruption counts, paired comparisons under common
//! random numbers, validation errors, and the shipped scenarios.

use serde_json::{Value, json};
use servsim::experiment::{RunOptions, run};
use servsim::scenario::Scenario;

use crate::support::*;

// ---------------------------------------------------------------- queueing oracles

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

// ---------------------------------------------------------------- dedicated fleet keys

fn fleet(name: &str, extra: Value) -> Value {
    let mut p = json!({"name": name, "type": "dedicated", "usd_per_hour": 2.0});
    p.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
    p
}

#[test]
fn four_slots_serve_alike_whether_instances_gpus_or_concurrent_inputs() {
    let json = scenario(
        "1d",
        2,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 3.2}, "service": {"dist": "exponential", "mean_s": 1}}),
        vec![
            fleet("4x1x1", json!({"instances": 4})),
            fleet("2x2x1", json!({"instances": 2, "gpus_per_instance": 2})),
            fleet("1x2x2", json!({"instances": 1, "gpus_per_instance": 2, "max_inputs": 2})),
        ],
    );
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    let (a, b, c) = (platform(&report, "4x1x1"), platform(&report, "2x2x1"), platform(&report, "1x2x2"));
    // Identical servers and one FIFO queue: the same start time for every request.
    assert_eq!(a["latency_s"], b["latency_s"]);
    assert_eq!(a["latency_s"], c["latency_s"]);
    assert!(a["wait_s"]["mean"].as_f64().unwrap() > 0.0);
    // Prices are per instance: 4, 2 and 1 instances for a day at $2/h.
    for (p, usd) in [(a, 192.0), (b, 96.0), (c, 48.0)] {
        assert!((mean(p, "cost_usd") - usd).abs() < 1e-9, "{}", p["name"]);
    }
    // GPUs count whatever their inputs: 4, 4 and 2 of them.
    assert_eq!(mean(c, "containers_mean"), 2.0);
    // A GPU is busy while at least one of its inputs runs: the same work on half the GPUs
    // keeps each busier, but less than twice as busy.
    let (ua, uc) = (mean(a, "gpu_utilization"), mean(c, "gpu_utilization"));
    assert!((ua - 0.8).abs() < 0.01, "ρ = 0.8, found {ua}");
    assert!(uc > ua && uc < 1.0, "{uc} vs {ua}");
}

#[test]
fn queue_limit_zero_loses_requests_at_the_erlang_b_rate() {
    // M/M/2/2 at a = 1: B(2, 1) = (1/2) / (1 + 1 + 1/2) = 0.2.
    let json = scenario(
        "5d",
        8,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1}, "service": {"dist": "exponential", "mean_s": 1}}),
        vec![fleet("loss", json!({"instances": 2, "queue_limit": 0}))],
    );
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    let p = platform(&report, "loss");
    assert_conserved(p);
    let share = mean(&p["requests"], "rejected") / mean(&p["requests"], "arrived");
    // 8 × 432,000 arrivals: the standard error of the share is about 0.0003.
    assert!((share - 0.2).abs() < 0.002, "rejected share {share}");
    assert_eq!(p["wait_s"]["max"].as_f64(), Some(0.0));
}

#[test]
fn each_instance_span_is_rounded_up_and_held_to_the_minimum() {
    let json = scenario(
        "1.5h",
        1,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 0.1}, "service": {"dist": "constant", "value_s": 1}}),
        vec![
            fleet("hourly", json!({"instances": 2})),
            fleet("per-second", json!({"instances": 2, "billing": {"granularity_s": 1}})),
            fleet("minimum", json!({"instances": 2, "billing": {"granularity_s": 1, "minimum_s": "3h"}})),
        ],
    );
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    // $2/h per instance; 1.5 h billed as 2 h, 1.5 h, or the 3 h minimum, per instance.
    for (name, usd) in [("hourly", 8.0), ("per-second", 6.0), ("minimum", 12.0)] {
        let cost = mean(platform(&report, name), "cost_usd");
        assert!((cost - usd).abs() < 1e-9, "{name}: {cost}");
    }
}

// ---------------------------------------------------------------- spot instances

/// A spot fleet of `instances` single-GPU VMs with constant replacement delays.
fn spot_platform(name: &str, instances: u32, spot: Value) -> Value {
    json!({
        "name": name, "type": "dedicated", "instances": instances, "usd_per_hour": 5.07,
        "billing": {"granularity_s": 1, "minimum_s": 60},
        "spot": spot
    })
}

fn scenario(horizon: &str, seeds: u32, workload: Value, platforms: Vec<Value>) -> Value {
    json!({"name": "spot-hybrid-test", "horizon": horizon, "seeds": seeds, "seed": 3,
           "workload": workload, "platforms": platforms})
}

/// `p[key]` as a Stat's `field`.
fn stat(p: &Value, key: &str, field: &str) -> f64 {
    let mut v = p;
    for k in key.split('.') {
        v = &v[k];
    }
    v[field]
        .as_f64()
        .unwrap_or_else(|| panic!("{key}.{field} missing in {p}"))
}

#[test]
fn interruption_counts_follow_the_hazard_over_serving_time() {
    // Each slot alternates an Exp(2 h) serving period and a 0.25 h outage (600 s until a
    // VM is up + 300 s model load, counted from the notice), so a renewal argument gives
    // E[N] = instances × H / (1/rate + outage).
    let spot = |fallback: Value| {
        let mut s = json!({
            "usd_per_hour": 2.91, "interruptions_per_hour": 0.5, "notice_s": 120,
            "replacement_delay": {"dist": "constant", "value_s": 600},
            "model_load": {"dist": "constant", "value_s": 300}
        });
        s.as_object_mut()
            .unwrap()
            .extend(fallback.as_object().unwrap().clone());
        s
    };
    let json = scenario(
        "30d",
        12,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 0.05},
               "service": {"dist": "exponential", "mean_s": 10}}),
        vec![
            spot_platform("wait", 4, spot(json!({}))),
            spot_platform(
                "fallback",
                4,
                spot(
                    json!({"fallback": "on_demand", "fallback_delay": {"dist": "constant", "value_s": 180}}),
                ),
            ),
        ],
    );
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    let wait = platform(&report, "wait");
    let expected = 4.0 * 720.0 / (1.0 / 0.5 + 0.25);
    let mean = stat(wait, "spot.interruptions", "mean");
    let se = stat(wait, "spot.interruptions", "std") / 12f64.sqrt();
    eprintln!("interruptions per replica: {mean:.1} ± {se:.1} (se), renewal theory {expected:.1}");
    assert!(
        se > 0.0 && (mean - expected).abs() < 3.0 * se,
        "{mean} vs {expected}, se {se}"
    );
    // The fallback policy does not change when spot instances are interrupted.
    let fb = platform(&report, "fallback");
    for field in ["mean", "min", "max"] {
        assert_eq!(
            stat(fb, "spot.interruptions", field),
            stat(wait, "spot.interruptions", field)
        );
    }
    // Capacity lost: every outage lasts 900 s without fallback, 180 s with it.
    let lost = stat(wait, "spot.capacity_s_lost", "mean");
    assert!(
        (lost / mean - 900.0).abs() < 900.0 * 0.01,
        "lost {lost} over {mean} interruptions"
    );
    let lost_fb = stat(fb, "spot.capacity_s_lost", "mean");
    assert!(
        (lost_fb / mean - 180.0).abs() < 180.0 * 0.01,
        "lost {lost_fb}"
    );
}

/// Batch-like work (10-minute jobs) on 2 spot VMs with a 30 s notice: jobs running at
/// the end of a notice are requeued or failed.
fn long_jobs(on_interrupt: &str) -> Value {
    spot_platform(
        on_interrupt,
        2,
        json!({"usd_per_hour": 2.91, "interruptions_per_hour": 1.0, "notice_s": 30,
               "replacement_delay": {"dist": "lognormal", "mean_s": 300, "cv": 1},
               "model_load": {"dist": "constant", "value_s": 60},
               "on_interrupt": on_interrupt}),
    )
}

#[test]
fn requests_are_conserved_through_interruptions_and_requeue_fails_nothing() {
    let json = scenario(
        "7d",
        4,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 0.0015},
               "service": {"dist": "lognormal", "mean_s": 600, "cv": 0.5}}),
        vec![long_jobs("requeue"), long_jobs("fail")],
    );
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    let requeue = platform(&report, "requeue");
    assert_conserved(requeue);
    assert_eq!(stat(requeue, "requests.failed", "max"), 0.0);
    assert!(
        stat(requeue, "spot.requeued", "min") > 0.0,
        "some jobs were running at a notice's end"
    );
    let fail = platform(&report, "fail");
    assert_conserved(fail);
    assert!(stat(fail, "requests.failed", "min") > 0.0);
    assert_eq!(stat(fail, "spot.requeued", "max"), 0.0);
    // Requeued work reruns from scratch: more GPU-busy time for the same completions.
    assert!(
        stat(requeue, "cost_breakdown_usd.busy", "mean")
            > stat(fail, "cost_breakdown_usd.busy", "mean")
    );
}

#[test]
fn an_on_demand_fallback_costs_more_and_cuts_p99_on_every_seed() {
    let spot = |fallback: &str| {
        let mut s = json!({
            "usd_per_hour": 2.91, "interruptions_per_hour": 0.25, "notice_s": 120,
            "replacement_delay": {"dist": "lognormal", "mean_s": 1200, "cv": 0.5},
            "model_load": {"dist": "constant", "value_s": 120},
            "fallback": fallback
        });
        if fallback == "on_demand" {
            s["fallback_delay"] = json!({"dist": "constant", "value_s": 180});
        }
        s
    };
    let json = scenario(
        "2d",
        1,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1.2},
               "service": {"dist": "exponential", "mean_s": 1}}),
        vec![
            spot_platform("wait", 2, spot("wait")),
            spot_platform("on-demand", 2, spot("on_demand")),
        ],
    );
    let (_dir, path) = scenario_file(&json);
    for seed in ["1", "2", "3", "4"] {
        let report = run_json(&path, &["--seed", seed]);
        let (wait, od) = (platform(&report, "wait"), platform(&report, "on-demand"));
        let cost = |p: &Value| mean(p, "cost_usd");
        let p99 = |p: &Value| mean(p, "p99_latency_s");
        eprintln!(
            "seed {seed}: wait ${:.2} p99 {:.1} s; on_demand ${:.2} (fallback ${:.2}) p99 {:.1} s",
            cost(wait),
            p99(wait),
            cost(od),
            stat(od, "spot.fallback_cost_usd", "mean"),
            p99(od)
        );
        assert!(stat(wait, "spot.interruptions", "mean") > 0.0);
        assert!(
            cost(od) > cost(wait),
            "seed {seed}: the fallback costs extra"
        );
        assert!(
            p99(od) < p99(wait),
            "seed {seed}: the fallback shortens outages"
        );
        let fallback_cost = stat(od, "cost_breakdown_usd.fallback", "mean");
        assert!(fallback_cost > 0.0);
        assert_eq!(fallback_cost, stat(od, "spot.fallback_cost_usd", "mean"));
    }
}

// ---------------------------------------------------------------- hybrid

/// Poisson at 1/s with two 3-hour peaks at 3/s a day; 1 s jobs.
fn bursty() -> Value {
    json!({
        "arrivals": {"process": "poisson", "rate_per_s": 1.0},
        "rate_profile": {"kind": "daily_windows", "outside": 1,
            "windows": [{"start_h": 9, "end_h": 12, "multiplier": 3}, {"start_h": 14, "end_h": 17, "multiplier": 3}]},
        "service": {"dist": "lognormal", "mean_s": 1, "cv": 0.5}
    })
}

fn base() -> Value {
    json!({"instances": 2, "usd_per_hour": 2.01, "billing": {"granularity_s": 1}})
}

fn modal() -> Value {
    json!({"gpu_usd_per_s": 0.001097, "cold_start": {"dist": "lognormal", "mean_s": 20, "cv": 0.5}})
}

fn hybrid(name: &str, when: Value) -> Value {
    json!({"name": name, "type": "hybrid", "base": base(), "overflow": modal(), "overflow_when": when})
}

#[test]
fn a_hybrid_absorbs_bursts_and_overflows_nothing_under_a_huge_threshold() {
    let mut dedicated = base();
    dedicated["name"] = json!("dedicated");
    dedicated["type"] = json!("dedicated");
    let json = scenario(
        "2d",
        4,
        bursty(),
        vec![
            dedicated,
            hybrid("hybrid", json!({"queue_wait_s": 5})),
            hybrid("by-length", json!({"queue_length": 4})),
            hybrid("never", json!({"queue_wait_s": 1e12})),
        ],
    );
    let (_dir, path) = scenario_file(&json);
    let report = run_json(&path, &[]);
    let (ded, hyb, never) = (
        platform(&report, "dedicated"),
        platform(&report, "hybrid"),
        platform(&report, "never"),
    );
    let p99 = |p: &Value| p["latency_s"]["p99"].as_f64().unwrap();
    eprintln!(
        "p99: dedicated {:.1} s, hybrid {:.2} s (overflow {:.1}%, ${:.2} + ${:.2})",
        p99(ded),
        p99(hyb),
        stat(hyb, "overflow_fraction", "mean") * 100.0,
        stat(hyb, "parts.base.cost_usd", "mean"),
        stat(hyb, "parts.overflow.cost_usd", "mean"),
    );
    assert!(p99(hyb) < p99(ded) / 10.0, "overflow absorbs the peaks");
    for p in [hyb, platform(&report, "by-length")] {
        assert_conserved(p);
        assert!(stat(p, "overflow_fraction", "min") > 0.0);
        let parts =
            stat(p, "parts.base.cost_usd", "mean") + stat(p, "parts.overflow.cost_usd", "mean");
        assert!(
            (parts - stat(p, "cost_usd", "mean")).abs() < 1e-6 * parts,
            "total = sum of parts"
        );
        let arrived = stat(p, "parts.base.requests.arrived", "mean")
            + stat(p, "parts.overflow.requests.arrived", "mean");
        assert_eq!(arrived, stat(p, "requests.arrived", "mean"));
    }
    // With a huge threshold the hybrid is its base: same latencies, same cost.
    assert_eq!(stat(never, "overflow_fraction", "max"), 0.0);
    assert_eq!(never["latency_s"], ded["latency_s"]);
    assert_eq!(
        stat(never, "cost_usd", "mean"),
        stat(ded, "cost_usd", "mean")
    );
    assert_eq!(stat(never, "parts.overflow.cost_usd", "max"), 0.0);
}

/// Routes 10 simultaneous 10-second requests through a hybrid whose base has two GPUs;
/// returns how many overflowed.
fn overflowed_of_ten(when: Value, mean_service_s: Option<f64>) -> u64 {
    use servsim::engine::Simulation;
    use servsim::platform::{Hybrid, PlatformModel};
    use servsim::random::Seeds;
    use servsim::time::{SimDuration, SimTime};
    use servsim::workload::Request;
    let json = scenario(
        "1h",
        1,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1}, "service": {"dist": "constant", "value_s": 10}}),
        vec![
            json!({"name": "h", "type": "hybrid", "base": {"instances": 2, "usd_per_hour": 1},
                    "overflow": modal(), "overflow_when": when}),
        ],
    );
    let s = Scenario::from_value(&json, "routing").unwrap();
    let PlatformModel::Hybrid(cfg) = s.platforms[0].model.clone() else {
        panic!("a hybrid")
    };
    let mut sim = Simulation::new(Hybrid::new(
        cfg,
        Seeds::new(1, 0),
        None,
        None,
        mean_service_s,
    ));
    sim.init(|m, ctx| m.start(ctx));
    let service = SimDuration::from_secs(10);
    let arrivals = (0..10).map(|i| {
        (
            SimTime(i),
            Request {
                arrival: SimTime(i),
                service,
            },
        )
    });
    sim.run_until(SimTime::from_secs_f64(3600.0), arrivals);
    let outcome = sim.into_model().finish(SimTime::from_secs_f64(3600.0));
    assert_eq!(
        outcome.base.recorder.counts.arrived + outcome.overflowed,
        10
    );
    outcome.overflowed
}

#[test]
fn hybrid_routing_follows_the_expected_wait_and_queue_length_rules() {
    // Two run at once; then the k-th waiting one expects (k + 1) × 10 s / 2 GPUs:
    // 5, 10, 15, 20, 25 s stay (25 is not above 25), the next three overflow.
    assert_eq!(
        overflowed_of_ten(json!({"queue_wait_s": 25}), Some(10.0)),
        3
    );
    assert_eq!(
        overflowed_of_ten(json!({"queue_wait_s": 24.9}), Some(10.0)),
        4
    );
    // A running mean of the demands seen so far gives the same routes here.
    assert_eq!(overflowed_of_ten(json!({"queue_wait_s": 25}), None), 3);
    // queue_length N: overflow once N are already waiting.
    assert_eq!(overflowed_of_ten(json!({"queue_length": 3}), None), 5);
    assert_eq!(overflowed_of_ten(json!({"queue_length": 0}), None), 10);
}

// ---------------------------------------------------------------- validation

#[test]
fn bad_spot_and_hybrid_keys_are_reported_with_file_and_path() {
    let json = scenario(
        "1d",
        1,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1}, "service": {"dist": "constant", "value_s": 1}}),
        vec![
            spot_platform(
                "a",
                1,
                json!({"usd_per_hour": 1, "interruptions_per_hour": 1, "interruptions_per_month": 3}),
            ),
            spot_platform(
                "b",
                1,
                json!({"usd_per_hour": 1, "interruptions_per_month": 3, "on_interrupt": "retry",
                                         "fallback": "on_demand", "model_load": {"dist": "constant", "value_s": 1}}),
            ),
            spot_platform(
                "c",
                1,
                json!({"usd_per_hour": 1, "interruptions_per_hour": 0,
                                         "fallback_delay": {"dist": "constant", "value_s": 1}, "notice_s": -1}),
            ),
            spot_platform("d", 1, json!({"usd_per_hour": 1})),
            json!({"name": "h", "type": "hybrid", "base": {"name": "x", "usd_per_hour": 1},
                   "overflow": {"type": "dedicated", "gpu_usd_per_s": 0.001, "cold_start": {"dist": "constant", "value_s": 1}},
                   "overflow_when": {"queue_wait_s": 1, "queue_length": 2}}),
            json!({"name": "h2", "type": "hybrid", "base": {"usd_per_hour": 1}, "overflow_when": {}}),
        ],
    );
    let (_dir, path) = scenario_file(&json);
    let out = servsim().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let file = path.display().to_string();
    for needle in [
        "platforms[0].spot: expected one of interruptions_per_hour or interruptions_per_month, found both",
        "platforms[1].spot.on_interrupt: expected one of \"requeue\", \"fail\", found \"retry\"",
        "platforms[1].spot.replacement_delay: missing required key (required when interruptions are possible)",
        "platforms[1].spot.fallback_delay: missing required key (required with fallback \"on_demand\")",
        "platforms[2].spot.notice_s: expected a duration that is a number ≥ 0, found -1",
        "platforms[2].spot.fallback_delay: expected fallback_delay only with fallback \"on_demand\"",
        "platforms[3].spot.interruptions_per_hour: missing required key",
        "platforms[4].base.name: unknown key",
        "platforms[4].overflow.type: expected one of \"serverless\", found \"dedicated\"",
        "platforms[4].overflow_when: expected exactly one of queue_wait_s or queue_length, found both",
        "platforms[5].overflow: missing required key",
        "platforms[5].overflow_when: expected exactly one of queue_wait_s or queue_length, found neither",
    ] {
        assert!(
            err.contains(&format!("{file}: {needle}")),
            "missing {needle:?} in:\n{err}"
        );
    }
}

// ---------------------------------------------------------------- shipped scenarios

#[test]
fn the_shipped_spot_and_hybrid_scenarios_run_and_are_deterministic_across_threads() {
    for name in ["spot-failover.json", "hybrid-overflow.json"] {
        let path = project_dir().join("scenarios").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let json: Value = serde_json::from_str(&text).unwrap();
        assert!(
            json["description"]
                .as_str()
                .is_some_and(|d| d.contains("platforms.md")),
            "{name} cites its source"
        );
        let one = servsim()
            .arg("run")
            .arg(&path)
            .args(["--seeds", "2", "--threads", "1", "--format", "json"])
            .output()
            .unwrap();
        let two = servsim()
            .arg("run")
            .arg(&path)
            .args(["--seeds", "2", "--threads", "2", "--format", "json"])
            .output()
            .unwrap();
        assert!(
            one.status.success(),
            "{}",
            String::from_utf8_lossy(&one.stderr)
        );
        assert_eq!(
            one.stdout, two.stdout,
            "{name}: same bytes for any thread count"
        );
        let report: Value = serde_json::from_slice(&one.stdout).unwrap();
        for p in report["platforms"].as_array().unwrap() {
            assert_conserved(p);
        }
    }
}
