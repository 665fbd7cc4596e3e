//! The arguments `run`, `sweep` and `breakeven` share: seeds, threads, output format and
//! destination, quiet and force, and what they make of a scenario's own settings.
//!
//! Deliberately writes nothing: where output goes is `output`'s business.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::CliError;
use crate::experiment::{RunOptions, SloTargets, load};
use crate::metrics::Bins;
use crate::report::{Format, Page};
use crate::scenario::reader::parse_duration;
use crate::scenario::{Scenario, parse_horizon};
use crate::time::{SimDuration, SimTime};
use crate::workload::Service;
use serde_json::Value;

#[derive(Debug, Args)]
pub(super) struct CommonArgs {
    /// Replicas per platform (overrides the scenario's `seeds`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    pub(super) seeds: Option<u32>,
    /// Master seed (overrides the scenario's `seed`).
    #[arg(long)]
    pub(super) seed: Option<u64>,
    /// Worker threads (default: one per core; at most 1024). Output does not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub(super) threads: Option<u16>,
    /// Output format [default: table]; a shard's partial result is JSON.
    #[arg(long, value_enum)]
    pub(super) format: Option<FormatArg>,
    /// Write the output to this file instead of standard output, once finished (a sweep or
    /// break-even keeps its finished points in FILE.journal meanwhile, for --resume FILE).
    #[arg(long, value_name = "FILE")]
    pub(super) output: Option<PathBuf>,
    /// Also draw an SVG plot: cost against the parameter (sweep, breakeven) or the latency
    /// tail on a nines axis (run).
    #[arg(long, value_name = "FILE.svg")]
    pub(super) plot: Option<PathBuf>,
    /// No progress, notes or warnings on standard error.
    #[arg(long)]
    pub(super) quiet: bool,
    /// Run even when the work is expected to take hours (over 10^10 simulated events).
    #[arg(long)]
    pub(super) force: bool,
    /// Simulated time, overriding the scenario's `horizon`: seconds (a bare number) or a
    /// duration like 36h, 7d, 2w.
    #[arg(long, value_name = "D", value_parser = horizon_arg)]
    pub(super) horizon: Option<Horizon>,
}

/// `--horizon` as given and as the scenario's `horizon` key would hold it.
#[derive(Clone, Debug)]
pub(super) struct Horizon(Value);

fn horizon_arg(text: &str) -> Result<Horizon, String> {
    parse_horizon(text)?;
    let text = text.trim();
    // A bare number stays a number: the key reads strings only with a unit.
    Ok(Horizon(match text.parse::<f64>() {
        Ok(x) => serde_json::json!(x),
        Err(_) => Value::String(text.to_string()),
    }))
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub(super) enum FormatArg {
    Table,
    Json,
    Csv,
    Markdown,
    /// One self-contained HTML page (run, sweep, breakeven).
    Html,
}

impl FormatArg {
    pub(super) fn is_html(self) -> bool {
        matches!(self, FormatArg::Html)
    }

    /// The format; an HTML page also says what `page` holds.
    pub(super) fn with(self, page: &Page) -> Format<'_> {
        match self {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html(page),
        }
    }
}

impl CommonArgs {
    /// `--format`, table when not given.
    pub(super) fn format(&self) -> FormatArg {
        self.format.unwrap_or(FormatArg::Table)
    }

    /// A shard writes its partial result as JSON (what `merge` reads): `--format json`
    /// says so, any other format belongs on `merge`.
    pub(super) fn check_shard_format(&self) -> Result<(), CliError> {
        match self.format {
            None | Some(FormatArg::Json) => Ok(()),
            Some(f) => Err(CliError::Invalid(format!(
                "--format {}: a shard writes its partial result as JSON, for servsim merge; give --format {0} to merge instead",
                f.to_possible_value()
                    .expect("formats have names")
                    .get_name()
            ))),
        }
    }

    /// docs/semantics.md#bad-input: work expected to take hours says so before it starts, and asks for
    /// `--force`.
    pub(super) fn check_work(&self, events: f64, replicas_at_once: f64) -> Result<(), CliError> {
        let why = load::too_much_work(events, self.force)
            .or_else(|| load::too_many_replicas(replicas_at_once, self.force));
        match why {
            Some(why) => Err(CliError::Invalid(why)),
            None => Ok(()),
        }
    }

    /// The scenario document with `--horizon` written over its `horizon` (as is without).
    pub(super) fn with_horizon(&self, mut doc: Value) -> Value {
        if let (Some(Horizon(h)), Some(o)) = (&self.horizon, doc.as_object_mut()) {
            o.insert("horizon".into(), h.clone());
        }
        doc
    }

    pub(super) fn options(&self, scenario: &Scenario) -> RunOptions {
        RunOptions {
            seeds: self.seeds.unwrap_or(scenario.seeds),
            seed: self.seed.unwrap_or(scenario.seed),
            threads: self.threads.map(usize::from),
        }
    }
}

/// The latency targets of the verdicts (docs/semantics.md#sweeps), each over the
/// scenario's `slo` target of the same kind.
#[derive(Debug, Args)]
pub(super) struct SloArgs {
    /// Judge every platform (and sweep point) by its merged p99 latency ≤ S seconds
    /// (replaces the scenario's slo.latency_s as the verdict's target).
    #[arg(long, value_name = "S", value_parser = positive_seconds)]
    pub(super) slo_p99: Option<f64>,
    /// With a tokens service: the merged TTFT p99 must also be ≤ S.
    #[arg(long, value_name = "S", value_parser = positive_seconds)]
    pub(super) slo_ttft_p99: Option<f64>,
    /// With a tokens service: the merged TPOT p99 must also be ≤ S.
    #[arg(long, value_name = "S", value_parser = positive_seconds)]
    pub(super) slo_tpot_p99: Option<f64>,
}

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
        _ => Err(format!("expected seconds > 0, found {text:?}")),
    }
}

impl SloArgs {
    /// The targets given on the command line; TTFT and TPOT need a tokens service in
    /// every scenario of `points`.
    pub(super) fn targets(&self, points: &[Scenario]) -> Result<SloTargets, CliError> {
        let tokens = points
            .iter()
            .all(|s| matches!(s.workload.service, Some(Service::Tokens(_))));
        for (flag, given) in [
            ("--slo-ttft-p99", self.slo_ttft_p99.is_some()),
            ("--slo-tpot-p99", self.slo_tpot_p99.is_some()),
        ] {
            if given && !tokens {
                return Err(CliError::Invalid(format!(
                    "{flag}: expected a scenario with a tokens service (workload.service {{\"dist\": \"tokens\"}}), whose requests emit tokens; found another service"
                )));
            }
        }
        Ok(SloTargets {
            latency_p99_s: self.slo_p99,
            ttft_p99_s: self.slo_ttft_p99,
            tpot_p99_s: self.slo_tpot_p99,
        })
    }
}

/// `--timeline BIN`: a duration as scenario files write them (`30s`, `10m`, `1h`, or
/// seconds).
pub(super) fn bin_width(text: &str) -> Result<SimDuration, String> {
    let secs = text
        .trim()
        .parse::<f64>()
        .ok()
        .or_else(|| parse_duration(text));
    match secs {
        Some(s) if (1e-9..=1e10).contains(&s) => Ok(SimDuration::from_secs_f64(s)),
        _ => Err(format!(
            "expected a bin duration of at least 1 ns such as 30s, 10m or 1h, found {text:?}"
        )),
    }
}

/// The bins of the timeline a run records: `--timeline`'s, else for an HTML page 1/500 of
/// the horizon and at least 1 s (docs/semantics.md#timeline), else none.
pub(super) fn timeline_bins(
    given: Option<SimDuration>,
    scenario: &Scenario,
    html: bool,
) -> Result<Option<Bins>, CliError> {
    let horizon = SimTime(scenario.horizon.0);
    let width = match given {
        Some(w) => w,
        None if html => SimDuration(scenario.horizon.0.div_ceil(500).max(1_000_000_000)),
        None => return Ok(None),
    };
    Bins::new(width, horizon)
        .map(Some)
        .map_err(|e| CliError::Invalid(format!("--timeline: {e}")))
}
