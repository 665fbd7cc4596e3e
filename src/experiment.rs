//! Experiments: one replica per (platform, seed), run in parallel with rayon, results in
//! replica order, then summarised across seeds into `PlatformSummary`s.
//!
//! Deliberately knows nothing about clap, terminals or file formats. Floating-point sums
//! across replicas happen after collection, in replica order, so output is byte-identical
//! for any thread count.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::billing::Bill;
use crate::engine::Simulation;
use crate::metrics::{DurationHistogram, Stat};
use crate::platform::queue::OVERLOAD_GUARD;
use crate::platform::{PlatformModel, PlatformOutcome, Serverless, SpotOutcome};
use crate::random::Seeds;
use crate::scenario::{PlatformSpec, Scenario};
use crate::time::{NANOS_PER_MONTH, SimTime};
use crate::workload::TraceError;

pub mod load;
mod spot_hybrid;
pub use spot_hybrid::{HybridParts, PartResult, PartSummary, PartsSummary};

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

/// Why a run could not complete.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// A trace validated at load time could not be replayed (it changed or vanished).
    #[error("{0} (the trace changed after it was validated)")]
    Trace(#[from] TraceError),
}

/// Runs one replica: a pure function of (scenario, platform, master seed, replica index).
pub fn run_replica(s: &Scenario, p: &PlatformSpec, master: u64, replica: u32) -> ReplicaResult {
    let seeds = Seeds::new(master, replica as u64);
    let horizon = SimTime(s.horizon.0);
    let mut requests = s.workload.requests(seeds);
    let (timeout, slo) = (s.workload.timeout, s.slo);
    let mut result = match &p.model {
        PlatformModel::Serverless(cfg) => {
            let mut sim = Simulation::new(Serverless::new(cfg.clone(), seeds, timeout, slo));
            sim.init(|m, ctx| m.start(ctx));
            sim.run_until(horizon, &mut requests);
            let outcome = sim.into_model().finish(horizon);
            let bill = Bill::price(&outcome.billed, &p.prices);
            ReplicaResult {
                outcome,
                bill,
                spot: None,
                parts: None,
                trace_fault: None,
            }
        }
        PlatformModel::Dedicated(cfg) => {
            spot_hybrid::run_dedicated(s, cfg, p, seeds, &mut requests)
        }
        PlatformModel::Hybrid(cfg) => spot_hybrid::run_hybrid(s, cfg, p, seeds, &mut requests),
    };
    result.trace_fault = requests.fault().cloned();
    result
}

/// Runs every platform × seed. Results are grouped by platform, in seed order.
pub fn run(s: &Scenario, opts: RunOptions) -> Result<Vec<Vec<ReplicaResult>>, RunError> {
    run_with_progress(s, opts, &|| {})
}

/// As `run`, calling `tick` (from any worker thread) after each finished replica.
pub fn run_with_progress(
    s: &Scenario,
    opts: RunOptions,
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<Vec<ReplicaResult>>, RunError> {
    let jobs: Vec<Job> = (0..s.platforms.len())
        .flat_map(|p| {
            (0..opts.seeds).map(move |r| Job {
                platform: p,
                seed: r,
            })
        })
        .collect();
    let flat = Workers::new(opts.threads)?.install(|| run_jobs(s, &jobs, opts.seed, tick))?;
    let mut grouped: Vec<Vec<ReplicaResult>> = Vec::with_capacity(s.platforms.len());
    let mut it = flat.into_iter();
    for _ in &s.platforms {
        grouped.push(it.by_ref().take(opts.seeds as usize).collect());
    }
    Ok(grouped)
}

/// One replica to run: a platform (by position in the scenario) and a replica index.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Job {
    pub platform: usize,
    pub seed: u32,
}

/// Runs `jobs` in parallel on the current rayon pool; results come back in `jobs` order.
/// Fails if a trace could not be replayed as it was validated.
pub fn run_jobs(
    s: &Scenario,
    jobs: &[Job],
    master: u64,
    tick: &(dyn Fn() + Sync),
) -> Result<Vec<ReplicaResult>, RunError> {
    let results: Vec<ReplicaResult> = jobs
        .par_iter()
        .map(|j| {
            let r = run_replica(s, &s.platforms[j.platform], master, j.seed);
            tick();
            r
        })
        .collect();
    match results.iter().find_map(|r| r.trace_fault.clone()) {
        Some(fault) => Err(RunError::Trace(fault)),
        None => Ok(results),
    }
}

/// The worker threads replicas run on: a pool of a fixed size, or rayon's global pool.
pub struct Workers(Option<rayon::ThreadPool>);

impl Workers {
    /// `threads` workers (`None`: rayon's default, one per core).
    pub fn new(threads: Option<usize>) -> Result<Workers, rayon::ThreadPoolBuildError> {
        threads
            .map(|n| rayon::ThreadPoolBuilder::new().num_threads(n).build())
            .transpose()
            .map(Workers)
    }

    /// Runs `work` with these workers serving its parallel iterators.
    pub fn install<R: Send>(&self, work: impl FnOnce() -> R + Send) -> R {
        match &self.0 {
            Some(pool) => pool.install(work),
            None => work(),
        }
    }
}

/// Percentiles of a histogram merged across seeds (SPEC §5 `latency_s`).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Percentiles {
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub p999: Option<f64>,
    pub max: Option<f64>,
}

impl Percentiles {
    pub fn of(h: &DurationHistogram) -> Percentiles {
        Percentiles {
            mean: h.mean_s(),
            p50: h.quantile_s(0.50),
            p90: h.quantile_s(0.90),
            p95: h.quantile_s(0.95),
            p99: h.quantile_s(0.99),
            p999: h.quantile_s(0.999),
            max: h.max_s(),
        }
    }
}

/// Request counts across seeds.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RequestStats {
    pub arrived: Option<Stat>,
    pub completed: Option<Stat>,
    pub rejected: Option<Stat>,
    pub timed_out: Option<Stat>,
    pub failed: Option<Stat>,
    pub in_flight_at_end: Option<Stat>,
}

/// Cost by kind across seeds.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct CostBreakdown {
    pub startup: Option<Stat>,
    pub busy: Option<Stat>,
    pub idle: Option<Stat>,
    pub fallback: Option<Stat>,
}

/// Spot interruption figures across seeds (SPEC §3.2).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SpotStats {
    pub interruptions: Option<Stat>,
    pub requeued: Option<Stat>,
    pub capacity_s_lost: Option<Stat>,
    pub fallback_cost_usd: Option<Stat>,
}

/// One platform across seeds: the object of `platforms[]` in `--format json` (SPEC §5).
#[derive(Clone, Debug, Serialize)]
pub struct PlatformSummary {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The catalog preset the platform was written over (docs/semantics.md#presets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The date of the oldest preset price the platform kept (null when it wrote its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices_as_of: Option<String>,
    pub requests: RequestStats,
    pub latency_s: Percentiles,
    pub wait_s: Percentiles,
    pub cold_start_wait_s: Percentiles,
    pub p99_latency_s: Option<Stat>,
    pub slo_attainment: Option<Stat>,
    pub cold_start_fraction: Option<Stat>,
    pub containers_started: Option<Stat>,
    pub containers_mean: Option<Stat>,
    pub containers_busy_mean: Option<Stat>,
    pub containers_idle_mean: Option<Stat>,
    pub containers_max: Option<Stat>,
    pub gpu_utilization: Option<Stat>,
    pub cost_usd: Option<Stat>,
    pub cost_usd_per_month: Option<Stat>,
    pub cost_usd_per_million_requests: Option<Stat>,
    pub cost_breakdown_usd: CostBreakdown,
    pub spot: Option<SpotStats>,
    pub overflow_fraction: Option<Stat>,
    /// Containers preempted (serverless; 0 elsewhere).
    pub preemptions: Option<Stat>,
    /// Inputs run again from scratch after a preemption.
    pub restarts: Option<Stat>,
    /// The platform cannot keep up (SPEC §6): its mean offered load reaches its capacity
    /// with an unlimited queue, or a replica's queue reached the overload guard.
    pub unstable: bool,
    /// A hybrid's parts (absent for other platforms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<PartsSummary>,
    /// Keys the preset filled with values its provider does not document, for the table
    /// (not a JSON key).
    #[serde(skip)]
    pub preset_assumed: Vec<String>,
    /// Why the platform is unstable, for the warning (not a JSON key).
    #[serde(skip)]
    pub instability: Option<String>,
    /// Per-seed median latency, for the table (not a JSON key).
    #[serde(skip)]
    pub p50_latency_s: Option<Stat>,
    /// CDF of the merged latency histogram as (seconds, fraction), for plots (not a JSON key).
    #[serde(skip)]
    pub latency_cdf: Vec<(f64, f64)>,
    /// p99.99 of the merged latency histogram, for the HTML report's nines axis (not a JSON
    /// key).
    #[serde(skip)]
    pub latency_p9999_s: Option<f64>,
}

fn stat_of(rs: &[ReplicaResult], f: impl Fn(&ReplicaResult) -> f64) -> Option<Stat> {
    Stat::of(&rs.iter().map(f).collect::<Vec<f64>>())
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { f64::NAN } else { a / b }
}

/// One replica's cost scaled to a 30-day month (SPEC §4 `per_month`).
pub fn cost_usd_per_month(s: &Scenario, r: &ReplicaResult) -> f64 {
    r.bill.total_usd * (NANOS_PER_MONTH as f64 / s.horizon.0 as f64)
}

fn merged(
    rs: &[ReplicaResult],
    pick: fn(&ReplicaResult) -> &DurationHistogram,
) -> DurationHistogram {
    let mut h = DurationHistogram::default();
    for r in rs {
        h.merge(pick(r));
    }
    h
}

/// Summarises one platform's replicas (in seed order) over `horizon_s`. Works the same on
/// fresh results and on results deserialized from shards.
pub fn summarize(spec: &PlatformSpec, s: &Scenario, rs: &[ReplicaResult]) -> PlatformSummary {
    let latency = merged(rs, |r| &r.outcome.recorder.latency);
    let merged = |pick| Percentiles::of(&merged(rs, pick));
    let month = NANOS_PER_MONTH as f64 / s.horizon.0 as f64;
    let counts = |f: fn(&ReplicaResult) -> u64| stat_of(rs, |r| f(r) as f64);
    let instability = instability(spec, s, rs);
    PlatformSummary {
        name: spec.name.clone(),
        kind: spec.model.type_name().to_string(),
        preset: spec.preset.as_ref().map(|u| u.id.clone()),
        prices_as_of: spec.preset.as_ref().and_then(|u| u.prices_as_of.clone()),
        preset_assumed: (spec.preset.as_ref().map(|u| u.assumed.clone())).unwrap_or_default(),
        requests: RequestStats {
            arrived: counts(|r| r.outcome.recorder.counts.arrived),
            completed: counts(|r| r.outcome.recorder.counts.completed),
            rejected: counts(|r| r.outcome.recorder.counts.rejected),
            timed_out: counts(|r| r.outcome.recorder.counts.timed_out),
            failed: counts(|r| r.outcome.recorder.counts.failed),
            in_flight_at_end: counts(|r| r.outcome.recorder.counts.in_flight_at_end),
        },
        latency_s: Percentiles::of(&latency),
        wait_s: merged(|r| &r.outcome.recorder.wait),
        cold_start_wait_s: merged(|r| &r.outcome.recorder.cold_start_wait),
        p99_latency_s: stat_of(rs, |r| {
            r.outcome
                .recorder
                .latency
                .quantile_s(0.99)
                .unwrap_or(f64::NAN)
        }),
        p50_latency_s: stat_of(rs, |r| {
            r.outcome
                .recorder
                .latency
                .quantile_s(0.50)
                .unwrap_or(f64::NAN)
        }),
        slo_attainment: s.slo.and_then(|_| {
            stat_of(rs, |r| {
                ratio(
                    r.outcome.recorder.slo_met as f64,
                    r.outcome.recorder.counts.arrived as f64,
                )
            })
        }),
        cold_start_fraction: stat_of(rs, |r| {
            ratio(
                r.outcome.recorder.cold_start_arrivals as f64,
                r.outcome.recorder.counts.arrived as f64,
            )
        }),
        containers_started: counts(|r| r.outcome.containers.started),
        containers_mean: stat_of(rs, |r| r.outcome.containers.mean),
        containers_busy_mean: stat_of(rs, |r| r.outcome.containers.busy_mean),
        containers_idle_mean: stat_of(rs, |r| r.outcome.containers.idle_mean),
        containers_max: counts(|r| r.outcome.containers.max),
        gpu_utilization: stat_of(rs, |r| ratio(r.bill.busy_gpu_s, r.bill.billed_gpu_s)),
        cost_usd: stat_of(rs, |r| r.bill.total_usd),
        cost_usd_per_month: stat_of(rs, |r| cost_usd_per_month(s, r)),
        cost_usd_per_million_requests: stat_of(rs, |r| {
            ratio(
                r.bill.total_usd * 1e6,
                r.outcome.recorder.counts.completed as f64,
            )
        }),
        cost_breakdown_usd: CostBreakdown {
            startup: stat_of(rs, |r| r.bill.startup_usd),
            busy: stat_of(rs, |r| r.bill.busy_usd),
            idle: stat_of(rs, |r| r.bill.idle_usd),
            fallback: stat_of(rs, |r| r.bill.fallback_usd),
        },
        spot: spot_hybrid::spot_stats(rs),
        overflow_fraction: spot_hybrid::overflow_fraction(rs),
        preemptions: counts(|r| r.outcome.recorder.preemptions),
        restarts: counts(|r| r.outcome.recorder.restarts),
        parts: spot_hybrid::parts(rs, month),
        unstable: instability.is_some(),
        instability,
        latency_cdf: latency.cdf_s(),
        latency_p9999_s: latency.quantile_s(0.9999),
    }
}

/// Why a platform is unstable: its load exceeds its capacity, or (whatever the estimate
/// says) a replica's queue reached the overload guard.
fn instability(spec: &PlatformSpec, s: &Scenario, rs: &[ReplicaResult]) -> Option<String> {
    let guarded = rs
        .iter()
        .filter(|r| r.outcome.recorder.overload_rejected > 0)
        .count();
    let rejected: u64 = rs
        .iter()
        .map(|r| r.outcome.recorder.overload_rejected)
        .sum();
    let guard = (guarded > 0).then(|| {
        format!(
            "the queue reached {OVERLOAD_GUARD} waiting requests in {guarded} of {} replicas, and {rejected} arrivals beyond that were rejected",
            rs.len()
        )
    });
    match (load::overload(s, spec), guard) {
        (None, None) => None,
        (Some(o), None) => Some(o.to_string()),
        (None, Some(g)) => Some(g),
        (Some(o), Some(g)) => Some(format!("{o}; {g}")),
    }
}

/// A finished run of a scenario: what `run` reports.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    pub servsim_version: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub seeds: u32,
    pub horizon_s: f64,
    pub platforms: Vec<PlatformSummary>,
    /// Per platform, each seed's `cost_usd_per_month`: the paired samples a difference
    /// between two platforms needs (not a JSON key).
    #[serde(skip)]
    pub seed_costs: Vec<Vec<f64>>,
}

impl RunReport {
    /// The report of replica results grouped by platform, each group in seed order.
    pub fn from_results(s: &Scenario, seed: u64, results: &[Vec<ReplicaResult>]) -> RunReport {
        let platforms = s
            .platforms
            .iter()
            .zip(results)
            .map(|(p, rs)| summarize(p, s, rs))
            .collect();
        RunReport {
            servsim_version: env!("CARGO_PKG_VERSION"),
            scenario: s.name.clone(),
            seed,
            seeds: results.first().map_or(0, |rs| rs.len() as u32),
            horizon_s: s.horizon.as_secs_f64(),
            platforms,
            seed_costs: results
                .iter()
                .map(|rs| rs.iter().map(|r| cost_usd_per_month(s, r)).collect())
                .collect(),
        }
    }
}
