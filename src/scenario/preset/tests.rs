//! Unit tests of preset expansion, each on one platform.

use serde_json::{Map, Value, json};

use super::*;
use crate::catalog;

fn expand_one(platform: Value) -> (Value, Option<PresetUse>, Vec<String>) {
    let doc = json!({ "platforms": [platform] });
    let mut errs = Errors::default();
    let e = expand(&doc, &mut errs);
    let messages = errs.0.iter().map(|e| format!("{}: {}", e.path, e.message));
    (
        e.document["platforms"][0].clone(),
        e.uses[0].clone(),
        messages.collect(),
    )
}

#[test]
fn keys_written_in_the_platform_override_the_preset() {
    let (v, used, errs) = expand_one(json!({
        "name": "m", "preset": "modal:H100", "scaledown_window_s": 300,
        "cold_start": {"dist": "constant", "value_s": 20}
    }));
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(v["scaledown_window_s"], 300);
    assert_eq!(v["gpu_usd_per_s"], json!(0.001097));
    assert_eq!(v["type"], "serverless");
    let used = used.unwrap();
    assert_eq!(used.overridden, ["cold_start", "scaledown_window_s"]);
    assert!(used.from_preset.contains(&"billing.mode".to_string()));
    assert!(!used.from_preset.contains(&"scaledown_window_s".to_string()));
    assert_eq!(used.prices_as_of.as_deref(), Some("2026-07-01"));
    assert_eq!(
        used.assumed,
        ["billing.granularity_s", "billing.minimum_s", "billing.mode"]
    );
}

#[test]
fn billing_and_spot_merge_key_by_key() {
    let (v, used, errs) = expand_one(json!({
        "name": "s", "preset": "spheron:H100-spot",
        "billing": {"granularity_s": 3600},
        "spot": {"interruptions_per_hour": 0}
    }));
    assert!(errs.is_empty(), "{errs:?}");
    assert_eq!(
        v["billing"],
        json!({"granularity_s": 3600, "minimum_s": 1200})
    );
    assert_eq!(
        v["spot"],
        json!({"usd_per_hour": 2.91, "notice_s": 0, "interruptions_per_hour": 0})
    );
    let used = used.unwrap();
    assert!(used.from_preset.contains(&"billing.minimum_s".to_string()));
    assert!(
        used.overridden
            .contains(&"billing.granularity_s".to_string())
    );
}

#[test]
fn an_unknown_preset_names_the_close_ones() {
    let (_, used, errs) = expand_one(json!({"name": "x", "preset": "modal:H10"}));
    assert!(used.is_none());
    assert_eq!(
        errs,
        [
            "platforms[0].preset: expected a preset id like \"modal:H100\" (`servsim presets` \
          lists them), found \"modal:H10\"; close names: modal:H100, modal:A10G, modal:H200, \
          modal:T4, modal:L4"
        ]
    );
    assert_eq!(close_presets("Spheron:h100-SPOT")[0], "spheron:H100-spot");
    assert_eq!(
        close_presets("aws:p5"),
        ["aws:p5.48xlarge", "aws:p5.48xlarge-spot"]
    );
    assert_eq!(
        close_presets("runpod:H100-flex"),
        [
            "runpod:H100-spot",
            "runpod:H100",
            "runpod-serverless:H100-flex"
        ]
    );
    assert_eq!(close_presets("cloudrun:A100"), ["cloudrun:L4"]);
    assert!(close_presets("zzzz").is_empty());
}

#[test]
fn an_override_outside_the_documented_range_is_refused_with_its_source() {
    let (_, _, errs) = expand_one(json!({
        "name": "m", "preset": "modal:H100", "scaledown_window_s": "30m", "max_inputs": 0
    }));
    assert_eq!(
        errs,
        [
            "platforms[0].scaledown_window_s: expected scaledown_window_s in [2, 1200] s, \
             the range modal:H100 documents (https://modal.com/docs/guide/cold-start, as of \
             2024-01-01), found \"30m\"",
            "platforms[0].max_inputs: expected max_inputs in [1, ∞], the range modal:H100 \
             documents (https://modal.com/docs/reference/modal.concurrent, as of 2026-08-01), \
             found 0"
        ]
    );
}

#[test]
fn an_undocumented_fact_must_be_set_in_the_platform() {
    let (_, _, errs) = expand_one(json!({"name": "a", "preset": "aws:p5.48xlarge-spot"}));
    let why = "preset aws:p5.48xlarge-spot leaves it to you (its provider does not document \
               it, and no other gives a default to borrow); set it in the platform";
    assert_eq!(
        errs,
        [
            format!(
                "platforms[0].spot.interruptions_per_month: missing interruptions_per_month: \
                 {why}, or interruptions_per_hour; 0 for never"
            ),
            format!("platforms[0].spot.usd_per_hour: missing usd_per_hour: {why}")
        ]
    );
    let (_, _, errs) = expand_one(json!({"name": "a", "preset": "aws:p5.48xlarge-spot",
        "spot": {"usd_per_hour": 20.0, "interruptions_per_hour": 0.01}}));
    assert!(errs.is_empty(), "{errs:?}");
}

#[test]
fn a_type_other_than_the_presets_is_refused() {
    let (_, used, errs) =
        expand_one(json!({"name": "a", "preset": "modal:H100", "type": "dedicated"}));
    assert!(used.is_none());
    assert_eq!(
        errs,
        [
            "platforms[0].type: expected \"serverless\" or no type (preset modal:H100 is a \
          serverless offer), found \"dedicated\""
        ]
    );
}

#[test]
fn every_preset_keeps_its_own_values_inside_its_documented_ranges() {
    for p in catalog::presets() {
        let own: Map<String, Value> = p.platform_json();
        let mut errs = Errors::default();
        checks::limits(&own, p, "p", &mut errs);
        assert!(errs.0.is_empty(), "{}: {:?}", p.id, errs.0);
    }
}
