//! What a run over presets reports: `preset` and `prices_as_of` in every format, the lines
//! under the table, the pasted expansion giving identical results, staleness on standard
//! error only, and the shipped comparison.

use serde_json::{Value, json};

use super::*;

fn two_platforms() -> Value {
    scenario(
        json!("2h"),
        periodic(60.0, 2.0),
        vec![
            json!({"name": "modal", "preset": "modal:H100", "cold_start": constant(20.0)}),
            json!({"name": "hand", "type": "dedicated", "usd_per_hour": 2.40}),
        ],
    )
}

fn output(json: &Value, today: &str, args: &[&str]) -> std::process::Output {
    let (_dir, path) = scenario_file(json);
    servsim()
        .env("SERVSIM_TODAY", today)
        .arg("run")
        .arg(&path)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn every_format_names_the_preset_and_the_date_of_its_prices() {
    let date = prices_as_of("modal:H100");
    let report = run(&two_platforms());
    let modal = platform(&report, "modal");
    assert_eq!(modal["preset"], "modal:H100");
    assert_eq!(modal["prices_as_of"], date.as_str());
    let hand = platform(&report, "hand");
    assert!(hand.get("preset").is_none() && hand.get("prices_as_of").is_none());

    let csv = output(&two_platforms(), TODAY, &["--format", "csv"]);
    let text = String::from_utf8(csv.stdout).unwrap();
    let rows: Vec<Vec<&str>> = text.lines().map(|l| l.split(',').collect()).collect();
    let col = |name: &str| rows[0].iter().position(|c| *c == name).unwrap();
    assert_eq!(rows[1][col("preset")], "modal:H100");
    assert_eq!(rows[1][col("prices_as_of")], date);
    assert_eq!(rows[2][col("preset")], "");

    let table = String::from_utf8(output(&two_platforms(), TODAY, &[]).stdout).unwrap();
    let under: Vec<&str> = table.lines().skip_while(|l| !l.starts_with('└')).collect();
    assert_eq!(
        under[1..],
        [
            format!("prices as of {date} for modal (modal:H100)").as_str(),
            "not documented by the provider, chosen by the catalog, for modal: \
             billing.granularity_s, billing.minimum_s, billing.mode (`servsim presets modal:H100`)"
        ]
    );
    let md = output(&two_platforms(), TODAY, &["--format", "markdown"]);
    let md = String::from_utf8(md.stdout).unwrap();
    let item = format!("\n\n- prices as of {date} for modal (modal:H100)\n");
    assert!(md.contains(&item), "{md}");
    let page = output(&two_platforms(), TODAY, &["--format", "html"]);
    let page = String::from_utf8(page.stdout).unwrap();
    let line = format!("<p class=\"meta\">prices as of {date} for modal (modal:H100)</p>");
    assert!(
        page.contains(&line),
        "the page names the preset and its date"
    );
}

#[test]
fn a_platform_that_writes_every_price_keeps_its_preset_but_no_date() {
    let json = scenario(
        json!("1h"),
        periodic(60.0, 2.0),
        vec![json!({"name": "own", "preset": "spheron:H100", "usd_per_hour": 1.0})],
    );
    let own = run(&json);
    let own = platform(&own, "own");
    assert_eq!(own["preset"], "spheron:H100");
    assert!(own.get("prices_as_of").is_none());
    assert_exact(mean(own, "cost_usd"), 1.0, "own price, per second");
}

/// The run's JSON without the keys that say a preset was used.
fn without_preset_keys(mut report: Value) -> Value {
    for p in report["platforms"].as_array_mut().unwrap() {
        let p = p.as_object_mut().unwrap();
        p.remove("preset");
        p.remove("prices_as_of");
    }
    report
}

#[test]
fn the_printed_expansion_pasted_without_the_preset_gives_identical_results() {
    let printed = |id: &str| -> serde_json::Map<String, Value> {
        let out = servsim_today().args(["presets", id]).output().unwrap();
        assert!(out.status.success());
        serde_json::from_slice(&out.stdout).unwrap()
    };
    let extra = [
        (
            "modal:H100",
            json!({"cold_start": constant(20.0), "scaledown_window_s": 120}),
        ),
        (
            "spheron:H100-spot",
            json!({"spot": {"interruptions_per_hour": 0.5, "replacement_delay": constant(300.0),
                            "model_load": constant(60.0)}}),
        ),
    ];
    let (mut with, mut pasted) = (Vec::new(), Vec::new());
    for (id, keys) in &extra {
        let mut p = json!({"name": id, "preset": id});
        let mut q = printed(id);
        for (k, v) in keys.as_object().unwrap() {
            p[k] = v.clone();
            match (q.get_mut(k), v) {
                (Some(Value::Object(o)), Value::Object(add)) => o.extend(add.clone()),
                _ => {
                    q.insert(k.clone(), v.clone());
                }
            }
        }
        with.push(p);
        pasted.push(Value::Object(q));
    }
    let workload = json!({"arrivals": {"process": "poisson", "rate_per_s": 0.2},
                          "service": {"dist": "exponential", "mean_s": 2}});
    let mut a = scenario(json!("1d"), workload.clone(), with);
    let mut b = scenario(json!("1d"), workload, pasted);
    a["seeds"] = json!(3);
    b["seeds"] = json!(3);
    let (ra, rb) = (run(&a), run(&b));
    assert!(
        platform(&ra, "spheron:H100-spot")["spot"]["interruptions"]["max"].as_f64() > Some(0.0)
    );
    assert_eq!(without_preset_keys(ra), rb);
}

#[test]
fn stale_prices_warn_on_standard_error_after_the_table_and_never_change_the_output() {
    // 180 days after the date of modal:H100's prices they are not yet stale, 181 days
    // after they are.
    let date = prices_as_of("modal:H100");
    let (on_time, late) = (days_after(&date, 180), days_after(&date, 181));
    let fresh = output(&two_platforms(), &on_time, &[]);
    let stale = output(&two_platforms(), &late, &[]);
    assert!(fresh.status.success() && stale.status.success());
    assert_eq!(fresh.stdout, stale.stdout);
    assert_eq!(String::from_utf8_lossy(&fresh.stderr), "");
    let warning = String::from_utf8(stale.stderr).unwrap();
    let expected = format!(
        "platform modal: the prices of preset modal:H100 are as of {date}, 181 days old on \
         {late} (stale after 180); `servsim presets modal:H100` names their sources\n"
    );
    assert!(warning.ends_with(&expected), "{warning}");
    let quiet = output(&two_platforms(), "2027-06-01", &["--quiet"]);
    assert_eq!(String::from_utf8_lossy(&quiet.stderr), "");
}

#[test]
fn validate_says_which_keys_came_from_the_preset() {
    let (_dir, path) = scenario_file(&two_platforms());
    let out = servsim_today().arg("validate").arg(&path).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().nth(1).unwrap(),
        "  platforms[0] modal (preset modal:H100): from the preset: billing.granularity_s, \
         billing.minimum_s, billing.mode, cpu_cores, cpu_usd_per_core_s, execution_timeout_s, \
         gpu_usd_per_s, max_inputs, memory_gib, memory_usd_per_gib_s, min_containers, \
         price_multiplier, scaledown_window_s, type; written in the platform: cold_start; not \
         documented by the provider: billing.granularity_s, billing.minimum_s, billing.mode"
    );
    assert_eq!(text.lines().count(), 2, "{text}");
}

#[test]
fn a_scenario_of_presets_alone_runs_and_bills_each_offer_its_hourly_price() {
    // On-demand offers need nothing but a name: over exactly one hour every per-second or
    // per-minute rule bills one hour, so each costs its catalog price per hour.
    let ids = [
        "spheron:H100",
        "aws:p5.48xlarge",
        "lambda:H100",
        "runpod:H100",
        "gcp:a3-highgpu-8g",
    ];
    let platforms = ids
        .iter()
        .map(|id| json!({"name": id, "preset": id}))
        .collect();
    let report = run(&scenario(json!("1h"), periodic(10.0, 1.0), platforms));
    for id in ids {
        let p = platform(&report, id);
        assert_exact(mean(p, "cost_usd"), fact(id, "usd_per_hour"), id);
        assert_conserved(p);
    }
}

#[test]
fn the_shipped_comparison_puts_six_or_more_presets_side_by_side_and_runs() {
    let path = project_dir().join("scenarios/compare-h100-offers.json");
    let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    let presets: Vec<&str> = doc["platforms"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|p| p["preset"].as_str())
        .collect();
    assert!(presets.len() >= 6, "{presets:?}");
    for id in [
        "modal:H100",
        "spheron:H100",
        "spheron:H100-spot",
        "aws:p5.48xlarge",
    ] {
        assert!(presets.contains(&id), "{id} missing");
    }
    let out = servsim_today()
        .arg("run")
        .arg(&path)
        .args(["--seeds", "1", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    for p in report["platforms"].as_array().unwrap() {
        assert!(p["prices_as_of"].is_string(), "{}", p["name"]);
        assert_conserved(p);
    }
    let spot = platform(&report, "spheron-spot");
    assert!(spot["spot"]["interruptions"]["mean"].as_f64() > Some(0.0));
}

#[test]
fn a_hybrids_parts_take_presets_of_their_type_and_report_them_together() {
    let printed = |id: &str| -> Value {
        let out = servsim_today()
            .args(["presets", id, "--quiet"])
            .output()
            .unwrap();
        let mut v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v.as_object_mut().unwrap().remove("name");
        v
    };
    let cold = json!({"cold_start": constant(20.0)});
    let hybrid = |base: Value, mut overflow: Value| {
        overflow
            .as_object_mut()
            .unwrap()
            .extend(cold.as_object().unwrap().clone());
        json!({"name": "hy", "type": "hybrid", "base": base, "overflow": overflow,
               "overflow_when": {"queue_length": 1}})
    };
    let workload = json!({"arrivals": {"process": "poisson", "rate_per_s": 0.8},
                          "service": {"dist": "exponential", "mean_s": 1}});
    let over_presets = hybrid(
        json!({"preset": "spheron:H100"}),
        json!({"preset": "modal:H100"}),
    );
    let pasted = hybrid(printed("spheron:H100"), printed("modal:H100"));
    let a = run(&scenario(json!("6h"), workload.clone(), vec![over_presets]));
    let b = run(&scenario(json!("6h"), workload, vec![pasted]));
    let hy = platform(&a, "hy");
    assert_eq!(hy["preset"], "spheron:H100 + modal:H100");
    let oldest = prices_as_of("spheron:H100").min(prices_as_of("modal:H100"));
    assert_eq!(hy["prices_as_of"], oldest.as_str());
    assert!(hy["overflow_fraction"]["mean"].as_f64() > Some(0.0));
    assert_eq!(without_preset_keys(a), b);
}
