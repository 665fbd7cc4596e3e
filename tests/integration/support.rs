//! Helpers shared by the integration tests.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use assert_cmd::Command;
use serde_json::{Value, json};

/// The `servsim` binary under test.
pub fn servsim() -> Command {
    Command::cargo_bin("servsim").expect("the servsim binary is built")
}

/// The project's folder (for `scenarios/` and `tests/data/`).
pub fn project_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `json` to a fresh temporary file and returns its folder guard and path.
pub fn scenario_file(json: &Value) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("scenario.json");
    std::fs::write(&path, serde_json::to_vec_pretty(json).unwrap()).unwrap();
    (dir, path)
}

/// Runs `servsim COMMAND FILE ARGS…` and returns what it did, whatever its exit code.
pub fn output_of(command: &str, path: &Path, args: &[&str]) -> Output {
    servsim()
        .arg(command)
        .arg(path)
        .args(args)
        .output()
        .unwrap()
}

/// Runs `servsim ARGS…` with its standard output closed before it writes anything (as a
/// reader that quits early does) and returns what it did.
pub fn output_with_closed_stdout<S: AsRef<OsStr>>(args: &[S]) -> Output {
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("servsim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

/// Runs `servsim run FILE --format json ARGS…`, expects success, returns the JSON.
pub fn run_json(path: &Path, args: &[&str]) -> Value {
    let out = output_of("run", path, &[&["--format", "json"], args].concat());
    assert!(
        out.status.success(),
        "servsim failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("run prints JSON")
}

/// The summary of platform `name` in a run's JSON.
pub fn platform<'a>(report: &'a Value, name: &str) -> &'a Value {
    report["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap_or_else(|| panic!("no platform {name}"))
}

/// `platform[key].mean` as f64.
pub fn mean(p: &Value, key: &str) -> f64 {
    p[key]["mean"]
        .as_f64()
        .unwrap_or_else(|| panic!("{key}.mean missing in {p}"))
}

/// Asserts arrived = completed + rejected + timed_out + failed + in_flight_at_end in every
/// seed's mean (the means of integers conserve exactly when each seed does).
pub fn assert_conserved(p: &Value) {
    let r = &p["requests"];
    let get = |k: &str| r[k]["mean"].as_f64().unwrap();
    let sum = get("completed")
        + get("rejected")
        + get("timed_out")
        + get("failed")
        + get("in_flight_at_end");
    assert!(
        (get("arrived") - sum).abs() < 1e-6,
        "conservation broken: {r}"
    );
}

/// A small two-platform scenario (`serverless`, `dedicated`): Poisson 0.05/s, 1 s
/// requests, over two hours; for sweeps, breakevens, plots and export snapshots.
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

/// `path` as the `&str` an argument list takes.
pub fn s(p: &Path) -> &str {
    p.to_str().expect("test paths are UTF-8")
}

/// Runs `servsim ARGS…`, expects success, returns standard output.
pub fn stdout_of(args: &[&str]) -> String {
    let out = servsim().args(args).output().unwrap();
    assert!(
        out.status.success(),
        "servsim {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// `breakeven FILE --param PARAM --range RANGE --between A B EXTRA…`: the arguments of a
/// break-even search of `param` over `range` between two platforms.
pub fn breakeven_args<'a>(
    path: &'a Path,
    param: &'a str,
    range: &'a str,
    [a, b]: [&'a str; 2],
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec!["breakeven", s(path), "--param", param, "--range", range];
    args.extend(["--between", a, b]);
    args.extend(extra);
    args
}

/// Runs `servsim ARGS…` and asserts that it refused them as bad input: exit 2 and no
/// panic. Returns standard error.
pub fn rejected<S: AsRef<OsStr>>(args: &[S]) -> String {
    let out = servsim().args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let shown: Vec<_> = args.iter().map(|a| a.as_ref().to_string_lossy()).collect();
    assert_eq!(out.status.code(), Some(2), "servsim {shown:?}: {stderr}");
    assert!(!stderr.contains("panicked"), "servsim {shown:?}: {stderr}");
    stderr
}

/// Asserts that `run` and `validate` both refuse the scenario file `path` as bad input
/// (see `rejected`), each with every one of `needles` in standard error. Returns what
/// `validate` wrote.
pub fn assert_rejected<N: AsRef<str>>(path: &Path, needles: &[N]) -> String {
    let mut stderr = String::new();
    for command in ["run", "validate"] {
        stderr = rejected(&[OsStr::new(command), path.as_os_str()]);
        for needle in needles.iter().map(AsRef::as_ref) {
            assert!(
                stderr.contains(needle),
                "{command} {}: expected {needle:?} in\n{stderr}",
                path.display()
            );
        }
    }
    stderr
}

/// Asserts `actual` is within a relative `rel` of `expected`.
pub fn assert_close(actual: f64, expected: f64, rel: f64, what: &str) {
    assert!(
        ((actual - expected) / expected).abs() <= rel,
        "{what}: {actual} vs expected {expected} (rel tol {rel})"
    );
}
