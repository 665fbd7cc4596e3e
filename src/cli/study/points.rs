//! A study's points as they finish: the unstable-platform warnings, the progress bar, and
//! the journal of `--output` (appended after every point, replayed by `--resume`).

use super::journal::{Journal, Plan};
use crate::cli::progress::WorkPlan;
use crate::cli::{CliError, CommonArgs, Progress, run_error};
use crate::experiment::{Job, ReplicaResult, RunOptions, SloTargets, load};
use crate::sweep::{PointReport, RunIdentity, Shard, Study, describe_values};

/// "at grid point 3 (a = 1, b = 2): " for warnings.
pub fn point_label(report: &PointReport, i: usize) -> String {
    format!(
        "at grid point {i} ({}): ",
        describe_values(&report.values.0)
    )
}

/// How a study keeps what it finished: with `--output`, in a journal (continued when
/// `resume`), identified by `run`.
pub struct Keep<'a> {
    pub run: RunIdentity<'a>,
    pub resume: bool,
}

/// Runs the replicas of `study` (those of `shard`, or all) behind a progress bar and hands
/// each finished point to `on_point`. With `--output` and `keep`, each point is first
/// appended to the journal, and the points of a journal being resumed are handed over
/// before the rest run; the journal is returned, to be finished once the output is written.
pub fn run_checkpointed<S>(
    study: &Study,
    opts: RunOptions,
    shard: Option<Shard>,
    c: &CommonArgs,
    keep: Option<Keep>,
    state: &mut S,
    mut on_point: impl FnMut(&mut S, usize, Vec<(Job, ReplicaResult)>, &Progress),
) -> Result<Option<Journal>, CliError> {
    let hidden = Progress::new(WorkPlan::default(), true);
    let (mut journal, done) = match (keep, &c.output) {
        (Some(keep), Some(output)) => {
            let plan = Plan {
                output,
                resume: keep.resume,
                study,
                run: keep.run,
                quiet: c.quiet,
            };
            let (j, done) =
                Journal::open(&plan, |i, results| on_point(state, i, results, &hidden))?;
            (Some(j), done)
        }
        _ => (None, 0),
    };
    let progress = Progress::new(work_plan(study, done, opts.seeds, shard), c.quiet);
    study
        .run_from(done, opts, shard, &|| progress.tick(), |i, results| {
            if let Some(j) = &mut journal {
                j.append(i, &results);
            }
            on_point(state, i, results, &progress);
        })
        .map_err(run_error)?;
    progress.finish();
    Ok(journal)
}

/// Each point's replicas (those of `shard`) and their expected events, in the order the
/// points run, from point `from` on (those before it were resumed from the journal).
fn work_plan(study: &Study, from: usize, seeds: u32, shard: Option<Shard>) -> WorkPlan {
    WorkPlan::new((from..study.points.len()).map(|i| {
        let s = &study.points[i];
        let jobs = study.jobs(i, seeds, shard);
        let events = jobs
            .iter()
            .map(|j| load::expected_events(s, &s.platforms[j.platform]))
            .sum();
        (jobs.len() as u64, events)
    }))
}

/// The summary of finished point `i` judged against `slo` (the `--slo-*` flags), after
/// warning if a platform in it is unstable.
pub fn finished_point(
    study: &Study,
    c: &CommonArgs,
    i: usize,
    results: Vec<(Job, ReplicaResult)>,
    slo: SloTargets,
) -> PointReport {
    let point = study.point_report(i, results, slo);
    c.warn_unstable(&point.platforms, &point_label(&point, i));
    point
}
