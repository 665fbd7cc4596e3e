//! Experiments: one replica per (platform, seed), run in parallel with rayon, results in
//! replica order, then summarised across seeds into `PlatformSummary`s.
//!
//! Deliberately knows nothing about clap, terminals or file formats. Floating-point sums
//! across replicas happen after collection, in replica order, so output is byte-identical
//! for any thread count.

use rayon::prelude::*;
use serde::Serialize;

use crate::billing::Bill;
use crate::engine::Simulation;
use crate::metrics::{DurationHistogram, Stat};
use crate::platform::{Dedicated, PlatformModel, PlatformOutcome, Serverless};
use crate::random::Seeds;
use crate::scenario::{PlatformSpec, Scenario};
use crate::time::{NANOS_PER_MONTH, SimTime};

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

/// One platform × one seed.
#[derive(Clone, Debug)]
pub struct ReplicaResult {
    pub outcome: PlatformOutcome,
    pub bill: Bill,
}

/// Runs one replica: a pure function of (scenario, platform, master seed, replica index).
pub fn run_replica(s: &Scenario, p: &PlatformSpec, master: u64, replica: u32) -> ReplicaResult {
    let seeds = Seeds::new(master, replica as u64);
    let horizon = SimTime(s.horizon.0);
    let requests = s.workload.requests(seeds);
    let (timeout, slo) = (s.workload.timeout, s.slo);
    let outcome = match &p.model {
        PlatformModel::Serverless(cfg) => {
            let mut sim = Simulation::new(Serverless::new(cfg.clone(), seeds, timeout, slo));
            sim.init(|m, ctx| m.start(ctx));
            sim.run_until(horizon, requests);
            sim.into_model().finish(horizon)
        }
        PlatformModel::Dedicated(cfg) => {
            let mut sim = Simulation::new(Dedicated::new(cfg.clone(), timeout, slo));
            sim.run_until(horizon, requests);
            sim.into_model().finish(horizon)
        }
    };
    let bill = Bill::price(&outcome.billed, &p.prices);
    ReplicaResult { outcome, bill }
}

/// Runs every platform × seed. Results are grouped by platform, in seed order.
pub fn run(
    s: &Scenario,
    opts: RunOptions,
) -> Result<Vec<Vec<ReplicaResult>>, rayon::ThreadPoolBuildError> {
    let jobs: Vec<(usize, u32)> = (0..s.platforms.len())
        .flat_map(|p| (0..opts.seeds).map(move |r| (p, r)))
        .collect();
    let work = || -> Vec<ReplicaResult> {
        jobs.par_iter()
            .map(|&(p, r)| run_replica(s, &s.platforms[p], opts.seed, r))
            .collect()
    };
    let flat = match opts.threads {
        Some(n) => rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()?
            .install(work),
        None => work(),
    };
    let mut grouped: Vec<Vec<ReplicaResult>> = Vec::with_capacity(s.platforms.len());
    let mut it = flat.into_iter();
    for _ in &s.platforms {
        grouped.push(it.by_ref().take(opts.seeds as usize).collect());
    }
    Ok(grouped)
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
    /// Per-seed median latency, for the table (not a JSON key).
    #[serde(skip)]
    pub p50_latency_s: Option<Stat>,
}

fn stat_of(rs: &[ReplicaResult], f: impl Fn(&ReplicaResult) -> f64) -> Option<Stat> {
    Stat::of(&rs.iter().map(f).collect::<Vec<f64>>())
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { f64::NAN } else { a / b }
}

/// Summarises one platform's replicas (in seed order) over `horizon_s`.
pub fn summarize(spec: &PlatformSpec, s: &Scenario, rs: &[ReplicaResult]) -> PlatformSummary {
    let merged = |pick: fn(&ReplicaResult) -> &DurationHistogram| {
        let mut h = DurationHistogram::default();
        for r in rs {
            h.merge(pick(r));
        }
        Percentiles::of(&h)
    };
    let month = NANOS_PER_MONTH as f64 / s.horizon.0 as f64;
    let counts = |f: fn(&ReplicaResult) -> u64| stat_of(rs, |r| f(r) as f64);
    PlatformSummary {
        name: spec.name.clone(),
        kind: spec.model.type_name().to_string(),
        requests: RequestStats {
            arrived: counts(|r| r.outcome.recorder.counts.arrived),
            completed: counts(|r| r.outcome.recorder.counts.completed),
            rejected: counts(|r| r.outcome.recorder.counts.rejected),
            timed_out: counts(|r| r.outcome.recorder.counts.timed_out),
            failed: counts(|r| r.outcome.recorder.counts.failed),
            in_flight_at_end: counts(|r| r.outcome.recorder.counts.in_flight_at_end),
        },
        latency_s: merged(|r| &r.outcome.recorder.latency),
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
        cost_usd_per_month: stat_of(rs, |r| r.bill.total_usd * month),
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
        spot: None,
        overflow_fraction: None,
        preemptions: counts(|r| r.outcome.recorder.preemptions),
        restarts: counts(|r| r.outcome.recorder.restarts),
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
}

/// Runs a scenario and summarises every platform.
pub fn run_report(
    s: &Scenario,
    opts: RunOptions,
) -> Result<RunReport, rayon::ThreadPoolBuildError> {
    let results = run(s, opts)?;
    let platforms = s
        .platforms
        .iter()
        .zip(&results)
        .map(|(p, rs)| summarize(p, s, rs))
        .collect();
    Ok(RunReport {
        servsim_version: env!("CARGO_PKG_VERSION"),
        scenario: s.name.clone(),
        seed: opts.seed,
        seeds: opts.seeds,
        horizon_s: s.horizon.as_secs_f64(),
        platforms,
    })
}
