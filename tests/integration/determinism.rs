//! Determinism (docs/semantics.md#randomness): the same scenario and master seed give
//! byte-identical output for any thread count, and another master seed another output.

use serde_json::json;

use crate::support::*;

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    let scenario = json!({
        "name": "det", "horizon": "2h", "seeds": 6,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": 3},
                     "service": {"dist": "lognormal", "mean_s": 0.4, "cv": 1.5}},
        "platforms": [
            {"name": "s", "type": "serverless", "gpu_usd_per_s": 0.001,
             "cold_start": {"dist": "lognormal", "mean_s": 8, "cv": 0.5}, "scaledown_window_s": 20},
            {"name": "d", "type": "dedicated", "usd_per_hour": 2.4, "instances": 2}
        ]
    });
    let (_dir, path) = scenario_file(&scenario);
    let run = |threads: &str| {
        servsim()
            .arg("run")
            .arg(&path)
            .args(["--format", "json", "--threads", threads])
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("4"));
    assert_eq!(one, run("2"));
    let other_seed = servsim()
        .arg("run")
        .arg(&path)
        .args(["--format", "json", "--seed", "2"])
        .output()
        .unwrap()
        .stdout;
    assert_ne!(one, other_seed, "the master seed matters");
}
