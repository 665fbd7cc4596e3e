//! Helpers shared by the integration tests.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::{Output, Stdio};

use assert_cmd::Command;
use serde_json::Value;

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
