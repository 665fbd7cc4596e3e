//! Experiments: one replica per (platform, seed), run in parallel with rayon, results in
//! replica order, then summarised across seeds into `PlatformSummary`s.
//!
//! Deliberately knows nothing about clap, terminals or file formats. Floating-point sums
//! across replicas happen after collection, in replica order, so output is byte-identical
//! for any thread count. `run` runs replicas; `summary` summarises them across seeds.

use serde::{Deserialize, Serialize};

use crate::billing::Bill;
use crate::platform::{PlatformOutcome, SpotOutcome};
use crate::scenario::Scenario;
use crate::workload::TraceError;

mod jobs;
pub mod load;
mod report;
mod run;
mod summary;
mod timeline;
mod tokens;
mod troubles;
pub mod verdict;

pub use jobs::JobSummary;
pub use report::RunReport;
pub(crate) use run::{Workers, run_jobs};
pub use run::{run, run_replica, run_with_progress};
pub use summary::{
    CostBreakdown, PartSummary, PartsSummary, Percentiles, PlatformSummary, RequestStats,
    SpotStats, cost_usd_per_month, summarize,
};
pub use timeline::TimelineBin;
pub use tokens::TokenSummary;
pub use verdict::{Cheapest, SloTargets};

/// How to run a scenario.
#[derive(Clone, Copy, Debug)]
pub struct RunOptions {
    pub seeds: u32,
    pub seed: u64,
    /// Worker threads (`None`: rayon's default, one per core).
    pub threads: Option<usize>,
}

impl RunOptions {
    /// The scenario's own seeds and seed.
    pub fn from_scenario(s: &Scenario) -> RunOptions {
        RunOptions {
            seeds: s.seeds,
            seed: s.seed,
            threads: None,
        }
    }
}

/// One platform × one seed. Serializable: shards carry replica results to `merge`, which
/// summarises them exactly as an unsharded run does.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReplicaResult {
    /// Of a hybrid: both parts together.
    pub outcome: PlatformOutcome,
    pub bill: Bill,
    /// Spot figures of a spot fleet (or of a hybrid's spot base).
    pub spot: Option<SpotOutcome>,
    /// A hybrid's parts, each with its own bill.
    pub parts: Option<HybridParts>,
    /// Set when a trace validated at load time could not be replayed (it changed or
    /// vanished since): the outcome is then incomplete and `run` reports an error.
    #[serde(skip)]
    pub trace_fault: Option<TraceError>,
}

/// One part of a hybrid in one replica, with its own bill.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PartResult {
    pub outcome: PlatformOutcome,
    pub bill: Bill,
}

/// A hybrid's parts in one replica.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HybridParts {
    pub base: PartResult,
    pub overflow: PartResult,
    /// Arrivals sent to the serverless pool.
    pub overflowed: u64,
}

/// Why a run could not complete.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// A trace validated at load time could not be replayed (it changed or vanished).
    #[error("{0} (the trace changed after it was validated)")]
    Trace(#[from] TraceError),
}

/// One replica to run: a platform (by position in the scenario) and a replica index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    pub platform: usize,
    pub seed: u32,
}
