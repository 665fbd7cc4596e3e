//! What a scenario asks of each platform before anything runs (docs/semantics.md#bad-input): the offered
//! load against the capacity (a platform that cannot keep up with an unlimited queue is
//! `unstable`), and the expected amount of work (a run that would take hours asks for
//! `--force`).
//!
//! Deliberately approximate where exactness would need the simulation itself: capacity
//! is nominal (spot outages and preemptions are left to the queue's overload guard), and
//! the work counts requests, MMPP state changes, spot interruptions, warm containers'
//! idle timers and preemptions: the events that grow with the horizon.

use crate::platform::{DedicatedConfig, EngineSpec, PlatformModel, ServerlessConfig};
use crate::scenario::{PlatformSpec, Scenario};
use crate::workload::trace::Repeat;
use crate::workload::{ArrivalProcess, Service, TraceSpec, Workload};

/// Why a platform cannot keep up: its mean offered load (concurrent requests it would
/// need to serve, λ·E[S]) against its capacity (input slots), with no queue limit.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Overload {
    pub offered: f64,
    pub capacity: f64,
}

impl std::fmt::Display for Overload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "offered load {:.4} concurrent requests (arrival rate × mean service) ≥ capacity {} input slots, with an unlimited queue: it grows without bound, so waits and latency depend on the horizon",
            self.offered, self.capacity
        )
    }
}

/// The platform's overload, if its queue is unbounded and the mean offered load reaches
/// its capacity. Exactly equal is overload too unless arrivals and demands are both
/// deterministic (back-to-back work on one GPU is stable at 100%).
pub fn overload(s: &Scenario, p: &PlatformSpec) -> Option<Overload> {
    let w = &s.workload;
    if w.timeout.is_some() {
        return None; // requests give up: the queue is bounded by rate × timeout
    }
    let unbounded = match &p.model {
        PlatformModel::Dedicated(d) => d.queue_limit.is_none(),
        PlatformModel::Serverless(c) => c.queue_limit.is_none(),
        // The base's queue is bounded by the overflow rule; the pool's is not, if unlimited.
        PlatformModel::Hybrid(h) => h.overflow.queue_limit.is_none(),
    };
    let (capacity, service_s) = slots_and_service(w, p)?;
    let offered = w.mean_rate_per_s() * service_s;
    let over = offered > capacity || (offered == capacity && !deterministic(w));
    (unbounded && over).then_some(Overload { offered, capacity })
}

/// A platform's input slots (`None`: unlimited containers) and how long a request holds
/// one: the capacity and the demand the overload estimates compare the arrivals with.
pub(crate) fn slots_and_service(w: &Workload, p: &PlatformSpec) -> Option<(f64, f64)> {
    let capacity = match &p.model {
        PlatformModel::Dedicated(d) => dedicated_capacity(w, d),
        PlatformModel::Serverless(c) => serverless_capacity(w, c)?,
        PlatformModel::Hybrid(h) => {
            dedicated_capacity(w, &h.base) + serverless_capacity(w, &h.overflow)?
        }
    };
    let engine = match &p.model {
        PlatformModel::Dedicated(d) => d.engine.as_ref(),
        PlatformModel::Serverless(c) => c.engine.as_ref(),
        PlatformModel::Hybrid(h) => h.base.engine.as_ref(),
    };
    let mut service_s = per_slot(w, engine, 1).1;
    if let PlatformModel::Serverless(c) = &p.model {
        service_s = service_s.min(c.execution_timeout.as_secs_f64());
    }
    Some((capacity, service_s))
}

/// Input slots of a serverless platform, `None` when containers are unlimited (both
/// dispatch rules queue only at `max_containers`).
fn serverless_capacity(w: &Workload, c: &ServerlessConfig) -> Option<f64> {
    let slots = per_slot(w, c.engine.as_ref(), c.max_inputs).0;
    (c.max_containers != u32::MAX).then_some(c.max_containers as f64 * slots)
}

/// Input slots of a dedicated fleet: GPUs (or GPU groups of one engine) × slots each.
fn dedicated_capacity(w: &Workload, d: &DedicatedConfig) -> f64 {
    let width = d.engine.as_ref().map_or(1, |e| e.tensor_parallel);
    (d.gpus() / width) as f64 * per_slot(w, d.engine.as_ref(), d.max_inputs).0
}

/// Concurrent requests one GPU (or container) serves and how long each stays: its
/// `max_inputs` at the mean service demand; with a batching engine, the requests a full
/// batch holds at the mean token counts, each staying its output tokens' worth of steps
/// of that batch (docs/semantics.md#continuous-batching).
fn per_slot(w: &Workload, engine: Option<&EngineSpec>, max_inputs: u32) -> (f64, f64) {
    match (engine, w.mean_tokens()) {
        (Some(e), Some((c, o))) => e.full_batch(c, o),
        _ => (max_inputs as f64, w.mean_service_s()),
    }
}

/// Periodic arrivals without jitter and a constant demand: no queue builds at load 1.
fn deterministic(w: &Workload) -> bool {
    let periodic = w
        .arrivals
        .iter()
        .all(|a| matches!(a, ArrivalProcess::Periodic { jitter_s, .. } if *jitter_s == 0.0));
    let constant = matches!(&w.service, Some(Service::Dist(d)) if d.is_constant());
    periodic && constant && w.arrivals.len() == 1
}

/// Expected events of one replica of one platform over the horizon: requests (and the
/// checkpoint segments of jobs), MMPP state changes, and spot interruptions.
pub fn expected_events(s: &Scenario, p: &PlatformSpec) -> f64 {
    let horizon_s = s.horizon.as_secs_f64();
    let workload: f64 = s
        .workload
        .arrivals
        .iter()
        .map(|a| expected_arrivals(&s.workload, a, horizon_s))
        .sum();
    workload
        + job_segments(s, p, workload)
        + interruptions(&p.model, horizon_s)
        + container_timers(s, &p.model, horizon_s)
}

/// The checkpoint segments of `arrivals` jobs beyond their first, an event each
/// (docs/semantics.md#long-jobs): a job of mean work W checkpointing every τ has about W/τ.
fn job_segments(s: &Scenario, p: &PlatformSpec, arrivals: f64) -> f64 {
    match p.jobs(s).and_then(|j| j.checkpoint.as_ref()) {
        Some(c) => arrivals * s.workload.mean_service_s() / c.interval.as_secs_f64(),
        None => 0.0,
    }
}

/// Idle timers and preemptions of a serverless pool (or a hybrid's): a warm-pool or
/// buffer container re-arms its scaledown timer every window while it idles, and every
/// live container carries the preemption hazard.
fn container_timers(s: &Scenario, m: &PlatformModel, horizon_s: f64) -> f64 {
    let c = match m {
        PlatformModel::Serverless(c) => c,
        PlatformModel::Hybrid(h) => &h.overflow,
        PlatformModel::Dedicated(_) => return 0.0,
    };
    let kept = c.min_containers as f64 + c.buffer_containers as f64;
    let window_s = c.scaledown_window.as_secs_f64().max(1e-9);
    let (slots, service_s) = per_slot(&s.workload, c.engine.as_ref(), c.target_inputs);
    let busy = s.workload.mean_rate_per_s() * service_s / slots.min(c.target_inputs as f64);
    let preemptions = c.preemptions_per_hour * (kept + busy + 1.0) * horizon_s / 3600.0;
    kept * horizon_s / window_s + preemptions
}

/// Arrivals (and for MMPP state changes) of one process before the horizon.
fn expected_arrivals(w: &Workload, a: &ArrivalProcess, horizon_s: f64) -> f64 {
    match a {
        ArrivalProcess::Bursts(b) => {
            let before = (horizon_s - b.offset.as_secs_f64()).max(0.0);
            (before / b.every.as_secs_f64()).ceil() * b.count as f64
        }
        ArrivalProcess::Trace(t) => trace_arrivals(t, horizon_s),
        ArrivalProcess::Mmpp { states } => {
            let holding: f64 = states.iter().map(|s| s.mean_holding_s).sum();
            let switches = horizon_s * states.len() as f64 / holding;
            modulated(w, a, horizon_s) + switches
        }
        _ => modulated(w, a, horizon_s),
    }
}

/// Rate × the profile's cumulative intensity (exact for Poisson, gamma and periodic).
fn modulated(w: &Workload, a: &ArrivalProcess, horizon_s: f64) -> f64 {
    let exposure = match &w.rate_profile {
        Some(p) if a.is_modulated() => p.cumulative(horizon_s),
        _ => horizon_s,
    };
    a.base_rate_per_s() * exposure
}

/// Records of every play that starts before the horizon.
fn trace_arrivals(t: &TraceSpec, horizon_s: f64) -> f64 {
    let period_s = t.period().as_secs_f64();
    let before = (horizon_s - t.start.as_secs_f64()).max(0.0);
    let plays = if period_s > 0.0 {
        (before / period_s).ceil()
    } else {
        1.0
    };
    let plays = match t.repeat {
        Repeat::Times(n) => plays.min(n as f64),
        Repeat::Forever => plays,
    };
    plays.max(1.0) * t.summary.requests as f64
}

/// Expected spot interruptions over the horizon (a fleet's instances, its hybrid base's).
fn interruptions(m: &PlatformModel, horizon_s: f64) -> f64 {
    let fleet = match m {
        PlatformModel::Dedicated(d) => d,
        PlatformModel::Hybrid(h) => &h.base,
        PlatformModel::Serverless(_) => return 0.0,
    };
    fleet.spot.as_ref().map_or(0.0, |spot| {
        fleet.instances as f64 * spot.interruptions_per_hour * horizon_s / 3600.0
    })
}

/// Expected events above which a command asks for `--force`: about 40 minutes of one core
/// at the 4 M requests/s assumed for the slower common paths
/// (docs/performance.md#guards-against-runaway-work), hours for the slowest.
pub const FORCE_ABOVE_EVENTS: f64 = 1e10;
/// Expected events above which nothing runs, even with `--force`: years of CPU time, or
/// a process that would never finish.
pub const REFUSE_ABOVE_EVENTS: f64 = 1e15;
/// The throughput used to turn expected events into a time estimate in messages.
pub const EVENTS_PER_CORE_S: f64 = 4e6;

/// Replicas whose results may be held at once (a run's, or one grid point's) before a
/// command asks for `--force`: each keeps three latency histograms, about 0.57 MB measured
/// (2,000 one-platform seeds peak at 1.14 GB), so this is about 4.7 GB.
pub const FORCE_ABOVE_REPLICAS: usize = 8192;

/// Replicas held at once beyond which nothing runs even with `--force` (≈ 600 GB).
pub const REFUSE_ABOVE_REPLICAS: f64 = (1u64 << 20) as f64;

/// Why holding `replicas` results at once should not start without `--force`.
pub fn too_many_replicas(replicas: f64, force: bool) -> Option<String> {
    if replicas > REFUSE_ABOVE_REPLICAS {
        return Some(format!(
            "expected {replicas} replicas (platforms × seeds) held at once, about {:.0} GB of histograms: more than servsim runs even with --force ({REFUSE_ABOVE_REPLICAS}); use fewer seeds or --shard",
            replicas * 0.57e-3
        ));
    }
    (replicas > FORCE_ABOVE_REPLICAS as f64 && !force).then(|| {
        format!(
            "expected {replicas} replicas (platforms × seeds) held at once, about {:.1} GB of histograms; add --force to run them anyway, or use fewer seeds or --shard",
            replicas * 0.57e-3
        )
    })
}

/// Expected events of `seeds` replicas of every platform of a scenario (counted, not
/// listed: `--seeds` may be in the billions).
pub fn expected_work(s: &Scenario, seeds: f64) -> f64 {
    let per_seed: f64 = s.platforms.iter().map(|p| expected_events(s, p)).sum();
    per_seed * seeds
}

/// Why a command of `events` expected events should not start (`force`: the user has
/// accepted a long run), or `None`.
pub fn too_much_work(events: f64, force: bool) -> Option<String> {
    let hours = events / EVENTS_PER_CORE_S / 3600.0;
    // NaN (an estimate that broke) is refused too.
    if events.is_nan() || events > REFUSE_ABOVE_EVENTS {
        return Some(format!(
            "expected about {events:.2e} simulated events (requests × platforms × seeds), about {hours:.0} hours of CPU: more than servsim runs even with --force ({REFUSE_ABOVE_EVENTS:.0e}); shorten the horizon, lower the rates or run fewer seeds"
        ));
    }
    (events > FORCE_ABOVE_EVENTS && !force).then(|| {
        format!(
            "expected about {events:.2e} simulated events (requests × platforms × seeds), about {hours:.1} hours of CPU at {:.0} M events/s per core; add --force to run it anyway, or shorten the horizon, lower the rates or run fewer seeds",
            EVENTS_PER_CORE_S / 1e6
        )
    })
}

mod hours;
mod peak;

pub use peak::{Basis, HourRange, PeakOverload, WINDOW_S, overloaded_at_peak};

#[cfg(test)]
mod tests;

#[cfg(test)]
#[path = "peak_tests.rs"]
mod peak_tests;
