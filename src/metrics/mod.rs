//! Measurement: the per-replica recorder (histograms, counters, time-averages), the
//! per-bin timeline and the across-seed `Stat`.
//!
//! Deliberately knows nothing about dollars or platforms: it counts what it is told.

mod codec;
mod jobs;
mod recorder;
mod staged;
mod stat;
pub mod timeline;
mod tokens;

pub use jobs::JobMetrics;
pub use recorder::{Counts, DurationHistogram, Recorder, TimeAverage};
pub use stat::Stat;
pub use timeline::{BillTo, Bins, Levels, Timeline};
pub use tokens::{EngineTotals, Slo, TokenMetrics};
