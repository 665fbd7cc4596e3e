//! The command line: argument parsing, file I/O and exit codes (SPEC §5).
//!
//! Deliberately knows nothing about simulation internals: it loads scenarios, calls
//! `experiment` and `report`, and writes bytes.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::experiment::{RunError, RunOptions, run_report};
use crate::report::{Format, render_run};
use crate::scenario::Scenario;

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
    /// Worker threads (default: one per core). Output does not depend on it.
    #[arg(long, value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = FormatArg::Table)]
    format: FormatArg,
    /// Write the output to this file instead of standard output.
    #[arg(long)]
    output: Option<PathBuf>,
    /// No progress or notes on standard error.
    #[arg(long)]
    quiet: bool,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum FormatArg {
    Table,
    Json,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Table => Format::Table,
            FormatArg::Json => Format::Json,
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
        Command::Validate { files } => validate(&files),
    }
}

fn load(path: Option<&Path>) -> Result<Scenario, CliError> {
    match path {
        Some(p) => Scenario::from_file(p).map_err(|e| CliError::Invalid(e.to_string())),
        None => Ok(Scenario::default_scenario()),
    }
}

fn run_command(args: RunArgs) -> Result<(), CliError> {
    let scenario = load(args.scenario.as_deref())?;
    let c = &args.common;
    let opts = RunOptions {
        seeds: c.seeds.unwrap_or(scenario.seeds),
        seed: c.seed.unwrap_or(scenario.seed),
        threads: c.threads.map(usize::from),
    };
    let report = run_report(&scenario, opts).map_err(|e| match e {
        RunError::Trace(_) => CliError::Invalid(e.to_string()),
        RunError::Threads(_) => CliError::Other(e.into()),
    })?;
    emit(&render_run(&report, c.format.into()), c)
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
    let tmp = path.with_extension("servsim-tmp");
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

fn validate(files: &[PathBuf]) -> Result<(), CliError> {
    let mut failed = Vec::new();
    let mut report = String::new();
    for f in files {
        match Scenario::from_file(f) {
            Ok(s) => report.push_str(&format!(
                "{}: ok ({}, {} platforms)\n",
                f.display(),
                s.name,
                s.platforms.len()
            )),
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
