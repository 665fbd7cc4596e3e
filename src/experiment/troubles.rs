//! What a platform's summary warns about (docs/semantics.md#overloaded-at-peak,
//! docs/semantics.md#bad-input): why it is unstable, and why too few of its requests
//! completed for its figures to mean much.
//!
//! Deliberately prints nothing: the reasons travel in the summary to the command line
//! and the report.

use super::{ReplicaResult, load};
use crate::metrics::Counts;
use crate::platform::queue::OVERLOAD_GUARD;
use crate::scenario::{PlatformSpec, Scenario};

/// Why a platform is unstable: its load exceeds its capacity, or (whatever the estimate
/// says) a replica's queue reached the overload guard.
pub(super) fn instability(
    spec: &PlatformSpec,
    s: &Scenario,
    rs: &[ReplicaResult],
) -> Option<String> {
    let guarded = rs
        .iter()
        .filter(|r| r.outcome.recorder.overload_rejected > 0)
        .count();
    let rejected: u64 = rs
        .iter()
        .map(|r| r.outcome.recorder.overload_rejected)
        .sum();
    let guard = (guarded > 0).then(|| {
        format!(
            "the queue reached {OVERLOAD_GUARD} waiting requests in {guarded} of {} replicas, and {rejected} arrivals beyond that were rejected",
            rs.len()
        )
    });
    match (load::overload(s, spec), guard) {
        (None, None) => None,
        (Some(o), None) => Some(o.to_string()),
        (None, Some(g)) => Some(g),
        (Some(o), Some(g)) => Some(format!("{o}; {g}")),
    }
}

/// The share of arrivals a run must complete before its figures mean much
/// (docs/semantics.md#overloaded-at-peak).
pub const MIN_COMPLETED_SHARE: f64 = 0.01;

/// Why the completed requests are too few to read the figures by: fewer than 1% of the
/// arrivals (all seeds together), or no arrival at all.
pub(super) fn few_completed(rs: &[ReplicaResult]) -> Option<String> {
    let sum =
        |f: fn(&Counts) -> u64| -> u64 { rs.iter().map(|r| f(&r.outcome.recorder.counts)).sum() };
    let (arrived, completed) = (sum(|c| c.arrived), sum(|c| c.completed));
    if arrived == 0 {
        return Some(
            "no request arrived before the horizon: every figure is empty (is the horizon, or a rate, far smaller than meant?)".into(),
        );
    }
    let share = completed as f64 / arrived as f64;
    (share < MIN_COMPLETED_SHARE).then(|| {
        format!(
            "only {completed} of {arrived} arrivals completed ({:.2}%, under 1%): latency and cost per request describe the few that finished",
            share * 100.0
        )
    })
}
