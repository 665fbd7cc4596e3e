//! Malformed scenario files, missing files and bad arguments: each exits 2 naming the file
//! and the offending JSON path (or line), with what was expected and what was found, and
//! `validate` lists every error of every file at once.

use crate::support::*;

/// (file in tests/data/invalid, text the error must contain after the file name).
const CASES: &[(&str, &str)] = &[
    (
        "syntax-error.json",
        ":2:115: invalid JSON: key must be a string",
    ),
    (
        "empty.json",
        ":1:0: invalid JSON: EOF while parsing a value",
    ),
    ("binary-garbage.json", ":1:1: invalid JSON: expected value"),
    (
        "deep-nesting.json",
        ":1:128: invalid JSON: recursion limit exceeded",
    ),
    (
        "huge-number.json",
        ":1:30: invalid JSON: number out of range",
    ),
    (
        "top-level-array.json",
        ": (top level): expected an object, found an array of 1 item",
    ),
    (
        "unknown-top-key.json",
        ": horizn: unknown key; expected one of: description, horizon, name",
    ),
    (
        "negative-rate.json",
        ": workload.arrivals.rate_per_s: expected a number > 0, found -1",
    ),
    (
        "bad-horizon-unit.json",
        ": horizon: expected seconds (a number) or a duration like \"90s\"",
    ),
    (
        "zero-horizon.json",
        ": horizon: expected a duration that is a number > 0, found 0",
    ),
    (
        "min-above-max.json",
        ": platforms[0].min_containers: expected min_containers ≤ max_containers (2), found 3",
    ),
    (
        "target-above-max-inputs.json",
        ": platforms[0].target_inputs: expected target_inputs ≤ max_inputs (2), found 4",
    ),
    (
        "duplicate-platform-names.json",
        ": platforms[1].name: expected a unique platform name, found \"s\" again",
    ),
    (
        "unknown-platform-type.json",
        ": platforms[0].type: expected one of \"serverless\", \"dedicated\"",
    ),
    (
        "wrong-type-scaledown.json",
        ": platforms[0].scaledown_window_s: expected seconds (a number)",
    ),
    (
        "missing-cold-start.json",
        ": platforms[0].cold_start: missing required key",
    ),
    (
        "overlapping-windows.json",
        ": workload.rate_profile.windows: expected windows that do not overlap, found [1, 5) and [4, 6)",
    ),
    (
        "window-crosses-midnight.json",
        ": workload.rate_profile.windows[0]: expected start_h < end_h",
    ),
    (
        "no-platforms.json",
        ": platforms: expected a non-empty array, found an array of 0 items",
    ),
    (
        "negative-price.json",
        ": platforms[0].usd_per_hour: expected a number ≥ 0, found -2.4",
    ),
    (
        "bad-billing-mode.json",
        ": platforms[0].billing.mode: expected one of \"lifetime\", \"after_startup\", \"busy_only\", found \"per_token\"",
    ),
];

#[test]
fn each_malformed_scenario_exits_2_naming_file_and_path() {
    for (file, expected) in CASES {
        let path = project_dir().join("tests/data/invalid").join(file);
        assert_rejected(&path, &[format!("{}{expected}", path.display())]);
    }
}

#[test]
fn validate_lists_every_error_of_every_file_at_once() {
    let dir = project_dir().join("tests/data/invalid");
    let out = servsim()
        .arg("validate")
        .arg(project_dir().join("scenarios/burst-batch.json"))
        .arg(dir.join("min-above-max.json"))
        .arg(dir.join("negative-rate.json"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("burst-batch.json: ok"), "{stdout}");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("min-above-max.json: platforms[0].min_containers"),
        "{stderr}"
    );
    assert!(
        stderr.contains("negative-rate.json: workload.arrivals.rate_per_s"),
        "{stderr}"
    );
    assert!(stderr.contains("2 problems in 2 of 3 files"), "{stderr}");
}

#[test]
fn several_errors_in_one_file_are_all_reported() {
    let text = serde_json::json!({
        "name": "x", "horizon": -5, "seeds": "many",
        "workload": {"arrivals": {"process": "poisson"}, "service": {"dist": "exponential", "mean_s": 0}},
        "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1, "instances": 0}]
    });
    let (_dir, path) = scenario_file(&text);
    let stderr = assert_rejected(
        &path,
        &[
            "horizon: expected a duration that is a number > 0, found -5",
            "seeds: expected a whole number in [1, 4294967295], found \"many\"",
            "workload.arrivals.rate_per_s: missing required key",
            "workload.service.mean_s: expected a duration that is a number > 0, found 0",
            "platforms[0].instances: expected a whole number in [1, 4294967295], found 0",
        ]
        .map(|e| format!("{}: {e}", path.display())),
    );
    assert!(stderr.contains("5 problems in 1 of 1 file"), "{stderr}");
}

#[test]
fn a_missing_file_exits_2_naming_it() {
    let path = std::path::Path::new("no/such/scenario.json");
    assert_rejected(path, &["no/such/scenario.json: cannot read"]);
}

#[test]
fn bad_arguments_exit_2() {
    let e = rejected(&["run", "--seeds", "0"]);
    assert!(e.contains("invalid value '0' for '--seeds <SEEDS>'"), "{e}");
    let e = rejected(&["run", "--format", "yaml"]);
    assert!(
        e.contains("invalid value 'yaml' for '--format <FORMAT>'"),
        "{e}"
    );
}
