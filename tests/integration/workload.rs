//! Realistic workloads through the CLI (issue 5): trace replay of the shared Azure LLM
//! trace, malformed traces, per-minute function traces, profiles and new processes.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::support::*;

/// The Azure LLM conversation trace the repo ships (CC-BY 4.0, see
/// `scenarios/traces/README.md`).
fn azure_conv() -> PathBuf {
    project_dir().join("scenarios/traces/AzureLLMInferenceTrace_conv.csv")
}

fn data(name: &str) -> PathBuf {
    project_dir().join("tests/data/traces").join(name)
}

/// Seconds since midnight of `2023-11-16 18:15:46.6805900` as integer nanoseconds (the
/// trace spans one hour of one day).
fn clock_ns(ts: &str) -> u64 {
    let (_, time) = ts.split_once(' ').unwrap();
    let (hms, frac) = time.split_once('.').unwrap();
    let mut parts = hms.split(':').map(|p| p.parse::<u64>().unwrap());
    let (h, m, s) = (
        parts.next().unwrap(),
        parts.next().unwrap(),
        parts.next().unwrap(),
    );
    let frac_ns: u64 = format!("{frac:0<9}")[..9].parse().unwrap();
    ((h * 60 + m) * 60 + s) * 1_000_000_000 + frac_ns
}

/// (offset from the first record in ns, context tokens, generated tokens) per record.
fn conv_records() -> Vec<(u64, u64, u64)> {
    let text = std::fs::read_to_string(azure_conv()).expect("the shipped trace is readable");
    let rows: Vec<(u64, u64, u64)> = text
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (clock_ns(f[0]), f[1].parse().unwrap(), f[2].parse().unwrap())
        })
        .collect();
    let first = rows[0].0;
    rows.into_iter()
        .map(|(t, c, g)| (t - first, c, g))
        .collect()
}

const LLM: (f64, f64, f64) = (0.05, 0.02, 0.006);

/// An ample dedicated fleet priced at $1 per GPU-second, so `cost_breakdown_usd.busy`
/// reads as GPU-busy seconds and nothing ever queues.
fn conv_scenario(horizon_s: f64, trace_extra: Value) -> Value {
    let mut trace = json!({"process": "trace", "format": "azure_llm", "path": azure_conv()});
    for (k, v) in trace_extra.as_object().unwrap() {
        trace[k] = v.clone();
    }
    json!({
        "name": "conv", "horizon": horizon_s, "seeds": 1,
        "workload": {"arrivals": trace,
                     "service": {"dist": "llm", "ttft_s": LLM.0, "prefill_per_1k_tokens_s": LLM.1,
                                 "per_output_token_s": LLM.2}},
        "platforms": [{"name": "fleet", "type": "dedicated", "instances": 200, "usd_per_hour": 3600}]
    })
}

fn arrived(report: &Value) -> f64 {
    report["platforms"][0]["requests"]["arrived"]["mean"]
        .as_f64()
        .unwrap()
}

fn run(scenario: &Value) -> Value {
    let (_dir, path) = scenario_file(scenario);
    run_json(&path, &[])
}

#[test]
fn the_azure_conversation_trace_replays_every_request_from_zero_to_its_span() {
    let records = conv_records();
    assert_eq!(records.len(), 19_366);
    let span_s = records.last().unwrap().0 as f64 / 1e9;
    // First arrival at 0: a 1-ns horizon lets in exactly the records at t = 0.
    let at_zero = records.iter().filter(|r| r.0 == 0).count() as f64;
    assert_eq!(arrived(&run(&conv_scenario(1e-9, json!({})))), at_zero);
    // Last at the span: a horizon at the span excludes it, one just past includes it.
    let at_span = records
        .iter()
        .filter(|r| r.0 == records.last().unwrap().0)
        .count() as f64;
    assert_eq!(
        arrived(&run(&conv_scenario(span_s, json!({})))),
        19_366.0 - at_span
    );
    let report = run(&conv_scenario(span_s + 1e-6, json!({})));
    assert_eq!(arrived(&report), 19_366.0);
    assert_conserved(&report["platforms"][0]);
}

#[test]
fn the_gpu_busy_time_of_the_trace_is_the_token_model_summed_over_the_file() {
    let expected_s: f64 = conv_records()
        .iter()
        .map(|&(_, c, g)| {
            let s = LLM.0 + LLM.1 * c as f64 / 1000.0 + LLM.2 * g as f64;
            (s * 1e9).round() / 1e9
        })
        .sum();
    // Two hours: the last request (at 3502 s) has long finished.
    let report = run(&conv_scenario(7200.0, json!({})));
    let p = platform(&report, "fleet");
    assert_eq!(mean(&p["requests"], "completed"), 19_366.0);
    let busy_s = p["cost_breakdown_usd"]["busy"]["mean"].as_f64().unwrap();
    assert!(
        (busy_s / expected_s - 1.0).abs() < 1e-9,
        "busy {busy_s} vs token model {expected_s}"
    );
    // Nobody waits on an ample fleet: latency is the token model itself.
    assert_eq!(p["wait_s"]["max"].as_f64(), Some(0.0));
}

#[test]
fn time_scale_start_and_repeat_shift_the_replay_as_specified() {
    let records = conv_records();
    let n = records.len() as f64;
    let span_s = records.last().unwrap().0 as f64 / 1e9;
    // Twice as fast: all of it within half the span.
    let fast = run(&conv_scenario(
        span_s / 2.0 + 1e-6,
        json!({"time_scale": 0.5}),
    ));
    assert_eq!(arrived(&fast), n);
    let fast = run(&conv_scenario(
        span_s / 2.0 - 1e-6,
        json!({"time_scale": 0.5}),
    ));
    assert!(arrived(&fast) < n);
    // Starting at 100 s: nothing before, all of it by 100 s + span.
    assert_eq!(
        arrived(&run(&conv_scenario(100.0, json!({"start_s": 100})))),
        0.0
    );
    assert_eq!(
        arrived(&run(&conv_scenario(
            100.0 + span_s + 1e-6,
            json!({"start_s": 100})
        ))),
        n
    );
    // Two plays in all; forever until the horizon, each play shifted by the span plus the
    // mean inter-arrival time.
    assert_eq!(
        arrived(&run(&conv_scenario(4.0 * 3600.0, json!({"repeat": 2})))),
        2.0 * n
    );
    let period_s = span_s * (1.0 + 1.0 / (n - 1.0));
    let horizon_s = 3.0 * 3600.0;
    let left_s = horizon_s - 3.0 * period_s;
    let partial = records
        .iter()
        .filter(|r| (r.0 as f64 / 1e9) < left_s)
        .count() as f64;
    assert_eq!(
        arrived(&run(&conv_scenario(horizon_s, json!({"repeat": true})))),
        3.0 * n + partial
    );
}

#[test]
fn malformed_traces_exit_2_naming_the_file_and_the_line() {
    let cases = [
        (
            "azure_llm",
            "azure_llm_bad_timestamp.csv",
            3,
            "expected a timestamp like 2023-11-16 18:15:46.6805900 in column TIMESTAMP, found \"2023-11-16 18:15:xx.1\"",
        ),
        (
            "csv",
            "csv_decreasing_time.csv",
            4,
            "expected timestamps in non-decreasing order, found 0.25 after 0.5 (line 3)",
        ),
        (
            "azure_llm",
            "azure_llm_missing_column.csv",
            1,
            "expected a header with the columns TIMESTAMP, ContextTokens and GeneratedTokens, found \"TIMESTAMP,ContextTokens\"",
        ),
        (
            "azure_llm",
            "azure_llm_short_row.csv",
            3,
            "expected 3 fields, found 2",
        ),
        (
            "azure_llm",
            "azure_llm_non_numeric.csv",
            2,
            "expected a whole number of tokens ≥ 0 in column GeneratedTokens, found \"many\"",
        ),
        (
            "csv",
            "csv_non_numeric_service.csv",
            3,
            "expected seconds ≥ 0 in column service_s, found \"fast\"",
        ),
        (
            "azure_functions_2019",
            "azure_functions_bad_count.csv",
            3,
            "expected a whole number ≥ 0 of invocations in column 2, found \"x1\"",
        ),
    ];
    for (format, file, line, message) in cases {
        let s = json!({
            "name": "bad", "horizon": "1h",
            "workload": {"arrivals": {"process": "trace", "format": format, "path": data(file)},
                         "service": {"dist": "llm", "ttft_s": 0.1, "per_output_token_s": 0.01,
                                     "context_tokens": 100, "output_tokens": 100}},
            "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1}]
        });
        let (_dir, path) = scenario_file(&s);
        for command in ["run", "validate"] {
            let out = servsim().arg(command).arg(&path).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command} {file}: {stderr}");
            let at = format!("{}:{line}: {message}", data(file).display());
            assert!(
                stderr.contains(&at),
                "{command} {file}: missing {at:?} in\n{stderr}"
            );
            assert!(stderr.contains("workload.arrivals.path"), "{stderr}");
        }
    }
}

fn functions_scenario(extra: Value, horizon: &str) -> Value {
    let mut trace = json!({"process": "trace", "format": "azure_functions_2019",
                           "path": data("azure_functions_small.csv")});
    for (k, v) in extra.as_object().unwrap() {
        trace[k] = v.clone();
    }
    json!({
        "name": "fn", "horizon": horizon, "seeds": 2,
        "workload": {"arrivals": trace, "service": {"dist": "lognormal", "mu": -0.38, "sigma": 2.36}},
        "platforms": [{"name": "d", "type": "dedicated", "instances": 50, "usd_per_hour": 1}]
    })
}

#[test]
fn per_minute_function_counts_are_replayed_within_their_minutes() {
    // The file: f1 (http) 2/min for the first hour, f2 (timer) 1/min all day, f3 (queue)
    // 30 at every second hour's first minute: 120 + 1440 + 360 invocations.
    let count = |extra: Value, horizon: &str| arrived(&run(&functions_scenario(extra, horizon)));
    assert_eq!(count(json!({}), "1d"), 1920.0);
    assert_eq!(count(json!({"within_minute": "equidistant"}), "1d"), 1920.0);
    assert_eq!(count(json!({"filter": {"function": "f2"}}), "1d"), 1440.0);
    assert_eq!(
        count(json!({"filter": {"trigger": "http", "app": "a1"}}), "1d"),
        120.0
    );
    // Minute 1 is [0, 60): the first hour holds f1's 120, f2's 60 and f3's 30.
    assert_eq!(count(json!({}), "1h"), 210.0);
    // Twice as fast and repeated: two days' counts in one day.
    assert_eq!(
        count(json!({"time_scale": 0.5, "repeat": true}), "1d"),
        3840.0
    );
    // Poisson within each minute keeps the count only on average (sd √1920 ≈ 44 per seed).
    let poisson = count(json!({"within_minute": "poisson"}), "1d");
    assert!(
        (poisson - 1920.0).abs() < 4.0 * 44.0 / 2f64.sqrt(),
        "{poisson}"
    );
}

#[test]
fn periodic_work_follows_weekly_and_daily_profiles_exactly() {
    // One request a second, 09:00–17:00 on weekdays, for two weeks: 10 × 8 × 3600.
    let s = json!({
        "name": "office", "horizon": "14d", "seeds": 1,
        "workload": {
            "arrivals": {"process": "periodic", "interval_s": 1},
            "rate_profile": {"kind": "weekly", "day_multipliers": [1, 1, 1, 1, 1, 0, 0],
                             "daily": {"kind": "daily_windows",
                                       "windows": [{"start_h": 9, "end_h": 17}]}},
            "service": {"dist": "constant", "value_s": 0.5}
        },
        "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1}]
    });
    assert_eq!(arrived(&run(&s)), 288_000.0);
}

#[test]
fn bursts_gamma_and_mmpp_superpose_at_their_rates() {
    let s = json!({
        "name": "mix", "horizon": "1d", "seeds": 4,
        "workload": {
            "arrivals": [
                {"process": "bursts", "every_s": "1h", "offset_s": "30m", "count": 100, "spacing_s": 1},
                {"process": "gamma", "rate_per_s": 2, "cv": 2},
                {"process": "mmpp", "states": [{"rate_per_s": 3, "mean_holding_s": 300},
                                               {"rate_per_s": 0, "mean_holding_s": 300}]}
            ],
            "service": {"dist": "gamma", "mean_s": 0.05, "cv": 0.5}
        },
        "platforms": [{"name": "d", "type": "dedicated", "instances": 4, "usd_per_hour": 1}]
    });
    let report = run(&s);
    // 2400 + 172,800 + 129,600 a day. Per seed the count variance is cv²·172,800 for the
    // gamma and IDC·129,600 for the on/off MMPP, whose index of dispersion is
    // 1 + 2λ²r₁r₂/((r₁+r₂)²λr₂) = 1 + λh/2 = 451 (λ 3/s, h 300 s): sd ≈ 7,690, so the
    // mean of 4 seeds has sd ≈ 3,850.
    let mean_arrived = arrived(&report);
    assert!(
        (mean_arrived - 304_800.0).abs() < 4.0 * 3_850.0,
        "{mean_arrived}"
    );
    let p = platform(&report, "d");
    assert_conserved(p);
    assert!(mean(&p["requests"], "completed") > 0.99 * mean_arrived);
}

#[test]
fn llm_token_distributions_price_each_request() {
    // 0.1 s + 0.05 s per 1k × 2000 + 0.01 s × 100 = 1.2 s for every request.
    let s = json!({
        "name": "tokens", "horizon": "1h", "seeds": 1,
        "workload": {
            "arrivals": {"process": "poisson", "rate_per_s": 2},
            "service": {"dist": "llm", "ttft_s": 0.1, "prefill_per_1k_tokens_s": 0.05,
                        "per_output_token_s": 0.01, "context_tokens": 2000,
                        "output_tokens": {"dist": "constant", "value": 100}}
        },
        "platforms": [{"name": "d", "type": "dedicated", "instances": 30, "usd_per_hour": 1}]
    });
    let report = run(&s);
    let p = platform(&report, "d");
    let lat = &p["latency_s"];
    for k in ["p50", "max"] {
        let x = lat[k].as_f64().unwrap();
        assert!((x - 1.2).abs() < 1.2e-3, "{k} {x}");
    }
}

#[test]
fn the_shipped_workload_scenarios_validate_and_run_from_any_folder() {
    for name in ["llm-chat-diurnal.json", "azure-llm-trace.json"] {
        let path = project_dir().join("scenarios").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let v: Value = serde_json::from_str(&text).unwrap();
        assert!(
            !v["description"].as_str().unwrap_or("").is_empty(),
            "{name} has a description"
        );
        let elsewhere = tempfile::tempdir().unwrap();
        let out = servsim()
            .current_dir(elsewhere.path())
            .arg("run")
            .arg(&path)
            .args(["--seeds", "1", "--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        for p in report["platforms"].as_array().unwrap() {
            assert_conserved(p);
            assert!(mean(&p["requests"], "arrived") > 1000.0, "{name}");
        }
    }
}

#[test]
fn trace_and_profile_runs_are_byte_identical_for_any_thread_count() {
    for name in ["azure-llm-trace.json", "llm-chat-diurnal.json"] {
        let path = project_dir().join("scenarios").join(name);
        let out = |threads: &str| {
            let o = servsim()
                .arg("run")
                .arg(&path)
                .args(["--seeds", "3", "--format", "json", "--threads", threads])
                .output()
                .unwrap();
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            o.stdout
        };
        assert_eq!(out("1"), out("3"), "{name}");
    }
}
