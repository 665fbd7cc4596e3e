//! Platform presets in scenario files (docs/semantics.md#presets): a platform that names
//! `"preset": "modal:H100"` is expanded at the JSON level, before it is read — the preset's
//! platform is the base, keys written in the platform override it, `billing` and `spot`
//! merge key by key — and which keys came from the preset is recorded.
//!
//! Deliberately reads no key itself: the expanded object goes through the ordinary reader,
//! so a preset platform is checked exactly like a hand-written one. What is checked here is
//! what only the catalog knows: the preset exists, overrides stay inside the ranges the
//! provider documents, and the facts no provider documents are written by the user.

mod checks;
mod merge;
#[cfg(test)]
mod tests;

use std::borrow::Cow;

use serde_json::{Map, Value};

use super::reader::{Errors, index, join};
use crate::catalog::Preset;
pub use checks::close_presets;

/// Objects of a preset that merge key by key with the platform's own.
const MERGED: [&str; 2] = ["billing", "spot"];

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
    /// Those of `from_preset` whose value the provider does not document: the catalog
    /// chose it and says why (`servsim presets ID`).
    pub assumed: Vec<String>,
    /// Dotted keys written in the platform over the preset, sorted.
    pub overridden: Vec<String>,
}

/// A scenario document with its presets expanded.
pub(super) struct Expansion<'a> {
    pub document: Cow<'a, Value>,
    /// Per platform, in order.
    pub uses: Vec<Option<PresetUse>>,
    /// Paths whose reader errors repeat one reported here: platforms whose preset could not
    /// be applied, and keys reported missing because no provider documents them.
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
            let repeated = self
                .settled
                .iter()
                .any(|s| e.path == *s || s.ends_with(']') && e.path.starts_with(&format!("{s}.")));
            !(repeated && e.message.starts_with("missing required key"))
        });
    }

    /// What platform `i` took from its preset, if it has one.
    pub(super) fn used(&self, i: usize) -> Option<PresetUse> {
        self.uses.get(i).cloned().flatten()
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
    let preset = checks::find(&own["preset"], &join(path, "preset"), errs);
    let Some(preset) = preset.filter(|p| checks::type_fits(own, p, path, errs)) else {
        settled.push(path.to_string());
        return (unchanged, None);
    };
    let base = preset.platform_json();
    let (merged, overridden) = merge::over(&base, own);
    checks::limits(own, preset, path, errs);
    checks::undocumented(&merged, preset, path, errs, settled);
    (Value::Object(merged), Some(used(preset, &base, overridden)))
}

/// What a platform took from `preset` (whose platform is `base`) and what it wrote.
fn used(preset: &Preset, base: &Map<String, Value>, mut overridden: Vec<String>) -> PresetUse {
    let mut from_preset = merge::leaves(base);
    from_preset.retain(|k| !merge::is_overridden(k, &overridden));
    overridden.retain(|k| k != "preset" && k != "name");
    overridden.sort();
    let chosen = preset.assumed();
    PresetUse {
        id: preset.id.clone(),
        prices_as_of: merge::prices_as_of(preset, &from_preset),
        assumed: from_preset
            .iter()
            .filter(|k| chosen.contains(k))
            .cloned()
            .collect(),
        from_preset,
        overridden,
    }
}
