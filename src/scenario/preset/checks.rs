//! What only the catalog can check: the preset exists (else the close names), a `type`
//! written beside it is the preset's, overrides stay inside the documented ranges, and the
//! facts no provider documents are written in the platform.

use serde_json::{Map, Value};

use crate::catalog::{self, Limits, Preset};
use crate::scenario::reader::{Errors, close_names, describe, join, parse_duration};

/// Keys whose documented range (`Preset::limits`) an override must respect.
const LIMITED: [&str; 3] = ["scaledown_window_s", "execution_timeout_s", "max_inputs"];

/// At most this many close names are listed.
const MAX_CLOSE: usize = 5;

/// The catalog preset `v` names, or an error listing the close names.
pub(super) fn find(v: &Value, path: &str, errs: &mut Errors) -> Option<&'static Preset> {
    let help = "a preset id like \"modal:H100\" (`servsim presets` lists them)";
    let Some(id) = v.as_str() else {
        errs.expected(path, help, v);
        return None;
    };
    if let Some(p) = catalog::preset(id) {
        return Some(p);
    }
    let close = close_presets(id);
    let hint = if close.is_empty() {
        "no preset has a close name".to_string()
    } else {
        format!("close names: {}", close.join(", "))
    };
    errs.push(path, format!("expected {help}, found \"{id}\"; {hint}"));
    None
}

/// Preset ids close to `id`, closest first: by the reader's did-you-mean rules (case,
/// edit distance, prefix), then the same offer at other providers; failing both, every
/// offer of the provider `id` names.
pub fn close_presets(id: &str) -> Vec<&'static str> {
    let ids: Vec<&'static str> = catalog::presets().iter().map(|p| p.id.as_str()).collect();
    let mut close = close_names(id, &ids);
    close.truncate(MAX_CLOSE);
    let (provider, offer) = id.split_once(':').unwrap_or(("", id));
    let same_offer: Vec<&'static str> = catalog::presets()
        .iter()
        .filter(|p| p.offer.eq_ignore_ascii_case(offer) && !close.contains(&p.id.as_str()))
        .map(|p| p.id.as_str())
        .collect();
    close.extend(same_offer);
    if close.is_empty() {
        let of_provider = catalog::presets().iter().filter(|p| p.provider == provider);
        close.extend(of_provider.map(|p| p.id.as_str()));
    }
    close
}

/// A `type` written next to a preset must be the preset's (an unknown type is left to the
/// reader, which lists the types).
pub(super) fn type_fits(
    own: &Map<String, Value>,
    preset: &Preset,
    path: &str,
    errs: &mut Errors,
) -> bool {
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
pub(super) fn limits(own: &Map<String, Value>, preset: &Preset, path: &str, errs: &mut Errors) {
    for key in LIMITED {
        let (Some(v), Some(range)) = (own.get(key), preset.limits(key)) else {
            continue;
        };
        // A value that is not a number is the reader's to report.
        let x = match v {
            Value::String(s) if key.ends_with("_s") => parse_duration(s),
            other => other.as_f64(),
        };
        if x.is_some_and(|x| outside(x, range)) {
            errs.push(&join(path, key), out_of_range(key, v, range, preset));
        }
    }
}

fn outside(x: f64, range: Limits) -> bool {
    range.lo.is_some_and(|lo| x < lo) || range.hi.is_some_and(|hi| x > hi)
}

fn out_of_range(key: &str, v: &Value, range: Limits, preset: &Preset) -> String {
    let end = |e: Option<f64>, open: &str| e.map_or(open.to_string(), |e| e.to_string());
    let unit = if key.ends_with("_s") { " s" } else { "" };
    let (source, as_of) = preset.limits_source(key).unwrap_or(("the catalog", "?"));
    format!(
        "expected {key} in [{}, {}]{unit}, the range {} documents ({source}, as of {as_of}), \
         found {}",
        end(range.lo, "0"),
        end(range.hi, "∞"),
        preset.id,
        describe(v)
    )
}

/// Facts a preset leaves to the user (`"value": null`), and what else satisfies each.
const ALTERNATIVES: [(&str, &str, &str); 1] = [(
    "spot.interruptions_per_month",
    "spot.interruptions_per_hour",
    ", or interruptions_per_hour; 0 for never",
)];

/// Every fact the preset does not document must be written in the platform.
pub(super) fn undocumented(
    merged: &Map<String, Value>,
    preset: &Preset,
    path: &str,
    errs: &mut Errors,
    settled: &mut Vec<String>,
) {
    let has = |dotted: &str| {
        let mut keys = dotted.split('.');
        let first = merged.get(keys.next().unwrap_or_default());
        keys.fold(first, |v, k| v.and_then(|x| x.get(k))).is_some()
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
                "missing {leaf}: preset {} leaves it to you (its provider does not document \
                 it, and no other gives a default to borrow); set it in the platform{or}",
                preset.id
            ),
        );
        settled.push(join(path, &key));
        if let Some((_, other, _)) = alt {
            settled.push(join(path, other));
        }
    }
}
