//! Every new workload key: accepted when valid, reported with its path when not.

use std::path::Path;

use serde_json::{Value, json};

use super::super::Scenario;
use crate::workload::trace::Repeat;
use crate::workload::{ArrivalProcess, Service};

fn scenario(workload: Value) -> Value {
    json!({
        "name": "w", "horizon": "1d",
        "workload": workload,
        "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1}]
    })
}

fn errors(workload: Value) -> String {
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    match Scenario::from_value_in(&scenario(workload), "w.json", base) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

fn assert_errors(workload: Value, needles: &[&str]) {
    let msg = errors(workload);
    for n in needles {
        assert!(msg.contains(n), "missing {n:?} in:\n{msg}");
    }
    assert_eq!(msg.lines().count(), needles.len(), "{msg}");
}

#[test]
fn every_new_process_profile_and_distribution_loads() {
    let w = json!({
        "arrivals": [
            {"process": "gamma", "rate_per_s": 2, "cv": 3},
            {"process": "mmpp", "states": [{"rate_per_s": 5, "mean_holding_s": "10m"},
                                           {"rate_per_s": 0, "mean_holding_s": 60}]},
            {"process": "bursts", "every_s": "1d", "offset_s": "2h", "count": 500, "spacing_s": 0.1},
            {"process": "trace", "format": "azure_llm", "path": "tests/data/traces/azure_llm_two.csv",
             "time_scale": 0.5, "repeat": true, "start_s": "1h"}
        ],
        "rate_profile": {"kind": "weekly", "day_multipliers": [1, 1, 1, 1, 1, 0.5, 0.5],
                         "daily": {"kind": "piecewise", "points": [[0, 0.2], [12, 1.5]]}},
        "service": {"dist": "llm", "ttft_s": "50ms", "per_output_token_s": 0.006,
                    "context_tokens": {"dist": "empirical", "samples": [100, 2000]},
                    "output_tokens": 200}
    });
    let base = Path::new(env!("CARGO_MANIFEST_DIR"));
    let s = Scenario::from_value_in(&scenario(w), "w.json", base).unwrap();
    let names: Vec<&str> = s
        .workload
        .arrivals
        .iter()
        .map(ArrivalProcess::name)
        .collect();
    assert_eq!(names, ["gamma", "mmpp", "bursts", "trace"]);
    let ArrivalProcess::Trace(t) = &s.workload.arrivals[3] else {
        panic!()
    };
    assert_eq!((t.repeat, t.summary.requests), (Repeat::Forever, 2));
    assert!(t.path.is_absolute(), "resolved against the base folder");
    assert!(matches!(s.workload.service, Some(Service::Llm(_))));
}

#[test]
fn distributions_report_their_own_keys() {
    assert_errors(
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1},
               "service": {"dist": "uniform", "min_s": 3, "max_s": 1}}),
        &["w.json: workload.service.max_s: expected max_s ≥ min_s (3), found 1"],
    );
    assert_errors(
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1},
               "service": {"dist": "gamma", "mean_s": 0, "cv": -1}}),
        &[
            "workload.service.mean_s: expected a duration that is a number > 0, found 0",
            "workload.service.cv: expected a number in [0, 100], found -1",
        ],
    );
    assert_errors(
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1},
               "service": {"dist": "empirical", "samples_s": []}}),
        &["workload.service.samples_s: expected a non-empty array, found an array of 0 items"],
    );
    assert_errors(
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1},
               "service": {"dist": "llm", "ttft_s": 0.1, "per_output_token_s": 0.01,
                           "context_tokens": {"dist": "lognormal", "mean_s": 5, "cv": 1}}}),
        &[
            "workload.service.context_tokens.mean: missing required key",
            "workload.service.context_tokens.mean_s: unknown key",
        ],
    );
    assert_errors(
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1},
               "service": {"dist": "llm", "ttft_s": 0.1, "per_output_token_s": 0.01,
                           "context_tokens": {"dist": "lognormal", "mean": 5, "cv": 1}}}),
        &[
            "workload.service.output_tokens: missing required key (poisson at workload.arrivals draws its token counts)",
        ],
    );
}

#[test]
fn processes_report_their_own_keys() {
    assert_errors(
        json!({"arrivals": [
                  {"process": "mmpp", "states": [{"rate_per_s": 0, "mean_holding_s": 1}]},
                  {"process": "bursts", "every_s": 10, "count": 12, "spacing_s": 1},
                  {"process": "gamma", "rate_per_s": 1, "cv": 101},
                  {"process": "fractal"}],
               "service": {"dist": "constant", "value_s": 1}}),
        &[
            "workload.arrivals[0].states: expected at least one state with rate_per_s > 0, found all 0",
            "workload.arrivals[1].spacing_s: expected (count − 1) × spacing_s ≤ every_s (10) so that bursts do not overlap, found 11 × 1",
            "workload.arrivals[2].cv: expected a number in [0, 100], found 101",
            "workload.arrivals[3].process: expected one of \"poisson\", \"periodic\", \"gamma\", \"mmpp\", \"bursts\", \"trace\", found \"fractal\"",
        ],
    );
}

#[test]
fn profiles_report_their_own_keys() {
    let with = |profile: Value| {
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1}, "rate_profile": profile,
               "service": {"dist": "constant", "value_s": 1}})
    };
    assert_errors(
        with(json!({"kind": "sinusoid", "amplitude": 1.5, "peak_h": 30})),
        &[
            "workload.rate_profile.amplitude: expected a number in [0, 1], found 1.5",
            "workload.rate_profile.peak_h: expected an hour within the period [0, 24), found 30",
        ],
    );
    assert_errors(
        with(
            json!({"kind": "piecewise", "period_s": "12h", "points": [[3, 1], [2, 1], [12, 1], [4]]}),
        ),
        &[
            "workload.rate_profile.points[3]: expected a pair [hour, multiplier], found an array of 1 item",
        ],
    );
    assert_errors(
        with(json!({"kind": "piecewise", "period_s": "12h", "points": [[3, 1], [2, 1], [12, 1]]})),
        &[
            "workload.rate_profile.points[1]: expected hours in increasing order, found 2 after 3",
            "workload.rate_profile.points[2]: expected an hour within the period [0, 12), found 12",
        ],
    );
    assert_errors(
        with(json!({"kind": "weekly", "day_multipliers": [1, 1, 1],
                    "daily": {"kind": "sinusoid", "period_s": 3600, "amplitude": 0.5, "peak_h": 0}})),
        &[
            "workload.rate_profile.day_multipliers: expected 7 numbers (Monday first), found 3",
            "workload.rate_profile.daily.period_s: expected a daily profile (period_s 86400) inside weekly, found period_s 3600",
        ],
    );
    assert_errors(
        with(
            json!({"kind": "weekly", "day_multipliers": [1, 1, 1, 1, 1, 1, 1], "daily": {"kind": "weekly"}}),
        ),
        &[
            "workload.rate_profile.daily.kind: expected one of \"daily_windows\", \"sinusoid\", \"piecewise\", found \"weekly\"",
        ],
    );
}

#[test]
fn traces_and_the_service_they_need_are_checked_together() {
    let trace = |format: &str, file: &str| json!({"process": "trace", "format": format, "path": format!("tests/data/traces/{file}")});
    assert_errors(
        json!({"arrivals": trace("azure_llm", "azure_llm_two.csv"),
               "service": {"dist": "exponential", "mean_s": 1}}),
        &[
            "workload.service: expected {\"dist\": \"llm\"} or {\"dist\": \"tokens\"} to price the token counts of the azure_llm trace at workload.arrivals, found a distribution of seconds",
        ],
    );
    assert_errors(
        json!({"arrivals": [trace("csv", "csv_service.csv"), {"process": "poisson", "rate_per_s": 1}]}),
        &[
            "workload.service: missing required key (poisson at workload.arrivals[1] does not record its service times)",
        ],
    );
    assert_errors(json!({"arrivals": trace("csv", "csv_service.csv")}), &[]);
    let mut one = trace("csv", "csv_one.csv");
    one["repeat"] = json!(3);
    one["within_minute"] = json!("poisson");
    assert_errors(
        json!({"arrivals": one, "service": {"dist": "constant", "value_s": 1}}),
        &[
            "workload.arrivals.within_minute: expected no within_minute: it applies to format \"azure_functions_2019\" only, found format \"csv\"",
            "workload.arrivals.repeat: expected a trace that spans some time to repeat, found 1 record spanning 0 s",
        ],
    );
    let missing = json!({"arrivals": trace("csv", "no_such_file.csv"),
                         "service": {"dist": "constant", "value_s": 1}});
    assert!(
        errors(missing.clone())
            .contains("tests/data/traces/no_such_file.csv: cannot read: No such file")
    );
    assert_errors(missing, &["w.json: workload.arrivals.path: /"]);
    assert_errors(
        json!({"arrivals": {"process": "bursts", "every_s": 60, "count": 2},
               "rate_profile": {"kind": "sinusoid", "amplitude": 0.5, "peak_h": 12},
               "service": {"dist": "constant", "value_s": 1}}),
        &[
            "workload.rate_profile: expected a poisson, gamma, mmpp or periodic arrival process for the profile to modulate, found only bursts and traces",
        ],
    );
}

#[test]
fn a_scenario_file_resolves_trace_paths_against_its_own_folder() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("traces")).unwrap();
    std::fs::write(dir.path().join("traces/t.csv"), "timestamp_s\n0\n2.5\n").unwrap();
    let w = json!({"arrivals": {"process": "trace", "format": "csv", "path": "traces/t.csv"},
                   "service": {"dist": "constant", "value_s": 1}});
    let file = dir.path().join("s.json");
    std::fs::write(&file, serde_json::to_vec(&scenario(w)).unwrap()).unwrap();
    let s = Scenario::from_file(&file).unwrap();
    let ArrivalProcess::Trace(t) = &s.workload.arrivals[0] else {
        panic!()
    };
    assert_eq!(t.summary.requests, 2);
    assert_eq!(t.summary.span.as_secs_f64(), 2.5);
}

#[test]
fn a_trace_that_changes_after_loading_fails_the_run_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("t.csv");
    std::fs::write(&trace, "timestamp_s\n0\n1\n2\n").unwrap();
    let w = json!({"arrivals": {"process": "trace", "format": "csv", "path": "t.csv"},
                   "service": {"dist": "constant", "value_s": 0.1}});
    let s = Scenario::from_value_in(&scenario(w), "w.json", dir.path()).unwrap();
    std::fs::write(&trace, "timestamp_s\n0\n1\nlater\n").unwrap();
    let opts = crate::experiment::RunOptions {
        seeds: 2,
        seed: 1,
        threads: Some(1),
    };
    match crate::experiment::run(&s, opts) {
        Err(e @ crate::experiment::RunError::Trace(_)) => {
            let msg = e.to_string();
            assert!(
                msg.contains(
                    "t.csv:4: expected a number of seconds in column timestamp_s, found \"later\""
                ),
                "{msg}"
            );
        }
        other => panic!("expected a trace error, got {:?}", other.map(|_| ())),
    }
}
