//! The serverless (Modal-like) platform (docs/semantics.md#serverless-autoscaler): containers go Starting → Ready
//! (idle ⇄ busy) → Stopped, an autoscaler starts them from demand, an idle timer stops
//! them, and a per-container hazard may preempt them.
//!
//! Deliberately knows no prices: it hands each container's closed span to a `Meter`.
//! `fleet` keeps the containers and the free set, `dispatch` places requests on them,
//! `lifecycle` starts, boots, scales down and preempts them.

mod batched;
mod dispatch;
mod fleet;
mod idle;
mod jobs;
mod lifecycle;
mod places;

use std::collections::VecDeque;

use super::batched::{EngineSpec, Engines};
use super::jobs::JobBook;
use super::pool::Pick;
use super::queue::RequestQueue;
use super::{ContainerStats, PlatformOutcome};
use crate::billing::{BillingMode, BillingRule, Meter, UsageSpan};
use crate::engine::{Context, Model, Ticket};
use crate::metrics::{BillTo, Bins, Levels, Recorder, Slo, Timeline};
use crate::random::Seeds;
use crate::time::{SimDuration, SimTime};
use crate::workload::{Phases, Request};
use fleet::{Fleet, State};

/// How requests find a container (docs/semantics.md#serverless-autoscaler `dispatch`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Dispatch {
    /// One FIFO queue; whichever ready container has a free slot takes the head (Modal).
    Queue,
    /// A free slot on a ready container, else on a booting one, else the request's own
    /// new container (AWS Lambda, SimFaaS).
    PerRequest,
}

/// A validated serverless platform, without its prices.
#[derive(Clone, Debug)]
pub struct ServerlessConfig {
    /// Wait for a GPU before the container exists (not billed).
    pub schedule_delay: Phases,
    pub cold_start: Phases,
    pub min_containers: u32,
    pub max_containers: u32,
    pub buffer_containers: u32,
    pub scaledown_window: SimDuration,
    pub max_inputs: u32,
    pub target_inputs: u32,
    pub dispatch: Dispatch,
    pub pick: Pick,
    pub queue_limit: Option<u64>,
    pub execution_timeout: SimDuration,
    /// Per-container hazard rate; 0 disables preemption.
    pub preemptions_per_hour: f64,
    pub billing: BillingRule,
    /// With a `tokens` service: the batching engine every container runs.
    pub engine: Option<EngineSpec>,
}

/// Events of the serverless model. `life` names the container's tenant, so that events
/// of a stopped container are ignored once its slot is reused.
#[derive(Clone, Copy, Debug)]
pub enum ServerlessEvent {
    ColdStartDone {
        slot: u32,
        life: u32,
    },
    /// The execution in input place `place` ended (completed, or cut at
    /// `execution_timeout_s`). The request waits in its place, so that the event, the
    /// bulk of the queue, stays at 16 bytes.
    Finished {
        slot: u32,
        life: u32,
        place: u32,
    },
    /// The fleet's one scaledown timer: the earliest idle window may end now (or the
    /// container it was set for was given work since, and the timer moves on).
    ScaledownDue,
    /// per_request: a request waiting for a booting container reached its timeout.
    GaveUp {
        slot: u32,
        life: u32,
    },
    /// The container's preemption hazard may be due: checked in steps so that a
    /// stopped container leaves no far-future event behind.
    PreemptionDue {
        slot: u32,
        life: u32,
    },
    /// The container's batching engine reaches the end of the step (or run of steps)
    /// that changes its batch; stale unless `generation` is the engine's current one.
    EngineStep {
        slot: u32,
        life: u32,
        generation: u32,
    },
    /// The earliest execution deadline of a request in the container's engine.
    ExecDeadline {
        slot: u32,
        life: u32,
    },
}

/// One serverless platform in one replica.
pub struct Serverless {
    cfg: ServerlessConfig,
    seeds: Seeds,
    fleet: Fleet,
    /// New requests waiting for a slot (subject to `queue_limit` and the timeout).
    queue: RequestQueue,
    /// Preempted inputs waiting to run again, by arrival; served before `queue`.
    restarts: VecDeque<Request>,
    /// The workload's give-up timeout for waiting to start.
    timeout: Option<SimDuration>,
    /// Requests assigned to a container (executing, or waiting for its boot).
    in_flight: u64,
    /// Containers started after t = 0: the n-th draws the n-th cold start (docs/semantics.md#randomness).
    cold_starts: u64,
    /// When the pending `ScaledownDue` fires and its place among equal times.
    scaledown_timer: Option<(SimTime, Ticket)>,
    pub recorder: Recorder,
    meter: Meter,
    /// With a `tokens` service: every container's batching engine, by slot.
    engines: Option<Engines>,
    /// Per-bin figures, when the run records them (docs/semantics.md#timeline).
    timeline: Option<Box<Timeline>>,
    /// With a `jobs` workload: the admitted jobs.
    jobs: Option<JobBook>,
}

impl Serverless {
    pub fn new(
        cfg: ServerlessConfig,
        seeds: Seeds,
        timeout: Option<SimDuration>,
        slo: Slo,
    ) -> Self {
        let recorder = match cfg.engine {
            Some(_) => Recorder::with_tokens(slo),
            None => Recorder::new(slo),
        };
        Serverless {
            queue: RequestQueue::new(cfg.queue_limit, timeout),
            fleet: Fleet::new(
                cfg.pick,
                cfg.max_inputs,
                cfg.dispatch == Dispatch::PerRequest,
            ),
            meter: Meter::new(cfg.billing),
            restarts: VecDeque::new(),
            engines: cfg.engine.map(Engines::new),
            jobs: None,
            cfg,
            seeds,
            timeout,
            in_flight: 0,
            cold_starts: 0,
            scaledown_timer: None,
            recorder,
            timeline: None,
        }
    }

    /// Records a timeline over `bins` (none: records nothing, at no cost).
    pub fn with_timeline(mut self, bins: Option<Bins>) -> Self {
        if let Some(bins) = bins {
            self.queue.log_give_ups();
            self.timeline = Some(Box::new(Timeline::new(bins, Levels::default())));
        }
        self
    }

    /// Tells the timeline (if any) where the platform stands after an event at `now`.
    #[inline(always)]
    fn sync(&mut self, now: SimTime) {
        if self.timeline.is_some() {
            self.sync_timeline(now);
        }
    }

    /// Out of line: a run without a timeline pays one test per event.
    #[inline(never)]
    fn sync_timeline(&mut self, now: SimTime) {
        if let Some(t) = &mut self.timeline {
            let levels = Levels {
                live: self.fleet.live_count(),
                busy: self.fleet.busy_now,
                queue: (self.queue.len() + self.restarts.len()) as u64,
            };
            let c = &self.recorder.counts;
            t.sync(now, levels, c.arrived, c.completed);
            for deadline in self.queue.take_gave_up() {
                t.gave_up(deadline, now);
            }
        }
    }

    /// The warm pool at t = 0: `min_containers` ready containers, billed from 0.
    pub fn start<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>) {
        for _ in 0..self.cfg.min_containers {
            let t0 = SimTime::ZERO;
            let slot = self.fleet.create(t0, t0, t0, State::Ready);
            self.fleet.offer(slot);
            self.went_idle(ctx, slot);
            self.arm_preemption(ctx, slot);
        }
        self.sync(ctx.now());
    }

    /// Accepts one arrival (also used by composite platforms).
    pub fn arrive<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, req: Request) {
        self.on_arrival(ctx, req);
        self.sync(ctx.now());
    }

    /// Dispatches one of this model's events (also used by composite platforms).
    pub fn handle<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        event: ServerlessEvent,
    ) {
        match event {
            ServerlessEvent::ColdStartDone { slot, life } => {
                self.on_cold_start_done(ctx, slot, life)
            }
            ServerlessEvent::Finished { slot, life, place } => {
                self.on_finished(ctx, slot, life, place)
            }
            ServerlessEvent::ScaledownDue => self.on_scaledown(ctx),
            ServerlessEvent::PreemptionDue { slot, life } => {
                self.on_preemption_due(ctx, slot, life)
            }
            ServerlessEvent::GaveUp { slot, life } => self.on_gave_up(ctx, slot, life),
            ServerlessEvent::EngineStep {
                slot,
                life,
                generation,
            } => self.on_engine_step(ctx, slot, life, generation),
            ServerlessEvent::ExecDeadline { slot, life } => self.on_exec_deadline(ctx, slot, life),
        }
        self.sync(ctx.now());
    }

    /// Requests assigned or waiting: what the autoscaler provisions for.
    fn load(&self) -> u64 {
        self.in_flight + self.queue.len() as u64 + self.restarts.len() as u64
    }

    /// The autoscaler's target (docs/semantics.md#serverless-autoscaler).
    #[inline]
    fn desired(&self) -> u64 {
        let load = self.load();
        let buffer = if load > 0 {
            self.cfg.buffer_containers as u64
        } else {
            0
        };
        // No division in the common case of one input per container.
        let per_container = self.cfg.target_inputs as u64;
        let needed = if per_container == 1 {
            load
        } else {
            load.div_ceil(per_container)
        };
        (needed + buffer).clamp(
            self.cfg.min_containers as u64,
            self.cfg.max_containers as u64,
        )
    }

    /// Stops the container in `slot` now and bills its span.
    fn stop_and_bill(&mut self, slot: u32, stop: SimTime) {
        let (start, boot_end, busy) = self.fleet.stop(slot, stop);
        let gpus = self.stop_engine(slot);
        let span = UsageSpan {
            start,
            boot_end,
            stop,
            busy_gpu: SimDuration(busy.0 * gpus as u64),
            gpus,
        };
        self.meter.add(&span);
        if let Some(t) = &mut self.timeline {
            let accrual = self.cfg.billing.accrual(&span);
            if let Some(window) = accrual.window {
                t.bill_window(window, BillTo::Platform);
            }
            t.bill_at(accrual.at, accrual.rounding, BillTo::Platform);
        }
    }

    /// Closes the books at the horizon: open spans are billed up to it, waiting and
    /// running requests are in flight.
    pub fn finish(mut self, horizon: SimTime) -> PlatformOutcome {
        self.recorder.counts.timed_out += self.queue.expire(horizon);
        self.sync(horizon);
        let live: Vec<u32> = self.fleet.live_slots().collect();
        for slot in live {
            self.stop_and_bill(slot, horizon);
        }
        self.recorder.counts.in_flight_at_end = self.load();
        if let (Some(engines), Some(tokens)) = (self.engines.take(), &mut self.recorder.tokens) {
            tokens.engines = engines.finish();
        }
        self.recorder.jobs = self.jobs.take().map(|j| Box::new(j.metrics));
        debug_assert!(
            self.recorder.counts.is_conserved(),
            "requests are conserved"
        );
        self.recorder.flush();
        let (mean, busy_mean, idle_mean) = self.fleet.means(horizon);
        let bills_busy = self.cfg.billing.mode == BillingMode::BusyOnly;
        if let Some(t) = &mut self.timeline {
            t.close(bills_busy);
        }
        PlatformOutcome {
            containers: ContainerStats {
                started: self.cold_starts,
                mean,
                busy_mean,
                idle_mean,
                max: self.fleet.live.max(),
            },
            recorder: self.recorder,
            billed: self.meter.billed,
            timeline: self.timeline,
        }
    }
}

impl Model for Serverless {
    type Event = ServerlessEvent;
    type Input = Request;

    fn on_event(&mut self, ctx: &mut Context<ServerlessEvent>, event: ServerlessEvent) {
        self.handle(ctx, event)
    }

    fn on_input(&mut self, ctx: &mut Context<ServerlessEvent>, req: Request) {
        self.arrive(ctx, req)
    }
}

#[cfg(test)]
mod tests;
