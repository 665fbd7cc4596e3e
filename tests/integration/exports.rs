//! Every export format of `run`, `sweep` and `breakeven`, pinned by insta snapshots, and
//! the keys of `run --format json`, exactly.
//! After an intended change: `INSTA_UPDATE=always cargo test --release` (or
//! `cargo insta review`), then read the diff of `tests/integration/snapshots/`.

use crate::support::*;

const FORMATS: [&str; 4] = ["table", "json", "csv", "markdown"];

#[test]
fn run_exports_match_their_snapshots() {
    let (_dir, path) = scenario_file(&small_scenario());
    for format in FORMATS {
        let out = stdout_of(&["run", path.to_str().unwrap(), "--format", format]);
        insta::assert_snapshot!(format!("run_{format}"), out);
    }
}

#[test]
fn sweep_exports_match_their_snapshots() {
    let (_dir, path) = scenario_file(&small_scenario());
    for format in FORMATS {
        let out = stdout_of(&[
            "sweep",
            path.to_str().unwrap(),
            "--param",
            "platforms.0.scaledown_window_s",
            "--values",
            "2,300",
            "--seeds",
            "2",
            "--slo-p99",
            "3.5",
            "--format",
            format,
        ]);
        insta::assert_snapshot!(format!("sweep_{format}"), out);
    }
}

#[test]
fn breakeven_exports_match_their_snapshots() {
    let (_dir, path) = scenario_file(&small_scenario());
    for format in FORMATS {
        let out = stdout_of(&breakeven_args(
            &path,
            "workload.arrivals.rate_per_s",
            "0.01:0.05:0.02",
            ["serverless", "dedicated"],
            &["--format", format],
        ));
        insta::assert_snapshot!(format!("breakeven_{format}"), out);
    }
}

#[test]
fn json_output_has_exactly_the_spec_keys() {
    let path = project_dir().join("scenarios/burst-batch.json");
    let out = servsim()
        .arg("run")
        .arg(&path)
        .args(["--format", "json", "--seeds", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    let top = [
        "servsim_version",
        "scenario",
        "seed",
        "seeds",
        "horizon_s",
        "platforms",
    ];
    let mut sorted_top = top.to_vec();
    sorted_top.sort();
    assert_eq!(keys(&report), sorted_top, "exactly these top-level keys");
    let positions: Vec<usize> = top
        .iter()
        .map(|k| text.find(&format!("\"{k}\"")).unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "top-level keys in the documented order"
    );
    let p = &report["platforms"][0];
    for key in [
        "name",
        "type",
        "requests",
        "latency_s",
        "wait_s",
        "cold_start_wait_s",
        "p99_latency_s",
        "slo_attainment",
        "cold_start_fraction",
        "containers_started",
        "containers_mean",
        "containers_busy_mean",
        "containers_idle_mean",
        "containers_max",
        "gpu_utilization",
        "cost_usd",
        "cost_usd_per_month",
        "cost_usd_per_million_requests",
        "cost_breakdown_usd",
        "spot",
        "overflow_fraction",
        "unstable",
        "overloaded_at_peak",
    ] {
        assert!(p.get(key).is_some(), "missing {key}");
    }
    fn sorted(mut v: Vec<&'static str>) -> Vec<&'static str> {
        v.sort();
        v
    }
    assert_eq!(
        keys(&p["requests"]),
        sorted(vec![
            "arrived",
            "completed",
            "rejected",
            "timed_out",
            "failed",
            "in_flight_at_end"
        ])
    );
    assert_eq!(
        keys(&p["latency_s"]),
        sorted(vec!["mean", "p50", "p90", "p95", "p99", "p999", "max"])
    );
    assert_eq!(
        keys(&p["cost_usd"]),
        sorted(vec![
            "mean", "std", "ci95", "min", "p5", "p50", "p95", "max"
        ])
    );
}
