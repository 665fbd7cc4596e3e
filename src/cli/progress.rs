//! The progress bar on standard error: shown only when standard error is a terminal and
//! `--quiet` is not given, so pipes, files and CI logs stay clean.
//!
//! The time left is estimated from the expected work done so far (each point's replicas
//! weighted by their expected events), not from the replicas counted: the points of a
//! sweep differ in cost, and the first ones are often the cheap ones.

use std::io::IsTerminal;
use std::sync::Arc;
use std::time::Duration;

use indicatif::{HumanDuration, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// The replicas of each point in the order they run, and the expected events of each.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkPlan {
    /// Replicas finished once point k is done.
    ends: Vec<u64>,
    /// Expected events done once point k is done.
    done_after: Vec<f64>,
    per_replica: Vec<f64>,
}

impl WorkPlan {
    /// Points as (replicas, expected events of all of them), in the order they run.
    pub fn new(points: impl IntoIterator<Item = (u64, f64)>) -> WorkPlan {
        let mut plan = WorkPlan::default();
        let (mut replicas, mut work) = (0u64, 0.0);
        for (n, events) in points {
            replicas += n;
            work += events;
            plan.ends.push(replicas);
            plan.done_after.push(work);
            plan.per_replica
                .push(if n > 0 { events / n as f64 } else { 0.0 });
        }
        plan
    }

    pub fn replicas(&self) -> u64 {
        self.ends.last().copied().unwrap_or(0)
    }

    fn total(&self) -> f64 {
        self.done_after.last().copied().unwrap_or(0.0)
    }

    /// Expected events done after `finished` replicas: points run one after another,
    /// so the replicas finished so far are the first points' and part of the next one's.
    pub fn done(&self, finished: u64) -> f64 {
        let k = self.ends.partition_point(|&end| end <= finished);
        let (before_replicas, before_work) = match k {
            0 => (0, 0.0),
            _ => (self.ends[k - 1], self.done_after[k - 1]),
        };
        let partial = self
            .per_replica
            .get(k)
            .map_or(0.0, |per| (finished - before_replicas) as f64 * per);
        before_work + partial
    }

    /// Time left after `finished` replicas in `elapsed`, at the rate of work done so
    /// far; `None` before any work is done.
    pub fn eta(&self, finished: u64, elapsed: Duration) -> Option<Duration> {
        let done = self.done(finished);
        if done <= 0.0 || !done.is_finite() {
            return None;
        }
        let left = (self.total() - done).max(0.0);
        Some(elapsed.mul_f64(left / done))
    }
}

/// Counts finished replicas; a no-op when hidden.
pub struct Progress(Option<ProgressBar>);

impl Progress {
    pub fn new(plan: WorkPlan, quiet: bool) -> Progress {
        if quiet || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar =
            ProgressBar::with_draw_target(Some(plan.replicas()), ProgressDrawTarget::stderr());
        let plan = Arc::new(plan);
        let style = ProgressStyle::with_template(
            "{bar:30} {pos}/{len} replicas, {elapsed} (~{work_eta} left) {msg}",
        )
        .expect("a valid progress template")
        .with_key(
            "work_eta",
            move |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = match plan.eta(state.pos(), state.elapsed()) {
                    Some(left) => write!(w, "{}", HumanDuration(left)),
                    None => write!(w, "?"),
                };
            },
        );
        bar.set_style(style);
        Progress(Some(bar))
    }

    /// One more replica finished (called from worker threads).
    pub fn tick(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    /// A note beside the bar, e.g. which point just finished.
    pub fn note(&self, text: String) {
        if let Some(bar) = &self.0 {
            bar.set_message(text);
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_left_follows_the_work_done_not_the_replicas_counted() {
        // Three points of 4 replicas each, the later ones 2× and 3× the work of the
        // first: 4 + 8 + 12 = 24 units in all.
        let plan = WorkPlan::new([(4, 4.0), (4, 8.0), (4, 12.0)]);
        assert_eq!(plan.replicas(), 12);
        assert_eq!(plan.done(0), 0.0);
        assert_eq!(plan.done(4), 4.0);
        assert_eq!(plan.done(6), 8.0);
        assert_eq!(plan.done(12), 24.0);
        // After the first point in 10 s: 20 units left at 0.4 units/s is 50 s, where
        // counting replicas (4 of 12 done) would say 20 s.
        let ten = Duration::from_secs(10);
        assert_eq!(plan.eta(4, ten), Some(Duration::from_secs(50)));
        assert_eq!(plan.eta(6, ten), Some(Duration::from_secs(20)));
        assert_eq!(plan.eta(12, ten), Some(Duration::ZERO));
        assert_eq!(plan.eta(0, ten), None);
    }

    #[test]
    fn points_without_replicas_add_nothing() {
        let plan = WorkPlan::new([(0, 0.0), (2, 10.0), (0, 0.0), (2, 30.0)]);
        assert_eq!(plan.replicas(), 4);
        assert_eq!(plan.done(1), 5.0);
        assert_eq!(plan.done(3), 25.0);
        assert_eq!(
            plan.eta(2, Duration::from_secs(4)),
            Some(Duration::from_secs(12))
        );
    }
}
