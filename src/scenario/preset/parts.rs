//! Presets in a hybrid's parts: its `base` (dedicated) and its `overflow` (serverless) may
//! each name one, of its own type; the hybrid reports them together.

use serde_json::{Map, Value};

use super::{PresetUse, Settled, expand_platform};
use crate::scenario::reader::{Errors, join};

/// A hybrid's parts and the type of preset each takes.
const PARTS: [(&str, &str); 2] = [("base", "dedicated"), ("overflow", "serverless")];

/// Whether a platform, or one of its parts, names a preset.
pub(super) fn names_a_preset(p: &Value) -> bool {
    let part_has = |(k, _): &(&str, &str)| p.get(k).is_some_and(|x| x.get("preset").is_some());
    p.get("preset").is_some() || PARTS.iter().any(part_has)
}

/// A platform without a preset of its own, with its parts' presets expanded.
pub(super) fn expand_parts(
    own: &Map<String, Value>,
    path: &str,
    errs: &mut Errors,
    settled: &mut Settled,
    tokens: bool,
) -> (Value, Option<PresetUse>) {
    let mut out = own.clone();
    let mut used = Vec::new();
    for (part, kind) in PARTS {
        let obj = own.get(part).and_then(Value::as_object);
        let Some(obj) = obj.filter(|o| o.contains_key("preset")) else {
            continue;
        };
        let (v, u) = expand_platform(obj, &join(path, part), Some(kind), errs, settled, tokens);
        out.insert(part.to_string(), v);
        used.extend(u.map(|u| (part, u)));
    }
    (Value::Object(out), combine(&used))
}

/// The parts' presets as one: their ids joined by ` + ` (base first), the oldest price
/// date, every key prefixed by its part.
fn combine(parts: &[(&str, PresetUse)]) -> Option<PresetUse> {
    if parts.is_empty() {
        return None;
    }
    let keys = |of: fn(&PresetUse) -> &Vec<String>| -> Vec<String> {
        let prefixed = |(part, u): &(&str, PresetUse)| {
            of(u)
                .iter()
                .map(|k| format!("{part}.{k}"))
                .collect::<Vec<_>>()
        };
        parts.iter().flat_map(prefixed).collect()
    };
    let ids: Vec<&str> = parts.iter().map(|(_, u)| u.id.as_str()).collect();
    Some(PresetUse {
        id: ids.join(" + "),
        prices_as_of: parts
            .iter()
            .filter_map(|(_, u)| u.prices_as_of.clone())
            .min(),
        from_preset: keys(|u| &u.from_preset),
        assumed: keys(|u| &u.assumed),
        overridden: keys(|u| &u.overridden),
    })
}
