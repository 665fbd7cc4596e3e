//! # servsim
//!
//! A discrete-event simulator that answers: should this GPU workload run serverless
//! (Modal-like) or on dedicated GPU VMs (Spheron-like, on-demand or spot), and what will it
//! cost and feel like? It replays the same request arrivals against each platform model,
//! many seeds in parallel, and reports latency percentiles, cold-start rates, utilization
//! and cost with confidence intervals across seeds.
//!
//! ## Architecture
//!
//! A scenario file is read and validated by `scenario` into typed configs. `experiment`
//! runs one replica per (platform, seed) with rayon; a replica is a `Simulation` (the
//! `engine`) of one `platform` model fed by the lazy request stream of the `workload`.
//! Platforms record outcomes into `metrics` and usage spans into `billing` meters;
//! `experiment` prices them and summarises across seeds; `sweep` runs grids of scenario
//! variants, break-even searches and shards; `report` renders; `cli` does I/O.
//! Modules only use modules in earlier layers:
//!
//! `time`, `random`, `catalog` ▸ `engine` ▸ `workload` ▸ `metrics`, `billing` ▸ `platform` ▸
//! `scenario` ▸ `experiment` ▸ `sweep` ▸ `report` ▸ `cli`
//!
//! | module | owns |
//! |---|---|
//! | `time` | `SimTime`/`SimDuration` (u64 ns), the only f64-seconds conversions |
//! | `random` | the named PRNG, one stream per role, seed derivation |
//! | `catalog` | GPUs, models and platform presets embedded at build time, each value with its source and date |
//! | `engine` | event queue ordered by (time, seq), clock, `run_until` |
//! | `workload` | arrival processes, rate profiles, service demand (incl. the LLM token model), traces, request stream |
//! | `batching` | the step-time model and `BatchEngine`, one continuous-batching LLM server; `platform::batched` gives each container or GPU group one |
//! | `metrics` | per-replica recorder (HdrHistograms, counters, time-averages), per-bin timeline, `Stat` |
//! | `billing` | usage spans + rules + price sheets → bills |
//! | `platform` | serverless, dedicated (spot included) and hybrid state machines |
//! | `catalog` | GPUs, models and platform presets (real offers, each value sourced and dated), embedded from `catalog/*.json` |
//! | `scenario` | JSON → validated `Scenario` (presets expanded first), every error with file and JSON path |
//! | `experiment` | replicas in parallel, results in replica order, summaries, offered load and expected work (`load`) |
//! | `sweep` | grids by index, break-even search, SLO-constrained best point, shards |
//! | `report` | table, JSON, CSV, Markdown and SVG output as bytes |
//! | `cli` | clap, file I/O, progress bar, exit codes |
//!
//! ## Using the library
//!
//! Four calls take a scenario file to a report: load the scenario, run every platform ×
//! seed, summarise the replicas across seeds, render the summary. The types they need are
//! re-exported here at the crate root.
//!
//! ```
//! use servsim::{Format, RunOptions, RunReport, Scenario, render_run, run};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // One H100 busy all day for 30 days, on Modal and on Spheron VMs.
//! let file = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/continuous-inference.json");
//! let scenario = Scenario::from_file(file.as_ref())?;
//! let options = RunOptions { seeds: 2, ..RunOptions::from_scenario(&scenario) };
//! let replicas = run(&scenario, options)?;
//! let report = RunReport::from_results(&scenario, options.seed, &replicas);
//!
//! let monthly = |name: &str| {
//!     let p = report.platforms.iter().find(|p| p.name == name).expect("a platform");
//!     p.cost_usd_per_month.expect("seeds ran").mean
//! };
//! // 720 h × $2.40; 720 h × 3600 s × $0.001097 (Modal billed for busy time only).
//! assert_eq!(monthly("spheron-on-demand"), 1728.0);
//! assert!((monthly("modal-article") - 2843.424).abs() < 1e-9);
//!
//! let json = render_run(&report, Format::Json);
//! assert!(json.contains("\"cost_usd_per_month\""));
//! # Ok(())
//! # }
//! ```
//!
//! `sweep` varies scenario keys over grids and searches for break-even points the same
//! way. The modules hidden from these docs (`engine`, `platform`, `workload`, `random`,
//! `cli`) are public for the benches, the fuzz targets and the binary only, and may change
//! at any time.
//!
//! ## Glossary
//!
//! - **Cold start**: the time a new container spends booting and loading the model
//!   before it can serve; billed on most platforms.
//! - **Warm pool**: containers kept ready with no load (`min_containers`), billed while idle.
//! - **Scaledown window**: how long an idle container lives before it stops.
//! - **Utilization**: GPU-busy seconds over billed GPU seconds.
//! - **Break-even**: the load at which two platforms cost the same.
//! - **Replica**: one simulation of one platform for one seed over the horizon.
//! - **Preset**: a real offer from the catalog (`modal:H100`, `spheron:H100-spot`) that a
//!   platform names instead of writing its prices and billing rule.

pub mod batching;
pub(crate) mod billing;
pub mod catalog;
#[doc(hidden)]
pub mod cli;
#[doc(hidden)]
pub mod engine;
pub mod experiment;
#[doc(hidden)]
pub mod metrics;
#[doc(hidden)]
pub mod platform;
#[doc(hidden)]
pub mod random;
pub mod report;
pub mod scenario;
pub mod sweep;
pub mod time;
#[doc(hidden)]
pub mod workload;

pub use experiment::{PlatformSummary, RunError, RunOptions, RunReport, run};
pub use metrics::Stat;
pub use report::{Format, render_run};
pub use scenario::{Scenario, ScenarioError};
