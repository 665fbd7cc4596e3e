//! What a replica records of a `jobs` workload (docs/semantics.md#long-jobs): completion
//! times and where the slot time of jobs went besides work.
//!
//! Deliberately knows nothing of checkpoints or platforms: it adds up what it is told.

use serde::{Deserialize, Serialize};

use super::DurationHistogram;
use crate::time::SimDuration;

/// Per-job figures of one replica. Durations are integer nanoseconds, summed exactly.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct JobMetrics {
    pub completed: u64,
    /// Submission to the end of the last checkpoint, of completed jobs.
    pub completion_time: DurationHistogram,
    /// Work done and then lost to interruptions (done since the last completed checkpoint).
    pub lost_work_ns: u128,
    /// Time spent checkpointing, interrupted checkpoints included.
    pub checkpoint_ns: u128,
    /// Time spent restoring, interrupted restores included.
    pub restore_ns: u128,
    /// Interruptions of a running job, each followed by a resume.
    pub restarts: u64,
}

impl JobMetrics {
    pub fn flush(&mut self) {
        self.completion_time.flush();
    }

    pub fn merge(&mut self, o: &JobMetrics) {
        self.completed += o.completed;
        self.completion_time.merge(&o.completion_time);
        self.lost_work_ns += o.lost_work_ns;
        self.checkpoint_ns += o.checkpoint_ns;
        self.restore_ns += o.restore_ns;
        self.restarts += o.restarts;
    }

    pub fn completed(&mut self, completion_time: SimDuration) {
        self.completed += 1;
        self.completion_time.record(completion_time);
    }
}
