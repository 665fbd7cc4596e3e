//! The command line: argument parsing, file I/O and exit codes (docs/guide.md).
//!
//! Deliberately knows nothing about simulation internals: it loads scenarios, calls
//! `experiment`, `sweep` and `report`, and writes bytes.

mod args;
mod calibrate;
mod catalog;
mod input;
mod output;
mod page;
mod presets;
mod progress;
mod study;

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::experiment::{RunError, RunReport, load, run_with_progress};
use crate::report::{latency_tail_plot, render_run};
use crate::scenario::{DEFAULT_ORIGIN, Scenario};
use crate::sweep::Shard;
use crate::time::SimDuration;
use args::{CommonArgs, FormatArg, SloArgs};
use input::{load, load_document};
use output::{emit, warn_scenario, warn_scenarios, write_plot};
pub use output::{write_atomically, write_stdout};
use progress::{Progress, WorkPlan};

/// Should this GPU workload run serverless or on dedicated VMs, and what will it cost?
#[derive(Debug, Parser)]
#[command(name = "servsim", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every platform × seed of a scenario and compare them side by side.
    Run(RunArgs),
    /// Run a scenario over a grid of parameter values (every point with all seeds).
    Sweep(study::SweepArgs),
    /// Find the parameter value where two platforms' mean monthly costs cross.
    Breakeven(study::BreakevenArgs),
    /// Merge the partial results of `--shard K/N` runs into the unsharded output.
    Merge(study::MergeArgs),
    /// Print the JSON Schema of scenario files, or their Markdown reference.
    Schema {
        /// `json`: the JSON Schema (draft 2020-12); `markdown`: the key reference
        /// (`docs/scenarios.md`).
        #[arg(long, value_parser = ["json", "markdown"], default_value = "json")]
        format: String,
    },
    /// Fit an engine's step-time coefficients to benchmark runs of a real server.
    Calibrate(calibrate::CalibrateArgs),
    /// List the built-in GPUs and models with their figures and sources.
    Catalog(catalog::CatalogArgs),
    /// List the catalog of real offers, or print one as a platform to paste.
    Presets(presets::PresetsArgs),
    /// Check scenario files and list every error; runs nothing.
    Validate {
        /// Scenario files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct RunArgs {
    /// Scenario file (default: the embedded H100 comparison of the article).
    scenario: Option<PathBuf>,
    /// Run only shard K of N of the seeds and write a partial result (JSON) for `servsim merge`.
    #[arg(long, value_name = "K/N", conflicts_with = "plot")]
    shard: Option<Shard>,
    /// Also record per-bin figures of each platform over bins of BIN (30s, 10m, 1h):
    /// arrivals and completions per second, live and busy containers, queue length and
    /// cost; JSON key `timeline`, and with `--format csv` one row per platform × bin.
    /// HTML pages use 1/500 of the horizon (at least 1 s) without it.
    #[arg(long, value_name = "BIN", value_parser = args::bin_width)]
    timeline: Option<SimDuration>,
    #[command(flatten)]
    slo: SloArgs,
    #[command(flatten)]
    common: CommonArgs,
}

/// A failure, with the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// Bad input: arguments, scenario or trace (exit 2).
    #[error("{0}")]
    Invalid(String),
    /// Anything else (exit 1).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

impl CliError {
    pub fn exit_code(&self) -> i32 {
        match self {
            CliError::Invalid(_) => 2,
            CliError::Other(_) => 1,
        }
    }
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Run(args) => run_command(args),
        Command::Sweep(args) => study::sweep_command(args),
        Command::Breakeven(args) => study::breakeven_command(args),
        Command::Merge(args) => study::merge_command(args),
        Command::Validate { files } => validate(&files),
        Command::Calibrate(args) => calibrate::calibrate_command(args),
        Command::Catalog(args) => catalog::catalog_command(args),
        Command::Presets(args) => presets::presets_command(args),
        Command::Schema { format } if format == "markdown" => {
            write_stdout(&crate::scenario::reference())
        }
        Command::Schema { .. } => {
            let text = serde_json::to_string_pretty(&crate::scenario::schema())
                .expect("a JSON value serializes");
            write_stdout(&format!("{text}\n"))
        }
    }
}

/// A trace that no longer replays as validated is bad input (exit 2); a thread pool that
/// cannot start is not.
fn run_error(e: RunError) -> CliError {
    match e {
        RunError::Trace(_) => CliError::Invalid(e.to_string()),
        RunError::Threads(_) => CliError::Other(e.into()),
    }
}

fn run_command(args: RunArgs) -> Result<(), CliError> {
    if let Some(shard) = args.shard {
        return study::run_shard(
            args.scenario.as_deref(),
            shard,
            &args.slo,
            args.timeline,
            &args.common,
        );
    }
    let c = &args.common;
    let mut scenario = match c.horizon {
        None => load(args.scenario.as_deref())?,
        Some(_) => {
            let (doc, file) = load_document(args.scenario.as_deref())?;
            Scenario::from_value(&c.with_horizon(doc), &file)
                .map_err(|e| CliError::Invalid(e.to_string()))?
        }
    };
    let slo = args.slo.targets(std::slice::from_ref(&scenario))?;
    scenario.timeline = args::timeline_bins(args.timeline, &scenario, c.format().is_html())?;
    let file = args.scenario.as_deref().map(|p| p.display().to_string());
    let file = file.as_deref().unwrap_or(DEFAULT_ORIGIN);
    if !c.quiet {
        warn_scenario(&scenario, file);
    }
    let opts = c.options(&scenario);
    let replicas = scenario.platforms.len() as f64 * opts.seeds as f64;
    c.check_work(load::expected_work(&scenario, opts.seeds as f64), replicas)?;
    let plan = WorkPlan::new([(
        (scenario.platforms.len() as u64) * opts.seeds as u64,
        load::expected_work(&scenario, opts.seeds as f64),
    )]);
    let progress = Progress::new(plan, c.quiet);
    let results = run_with_progress(&scenario, opts, &|| progress.tick()).map_err(run_error)?;
    progress.finish();
    let report = RunReport::judged(&scenario, opts.seed, &results, slo);
    c.warn_unstable(&report.platforms, "");
    if let Some(plot) = &c.plot {
        write_plot(plot, latency_tail_plot(&report), c)?;
    }
    let page = page::page(args.scenario.as_deref(), &scenario, slo)?;
    emit(&render_run(&report, c.format().with(&page)), c)?;
    presets::warn_stale(&scenario, file, c.quiet)
}

fn validate(files: &[PathBuf]) -> Result<(), CliError> {
    let mut failed = Vec::new();
    let mut report = String::new();
    for f in files {
        match Scenario::from_file(f) {
            Ok(s) => {
                warn_scenario(&s, &f.display().to_string());
                report.push_str(&format!(
                    "{}: ok ({}, {} platforms)\n",
                    f.display(),
                    s.name,
                    s.platforms.len()
                ));
                report.push_str(&presets::describe(&s));
            }
            Err(e) => failed.push(e),
        }
    }
    write_stdout(&report)?;
    if failed.is_empty() {
        return Ok(());
    }
    let problems: usize = failed.iter().map(|e| e.count()).sum();
    let details: Vec<String> = failed.iter().map(ToString::to_string).collect();
    Err(CliError::Invalid(format!(
        "{}\n{problems} problem{} in {} of {} file{}",
        details.join("\n"),
        if problems == 1 { "" } else { "s" },
        failed.len(),
        files.len(),
        if files.len() == 1 { "" } else { "s" }
    )))
}
