//! Built-in catalogs: GPUs, models and platform presets (real offers with dated prices),
//! embedded at build time from the repository's `catalog/*.json`, every value with its source
//! and the date it was read.
//!
//! Deliberately knows nothing about scenarios, simulation or output: it parses the data once
//! and answers lookups; expanding a preset into a platform is the scenario reader's job, and
//! deriving step times from a GPU and a model is `batching`'s.

mod hardware;
mod presets;

use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

pub use hardware::{Gpu, Model, ModelSpec};
pub use presets::{Limits, Preset};

/// One catalog fact: its value, the page to re-check it and the date of what was read.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced<T> {
    pub value: T,
    pub source: String,
    /// `YYYY-MM-DD`.
    pub as_of: String,
    #[serde(default)]
    pub note: Option<String>,
}

const GPUS_JSON: &str = include_str!("../../catalog/gpus.json");
const MODELS_JSON: &str = include_str!("../../catalog/models.json");
const PRESETS_JSON: &str = include_str!("../../catalog/presets.json");

#[derive(Deserialize)]
struct GpuFile {
    gpus: Vec<Gpu>,
}

#[derive(Deserialize)]
struct ModelFile {
    variant_rules: hardware::VariantRules,
    models: Vec<Model>,
}

#[derive(Deserialize)]
struct PresetFile {
    presets: Vec<Preset>,
}

/// Parses an embedded catalog; a catalog that does not parse is a broken build, caught by
/// the unit tests below before it can ship.
fn parse<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> T {
    serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("invariant: the embedded catalog/{name} parses: {e}"))
}

fn gpu_file() -> &'static GpuFile {
    static FILE: OnceLock<GpuFile> = OnceLock::new();
    FILE.get_or_init(|| parse("gpus.json", GPUS_JSON))
}

fn model_file() -> &'static ModelFile {
    static FILE: OnceLock<ModelFile> = OnceLock::new();
    FILE.get_or_init(|| parse("models.json", MODELS_JSON))
}

fn preset_file() -> &'static PresetFile {
    static FILE: OnceLock<PresetFile> = OnceLock::new();
    FILE.get_or_init(|| parse("presets.json", PRESETS_JSON))
}

/// Every catalog GPU, in catalog order.
pub fn gpus() -> &'static [Gpu] {
    &gpu_file().gpus
}

/// The catalog GPU called `name` (exact, case-sensitive, as in scenario files).
pub fn gpu(name: &str) -> Option<&'static Gpu> {
    gpus().iter().find(|g| g.name == name)
}

/// Every catalog model, in catalog order (base precision; see `model` for variants).
pub fn models() -> &'static [Model] {
    &model_file().models
}

/// Every model name a scenario may use: each base model and each of its variants
/// (`llama-3.1-8b`, `llama-3.1-8b-fp8`, …).
pub fn model_names() -> Vec<String> {
    let rules = &model_file().variant_rules;
    let mut names = Vec::new();
    for m in models() {
        names.push(m.id.clone());
        names.extend(m.variants.iter().map(|v| rules.name(&m.id, v)));
    }
    names
}

/// Every model a scenario may name, in catalog order (each base model, then its variants),
/// with its numbers and the catalog entry they come from (a variant's base, whose sources
/// hold for every figure but the variant's precision).
pub fn model_variants() -> Vec<(hardware::ModelSpec, &'static Model)> {
    let rules = &model_file().variant_rules;
    let mut out = Vec::new();
    for m in models() {
        let names =
            std::iter::once(m.id.clone()).chain(m.variants.iter().map(|v| rules.name(&m.id, v)));
        for name in names {
            let spec = m
                .spec(&name, rules)
                .expect("invariant: a catalog model answers to its own and its variants' names");
            out.push((spec, m));
        }
    }
    out
}

/// The model called `name`: a base model, or a variant such as `llama-3.1-8b-fp8` with the
/// variant's precision.
pub fn model(name: &str) -> Option<hardware::ModelSpec> {
    let rules = &model_file().variant_rules;
    models().iter().find_map(|m| m.spec(name, rules))
}

/// Every preset, in catalog order.
pub fn presets() -> &'static [Preset] {
    &preset_file().presets
}

/// The preset `id` (`provider:offer`).
pub fn preset(id: &str) -> Option<&'static Preset> {
    presets().iter().find(|p| p.id == id)
}

/// Days from `as_of` (`YYYY-MM-DD`) to `today`, negative when `as_of` is later; `None` when
/// either is not a date.
pub fn age_days(as_of: &str, today: &str) -> Option<i64> {
    let day = |s: &str| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    Some((day(today)? - day(as_of)?).num_days())
}

/// A catalog entry whose prices are older than this is reported as stale.
pub const STALE_AFTER_DAYS: i64 = 180;

/// Replaces every value object `{value, source, as_of, note}` in `v` by its value, and drops
/// keys whose value is `null` (not documented: left to the user).
pub(crate) fn values_only(v: &Value) -> Value {
    match v {
        Value::Object(map) if is_sourced(map) => map["value"].clone(),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, x)| !is_undocumented(x))
                .map(|(k, x)| (k.clone(), values_only(x)))
                .collect(),
        ),
        other => other.clone(),
    }
}

fn is_sourced(map: &serde_json::Map<String, Value>) -> bool {
    map.contains_key("value") && map.contains_key("source") && map.contains_key("as_of")
}

fn is_undocumented(v: &Value) -> bool {
    matches!(v, Value::Object(m) if is_sourced(m) && m["value"].is_null())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_parses_and_holds_what_the_scenarios_name() {
        let names: Vec<&str> = gpus().iter().map(|g| g.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "T4",
                "L4",
                "A10G",
                "L40S",
                "A100-40GB",
                "A100-80GB",
                "H100",
                "H200",
                "B200"
            ]
        );
        for m in [
            "llama-3.1-8b",
            "llama-3.1-70b",
            "mistral-7b",
            "qwen2.5-7b",
            "qwen2.5-32b",
            "qwen2.5-72b",
            "gemma-2-27b",
        ] {
            assert!(model(m).is_some(), "{m}");
            let fp8 = model(&format!("{m}-fp8")).unwrap_or_else(|| panic!("{m}-fp8"));
            assert_eq!((fp8.bytes_per_param, fp8.kv_bytes), (1.0, 1.0), "{m}-fp8");
        }
        assert!(presets().len() >= 30, "{} presets", presets().len());
    }

    #[test]
    fn every_preset_names_a_catalog_gpu_and_has_a_unique_id() {
        let mut ids: Vec<&str> = presets().iter().map(|p| p.id.as_str()).collect();
        for p in presets() {
            assert!(gpu(&p.gpu).is_some(), "{}: gpu {}", p.id, p.gpu);
            assert_eq!(p.id, format!("{}:{}", p.provider, p.offer));
        }
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate preset ids");
    }

    #[test]
    fn every_date_in_the_catalogs_is_a_real_date_not_in_the_future_of_its_writing() {
        let mut dates = Vec::new();
        for text in [GPUS_JSON, MODELS_JSON, PRESETS_JSON] {
            collect_dates(&serde_json::from_str(text).unwrap(), &mut dates);
        }
        assert!(dates.len() > 500, "{} dates", dates.len());
        for d in dates {
            let age = age_days(&d, "2026-12-04").unwrap_or_else(|| panic!("not a date: {d}"));
            assert!(age >= 0, "{d} is after the catalog was written");
        }
    }

    fn collect_dates(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                if let Some(Value::String(d)) = m.get("as_of") {
                    out.push(d.clone());
                }
                m.values().for_each(|x| collect_dates(x, out));
            }
            Value::Array(a) => a.iter().for_each(|x| collect_dates(x, out)),
            _ => {}
        }
    }

    #[test]
    fn values_only_unwraps_value_objects_and_drops_undocumented_ones() {
        let v = serde_json::json!({
            "a": {"value": 2, "source": "s", "as_of": "2026-01-01"},
            "b": {"c": {"value": null, "source": "s", "as_of": "2026-01-01"},
                  "d": {"value": "x", "source": "s", "as_of": "2026-01-01", "note": "n"}}
        });
        assert_eq!(
            values_only(&v),
            serde_json::json!({"a": 2, "b": {"d": "x"}})
        );
    }

    #[test]
    fn ages_count_calendar_days() {
        assert_eq!(age_days("2026-06-07", "2026-12-04"), Some(180));
        assert_eq!(age_days("2024-02-28", "2024-03-01"), Some(2));
        assert_eq!(age_days("soon", "2026-12-04"), None);
    }
}
