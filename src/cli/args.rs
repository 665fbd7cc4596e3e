//! The arguments `run`, `sweep` and `breakeven` share: seeds, threads, output format and
//! destination, quiet and force, and what they make of a scenario's own settings.
//!
//! Deliberately writes nothing: where output goes is `output`'s business.

use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::CliError;
use crate::experiment::{RunOptions, SloTargets, load};
use crate::report::{Format, Page};
use crate::scenario::Scenario;
use crate::workload::Service;

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
