//! A platform object over its preset's: keys written in the platform win, `billing` and
//! `spot` merge key by key; and the bookkeeping of which keys came from where.

use serde_json::{Map, Value};

use super::MERGED;
use crate::catalog::Preset;
use crate::scenario::reader::join;

/// `own` over `base`, and the dotted keys `own` wrote (`billing.granularity_s` for a key of
/// a merged object, `spot` for a whole object the preset does not have).
pub(super) fn over(
    base: &Map<String, Value>,
    own: &Map<String, Value>,
) -> (Map<String, Value>, Vec<String>) {
    let mut merged = base.clone();
    let mut written = Vec::new();
    for (k, v) in own {
        match (merged.get_mut(k), v) {
            (Some(Value::Object(inner)), Value::Object(over)) if MERGED.contains(&k.as_str()) => {
                for (kk, vv) in over {
                    inner.insert(kk.clone(), vv.clone());
                    written.push(format!("{k}.{kk}"));
                }
            }
            _ => {
                merged.insert(k.clone(), v.clone());
                written.push(k.clone());
            }
        }
    }
    (merged, written)
}

/// Dotted paths of the leaves of `m` (objects of `MERGED` keys are walked into).
pub(super) fn leaves(m: &Map<String, Value>) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in m {
        match v {
            Value::Object(inner) if MERGED.contains(&k.as_str()) => {
                out.extend(inner.keys().map(|kk| join(k, kk)));
            }
            _ => out.push(k.clone()),
        }
    }
    out
}

/// Whether `key` (dotted) was written in the platform, itself or as a whole object.
pub(super) fn is_overridden(key: &str, written: &[String]) -> bool {
    written
        .iter()
        .any(|o| o == key || key.starts_with(&format!("{o}.")))
}

/// The oldest date among the preset's prices the platform kept.
pub(super) fn prices_as_of(preset: &Preset, from_preset: &[String]) -> Option<String> {
    from_preset
        .iter()
        .filter(|k| k.contains("usd"))
        .filter_map(|k| preset.fact(k).map(|(_, as_of)| as_of.to_string()))
        .min()
}
