//! A sweep run as a real Slurm job array (`deploy/slurm/servsim-shard.sbatch`), merged, and
//! compared byte for byte with the unsharded sweep. Needs a running Slurm cluster:
//! `deploy/slurm/start-local.sh` (root) starts a one-node one; `.ci/run` does. Without
//! one the test says so and passes without checking anything, except under CI (`CI` set),
//! where `.ci/run` has started one and its absence is a failure.

use std::process::Command;

use crate::support::*;

fn slurm_is_up() -> Result<(), String> {
    let out = Command::new("sinfo")
        .args(["-h", "-o", "%T"])
        .output()
        .map_err(|e| format!("sinfo cannot run ({e})"))?;
    let states = String::from_utf8_lossy(&out.stdout);
    if out.status.success()
        && states
            .lines()
            .any(|s| ["idle", "mix", "alloc"].iter().any(|k| s.starts_with(k)))
    {
        Ok(())
    } else {
        Err(format!("no Slurm node is up (sinfo: {:?})", states.trim()))
    }
}

#[test]
fn a_slurm_job_array_of_shards_merges_into_the_unsharded_sweep() {
    if let Err(why) = slurm_is_up() {
        let start = project_dir().join("deploy/slurm/start-local.sh");
        assert!(
            std::env::var_os("CI").is_none(),
            "{why}, but .ci/run starts one with {}",
            start.display()
        );
        eprintln!(
            "SKIPPED a_slurm_job_array_of_shards_merges_into_the_unsharded_sweep: {why}; \
             start one with {} (as root)",
            start.display()
        );
        return;
    }
    let bin = env!("CARGO_BIN_EXE_servsim");
    let scenario = project_dir().join("scenarios/breakeven-h100-realistic.json");
    let script = project_dir().join("deploy/slurm/servsim-shard.sbatch");
    let dir = tempfile::tempdir().unwrap();
    let sweep = [
        "sweep",
        scenario.to_str().unwrap(),
        "--param",
        "workload.rate_profile.windows.0.end_h",
        "--values",
        "2,6,12",
        "--param",
        "platforms.0.scaledown_window_s",
        "--values",
        "10,60",
        "--seeds",
        "4",
        "--slo-p99",
        "5",
    ];
    let out = Command::new("timeout")
        .arg("600")
        .arg("sbatch")
        .args(["--array=1-3", "--wait", "--time=10", "--chdir"])
        .arg(dir.path())
        .arg(&script)
        .args(sweep)
        .env("SERVSIM", bin)
        .env("OUT", dir.path().join("parts"))
        .output()
        .unwrap();
    let logs: String = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("slurm-"))
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(
        out.status.success(),
        "sbatch failed: {}{}\n{logs}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let parts: Vec<_> = (1..=3)
        .map(|k| dir.path().join(format!("parts/part-{k}.json")))
        .collect();
    for format in ["json", "csv"] {
        let merged = servsim()
            .arg("merge")
            .args(&parts)
            .args(["--format", format])
            .output()
            .unwrap();
        assert!(
            merged.status.success(),
            "{}",
            String::from_utf8_lossy(&merged.stderr)
        );
        let whole = servsim()
            .args(sweep)
            .args(["--format", format])
            .output()
            .unwrap();
        assert!(whole.status.success());
        assert!(
            merged.stdout == whole.stdout,
            "the merged {format} differs from the unsharded sweep"
        );
    }
}
