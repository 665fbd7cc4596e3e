//! The shipped `training-on-spot` scenario: what its description claims, and the story it
//! tells.

use crate::support::{platform, project_dir, run_json};

#[test]
fn training_on_spot_compares_modal_on_demand_spot_with_and_without_checkpoints_and_a_hybrid() {
    let path = project_dir().join("scenarios/training-on-spot.json");
    let text: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let jobs = &text["workload"]["jobs"];
    assert_eq!(jobs["work"]["mean_s"], "8h");
    assert_eq!(jobs["checkpoint"]["interval_s"], "30m");
    assert_eq!(text["horizon"], "7d");
    let report = run_json(&path, &[]);
    let j = |name: &str, key: &str| {
        platform(&report, name)["jobs"][key]["mean"]
            .as_f64()
            .unwrap()
    };
    let spot = |name: &str, key: &str| {
        platform(&report, name)["spot"][key]["mean"]
            .as_f64()
            .unwrap()
    };
    // Both spot fleets see the very same interruptions (common random numbers) ...
    assert_eq!(
        spot("spot-checkpoint", "interruptions"),
        spot("spot-no-checkpoint", "interruptions")
    );
    // ... but only checkpoints keep what was done: at most 30 min of work per restart.
    let lost = j("spot-checkpoint", "lost_work_s");
    assert!(lost <= j("spot-checkpoint", "restarts") * 1800.0, "{lost}");
    assert!(j("spot-no-checkpoint", "lost_work_s") > 5.0 * lost);
    assert!(j("spot-checkpoint", "restore_s") > 0.0);
    assert_eq!(j("spot-no-checkpoint", "restore_s"), 0.0);
    assert_eq!(j("spot-no-checkpoint", "checkpoint_s"), 0.0);
    let p99 = |name: &str| {
        platform(&report, name)["jobs"]["completion_time_s"]["p99"]
            .as_f64()
            .unwrap()
    };
    assert!(p99("spot-no-checkpoint") > p99("spot-checkpoint"));
    // Nothing interrupts Modal or the on-demand fleet; spot costs less than on-demand.
    assert_eq!(j("modal", "restarts"), 0.0);
    assert_eq!(j("on-demand", "restarts"), 0.0);
    assert!(j("spot-checkpoint", "cost_usd_per_job") < j("on-demand", "cost_usd_per_job"));
    // Four spot VMs overflowing to Modal past an hour's expected wait: a share of the jobs
    // run on Modal, and the slowest finish as on Modal rather than as on five spot VMs.
    let hybrid = platform(&report, "spot-modal-overflow");
    let share = hybrid["overflow_fraction"]["mean"].as_f64().unwrap();
    assert!((0.05..0.6).contains(&share), "{share}");
    assert!(p99("spot-modal-overflow") < 0.8 * p99("spot-checkpoint"));
    assert!(p99("spot-modal-overflow") < 1.1 * p99("modal"));
    let lost = j("spot-modal-overflow", "lost_work_s");
    assert!(
        lost <= j("spot-modal-overflow", "restarts") * 1800.0,
        "{lost}"
    );
    assert!(lost > 0.0);
    for p in report["platforms"].as_array().unwrap() {
        crate::support::assert_conserved(p);
    }
}
