//! Scenario files: JSON → a validated, typed `Scenario`, with every error of a file
//! reported at once, each naming the file and the JSON path (docs/scenarios.md, docs/semantics.md#bad-input).
//!
//! Deliberately runs nothing.

mod billing;
mod dedicated;
mod engine;
mod horizon;
mod hybrid;
pub(crate) mod keys;
mod platform;
mod preset;
pub(crate) mod reader;
mod reference;
mod schema;
mod serverless;
mod slo;
mod workload;

use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::billing::PriceSheet;
use crate::metrics::{Bins, Slo};
use crate::platform::PlatformModel;
use crate::time::SimDuration;
use crate::workload::{JobSpec, Service, Workload};
pub use horizon::parse_horizon;
pub use preset::{PresetUse, close_presets};
pub use reader::FieldError;
use reader::{Errors, Obj, array};
pub use reference::reference;
pub use schema::schema;

/// The scenario `servsim run` uses without a file: the article's H100 comparison.
pub(crate) const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/continuous-inference.json");
/// How the default scenario is named in messages.
pub(crate) const DEFAULT_ORIGIN: &str = "<default scenario: continuous-inference>";

/// One platform: its price-free model and its prices.
#[derive(Clone, Debug)]
pub struct PlatformSpec {
    pub name: String,
    pub model: PlatformModel,
    /// Prices of the platform (of a hybrid: of its dedicated base).
    pub prices: PriceSheet,
    /// On-demand prices of spot fallback instances (dedicated fleets and hybrid bases).
    pub fallback_prices: Option<PriceSheet>,
    /// Prices of a hybrid's serverless overflow pool.
    pub overflow_prices: Option<PriceSheet>,
    /// The catalog preset the platform was written over (docs/semantics.md#presets).
    pub preset: Option<PresetUse>,
    /// With a `jobs` workload: this platform's own checkpointing, instead of the workload's.
    pub jobs: Option<JobSpec>,
}

/// A validated scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub horizon: SimDuration,
    pub seeds: u32,
    pub seed: u64,
    /// Latency, TTFT and TPOT targets of `slo_attainment` (none given: not computed).
    pub slo: Slo,
    pub workload: Workload,
    pub platforms: Vec<PlatformSpec>,
    /// The bins of the timeline runs record (`--timeline`; not a scenario key): none
    /// records none (docs/semantics.md#timeline).
    pub timeline: Option<Bins>,
}

/// Why a scenario could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}:{line}:{column}: invalid JSON: {message}")]
    Syntax {
        file: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error(
        "{file}: expected a scenario file of at most {limit} bytes, found more (is this a scenario?)"
    )]
    TooLarge { file: String, limit: u64 },
    #[error("{}", Invalid(.file, .errors))]
    Invalid {
        file: String,
        errors: Vec<FieldError>,
    },
}

struct Invalid<'a>(&'a String, &'a Vec<FieldError>);

impl fmt::Display for Invalid<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.1.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            let path = if e.path.is_empty() {
                "(top level)"
            } else {
                &e.path
            };
            write!(f, "{}: {}: {}", self.0, path, e.message)?;
        }
        Ok(())
    }
}

impl ScenarioError {
    /// How many distinct problems this error reports.
    pub fn count(&self) -> usize {
        match self {
            ScenarioError::Invalid { errors, .. } => errors.len(),
            _ => 1,
        }
    }
}

impl Scenario {
    /// Reads and validates a scenario file.
    pub fn from_file(path: &Path) -> Result<Scenario, ScenarioError> {
        let bytes = read_file(path)?;
        Scenario::parse(
            &bytes,
            &path.display().to_string(),
            &Scenario::base_dir(path),
        )
    }

    /// The embedded default scenario.
    pub fn default_scenario() -> Scenario {
        Scenario::from_slice(DEFAULT_SCENARIO.as_bytes(), DEFAULT_ORIGIN)
            .expect("the embedded default scenario is valid")
    }

    /// Parses JSON text; `file` names it in errors, and relative trace paths are resolved
    /// against its folder.
    pub fn from_slice(bytes: &[u8], file: &str) -> Result<Scenario, ScenarioError> {
        Scenario::parse(bytes, file, &Scenario::base_dir(Path::new(file)))
    }

    fn parse(bytes: &[u8], file: &str, base: &Path) -> Result<Scenario, ScenarioError> {
        let value: Value = serde_json::from_slice(bytes).map_err(|e| ScenarioError::Syntax {
            file: file.to_string(),
            line: e.line(),
            column: e.column(),
            message: e
                .to_string()
                .split(" at line ")
                .next()
                .unwrap_or_default()
                .to_string(),
        })?;
        Scenario::from_value_in(&value, file, base)
    }

    /// Validates a JSON document (e.g. one a sweep has edited); `file` names it in errors,
    /// and relative trace paths are resolved against its folder.
    pub fn from_value(value: &Value, file: &str) -> Result<Scenario, ScenarioError> {
        Scenario::from_value_in(value, file, &Scenario::base_dir(Path::new(file)))
    }

    /// As `from_value`, with relative trace paths resolved against `base`.
    pub fn from_value_in(
        value: &Value,
        file: &str,
        base: &Path,
    ) -> Result<Scenario, ScenarioError> {
        let mut errs = Errors::default();
        let scenario = read(value, &mut errs, base);
        match scenario {
            Some(s) if errs.0.is_empty() => Ok(s),
            _ => {
                if errs.0.is_empty() {
                    errs.push("", "invalid scenario");
                }
                Err(ScenarioError::Invalid {
                    file: file.to_string(),
                    errors: errs.0,
                })
            }
        }
    }

    /// Settings that are valid but almost certainly not meant, as (JSON path, why), for
    /// a warning: the scenario still runs as the spec says.
    pub fn warnings(&self) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (i, p) in self.platforms.iter().enumerate() {
            let (path, cfg) = match &p.model {
                PlatformModel::Serverless(cfg) => (format!("platforms[{i}]"), cfg),
                PlatformModel::Hybrid(h) => (format!("platforms[{i}].overflow"), &h.overflow),
                PlatformModel::Dedicated(_) => continue,
            };
            out.extend(serverless::warning(cfg).map(|why| (path, why)));
        }
        out.extend(horizon::warnings(self));
        out
    }

    /// Where relative paths in the file are resolved (docs/semantics.md#arrivals).
    pub fn base_dir(file: &Path) -> PathBuf {
        file.parent().map(Path::to_path_buf).unwrap_or_default()
    }
}

/// The largest scenario file read: real ones are a few kilobytes, and a wrong path (a
/// model's weights, `/dev/zero`) must cost an error, not the machine's memory.
pub(crate) const MAX_FILE_BYTES: u64 = 16 << 20;

/// A scenario file's bytes, at most `MAX_FILE_BYTES` of them (pipes such as `/dev/stdin`
/// are fine).
pub(crate) fn read_file(path: &Path) -> Result<Vec<u8>, ScenarioError> {
    use std::io::Read;
    let file = path.display().to_string();
    let io = |source| ScenarioError::Io {
        file: file.clone(),
        source,
    };
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ScenarioError::TooLarge {
            file,
            limit: MAX_FILE_BYTES,
        });
    }
    Ok(bytes)
}

/// A scenario document with its presets expanded first (docs/semantics.md#presets), read.
fn read(v: &Value, errs: &mut Errors, base: &Path) -> Option<Scenario> {
    let expanded = preset::expand(v, errs);
    let scenario = scenario(&expanded.document, errs, base).map(|mut s| {
        for (i, p) in s.platforms.iter_mut().enumerate() {
            p.preset = expanded.used(i);
        }
        s
    });
    expanded.settle(errs);
    scenario
}

fn scenario(v: &Value, errs: &mut Errors, base: &Path) -> Option<Scenario> {
    let mut o = Obj::new(v, "", &keys::SCENARIO, errs)?;
    let name: Option<String> = o.req("name", errs);
    let description: String = o.or("description", errs);
    let horizon_path = o.at("horizon");
    let horizon = o
        .req("horizon", errs)
        .and_then(|h| horizon::in_range(h, &horizon_path, errs));
    let seeds: u32 = o.or("seeds", errs);
    let seed: u64 = o.or("seed", errs);
    let tokens = workload::is_tokens_service(v);
    let slo = o.opt_with("slo", errs, |v, p, e| slo::slo(v, p, e, tokens));
    let workload = o.req_with("workload", errs, |v, p, e| {
        workload::workload(v, p, e, base)
    });
    let model = match &workload {
        Some(Workload {
            service: Some(Service::Tokens(t)),
            ..
        }) => Some(&t.model),
        _ => None,
    };
    let ctx = engine::Batching { tokens, model };
    let platforms = o.req_with("platforms", errs, |v, p, e| {
        array(v, p, e, |v, p, e| platform::platform(v, p, e, &ctx))
    });
    let platforms_path = o.at("platforms");
    o.finish(errs);
    let platforms = platforms?;
    let mut seen = HashSet::new();
    for (i, p) in platforms.iter().enumerate() {
        if !seen.insert(p.name.as_str()) {
            errs.push(
                &reader::join(&reader::index(&platforms_path, i), "name"),
                format!(
                    "expected a unique platform name, found \"{}\" again",
                    p.name
                ),
            );
        }
    }
    let workload = workload?;
    if !workload::check_job_platforms(&workload, &platforms, &platforms_path, errs) {
        return None;
    }
    Some(Scenario {
        name: name?,
        description,
        horizon: SimDuration::from_secs_f64(horizon?),
        seeds,
        seed,
        slo: slo?.unwrap_or_default(),
        workload,
        platforms,
        timeline: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_scenario_loads() {
        let s = Scenario::default_scenario();
        assert!(s.platforms.len() >= 3);
    }

    #[test]
    fn all_errors_of_a_file_are_reported_with_paths() {
        let text = r#"{
            "name": "x", "horizon": "2 fortnights", "seeds": 0, "colour": 1,
            "workload": {"arrivals": {"process": "poisson", "rate_per_s": -2},
                         "service": {"dist": "lognormal", "mean_s": 1}},
            "platforms": [
                {"name": "a", "type": "serverless", "gpu_usd_per_s": 0.001,
                 "cold_start": {"dist": "constant", "value_s": 1},
                 "min_containers": 5, "max_containers": 2, "scaledown_window_s": "abc"},
                {"name": "a", "type": "dedicated", "usd_per_hour": 2.4, "instancs": 2}
            ]
        }"#;
        let err = Scenario::from_slice(text.as_bytes(), "bad.json").unwrap_err();
        let msg = err.to_string();
        for needle in [
            "bad.json: horizon: expected seconds (a number) or a duration",
            "bad.json: seeds: expected a whole number in [1, ",
            "bad.json: colour: unknown key",
            "bad.json: workload.arrivals.rate_per_s: expected a number > 0, found -2",
            "bad.json: workload.service.cv: missing required key",
            "bad.json: platforms[0].min_containers: expected min_containers ≤ max_containers (2), found 5",
            "bad.json: platforms[0].scaledown_window_s: expected seconds",
            "bad.json: platforms[1].instancs: unknown key",
            "bad.json: platforms[1].name: expected a unique platform name, found \"a\" again",
        ] {
            assert!(msg.contains(needle), "missing {needle:?} in:\n{msg}");
        }
        assert_eq!(err.count(), 9, "{msg}");
    }

    #[test]
    fn syntax_errors_name_the_line() {
        let err = Scenario::from_slice(b"{\n  \"name\": \"x\",,\n}", "s.json").unwrap_err();
        assert!(err.to_string().starts_with("s.json:2:"), "{err}");
    }
}
