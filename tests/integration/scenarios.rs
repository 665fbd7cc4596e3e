//! The scenario files in the repository: every shipped one (`scenarios/`) validates,
//! describes itself and runs with every request accounted for; every bench one
//! (`benches/scenarios/`) is valid, and the cold-start storm and its two handfuls are what
//! docs/performance.md says they are.

use serde_json::{Value, json};

use crate::support::*;

#[test]
fn every_shipped_scenario_validates_and_runs() {
    let dir = project_dir().join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    assert!(files.len() >= 2);
    let mut flagged = Vec::new();
    for f in &files {
        let out = servsim().arg("validate").arg(f).output().unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let text: serde_json::Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        assert!(
            text["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{} has a description",
            f.display()
        );
        // No shipped scenario has a horizon too short for its profile or its rate.
        assert!(
            !String::from_utf8_lossy(&out.stderr).contains(": horizon: "),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let out = output_of("run", f, &["--format", "json", "--seeds", "2"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let report: Value = serde_json::from_slice(&out.stdout).unwrap();
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        for p in report["platforms"].as_array().unwrap() {
            assert_conserved(p);
            if !p["overloaded_at_peak"].is_null() {
                flagged.push(format!("{name}: {}", p["name"].as_str().unwrap()));
            }
        }
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("arrivals completed"), "{name}: {stderr}");
    }
    // The dedicated fleet sized for the baseline of hybrid-overflow is short at its two
    // daily peaks (4/s of 1 s jobs on 2 GPUs), which is what the hybrids are there for.
    assert_eq!(flagged, ["hybrid-overflow.json: dedicated-2"]);
}

fn bench_data(name: &str) -> std::path::PathBuf {
    project_dir().join("benches/scenarios").join(name)
}

fn read(path: &std::path::Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn every_bench_scenario_is_valid() {
    for entry in std::fs::read_dir(project_dir().join("benches/scenarios")).unwrap() {
        let path = entry.unwrap().path();
        servsim().arg("validate").arg(&path).assert().success();
    }
}

#[test]
fn the_cold_start_storm_is_a_million_requests_and_the_handfuls_share_its_arrivals() {
    let storm = read(&bench_data("cold-start-storm-1m.json"));
    let handful = read(&bench_data("warm-handful-1m.json"));
    let concurrent = read(&bench_data("concurrent-handful-1m.json"));
    // Poisson 10,000 req/s for 100 s: 1M requests; 0.5 s service; 5 s cold start; 60 s.
    assert_eq!(
        storm["workload"]["arrivals"],
        json!({"process": "poisson", "rate_per_s": 10000})
    );
    assert_eq!(storm["horizon"], "100s");
    assert_eq!(storm["workload"]["service"]["mean_s"], 0.5);
    let p = &storm["platforms"][0];
    assert_eq!(p["cold_start"], json!({"dist": "constant", "value_s": 5}));
    assert_eq!(p["scaledown_window_s"], 60);
    assert_eq!(
        handful["workload"]["arrivals"],
        storm["workload"]["arrivals"]
    );
    assert_eq!(handful["horizon"], storm["horizon"]);
    // The concurrent handful carries the very same requests (arrivals and demands).
    assert_eq!(concurrent["workload"], storm["workload"]);
    assert_eq!(concurrent["horizon"], storm["horizon"]);

    let storm = run_json(&bench_data("cold-start-storm-1m.json"), &["--threads", "1"]);
    let handful = run_json(&bench_data("warm-handful-1m.json"), &["--threads", "1"]);
    let concurrent = run_json(
        &bench_data("concurrent-handful-1m.json"),
        &["--threads", "1"],
    );
    for report in [&storm, &handful, &concurrent] {
        let p = platform(report, "serverless");
        assert_conserved(p);
        let arrived = p["requests"]["arrived"]["mean"].as_f64().unwrap();
        // 10^6 expected, sd 1,000.
        assert!((arrived - 1e6).abs() < 5_000.0, "{arrived}");
    }
    let (s, h) = (
        platform(&storm, "serverless"),
        platform(&handful, "serverless"),
    );
    assert!(
        mean(s, "containers_max") > 40_000.0,
        "tens of thousands of containers"
    );
    assert!(mean(h, "containers_max") <= 64.0, "a handful of containers");
    // Eight containers, never more, carrying the storm's very arrivals.
    let c = platform(&concurrent, "serverless");
    assert_eq!(mean(c, "containers_max"), 8.0);
    assert_eq!(mean(c, "containers_started"), 0.0);
    assert_eq!(c["requests"]["arrived"], s["requests"]["arrived"]);
}
