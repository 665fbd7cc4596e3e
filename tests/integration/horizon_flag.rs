//! `--horizon D` on `run`, `sweep` and `breakeven` (docs/guide.md): the scenario's
//! horizon overridden with the key's own syntax, bad values refused with exit 2, and
//! shards that must agree on it.

use serde_json::Value;

use crate::support::*;

fn json_of(args: &[&str]) -> Value {
    serde_json::from_str(&stdout_of(args)).unwrap()
}

#[test]
fn horizon_overrides_the_scenario_on_run_sweep_and_breakeven() {
    let (_dir, path) = scenario_file(&small_scenario());
    let p = s(&path);
    let run = json_of(&["run", p, "--format", "json", "--horizon", "3h", "--quiet"]);
    assert_eq!(run["horizon_s"], 10_800.0);
    // The same run as a file whose horizon says 3h.
    let mut doc = small_scenario();
    doc["horizon"] = "3h".into();
    let (_dir2, three) = scenario_file(&doc);
    let direct = json_of(&["run", s(&three), "--format", "json", "--quiet"]);
    assert_eq!(run["platforms"], direct["platforms"]);
    let bare = json_of(&[
        "run",
        p,
        "--format",
        "json",
        "--horizon",
        "10800",
        "--quiet",
    ]);
    assert_eq!(bare["platforms"], direct["platforms"]);

    let sweep = [
        "sweep",
        p,
        "--param",
        "platforms.0.scaledown_window_s",
        "--values",
        "2,30",
    ];
    let long = json_of(
        &[
            &sweep[..],
            &["--format", "json", "--horizon", "3h", "--quiet"],
        ]
        .concat(),
    );
    let short = json_of(&[&sweep[..], &["--format", "json", "--quiet"]].concat());
    let arrived = |r: &Value| {
        r["points"][0]["platforms"][0]["requests"]["arrived"]["mean"]
            .as_f64()
            .unwrap()
    };
    // 0.05/s over 3 h is about 540 arrivals, over the file's 2 h about 360.
    assert!(
        arrived(&long) > 450.0 && arrived(&short) < 450.0,
        "{} {}",
        arrived(&long),
        arrived(&short)
    );

    let args = breakeven_args(
        &path,
        "platforms.1.usd_per_hour",
        "0.1:4",
        ["serverless", "dedicated"],
        &["--format", "json", "--horizon", "3h", "--quiet"],
    );
    let be = json_of(&args);
    let cost = be["points"][0]["platforms"][1]["cost_usd"]["mean"]
        .as_f64()
        .unwrap();
    // The dedicated GPU at $0.10/h for 3 h.
    assert_close(cost, 0.3, 1e-9, "dedicated cost over 3 h");
}

#[test]
fn a_bad_horizon_is_refused_with_exit_two() {
    let (_dir, path) = scenario_file(&small_scenario());
    for (value, why) in [
        (
            "7x",
            "expected seconds (a number) or a duration like \"90s\", \"15m\", \"36h\", \"7d\", \"2w\", found \"7x\"",
        ),
        (
            "0",
            "expected a horizon of at least 1 ns, found \"0\" (0 s)",
        ),
        (
            "40000d",
            "expected a horizon of at most 100 years (\"36500d\"), found \"40000d\"",
        ),
    ] {
        for command in ["run", "sweep"] {
            let stderr = rejected(&[command, s(&path), "--horizon", value]);
            assert!(
                stderr.contains(&format!(
                    "invalid value '{value}' for '--horizon <D>': {why}"
                )),
                "{stderr}"
            );
        }
    }
}

#[test]
fn shards_of_one_horizon_merge_and_shards_of_two_do_not() {
    let (dir, path) = scenario_file(&small_scenario());
    let p = s(&path);
    let part = |k: u32, horizon: &str| {
        let file = dir.path().join(format!("part-{k}-{horizon}.json"));
        stdout_of(&[
            "run",
            p,
            "--shard",
            &format!("{k}/2"),
            "--horizon",
            horizon,
            "--output",
            s(&file),
            "--quiet",
        ]);
        file
    };
    let (a, b) = (part(1, "3h"), part(2, "3h"));
    let merged = json_of(&["merge", s(&a), s(&b), "--format", "json"]);
    let whole = json_of(&["run", p, "--format", "json", "--horizon", "3h", "--quiet"]);
    assert_eq!(merged, whole);
    let other = part(2, "4h");
    let stderr = rejected(&["merge", s(&a), s(&other)]);
    assert!(
        stderr.contains("does not belong with") && stderr.contains("their scenario differ"),
        "{stderr}"
    );
    let stderr = rejected(&["merge", s(&a), s(&b), "--horizon", "3h"]);
    assert!(
        stderr.contains("--horizon: merge takes the horizon the shards ran with"),
        "{stderr}"
    );
}
