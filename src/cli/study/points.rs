//! A study's points as they finish: the unstable-platform warnings, the progress bar, and
//! the `--output` file rewritten after every point.

use crate::cli::{CliError, CommonArgs, Progress, run_error, write_atomically};
use crate::experiment::{Job, ReplicaResult, RunOptions, SloTargets};
use crate::sweep::{PointReport, Shard, Study, describe_values};

/// "at grid point 3 (a = 1, b = 2): " for warnings.
pub fn point_label(report: &PointReport, i: usize) -> String {
    format!(
        "at grid point {i} ({}): ",
        describe_values(&report.values.0)
    )
}

/// Runs the replicas of `study` (those of `shard`, or all) behind a progress bar, hands
/// each finished point to `on_point`, then rewrites `--output` with `render(state)`, so an
/// interrupted study keeps the points it finished. The first failed write is returned
/// once the study is done; later points still run but are not written.
pub fn run_checkpointed<S>(
    study: &Study,
    opts: RunOptions,
    shard: Option<Shard>,
    c: &CommonArgs,
    state: &mut S,
    mut on_point: impl FnMut(&mut S, usize, Vec<(Job, ReplicaResult)>, &Progress),
    render: impl Fn(&S) -> String,
) -> Result<(), CliError> {
    let progress = Progress::new(study.replica_count(opts.seeds, shard) as u64, c.quiet);
    let mut saved = Ok(());
    study
        .run(opts, shard, &|| progress.tick(), |i, results| {
            on_point(state, i, results, &progress);
            // Rendered only when there is a file to write: a grid of thousands of points
            // would otherwise draw its whole report once per point.
            if let (Some(path), Ok(())) = (&c.output, &saved) {
                saved = write_atomically(path, render(state).as_bytes());
            }
        })
        .map_err(run_error)?;
    progress.finish();
    saved
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
