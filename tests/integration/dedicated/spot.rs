//! Spot interruptions: counts, conservation, requeue/fail, fallback.

use serde_json::{Value, json};

use super::{scenario, spot_platform, stat};
use crate::support::*;
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
