//! Platform presets in scenario files (docs/semantics.md#presets): a platform that names
//! `"preset": "modal:H100"` is expanded at the JSON level, before it is read — the preset's
//! platform is the base, keys written in the platform override it, `billing` and `spot`
//! merge key by key — and which keys came from the preset is recorded.
//!
//! Deliberately reads no key itself: the expanded object goes through the ordinary reader,
//! so a preset platform is checked exactly like a hand-written one. What is checked here is
//! what only the catalog knows: the preset exists, overrides stay inside the ranges the
//! provider documents, and the facts it does not document are supplied.

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::reader::{Errors, describe, index, join, parse_duration};
use crate::catalog::{self, Preset};

/// Objects of a preset that merge key by key with the platform's own.
const MERGED: [&str; 2] = ["billing", "spot"];
/// Keys whose documented range (`Preset::limits`) an override must respect.
const LIMITED: [&str; 3] = ["scaledown_window_s", "execution_timeout_s", "max_inputs"];

/// Which preset a platform used, and what it took from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetUse {
    /// `provider:offer`.
    pub id: String,
    /// The oldest date of the preset's prices the platform kept (`None` when every price
    /// was written in the platform).
    pub prices_as_of: Option<String>,
    /// Dotted keys that came from the preset (`billing.minimum_s`), sorted.
    pub from_preset: Vec<String>,
    /// Dotted keys written in the platform over the preset, sorted.
    pub overridden: Vec<String>,
}

/// A scenario document with its presets expanded.
pub(super) struct Expansion<'a> {
    pub document: Cow<'a, Value>,
    /// Per platform, in order.
    pub uses: Vec<Option<PresetUse>>,
    /// Paths whose reader errors repeat one reported here: platforms whose preset could not
    /// be applied, and keys reported missing because the preset leaves them to the user.
    settled: Vec<String>,
}

/// Expands every platform's preset; problems go to `errs` with their JSON paths.
pub(super) fn expand<'a>(doc: &'a Value, errs: &mut Errors) -> Expansion<'a> {
    let mut out = Expansion {
        document: Cow::Borrowed(doc),
        uses: Vec::new(),
        settled: Vec::new(),
    };
    let Some(platforms) = doc.get("platforms").and_then(Value::as_array) else {
        return out;
    };
    if !platforms.iter().any(|p| p.get("preset").is_some()) {
        return out;
    }
    let mut expanded = Vec::with_capacity(platforms.len());
    for (i, p) in platforms.iter().enumerate() {
        let path = index("platforms", i);
        match p.as_object().filter(|o| o.contains_key("preset")) {
            Some(own) => {
                let (v, used) = expand_platform(own, &path, errs, &mut out.settled);
                expanded.push(v);
                out.uses.push(used);
            }
            None => {
                expanded.push(p.clone());
                out.uses.push(None);
            }
        }
    }
    let mut doc = doc.clone();
    doc["platforms"] = Value::Array(expanded);
    out.document = Cow::Owned(doc);
    out
}

impl Expansion<'_> {
    /// Drops the reader's "missing required key" errors that only repeat, in the reader's
    /// words, a problem already reported here.
    pub(super) fn settle(&self, errs: &mut Errors) {
        errs.0.retain(|e| {
            let repeated = self.settled.iter().any(|s| {
                e.path == *s || e.path.starts_with(&format!("{s}.")) && self.is_platform(s)
            });
            !(repeated && e.message.starts_with("missing required key"))
        });
    }

    fn is_platform(&self, path: &str) -> bool {
        path.ends_with(']')
    }
}

/// One platform over its preset: the merged object (the platform unchanged when the preset
/// cannot be applied) and what was used.
fn expand_platform(
    own: &Map<String, Value>,
    path: &str,
    errs: &mut Errors,
    settled: &mut Vec<String>,
) -> (Value, Option<PresetUse>) {
    let unchanged = Value::Object(own.clone());
    let Some(preset) = find(&own["preset"], &join(path, "preset"), errs) else {
        settled.push(path.to_string());
        return (unchanged, None);
    };
    if !type_fits(own, preset, path, errs) {
        settled.push(path.to_string());
        return (unchanged, None);
    }
    let base = preset.platform_json();
    let mut merged = base.clone();
    let mut overridden = Vec::new();
    for (k, v) in own {
        match (merged.get_mut(k), v) {
            (Some(Value::Object(inner)), Value::Object(over)) if MERGED.contains(&k.as_str()) => {
                for (kk, vv) in over {
                    inner.insert(kk.clone(), vv.clone());
                    overridden.push(format!("{k}.{kk}"));
                }
            }
            _ => {
                merged.insert(k.clone(), v.clone());
                overridden.push(k.clone());
            }
        }
    }
    check_limits(own, preset, path, errs);
    check_undocumented(&merged, preset, path, errs, settled);
    let mut from_preset = Vec::new();
    leaves(&base, "", &mut from_preset);
    from_preset.retain(|k| !is_overridden(k, &overridden));
    overridden.retain(|k| k != "preset" && k != "name");
    overridden.sort();
    let used = PresetUse {
        id: preset.id.clone(),
        prices_as_of: prices_as_of(preset, &from_preset),
        from_preset,
        overridden,
    };
    (Value::Object(merged), Some(used))
}

/// The catalog preset `v` names, or an error listing the close names.
fn find(v: &Value, path: &str, errs: &mut Errors) -> Option<&'static Preset> {
    let help = "a preset id like \"modal:H100\" (`servsim presets` lists them)";
    let Some(id) = v.as_str() else {
        errs.expected(path, help, v);
        return None;
    };
    if let Some(p) = catalog::preset(id) {
        return Some(p);
    }
    let close = close_names(id);
    let hint = if close.is_empty() {
        "no preset has a close name".to_string()
    } else {
        format!("close names: {}", close.join(", "))
    };
    errs.push(
        path,
        format!("expected {help}, found \"{id}\"; {hint}"),
    );
    None
}

/// Up to three preset ids close to `id` (case-insensitive Jaro-Winkler), closest first.
pub fn close_names(id: &str) -> Vec<&'static str> {
    let wanted = id.to_lowercase();
    let mut scored: Vec<(f64, &'static str)> = catalog::presets()
        .iter()
        .map(|p| (strsim::jaro_winkler(&wanted, &p.id.to_lowercase()), p.id.as_str()))
        .filter(|(score, _)| *score >= 0.8)
        .collect();
    // Stable sort: equally close names keep catalog order.
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    scored.into_iter().take(3).map(|(_, id)| id).collect()
}

/// A `type` written next to a preset must be the preset's (an unknown type is left to the
/// reader, which lists the types).
fn type_fits(own: &Map<String, Value>, preset: &Preset, path: &str, errs: &mut Errors) -> bool {
    let Some(Value::String(t)) = own.get("type") else {
        return true;
    };
    let known = ["serverless", "dedicated", "hybrid"].contains(&t.as_str());
    if !known || *t == preset.kind {
        return true;
    }
    errs.push(
        &join(path, "type"),
        format!(
            "expected \"{}\" or no type (preset {} is a {} offer), found \"{t}\"",
            preset.kind, preset.id, preset.kind
        ),
    );
    false
}

/// Overrides of keys whose range the provider documents must lie in it.
fn check_limits(own: &Map<String, Value>, preset: &Preset, path: &str, errs: &mut Errors) {
    for key in LIMITED {
        let (Some(v), Some(limits)) = (own.get(key), preset.limits(key)) else {
            continue;
        };
        // A value that is not a number is the reader's to report.
        let x = match v {
            Value::String(s) if key.ends_with("_s") => parse_duration(s),
            other => other.as_f64(),
        };
        let Some(x) = x else { continue };
        let below = limits.lo.is_some_and(|lo| x < lo);
        let above = limits.hi.is_some_and(|hi| x > hi);
        if !(below || above) {
            continue;
        }
        let end = |e: Option<f64>, open: &str| e.map_or(open.to_string(), |e| e.to_string());
        let unit = if key.ends_with("_s") { " s" } else { "" };
        let (source, as_of) = preset.limits_source(key).unwrap_or(("the catalog", "?"));
        errs.push(
            &join(path, key),
            format!(
                "expected {key} in [{}, {}]{unit}, the range {} documents ({source}, as of {as_of}), found {}",
                end(limits.lo, "0"),
                end(limits.hi, "∞"),
                preset.id,
                describe(v)
            ),
        );
    }
}

/// Facts the preset leaves to the user (`"value": null`), and what else satisfies each.
const ALTERNATIVES: [(&str, &str, &str); 1] = [(
    "spot.interruptions_per_month",
    "spot.interruptions_per_hour",
    ", or interruptions_per_hour; 0 for never",
)];

/// Every fact the preset does not document must be written in the platform.
fn check_undocumented(
    merged: &Map<String, Value>,
    preset: &Preset,
    path: &str,
    errs: &mut Errors,
    settled: &mut Vec<String>,
) {
    let has = |dotted: &str| {
        let mut v = merged.get(dotted.split('.').next().unwrap_or_default());
        for k in dotted.split('.').skip(1) {
            v = v.and_then(|x| x.get(k));
        }
        v.is_some()
    };
    for key in preset.undocumented() {
        let alt = ALTERNATIVES.iter().find(|(k, _, _)| *k == key);
        if has(&key) || alt.is_some_and(|(_, other, _)| has(other)) {
            continue;
        }
        let leaf = key.rsplit('.').next().unwrap_or(&key);
        let or = alt.map_or("", |(_, _, why)| why);
        errs.push(
            &join(path, &key),
            format!(
                "missing {leaf} (preset {} does not document it; set it in the platform{or})",
                preset.id
            ),
        );
        settled.push(join(path, &key));
        if let Some((_, other, _)) = alt {
            settled.push(join(path, other));
        }
    }
}

/// Dotted paths of the leaves of `m` (objects of `MERGED` keys are walked into).
fn leaves(m: &Map<String, Value>, prefix: &str, out: &mut Vec<String>) {
    for (k, v) in m {
        let key = join(prefix, k);
        match v {
            Value::Object(inner) if prefix.is_empty() && MERGED.contains(&k.as_str()) => {
                leaves(inner, &key, out)
            }
            _ => out.push(key),
        }
    }
}

/// Whether `key` (dotted) was written in the platform, itself or as a whole object.
fn is_overridden(key: &str, overridden: &[String]) -> bool {
    overridden
        .iter()
        .any(|o| o == key || key.starts_with(&format!("{o}.")))
}

/// The oldest date among the preset's prices the platform kept.
fn prices_as_of(preset: &Preset, from_preset: &[String]) -> Option<String> {
    from_preset
        .iter()
        .filter(|k| k.contains("usd"))
        .filter_map(|k| preset.fact(k).map(|(_, as_of)| as_of.to_string()))
        .min()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
    }

    #[test]
    fn billing_and_spot_merge_key_by_key() {
        let (v, used, errs) = expand_one(json!({
            "name": "s", "preset": "spheron:H100-spot",
            "billing": {"granularity_s": 3600},
            "spot": {"interruptions_per_hour": 0}
        }));
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(v["billing"], json!({"granularity_s": 3600, "minimum_s": 1200}));
        assert_eq!(
            v["spot"],
            json!({"usd_per_hour": 2.91, "notice_s": 0, "interruptions_per_hour": 0})
        );
        let used = used.unwrap();
        assert!(used.from_preset.contains(&"billing.minimum_s".to_string()));
        assert!(used.overridden.contains(&"billing.granularity_s".to_string()));
    }

    #[test]
    fn an_unknown_preset_names_the_close_ones() {
        let (_, used, errs) = expand_one(json!({"name": "x", "preset": "modal:H10"}));
        assert!(used.is_none());
        assert_eq!(
            errs,
            ["platforms[0].preset: expected a preset id like \"modal:H100\" (`servsim presets` \
              lists them), found \"modal:H10\"; close names: modal:H100, modal:H200, modal:T4"]
        );
        assert_eq!(close_names("Spheron:h100-SPOT")[0], "spheron:H100-spot");
        assert!(close_names("zzzz").is_empty());
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
        assert_eq!(
            errs,
            [
                "platforms[0].spot.interruptions_per_month: missing interruptions_per_month \
                 (preset aws:p5.48xlarge-spot does not document it; set it in the platform, or \
                 interruptions_per_hour; 0 for never)",
                "platforms[0].spot.usd_per_hour: missing usd_per_hour (preset \
                 aws:p5.48xlarge-spot does not document it; set it in the platform)"
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
            ["platforms[0].type: expected \"serverless\" or no type (preset modal:H100 is a \
              serverless offer), found \"dedicated\""]
        );
    }

    #[test]
    fn every_preset_keeps_its_own_values_inside_its_documented_ranges() {
        for p in catalog::presets() {
            let own: Map<String, Value> = p.platform_json();
            let mut errs = Errors::default();
            check_limits(&own, p, "p", &mut errs);
            assert!(errs.0.is_empty(), "{}: {:?}", p.id, errs.0);
        }
    }
}
