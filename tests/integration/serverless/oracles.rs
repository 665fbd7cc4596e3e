//! Queueing theory and Poisson counts: each tolerance is 3 standard errors of the
//! estimate, and each test also checks that the sample makes that tolerance tight.

use serde_json::json;

use super::{replicas, scenario, serverless, std_error};
use crate::support::*;

/// Mean and standard error of per-seed values.
fn mean_se(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    let m = xs.iter().sum::<f64>() / n;
    let var = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
    (m, (var / n).sqrt())
}

/// Asserts |estimate − oracle| ≤ 3 SE and that 3 SE is within `rel` of the oracle.
fn assert_within_3se(what: &str, estimate: f64, se: f64, oracle: f64, rel: f64) {
    assert!(
        (estimate - oracle).abs() <= 3.0 * se,
        "{what}: {estimate} vs oracle {oracle}, 3 SE = {}",
        3.0 * se
    );
    assert!(
        3.0 * se <= rel * oracle,
        "{what}: the sample is too small, 3 SE = {} > {rel} × {oracle}",
        3.0 * se
    );
}

/// Σ_{k<c} a^k/k! and a^c/c!, the terms of the Erlang formulas.
fn erlang_terms(c: u32, a: f64) -> (f64, f64) {
    let mut term = 1.0;
    let mut below = 0.0;
    for k in 0..c {
        below += term;
        term *= a / (k + 1) as f64;
    }
    (below, term)
}

#[test]
fn zero_cold_start_and_unlimited_containers_is_m_g_infinity() {
    let workload = json!({"arrivals": {"process": "poisson", "rate_per_s": 2},
                          "service": {"dist": "lognormal", "mean_s": 3, "cv": 1.5}});
    // Without the 300 s execution limit, which would fail the longest requests.
    let platforms = vec![
        serverless("queue", json!({"execution_timeout_s": "1d"})),
        serverless(
            "per_request",
            json!({"dispatch": "per_request", "pick": "lru", "execution_timeout_s": "1d"}),
        ),
        json!({"name": "infinite", "type": "dedicated", "usd_per_hour": 1, "instances": 1000}),
    ];
    let (_dir, path) = scenario_file(&scenario(json!("1d"), 8, workload, platforms));
    let report = run_json(&path, &[]);
    let infinite = platform(&report, "infinite");
    for name in ["queue", "per_request"] {
        let p = platform(&report, name);
        // Nobody waits, so each latency is its service demand: the histograms and
        // exact sums equal those of a fleet that never queues.
        assert_eq!(p["wait_s"]["max"], 0.0, "{name}");
        assert_eq!(p["latency_s"], infinite["latency_s"], "{name}");
        assert_eq!(p["requests"], infinite["requests"], "{name}");
        // M/G/∞: the mean number in service is λ E[S] = 6 whatever the distribution.
        let busy = mean(p, "containers_busy_mean");
        let se = std_error(p, "containers_busy_mean", 8);
        assert_within_3se(&format!("{name} busy containers"), busy, se, 6.0, 0.02);
    }
}

#[test]
fn a_fixed_pool_with_queue_dispatch_matches_erlang_c_at_rho_0_9() {
    let (c, lambda) = (4u32, 3.6);
    let workload = json!({"arrivals": {"process": "poisson", "rate_per_s": lambda},
                          "service": {"dist": "exponential", "mean_s": 1}});
    let pool = serverless(
        "pool",
        json!({"min_containers": c, "max_containers": c, "scaledown_window_s": "365d"}),
    );
    let rs = &replicas(&scenario(json!(500_000), 8, workload, vec![pool]))[0];
    let waits: Vec<f64> = rs
        .iter()
        .map(|r| r.outcome.recorder.wait.mean_s().unwrap())
        .collect();
    let (wait, se) = mean_se(&waits);
    let (below, top) = erlang_terms(c, lambda);
    let rho = lambda / c as f64;
    let erlang_c = top / (1.0 - rho) / (below + top / (1.0 - rho));
    let oracle = erlang_c / (c as f64 - lambda);
    assert_within_3se("M/M/4 mean wait", wait, se, oracle, 0.03);
    assert!((wait - oracle).abs() <= 0.03 * oracle);
}

#[test]
fn queue_limit_zero_is_the_erlang_b_loss_system_under_both_dispatch_rules() {
    let (c, a) = (5u32, 4.0);
    let workload = json!({"arrivals": {"process": "poisson", "rate_per_s": a},
                          "service": {"dist": "lognormal", "mean_s": 1, "cv": 2}});
    let platforms = vec![
        serverless(
            "queue",
            json!({"min_containers": c, "max_containers": c, "queue_limit": 0}),
        ),
        serverless(
            "per_request",
            json!({"max_containers": c, "queue_limit": 0, "dispatch": "per_request"}),
        ),
    ];
    let all = replicas(&scenario(json!(100_000), 8, workload, platforms));
    let (below, top) = erlang_terms(c, a);
    // Erlang B is insensitive to the service distribution.
    let oracle = top / (below + top);
    for (name, rs) in ["queue", "per_request"].iter().zip(&all) {
        let lost: Vec<f64> = rs
            .iter()
            .map(|r| {
                let n = &r.outcome.recorder.counts;
                n.rejected as f64 / n.arrived as f64
            })
            .collect();
        let (p, se) = mean_se(&lost);
        assert_within_3se(&format!("{name} loss"), p, se, oracle, 0.02);
    }
}

#[test]
fn preemptions_and_restarts_follow_the_hazard_times_container_hours() {
    let rate_per_h = 3.0;
    let workload = json!({"arrivals": {"process": "poisson", "rate_per_s": 5},
                          "service": {"dist": "exponential", "mean_s": 2}});
    let p = |name: &str, dispatch: &str| {
        serverless(
            name,
            json!({"preemptions_per_hour": rate_per_h, "dispatch": dispatch,
                   "cold_start": {"dist": "lognormal", "mean_s": 10, "cv": 0.5}}),
        )
    };
    let horizon_h = 48.0;
    let s = scenario(
        json!("2d"),
        8,
        workload,
        vec![p("queue", "queue"), p("per_request", "per_request")],
    );
    for (i, rs) in replicas(&s).iter().enumerate() {
        let sum = |f: &dyn Fn(&servsim::experiment::ReplicaResult) -> f64| -> f64 {
            rs.iter().map(f).sum()
        };
        // Poisson counts: the standard error of a count with mean m is √m.
        let live_h = sum(&|r| r.outcome.containers.mean * horizon_h);
        let expected = rate_per_h * live_h;
        let preempted = sum(&|r| r.outcome.recorder.preemptions as f64);
        assert_within_3se(
            &format!("{i}: preemptions"),
            preempted,
            expected.sqrt(),
            expected,
            0.03,
        );
        let restarts = sum(&|r| r.outcome.recorder.restarts as f64);
        let busy_h = sum(&|r| r.outcome.containers.busy_mean * horizon_h);
        if i == 0 {
            // Under `queue` only executing inputs hold a slot: one per busy container.
            let expected = rate_per_h * busy_h;
            assert_within_3se("restarts", restarts, expected.sqrt(), expected, 0.05);
        } else {
            // One input per container (max_inputs 1): executing or waiting for the boot.
            assert!(
                restarts <= preempted && restarts > 0.0,
                "{restarts} vs {preempted}"
            );
        }
        for r in rs {
            assert!(r.outcome.recorder.counts.is_conserved());
            assert_eq!(r.outcome.recorder.counts.failed, 0);
        }
    }
}

#[test]
fn picking_the_least_recently_freed_container_cuts_cold_starts_tenfold_at_an_idle_cost() {
    let workload = json!({"arrivals": {"process": "poisson", "rate_per_s": 5},
                          "service": {"dist": "exponential", "mean_s": 2}});
    let p = |pick: &str| {
        serverless(
            pick,
            json!({"pick": pick, "cold_start": {"dist": "constant", "value_s": 10}}),
        )
    };
    let s = scenario(json!("1d"), 4, workload, vec![p("mru"), p("lru")]);
    let (_dir, path) = scenario_file(&s);
    let report = run_json(&path, &[]);
    let (mru, lru) = (platform(&report, "mru"), platform(&report, "lru"));
    let cold = |p| mean(p, "cold_start_fraction");
    assert!(
        cold(lru) * 10.0 < cold(mru),
        "{} vs {}",
        cold(lru),
        cold(mru)
    );
    assert!(mean(lru, "containers_idle_mean") > 2.0 * mean(mru, "containers_idle_mean"));
    assert!(mean(lru, "cost_usd") > mean(mru, "cost_usd"));
}
