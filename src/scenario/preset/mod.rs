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
mod parts;
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
    settled: Settled,
}

/// Paths whose reader errors repeat one reported here, so that the reader's "missing
/// required key" there is dropped.
#[derive(Default)]
pub(super) struct Settled {
    /// Platforms (or hybrid parts) whose preset could not be applied: every key under them.
    objects: Vec<String>,
    /// Keys reported missing because no provider documents them: the key alone.
    keys: Vec<String>,
}

impl Settled {
    fn covers(&self, path: &str) -> bool {
        self.keys.iter().any(|k| k == path)
            || (self.objects.iter()).any(|o| path == o || path.starts_with(&format!("{o}.")))
    }
}

/// Expands every platform's preset, and those of hybrids' parts; problems go to `errs`
/// with their JSON paths.
pub(super) fn expand<'a>(doc: &'a Value, errs: &mut Errors) -> Expansion<'a> {
    let mut out = Expansion {
        document: Cow::Borrowed(doc),
        uses: Vec::new(),
        settled: Settled::default(),
    };
    let Some(platforms) = doc.get("platforms").and_then(Value::as_array) else {
        return out;
    };
    if !platforms.iter().any(parts::names_a_preset) {
        return out;
    }
    let mut expanded = Vec::with_capacity(platforms.len());
    let tokens = super::workload::is_tokens_service(doc);
    for (i, p) in platforms.iter().enumerate() {
        let path = index("platforms", i);
        let (v, used) = match p.as_object() {
            Some(own) if own.contains_key("preset") => {
                expand_platform(own, &path, None, errs, &mut out.settled, tokens)
            }
            Some(own) => parts::expand_parts(own, &path, errs, &mut out.settled, tokens),
            None => (p.clone(), None),
        };
        expanded.push(v);
        out.uses.push(used);
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
            !(self.settled.covers(&e.path) && e.message.starts_with("missing required key"))
        });
    }

    /// What platform `i` took from its preset (or its parts' presets), if it has any.
    pub(super) fn used(&self, i: usize) -> Option<PresetUse> {
        self.uses.get(i).cloned().flatten()
    }
}

/// One platform (or hybrid part, which must be of type `kind`) over its preset: the merged
/// object (the object unchanged when the preset cannot be applied) and what was used.
fn expand_platform(
    own: &Map<String, Value>,
    path: &str,
    kind: Option<&str>,
    errs: &mut Errors,
    settled: &mut Settled,
    tokens: bool,
) -> (Value, Option<PresetUse>) {
    let unchanged = Value::Object(own.clone());
    let preset = checks::find(&own["preset"], &join(path, "preset"), errs);
    let fits = |p: &&Preset| match kind {
        Some(kind) => checks::part_fits(p, kind, path, errs),
        None => checks::type_fits(own, p, path, errs),
    };
    let Some(preset) = preset.filter(fits) else {
        settled.objects.push(path.to_string());
        return (unchanged, None);
    };
    let mut base = preset.platform_json();
    if tokens {
        for_engines(&mut base, preset);
    }
    let (merged, overridden) = merge::over(&base, own);
    checks::limits(own, preset, path, errs);
    checks::undocumented(&merged, preset, path, errs, &mut settled.keys);
    (Value::Object(merged), Some(used(preset, &base, overridden)))
}

/// With a `tokens` service (docs/semantics.md#continuous-batching) the preset's GPU is its
/// engines' GPU, and its `max_inputs` (the provider's default concurrency of a container or
/// GPU) is not taken: an engine's `max_num_seqs` is a server setting, 256 unless written.
fn for_engines(base: &mut Map<String, Value>, preset: &Preset) {
    base.remove("max_inputs");
    base.entry("gpu")
        .or_insert_with(|| Value::String(preset.gpu.clone()));
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
