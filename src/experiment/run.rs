//! Running replicas: one simulation per (platform, seed), on a pool of worker threads,
//! each replica's bill priced from its usage (a spot fleet's fallback and a hybrid's
//! parts each at their own prices).
//!
//! Deliberately summarises nothing: results come back in job order for `summary`.

use rayon::prelude::*;

use super::{HybridParts, Job, PartResult, ReplicaResult, RunError, RunOptions};
use crate::billing::Bill;
use crate::engine::Simulation;
use crate::platform::{
    Dedicated, DedicatedConfig, Hybrid, HybridConfig, PlatformModel, PlatformOutcome, Serverless,
    ServerlessConfig, SpotOutcome,
};
use crate::random::Seeds;
use crate::scenario::{PlatformSpec, Scenario};
use crate::time::SimTime;
use crate::workload::{ArrivalProcess, RequestStream};

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

/// Runs one replica: a pure function of (scenario, platform, master seed, replica index).
pub fn run_replica(s: &Scenario, p: &PlatformSpec, master: u64, replica: u32) -> ReplicaResult {
    let seeds = Seeds::new(master, replica as u64);
    let mut requests = s.workload.requests(seeds);
    let mut result = match &p.model {
        PlatformModel::Serverless(cfg) => run_serverless(s, cfg, p, seeds, &mut requests),
        PlatformModel::Dedicated(cfg) => run_dedicated(s, cfg, p, seeds, &mut requests),
        PlatformModel::Hybrid(cfg) => run_hybrid(s, cfg, p, seeds, &mut requests),
    };
    result.trace_fault = requests.fault().cloned();
    result
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

fn run_serverless(
    s: &Scenario,
    cfg: &ServerlessConfig,
    p: &PlatformSpec,
    seeds: Seeds,
    requests: &mut RequestStream,
) -> ReplicaResult {
    let horizon = SimTime(s.horizon.0);
    let mut model =
        Serverless::new(cfg.clone(), seeds, s.workload.timeout, s.slo).with_timeline(s.timeline);
    if let Some(jobs) = p.jobs(s) {
        model = model.with_jobs(jobs);
    }
    let mut sim = Simulation::new(model);
    sim.init(|m, ctx| m.start(ctx));
    sim.run_until(horizon, requests);
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

fn run_dedicated(
    s: &Scenario,
    cfg: &DedicatedConfig,
    p: &PlatformSpec,
    seeds: Seeds,
    requests: &mut RequestStream,
) -> ReplicaResult {
    let horizon = SimTime(s.horizon.0);
    let mut model =
        Dedicated::new(cfg.clone(), seeds, s.workload.timeout, s.slo).with_timeline(s.timeline);
    if let Some(jobs) = p.jobs(s) {
        model = model.with_jobs(jobs);
    }
    let mut sim = Simulation::new(model);
    sim.init(|m, ctx| m.start(ctx));
    sim.run_until(horizon, requests);
    let (outcome, spot) = sim.into_model().finish(horizon);
    let bill = dedicated_bill(&outcome, spot.as_ref(), p);
    ReplicaResult {
        outcome,
        bill,
        spot,
        parts: None,
        trace_fault: None,
    }
}

/// A fleet's bill: its instances at their price (spot or on-demand), fallback instances
/// at the on-demand price.
fn dedicated_bill(outcome: &PlatformOutcome, spot: Option<&SpotOutcome>, p: &PlatformSpec) -> Bill {
    let bill = Bill::price(&outcome.billed, &p.prices);
    match (spot, &p.fallback_prices) {
        (Some(s), Some(on_demand)) => {
            bill.with_fallback(&Bill::price(&s.fallback_billed, on_demand))
        }
        _ => bill,
    }
}

fn run_hybrid(
    s: &Scenario,
    cfg: &HybridConfig,
    p: &PlatformSpec,
    seeds: Seeds,
    requests: &mut RequestStream,
) -> ReplicaResult {
    let horizon = SimTime(s.horizon.0);
    // docs/semantics.md#hybrid-routing: the service distribution's mean, but a running mean for traces (the
    // file's mean would use demands the router cannot know yet).
    let replays_trace = s
        .workload
        .arrivals
        .iter()
        .any(|a| matches!(a, ArrivalProcess::Trace(_)));
    // A tokens service's demand is the time one request at the mean counts takes alone
    // on the base's engine (docs/semantics.md#continuous-batching).
    let mean_service_s =
        (!replays_trace).then(|| match (&cfg.base.engine, s.workload.mean_tokens()) {
            (Some(engine), Some((c, o))) => engine.alone_s(c, o),
            _ => s.workload.mean_service_s(),
        });
    let mut model = Hybrid::new(
        cfg.clone(),
        seeds,
        s.workload.timeout,
        s.slo,
        mean_service_s,
    )
    .with_timeline(s.timeline);
    if let Some(jobs) = p.jobs(s) {
        model = model.with_jobs(jobs);
    }
    let mut sim = Simulation::new(model);
    sim.init(|m, ctx| m.start(ctx));
    sim.run_until(horizon, requests);
    let h = sim.into_model().finish(horizon);
    let base_bill = dedicated_bill(&h.base, h.base_spot.as_ref(), p);
    let overflow_prices = p
        .overflow_prices
        .as_ref()
        .expect("a hybrid platform spec carries its overflow prices");
    let overflow_bill = Bill::price(&h.overflow.billed, overflow_prices);
    ReplicaResult {
        outcome: h.whole,
        bill: base_bill.plus(&overflow_bill),
        spot: h.base_spot,
        parts: Some(HybridParts {
            base: PartResult {
                outcome: h.base,
                bill: base_bill,
            },
            overflow: PartResult {
                outcome: h.overflow,
                bill: overflow_bill,
            },
            overflowed: h.overflowed,
        }),
        trace_fault: None,
    }
}
