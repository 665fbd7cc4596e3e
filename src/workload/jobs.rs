//! Long jobs (docs/semantics.md#long-jobs): what a job is beyond its work, that is how
//! it checkpoints and restores. A job's work is its request's service demand.
//!
//! Deliberately knows nothing about slots, interruptions or platforms: `platform::jobs`
//! runs jobs on them.

use crate::time::SimDuration;
use crate::workload::Dist;

/// How jobs save their progress.
#[derive(Clone, Debug)]
pub struct Checkpointing {
    /// Work between two checkpoints.
    pub interval: SimDuration,
    /// Time one checkpoint takes, during which the job does no work.
    pub cost: Dist,
    /// Time to load the last checkpoint before working again after an interruption.
    pub restore: Dist,
}

/// A `jobs` workload's execution model.
#[derive(Clone, Debug, Default)]
pub struct JobSpec {
    /// `None`: an interrupted job starts again from scratch.
    pub checkpoint: Option<Checkpointing>,
}
