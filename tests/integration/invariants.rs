//! Invariants over random valid scenarios (proptest): every arrival is accounted for
//! once, costs are never negative and their breakdown sums to the total, GPU-busy time
//! never exceeds billed GPU time, a completed request's latency is its wait plus its
//! whole service demand, and the same seed gives the same bytes on 1 or 2 threads.
//! Small horizons and rates keep each case to milliseconds.

use proptest::prelude::*;
use serde_json::{Value, json};
use servsim::experiment::{RunOptions, RunReport, run};
use servsim::scenario::Scenario;
use servsim::time::SimDuration;

fn arrival() -> impl Strategy<Value = Value> {
    prop_oneof![
        (0.05f64..3.0).prop_map(|r| json!({"process": "poisson", "rate_per_s": r})),
        (0.3f64..20.0, 0.0f64..1.0)
            .prop_map(|(i, j)| json!({"process": "periodic", "interval_s": i, "jitter_s": j * i})),
        (0.05f64..3.0, 0.0f64..3.0)
            .prop_map(|(r, cv)| json!({"process": "gamma", "rate_per_s": r, "cv": cv})),
        (0.1f64..5.0, 10.0f64..300.0).prop_map(|(r, h)| json!({"process": "mmpp", "states": [
            {"rate_per_s": r, "mean_holding_s": h}, {"rate_per_s": 0, "mean_holding_s": h}]})),
        (60.0f64..600.0, 1u64..30, 0.0f64..1.0).prop_map(
            |(e, c, s)| json!({"process": "bursts", "every_s": e, "count": c, "spacing_s": s})
        ),
    ]
}

/// A service distribution with its bounds in seconds.
fn service() -> impl Strategy<Value = (Value, f64, f64)> {
    prop_oneof![
        (0.01f64..5.0).prop_map(|c| (json!({"dist": "constant", "value_s": c}), c, c)),
        (0.01f64..2.0, 0.0f64..5.0).prop_map(|(lo, w)| {
            (
                json!({"dist": "uniform", "min_s": lo, "max_s": lo + w}),
                lo,
                lo + w,
            )
        }),
    ]
}

fn duration_dist(max_s: f64) -> impl Strategy<Value = Value> {
    prop_oneof![
        (0.0..max_s).prop_map(|v| json!({"dist": "constant", "value_s": v})),
        (0.001..max_s).prop_map(|m| json!({"dist": "exponential", "mean_s": m})),
    ]
}

fn serverless() -> impl Strategy<Value = Value> {
    let pool = (0u32..3, prop::option::of(0u32..4), 0u32..2, 1.0f64..120.0);
    let inputs = (
        1u32..4,
        0u32..4,
        any::<bool>(),
        0usize..4,
        prop::option::of(0u64..20),
    );
    let billing = (0usize..3, 0.0f64..60.0, 0.0f64..120.0);
    let rest = (
        duration_dist(30.0),
        duration_dist(5.0),
        0.5f64..600.0,
        0.0f64..3.0,
    );
    (pool, inputs, billing, rest).prop_map(|(pool, inputs, billing, rest)| {
        let (min, extra, buffer, window) = pool;
        let (max_inputs, target, per_request, pick, queue_limit) = inputs;
        let pick = ["newest", "oldest", "mru", "lru"][pick];
        let mode = ["lifetime", "after_startup", "busy_only"][billing.0];
        let mut p = json!({
            "type": "serverless", "gpu_usd_per_s": 0.001, "min_containers": min,
            "buffer_containers": buffer, "scaledown_window_s": window,
            "max_inputs": max_inputs, "target_inputs": 1 + target % max_inputs,
            "dispatch": if per_request { "per_request" } else { "queue" },
            "pick": pick,
            "billing": {"mode": mode,
                        "granularity_s": billing.1, "minimum_s": billing.2},
            "cold_start": rest.0, "schedule_delay": rest.1,
            "execution_timeout_s": rest.2, "preemptions_per_hour": rest.3
        });
        if let Some(extra) = extra {
            p["max_containers"] = json!(min + extra + 1);
        }
        if let Some(limit) = queue_limit {
            p["queue_limit"] = json!(limit);
        }
        p
    })
}

fn dedicated() -> impl Strategy<Value = Value> {
    let fleet = (
        1u32..3,
        1u32..3,
        1u32..3,
        0.0f64..3600.0,
        prop::option::of(0u64..20),
    );
    let spot = prop::option::of((
        0.0f64..2.0,
        duration_dist(600.0),
        duration_dist(120.0),
        0.0f64..60.0,
        any::<bool>(),
        prop::option::of(duration_dist(300.0)),
    ));
    (fleet, spot).prop_map(|((instances, gpus, inputs, granularity, limit), spot)| {
        let mut p = json!({
            "type": "dedicated", "usd_per_hour": 2.4, "instances": instances,
            "gpus_per_instance": gpus, "max_inputs": inputs,
            "billing": {"granularity_s": granularity}
        });
        if let Some(limit) = limit {
            p["queue_limit"] = json!(limit);
        }
        if let Some((rate, replacement, load, notice, fail, fallback)) = spot {
            let mut s = json!({"usd_per_hour": 0.8, "interruptions_per_hour": rate,
                "replacement_delay": replacement, "model_load": load, "notice_s": notice,
                "on_interrupt": if fail { "fail" } else { "requeue" }});
            if let Some(delay) = fallback {
                s["fallback"] = json!("on_demand");
                s["fallback_delay"] = delay;
            }
            p["spot"] = s;
        }
        p
    })
}

fn platform() -> impl Strategy<Value = Value> {
    let when = prop_oneof![
        (0.0f64..10.0).prop_map(|w| json!({"queue_wait_s": w})),
        (0u64..5).prop_map(|n| json!({"queue_length": n})),
    ];
    prop_oneof![
        serverless(),
        dedicated(),
        (dedicated(), serverless(), when).prop_map(|(mut base, mut overflow, when)| {
            base.as_object_mut().unwrap().remove("type");
            overflow.as_object_mut().unwrap().remove("type");
            json!({"type": "hybrid", "base": base, "overflow": overflow, "overflow_when": when})
        }),
    ]
}

/// A random valid scenario and the bounds of its service demand in seconds.
fn scenario() -> impl Strategy<Value = (Value, f64, f64)> {
    let profile = prop::option::of(prop_oneof![
        (0.0f64..12.0, 1.0f64..12.0, 0.0f64..0.5).prop_map(|(s, len, out)| json!({
            "kind": "daily_windows", "windows": [{"start_h": s, "end_h": s + len, "multiplier": 2}], "outside": out})),
        (0.0f64..1.0, 0.0f64..24.0).prop_map(|(a, h)| json!({"kind": "sinusoid", "amplitude": a, "peak_h": h})),
    ]);
    // A Poisson process first, so that a rate profile always has something to modulate.
    let arrivals =
        (0.05f64..3.0, prop::collection::vec(arrival(), 0..2)).prop_map(|(rate, mut more)| {
            more.insert(0, json!({"process": "poisson", "rate_per_s": rate}));
            more
        });
    let workload = (
        arrivals,
        profile,
        service(),
        prop::option::of(1.0f64..120.0),
    );
    let rest = (
        prop::collection::vec(platform(), 1..4),
        600.0f64..3600.0,
        any::<u32>(),
    );
    (workload, rest).prop_map(|((arrivals, profile, (service, lo, hi), timeout), (platforms, horizon, seed))| {
        let platforms: Vec<Value> = platforms
            .into_iter()
            .enumerate()
            .map(|(i, mut p)| {
                p["name"] = json!(format!("p{i}"));
                p
            })
            .collect();
        let mut w = json!({"arrivals": arrivals, "service": service});
        if let Some(p) = profile {
            w["rate_profile"] = p;
        }
        if let Some(t) = timeout {
            w["timeout_s"] = json!(t);
        }
        let doc = json!({"name": "prop", "horizon": horizon, "seeds": 2, "seed": seed, "slo": {"latency_s": 5},
                         "workload": w, "platforms": platforms});
        (doc, lo, hi)
    })
}

fn report(s: &Scenario, threads: usize) -> (Vec<Vec<servsim::experiment::ReplicaResult>>, String) {
    let opts = RunOptions {
        seeds: s.seeds,
        seed: s.seed,
        threads: Some(threads),
    };
    let results = run(s, opts).expect("the run completes");
    let json = serde_json::to_string(&RunReport::from_results(s, s.seed, &results)).unwrap();
    (results, json)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn invariants_hold_for_any_valid_scenario((doc, lo_s, hi_s) in scenario()) {
        let s = Scenario::from_value(&doc, "prop.json")
            .unwrap_or_else(|e| panic!("the generator makes valid scenarios: {e}\n{doc}"));
        let (results, one_thread) = report(&s, 1);
        let (lo, hi) = (SimDuration::from_secs_f64(lo_s).0 as u128, SimDuration::from_secs_f64(hi_s).0 as u128);
        for (p, rs) in s.platforms.iter().zip(&results) {
            for r in rs {
                let rec = &r.outcome.recorder;
                let b = &r.bill;
                prop_assert!(rec.counts.is_conserved(), "{}: {:?}", p.name, rec.counts);
                for x in [b.total_usd, b.startup_usd, b.busy_usd, b.idle_usd, b.fallback_usd] {
                    prop_assert!(x >= 0.0, "{}: a negative cost in {b:?}", p.name);
                }
                let parts = b.startup_usd + b.busy_usd + b.idle_usd + b.fallback_usd;
                prop_assert!((parts - b.total_usd).abs() <= 1e-9 * b.total_usd.max(1.0), "{}: {b:?}", p.name);
                prop_assert!(b.busy_gpu_s <= b.billed_gpu_s * (1.0 + 1e-12) + 1e-9, "{}: {b:?}", p.name);
                // Each completed request's latency is its wait plus its whole service.
                let n = rec.counts.completed as u128;
                let executing = rec.latency.sum_ns - rec.wait.sum_ns;
                prop_assert!(rec.latency.sum_ns >= rec.wait.sum_ns);
                prop_assert!(n * lo <= executing && executing <= n * hi,
                    "{}: {n} completions executed {executing} ns, outside [{lo}, {hi}] each", p.name);
            }
        }
        let (_, two_threads) = report(&s, 2);
        prop_assert_eq!(one_thread, two_threads);
    }
}
