//! The serverless (Modal-like) platform: containers go Starting → Ready (idle ⇄ busy) →
//! Stopped, an autoscaler starts them from demand and an idle timer stops them.
//!
//! Deliberately knows no prices: it hands each container's closed span to a `Meter`.

use super::pool::{FreeSlots, Pick};
use super::queue::RequestQueue;
use super::{ContainerStats, PlatformOutcome};
use crate::billing::{BillingRule, Meter, UsageSpan};
use crate::engine::{Context, Model};
use crate::metrics::{Recorder, TimeAverage};
use crate::random::{Seeds, Stream};
use crate::time::{SimDuration, SimTime};
use crate::workload::{Phases, Request};

/// A validated serverless platform, without its prices.
#[derive(Clone, Debug)]
pub struct ServerlessConfig {
    pub cold_start: Phases,
    pub min_containers: u32,
    pub max_containers: u32,
    pub buffer_containers: u32,
    pub scaledown_window: SimDuration,
    pub max_inputs: u32,
    pub target_inputs: u32,
    pub pick: Pick,
    pub queue_limit: Option<u64>,
    pub execution_timeout: SimDuration,
    pub billing: BillingRule,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Starting,
    Ready,
    Stopped,
}

#[derive(Clone, Debug)]
struct Container {
    state: State,
    /// Order of this container's start (warm-pool containers first).
    start_seq: u64,
    started_at: SimTime,
    boot_end: SimTime,
    /// Inputs executing now.
    active: u32,
    busy_since: SimTime,
    busy: SimDuration,
    /// Moves on at every assignment and stop: scaledown timers carrying an older value
    /// are stale.
    idle_gen: u32,
    /// Moves on whenever the container leaves the free set: older entries are stale.
    token: u32,
    in_free: bool,
}

/// Events of the serverless model.
#[derive(Clone, Copy, Debug)]
pub enum ServerlessEvent {
    ColdStartDone {
        slot: u32,
    },
    Finished {
        slot: u32,
        arrival: SimTime,
        start: SimTime,
        ok: bool,
    },
    ScaledownExpired {
        slot: u32,
        idle_gen: u32,
    },
}

/// One serverless platform in one replica.
pub struct Serverless {
    cfg: ServerlessConfig,
    seeds: Seeds,
    containers: Vec<Container>,
    vacant: Vec<u32>,
    free: FreeSlots,
    free_count: usize,
    queue: RequestQueue,
    /// Requests assigned to a container (executing).
    in_flight: u64,
    /// Containers created so far (the warm pool included): their start order.
    starts: u64,
    /// Cold starts so far: the n-th draws the n-th cold-start duration (SPEC §10.1).
    cold_starts: u64,
    live: TimeAverage,
    busy: TimeAverage,
    idle: TimeAverage,
    pub recorder: Recorder,
    meter: Meter,
}

impl Serverless {
    pub fn new(
        cfg: ServerlessConfig,
        seeds: Seeds,
        timeout: Option<SimDuration>,
        slo: Option<SimDuration>,
    ) -> Self {
        Serverless {
            queue: RequestQueue::new(cfg.queue_limit, timeout),
            free: FreeSlots::new(cfg.pick),
            meter: Meter::new(cfg.billing),
            cfg,
            seeds,
            containers: Vec::new(),
            vacant: Vec::new(),
            free_count: 0,
            in_flight: 0,
            starts: 0,
            cold_starts: 0,
            live: TimeAverage::default(),
            busy: TimeAverage::default(),
            idle: TimeAverage::default(),
            recorder: Recorder::new(slo),
        }
    }

    /// The warm pool at t = 0: `min_containers` ready containers, billed from 0.
    pub fn start<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>) {
        for _ in 0..self.cfg.min_containers {
            let slot = self.new_container(SimTime::ZERO, SimTime::ZERO, State::Ready);
            self.make_free(slot);
            self.arm_scaledown(ctx, slot);
        }
        let n = self.cfg.min_containers as u64;
        self.live = TimeAverage::starting_at(n);
        self.idle = TimeAverage::starting_at(n);
    }

    fn new_container(&mut self, started_at: SimTime, boot_end: SimTime, state: State) -> u32 {
        let start_seq = self.starts;
        self.starts += 1;
        let fresh = Container {
            state,
            start_seq,
            started_at,
            boot_end,
            active: 0,
            busy_since: started_at,
            busy: SimDuration::ZERO,
            idle_gen: 0,
            token: 0,
            in_free: false,
        };
        match self.vacant.pop() {
            Some(slot) => {
                let old = &self.containers[slot as usize];
                // Generations carry over so that events of the previous tenant stay stale.
                let (idle_gen, token) = (old.idle_gen.wrapping_add(1), old.token.wrapping_add(1));
                self.containers[slot as usize] = Container {
                    idle_gen,
                    token,
                    ..fresh
                };
                slot
            }
            None => {
                self.containers.push(fresh);
                (self.containers.len() - 1) as u32
            }
        }
    }

    fn live_count(&self) -> u64 {
        self.live.level()
    }

    /// The autoscaler's target (SPEC §3.1).
    fn desired(&self) -> u64 {
        let load = self.in_flight + self.queue.len() as u64;
        let target = self.cfg.target_inputs as u64;
        let buffer = if load > 0 {
            self.cfg.buffer_containers as u64
        } else {
            0
        };
        (load.div_ceil(target) + buffer).clamp(
            self.cfg.min_containers as u64,
            self.cfg.max_containers as u64,
        )
    }

    /// Starts containers while live < desired; returns how many started.
    fn autoscale<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>) -> u64 {
        let desired = self.desired();
        let mut started = 0;
        while self.live_count() < desired {
            let now = ctx.now();
            let mut rng = self.seeds.rng(Stream::ColdStart, self.cold_starts);
            self.cold_starts += 1;
            let boot_end = now + self.cfg.cold_start.sample(&mut rng);
            let slot = self.new_container(now, boot_end, State::Starting);
            ctx.schedule(boot_end, ServerlessEvent::ColdStartDone { slot }.into());
            self.live.add(now, 1);
            started += 1;
        }
        started
    }

    fn make_free(&mut self, slot: u32) {
        let c = &mut self.containers[slot as usize];
        if c.in_free && !self.free.tracks_recency() {
            return;
        }
        if c.in_free {
            c.token = c.token.wrapping_add(1);
        } else {
            self.free_count += 1;
        }
        c.in_free = true;
        self.free.insert(slot, c.start_seq, c.token);
    }

    fn leave_free(&mut self, slot: u32) {
        let c = &mut self.containers[slot as usize];
        if c.in_free {
            c.in_free = false;
            c.token = c.token.wrapping_add(1);
            self.free_count -= 1;
        }
    }

    fn pick_free(&mut self) -> Option<u32> {
        if self.free_count == 0 {
            return None;
        }
        let containers = &self.containers;
        let slot = self.free.pop(|s, t| {
            let c = &containers[s as usize];
            c.in_free && c.token == t
        })?;
        // Popped, so out of the free set until it frees a slot again (or still has one).
        let c = &mut self.containers[slot as usize];
        c.in_free = false;
        c.token = c.token.wrapping_add(1);
        self.free_count -= 1;
        Some(slot)
    }

    /// Starts `req` on container `slot` now.
    fn assign<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, slot: u32, req: Request) {
        let now = ctx.now();
        let max_inputs = self.cfg.max_inputs;
        let c = &mut self.containers[slot as usize];
        debug_assert!(
            c.state == State::Ready && c.active < max_inputs,
            "assign needs a free ready slot"
        );
        c.active += 1;
        c.idle_gen = c.idle_gen.wrapping_add(1);
        let became_busy = c.active == 1;
        if became_busy {
            c.busy_since = now;
        }
        let boot = (c.started_at, c.boot_end);
        let has_room = c.active < max_inputs;
        if became_busy {
            self.busy.add(now, 1);
            self.idle.add(now, -1);
        }
        if boot.1 > req.arrival {
            self.recorder
                .cold_start_wait
                .record(boot.1 - req.arrival.max(boot.0));
        }
        if has_room {
            self.make_free(slot);
        }
        self.in_flight += 1;
        let ok = req.service <= self.cfg.execution_timeout;
        let run = if ok {
            req.service
        } else {
            self.cfg.execution_timeout
        };
        ctx.schedule(
            now + run,
            ServerlessEvent::Finished {
                slot,
                arrival: req.arrival,
                start: now,
                ok,
            }
            .into(),
        );
    }

    /// Gives queued requests to `slot` while it has free slots; frees what is left.
    fn serve_queue<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, slot: u32) {
        self.recorder.counts.timed_out += self.queue.expire(ctx.now());
        while self.containers[slot as usize].active < self.cfg.max_inputs {
            let Some(req) = self.queue.pop_front() else {
                break;
            };
            self.leave_free(slot);
            self.assign(ctx, slot, req);
        }
        let active = self.containers[slot as usize].active;
        if active < self.cfg.max_inputs {
            self.make_free(slot);
        }
        if active == 0 {
            self.arm_scaledown(ctx, slot);
        }
    }

    fn arm_scaledown<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, slot: u32) {
        let idle_gen = self.containers[slot as usize].idle_gen;
        ctx.schedule_in(
            self.cfg.scaledown_window,
            ServerlessEvent::ScaledownExpired { slot, idle_gen }.into(),
        );
    }

    fn on_arrival<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, req: Request) {
        self.recorder.counts.arrived += 1;
        self.recorder.counts.timed_out += self.queue.expire(ctx.now());
        if let Some(slot) = self.pick_free() {
            self.assign(ctx, slot, req);
            return;
        }
        if !self.queue.has_room() {
            self.recorder.counts.rejected += 1;
            return;
        }
        self.queue.push_back(req);
        if self.autoscale(ctx) > 0 {
            self.recorder.cold_start_arrivals += 1;
        }
    }

    fn on_cold_start_done<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, slot: u32) {
        let now = ctx.now();
        let c = &mut self.containers[slot as usize];
        c.state = State::Ready;
        self.idle.add(now, 1);
        self.serve_queue(ctx, slot);
        self.autoscale(ctx);
    }

    fn on_finished<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        arrival: SimTime,
        start: SimTime,
        ok: bool,
    ) {
        let now = ctx.now();
        self.in_flight -= 1;
        if ok {
            self.recorder.completed(arrival, start, now);
        } else {
            self.recorder.counts.failed += 1;
        }
        let c = &mut self.containers[slot as usize];
        c.active -= 1;
        if c.active == 0 {
            c.busy += now - c.busy_since;
            self.busy.add(now, -1);
            self.idle.add(now, 1);
        }
        self.serve_queue(ctx, slot);
        self.autoscale(ctx);
    }

    fn on_scaledown<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        idle_gen: u32,
    ) {
        let c = &self.containers[slot as usize];
        if c.idle_gen != idle_gen || c.state != State::Ready || c.active != 0 {
            return;
        }
        self.recorder.counts.timed_out += self.queue.expire(ctx.now());
        let floor = self.desired().max(self.cfg.min_containers as u64);
        if self.live_count() > floor {
            self.stop(ctx.now(), slot);
        } else {
            self.arm_scaledown(ctx, slot);
        }
    }

    fn stop(&mut self, now: SimTime, slot: u32) {
        self.leave_free(slot);
        let c = &mut self.containers[slot as usize];
        c.state = State::Stopped;
        c.idle_gen = c.idle_gen.wrapping_add(1);
        let span = UsageSpan {
            start: c.started_at,
            boot_end: c.boot_end,
            stop: now,
            busy_gpu: c.busy,
        };
        self.meter.add(&span);
        self.live.add(now, -1);
        self.idle.add(now, -1);
        self.vacant.push(slot);
        let containers = &self.containers;
        self.free.compact(self.free_count, |s, t| {
            let c = &containers[s as usize];
            c.in_free && c.token == t
        });
    }

    /// Closes the books at the horizon: open spans are billed up to it, waiting and
    /// running requests are in flight.
    pub fn finish(mut self, horizon: SimTime) -> PlatformOutcome {
        self.recorder.counts.timed_out += self.queue.expire(horizon);
        for c in self
            .containers
            .iter_mut()
            .filter(|c| c.state != State::Stopped)
        {
            if c.active > 0 {
                c.busy += horizon - c.busy_since;
            }
            let span = UsageSpan {
                start: c.started_at,
                boot_end: c.boot_end,
                stop: horizon,
                busy_gpu: c.busy,
            };
            self.meter.add(&span);
        }
        self.recorder.counts.in_flight_at_end = self.in_flight + self.queue.len() as u64;
        debug_assert!(
            self.recorder.counts.is_conserved(),
            "requests are conserved"
        );
        PlatformOutcome {
            containers: ContainerStats {
                started: self.cold_starts,
                mean: self.live.mean_until(horizon),
                busy_mean: self.busy.mean_until(horizon),
                idle_mean: self.idle.mean_until(horizon),
                max: self.live.max(),
            },
            recorder: self.recorder,
            billed: self.meter.billed,
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
        self.on_arrival(ctx, req)
    }
}

impl Serverless {
    /// Dispatches one of this model's events (also used by composite platforms).
    pub fn handle<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        event: ServerlessEvent,
    ) {
        match event {
            ServerlessEvent::ColdStartDone { slot } => self.on_cold_start_done(ctx, slot),
            ServerlessEvent::Finished {
                slot,
                arrival,
                start,
                ok,
            } => self.on_finished(ctx, slot, arrival, start, ok),
            ServerlessEvent::ScaledownExpired { slot, idle_gen } => {
                self.on_scaledown(ctx, slot, idle_gen)
            }
        }
    }

    /// Accepts one arrival (also used by composite platforms).
    pub fn arrive<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, req: Request) {
        self.on_arrival(ctx, req)
    }
}
