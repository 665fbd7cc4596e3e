//! The hybrid platform (docs/semantics.md#hybrid-routing): a dedicated fleet takes each request unless
//! the expected wait there exceeds a threshold; then a serverless pool takes it.
//!
//! Both parts run in one event loop, with their own events wrapped in `HybridEvent`, and
//! each keeps its own recorder and meters so that each part's cost can be priced on its
//! own. Deliberately knows no prices.

use super::batched::EngineSpec;
use super::dedicated::{Dedicated, DedicatedConfig, DedicatedEvent};
use super::serverless::{Serverless, ServerlessConfig, ServerlessEvent};
use super::{ContainerStats, PlatformOutcome, SpotOutcome};
use crate::billing::BilledTime;
use crate::engine::{Context, Model};
use crate::metrics::{Bins, Recorder, Slo};
use crate::random::Seeds;
use crate::time::{SimDuration, SimTime};
use crate::workload::{JobSpec, Request};

/// When a request goes to the serverless pool instead of the dedicated fleet.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum OverflowWhen {
    /// The expected wait on the fleet exceeds this many seconds.
    QueueWaitS(f64),
    /// This many or more requests already wait on the fleet.
    QueueLength(u64),
}

/// A validated hybrid platform, without its prices.
#[derive(Clone, Debug)]
pub struct HybridConfig {
    pub base: DedicatedConfig,
    pub overflow: ServerlessConfig,
    pub when: OverflowWhen,
}

/// Events of the hybrid model: those of its two parts.
#[derive(Clone, Copy, Debug)]
pub enum HybridEvent {
    Base(DedicatedEvent),
    Overflow(ServerlessEvent),
}

impl From<DedicatedEvent> for HybridEvent {
    fn from(e: DedicatedEvent) -> Self {
        HybridEvent::Base(e)
    }
}

impl From<ServerlessEvent> for HybridEvent {
    fn from(e: ServerlessEvent) -> Self {
        HybridEvent::Overflow(e)
    }
}

/// The mean service demand the router divides by.
#[derive(Clone, Copy, Debug)]
enum MeanService {
    /// From the service distribution.
    Known(f64),
    /// The running mean of the demands seen so far (traces).
    Running { sum_s: f64, n: u64 },
}

impl MeanService {
    fn value_s(&self) -> f64 {
        match *self {
            MeanService::Known(m) => m,
            MeanService::Running { n: 0, .. } => 0.0,
            MeanService::Running { sum_s, n } => sum_s / n as f64,
        }
    }

    fn observe(&mut self, service_s: f64) {
        if let MeanService::Running { sum_s, n } = self {
            *sum_s += service_s;
            *n += 1;
        }
    }
}

/// One hybrid platform in one replica.
pub struct Hybrid {
    base: Dedicated,
    overflow: Serverless,
    when: OverflowWhen,
    mean_service: MeanService,
    /// With a `tokens` service, the base's engine: a request's demand, for the router, is
    /// the time it would take alone there.
    base_engine: Option<EngineSpec>,
    overflowed: u64,
}

/// What a hybrid did in one replica: the whole and each part, before prices.
#[derive(Clone, Debug)]
pub struct HybridOutcome {
    /// Both parts' requests and containers together. Its `billed` is zero: the parts
    /// are priced separately and their bills summed.
    pub whole: PlatformOutcome,
    pub base: PlatformOutcome,
    pub base_spot: Option<SpotOutcome>,
    pub overflow: PlatformOutcome,
    /// Arrivals sent to the serverless pool.
    pub overflowed: u64,
}

impl Hybrid {
    /// `mean_service_s`: the workload's mean demand, or `None` to use a running mean.
    pub fn new(
        cfg: HybridConfig,
        seeds: Seeds,
        timeout: Option<SimDuration>,
        slo: Slo,
        mean_service_s: Option<f64>,
    ) -> Self {
        let mean_service = match mean_service_s {
            Some(m) if m.is_finite() && m > 0.0 => MeanService::Known(m),
            _ => MeanService::Running { sum_s: 0.0, n: 0 },
        };
        Hybrid {
            base_engine: cfg.base.engine,
            base: Dedicated::new(cfg.base, seeds, timeout, slo),
            overflow: Serverless::new(cfg.overflow, seeds, timeout, slo),
            when: cfg.when,
            mean_service,
            overflowed: 0,
        }
    }

    /// Runs every request as a long job, on whichever part takes it
    /// (docs/semantics.md#long-jobs): a job the base takes stays there, requeued at the
    /// head after a spot interruption; one the pool takes resumes there after a timeout.
    pub fn with_jobs(mut self, spec: &JobSpec) -> Self {
        self.base = self.base.with_jobs(spec);
        self.overflow = self.overflow.with_jobs(spec);
        self
    }

    /// Records each part's timeline over `bins` (none: records nothing, at no cost).
    pub fn with_timeline(mut self, bins: Option<Bins>) -> Self {
        self.base = self.base.with_timeline(bins);
        self.overflow = self.overflow.with_timeline(bins);
        self
    }

    /// The warm pool and the first spot interruptions.
    pub fn start<E: From<DedicatedEvent> + From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>) {
        self.base.start(ctx);
        self.overflow.start(ctx);
    }

    /// The expected wait on the fleet for one more request (docs/semantics.md#hybrid-routing).
    fn expected_wait_s(&self) -> f64 {
        let waiting = self.base.waiting();
        if waiting == 0 && self.base.has_free_slot() {
            return 0.0;
        }
        match self.base.serving_slots() {
            0 => f64::INFINITY,
            slots => (waiting + 1) as f64 * self.mean_service.value_s() / slots as f64,
        }
    }

    /// Whether the next request goes to the serverless pool. A request the fleet would
    /// reject (its `queue_limit` reached) overflows too.
    fn overflows(&self) -> bool {
        if !self.base.has_free_slot() && !self.base.has_room() {
            return true;
        }
        match self.when {
            OverflowWhen::QueueLength(n) => self.base.waiting() >= n,
            OverflowWhen::QueueWaitS(limit) => self.expected_wait_s() > limit,
        }
    }

    /// Routes one arrival.
    pub fn arrive<E: From<DedicatedEvent> + From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        req: Request,
    ) {
        self.base.expire_waiting(ctx.now());
        let overflow = self.overflows();
        // The router does not know this request's demand before it runs.
        let service_s = match &self.base_engine {
            Some(e) => {
                let (c, o) = req.tokens();
                e.alone_s(c as f64, o as f64)
            }
            None => req.service.as_secs_f64(),
        };
        self.mean_service.observe(service_s);
        // Both parts' jobs draw checkpoint durations keyed by this platform's arrivals.
        if overflow {
            self.overflowed += 1;
            self.base.pass_job();
            self.overflow.arrive(ctx, req);
        } else {
            self.overflow.pass_job();
            self.base.arrive(ctx, req);
        }
    }

    /// Dispatches an event to the part it belongs to.
    pub fn handle<E: From<DedicatedEvent> + From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        event: HybridEvent,
    ) {
        match event {
            HybridEvent::Base(e) => self.base.handle(ctx, e),
            HybridEvent::Overflow(e) => self.overflow.handle(ctx, e),
        }
    }

    /// Closes both parts' books at the horizon.
    pub fn finish(self, horizon: SimTime) -> HybridOutcome {
        let (base, base_spot) = self.base.finish(horizon);
        let overflow = self.overflow.finish(horizon);
        let mut recorder: Recorder = base.recorder.clone();
        recorder.merge(&overflow.recorder);
        let (b, o) = (&base.containers, &overflow.containers);
        let whole = PlatformOutcome {
            recorder,
            billed: BilledTime::default(),
            // Means add exactly; the maximum of the sum is bounded by the sum of maxima.
            containers: ContainerStats {
                started: b.started + o.started,
                mean: b.mean + o.mean,
                busy_mean: b.busy_mean + o.busy_mean,
                idle_mean: b.idle_mean + o.idle_mean,
                max: b.max + o.max,
            },
            // Each part's timeline is priced on its own: see the parts.
            timeline: None,
        };
        HybridOutcome {
            whole,
            base,
            base_spot,
            overflow,
            overflowed: self.overflowed,
        }
    }
}

impl Model for Hybrid {
    type Event = HybridEvent;
    type Input = Request;

    fn on_event(&mut self, ctx: &mut Context<HybridEvent>, event: HybridEvent) {
        self.handle(ctx, event)
    }

    fn on_input(&mut self, ctx: &mut Context<HybridEvent>, req: Request) {
        self.arrive(ctx, req)
    }
}
