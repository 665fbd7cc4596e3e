//! Verdicts against an SLO (docs/semantics.md#sweeps): `meets_slo` per platform and
//! `cheapest_meeting_slo` per run and sweep point, on merged-histogram p99s, the same
//! numbers in the table, in `best` and in the plots.

use std::path::Path;

use serde_json::{Value, json};

use crate::support::*;

/// Arrivals every 10 s of 1 s requests for an hour, on three platforms whose latencies
/// are exact:
/// - `cold`: scale-to-zero serverless, 5 s cold start, 2 s scaledown window. Every request
///   finds no container (the last one stopped 2 s after its request finished, 4 s before
///   the next arrival): latency 5 + 1 = 6 s. Each container lives 8 s, billed by
///   lifetime at $0.001/s: 360 arrivals × $0.008 = $2.88 an hour, $2,073.60 a month.
/// - `warm`: one container kept warm: latency 1 s; one container for the whole hour,
///   $3.60 an hour, $2,592 a month.
/// - `dedicated`: one GPU at $4/h: latency 1 s, $2,880 a month.
fn verdict_scenario() -> Value {
    json!({
        "name": "verdicts", "description": "hand-checkable verdicts", "horizon": "1h",
        "seeds": 2, "seed": 5,
        "workload": { "arrivals": { "process": "periodic", "interval_s": 10 },
                      "service": { "dist": "constant", "value_s": 1 } },
        "platforms": [
            { "name": "cold", "type": "serverless", "gpu_usd_per_s": 0.001,
              "cpu_cores": 0, "memory_gib": 0,
              "cold_start": { "dist": "constant", "value_s": 5 }, "scaledown_window_s": 2,
              "billing": { "mode": "lifetime", "granularity_s": 1 } },
            { "name": "warm", "type": "serverless", "gpu_usd_per_s": 0.001,
              "cpu_cores": 0, "memory_gib": 0, "min_containers": 1,
              "cold_start": { "dist": "constant", "value_s": 5 }, "scaledown_window_s": 2,
              "billing": { "mode": "lifetime", "granularity_s": 1 } },
            { "name": "dedicated", "type": "dedicated", "usd_per_hour": 4.0 }
        ]
    })
}

fn close(x: &Value, want: f64, rel: f64) -> bool {
    x.as_f64().is_some_and(|x| (x - want).abs() <= want * rel)
}

fn json_of(args: &[&str]) -> Value {
    serde_json::from_str(&stdout_of(args)).expect("JSON output")
}

#[test]
fn a_run_names_the_cheapest_platform_meeting_the_p99_target_and_each_platform_s_verdict() {
    let (_dir, path) = scenario_file(&verdict_scenario());
    let r = json_of(&["run", s(&path), "--format", "json", "--slo-p99", "2"]);
    let month = |name: &str| mean(platform(&r, name), "cost_usd_per_month");
    assert!((month("cold") - 2073.6).abs() < 1e-6, "{}", month("cold"));
    assert!((month("warm") - 2592.0).abs() < 1e-6, "{}", month("warm"));
    assert!((month("dedicated") - 2880.0).abs() < 1e-6);
    // p99s from the merged histogram: bucket middles within 0.05%.
    assert!(close(&platform(&r, "cold")["latency_s"]["p99"], 6.0, 5e-4));
    assert!(close(&platform(&r, "warm")["latency_s"]["p99"], 1.0, 5e-4));
    assert_eq!(platform(&r, "cold")["meets_slo"], json!(false));
    assert_eq!(platform(&r, "warm")["meets_slo"], json!(true));
    assert_eq!(platform(&r, "dedicated")["meets_slo"], json!(true));
    assert_eq!(r["slo_p99_s"], json!(2.0));
    let c = &r["cheapest_meeting_slo"];
    assert_eq!(c["platform"], "warm");
    assert_eq!(c["cost_usd_per_month"]["mean"], json!(2592.0));
    assert_eq!(c["p99_latency_s"], platform(&r, "warm")["latency_s"]["p99"]);

    // A looser target: everything meets it, and the cheapest overall wins.
    let r = json_of(&["run", s(&path), "--format", "json", "--slo-p99", "6.1"]);
    assert_eq!(r["cheapest_meeting_slo"]["platform"], "cold");
    // Tighter than every p99: the verdict is null, every platform misses.
    let r = json_of(&["run", s(&path), "--format", "json", "--slo-p99", "0.5"]);
    assert_eq!(r["cheapest_meeting_slo"], Value::Null);
    assert!(r.get("cheapest_meeting_slo").is_some(), "null, not absent");
    for p in r["platforms"].as_array().unwrap() {
        assert_eq!(p["meets_slo"], json!(false), "{}", p["name"]);
    }
    // Without an SLO neither key is there.
    let r = json_of(&["run", s(&path), "--format", "json"]);
    assert!(r.get("cheapest_meeting_slo").is_none() && r.get("slo_p99_s").is_none());
    assert!(r["platforms"][0].get("meets_slo").is_none());
}

#[test]
fn the_scenario_s_slo_latency_is_the_p99_target_when_no_flag_is_given() {
    let mut scenario = verdict_scenario();
    scenario["slo"] = json!({ "latency_s": 2 });
    let (_dir, path) = scenario_file(&scenario);
    let r = json_of(&["run", s(&path), "--format", "json"]);
    assert_eq!(r["slo_p99_s"], json!(2.0));
    assert_eq!(r["cheapest_meeting_slo"]["platform"], "warm");
    // The flag replaces the scenario's latency target.
    let r = json_of(&["run", s(&path), "--format", "json", "--slo-p99", "7"]);
    assert_eq!(r["cheapest_meeting_slo"]["platform"], "cold");
    let table = stdout_of(&["run", s(&path)]);
    assert!(
        table.contains(
            "cheapest meeting the SLO (p99 ≤ 2.000 s, with at least 99% of requests completed): warm, 2,592.00 ± 0.00 USD a month, p99 latency 1.000 s ± 0 s"
        ),
        "{table}"
    );
    let row = table.lines().find(|l| l.contains("meets the SLO")).unwrap();
    let cells: Vec<&str> = row.split('┆').map(str::trim).collect();
    assert_eq!(cells[1..], ["no", "yes", "yes │"], "{row}");
    let csv = stdout_of(&["run", s(&path), "--format", "csv"]);
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let at = header.iter().position(|c| *c == "meets_slo").unwrap();
    let named = header
        .iter()
        .position(|c| *c == "cheapest_meeting_slo")
        .unwrap();
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let column = |at: usize| rows.iter().map(|r| r[at]).collect::<Vec<_>>();
    assert_eq!(column(at), ["false", "true", "true"]);
    assert_eq!(column(named), ["false", "true", "false"]);
}

/// Cold start 0.5 s at point 0 (latency 1.5 s; each container lives 3.5 s, billed 4 s:
/// $1.44 an hour, $1,036.80 a month) and 5 s at point 1 (latency 6 s).
fn sweep_cold_start(path: &Path, format: &str) -> String {
    stdout_of(&[
        "sweep",
        s(path),
        "--param",
        "platforms.0.cold_start.value_s",
        "--values",
        "0.5,5",
        "--slo-p99",
        "2",
        "--format",
        format,
    ])
}

#[test]
fn each_sweep_point_names_its_cheapest_platform_meeting_the_slo_consistently_with_best() {
    let (_dir, path) = scenario_file(&verdict_scenario());
    let r: Value = serde_json::from_str(&sweep_cold_start(&path, "json")).unwrap();
    let points = r["points"].as_array().unwrap();
    let first = &points[0]["cheapest_meeting_slo"];
    assert_eq!(first["platform"], "cold");
    assert!((first["cost_usd_per_month"]["mean"].as_f64().unwrap() - 1036.8).abs() < 1e-6);
    assert!(close(&first["p99_latency_s"], 1.5, 5e-4));
    assert_eq!(points[1]["cheapest_meeting_slo"]["platform"], "warm");
    let verdicts = |i: usize| -> Vec<Value> {
        points[i]["platforms"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["meets_slo"].clone())
            .collect()
    };
    assert_eq!(verdicts(0), [json!(true), json!(true), json!(true)]);
    assert_eq!(verdicts(1), [json!(false), json!(true), json!(true)]);
    // `best` per platform: cold at point 0; warm and dedicated cost the same at both
    // points, so the earlier wins.
    let best = r["best"].as_array().unwrap();
    assert_eq!(best[0]["point"], 0);
    assert_eq!(best[1]["point"], 0);
    assert_eq!(best[2]["point"], 0);
    for (k, b) in best.iter().enumerate() {
        let at = b["point"].as_u64().unwrap() as usize;
        assert_eq!(points[at]["platforms"][k]["meets_slo"], json!(true));
        assert_eq!(
            b["p99_latency_s"],
            points[at]["platforms"][k]["latency_s"]["p99"]
        );
    }
    let table = sweep_cold_start(&path, "table");
    assert!(
        table.contains("cheapest platform at each point with p99 ≤ 2.000 s"),
        "{table}"
    );
    let row = |i: &str| {
        table
            .lines()
            .find(|l| l.contains("meeting it") || l.starts_with(&format!("│ {i} ┆")))
            .map(String::from)
    };
    assert!(row("0").is_some());
    assert!(table.contains("3 of 3: cold, warm, dedicated"), "{table}");
    assert!(table.contains("2 of 3: warm, dedicated"), "{table}");
}

/// One spot GPU on arrivals every 2 s of 1 s requests for 4 hours: one interruption in
/// six seeds takes the GPU away for 10 minutes, and the requests queued behind it make
/// that seed's p99 huge while the other five stay at 1 s. The mean of the per-seed p99s
/// and the p99 of all requests together are then far apart.
fn spot_scenario() -> Value {
    json!({
        "name": "spot-few", "horizon": "4h", "seeds": 6, "seed": 3,
        "workload": { "arrivals": { "process": "periodic", "interval_s": 2 },
                      "service": { "dist": "constant", "value_s": 1 } },
        "platforms": [
            { "name": "spot", "type": "dedicated", "instances": 1, "usd_per_hour": 4.0,
              "spot": { "usd_per_hour": 1.0, "interruptions_per_hour": 0.03, "notice_s": 30,
                        "replacement_delay": { "dist": "constant", "value_s": 600 },
                        "model_load": { "dist": "constant", "value_s": 0 },
                        "on_interrupt": "requeue", "fallback": "wait" } },
            { "name": "on-demand", "type": "dedicated", "instances": 1, "usd_per_hour": 4.0 }
        ]
    })
}

/// The cells of the table row labelled `label`.
fn row_cells(table: &str, label: &str) -> Vec<String> {
    let row = table
        .lines()
        .find(|l| l.starts_with(&format!("│ {label} ")))
        .unwrap_or_else(|| panic!("no row {label} in {table}"));
    row.trim_matches('│')
        .split('┆')
        .map(|c| c.trim().to_string())
        .collect()
}

#[test]
fn the_run_table_and_sweep_best_judge_the_same_merged_p99_when_seed_p99s_disagree() {
    let (_dir, path) = scenario_file(&spot_scenario());
    let r = json_of(&["run", s(&path), "--format", "json"]);
    let spot = platform(&r, "spot");
    let merged = spot["latency_s"]["p99"].as_f64().unwrap();
    let per_seed_mean = mean(spot, "p99_latency_s");
    assert!(
        mean(&spot["spot"], "interruptions") > 0.0,
        "some seed is interrupted"
    );
    // A target between the two numbers: the mean of per-seed p99s would meet it, the
    // p99 of all requests does not.
    let target = 120.0;
    assert!(
        per_seed_mean < target && target < merged,
        "per-seed mean {per_seed_mean}, merged {merged}"
    );
    let flag = ["--slo-p99", "120"];
    let run = json_of(&[&["run", s(&path), "--format", "json"][..], &flag].concat());
    assert_eq!(platform(&run, "spot")["meets_slo"], json!(false));
    assert_eq!(run["cheapest_meeting_slo"]["platform"], "on-demand");
    let sweep_args = [
        "sweep",
        s(&path),
        "--param",
        "platforms.1.usd_per_hour",
        "--values",
        "4",
        "--slo-p99",
        "120",
    ];
    let sweep = json_of(&[&sweep_args[..], &["--format", "json"]].concat());
    assert_eq!(sweep["best"][0], Value::Null, "spot misses in best too");
    assert_eq!(sweep["best"][1]["platform"], "on-demand");
    assert_eq!(
        sweep["best"][1]["p99_latency_s"],
        run["cheapest_meeting_slo"]["p99_latency_s"]
    );
    // The table shows the number `best` judged, not the mean of the per-seed p99s.
    let table = stdout_of(&[&["run", s(&path)][..], &flag].concat());
    let p99 = row_cells(&table, "p99 latency");
    let sweep_table = stdout_of(&sweep_args);
    let spot_p99 = &p99[1];
    assert!(
        spot_p99.starts_with(&format!("{:.1} s ±", merged)),
        "{spot_p99} vs merged {merged}"
    );
    assert!(
        sweep_table.contains(spot_p99.as_str()),
        "the sweep shows the run's cell {spot_p99}: {sweep_table}"
    );
    assert_eq!(row_cells(&table, "meets the SLO")[1..], ["no", "yes"]);
    assert!(
        table.contains("percentiles pool all seeds' requests"),
        "the table says which p99 it shows"
    );
}

#[test]
fn breakeven_points_carry_each_platform_s_p99_and_verdict() {
    let mut scenario = verdict_scenario();
    scenario["slo"] = json!({ "latency_s": 2 });
    let (_dir, path) = scenario_file(&scenario);
    let out = stdout_of(&breakeven_args(
        &path,
        "platforms.0.cold_start.value_s",
        "0.5:5:4.5",
        ["cold", "dedicated"],
        &["--format", "json"],
    ));
    let r: Value = serde_json::from_str(&out).unwrap();
    let points = r["points"].as_array().unwrap();
    assert!(close(
        &points[0]["platforms"][0]["latency_s"]["p99"],
        1.5,
        5e-4
    ));
    assert!(close(
        &points[1]["platforms"][0]["latency_s"]["p99"],
        6.0,
        5e-4
    ));
    assert_eq!(points[0]["cheapest_meeting_slo"]["platform"], "cold");
    assert_eq!(points[1]["cheapest_meeting_slo"]["platform"], "dedicated");
    assert_eq!(points[1]["platforms"][0]["meets_slo"], json!(false));
    let table = stdout_of(&breakeven_args(
        &path,
        "platforms.0.cold_start.value_s",
        "0.5:5:4.5",
        ["cold", "dedicated"],
        &[],
    ));
    // 6 s sits in a histogram bucket whose middle prints as 5.999 s.
    assert!(
        table.contains("1.500 s ± 0 s") && table.contains("5.999 s ± 0 s"),
        "{table}"
    );
}

/// The circles of an SVG drawn open (no fill).
fn open_circles(svg: &str) -> usize {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    doc.descendants()
        .filter(|n| n.tag_name().name() == "circle" && n.attribute("fill") == Some("none"))
        .count()
}

#[test]
fn sweep_cost_plots_draw_the_points_that_miss_the_slo_open_with_a_legend_entry() {
    let (dir, path) = scenario_file(&verdict_scenario());
    let plot = dir.path().join("cost.svg");
    let args = [
        "sweep",
        s(&path),
        "--param",
        "platforms.0.cold_start.value_s",
        "--values",
        "0.5,5",
        "--plot",
        s(&plot),
        "--quiet",
    ];
    stdout_of(&[&args[..], &["--slo-p99", "2"]].concat());
    let svg = std::fs::read_to_string(&plot).unwrap();
    // One miss (cold at point 1) and the legend's open marker.
    assert_eq!(open_circles(&svg), 2, "{svg}");
    assert!(svg.contains("open marker: misses the SLO"));
    // Tighter than every p99: all six points miss.
    stdout_of(&[&args[..], &["--slo-p99", "0.5"]].concat());
    assert_eq!(open_circles(&std::fs::read_to_string(&plot).unwrap()), 7);
    // Without an SLO nothing is open and the legend has no such entry.
    stdout_of(&args);
    let svg = std::fs::read_to_string(&plot).unwrap();
    assert_eq!(open_circles(&svg), 0);
    assert!(!svg.contains("misses the SLO"));
}

#[test]
fn the_html_verdict_names_the_same_cheapest_platform_and_p99_as_the_json() {
    let (_dir, path) = scenario_file(&verdict_scenario());
    let page = stdout_of(&["run", s(&path), "--format", "html", "--slo-p99", "2"]);
    let text: String = {
        let mut out = String::new();
        let mut tag = false;
        for ch in page.chars() {
            match ch {
                '<' => tag = true,
                '>' => tag = false,
                c if !tag => out.push(c),
                _ => {}
            }
        }
        out
    };
    assert!(
        text.contains(
            "Cheapest meeting the latency target (p99 ≤ 2.000 s with at least 99% of requests completed, from --slo-p99): warm, $2,592.00 ± 0.00 a month, p99 1.000 s ± 0 s"
        ),
        "{text}"
    );
    assert!(text.contains("2 of 3 platforms meet it"), "{text}");
}

#[test]
fn merged_run_shards_keep_the_slo_flag_and_give_the_unsharded_verdict() {
    let (dir, path) = scenario_file(&verdict_scenario());
    let whole = stdout_of(&["run", s(&path), "--format", "json", "--slo-p99", "2"]);
    let parts: Vec<_> = (1..=2)
        .map(|k| {
            let part = dir.path().join(format!("part{k}.json"));
            let shard = format!("{k}/2");
            stdout_of(&[
                "run",
                s(&path),
                "--shard",
                &shard,
                "--slo-p99",
                "2",
                "--output",
                s(&part),
                "--quiet",
            ]);
            part
        })
        .collect();
    let merged = stdout_of(&["merge", s(&parts[0]), s(&parts[1]), "--format", "json"]);
    assert_eq!(merged, whole);
    let r: Value = serde_json::from_str(&merged).unwrap();
    assert_eq!(r["cheapest_meeting_slo"]["platform"], "warm");
}
