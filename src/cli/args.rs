//! The arguments `run`, `sweep` and `breakeven` share: seeds, threads, output format and
//! destination, quiet and force, and what they make of a scenario's own settings.
//!
//! Deliberately writes nothing: where output goes is `output`'s business.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::CliError;
use crate::experiment::{RunOptions, load};
use crate::metrics::Bins;
use crate::report::{Format, Page};
use crate::scenario::Scenario;
use crate::scenario::reader::parse_duration;
use crate::time::{SimDuration, SimTime};

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
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    pub(super) format: FormatArg,
    /// Write the output to this file instead of standard output (rewritten after each
    /// finished sweep point, so an interrupted sweep keeps what it finished).
    #[arg(long)]
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

    pub(super) fn options(&self, scenario: &Scenario) -> RunOptions {
        RunOptions {
            seeds: self.seeds.unwrap_or(scenario.seeds),
            seed: self.seed.unwrap_or(scenario.seed),
            threads: self.threads.map(usize::from),
        }
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
