//! The malformed-input corpus beyond `scenarios.rs`: non-finite and out-of-range numbers,
//! bad units, contradictions among the newer keys (spot, hybrid, traces, profiles),
//! missing and unreadable trace files, and malformed traces. Each exits 2 from `run` and
//! `validate`, naming the file and the JSON path or trace line, with what was expected
//! and what was found.

use std::path::Path;

use serde_json::json;

use crate::support::*;

/// (file in tests/data/invalid, text after the file name; `{dir}` is that folder).
const SCENARIOS: &[(&str, &str)] = &[
    (
        "nan-duration.json",
        ": platforms[0].scaledown_window_s: expected seconds (a number) or a duration like \"90s\", \"15m\", \"2h\", \"30d\", found \"NaNs\"",
    ),
    (
        "infinite-horizon.json",
        ": horizon: expected seconds (a number) or a duration like \"90s\", \"15m\", \"2h\", \"30d\", found \"infd\"",
    ),
    (
        "horizon-too-long.json",
        ": horizon: expected a horizon of at most 100 years (\"36500d\"), found 3456000000 s",
    ),
    (
        "rate-above-clock.json",
        ": workload.arrivals.rate_per_s: expected a rate of at most 1e9 per second (one arrival a nanosecond, the clock's resolution), found 1000000000000.0",
    ),
    (
        "interval-below-clock.json",
        ": workload.arrivals.interval_s: expected a duration that is a number ≥ 0.000000001, found 1e-12",
    ),
    (
        "bad-unit-in-dist.json",
        ": platforms[0].cold_start.value_s: expected seconds (a number) or a duration like \"90s\", \"15m\", \"2h\", \"30d\", found \"5 parsecs\"",
    ),
    (
        "amplitude-out-of-range.json",
        ": workload.rate_profile.amplitude: expected a number in [0, 1], found 1.5",
    ),
    (
        "spot-both-rates.json",
        ": platforms[0].spot: expected one of interruptions_per_hour or interruptions_per_month, found both",
    ),
    (
        "spot-fallback-delay-without-on-demand.json",
        ": platforms[0].spot.fallback_delay: expected fallback_delay only with fallback \"on_demand\", found fallback \"wait\"",
    ),
    (
        "spot-missing-replacement.json",
        ": platforms[0].spot.replacement_delay: missing required key (required when interruptions are possible)",
    ),
    (
        "hybrid-both-overflow-rules.json",
        ": platforms[0].overflow_when: expected exactly one of queue_wait_s or queue_length, found both",
    ),
    (
        "hybrid-base-wrong-type.json",
        ": platforms[0].base.type: expected one of \"dedicated\", found \"serverless\"",
    ),
    (
        "missing-trace-file.json",
        ": workload.arrivals.path: {dir}/no-such-trace.csv: cannot read: No such file or directory",
    ),
    (
        "trace-option-of-another-format.json",
        ": workload.arrivals.within_minute: expected no within_minute: it applies to format \"azure_functions_2019\" only, found format \"csv\"",
    ),
    (
        "trace-repeat-single-record.json",
        ": workload.arrivals.repeat: expected a trace that spans some time to repeat, found 1 record spanning 0 s",
    ),
    (
        "trace-is-a-directory.json",
        ": workload.arrivals.path: {dir}/../traces: expected a regular file, found a directory",
    ),
    (
        "trace-time-scale-to-zero.json",
        ": workload.arrivals.repeat: expected a time_scale that leaves a replay period of at least 1 ns to repeat, found time_scale 0.000000000001 (period 3.5 s before scaling)",
    ),
    (
        "piecewise-decreasing-hours.json",
        ": workload.rate_profile.points[2]: expected hours in increasing order, found 6 after 12",
    ),
    (
        "weekly-six-days.json",
        ": workload.rate_profile.day_multipliers: expected 7 numbers (Monday first), found 6",
    ),
    (
        "too-many-inputs-per-gpu.json",
        ": platforms[0].max_inputs: expected at most 65536 concurrent inputs per GPU, found 100000",
    ),
    (
        "azure-llm-without-llm-service.json",
        ": workload.service: expected {\"dist\": \"llm\"} or {\"dist\": \"tokens\"} to price the token counts of the azure_llm trace at workload.arrivals, found a distribution of seconds",
    ),
    (
        "profile-on-bursts-only.json",
        ": workload.rate_profile: expected a poisson, gamma, mmpp or periodic arrival process for the profile to modulate, found only bursts and traces",
    ),
    (
        "negative-seed.json",
        ": seed: expected a whole number ≥ 0, found -1",
    ),
    (
        "null-value.json",
        ": seeds: expected a whole number in [1, 4294967295], found null",
    ),
    (
        "mmpp-all-silent.json",
        ": workload.arrivals.states: expected at least one state with rate_per_s > 0, found all 0",
    ),
    (
        "string-for-number.json",
        ": platforms[0].instances: expected a whole number in [1, 4294967295], found \"2\"",
    ),
];

/// (trace in tests/data/traces, its format, text after the trace's path).
const TRACES: &[(&str, &str, &str)] = &[
    (
        "csv_negative_service.csv",
        "csv",
        ":3: expected seconds ≥ 0 in column service_s, found \"-0.5\"",
    ),
    (
        "csv_nan_timestamp.csv",
        "csv",
        ":3: expected a number of seconds in column timestamp_s, found \"NaN\"",
    ),
    (
        "csv_header_only.csv",
        "csv",
        ": expected at least one record after the header, found none",
    ),
    (
        "csv_empty.csv",
        "csv",
        ": expected a header line, found an empty file",
    ),
    (
        "binary_garbage.csv",
        "csv",
        ":1: expected a header with the columns timestamp_s and optionally service_s, found \"",
    ),
    (
        "azure_functions_bad_header.csv",
        "azure_functions_2019",
        ":1: expected the header HashOwner,HashApp,HashFunction,Trigger,1,2,…,1440, found \"HashOwner,HashApp,HashFunction,Trigger,1,2,…\" (7 columns)",
    ),
    (
        "azure_llm_negative_tokens.csv",
        "azure_llm",
        ":3: expected a whole number of tokens ≥ 0 in column ContextTokens, found \"-3\"",
    ),
];

/// `assert_rejected`, and no line of the errors is over 400 characters (a long value
/// found is cut short, not echoed whole).
fn assert_rejected_briefly(path: &Path, needle: &str) {
    let stderr = assert_rejected(path, &[needle]);
    assert!(
        stderr.lines().all(|l| l.chars().count() < 400),
        "a line too long:\n{stderr}"
    );
}

#[test]
fn each_malformed_scenario_names_file_path_expected_and_found() {
    let dir = project_dir().join("tests/data/invalid");
    for (file, expected) in SCENARIOS {
        let path = dir.join(file);
        let expected = expected.replace("{dir}", &dir.display().to_string());
        assert_rejected_briefly(&path, &format!("{}{expected}", path.display()));
    }
}

#[test]
fn each_malformed_trace_names_scenario_key_trace_and_line() {
    let traces = project_dir().join("tests/data/traces");
    for (file, format, expected) in TRACES {
        let trace = traces.join(file);
        let service = match *format {
            "azure_llm" => json!({"dist": "llm", "ttft_s": 0.1, "per_output_token_s": 0.01}),
            _ => json!({"dist": "constant", "value_s": 1}),
        };
        let (_dir, path) = scenario_file(&json!({
            "name": "x", "horizon": 10,
            "workload": {"arrivals": {"process": "trace", "path": trace, "format": format},
                         "service": service},
            "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1}]
        }));
        let needle = format!(
            "{}: workload.arrivals.path: {}{expected}",
            path.display(),
            trace.display()
        );
        assert_rejected_briefly(&path, &needle);
    }
}

#[test]
fn every_malformed_scenario_file_is_asserted_somewhere() {
    let files = std::fs::read_dir(project_dir().join("tests/data/invalid"))
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    // scenarios.rs asserts the first 21; this module the rest, and 7 more traces.
    assert_eq!(files, 21 + SCENARIOS.len());
    assert!(SCENARIOS.len() + TRACES.len() >= 25);
}

#[test]
fn a_fifo_as_trace_is_refused_without_blocking() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("trace.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("SKIPPED: mkfifo is not available");
        return;
    }
    let (_d, path) = scenario_file(&json!({
        "name": "x", "horizon": 10,
        "workload": {"arrivals": {"process": "trace", "path": fifo, "format": "csv"},
                     "service": {"dist": "constant", "value_s": 1}},
        "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1}]
    }));
    let needle = format!(
        "{}: expected a regular file, found a device, socket or FIFO",
        fifo.display()
    );
    assert_rejected_briefly(&path, &needle);
}

#[test]
fn a_device_or_a_folder_as_scenario_is_refused_without_reading_it_whole() {
    assert_rejected(
        Path::new("/dev/zero"),
        &["/dev/zero: expected a scenario file of at most 16777216 bytes, found more"],
    );
    assert_rejected(Path::new("tests"), &["tests: cannot read"]);
}

#[test]
fn the_schema_and_validate_exit_quietly_on_a_closed_pipe() {
    let scenario = project_dir().join("scenarios/burst-batch.json");
    for args in [
        vec!["schema".into()],
        vec!["validate".into(), scenario.display().to_string()],
    ] {
        let out = output_with_closed_stdout(&args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            out.stderr.is_empty(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
