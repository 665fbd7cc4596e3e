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
//! `time`, `random` ▸ `engine` ▸ `workload` ▸ `metrics`, `billing` ▸ `platform` ▸
//! `scenario` ▸ `experiment` ▸ `sweep` ▸ `report` ▸ `cli`
//!
//! | module | owns |
//! |---|---|
//! | `time` | `SimTime`/`SimDuration` (u64 ns), the only f64-seconds conversions |
//! | `random` | the named PRNG, one stream per role, seed derivation |
//! | `engine` | event queue ordered by (time, seq), clock, `run_until` |
//! | `workload` | arrival processes, rate profiles, service demand (incl. the LLM token model), traces, request stream |
//! | `batching` | the step-time model and `BatchEngine`, one continuous-batching LLM server; `platform::batched` gives each container or GPU group one |
//! | `metrics` | per-replica recorder (HdrHistograms, counters, time-averages), `Stat` |
//! | `billing` | usage spans + rules + price sheets → bills |
//! | `platform` | serverless, dedicated (spot included) and hybrid state machines |
//! | `scenario` | JSON → validated `Scenario`, every error with file and JSON path |
//! | `experiment` | replicas in parallel, results in replica order, summaries, offered load and expected work (`load`) |
//! | `sweep` | grids by index, break-even search, SLO-constrained best point, shards |
//! | `report` | table, JSON, CSV, Markdown and SVG output as bytes |
//! | `cli` | clap, file I/O, progress bar, exit codes |
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

pub mod batching;
pub mod billing;
pub mod catalog;
pub mod cli;
pub mod engine;
pub mod experiment;
pub mod metrics;
pub mod platform;
pub mod random;
pub mod report;
pub mod scenario;
pub mod sweep;
pub mod time;
pub mod workload;
