//! The command line: argument parsing, file I/O and exit codes (SPEC §5).
//!
//! Deliberately knows nothing about simulation internals: it loads scenarios, calls
//! `experiment`, `sweep` and `report`, and writes bytes.

mod calibrate;
mod catalog;
mod page;
mod presets;
mod progress;
mod study;

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};
use serde_json::Value;

use crate::experiment::{
    PlatformSummary, RunError, RunOptions, RunReport, load, run_with_progress,
};
use crate::report::{Format, Page, latency_tail_plot, render_run};
use crate::scenario::{DEFAULT_ORIGIN, DEFAULT_SCENARIO, Scenario, read_file};
use crate::sweep::Shard;
use progress::Progress;

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
    /// List the catalog's platform presets, or print one as a platform to paste.
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
    /// Run only shard K of N of the seeds and write a partial result for `servsim merge`.
    #[arg(long, value_name = "K/N", conflicts_with_all = ["format", "plot"])]
    shard: Option<Shard>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Args)]
struct CommonArgs {
    /// Replicas per platform (overrides the scenario's `seeds`).
    #[arg(long, value_parser = clap::value_parser!(u32).range(1..))]
    seeds: Option<u32>,
    /// Master seed (overrides the scenario's `seed`).
    #[arg(long)]
    seed: Option<u64>,
    /// Worker threads (default: one per core; at most 1024). Output does not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..=1024))]
    threads: Option<u16>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Write the output to this file instead of standard output (rewritten after each
    /// finished sweep point, so an interrupted sweep keeps what it finished).
    #[arg(long)]
    output: Option<PathBuf>,
    /// Also draw an SVG plot: cost against the parameter (sweep, breakeven) or the latency
    /// tail on a nines axis (run).
    #[arg(long, value_name = "FILE.svg")]
    plot: Option<PathBuf>,
    /// No progress, notes or warnings on standard error.
    #[arg(long)]
    quiet: bool,
    /// Run even when the work is expected to take hours (over 10^10 simulated events).
    #[arg(long)]
    force: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Table,
    Json,
    Csv,
    Markdown,
    /// One self-contained HTML page (run, sweep, breakeven).
    Html,
}

impl FormatArg {
    /// The format; an HTML page also says what `page` holds.
    fn with(self, page: &Page) -> Format<'_> {
        match self {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
            FormatArg::Csv => Format::Csv,
            FormatArg::Markdown => Format::Markdown,
            FormatArg::Html => Format::Html(page),
        }
    }
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

fn load(path: Option<&Path>) -> Result<Scenario, CliError> {
    match path {
        Some(p) => Scenario::from_file(p).map_err(|e| CliError::Invalid(e.to_string())),
        None => Ok(Scenario::default_scenario()),
    }
}

/// A scenario file as a JSON document, with the name errors give it. Syntax errors are
/// reported exactly as `Scenario::from_file` reports them.
fn load_document(path: Option<&Path>) -> Result<(Value, String), CliError> {
    let Some(path) = path else {
        let v = serde_json::from_str(DEFAULT_SCENARIO).expect("the embedded scenario is JSON");
        return Ok((v, DEFAULT_ORIGIN.to_string()));
    };
    let file = path.display().to_string();
    let bytes = read_file(path).map_err(|e| CliError::Invalid(e.to_string()))?;
    match serde_json::from_slice(&bytes) {
        Ok(v) => Ok((v, file)),
        Err(_) => match Scenario::from_slice(&bytes, &file) {
            Err(e) => Err(CliError::Invalid(e.to_string())),
            Ok(_) => unreachable!("a document that is not JSON does not load"),
        },
    }
}

impl CommonArgs {
    /// SPEC §6: work expected to take hours says so before it starts, and asks for
    /// `--force`.
    fn check_work(&self, events: f64, replicas_at_once: f64) -> Result<(), CliError> {
        let why = load::too_much_work(events, self.force)
            .or_else(|| load::too_many_replicas(replicas_at_once, self.force));
        match why {
            Some(why) => Err(CliError::Invalid(why)),
            None => Ok(()),
        }
    }

    /// A warning on standard error for each unstable platform (`at`: which grid point).
    fn warn_unstable(&self, platforms: &[PlatformSummary], at: &str) {
        if self.quiet {
            return;
        }
        let mut stderr = std::io::stderr().lock();
        for p in platforms {
            if let Some(why) = &p.instability {
                // A closed standard error must not turn a warning into a panic.
                let _ = writeln!(
                    stderr,
                    "warning: {at}platform {} is unstable: {why}",
                    p.name
                );
            }
        }
    }

    fn options(&self, scenario: &Scenario) -> RunOptions {
        RunOptions {
            seeds: self.seeds.unwrap_or(scenario.seeds),
            seed: self.seed.unwrap_or(scenario.seed),
            threads: self.threads.map(usize::from),
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
        return study::run_shard(args.scenario.as_deref(), shard, &args.common);
    }
    let scenario = load(args.scenario.as_deref())?;
    let c = &args.common;
    if !c.quiet {
        let file = args.scenario.as_deref().map(|p| p.display().to_string());
        warn_scenario(&scenario, file.as_deref().unwrap_or(DEFAULT_ORIGIN));
    }
    let opts = c.options(&scenario);
    let replicas = scenario.platforms.len() as f64 * opts.seeds as f64;
    c.check_work(load::expected_work(&scenario, opts.seeds as f64), replicas)?;
    let progress = Progress::new(
        (scenario.platforms.len() as u64) * opts.seeds as u64,
        c.quiet,
    );
    let results = run_with_progress(&scenario, opts, &|| progress.tick()).map_err(run_error)?;
    progress.finish();
    let report = RunReport::from_results(&scenario, opts.seed, &results);
    c.warn_unstable(&report.platforms, "");
    if let Some(plot) = &c.plot {
        write_plot(plot, latency_tail_plot(&report), c)?;
    }
    let page = page::page(args.scenario.as_deref(), &scenario, None)?;
    emit(&render_run(&report, c.format.with(&page)), c)
}

/// Writes a drawn plot (or reports why it could not be drawn).
fn write_plot(path: &Path, svg: Result<String, String>, c: &CommonArgs) -> Result<(), CliError> {
    let svg = svg.map_err(|e| CliError::Other(anyhow::anyhow!("{}: {e}", path.display())))?;
    write_atomically(path, svg.as_bytes())?;
    if !c.quiet {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// Writes output to `--output` or standard output.
fn emit(text: &str, c: &CommonArgs) -> Result<(), CliError> {
    match &c.output {
        Some(path) => {
            write_atomically(path, text.as_bytes())?;
            if !c.quiet {
                eprintln!("wrote {}", path.display());
            }
            Ok(())
        }
        None => write_stdout(text),
    }
}

/// Writes a file through a temporary sibling and a rename, so readers never see half.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".servsim-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, bytes)
        .and_then(|_| std::fs::rename(&tmp, path))
        .map_err(|e| CliError::Other(anyhow::anyhow!("cannot write {}: {e}", path.display())))
}

/// Writes to standard output; a closed pipe (`servsim run | head`) is not an error.
pub fn write_stdout(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(CliError::Other(anyhow::anyhow!(
            "cannot write to standard output: {e}"
        ))),
    }
}

/// A warning on standard error for each setting of `scenario` that is valid but serves
/// nothing, named like an error: `FILE: JSON path: why`.
fn warn_scenario(scenario: &Scenario, file: &str) {
    warn_scenarios(std::slice::from_ref(scenario), file);
}

/// The settings that are valid but serve badly (`Scenario::warnings`) of a scenario or of
/// each point of a grid: each warning once, naming the grid points it holds at when it
/// does not hold at all of them.
fn warn_scenarios(points: &[Scenario], file: &str) {
    let mut seen: Vec<((String, String), Vec<usize>)> = Vec::new();
    for (i, s) in points.iter().enumerate() {
        for w in s.warnings() {
            match seen.iter_mut().find(|(k, _)| *k == w) {
                Some((_, at)) => at.push(i),
                None => seen.push((w, vec![i])),
            }
        }
    }
    let mut stderr = std::io::stderr().lock();
    for ((path, why), at) in seen {
        let at = match at.len() {
            n if n == points.len() => String::new(),
            1 => format!(" (at grid point {})", at[0]),
            _ => {
                let list: Vec<String> = at.iter().map(usize::to_string).collect();
                format!(" (at grid points {})", list.join(", "))
            }
        };
        // A closed standard error must not turn a warning into a panic.
        let _ = writeln!(stderr, "warning: {file}: {path}: {why}{at}");
    }
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
