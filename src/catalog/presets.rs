//! Platform presets: one real offer each (`modal:H100`, `spheron:H100-spot`, `aws:p5.48xlarge`),
//! with the scenario keys the provider documents, the limits it enforces and which phases it
//! bills, every fact sourced and dated.

use serde::Deserialize;
use serde_json::{Map, Value};

use super::{Sourced, values_only};

/// One offer of the catalog.
#[derive(Clone, Debug, Deserialize)]
pub struct Preset {
    /// `provider:offer`.
    pub id: String,
    pub provider: String,
    pub offer: String,
    /// `serverless` or `dedicated`.
    #[serde(rename = "type")]
    pub kind: String,
    /// A catalog GPU name.
    pub gpu: String,
    /// GPUs per instance (dedicated) or per priced unit (serverless: always 1).
    pub gpus_per_instance: Sourced<u32>,
    pub vendor_page: String,
    /// Scenario keys as value objects (`billing` and `spot` are objects of them).
    pub platform: Value,
    /// Documented facts that are not scenario keys: allowed ranges, regions, what the user
    /// must supply.
    pub rules: Value,
    /// Which phases the provider bills (`true`, `false`, or `null` = not documented).
    pub billing_phases: Value,
}

/// A documented range of a key: `[lo, hi]`, either end open when `None`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Limits {
    pub lo: Option<f64>,
    pub hi: Option<f64>,
}

impl Preset {
    /// The platform object this preset stands for, as a scenario would write it: `type`, the
    /// documented keys (values only; undocumented ones left out), and for a dedicated offer
    /// `gpus_per_instance`.
    pub fn platform_json(&self) -> Map<String, Value> {
        let mut out = Map::new();
        out.insert("type".into(), Value::String(self.kind.clone()));
        if self.kind == "dedicated" {
            out.insert(
                "gpus_per_instance".into(),
                self.gpus_per_instance.value.into(),
            );
        }
        if let Value::Object(keys) = values_only(&self.platform) {
            out.extend(keys);
        }
        out
    }

    /// Dotted paths of the keys this preset leaves to the user because the provider does
    /// not document them (`spot.interruptions_per_month`).
    pub fn undocumented(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk(&self.platform, "", &mut |path, fact| {
            if fact.get("value").is_some_and(Value::is_null) {
                out.push(path.to_string());
            }
        });
        out
    }

    /// Dotted paths of the keys whose value the provider does not document: the catalog
    /// chose it (`"documented": false`) and its note says from where.
    pub fn assumed(&self) -> Vec<String> {
        let mut out = Vec::new();
        walk(&self.platform, "", &mut |path, fact| {
            if fact.get("documented") == Some(&Value::Bool(false)) {
                out.push(path.to_string());
            }
        });
        out
    }

    /// What the user must add to run this preset, as the catalog words it.
    pub fn user_must_supply(&self) -> Vec<String> {
        let list = self.rules.get("user_must_supply").and_then(Value::as_array);
        list.into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    }

    /// The date of the oldest price the preset carries (`…usd…` keys, spot included).
    pub fn prices_as_of(&self) -> String {
        let mut oldest: Option<String> = None;
        walk(&self.platform, "", &mut |path, fact| {
            let date = fact.get("as_of").and_then(Value::as_str);
            if let (true, Some(d)) = (path.contains("usd"), date)
                && oldest.as_deref().is_none_or(|o| d < o)
            {
                oldest = Some(d.to_string());
            }
        });
        oldest.unwrap_or_else(|| panic!("invariant: preset {} carries a price", self.id))
    }

    /// The source and date of the fact at dotted `path` (`billing.minimum_s`).
    pub fn fact(&self, path: &str) -> Option<(&str, &str)> {
        let fact = path.split('.').try_fold(&self.platform, |v, k| v.get(k))?;
        Some((fact.get("source")?.as_str()?, fact.get("as_of")?.as_str()?))
    }

    /// The documented range of `key` (`scaledown_window_s`, `execution_timeout_s`,
    /// `max_inputs`), from the rule `<key>_range` or `<key minus _s>_range_s`.
    pub fn limits(&self, key: &str) -> Option<Limits> {
        let range = self.rules.get(range_rule(key))?.get("value")?.as_array()?;
        match range.as_slice() {
            [lo, hi] => Some(Limits {
                lo: lo.as_f64(),
                hi: hi.as_f64(),
            }),
            _ => None,
        }
    }
}

impl Preset {
    /// The source and date of the documented range of `key` (see `limits`).
    pub fn limits_source(&self, key: &str) -> Option<(&str, &str)> {
        let rule = self.rules.get(range_rule(key))?;
        Some((rule.get("source")?.as_str()?, rule.get("as_of")?.as_str()?))
    }
}

/// The rule holding the range of `key`: `<key>_range`, or `<key minus _s>_range_s`.
fn range_rule(key: &str) -> String {
    match key.strip_suffix("_s") {
        Some(stem) => format!("{stem}_range_s"),
        None => format!("{key}_range"),
    }
}

/// Calls `f(path, fact)` for every value object under `v`.
fn walk(v: &Value, prefix: &str, f: &mut impl FnMut(&str, &Map<String, Value>)) {
    let Value::Object(map) = v else { return };
    for (k, x) in map {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match x {
            Value::Object(fact) if fact.contains_key("value") => f(&path, fact),
            Value::Object(_) => walk(x, &path, f),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::preset;
    use serde_json::json;

    #[test]
    fn a_serverless_preset_expands_to_the_keys_of_a_serverless_platform() {
        let p = preset("modal:H100").unwrap();
        let v = serde_json::Value::Object(p.platform_json());
        assert_eq!(v["type"], "serverless");
        assert_eq!(v["gpu_usd_per_s"], json!(0.001097));
        assert_eq!(v["billing"]["mode"], "lifetime");
        assert!(v.get("gpus_per_instance").is_none());
        assert_eq!(p.limits("scaledown_window_s").unwrap().hi, Some(1200.0));
        assert_eq!(p.limits("execution_timeout_s").unwrap().hi, Some(86400.0));
    }

    #[test]
    fn a_spot_preset_leaves_undocumented_facts_to_the_user() {
        let p = preset("aws:p5.48xlarge-spot").unwrap();
        let v = serde_json::Value::Object(p.platform_json());
        assert_eq!(v["gpus_per_instance"], 8);
        assert_eq!(v["spot"]["notice_s"], 120);
        assert!(v["spot"].get("usd_per_hour").is_none());
        assert_eq!(
            p.undocumented(),
            ["spot.interruptions_per_month", "spot.usd_per_hour"]
        );
        assert_eq!(
            p.fact("billing.minimum_s").map(|f| f.0.is_empty()),
            Some(false)
        );
    }

    #[test]
    fn values_the_provider_does_not_document_are_listed_as_assumed() {
        assert_eq!(
            preset("modal:H100").unwrap().assumed(),
            ["billing.granularity_s", "billing.minimum_s", "billing.mode"]
        );
        assert_eq!(
            preset("spheron:H100-spot").unwrap().assumed(),
            ["spot.notice_s"]
        );
        assert!(preset("aws:p5.48xlarge").unwrap().assumed().is_empty());
        let koyeb = serde_json::Value::Object(preset("koyeb:H100").unwrap().platform_json());
        assert_eq!(koyeb["execution_timeout_s"], 300);
    }

    #[test]
    fn prices_as_of_is_the_oldest_price_date() {
        let p = preset("modal:H100").unwrap();
        assert_eq!(p.prices_as_of(), "2026-07-01");
    }
}
