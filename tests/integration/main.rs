//! One integration-test binary that drives the real `servsim` CLI on small seeded
//! scenarios and asserts exact or oracle values. One module per concept.

mod support;

mod article;
mod bad_input;
mod batching;
mod billing;
mod calibrate;
mod catalog;
mod cli;
mod dedicated;
mod deploy;
mod determinism;
mod exports;
mod horizon_flag;
mod html_report;
mod invariants;
mod jobs;
mod overload;
mod overload_at_peak;
mod plots;
mod presets;
mod resume;
mod scenarios;
mod schema;
mod semantics;
mod serverless;
mod shards;
mod slurm;
mod sweep;
mod timeline;
mod verdicts;
mod warnings;
mod workload;
