//! One integration-test binary that drives the real `servsim` CLI on small seeded
//! scenarios and asserts exact or oracle values.

mod support;

mod calibrate;
mod catalog;
mod cli;
mod deploy;
mod exports;
mod foundation;
mod html_report;
mod invalid;
mod performance;
mod plots;
mod presets;
mod queue_limit_warning;
mod robustness;
mod schema_docs;
mod semantics;
mod serverless;
mod shards;
mod slurm;
mod spot_hybrid;
mod sweep;
mod workload;
