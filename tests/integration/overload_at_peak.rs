//! `overloaded_at_peak` (docs/semantics.md#overloaded-at-peak): a platform that keeps up on
//! average but not at the rate profile's peak is flagged with the hours in which it falls
//! behind, on standard error and in every format; and the inputs too thin to say much
//! warn: a horizon shorter than the profile's period or than 100 mean inter-arrival times,
//! and a platform that completes fewer than 1% of its arrivals.

use serde_json::{Value, json};

use crate::support::*;

/// 2/s of 1 s requests, ×3 over 11:00–14:00 (6 concurrent), ×0.5 elsewhere, on 4 GPUs
/// (mean 2·(9 + 10.5)/24 = 1.625 < 4: stable) and on 8 (covers the peak).
fn lunch_peak(horizon: Value) -> Value {
    json!({
        "name": "lunch", "horizon": horizon, "seeds": 2, "seed": 3,
        "workload": {
            "arrivals": {"process": "poisson", "rate_per_s": 2},
            "rate_profile": {"kind": "daily_windows", "outside": 0.5,
                             "windows": [{"start_h": 11, "end_h": 14, "multiplier": 3}]},
            "service": {"dist": "constant", "value_s": 1}
        },
        "platforms": [
            {"name": "four", "type": "dedicated", "usd_per_hour": 2, "instances": 4},
            {"name": "eight", "type": "dedicated", "usd_per_hour": 2, "instances": 8}
        ]
    })
}

const LUNCH_WARNING: &str = "warning: platform four is overloaded at peak: offered load 6.0000 \
    concurrent requests at the peak (6.0000 arrivals/s × mean service) > capacity 4 input \
    slots, 11:00–14:00 every day (12.5% of the time)";

fn run(path: &std::path::Path, args: &[&str]) -> (String, String) {
    let out = output_of("run", path, args);
    assert!(out.status.success(), "{out:?}");
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (text(&out.stdout), text(&out.stderr))
}

#[test]
fn a_fleet_short_at_lunch_is_flagged_with_its_hours_in_every_format() {
    let (_dir, path) = scenario_file(&lunch_peak(json!("1d")));
    let (json_out, stderr) = run(&path, &["--format", "json"]);
    assert_eq!(stderr.trim_end(), LUNCH_WARNING, "{stderr}");
    let report: Value = serde_json::from_str(&json_out).unwrap();
    let four = platform(&report, "four");
    assert_eq!(four["unstable"], false);
    assert_eq!(
        four["overloaded_at_peak"],
        json!({"peak_offered_load": 6.0, "capacity": 4.0, "peak_rate_per_s": 6.0,
               "hours": [{"start_h": 11.0, "end_h": 14.0}], "period_h": 24.0,
               "overloaded_share": 0.125, "basis": "rate_profile",
               "when": "11:00–14:00 every day"})
    );
    assert_eq!(
        platform(&report, "eight")["overloaded_at_peak"],
        Value::Null
    );

    let row = "11:00–14:00 every day (6.00 > 4)";
    let (table, _) = run(&path, &["--format", "table", "--quiet"]);
    let line = table
        .lines()
        .find(|l| l.contains("overloaded at peak"))
        .unwrap();
    assert!(line.contains(row) && line.contains('—'), "{line}");
    let (markdown, _) = run(&path, &["--format", "markdown", "--quiet"]);
    let line = markdown
        .lines()
        .find(|l| l.starts_with("| overloaded at peak (load > slots) "))
        .unwrap();
    assert!(line.contains(&format!(" {row} |")), "{line}");

    let (csv, _) = run(&path, &["--format", "csv", "--quiet"]);
    let mut rows = ::csv::Reader::from_reader(csv.as_bytes());
    let header = rows.headers().unwrap().clone();
    let column = |name: &str| header.iter().position(|h| h == name).unwrap();
    let records: Vec<_> = rows.records().map(Result::unwrap).collect();
    assert_eq!(
        &records[0][column("overloaded_at_peak.when")],
        "11:00–14:00 every day"
    );
    assert_eq!(
        &records[0][column("overloaded_at_peak.hours.0.start_h")],
        "11.0"
    );
    assert_eq!(&records[1][column("overloaded_at_peak.when")], "");

    let (html, _) = run(&path, &["--format", "html", "--quiet"]);
    assert!(
        html.contains("<strong>four</strong> is overloaded at peak: offered load 6.0000"),
        "html"
    );
}

#[test]
fn quiet_silences_the_warnings_but_not_the_key() {
    let (_dir, path) = scenario_file(&lunch_peak(json!("6h")));
    let (out, stderr) = run(&path, &["--format", "json", "--quiet"]);
    assert_eq!(stderr, "");
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        platform(&report, "four")["overloaded_at_peak"]["when"],
        "11:00–14:00 every day"
    );
}

#[test]
fn a_daily_profile_on_six_hours_warns_that_the_horizon_is_shorter_than_its_period() {
    let (_dir, path) = scenario_file(&lunch_peak(json!("6h")));
    let (_, stderr) = run(&path, &["--format", "json"]);
    let want = format!(
        "warning: {}: horizon: the horizon (6 h) is shorter than the rate profile's period (1 d): the run sees only part of the profile, and monthly figures extrapolate that part",
        path.display()
    );
    assert_eq!(stderr.lines().next(), Some(want.as_str()), "{stderr}");
    assert!(stderr.contains(LUNCH_WARNING), "{stderr}");
    // `validate` says so too, and the whole day does not.
    let out = output_of("validate", &path, &[]);
    assert!(String::from_utf8_lossy(&out.stderr).contains(&want));
    let (_dir, path) = scenario_file(&lunch_peak(json!("1d")));
    let out = output_of("validate", &path, &[]);
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn a_bare_number_horizon_of_fourteen_seconds_warns() {
    let mut doc = lunch_peak(json!(14));
    doc["workload"]
        .as_object_mut()
        .unwrap()
        .remove("rate_profile");
    let (_dir, path) = scenario_file(&doc);
    let (out, stderr) = run(&path, &["--format", "json"]);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["horizon_s"], 14.0);
    let want = format!(
        "warning: {}: horizon: the horizon (14 s) holds 28.0 mean inter-arrival times, fewer than 100: too few requests for the figures to mean much (a bare number is seconds: write \"14d\" for days)",
        path.display()
    );
    assert_eq!(stderr.trim_end(), want, "{stderr}");
}

#[test]
fn a_platform_that_completes_under_one_percent_of_its_arrivals_warns() {
    // 1/s of 1000 s requests on one GPU for 2000 s: about 2 of about 2000 complete.
    let doc = json!({
        "name": "stuck", "horizon": "2000s", "seeds": 1, "seed": 1,
        "workload": {"arrivals": {"process": "periodic", "interval_s": 1},
                     "service": {"dist": "constant", "value_s": 1000}},
        "platforms": [{"name": "one", "type": "dedicated", "usd_per_hour": 2, "queue_limit": 10000}]
    });
    let (_dir, path) = scenario_file(&doc);
    let (_, stderr) = run(&path, &["--format", "json"]);
    let want = "warning: platform one: only 2 of 2000 arrivals completed (0.10%, under 1%): latency and cost per request describe the few that finished";
    assert!(stderr.lines().any(|l| l == want), "{stderr}");
}

#[test]
fn a_sweep_names_the_points_overloaded_at_peak() {
    let (_dir, path) = scenario_file(&lunch_peak(json!("1d")));
    let out = servsim()
        .args([
            "sweep",
            s(&path),
            "--param",
            "platforms.0.instances",
            "--values",
            "4,6",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning: at grid point 0 (platforms.0.instances = 4): platform four is overloaded at peak: offered load 6.0000"),
        "{stderr}"
    );
    assert!(!stderr.contains("grid point 1"), "{stderr}");
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("overloaded at peak (load > slots): #0 (platforms.0.instances = 4) four: 11:00–14:00 every day (6.00 > 4)"),
        "{table}"
    );
}
