//! Sweeps, break-even, the SLO-constrained best point, shards and plots (SPEC §5, §7).

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::support::*;

const END_H: &str = "workload.rate_profile.windows.0.end_h";

/// A small two-platform scenario: Poisson 0.05/s, 1 s requests, over two hours.
pub fn small_scenario() -> Value {
    json!({
        "name": "exports",
        "description": "small scenario for sweeps and export snapshots",
        "horizon": "2h",
        "seeds": 3,
        "seed": 7,
        "slo": { "latency_s": 5 },
        "workload": {
            "arrivals": { "process": "poisson", "rate_per_s": 0.05 },
            "service": { "dist": "constant", "value_s": 1 }
        },
        "platforms": [
            { "name": "serverless", "type": "serverless", "gpu_usd_per_s": 0.001,
              "cpu_cores": 0, "memory_gib": 0,
              "cold_start": { "dist": "constant", "value_s": 3 }, "scaledown_window_s": 30,
              "billing": { "mode": "lifetime", "granularity_s": 1 } },
            { "name": "dedicated", "type": "dedicated", "usd_per_hour": 2.0 }
        ]
    })
}

/// Runs servsim with `args`, expects success, returns stdout.
pub fn stdout_of(args: &[&str]) -> String {
    let out = servsim().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "servsim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs servsim with `args`, expects exit 2, returns stderr.
fn invalid_stderr(args: &[&str]) -> String {
    let out = servsim().args(args).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "servsim {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stderr).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
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
    for range in [["--range", "12:17:1"], ["--range", "2:24"]] {
        let out = stdout_of(&[
            "breakeven",
            s(&path),
            "--param",
            END_H,
            range[0],
            range[1],
            "--between",
            "modal-busy-only",
            "spheron-on-demand",
            "--seeds",
            "2",
            "--format",
            "json",
        ]);
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
    let args = [
        "breakeven",
        s(&path),
        "--param",
        END_H,
        "--range",
        "1:10:3",
        "--between",
        "modal-busy-only",
        "spheron-on-demand",
        "--seeds",
        "1",
    ];
    let mut json_args = args.to_vec();
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
    let out = stdout_of(&[
        "sweep",
        s(&path),
        "--param",
        "platforms[0].instances",
        "--values",
        "1,2,3,4",
        "--slo-p99",
        "3",
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_str(&out).unwrap();
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

#[test]
fn sweep_grids_vary_the_last_parameter_fastest_and_apply_every_value() {
    let (_dir, path) = scenario_file(&small_scenario());
    let out = stdout_of(&[
        "sweep",
        s(&path),
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
        "--format",
        "json",
    ]);
    let report: Value = serde_json::from_str(&out).unwrap();
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
    let e = invalid_stderr(&[
        "sweep",
        s(&path),
        "--param",
        "platforms.7.min_containers",
        "--values",
        "1",
    ]);
    assert!(
        e.contains(
            "--param platforms.7.min_containers: platforms has 2 items, so there is no index 7"
        ),
        "{e}"
    );
    let e = invalid_stderr(&[
        "sweep",
        s(&path),
        "--param",
        "workload.arrivals.rate",
        "--values",
        "1",
    ]);
    assert!(e.contains("workload.arrivals.rate: unknown key"), "{e}");
    let e = invalid_stderr(&[
        "sweep",
        s(&path),
        "--param",
        "platforms[0].scaledown_window_s",
        "--values",
        "2,-5",
    ]);
    assert!(
        e.contains("at grid point 1 (platforms[0].scaledown_window_s = -5)"),
        "{e}"
    );
    assert!(
        e.contains("platforms[0].scaledown_window_s: expected"),
        "{e}"
    );
    let e = invalid_stderr(&["sweep", s(&path), "--param", "platforms.0.min_containers"]);
    assert!(
        e.contains("needs --values a,b,… or --range start:end:step"),
        "{e}"
    );
    let e = invalid_stderr(&[
        "sweep",
        s(&path),
        "--param",
        "workload.arrivals.rate_per_s",
        "--range",
        "1:0:1",
    ]);
    assert!(e.contains("--range 1:0:1: expected start ≤ end"), "{e}");
    let e = invalid_stderr(&[
        "breakeven",
        s(&path),
        "--param",
        "workload.arrivals.rate_per_s",
        "--range",
        "1:2",
        "--between",
        "serverless",
        "nope",
    ]);
    assert!(
        e.contains("has no platform \"nope\" (it has: serverless, dedicated)"),
        "{e}"
    );
}

/// Runs `args` sharded N ways (each part to a file), merges with `merge_args`, returns the
/// merged output.
fn sharded(dir: &Path, args: &[&str], n: u32, merge_args: &[&str]) -> String {
    let mut parts = Vec::new();
    for k in 1..=n {
        let part = dir.join(format!("part-{k}.json"));
        let shard = format!("{k}/{n}");
        stdout_of(&[args, &["--shard", &shard, "--output", s(&part), "--quiet"]].concat());
        parts.push(part);
    }
    let mut merge = vec!["merge"];
    merge.extend(parts.iter().rev().map(|p| s(p)));
    merge.extend(merge_args);
    stdout_of(&merge)
}

#[test]
fn shards_merge_into_output_byte_identical_to_the_unsharded_run() {
    let (dir, path) = scenario_file(&small_scenario());
    let sweep = [
        "sweep",
        s(&path),
        "--param",
        "platforms.0.scaledown_window_s",
        "--values",
        "2,30",
        "--param",
        "workload.arrivals.rate_per_s",
        "--values",
        "0.02,0.05",
        "--slo-p99",
        "3.5",
        "--seeds",
        "5",
    ];
    for format in ["json", "csv", "table", "markdown"] {
        let whole = stdout_of(&[&sweep[..], &["--format", format, "--threads", "1"]].concat());
        let merged = sharded(dir.path(), &sweep, 3, &["--format", format]);
        assert_eq!(merged, whole, "sweep --format {format}");
    }
    let threads = stdout_of(&[&sweep[..], &["--format", "json", "--threads", "2"]].concat());
    assert_eq!(
        threads,
        stdout_of(&[&sweep[..], &["--format", "json", "--threads", "1"]].concat())
    );
    // A run split four ways over three seeds: one shard has nothing to do, and that is fine.
    let run = ["run", s(&path), "--seeds", "3"];
    let whole = stdout_of(&[&run[..], &["--format", "json"]].concat());
    assert_eq!(sharded(dir.path(), &run, 4, &["--format", "json"]), whole);
}

#[test]
fn merge_refuses_parts_that_are_missing_foreign_incomplete_or_garbage() {
    let (dir, path) = scenario_file(&small_scenario());
    let d = dir.path();
    let shard = |k: u32, n: u32, seeds: &str, name: &str| {
        let part = d.join(name);
        stdout_of(&[
            "sweep",
            s(&path),
            "--param",
            "platforms.0.scaledown_window_s",
            "--values",
            "2,30",
            "--seeds",
            seeds,
            "--shard",
            &format!("{k}/{n}"),
            "--output",
            s(&part),
            "--quiet",
        ]);
        part
    };
    let a1 = shard(1, 3, "3", "a1.json");
    let a2 = shard(2, 3, "3", "a2.json");
    let a3 = shard(3, 3, "3", "a3.json");
    let e = invalid_stderr(&["merge", s(&a1), s(&a3)]);
    assert!(e.contains("missing shard 2/3"), "{e}");
    let e = invalid_stderr(&["merge", s(&a1), s(&a2), s(&a2), s(&a3)]);
    assert!(e.contains("shard 2/3 is given twice"), "{e}");
    let b2 = shard(2, 3, "4", "b2.json");
    let e = invalid_stderr(&["merge", s(&a1), s(&b2), s(&a3)]);
    assert!(
        e.contains("b2.json does not belong with") && e.contains("seeds differ"),
        "{e}"
    );
    let mut cut: Value = serde_json::from_slice(&std::fs::read(&a2).unwrap()).unwrap();
    cut["replicas"].as_array_mut().unwrap().pop();
    let cut_path = d.join("cut.json");
    std::fs::write(&cut_path, serde_json::to_vec(&cut).unwrap()).unwrap();
    let e = invalid_stderr(&["merge", s(&a1), s(&cut_path), s(&a3)]);
    assert!(e.contains("cut.json: shard 2/3 is incomplete"), "{e}");
    let junk = d.join("junk.json");
    std::fs::write(&junk, "{\"not\": \"a shard\"}").unwrap();
    let e = invalid_stderr(&["merge", s(&junk)]);
    assert!(
        e.contains("junk.json: expected a servsim shard file"),
        "{e}"
    );
    let e = invalid_stderr(&[
        "sweep",
        s(&path),
        "--param",
        "seed",
        "--values",
        "1",
        "--shard",
        "4/3",
    ]);
    assert!(e.contains("expected K/N with 1 ≤ K ≤ N"), "{e}");
}

/// The elements of an SVG document with tag `name`, and all its text.
fn svg_parts(svg: &str, name: &str) -> (usize, String) {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let count = doc
        .descendants()
        .filter(|n| n.tag_name().name() == name)
        .count();
    let text: String = doc
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n");
    (count, text)
}

#[test]
fn plots_are_well_formed_svg_with_a_series_per_platform() {
    let (dir, path) = scenario_file(&small_scenario());
    let svg = dir.path().join("sweep.svg");
    stdout_of(&[
        "sweep",
        s(&path),
        "--param",
        "workload.arrivals.rate_per_s",
        "--values",
        "0.01,0.03,0.05",
        "--seeds",
        "2",
        "--plot",
        s(&svg),
        "--quiet",
    ]);
    let (lines, text) = svg_parts(&std::fs::read_to_string(&svg).unwrap(), "polyline");
    assert!(lines >= 2, "a line per platform, found {lines}");
    for name in [
        "serverless",
        "dedicated",
        "workload.arrivals.rate_per_s",
        "exports: cost per month",
    ] {
        assert!(text.contains(name), "missing {name:?}");
    }
    let be = dir.path().join("breakeven.svg");
    stdout_of(&[
        "breakeven",
        s(&path),
        "--param",
        "workload.arrivals.rate_per_s",
        "--range",
        "0.01:0.05:0.02",
        "--between",
        "serverless",
        "dedicated",
        "--plot",
        s(&be),
        "--quiet",
    ]);
    let (lines, text) = svg_parts(&std::fs::read_to_string(&be).unwrap(), "polyline");
    assert!(lines >= 3, "two cost lines and the crossing, found {lines}");
    assert!(text.contains("crossing 0.0"), "{text}");
    let cdf = dir.path().join("cdf.svg");
    stdout_of(&["run", s(&path), "--plot", s(&cdf), "--quiet"]);
    let (lines, text) = svg_parts(&std::fs::read_to_string(&cdf).unwrap(), "polyline");
    assert!(lines >= 2, "a CDF per platform, found {lines}");
    assert!(
        text.contains("serverless") && text.contains("dedicated") && text.contains("latency CDF")
    );
}

#[test]
fn output_is_rewritten_after_each_point_so_an_interrupted_sweep_keeps_its_points() {
    let path = project_dir().join("scenarios/breakeven-h100-realistic.json");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("sweep.json");
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_servsim"))
        .args([
            "sweep",
            s(&path),
            "--param",
            END_H,
            "--range",
            "1:24:0.1",
            "--seeds",
            "2",
            "--threads",
            "1",
            "--format",
            "json",
            "--output",
            s(&out),
            "--quiet",
        ])
        .spawn()
        .unwrap();
    // Wait (bounded) for the first finished point, then stop the sweep.
    let mut waited = 0;
    while !out.exists() && waited < 1200 {
        std::thread::sleep(std::time::Duration::from_millis(50));
        waited += 1;
    }
    child.kill().unwrap();
    child.wait().unwrap();
    let report: Value =
        serde_json::from_slice(&std::fs::read(&out).expect("a checkpoint was written")).unwrap();
    let points = report["points"].as_array().unwrap();
    assert!(
        !points.is_empty() && points.len() < 231,
        "{} points kept",
        points.len()
    );
    for (i, p) in points.iter().enumerate() {
        let end_h = p["values"][END_H].as_f64().unwrap();
        assert!(
            (end_h - (1.0 + 0.1 * i as f64)).abs() < 1e-9,
            "point {i}: {end_h}"
        );
    }
}
