//! Platform models: state machines that serve requests and record outcomes and usage.
//!
//! Deliberately knows nothing about prices, seeds' origin, file formats or printing: a
//! platform turns a request stream into a `PlatformOutcome` (recorder + billed time).

pub mod dedicated;
pub mod pool;
pub mod queue;
pub mod serverless;

pub use dedicated::{Dedicated, DedicatedConfig, DedicatedEvent};
pub use pool::Pick;
pub use serverless::{Dispatch, Serverless, ServerlessConfig, ServerlessEvent};

use crate::billing::BilledTime;
use crate::metrics::Recorder;

/// Container (serverless) or GPU (dedicated) counts over one replica (SPEC §4).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ContainerStats {
    pub started: u64,
    /// Time-average live (starting included).
    pub mean: f64,
    pub busy_mean: f64,
    pub idle_mean: f64,
    pub max: u64,
}

/// What one platform did in one replica, before prices.
#[derive(Clone, Debug)]
pub struct PlatformOutcome {
    pub recorder: Recorder,
    pub billed: BilledTime,
    pub containers: ContainerStats,
}

/// A platform model without prices.
#[derive(Clone, Debug)]
pub enum PlatformModel {
    Serverless(ServerlessConfig),
    Dedicated(DedicatedConfig),
}

impl PlatformModel {
    /// The `type` name used in scenario files and outputs.
    pub fn type_name(&self) -> &'static str {
        match self {
            PlatformModel::Serverless(_) => "serverless",
            PlatformModel::Dedicated(_) => "dedicated",
        }
    }
}
