//! One test per billing rule a preset carries, each a small case worked out by hand, and the
//! rounding of a short on-demand fallback with and without a preset.

use serde_json::{Value, json};

use super::*;

fn cost(report: &Value, name: &str) -> f64 {
    mean(platform(report, name), "cost_usd")
}

fn breakdown(report: &Value, name: &str, kind: &str) -> f64 {
    platform(report, name)["cost_breakdown_usd"][kind]["mean"]
        .as_f64()
        .unwrap()
}

#[test]
fn per_second_billing_with_a_minimum_rounds_each_instance_up_then_to_the_minimum() {
    // One instance from t = 0 to the horizon, 600.5 s: per second that is 601 s. Spheron's
    // 20-minute minimum lifts it to 1200 s ($5.07/h today: $1.69); EC2's 60 s minimum does
    // not bind (601 s × $55.04/h = $9.1886…). Over 30.5 s, EC2 bills its 60 s minimum.
    let one = periodic(1e6, 1.0);
    let p = |name: &str, id: &str| json!({"name": name, "preset": id});
    let long = run(&scenario(
        json!(600.5),
        one.clone(),
        vec![p("spheron", "spheron:H100"), p("aws", "aws:p5.48xlarge")],
    ));
    let spheron = fact("spheron:H100", "usd_per_hour");
    let aws = fact("aws:p5.48xlarge", "usd_per_hour");
    assert_exact(cost(&long, "spheron"), 1200.0 * spheron / 3600.0, "spheron");
    assert_exact(cost(&long, "aws"), 601.0 * aws / 3600.0, "aws");
    let short = run(&scenario(
        json!(30.5),
        one,
        vec![p("aws", "aws:p5.48xlarge")],
    ));
    assert_exact(cost(&short, "aws"), 60.0 * aws / 3600.0, "aws over 30.5 s");
}

#[test]
fn a_hand_written_dedicated_platform_rounds_to_the_hour_and_a_preset_can_be_told_to() {
    // 600.5 s on a hand-written platform at $2.40/h: one whole hour, $2.40. The Spheron
    // preset with `billing.granularity_s` 3600 written over it keeps its 1200 s minimum
    // (billing merges key by key) and is billed a whole hour too: $5.07 today.
    let report = run(&scenario(
        json!(600.5),
        periodic(1e6, 1.0),
        vec![
            json!({"name": "hand", "type": "dedicated", "usd_per_hour": 2.40}),
            json!({"name": "hourly-spheron", "preset": "spheron:H100",
                   "billing": {"granularity_s": 3600}}),
        ],
    ));
    assert_exact(cost(&report, "hand"), 2.40, "hand-written");
    let spheron = fact("spheron:H100", "usd_per_hour");
    assert_exact(
        cost(&report, "hourly-spheron"),
        spheron,
        "spheron by the hour",
    );
}

#[test]
fn busy_only_bills_the_rounded_execution_time_and_nothing_else() {
    // Replicate's public models: requests at 0, 100 and 200 s, 2.5 s each, over 300 s. One
    // container (it boots 10 s, then idles in its 300 s window between requests) is busy
    // 7.5 s, rounded per container to 8 s: 8 × $0.001525 = $0.0122 today. Boot and idle
    // are free.
    let report = run(&scenario(
        json!(300),
        periodic(100.0, 2.5),
        vec![
            json!({"name": "replicate", "preset": "replicate:H100", "cold_start": constant(10.0)}),
        ],
    ));
    let per_s = serverless_usd_per_s("replicate:H100");
    assert_exact(cost(&report, "replicate"), 8.0 * per_s, "total");
    assert_exact(breakdown(&report, "replicate", "startup"), 0.0, "startup");
    assert_exact(breakdown(&report, "replicate", "busy"), 7.5 * per_s, "busy");
}

#[test]
fn after_startup_frees_the_cold_start_and_beam_frees_only_the_boot() {
    // Modal, requests at 0, 100 and 200 s (2.5 s each), a 10 s cold start, the 60 s window:
    // each request starts its own container, which boots 10 s, runs 2.5 s and stops 60 s
    // later, 72.5 s after it started. `lifetime` bills 73 s each (219 s); `after_startup`
    // written over the preset bills 62.5 → 63 s each (189 s), startup free.
    //
    // Beam bills on_start but not the machine boot: a 4 s boot (`schedule_delay`, unbilled)
    // then 6 s of model load (`cold_start`, billed). Its 180 s keep-warm keeps the first
    // container for all three requests, billed from 4 s to the horizon: 296 s, 6 s of it
    // startup.
    let workload = periodic(100.0, 2.5);
    let modal = |name: &str, billing: Value| {
        json!({"name": name, "preset": "modal:H100", "cold_start": constant(10.0),
               "billing": billing})
    };
    let report = run(&scenario(
        json!(300),
        workload,
        vec![
            modal("lifetime", json!({})),
            modal("after-startup", json!({"mode": "after_startup"})),
            json!({"name": "beam", "preset": "beam:H100", "schedule_delay": constant(4.0),
                   "cold_start": constant(6.0)}),
        ],
    ));
    let modal_s = serverless_usd_per_s("modal:H100");
    assert_exact(cost(&report, "lifetime"), 219.0 * modal_s, "lifetime");
    assert_exact(
        breakdown(&report, "lifetime", "startup"),
        30.0 * modal_s,
        "lifetime startup",
    );
    assert_exact(
        cost(&report, "after-startup"),
        189.0 * modal_s,
        "after_startup",
    );
    assert_exact(
        breakdown(&report, "after-startup", "startup"),
        0.0,
        "after_startup startup",
    );
    let beam_s = serverless_usd_per_s("beam:H100");
    assert_exact(cost(&report, "beam"), 296.0 * beam_s, "beam");
    assert_exact(
        breakdown(&report, "beam", "startup"),
        6.0 * beam_s,
        "beam startup",
    );
}

#[test]
fn cloud_run_bills_the_whole_instance_lifecycle_in_tenths_of_a_second() {
    // Instance-based billing: one request at t = 0 (2.5 s) on an L4 that takes 5.05 s to
    // start; the instance then idles in its 900 s window until the horizon, 300.04 s. Its
    // whole life is billed, rounded up to 0.1 s: 300.1 s × $0.0002907/s (GPU, 4 vCPU and
    // 16 GiB) = $0.0872…; 5.05 s of it startup and 2.5 s busy.
    let report = run(&scenario(
        json!(300.04),
        periodic(1e6, 2.5),
        vec![json!({"name": "cloudrun", "preset": "cloudrun:L4", "cold_start": constant(5.05)})],
    ));
    let per_s = serverless_usd_per_s("cloudrun:L4");
    assert_exact(cost(&report, "cloudrun"), 300.1 * per_s, "total");
    assert_exact(
        breakdown(&report, "cloudrun", "startup"),
        5.05 * per_s,
        "startup",
    );
    assert_exact(breakdown(&report, "cloudrun", "busy"), 2.5 * per_s, "busy");
}

#[test]
fn a_short_on_demand_fallback_is_billed_its_minimum_under_a_preset_and_an_hour_without() {
    // A spot instance interrupted once an hour; each time an on-demand fallback starts at
    // the notice and serves after 10 s, and the replacement serves 40 s after the notice,
    // which releases the idle fallback: every fallback lives 40 s (less at the horizon,
    // which bills the same). Under spheron:H100-spot that is its 1200 s minimum ($1.69 at
    // $5.07/h), under aws:p5.48xlarge-spot its 60 s minimum ($0.917 at $55.04/h), and on a
    // hand-written platform at $5.07/h a whole hour: $5.07 per interruption.
    let spot = |extra: Value| {
        let mut s = json!({"interruptions_per_hour": 1,
            "replacement_delay": constant(30.0), "model_load": constant(10.0),
            "fallback": "on_demand", "fallback_delay": constant(10.0)});
        s.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        s
    };
    let mut json = scenario(
        json!("2d"),
        periodic(1e6, 1.0),
        vec![
            json!({"name": "spheron", "preset": "spheron:H100-spot", "spot": spot(json!({}))}),
            json!({"name": "aws", "preset": "aws:p5.48xlarge-spot",
                   "spot": spot(json!({"usd_per_hour": 20.0}))}),
            json!({"name": "hand", "type": "dedicated", "usd_per_hour": 5.07,
                   "spot": spot(json!({"usd_per_hour": 2.91}))}),
        ],
    );
    json["seeds"] = json!(4);
    let report = run(&json);
    let per_fallback = [
        (
            "spheron",
            1200.0 * fact("spheron:H100-spot", "usd_per_hour") / 3600.0,
        ),
        (
            "aws",
            60.0 * fact("aws:p5.48xlarge-spot", "usd_per_hour") / 3600.0,
        ),
        ("hand", 5.07),
    ];
    for (name, each) in per_fallback {
        let p = platform(&report, name);
        let interruptions = p["spot"]["interruptions"]["mean"].as_f64().unwrap();
        assert!(
            interruptions >= 10.0,
            "{name}: {interruptions} interruptions"
        );
        let fallback = p["spot"]["fallback_cost_usd"]["mean"].as_f64().unwrap();
        assert_exact(fallback, interruptions * each, name);
    }
}
