//! The figures of a `jobs` workload across seeds (docs/semantics.md#long-jobs): completion
//! times from the merged histograms, and per-seed lost work, checkpoint and restore time,
//! restarts and cost per completed job as Stats.

use serde::Serialize;

use super::summary::{Percentiles, Served, stat_of};
use crate::metrics::{DurationHistogram, JobMetrics, Stat};

/// `jobs` of `platforms[]`, present when the workload is `jobs`.
#[derive(Clone, Debug, Serialize)]
pub struct JobSummary {
    pub completed: Option<Stat>,
    /// Submission to the end of the last checkpoint, completed jobs.
    pub completion_time_s: Percentiles,
    /// Each seed's p50 and p99 completion time, for the tables' CIs (not in JSON, whose
    /// percentiles are the merged histogram's).
    #[serde(skip)]
    pub completion_p50_s: Option<Stat>,
    #[serde(skip)]
    pub completion_p99_s: Option<Stat>,
    /// Work done and lost to interruptions, in GPU seconds.
    pub lost_work_s: Option<Stat>,
    pub checkpoint_s: Option<Stat>,
    pub restore_s: Option<Stat>,
    /// Interruptions of running jobs, each followed by a resume.
    pub restarts: Option<Stat>,
    /// The horizon's cost over the jobs completed in it.
    pub cost_usd_per_job: Option<Stat>,
}

fn jobs<'a>((outcome, _): &Served<'a>) -> &'a JobMetrics {
    outcome
        .recorder
        .jobs
        .as_deref()
        .expect("checked: every replica of a jobs workload records jobs")
}

/// The summary of one platform's replicas (or one part's of a hybrid), if they ran jobs.
pub fn summary(rs: &[Served]) -> Option<JobSummary> {
    if rs.is_empty() || rs.iter().any(|(o, _)| o.recorder.jobs.is_none()) {
        return None;
    }
    let mut h = DurationHistogram::default();
    for r in rs {
        h.merge(&jobs(r).completion_time);
    }
    let seconds = |f: fn(&JobMetrics) -> u128| stat_of(rs, |r| f(jobs(r)) as f64 / 1e9);
    Some(JobSummary {
        completed: stat_of(rs, |r| jobs(r).completed as f64),
        completion_time_s: Percentiles::of(&h),
        completion_p50_s: completion_quantile(rs, 0.50),
        completion_p99_s: completion_quantile(rs, 0.99),
        lost_work_s: seconds(|j| j.lost_work_ns),
        checkpoint_s: seconds(|j| j.checkpoint_ns),
        restore_s: seconds(|j| j.restore_ns),
        restarts: stat_of(rs, |r| jobs(r).restarts as f64),
        cost_usd_per_job: stat_of(rs, |r @ (_, bill)| match jobs(r).completed {
            0 => f64::NAN,
            n => bill.total_usd / n as f64,
        }),
    })
}

/// The Stat of each seed's quantile `q` of completion times (a seed that completed no job
/// is left out, as for any undefined per-seed figure).
fn completion_quantile(rs: &[Served], q: f64) -> Option<Stat> {
    stat_of(rs, |r| {
        jobs(r).completion_time.quantile_s(q).unwrap_or(f64::NAN)
    })
}
