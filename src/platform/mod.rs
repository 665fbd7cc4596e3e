//! Platform models: state machines that serve requests and record outcomes and usage.
//!
//! Deliberately knows nothing about prices, seeds' origin, file formats or printing: a
//! platform turns a request stream into a `PlatformOutcome` (recorder + billed time).

pub mod batched;
pub mod dedicated;
pub mod hybrid;
pub mod jobs;
pub mod pool;
pub mod queue;
pub mod serverless;

pub use batched::{EngineSpec, Engines};
pub use dedicated::{
    Dedicated, DedicatedConfig, DedicatedEvent, Fallback, OnInterrupt, SpotConfig,
};
pub use hybrid::{Hybrid, HybridConfig, HybridEvent, HybridOutcome, OverflowWhen};
pub use jobs::{JobBook, Step};
pub use pool::Pick;
pub use serverless::{Dispatch, Serverless, ServerlessConfig, ServerlessEvent};

use serde::{Deserialize, Serialize};

use crate::billing::BilledTime;
use crate::metrics::{Recorder, Timeline};

/// Container (serverless) or GPU (dedicated) counts over one replica (docs/semantics.md#metrics).
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ContainerStats {
    pub started: u64,
    /// Time-average live (starting included).
    pub mean: f64,
    pub busy_mean: f64,
    pub idle_mean: f64,
    pub max: u64,
}

/// What one platform did in one replica, before prices. Serializable because shards
/// carry it to `servsim merge`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PlatformOutcome {
    pub recorder: Recorder,
    pub billed: BilledTime,
    pub containers: ContainerStats,
    /// Per-bin figures, when the run records a timeline (docs/semantics.md#timeline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Box<Timeline>>,
}

/// What spot interruptions did to a dedicated fleet in one replica (docs/semantics.md#dedicated-dispatch).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpotOutcome {
    pub interruptions: u64,
    /// Requests put back in the queue by interruptions (a request requeued twice counts twice).
    pub requeued: u64,
    /// GPU-nanoseconds from each notice until a substitute (fallback or replacement) served.
    pub capacity_lost_gpu_ns: u128,
    /// Replacement and fallback instances started.
    pub instances_started: u64,
    /// Time billed for fallback instances, to be priced at the on-demand price.
    pub fallback_billed: BilledTime,
}

/// A platform model without prices.
// A scenario holds a handful, built once: boxing the hybrid would cost clarity, not memory.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum PlatformModel {
    Serverless(ServerlessConfig),
    Dedicated(DedicatedConfig),
    Hybrid(HybridConfig),
}

impl PlatformModel {
    /// The `type` name used in scenario files and outputs.
    pub fn type_name(&self) -> &'static str {
        match self {
            PlatformModel::Serverless(_) => "serverless",
            PlatformModel::Dedicated(_) => "dedicated",
            PlatformModel::Hybrid(_) => "hybrid",
        }
    }
}
