//! `sweep`, `breakeven`, `merge` and `run --shard`: grids of scenario variants, the
//! journal that keeps their finished points (and `--resume`), shard files and their merge.

use std::path::{Path, PathBuf};

use clap::Args;

mod axes;
mod journal;
mod points;

use super::{
    CliError, CommonArgs, FormatArg, SloArgs, emit, load_document, page, warn_scenarios, write_plot,
};
use crate::experiment::{RunOptions, load};
use crate::report::Page;
use crate::report::{
    breakeven_plot, cost_plot, latency_tail_plot, render_breakeven, render_run, render_sweep,
    shard_json,
};
use crate::scenario::Scenario;
use crate::sweep::shard::{Merged, ShardCommand, merge};
use crate::sweep::{
    BreakEvenReport, Param, ParamPath, Range, RunIdentity, Shard, ShardFile, SloTargets, Study,
    SweepError, SweepReport,
};
use crate::time::SimDuration;
use axes::{Axes, params};
use journal::Journal;
use points::{Keep, finished_point, point_label, run_checkpointed};

impl From<SweepError> for CliError {
    fn from(e: SweepError) -> CliError {
        CliError::Invalid(e.to_string())
    }
}

#[derive(Debug, Args)]
pub struct SweepArgs {
    /// Scenario file.
    scenario: PathBuf,
    #[command(flatten)]
    axes: Axes,
    #[command(flatten)]
    slo: SloArgs,
    /// Run only shard K of N of the (point × seed) work and write a partial result (JSON).
    #[arg(long, value_name = "K/N", conflicts_with = "plot")]
    shard: Option<Shard>,
    /// Write the output to FILE, continuing the interrupted run whose journal FILE.journal
    /// holds the points it finished (same scenario and arguments; without one, from the start).
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    resume: Option<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct BreakevenArgs {
    /// Scenario file.
    scenario: PathBuf,
    /// Dotted path of the numeric parameter to vary.
    #[arg(long, value_name = "PATH")]
    param: String,
    /// `LO:HI` (with --points values) or `LO:HI:STEP`.
    #[arg(long, value_name = "LO:HI", allow_hyphen_values = true)]
    range: String,
    /// Grid points across LO:HI when the range has no step [default: 13].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(2..=100_000))]
    points: Option<u32>,
    /// The two platforms whose costs to compare.
    #[arg(long, num_args = 2, value_names = ["A", "B"], required = true)]
    between: Vec<String>,
    /// Write the output to FILE, continuing the interrupted run whose journal FILE.journal
    /// holds the points it finished (same scenario and arguments; without one, from the start).
    #[arg(long, value_name = "FILE", conflicts_with = "output")]
    resume: Option<PathBuf>,
    #[command(flatten)]
    slo: SloArgs,
    #[command(flatten)]
    common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Shard files written by `run --shard` or `sweep --shard`.
    #[arg(required = true, value_name = "PART")]
    parts: Vec<PathBuf>,
    #[command(flatten)]
    common: CommonArgs,
}

fn invalid(e: impl std::fmt::Display) -> CliError {
    CliError::Invalid(e.to_string())
}

fn options(study: &Study, c: &CommonArgs) -> RunOptions {
    c.options(&study.points[0])
}

/// Expected events of the replicas a (sharded) study runs, and the most replicas of one
/// point (their results are held together). Counted, not listed: `--seeds` may be huge.
fn study_work(study: &Study, seeds: u32, shard: Option<Shard>) -> (f64, f64) {
    let share = seeds as f64 / shard.map_or(1.0, |s| s.count as f64);
    let events = study
        .points
        .iter()
        .map(|s| load::expected_work(s, share))
        .sum();
    let widest = study
        .points
        .iter()
        .map(|s| s.platforms.len())
        .max()
        .unwrap_or(0);
    (events, widest as f64 * share.ceil())
}

pub fn sweep_command(mut args: SweepArgs) -> Result<(), CliError> {
    let resume = args
        .resume
        .take()
        .map(|file| args.common.output = Some(file));
    let c = &args.common;
    let (doc, file) = load_document(Some(&args.scenario))?;
    let study = Study::new(c.with_horizon(doc), &file, params(&args.axes)?)?;
    if !c.quiet {
        warn_scenarios(&study.points, &file);
    }
    let opts = options(&study, c);
    let slo = args.slo.targets(&study.points)?;
    let (events, widest) = study_work(&study, opts.seeds, args.shard);
    c.check_work(events, widest)?;
    let resume = resume.is_some();
    if let Some(shard) = args.shard {
        c.check_shard_format()?;
        return write_shard(&study, ShardCommand::Sweep, shard, opts, slo, c, resume);
    }
    let mut report = SweepReport::new(&study, opts.seed, opts.seeds, slo);
    let page = page::page(Some(&args.scenario), &study.points[0], slo)?;
    let format = c.format().with(&page);
    let keep = Keep {
        run: identity("sweep", None, opts, slo),
        resume,
    };
    let journal = run_checkpointed(
        &study,
        opts,
        None,
        c,
        Some(keep),
        &mut report,
        |report, i, results, progress| {
            report.push(finished_point(&study, c, i, results, slo));
            progress.note(format!("point {}/{} done", i + 1, study.points.len()));
        },
    )?;
    if let Some(plot) = &c.plot {
        write_plot(plot, cost_plot(&report), c)?;
    }
    emit_final(&render_sweep(&report, format), c, journal)?;
    super::presets::warn_stale(&study.points[0], &file, c.quiet)
}

/// What identifies a run in its journal.
fn identity(
    command: &str,
    shard: Option<Shard>,
    opts: RunOptions,
    slo: SloTargets,
) -> RunIdentity<'_> {
    RunIdentity {
        command,
        shard,
        seed: opts.seed,
        seeds: opts.seeds,
        slo,
    }
}

/// Writes the finished output, then removes the journal that kept its points.
fn emit_final(text: &str, c: &CommonArgs, journal: Option<Journal>) -> Result<(), CliError> {
    emit(text, c)?;
    journal.map_or(Ok(()), Journal::finish)
}

/// The one-parameter study of `breakeven` (only A and B run) and its x values.
fn breakeven_study(args: &BreakevenArgs) -> Result<(Study, Vec<f64>), CliError> {
    let (doc, file) = load_document(Some(&args.scenario))?;
    let [a, b] = [&args.between[0], &args.between[1]];
    if a == b {
        return Err(invalid(format!(
            "--between: expected two different platforms, found {a:?} twice"
        )));
    }
    if args.points.is_some() && args.range.matches(':').count() == 2 {
        return Err(invalid(
            "--points: give either --points or a step in --range, not both",
        ));
    }
    let bad_range = |e: String| invalid(format!("--range {}: {e}", args.range));
    let range =
        Range::parse(&args.range, Some(args.points.unwrap_or(13) as usize)).map_err(bad_range)?;
    let param = Param {
        path: ParamPath::parse(&args.param).map_err(invalid)?,
        values: range.values().map_err(bad_range)?,
    };
    let mut study = Study::new(args.common.with_horizon(doc), &file, vec![param])?;
    if !args.common.quiet {
        // Before only A and B are kept, so that paths name the file's platforms.
        warn_scenarios(&study.points, &file);
    }
    study.retain_platforms(&[a, b])?;
    Ok((study, (0..range.len()).map(|i| range.value(i)).collect()))
}

pub fn breakeven_command(mut args: BreakevenArgs) -> Result<(), CliError> {
    let resume = args
        .resume
        .take()
        .map(|file| args.common.output = Some(file));
    let (study, xs) = breakeven_study(&args)?;
    let [a, b] = [&args.between[0], &args.between[1]];
    let c = &args.common;
    let slo = args.slo.targets(&study.points)?;
    let opts = options(&study, c);
    let (events, widest) = study_work(&study, opts.seeds, None);
    c.check_work(events, widest)?;
    let between = [a.clone(), b.clone()];
    let scenario = study.points[0].name.clone();
    let mut report = BreakEvenReport::new(&scenario, opts.seed, opts.seeds, &args.param, between);
    let page = page::page(Some(&args.scenario), &study.points[0], slo)?;
    let format = c.format().with(&page);
    let keep = Keep {
        run: identity("breakeven", None, opts, slo),
        resume: resume.is_some(),
    };
    let journal = run_checkpointed(
        &study,
        opts,
        None,
        c,
        Some(keep),
        &mut report,
        |report, i, results, _| report.push(finished_point(&study, c, i, results, slo), &xs),
    )?;
    if let Some(plot) = &c.plot {
        write_plot(plot, breakeven_plot(&report), c)?;
    }
    emit_final(&render_breakeven(&report, format), c, journal)?;
    let file = args.scenario.display().to_string();
    super::presets::warn_stale(&study.points[0], &file, c.quiet)
}

/// `run --shard K/N`: the scenario as a one-point study (nothing to journal: its one
/// point is the whole output).
pub fn run_shard(
    scenario: Option<&Path>,
    shard: Shard,
    slo: &SloArgs,
    timeline: Option<SimDuration>,
    c: &CommonArgs,
) -> Result<(), CliError> {
    c.check_shard_format()?;
    let (doc, file) = load_document(scenario)?;
    let mut study = Study::new(c.with_horizon(doc), &file, Vec::new())?;
    for point in &mut study.points {
        point.timeline = super::args::timeline_bins(timeline, point, false)?;
    }
    let slo = slo.targets(&study.points)?;
    let opts = options(&study, c);
    let (events, widest) = study_work(&study, opts.seeds, Some(shard));
    c.check_work(events, widest)?;
    let mut part = ShardFile::new(&study, ShardCommand::Run, shard, opts.seed, opts.seeds, slo);
    run_checkpointed(
        &study,
        opts,
        Some(shard),
        c,
        None,
        &mut part,
        |part, i, r, _| part.push(i, r),
    )?;
    emit(&shard_json(&part), c)
}

/// `sweep --shard K/N`: the partial result, its points journaled like a sweep's.
fn write_shard(
    study: &Study,
    command: ShardCommand,
    shard: Shard,
    opts: RunOptions,
    slo: SloTargets,
    c: &CommonArgs,
    resume: bool,
) -> Result<(), CliError> {
    let mut part = ShardFile::new(study, command, shard, opts.seed, opts.seeds, slo);
    let keep = Keep {
        run: identity("sweep", Some(shard), opts, slo),
        resume,
    };
    let journal = run_checkpointed(
        study,
        opts,
        Some(shard),
        c,
        Some(keep),
        &mut part,
        |part, i, results, _| part.push(i, results),
    )?;
    emit_final(&shard_json(&part), c, journal)
}

/// A shard file, at most 1 GiB (thousands of replicas' histograms take megabytes; a wrong
/// path such as `/dev/zero` must not take the machine's memory).
fn read_part(path: &Path, name: &str) -> Result<Vec<u8>, CliError> {
    use std::io::Read;
    const MAX_PART_BYTES: u64 = 1 << 30;
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_PART_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| invalid(format!("{name}: cannot read: {e}")))?;
    if bytes.len() as u64 > MAX_PART_BYTES {
        return Err(invalid(format!(
            "{name}: expected a shard file of at most {MAX_PART_BYTES} bytes, found more"
        )));
    }
    Ok(bytes)
}

/// The page of merged shards (only `--format html` reads it): the scenario as the shards
/// hold it, re-serialized (keys in alphabetical order), and the `merge` command line.
fn merged_page(parts: &[(String, ShardFile)], c: &CommonArgs) -> Result<Page, CliError> {
    let Some((_, first)) = parts
        .first()
        .filter(|_| matches!(c.format(), FormatArg::Html))
    else {
        return Ok(Page::default());
    };
    let text = serde_json::to_string_pretty(&first.scenario).expect("a JSON value serializes");
    let scenario = Scenario::from_slice(text.as_bytes(), &first.scenario_file)
        .map_err(|e| CliError::Invalid(e.to_string()))?;
    let file = first.scenario_file.clone();
    let flags = SloTargets {
        latency_p99_s: first.slo_p99_s,
        ttft_p99_s: first.slo_ttft_p99_s,
        tpot_p99_s: first.slo_tpot_p99_s,
    };
    Ok(page::page_of(file, text, &scenario, flags))
}

pub fn merge_command(args: MergeArgs) -> Result<(), CliError> {
    let mut parts = Vec::with_capacity(args.parts.len());
    for path in &args.parts {
        let name = path.display().to_string();
        let bytes = read_part(path, &name)?;
        let part: ShardFile = serde_json::from_slice(&bytes).map_err(|e| {
            invalid(format!(
                "{name}: expected a servsim shard file (from --shard K/N): {e}"
            ))
        })?;
        parts.push((name, part));
    }
    let c = &args.common;
    if c.horizon.is_some() {
        return Err(invalid(
            "--horizon: merge takes the horizon the shards ran with; give --horizon to each shard's run instead",
        ));
    }
    let page = merged_page(&parts, c)?;
    match merge(parts)? {
        Merged::Run(report) => {
            c.warn_unstable(&report.platforms, "");
            if let Some(plot) = &c.plot {
                write_plot(plot, latency_tail_plot(&report), c)?;
            }
            emit(&render_run(&report, c.format().with(&page)), c)
        }
        Merged::Sweep(report) => {
            for (i, point) in report.points.iter().enumerate() {
                c.warn_unstable(&point.platforms, &point_label(point, i));
            }
            if let Some(plot) = &c.plot {
                write_plot(plot, cost_plot(&report), c)?;
            }
            emit(&render_sweep(&report, c.format().with(&page)), c)
        }
    }
}
