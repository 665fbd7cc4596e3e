//! `sweep`, `breakeven`, `merge` and `run --shard`: grids of scenario variants, their
//! outputs rewritten after every finished point, shard files and their merge.

use std::path::{Path, PathBuf};

use clap::{Arg, ArgAction, ArgMatches, Args};

mod points;

use super::{
    CliError, CommonArgs, FormatArg, emit, load_document, page, warn_scenarios, write_plot,
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
    BreakEvenReport, Param, ParamPath, Range, Shard, ShardFile, SloTargets, Study, SweepError,
    SweepReport, parse_values,
};
use crate::time::SimDuration;
use crate::workload::Service;
use points::{finished_point, point_label, run_checkpointed};

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
    /// Mark, per platform, the cheapest point whose merged p99 latency is ≤ S seconds.
    #[arg(long, value_name = "S", value_parser = positive_seconds)]
    slo_p99: Option<f64>,
    /// With a tokens service: the cheapest point must also have a merged TTFT p99 ≤ S.
    #[arg(long, value_name = "S", value_parser = positive_seconds)]
    slo_ttft_p99: Option<f64>,
    /// With a tokens service: the cheapest point must also have a merged TPOT p99 ≤ S.
    #[arg(long, value_name = "S", value_parser = positive_seconds)]
    slo_tpot_p99: Option<f64>,
    /// Run only shard K of N of the (point × seed) work and write a partial result.
    #[arg(long, value_name = "K/N", conflicts_with_all = ["format", "plot"])]
    shard: Option<Shard>,
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

fn positive_seconds(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(x) if x > 0.0 && x.is_finite() => Ok(x),
        _ => Err(format!("expected seconds > 0, found {text:?}")),
    }
}

/// `--param PATH` each followed by its `--values a,b,…` or `--range start:end:step`, in
/// command-line order (clap's derive cannot pair repeated flags, so this reads positions).
#[derive(Clone, Debug, Default)]
struct Axes(Vec<(String, AxisValues)>);

#[derive(Clone, Debug)]
enum AxisValues {
    List(String),
    Range(String),
}

impl clap::FromArgMatches for Axes {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut flags: Vec<(usize, &str, String)> = Vec::new();
        for id in ["param", "values", "range"] {
            if let (Some(vals), Some(at)) = (m.get_many::<String>(id), m.indices_of(id)) {
                flags.extend(at.zip(vals).map(|(i, v)| (i, id, v.clone())));
            }
        }
        flags.sort_by_key(|f| f.0);
        let bad = |msg: String| {
            clap::Error::raw(clap::error::ErrorKind::ArgumentConflict, format!("{msg}\n"))
        };
        let mut axes = Vec::new();
        let mut it = flags.into_iter().peekable();
        while let Some((_, id, text)) = it.next() {
            if id != "param" {
                return Err(bad(format!(
                    "--{id} {text} must follow the --param it belongs to"
                )));
            }
            match it.next() {
                Some((_, "values", v)) => axes.push((text, AxisValues::List(v))),
                Some((_, "range", v)) => axes.push((text, AxisValues::Range(v))),
                _ => {
                    return Err(bad(format!(
                        "--param {text} needs --values a,b,… or --range start:end:step right after it"
                    )));
                }
            }
        }
        Ok(Axes(axes))
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        *self = Self::from_arg_matches(m)?;
        Ok(())
    }
}

impl Args for Axes {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.arg(
            Arg::new("param")
                .long("param")
                .value_name("PATH")
                .action(ArgAction::Append)
                .required(true)
                .help("Dotted path into the scenario JSON (workload.rate_profile.windows.0.end_h, platforms[0].min_containers); repeat for a grid"),
        )
        .arg(
            Arg::new("values")
                .long("values")
                .value_name("A,B,…")
                .action(ArgAction::Append)
                .allow_hyphen_values(true)
                .help("Values of the preceding --param (JSON numbers, booleans or strings like 30s)"),
        )
        .arg(
            Arg::new("range")
                .long("range")
                .value_name("START:END:STEP")
                .action(ArgAction::Append)
                .allow_hyphen_values(true)
                .help("Values START + i × STEP up to END of the preceding --param"),
        )
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

fn invalid(e: impl std::fmt::Display) -> CliError {
    CliError::Invalid(e.to_string())
}

fn params(axes: &Axes) -> Result<Vec<Param>, CliError> {
    axes.0
        .iter()
        .map(|(path, values)| {
            let path = ParamPath::parse(path).map_err(invalid)?;
            let values = match values {
                AxisValues::List(v) => {
                    parse_values(v).map_err(|e| invalid(format!("--values {v}: {e}")))?
                }
                AxisValues::Range(r) => Range::parse(r, None)
                    .and_then(|r| r.values())
                    .map_err(|e| invalid(format!("--range {r}: {e}")))?,
            };
            Ok(Param { path, values })
        })
        .collect()
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

pub fn sweep_command(args: SweepArgs) -> Result<(), CliError> {
    let (doc, file) = load_document(Some(&args.scenario))?;
    let study = Study::new(doc, &file, params(&args.axes)?)?;
    let c = &args.common;
    if !c.quiet {
        warn_scenarios(&study.points, &file);
    }
    let opts = options(&study, c);
    let slo = slo_targets(&args, &study)?;
    let (events, widest) = study_work(&study, opts.seeds, args.shard);
    c.check_work(events, widest)?;
    if let Some(shard) = args.shard {
        return write_shard(&study, ShardCommand::Sweep, shard, opts, slo, c);
    }
    let mut report = SweepReport::new(&study, opts.seed, opts.seeds, slo);
    let page = page::page(Some(&args.scenario), &study.points[0], args.slo_p99)?;
    let format = c.format.with(&page);
    run_checkpointed(
        &study,
        opts,
        None,
        c,
        &mut report,
        |report, i, results, progress| {
            report.push(finished_point(&study, c, i, results));
            progress.note(format!("point {}/{} done", i + 1, study.points.len()));
        },
        |report| render_sweep(report, format),
    )?;
    if let Some(plot) = &c.plot {
        write_plot(plot, cost_plot(&report), c)?;
    }
    emit(&render_sweep(&report, format), c)?;
    super::presets::warn_stale(&study.points[0], &file, c.quiet)
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
    let mut study = Study::new(doc, &file, vec![param])?;
    if !args.common.quiet {
        // Before only A and B are kept, so that paths name the file's platforms.
        warn_scenarios(&study.points, &file);
    }
    study.retain_platforms(&[a, b])?;
    Ok((study, (0..range.len()).map(|i| range.value(i)).collect()))
}

pub fn breakeven_command(args: BreakevenArgs) -> Result<(), CliError> {
    let (study, xs) = breakeven_study(&args)?;
    let [a, b] = [&args.between[0], &args.between[1]];
    let c = &args.common;
    let opts = options(&study, c);
    let (events, widest) = study_work(&study, opts.seeds, None);
    c.check_work(events, widest)?;
    let between = [a.clone(), b.clone()];
    let scenario = study.points[0].name.clone();
    let mut report = BreakEvenReport::new(&scenario, opts.seed, opts.seeds, &args.param, between);
    let page = page::page(Some(&args.scenario), &study.points[0], None)?;
    let format = c.format.with(&page);
    run_checkpointed(
        &study,
        opts,
        None,
        c,
        &mut report,
        |report, i, results, _| report.push(finished_point(&study, c, i, results), &xs),
        |report| render_breakeven(report, format),
    )?;
    if let Some(plot) = &c.plot {
        write_plot(plot, breakeven_plot(&report), c)?;
    }
    emit(&render_breakeven(&report, format), c)?;
    let file = args.scenario.display().to_string();
    super::presets::warn_stale(&study.points[0], &file, c.quiet)
}

/// `run --shard K/N`: the scenario as a one-point study.
pub fn run_shard(
    scenario: Option<&Path>,
    shard: Shard,
    timeline: Option<SimDuration>,
    c: &CommonArgs,
) -> Result<(), CliError> {
    let (doc, file) = load_document(scenario)?;
    let mut study = Study::new(doc, &file, Vec::new())?;
    for point in &mut study.points {
        point.timeline = super::args::timeline_bins(timeline, point, false)?;
    }
    let opts = options(&study, c);
    let (events, widest) = study_work(&study, opts.seeds, Some(shard));
    c.check_work(events, widest)?;
    write_shard(
        &study,
        ShardCommand::Run,
        shard,
        opts,
        SloTargets::default(),
        c,
    )
}

/// The `--slo-*` targets; TTFT and TPOT need a tokens service.
fn slo_targets(args: &SweepArgs, study: &Study) -> Result<SloTargets, CliError> {
    let tokens = study
        .points
        .iter()
        .all(|s| matches!(s.workload.service, Some(Service::Tokens(_))));
    for (flag, given) in [
        ("--slo-ttft-p99", args.slo_ttft_p99.is_some()),
        ("--slo-tpot-p99", args.slo_tpot_p99.is_some()),
    ] {
        if given && !tokens {
            return Err(CliError::Invalid(format!(
                "{flag}: expected a scenario with a tokens service (workload.service {{\"dist\": \"tokens\"}}), whose requests emit tokens; found another service"
            )));
        }
    }
    Ok(SloTargets {
        latency_p99_s: args.slo_p99,
        ttft_p99_s: args.slo_ttft_p99,
        tpot_p99_s: args.slo_tpot_p99,
    })
}

fn write_shard(
    study: &Study,
    command: ShardCommand,
    shard: Shard,
    opts: RunOptions,
    slo: SloTargets,
    c: &CommonArgs,
) -> Result<(), CliError> {
    let mut part = ShardFile::new(study, command, shard, opts.seed, opts.seeds, slo);
    run_checkpointed(
        study,
        opts,
        Some(shard),
        c,
        &mut part,
        |part, i, results, _| part.push(i, results),
        shard_json,
    )?;
    emit(&shard_json(&part), c)
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
        .filter(|_| matches!(c.format, FormatArg::Html))
    else {
        return Ok(Page::default());
    };
    let text = serde_json::to_string_pretty(&first.scenario).expect("a JSON value serializes");
    let scenario = Scenario::from_slice(text.as_bytes(), &first.scenario_file)
        .map_err(|e| CliError::Invalid(e.to_string()))?;
    let file = first.scenario_file.clone();
    Ok(page::page_of(file, text, &scenario, first.slo_p99_s))
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
    let page = merged_page(&parts, c)?;
    match merge(parts)? {
        Merged::Run(report) => {
            c.warn_unstable(&report.platforms, "");
            if let Some(plot) = &c.plot {
                write_plot(plot, latency_tail_plot(&report), c)?;
            }
            emit(&render_run(&report, c.format.with(&page)), c)
        }
        Merged::Sweep(report) => {
            for (i, point) in report.points.iter().enumerate() {
                c.warn_unstable(&point.platforms, &point_label(point, i));
            }
            if let Some(plot) = &c.plot {
                write_plot(plot, cost_plot(&report), c)?;
            }
            emit(&render_sweep(&report, c.format.with(&page)), c)
        }
    }
}
