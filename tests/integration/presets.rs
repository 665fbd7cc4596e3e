//! `servsim presets` and platforms written over presets.

use serde_json::{Value, json};

use crate::support::{output_of, scenario_file, servsim};

#[test]
fn the_listing_names_every_offer_with_its_date_and_source() {
    let out = servsim()
        .args(["presets", "--format", "json", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let offers: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(offers.len() >= 30, "{} offers", offers.len());
    let text = String::from_utf8(out.stdout).unwrap();
    for id in [
        "modal:H100",
        "spheron:H100-spot",
        "aws:p5.48xlarge",
        "cloudrun:L4",
    ] {
        assert!(text.contains(&format!("\"{id}\"")), "{id} is listed");
    }
}

#[test]
fn an_unknown_preset_id_exits_2_with_the_close_names() {
    let out = servsim().args(["presets", "modal:H10"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("close names: modal:H100"), "{err}");
}

#[test]
fn a_printed_preset_pasted_into_a_scenario_gives_the_same_results_as_the_preset() {
    let out = servsim()
        .args(["presets", "spheron:H100", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut pasted: Value = serde_json::from_slice(&out.stdout).unwrap();
    pasted["name"] = json!("gpu");
    let scenario = |platform: Value| {
        json!({"name": "paste", "horizon": "1d", "seeds": 2,
               "workload": {"arrivals": {"process": "poisson", "rate_per_s": 0.2},
                            "service": {"dist": "exponential", "mean_s": 2}},
               "platforms": [platform]})
    };
    let (_d1, preset) = scenario_file(&scenario(json!({"name": "gpu", "preset": "spheron:H100"})));
    let (_d2, written) = scenario_file(&scenario(pasted));
    let run = |path| output_of("run", path, &["--format", "csv", "--quiet"]).stdout;
    let (a, b) = (run(&preset), run(&written));
    assert!(!a.is_empty());
    // The preset run adds its provenance columns; every figure must agree.
    let figures = |csv: Vec<u8>| -> Vec<String> {
        let text = String::from_utf8(csv).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        let row: Vec<&str> = lines.next().unwrap().split(',').collect();
        header
            .iter()
            .zip(row)
            .filter(|(h, _)| !matches!(**h, "preset" | "prices_as_of"))
            .map(|(h, v)| format!("{h}={v}"))
            .collect()
    };
    assert_eq!(figures(a), figures(b));
}

#[test]
fn stale_prices_are_a_warning_that_depends_on_today_never_a_failure() {
    let warnings = |today: &str| {
        let out = servsim()
            .args(["presets", "--format", "json"])
            .env("SERVSIM_TODAY", today)
            .output()
            .unwrap();
        assert!(out.status.success(), "{today}");
        String::from_utf8(out.stderr).unwrap()
    };
    // Spheron's prices are dated 2026-06-03: fresh 100 days later, stale 200 days later.
    assert!(!warnings("2026-09-11").contains("spheron:H100"));
    let late = warnings("2026-12-20");
    assert!(
        late.contains("2026-06-03 are 200 days old on 2026-12-20") && late.contains("spheron:H100"),
        "{late}"
    );
}
