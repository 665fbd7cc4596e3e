//! Every export format of `run`, `sweep` and `breakeven`, pinned by insta snapshots.
//! After an intended change: `INSTA_UPDATE=always cargo test --release` (or
//! `cargo insta review`), then read the diff of `tests/integration/snapshots/`.

use crate::support::*;
use crate::sweep::{small_scenario, stdout_of};

const FORMATS: [&str; 4] = ["table", "json", "csv", "markdown"];

#[test]
fn run_exports_match_their_snapshots() {
    let (_dir, path) = scenario_file(&small_scenario());
    for format in FORMATS {
        let out = stdout_of(&["run", path.to_str().unwrap(), "--format", format]);
        insta::assert_snapshot!(format!("run_{format}"), out);
    }
}

#[test]
fn sweep_exports_match_their_snapshots() {
    let (_dir, path) = scenario_file(&small_scenario());
    for format in FORMATS {
        let out = stdout_of(&[
            "sweep",
            path.to_str().unwrap(),
            "--param",
            "platforms.0.scaledown_window_s",
            "--values",
            "2,300",
            "--seeds",
            "2",
            "--slo-p99",
            "3.5",
            "--format",
            format,
        ]);
        insta::assert_snapshot!(format!("sweep_{format}"), out);
    }
}

#[test]
fn breakeven_exports_match_their_snapshots() {
    let (_dir, path) = scenario_file(&small_scenario());
    for format in FORMATS {
        let out = stdout_of(&[
            "breakeven",
            path.to_str().unwrap(),
            "--param",
            "workload.arrivals.rate_per_s",
            "--range",
            "0.01:0.05:0.02",
            "--between",
            "serverless",
            "dedicated",
            "--format",
            format,
        ]);
        insta::assert_snapshot!(format!("breakeven_{format}"), out);
    }
}
