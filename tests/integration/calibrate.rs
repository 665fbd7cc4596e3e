//! `servsim calibrate`: recovering known coefficients from simulated benchmark runs, the
//! roofline beside the fit, and bad measurement files.

use std::path::{Path, PathBuf};

use serde_json::Value;
use servsim::batching::{EngineConfig, StepTime, closed_loop_benchmark};

use crate::support::servsim;

/// Coefficients in whole picoseconds, as an engine holds them.
const KNOWN: StepTime = StepTime {
    base: 6_000_000_000,
    per_prefill_token: 21_000_000,
    per_decode_seq: 35_000_000,
    per_kv_token: 31_000,
};

const HEADER: &str = "concurrency,context_tokens,output_tokens,ttft_s,tpot_s\n";

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// Closed-loop benchmark runs of an engine with the `KNOWN` coefficients, as CSV.
fn simulated_runs() -> String {
    let cfg = EngineConfig::new(KNOWN, 2_000_000, 8_192, 256).unwrap();
    let mut csv = String::from("# simulated from known coefficients\n");
    csv += HEADER;
    for (c, ctx, out) in [
        (1, 256, 128),
        (2, 3000, 64),
        (12, 700, 300),
        (48, 1500, 200),
        (100, 300, 60),
        (200, 128, 400),
    ] {
        let r = closed_loop_benchmark(cfg, c, ctx, out).unwrap();
        csv += &format!("{c},{ctx},{out},{},{}\n", r.ttft_s, r.tpot_s);
    }
    csv
}

fn json_of(args: &[&str]) -> Value {
    let out = servsim().arg("calibrate").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn calibrating_simulated_benchmark_runs_recovers_the_coefficients_that_made_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "runs.csv", &simulated_runs());
    let report = json_of(&[path.to_str().unwrap(), "--format", "json"]);
    let known = KNOWN.as_secs();
    // The simulated times are exact but for event times floored to whole nanoseconds (at
    // most 1 ns in a TTFT of ≥ 6 ms, and 1 ns / (output − 1) in a TPOT: relative errors
    // below 2e-7), and the fit is printed rounded to the picosecond. The flooring moves the
    // least-squares fit by far less than half a picosecond (0.5 ps is 1.6e-5 of the smallest
    // coefficient, 31 ns), so the printed fit is the known coefficients exactly; any
    // modelling error (say, TPOT without the other clients' prefills) moves a coefficient
    // by percents.
    for (key, want) in [
        ("base_s", known.base_s),
        ("per_prefill_token_s", known.per_prefill_token_s),
        ("per_decode_seq_s", known.per_decode_seq_s),
        ("per_kv_token_s", known.per_kv_token_s),
    ] {
        assert_eq!(report["step_time"][key].as_f64(), Some(want), "{key}");
    }
    assert!(report["rms_relative_error"].as_f64().unwrap() < 1e-6);
    assert_eq!(report["determined"], true);
    assert_eq!(report["rows"].as_array().unwrap().len(), 6);
    assert_eq!(
        report["rows"][0]["line"], 3,
        "the comment and header are lines 1 and 2"
    );
    assert_eq!(report["roofline"], Value::Null);
}

#[test]
fn the_table_prints_a_step_time_to_paste_equal_to_the_json_fit() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "runs.csv", &simulated_runs());
    let file = path.to_str().unwrap();
    let out = servsim().args(["calibrate", file]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.trim_start().starts_with("\"step_time\": {"))
        .expect("a step_time line to paste");
    let pasted: Value = serde_json::from_str(&format!("{{{}}}", line.trim())).unwrap();
    let report = json_of(&[file, "--format", "json"]);
    assert_eq!(pasted["step_time"], report["step_time"]);
    assert!(text.starts_with(&format!(
        "{file}: 6 benchmark runs, 12 step times fitted by non-negative least squares"
    )));
}

#[test]
fn naming_a_gpu_and_model_shows_their_roofline_beside_the_fit() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "runs.csv", &simulated_runs());
    let report = json_of(&[
        path.to_str().unwrap(),
        "--gpu",
        "H100",
        "--model",
        "llama-3.1-8b-fp8",
        "--format",
        "json",
    ]);
    let r = &report["roofline"];
    assert_eq!(
        (r["gpu"].as_str(), r["model"].as_str()),
        (Some("H100"), Some("llama-3.1-8b-fp8"))
    );
    assert_eq!(r["tensor_parallel"], 1);
    // 2 × 32 layers × 8 KV heads × 128 × 1 byte = 65,536 B over 3.35 TB/s × 0.8 = 24.454 ns.
    assert_eq!(r["step_time"]["per_kv_token_s"].as_f64(), Some(2.4454e-8));
    // W / (B·mbu) + overhead = 8.03e9 / 2.68e12 + 0.002 s, to the picosecond.
    assert_eq!(r["step_time"]["base_s"].as_f64(), Some(0.004996268657));
    assert_eq!(r["rows"].as_array().unwrap().len(), 6);
    let tp2 = json_of(&[
        path.to_str().unwrap(),
        "--gpu",
        "H100",
        "--model",
        "llama-3.1-70b",
        "--tensor-parallel",
        "4",
        "--format",
        "json",
    ]);
    assert_eq!(tp2["roofline"]["tensor_parallel"], 4);
}

/// Runs calibrate on `text` and returns its exit code and standard error.
fn failure(text: &str, extra: &[&str]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "m.csv", text);
    let out = servsim()
        .current_dir(dir.path())
        .args(["calibrate", "m.csv"])
        .args(extra)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn bad_measurement_files_exit_2_naming_the_file_line_and_column() {
    let ok = "1,128,128,0.012,0.008\n4,512,256,0.025,0.0086\n";
    let cases = [
        (
            "concurrency,context_tokens,output_tokens,ttft_s\n1,128,128,0.012\n".to_string(),
            "error: m.csv: line 1: missing column \"tpot_s\" (expected concurrency, \
             context_tokens, output_tokens, ttft_s, tpot_s)\n",
        ),
        (
            format!("{HEADER}{ok}8,1024,512,fast,0.009\n"),
            "error: m.csv: line 4: ttft_s must be a positive number of seconds, or empty, found \
             \"fast\"\n",
        ),
        (
            format!("{HEADER}{ok}8,-1024,512,0.04,0.009\n"),
            "error: m.csv: line 4: context_tokens must be a whole number ≥ 1, found \"-1024\"\n",
        ),
        (
            format!("{HEADER}1,128,128,0.012,0.008\n"),
            "error: m.csv: too few rows: they give 2 step times (each row its ttft_s and its \
             tpot_s, where given); at least 4 are needed to fit 4 coefficients\n",
        ),
        (
            format!("{HEADER}{ok}8,1024,512,0.04\n"),
            "error: m.csv: line 4: expected 5 fields as in the header, found 4\n",
        ),
    ];
    for (text, want) in cases {
        assert_eq!(failure(&text, &[]), (Some(2), want.to_string()), "{text}");
    }
}

#[test]
fn unknown_catalog_names_and_unreadable_files_exit_2() {
    let runs = simulated_runs();
    let (code, err) = failure(&runs, &["--gpu", "H1000", "--model", "llama-3.1-8b"]);
    assert_eq!(code, Some(2));
    assert!(
        err.starts_with("error: --gpu: unknown GPU \"H1000\": expected one of T4, L4,"),
        "{err}"
    );
    let (code, err) = failure(&runs, &["--gpu", "H100", "--model", "llama-4"]);
    assert_eq!(code, Some(2));
    assert!(err.contains("llama-3.1-8b-fp8"), "{err}");
    let (code, err) = failure(&runs, &["--gpu", "H100"]);
    assert_eq!(code, Some(2), "{err}");
    let out = servsim()
        .args(["calibrate", "no/such.csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: no/such.csv: cannot read: "));
}

#[test]
fn rows_that_cannot_pin_every_coefficient_are_fitted_with_a_warning() {
    let text = format!("{HEADER}4,128,64,0.01,0.005\n4,128,64,0.011,0.0052\n");
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "m.csv", &text);
    let out = servsim().arg("calibrate").arg(&path).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("do not determine all four coefficients"),
        "{err}"
    );
    let quiet = servsim()
        .arg("calibrate")
        .arg(&path)
        .arg("--quiet")
        .output()
        .unwrap();
    assert!(quiet.stderr.is_empty());
}

#[test]
fn the_shipped_example_fits_the_configuration_it_was_simulated_from() {
    let path = crate::support::project_dir().join("docs/calibration-example.csv");
    let report = json_of(&[
        path.to_str().unwrap(),
        "--gpu",
        "H100",
        "--model",
        "llama-3.1-8b",
        "--format",
        "json",
    ]);
    for key in ["base_s", "per_prefill_token_s"] {
        let ratio = report["step_time"][key].as_f64().unwrap()
            / report["roofline"]["step_time"][key].as_f64().unwrap();
        assert!((ratio - 1.0).abs() < 0.05, "{key}: {ratio}");
    }
    assert!(report["rms_relative_error"].as_f64().unwrap() < 0.02);
    // Runs at concurrency above 1 give only their TPOT.
    let row = &report["rows"][4];
    assert_eq!(
        (row["concurrency"].as_u64(), &row["ttft_s"]),
        (Some(8), &Value::Null)
    );
    assert_eq!(row["fitted"]["ttft_relative_error"], Value::Null);
    assert!(row["fitted"]["tpot_relative_error"].as_f64().unwrap().abs() < 0.03);
}

#[test]
fn ttft_at_concurrency_above_one_is_fitted_with_a_warning_naming_the_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "runs.csv", &simulated_runs());
    let out = servsim().arg("calibrate").arg(&path).output().unwrap();
    assert!(out.status.success());
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("lines 4, 5, 6, 7, 8 give ttft_s at concurrency above 1"),
        "{err}"
    );
}
