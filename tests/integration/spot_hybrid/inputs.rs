//! Validation of the keys this part adds, and the shipped scenarios.

use serde_json::{Value, json};

use super::{scenario, spot_platform};
use crate::support::*;
#[test]
fn bad_spot_and_hybrid_keys_are_reported_with_file_and_path() {
    let json = scenario(
        "1d",
        1,
        json!({"arrivals": {"process": "poisson", "rate_per_s": 1}, "service": {"dist": "constant", "value_s": 1}}),
        vec![
            spot_platform(
                "a",
                1,
                json!({"usd_per_hour": 1, "interruptions_per_hour": 1, "interruptions_per_month": 3}),
            ),
            spot_platform(
                "b",
                1,
                json!({"usd_per_hour": 1, "interruptions_per_month": 3, "on_interrupt": "retry",
                                         "fallback": "on_demand", "model_load": {"dist": "constant", "value_s": 1}}),
            ),
            spot_platform(
                "c",
                1,
                json!({"usd_per_hour": 1, "interruptions_per_hour": 0,
                                         "fallback_delay": {"dist": "constant", "value_s": 1}, "notice_s": -1}),
            ),
            spot_platform("d", 1, json!({"usd_per_hour": 1})),
            json!({"name": "h", "type": "hybrid", "base": {"name": "x", "usd_per_hour": 1},
                   "overflow": {"type": "dedicated", "gpu_usd_per_s": 0.001, "cold_start": {"dist": "constant", "value_s": 1}},
                   "overflow_when": {"queue_wait_s": 1, "queue_length": 2}}),
            json!({"name": "h2", "type": "hybrid", "base": {"usd_per_hour": 1}, "overflow_when": {}}),
        ],
    );
    let (_dir, path) = scenario_file(&json);
    let out = servsim().arg("validate").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    let file = path.display().to_string();
    for needle in [
        "platforms[0].spot: expected one of interruptions_per_hour or interruptions_per_month, found both",
        "platforms[1].spot.on_interrupt: expected one of \"requeue\", \"fail\", found \"retry\"",
        "platforms[1].spot.replacement_delay: missing required key (required when interruptions are possible)",
        "platforms[1].spot.fallback_delay: missing required key (required with fallback \"on_demand\")",
        "platforms[2].spot.notice_s: expected a duration that is a number ≥ 0, found -1",
        "platforms[2].spot.fallback_delay: expected fallback_delay only with fallback \"on_demand\"",
        "platforms[3].spot.interruptions_per_hour: missing required key",
        "platforms[4].base.name: unknown key",
        "platforms[4].overflow.type: expected one of \"serverless\", found \"dedicated\"",
        "platforms[4].overflow_when: expected exactly one of queue_wait_s or queue_length, found both",
        "platforms[5].overflow: missing required key",
        "platforms[5].overflow_when: expected exactly one of queue_wait_s or queue_length, found neither",
    ] {
        assert!(
            err.contains(&format!("{file}: {needle}")),
            "missing {needle:?} in:\n{err}"
        );
    }
}

#[test]
fn the_shipped_spot_and_hybrid_scenarios_run_and_are_deterministic_across_threads() {
    for name in ["spot-failover.json", "hybrid-overflow.json"] {
        let path = project_dir().join("scenarios").join(name);
        let text = std::fs::read_to_string(&path).unwrap();
        let json: Value = serde_json::from_str(&text).unwrap();
        assert!(
            json["description"]
                .as_str()
                .is_some_and(|d| d.contains("2026-06-03") && !d.contains("platforms.md")),
            "{name} names its dated price source, not a document outside the repository"
        );
        let one = servsim()
            .arg("run")
            .arg(&path)
            .args(["--seeds", "2", "--threads", "1", "--format", "json"])
            .output()
            .unwrap();
        let two = servsim()
            .arg("run")
            .arg(&path)
            .args(["--seeds", "2", "--threads", "2", "--format", "json"])
            .output()
            .unwrap();
        assert!(
            one.status.success(),
            "{}",
            String::from_utf8_lossy(&one.stderr)
        );
        assert_eq!(
            one.stdout, two.stdout,
            "{name}: same bytes for any thread count"
        );
        let report: Value = serde_json::from_slice(&one.stdout).unwrap();
        for p in report["platforms"].as_array().unwrap() {
            assert_conserved(p);
        }
    }
}
