//! `run --timeline BIN` (docs/semantics.md#timeline): exact bins of hand-worked runs, bins
//! that add up to the totals, the same bytes for any thread count and through shards, the
//! CSV's shape and the HTML page's charts.

use serde_json::{Value, json};

use crate::support::*;

/// One dedicated GPU ($3.60/h, billed by the second) serving a request every 4 s for 3 s
/// each, and a serverless function whose first four requests wait for 15 s cold starts.
fn hand_worked() -> Value {
    json!({
        "name": "timeline", "horizon": "100s", "seeds": 1,
        "workload": { "arrivals": { "process": "periodic", "interval_s": 4 },
                      "service": { "dist": "constant", "value_s": 3 } },
        "platforms": [
            { "name": "one-gpu", "type": "dedicated", "instances": 1, "usd_per_hour": 3.6,
              "billing": { "granularity_s": 1 } },
            { "name": "fn", "type": "serverless", "gpu_usd_per_s": 0.001,
              "cold_start": { "dist": "constant", "value_s": 15 }, "scaledown_window_s": 10 }
        ]
    })
}

/// One request at t = 0 on a serverless function: a 15 s cold start that spans the first
/// 20 s bin, 10 s of execution across the edge at 20 s, 10 s idle, then scaledown at 35 s;
/// billed for its lifetime rounded up to a minute.
fn one_cold_request() -> Value {
    json!({
        "name": "cold", "horizon": "60s", "seeds": 1,
        "workload": { "arrivals": { "process": "periodic", "interval_s": 1000 },
                      "service": { "dist": "constant", "value_s": 10 } },
        "platforms": [
            { "name": "fn", "type": "serverless", "gpu_usd_per_s": 0.001,
              "cold_start": { "dist": "constant", "value_s": 15 }, "scaledown_window_s": 10,
              "billing": { "mode": "lifetime", "granularity_s": 60 } }
        ]
    })
}

fn bins<'a>(report: &'a Value, name: &str) -> &'a Vec<Value> {
    platform(report, name)["timeline"]
        .as_array()
        .expect("a timeline array")
}

fn figure(bin: &Value, key: &str) -> f64 {
    bin[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} in {bin}"))
}

#[test]
fn a_dedicated_gpu_with_constant_service_has_exact_bins() {
    let (_dir, path) = scenario_file(&hand_worked());
    let report = run_json(&path, &["--timeline", "20s"]);
    let bins = bins(&report, "one-gpu");
    assert_eq!(bins.len(), 5);
    for (i, b) in bins.iter().enumerate() {
        // Arrivals at 0, 4, …, 16 (+20i), each done 3 s later: 5 arrivals, 5 completions
        // and 15 busy seconds per 20 s bin, nothing waits; 20 s at $0.001/s.
        assert_eq!(figure(b, "start_s"), 20.0 * i as f64);
        assert_eq!(figure(b, "end_s"), 20.0 * (i + 1) as f64);
        assert_eq!(figure(b, "arrivals_per_s"), 0.25);
        assert_eq!(figure(b, "completions_per_s"), 0.25);
        assert_eq!(figure(b, "containers_mean"), 1.0);
        assert_eq!(figure(b, "containers_busy_mean"), 0.75);
        assert_eq!(figure(b, "queue_length_mean"), 0.0);
        assert_close(figure(b, "cost_usd"), 0.02, 1e-12, "cost of a bin");
    }
}

#[test]
fn a_cold_start_spanning_two_bins_is_split_exactly_and_the_rounding_lands_where_the_span_ends() {
    let (_dir, path) = scenario_file(&one_cold_request());
    let report = run_json(&path, &["--timeline", "20s"]);
    let b = bins(&report, "fn");
    let col = |key: &str| b.iter().map(|x| figure(x, key)).collect::<Vec<f64>>();
    assert_eq!(col("arrivals_per_s"), [0.05, 0.0, 0.0]);
    // Done at 25 s.
    assert_eq!(col("completions_per_s"), [0.0, 0.05, 0.0]);
    // Live over [0, 35): 20 s, then 15 s.
    assert_eq!(col("containers_mean"), [1.0, 0.75, 0.0]);
    // Executing over [15, 25).
    assert_eq!(col("containers_busy_mean"), [0.25, 0.25, 0.0]);
    // Queued while the container boots, [0, 15).
    assert_eq!(col("queue_length_mean"), [0.75, 0.0, 0.0]);
    // 35 s billed as 60 s: 20 s in the first bin, 15 s and the 25 s of rounding in the
    // second, where the container stopped.
    let total = mean(platform(&report, "fn"), "cost_usd");
    let cost = col("cost_usd");
    assert_close(cost[0], total * 20.0 / 60.0, 1e-12, "first bin");
    assert_close(cost[1], total * 40.0 / 60.0, 1e-12, "second bin");
    assert_eq!(cost[2], 0.0);
}

/// Every platform of `report`: its bins' costs add up to its cost and its bins' completions
/// to its completed requests (both means over seeds).
fn assert_bins_add_up(report: &Value) {
    for p in report["platforms"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        let bins = p["timeline"].as_array().expect("a timeline");
        let sum = |f: &dyn Fn(&Value) -> f64| bins.iter().map(f).sum::<f64>();
        let cost = sum(&|b| figure(b, "cost_usd"));
        assert_close(cost, mean(p, "cost_usd"), 1e-9, &format!("{name}: cost"));
        let completed =
            sum(&|b| figure(b, "completions_per_s") * (figure(b, "end_s") - figure(b, "start_s")));
        let want = p["requests"]["completed"]["mean"].as_f64().unwrap();
        assert_close(completed, want, 1e-9, &format!("{name}: completed"));
        let arrived =
            sum(&|b| figure(b, "arrivals_per_s") * (figure(b, "end_s") - figure(b, "start_s")));
        let want = p["requests"]["arrived"]["mean"].as_f64().unwrap();
        assert_close(arrived, want, 1e-9, &format!("{name}: arrived"));
    }
}

#[test]
fn bins_add_up_to_the_totals_on_every_kind_of_platform() {
    for name in ["spot-failover", "hybrid-overflow", "continuous-inference"] {
        let path = project_dir().join(format!("scenarios/{name}.json"));
        let report = run_json(&path, &["--timeline", "7m", "--seeds", "2", "--quiet"]);
        assert_bins_add_up(&report);
    }
    let (_dir, path) = scenario_file(&hand_worked());
    assert_bins_add_up(&run_json(&path, &["--timeline", "30s", "--seeds", "3"]));
}

#[test]
fn the_timeline_is_the_same_for_any_thread_count_and_through_shards() {
    let dir = tempfile::tempdir().unwrap();
    let path = project_dir().join("scenarios/hybrid-overflow.json");
    let run = [
        "run",
        s(&path),
        "--seeds",
        "3",
        "--timeline",
        "10m",
        "--quiet",
    ];
    for format in ["json", "csv"] {
        let one = stdout_of(&[&run[..], &["--format", format, "--threads", "1"]].concat());
        let four = stdout_of(&[&run[..], &["--format", format, "--threads", "4"]].concat());
        assert_eq!(one, four, "--format {format}");
        let mut parts = Vec::new();
        for k in 1..=2 {
            let part = dir.path().join(format!("part-{k}.json"));
            let shard = format!("{k}/2");
            stdout_of(&[&run[..], &["--shard", &shard, "--output", s(&part)]].concat());
            parts.push(part);
        }
        let merged = stdout_of(&[
            "merge",
            s(&parts[1]),
            s(&parts[0]),
            "--format",
            format,
            "--quiet",
        ]);
        assert_eq!(merged, one, "merged --format {format}");
    }
}

#[test]
fn without_timeline_nothing_changes_and_shards_of_different_bins_do_not_merge() {
    let (dir, path) = scenario_file(&hand_worked());
    let plain = run_json(&path, &[]);
    assert!(platform(&plain, "fn").get("timeline").is_none());
    let mut parts = Vec::new();
    for (k, bin) in [(1, "10s"), (2, "20s")] {
        let part = dir.path().join(format!("part-{k}.json"));
        let shard = format!("{k}/2");
        let args = ["run", s(&path), "--timeline", bin, "--shard", &shard];
        stdout_of(&[&args[..], &["--output", s(&part), "--quiet"]].concat());
        parts.push(part);
    }
    let message = rejected(&["merge", s(&parts[0]), s(&parts[1])]);
    assert!(message.contains("their timeline differ"), "{message}");
}

#[test]
fn the_csv_has_one_row_per_platform_and_bin() {
    let (_dir, path) = scenario_file(&hand_worked());
    let csv = stdout_of(&["run", s(&path), "--format", "csv", "--timeline", "30s"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "scenario,seed,seeds,horizon_s,platform,type,start_s,end_s,arrivals_per_s,completions_per_s,containers_mean,containers_busy_mean,queue_length_mean,cost_usd"
    );
    // 100 s in bins of 30 s: 4 bins, the last 10 s long; two platforms.
    assert_eq!(lines.len(), 1 + 2 * 4);
    assert!(lines[4].starts_with("timeline,1,1,100,one-gpu,dedicated,90.0,100.0,"));
    assert!(lines[5].starts_with("timeline,1,1,100,fn,serverless,0.0,30.0,"));
}

#[test]
fn bad_bins_are_refused_with_what_was_expected() {
    let (_dir, path) = scenario_file(&hand_worked());
    let too_many = rejected(&["run", s(&path), "--timeline", "0.5ms"]);
    assert!(
        too_many.contains(
            "--timeline: expected at most 100000 bins over the horizon, found 200000 (use a bin of at least 0.001 s)"
        ),
        "{too_many}"
    );
    let garbage = rejected(&["run", s(&path), "--timeline", "soon"]);
    assert!(
        garbage.contains(
            "expected a bin duration of at least 1 ns such as 30s, 10m or 1h, found \"soon\""
        ),
        "{garbage}"
    );
}

#[test]
fn the_html_page_draws_one_timeline_per_platform_with_the_default_bin() {
    let (_dir, path) = scenario_file(&hand_worked());
    let page = stdout_of(&["run", s(&path), "--format", "html", "--quiet"]);
    for k in 0..2 {
        let id = format!("id=\"chart-timeline-{k}\"");
        assert_eq!(page.matches(&id).count(), 1, "{id}");
    }
    assert!(!page.contains("chart-timeline-2"));
    // 100 s / 500 is under a second: bins of 1 s.
    assert!(page.contains("per bin of 1 s"), "the caption names the bin");
    let given = stdout_of(&[
        "run",
        s(&path),
        "--format",
        "html",
        "--timeline",
        "20s",
        "--quiet",
    ]);
    assert!(given.contains("per bin of 20 s"));
}

/// Each recorded timeline of `o` against its totals, in integers: nothing is lost or counted
/// twice at bin edges.
fn assert_exact_sums(what: &str, o: &servsim::platform::PlatformOutcome, fallback_billed: u128) {
    let t = o.timeline.as_deref().expect("a timeline");
    let c = &o.recorder.counts;
    assert_eq!(
        t.arrivals.iter().sum::<u64>(),
        c.arrived,
        "{what}: arrivals"
    );
    assert_eq!(
        t.completions.iter().sum::<u64>(),
        c.completed,
        "{what}: completions"
    );
    assert_eq!(
        t.billed_ns.iter().sum::<u128>(),
        o.billed.total,
        "{what}: billed"
    );
    let fallback = t.fallback_billed_ns.iter().sum::<u128>();
    assert_eq!(fallback, fallback_billed, "{what}: fallback billed");
    let horizon_s = t.bins.horizon_ns as f64 / 1e9;
    // Means over the horizon, to float rounding (and exactly 0 for an idle pool).
    let close = |integral: &[u128], want: f64| {
        let got = integral.iter().sum::<u128>() as f64 / 1e9 / horizon_s;
        (got - want).abs() <= 1e-12 * want.max(1.0)
    };
    assert!(close(&t.live_ns, o.containers.mean), "{what}: live");
    assert!(close(&t.busy_ns, o.containers.busy_mean), "{what}: busy");
}

#[test]
fn every_replica_s_bins_sum_exactly_to_its_counts_and_billed_time() {
    use servsim::experiment::{RunOptions, run};
    use servsim::metrics::Bins;
    use servsim::time::{SimDuration, SimTime};
    for name in [
        "spot-failover",
        "hybrid-overflow",
        "burst-batch",
        "llm-chat-diurnal-tokens",
    ] {
        let path = project_dir().join(format!("scenarios/{name}.json"));
        let mut s = servsim::Scenario::from_file(&path).expect("a shipped scenario");
        s.horizon = s.horizon.min(SimDuration::from_secs(6 * 3600));
        let bin = SimDuration::from_secs(7 * 60 + 3);
        s.timeline = Some(Bins::new(bin, SimTime(s.horizon.0)).unwrap());
        let opts = RunOptions {
            seeds: 2,
            ..RunOptions::from_scenario(&s)
        };
        for (p, rs) in s.platforms.iter().zip(run(&s, opts).unwrap()) {
            for r in rs {
                let what = format!("{name}/{}", p.name);
                let fallback = r.spot.map_or(0, |s| s.fallback_billed.total);
                match &r.parts {
                    None => assert_exact_sums(&what, &r.outcome, fallback),
                    Some(h) => {
                        assert_exact_sums(&format!("{what} base"), &h.base.outcome, fallback);
                        assert_exact_sums(&format!("{what} overflow"), &h.overflow.outcome, 0);
                    }
                }
            }
        }
    }
}
