//! `servsim presets` and the bad input around presets: every error exits 2 and names the
//! JSON path (or the argument), what was expected and what was found.

use serde_json::{Value, json};

use super::*;

fn presets(args: &[&str], today: &str) -> std::process::Output {
    servsim()
        .env("SERVSIM_TODAY", today)
        .arg("presets")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn the_listing_has_at_least_thirty_offers_each_with_a_date_and_a_source() {
    let out = presets(&["--format", "json"], TODAY);
    assert!(out.status.success());
    let offers: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(offers.len() >= 30, "{} offers", offers.len());
    for o in &offers {
        let date = o["prices_as_of"].as_str().unwrap();
        assert!(
            servsim::catalog::age_days(date, TODAY).is_some_and(|d| d >= 0),
            "{o}"
        );
        assert!(o["source"].as_str().unwrap().starts_with("https://"), "{o}");
        assert!(o["usd_per_hour"].as_f64().unwrap() > 0.0, "{o}");
    }
    let p5 = offers
        .iter()
        .find(|o| o["id"] == "aws:p5.48xlarge")
        .unwrap();
    assert_eq!(
        (&p5["gpu"], &p5["gpus_per_instance"]),
        (&json!("H100"), &json!(8))
    );
    assert_eq!(p5["billing"], json!({"granularity_s": 1, "minimum_s": 60}));

    let table = String::from_utf8(presets(&[], TODAY).stdout).unwrap();
    let rows = table.lines().filter(|l| l.starts_with("│ ")).count();
    assert_eq!(rows, offers.len() + 1, "a header and one row per offer");
    let md = String::from_utf8(presets(&["--format", "markdown"], TODAY).stdout).unwrap();
    assert!(md.contains("| modal:H100 "), "{md}");
}

#[test]
fn the_listing_warns_of_stale_prices_only_once_they_are_older_than_180_days() {
    let date = prices_as_of("spheron:H100");
    let (on_time, late) = (days_after(&date, 180), days_after(&date, 181));
    let on_time = presets(&[], &on_time);
    let late_out = presets(&[], &late);
    assert_eq!(
        on_time.stdout, late_out.stdout,
        "the listing never depends on the date"
    );
    let warning = |o: &std::process::Output| {
        let prefix = format!("warning: prices as of {date} ");
        String::from_utf8_lossy(&o.stderr)
            .lines()
            .find(|l| l.starts_with(&prefix))
            .map(str::to_string)
    };
    assert_eq!(warning(&on_time), None);
    let line = warning(&late_out).expect("a warning for the stale date");
    let expected = format!(
        "warning: prices as of {date} are 181 days old on {late} (stale after 180; re-check \
         them at their sources): "
    );
    assert!(line.starts_with(&expected), "{line}");
    assert!(line.contains("spheron:H100"), "{line}");
    assert_eq!(presets(&["--quiet"], "2100-01-01").stderr, b"");
}

#[test]
fn one_preset_prints_as_a_platform_with_what_the_scenario_must_add() {
    let out = presets(&["spheron:H100-spot"], TODAY);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["name"], "spheron:H100-spot");
    assert_eq!(v["type"], "dedicated");
    assert_eq!(v["billing"], json!({"granularity_s": 1, "minimum_s": 1200}));
    assert_eq!(v["spot"]["notice_s"], 0);
    assert!(v.get("preset").is_none());
    let notes = String::from_utf8(out.stderr).unwrap();
    assert!(notes.contains("note: spheron:H100-spot: the scenario supplies spot.model_load\n"));
    assert!(
        notes.contains("note: spheron:H100-spot: spot.notice_s is not documented by the provider")
    );
}

#[test]
fn an_unknown_preset_id_on_the_command_line_lists_the_close_ones() {
    let out = presets(&["spheron:H10"], TODAY);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: no preset \"spheron:H10\" in the catalog; close names: spheron:H100, \
         spheron:H200, spheron:B200, spheron:H100-spot (`servsim presets` lists them)\n"
    );
}

/// `servsim validate` of a scenario with `platform` alone: exit code and standard error.
fn invalid(platform: Value) -> (Option<i32>, String) {
    let json = scenario(json!("1h"), periodic(10.0, 1.0), vec![platform]);
    let (_dir, path) = scenario_file(&json);
    let out = servsim_today().arg("validate").arg(&path).output().unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    let file = path.display().to_string();
    (out.status.code(), err.replace(&file, "FILE"))
}

#[test]
fn an_unknown_preset_in_a_scenario_exits_2_with_its_path_and_the_close_names() {
    let (code, err) = invalid(json!({"name": "m", "preset": "modal:H1000"}));
    assert_eq!(code, Some(2));
    assert_eq!(
        err.lines().next().unwrap(),
        "error: FILE: platforms[0].preset: expected a preset id like \"modal:H100\" (`servsim \
         presets` lists them), found \"modal:H1000\"; close names: modal:H100, modal:H200, \
         modal:A10G, modal:B200"
    );
    assert!(err.contains("1 problem in 1 of 1 file"), "{err}");
}

#[test]
fn an_override_outside_the_documented_range_exits_2_with_the_range_and_its_source() {
    let (code, err) = invalid(json!({"name": "m", "preset": "modal:H100",
        "cold_start": constant(20.0), "scaledown_window_s": "1h", "execution_timeout_s": "25h"}));
    assert_eq!(code, Some(2));
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "error: FILE: platforms[0].scaledown_window_s: expected scaledown_window_s in [2, \
             1200] s, the range modal:H100 documents (https://modal.com/docs/guide/cold-start, \
             as of 2024-01-01), found \"1h\"",
            "FILE: platforms[0].execution_timeout_s: expected execution_timeout_s in [1, 86400] \
             s, the range modal:H100 documents (https://modal.com/docs/guide/timeouts, as of \
             2026-08-01), found \"25h\""
        ]
    );
}

#[test]
fn a_fact_no_provider_documents_must_be_written_and_a_foreign_type_is_refused() {
    let (code, err) = invalid(json!({"name": "s", "preset": "gcp:a3-highgpu-8g-spot",
        "spot": {"replacement_delay": constant(60.0), "model_load": constant(60.0)}}));
    assert_eq!(code, Some(2));
    assert_eq!(
        err.lines().next().unwrap(),
        "error: FILE: platforms[0].spot.interruptions_per_month: missing \
         interruptions_per_month: preset gcp:a3-highgpu-8g-spot leaves it to you (its provider \
         does not document it, and no other gives a default to borrow); set it in the platform, \
         or interruptions_per_hour; 0 for never"
    );
    assert!(err.contains("1 problem in 1 of 1 file"), "{err}");

    let (code, err) = invalid(json!({"name": "s", "preset": "modal:H100", "type": "dedicated"}));
    assert_eq!(code, Some(2));
    assert_eq!(
        err.lines().next().unwrap(),
        "error: FILE: platforms[0].type: expected \"serverless\" or no type (preset modal:H100 \
         is a serverless offer), found \"dedicated\""
    );
}

#[test]
fn a_hybrids_base_refuses_a_serverless_preset() {
    let (code, err) = invalid(json!({"name": "hy", "type": "hybrid",
        "base": {"preset": "modal:H100"},
        "overflow": {"preset": "modal:H100", "cold_start": constant(5.0)},
        "overflow_when": {"queue_length": 1}}));
    assert_eq!(code, Some(2));
    assert_eq!(
        err.lines().next().unwrap(),
        "error: FILE: platforms[0].base.preset: expected a dedicated preset (a hybrid's base is \
         dedicated), found \"modal:H100\", a serverless offer"
    );
    assert!(err.contains("1 problem in 1 of 1 file"), "{err}");
}

#[test]
fn a_serverless_preset_still_needs_its_cold_start() {
    let (code, err) = invalid(json!({"name": "m", "preset": "modal:H100"}));
    assert_eq!(code, Some(2));
    assert_eq!(
        err.lines().next().unwrap(),
        "error: FILE: platforms[0].cold_start: missing required key"
    );
}

#[test]
fn a_malformed_servsim_today_is_bad_input() {
    let out = servsim()
        .env("SERVSIM_TODAY", "tomorrow")
        .arg("presets")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "error: SERVSIM_TODAY: expected a date YYYY-MM-DD, found \"tomorrow\"\n"
    );
}

#[test]
fn the_schema_accepts_platforms_and_hybrid_parts_written_over_presets_of_their_type() {
    let schema = servsim::scenario::schema();
    let v = jsonschema::draft202012::new(&schema).unwrap();
    let doc = |platform: Value| scenario(json!("1h"), periodic(10.0, 1.0), vec![platform]);
    let hybrid = |base: &str| {
        json!({"name": "hy", "type": "hybrid", "base": {"preset": base},
               "overflow": {"preset": "modal:H100", "cold_start": constant(5.0)},
               "overflow_when": {"queue_length": 1}})
    };
    let spot = json!({"name": "s", "preset": "spheron:H100-spot",
                      "spot": {"interruptions_per_hour": 1, "model_load": constant(9.0),
                               "replacement_delay": constant(9.0)}});
    for ok in [spot, hybrid("spheron:H100")] {
        let errors: Vec<String> = v
            .iter_errors(&doc(ok.clone()))
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{ok}: {errors:?}");
    }
    for bad in [
        hybrid("modal:H100"),
        json!({"name": "m", "preset": "modal:H100", "scaledwon_window_s": 60}),
        json!({"name": "m", "preset": "no:such"}),
    ] {
        assert!(!v.is_valid(&doc(bad.clone())), "{bad} passes the schema");
    }
}
