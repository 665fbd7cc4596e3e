//! Sweeps, break-even, the SLO-constrained best point, shards and plots (docs/guide.md).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::support::*;

pub const END_H: &str = "workload.rate_profile.windows.0.end_h";

/// Runs `servsim sweep FILE ARGS… --format json`, expects success, returns the JSON.
fn sweep_json(path: &Path, args: &[&str]) -> Value {
    let out = stdout_of(&[&["sweep", s(path)], args, &["--format", "json"]].concat());
    serde_json::from_str(&out).unwrap()
}

fn idealised() -> PathBuf {
    project_dir().join("scenarios/breakeven-h100.json")
}

#[test]
fn idealised_h100_crossing_is_at_14_585_hours_a_day() {
    // Modal busy-only: $0.001097/s × 3600 s × 30 days per active hour = $118.476; Spheron
    // $2.40 × 720 h = $1,728; both linear, so they cross at 1728 / 118.476 = 57.60 / 3.9492.
    let expected = 57.60 / 3.9492;
    let path = idealised();
    for range in ["12:17:1", "2:24"] {
        let out = stdout_of(&breakeven_args(
            &path,
            END_H,
            range,
            ["modal-busy-only", "spheron-on-demand"],
            &["--seeds", "2", "--format", "json"],
        ));
        let report: Value = serde_json::from_str(&out).unwrap();
        let value = report["crossing"]["value"].as_f64().unwrap();
        assert!(
            (value - expected).abs() < 0.1,
            "crossing {value} vs {expected}"
        );
        assert!(
            (value - expected).abs() < 1e-3,
            "linear curves interpolate exactly: {value}"
        );
        // Periodic work is the same for every seed: a zero-width interval.
        let ci = &report["crossing"]["ci95"];
        assert!((ci[0].as_f64().unwrap() - value).abs() < 1e-9, "{ci}");
        assert!((ci[1].as_f64().unwrap() - value).abs() < 1e-9, "{ci}");
        assert_eq!(report["parameter"], END_H);
        assert_eq!(
            report["between"],
            json!(["modal-busy-only", "spheron-on-demand"])
        );
        let first = &report["points"][0]["platforms"];
        assert_eq!(
            first.as_array().unwrap().len(),
            2,
            "only the two compared platforms run"
        );
    }
}

#[test]
fn curves_that_do_not_cross_in_range_give_a_null_crossing_and_exit_0() {
    let path = idealised();
    let args = breakeven_args(
        &path,
        END_H,
        "1:10:3",
        ["modal-busy-only", "spheron-on-demand"],
        &["--seeds", "1"],
    );
    let mut json_args = args.clone();
    json_args.extend(["--format", "json"]);
    let report: Value = serde_json::from_str(&stdout_of(&json_args)).unwrap();
    assert_eq!(report["crossing"], Value::Null);
    assert_eq!(report["points"].as_array().unwrap().len(), 4);
    let message = report["message"].as_str().unwrap();
    // 10 h/day costs 1184.76 (gap 543.24); 1 h/day costs 118.476 (gap 1609.52).
    assert_eq!(
        message,
        format!(
            "no crossing: modal-busy-only is cheaper than spheron-on-demand for every {END_H} in [1, 10], by $543.24 to $1609.52 per month"
        )
    );
    assert!(stdout_of(&args).contains("no crossing: modal-busy-only is cheaper"));
}

/// Periodic arrivals every second, 2.5 s each, for an hour: a dedicated fleet needs 3 GPUs
/// to keep up (latency exactly 2.5 s); with 1 or 2 the queue grows without bound.
fn fleet_scenario() -> Value {
    json!({
        "name": "fleet", "description": "hand-checkable best point", "horizon": "1h", "seeds": 2,
        "workload": { "arrivals": { "process": "periodic", "interval_s": 1 },
                      "service": { "dist": "constant", "value_s": 2.5 } },
        "platforms": [
            { "name": "fleet", "type": "dedicated", "usd_per_hour": 1.0, "instances": 1 },
            { "name": "always-fast", "type": "dedicated", "usd_per_hour": 1.0, "instances": 4 },
            { "name": "too-slow", "type": "dedicated", "usd_per_hour": 0.5, "instances": 1 }
        ]
    })
}

#[test]
fn best_is_the_cheapest_point_meeting_the_p99_slo_with_ties_to_the_earlier_point() {
    let (_dir, path) = scenario_file(&fleet_scenario());
    let report = sweep_json(
        &path,
        &[
            "--param",
            "platforms[0].instances",
            "--values",
            "1,2,3,4",
            "--slo-p99",
            "3",
        ],
    );
    assert_eq!(report["parameters"], json!(["platforms[0].instances"]));
    assert_eq!(report["slo_p99_s"], json!(3.0));
    let best = report["best"].as_array().unwrap();
    assert_eq!(best.len(), 3);
    // 3 GPUs × $1/h × 720 h; latency 2.5 s (bucket middle within 0.1%).
    assert_eq!(best[0]["platform"], "fleet");
    assert_eq!(best[0]["point"], 2);
    assert_eq!(best[0]["values"], json!({"platforms[0].instances": 3}));
    assert_eq!(best[0]["cost_usd_per_month"]["mean"], json!(2160.0));
    assert!((best[0]["p99_latency_s"].as_f64().unwrap() - 2.5).abs() < 0.01);
    // Costs the same everywhere: the first point wins the tie.
    assert_eq!(best[1]["point"], 0);
    assert_eq!(best[1]["cost_usd_per_month"]["mean"], json!(2880.0));
    assert_eq!(best[2], Value::Null, "one slow GPU never meets 3 s");
    // The cheaper points 0 and 1 really do miss the SLO.
    for i in [0, 1] {
        let p99 = report["points"][i]["platforms"][0]["latency_s"]["p99"]
            .as_f64()
            .unwrap();
        assert!(p99 > 3.0, "point {i} p99 {p99}");
    }
    let table = stdout_of(&[
        "sweep",
        s(&path),
        "--param",
        "platforms[0].instances",
        "--values",
        "1,2,3,4",
        "--slo-p99",
        "3",
    ]);
    assert!(table.contains("#2 platforms[0].instances = 3"), "{table}");
    assert!(table.contains("none meets the SLO"), "{table}");
}

/// Timed-out requests never reach the latency histogram: a fleet that times out a quarter
/// of its requests has a fine p99 of the rest, yet does not meet a p99 target.
#[test]
fn best_skips_points_that_drop_more_than_one_percent_of_requests() {
    let scenario = json!({
        "name": "shedding", "horizon": "1h", "seeds": 4,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": 20},
                     "service": {"dist": "exponential", "mean_s": 0.1}, "timeout_s": 0.05},
        "platforms": [{"name": "fleet", "type": "dedicated", "usd_per_hour": 1.0}]
    });
    let (_dir, path) = scenario_file(&scenario);
    let report = sweep_json(
        &path,
        &[
            "--param",
            "platforms.0.instances",
            "--values",
            "1,2,4,6,8",
            "--slo-p99",
            "0.5",
        ],
    );
    // Erlang C with a = 2 Erlangs: P(wait > 0.05 s) = C(c, a) e^{-(cμ-λ) 0.05} is 27% at c = 3,
    // 6.4% at c = 4, 0.24% at c = 6. Every point's completed p99 is below 0.5 s.
    for i in 0..5 {
        let p99 = report["points"][i]["platforms"][0]["latency_s"]["p99"]
            .as_f64()
            .unwrap();
        assert!(p99 < 0.5, "point {i} p99 {p99}");
    }
    let timed_out = |i: usize| {
        report["points"][i]["platforms"][0]["requests"]["timed_out"]["mean"]
            .as_f64()
            .unwrap()
    };
    assert!(
        timed_out(2) > 0.03 * 72_000.0,
        "4 instances shed {}",
        timed_out(2)
    );
    assert_eq!(
        report["best"][0]["values"],
        json!({"platforms.0.instances": 6}),
        "{}",
        report["best"]
    );
}

#[test]
fn sweep_grids_vary_the_last_parameter_fastest_and_apply_every_value() {
    let (_dir, path) = scenario_file(&small_scenario());
    let report = sweep_json(
        &path,
        &[
            "--param",
            "platforms.1.usd_per_hour",
            "--values",
            "1,3",
            "--param",
            "workload.arrivals.rate_per_s",
            "--range",
            "0.01:0.03:0.01",
            "--seeds",
            "2",
        ],
    );
    let points = report["points"].as_array().unwrap();
    assert_eq!(points.len(), 6);
    let values: Vec<(f64, f64)> = points
        .iter()
        .map(|p| {
            let v = &p["values"];
            (
                v["platforms.1.usd_per_hour"].as_f64().unwrap(),
                v["workload.arrivals.rate_per_s"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        values,
        vec![
            (1.0, 0.01),
            (1.0, 0.02),
            (1.0, 0.03),
            (3.0, 0.01),
            (3.0, 0.02),
            (3.0, 0.03)
        ]
    );
    for (p, (usd, rate)) in points.iter().zip(&values) {
        let dedicated = platform(p, "dedicated");
        assert_eq!(mean(dedicated, "cost_usd_per_month"), usd * 720.0);
        // Poisson arrivals over 2 h: the mean count across 2 seeds is near rate × 7200.
        let arrived = dedicated["requests"]["arrived"]["mean"].as_f64().unwrap();
        assert!(
            (arrived - rate * 7200.0).abs() < 5.0 * (rate * 7200.0f64).sqrt(),
            "{arrived} vs {rate}"
        );
    }
}

#[test]
fn bad_paths_and_values_are_exit_2_errors_naming_them() {
    let (_dir, path) = scenario_file(&small_scenario());
    // (command, arguments after the scenario file, what the error must say)
    let cases: [(&str, &[&str], &[&str]); 7] = [
        (
            "sweep",
            &["--param", "platforms.7.min_containers", "--values", "1"],
            &["--param platforms.7.min_containers: platforms has 2 items, so there is no index 7"],
        ),
        (
            "sweep",
            &["--param", "workload.arrivals.rate", "--values", "1"],
            &["workload.arrivals.rate: unknown key"],
        ),
        (
            "sweep",
            &[
                "--param",
                "platforms[0].scaledown_window_s",
                "--values",
                "2,-5",
            ],
            &[
                "at grid point 1 (platforms[0].scaledown_window_s = -5)",
                "platforms[0].scaledown_window_s: expected",
            ],
        ),
        (
            "sweep",
            &["--param", "seeds", "--values", "2,4"],
            &["--param seeds: every point runs the same seeds"],
        ),
        (
            "sweep",
            &["--param", "platforms.0.min_containers"],
            &["needs --values a,b,… or --range start:end:step"],
        ),
        (
            "sweep",
            &[
                "--param",
                "workload.arrivals.rate_per_s",
                "--range",
                "1:0:1",
            ],
            &["--range 1:0:1: expected start ≤ end"],
        ),
        (
            "breakeven",
            &[
                "--param",
                "workload.arrivals.rate_per_s",
                "--range",
                "1:2",
                "--between",
                "serverless",
                "nope",
            ],
            &["has no platform \"nope\" (it has: serverless, dedicated)"],
        ),
    ];
    for (command, args, needles) in cases {
        let e = rejected(&[&[command, s(&path)], args].concat());
        for needle in needles {
            assert!(e.contains(needle), "{e}");
        }
    }
}
