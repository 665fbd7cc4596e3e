//! Shards (`--shard K/N` and `merge`) (docs/guide.md).

use std::path::Path;

use serde_json::{Value, json};

use crate::support::*;

/// Runs `args` sharded N ways (each part to a file), merges with `merge_args`, returns the
/// merged output.
fn sharded(dir: &Path, args: &[&str], n: u32, merge_args: &[&str]) -> String {
    let mut parts = Vec::new();
    for k in 1..=n {
        let part = dir.join(format!("part-{k}.json"));
        let shard = format!("{k}/{n}");
        stdout_of(&[args, &["--shard", &shard, "--output", s(&part), "--quiet"]].concat());
        parts.push(part);
    }
    let mut merge = vec!["merge"];
    merge.extend(parts.iter().rev().map(|p| s(p)));
    merge.extend(merge_args);
    stdout_of(&merge)
}

#[test]
fn shards_merge_into_output_byte_identical_to_the_unsharded_run() {
    let (dir, path) = scenario_file(&small_scenario());
    let sweep = [
        "sweep",
        s(&path),
        "--param",
        "platforms.0.scaledown_window_s",
        "--values",
        "2,30",
        "--param",
        "workload.arrivals.rate_per_s",
        "--values",
        "0.02,0.05",
        "--slo-p99",
        "3.5",
        "--seeds",
        "5",
    ];
    for format in ["json", "csv", "table", "markdown"] {
        let whole = stdout_of(&[&sweep[..], &["--format", format, "--threads", "1"]].concat());
        let merged = sharded(dir.path(), &sweep, 3, &["--format", format]);
        assert_eq!(merged, whole, "sweep --format {format}");
    }
    let threads = stdout_of(&[&sweep[..], &["--format", "json", "--threads", "2"]].concat());
    assert_eq!(
        threads,
        stdout_of(&[&sweep[..], &["--format", "json", "--threads", "1"]].concat())
    );
    // A run split four ways over three seeds: one shard has nothing to do, and that is fine.
    let run = ["run", s(&path), "--seeds", "3"];
    let whole = stdout_of(&[&run[..], &["--format", "json"]].concat());
    assert_eq!(sharded(dir.path(), &run, 4, &["--format", "json"]), whole);
}

#[test]
fn spot_fleets_hybrids_and_jobs_merge_byte_identically_too() {
    // Their replicas carry spot figures, a hybrid's two parts and the jobs' figures
    // through the shard files.
    let dir = tempfile::tempdir().unwrap();
    for name in ["spot-failover", "hybrid-overflow", "training-on-spot"] {
        let path = project_dir().join(format!("scenarios/{name}.json"));
        let run = ["run", s(&path), "--seeds", "2"];
        let whole = stdout_of(&[&run[..], &["--format", "json"]].concat());
        assert_eq!(
            sharded(dir.path(), &run, 2, &["--format", "json"]),
            whole,
            "{name}"
        );
    }
}

#[test]
fn merge_refuses_parts_that_are_missing_foreign_incomplete_or_garbage() {
    let (dir, path) = scenario_file(&small_scenario());
    let d = dir.path();
    let shard = |k: u32, n: u32, seeds: &str, name: &str| {
        let part = d.join(name);
        stdout_of(&[
            "sweep",
            s(&path),
            "--param",
            "platforms.0.scaledown_window_s",
            "--values",
            "2,30",
            "--seeds",
            seeds,
            "--shard",
            &format!("{k}/{n}"),
            "--output",
            s(&part),
            "--quiet",
        ]);
        part
    };
    let a1 = shard(1, 3, "3", "a1.json");
    let a2 = shard(2, 3, "3", "a2.json");
    let a3 = shard(3, 3, "3", "a3.json");
    let e = rejected(&["merge", s(&a1), s(&a3)]);
    assert!(e.contains("missing shard 2/3"), "{e}");
    let e = rejected(&["merge", s(&a1), s(&a2), s(&a2), s(&a3)]);
    assert!(e.contains("shard 2/3 is given twice"), "{e}");
    let b2 = shard(2, 3, "4", "b2.json");
    let e = rejected(&["merge", s(&a1), s(&b2), s(&a3)]);
    assert!(
        e.contains("b2.json does not belong with") && e.contains("seeds differ"),
        "{e}"
    );
    let mut cut: Value = serde_json::from_slice(&std::fs::read(&a2).unwrap()).unwrap();
    cut["replicas"].as_array_mut().unwrap().pop();
    let cut_path = d.join("cut.json");
    std::fs::write(&cut_path, serde_json::to_vec(&cut).unwrap()).unwrap();
    let e = rejected(&["merge", s(&a1), s(&cut_path), s(&a3)]);
    assert!(e.contains("cut.json: shard 2/3 is incomplete"), "{e}");
    let mut damaged: Value = serde_json::from_slice(&std::fs::read(&a2).unwrap()).unwrap();
    let replica = &mut damaged["replicas"][0];
    replica["result"] = json!("not a result");
    let (point, platform, seed) = (
        replica["point"].clone(),
        replica["platform"].as_u64().unwrap() as usize,
        replica["seed"].clone(),
    );
    let damaged_path = d.join("damaged.json");
    std::fs::write(&damaged_path, serde_json::to_vec(&damaged).unwrap()).unwrap();
    let e = rejected(&["merge", s(&a1), s(&damaged_path), s(&a3)]);
    let name = small_scenario()["platforms"][platform]["name"].clone();
    assert!(
        e.contains(&format!(
            "damaged.json: point {point}, platform {name}, seed {seed}: unreadable replica result"
        )),
        "{e}"
    );
    let junk = d.join("junk.json");
    std::fs::write(&junk, "{\"not\": \"a shard\"}").unwrap();
    let e = rejected(&["merge", s(&junk)]);
    assert!(
        e.contains("junk.json: expected a servsim shard file"),
        "{e}"
    );
    let e = rejected(&[
        "sweep",
        s(&path),
        "--param",
        "seed",
        "--values",
        "1",
        "--shard",
        "4/3",
    ]);
    assert!(e.contains("expected K/N with 1 ≤ K ≤ N"), "{e}");
}
