//! The dedicated (Spheron-like) platform: always-on instances with the model resident, a
//! FIFO queue and least-loaded dispatch over GPUs (docs/semantics.md#dedicated-dispatch), optionally on spot
//! instances that get interrupted, replaced and bridged by on-demand fallbacks (docs/semantics.md#spot-instances).
//!
//! Deliberately knows no prices: each instance's span goes to a `Meter` (fallback
//! instances to their own, since they are billed at the on-demand price).

mod batched;
mod fleet;
mod jobs;
mod load_index;
mod spot;
mod timeline;

use std::collections::VecDeque;

use self::fleet::{Fleet, Role, VmState};
use self::spot::SpotState;
pub use self::spot::next_interruption;
use super::batched::{EngineSpec, Engines, refuses};
use super::jobs::JobBook;
use super::queue::RequestQueue;
use super::{ContainerStats, PlatformOutcome, SpotOutcome};
use crate::billing::{BillingRule, Meter};
use crate::engine::{Context, Model};
use crate::metrics::{Recorder, Slo, TimeAverage, Timeline};
use crate::random::Seeds;
use crate::time::{SimDuration, SimTime};
use crate::workload::{Dist, Request};

/// A validated dedicated fleet, without its prices.
#[derive(Clone, Debug)]
pub struct DedicatedConfig {
    pub instances: u32,
    pub gpus_per_instance: u32,
    /// Concurrent requests per GPU.
    pub max_inputs: u32,
    pub queue_limit: Option<u64>,
    pub billing: BillingRule,
    /// Present when the instances are spot.
    pub spot: Option<SpotConfig>,
    /// With a `tokens` service: the batching engine every `tensor_parallel` GPUs of an
    /// instance run.
    pub engine: Option<EngineSpec>,
}

impl DedicatedConfig {
    pub fn gpus(&self) -> u32 {
        self.instances * self.gpus_per_instance
    }
}

/// What happens to requests still executing when a spot notice ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnInterrupt {
    /// Back to the head of the queue, to restart from scratch.
    Requeue,
    /// Counted as failed.
    Fail,
}

/// How a spot outage is bridged.
#[derive(Clone, Debug)]
pub enum Fallback {
    /// The slot waits for its spot replacement.
    Wait,
    /// An on-demand instance starts at the notice and serves after `delay`.
    OnDemand { delay: Dist },
}

/// Spot behaviour of a dedicated fleet (docs/semantics.md#dedicated-dispatch `spot`), without prices.
#[derive(Clone, Debug)]
pub struct SpotConfig {
    /// Poisson hazard per serving instance (0: never interrupted).
    pub interruptions_per_hour: f64,
    pub notice: SimDuration,
    /// From the notice until spot capacity is back and a new VM is up.
    pub replacement_delay: Dist,
    /// Then until the model is loaded and the replacement serves.
    pub model_load: Dist,
    pub on_interrupt: OnInterrupt,
    pub fallback: Fallback,
}

/// Events of the dedicated model.
#[derive(Clone, Copy, Debug)]
pub enum DedicatedEvent {
    /// An execution on input slot `input` ends (stale if the GPU's generation moved on).
    Finished { input: u32, epoch: u32 },
    /// A spot instance gets its interruption notice.
    SpotNotice { vm: u32, epoch: u32 },
    /// The notice is over: the instance is gone.
    SpotInterrupted { vm: u32, epoch: u32 },
    /// A replacement or fallback instance finished booting.
    InstanceReady { vm: u32, epoch: u32 },
    /// GPU `gpu`'s batching engine reaches the end of the step (or run of steps) that
    /// changes its batch; stale unless `generation` is the engine's current one.
    EngineStep { gpu: u32, generation: u32 },
}

/// One dedicated fleet in one replica.
pub struct Dedicated {
    cfg: DedicatedConfig,
    seeds: Seeds,
    fleet: Fleet,
    queue: RequestQueue,
    /// Requests put back by spot interruptions, by arrival: served before `queue`, and
    /// exempt from its limit and its give-up timeout (they already started once).
    requeued: VecDeque<Request>,
    /// Requests executing.
    in_flight: u64,
    spot: Option<SpotState>,
    meter: Meter,
    fallback_meter: Meter,
    pub recorder: Recorder,
    /// With a `tokens` service: every GPU's (or GPU group's) batching engine.
    engines: Option<Engines>,
    /// Per-bin figures, when the run records them (docs/semantics.md#timeline).
    timeline: Option<Box<Timeline>>,
    /// With a `jobs` workload: the admitted jobs.
    jobs: Option<JobBook>,
}

impl Dedicated {
    pub fn new(cfg: DedicatedConfig, seeds: Seeds, timeout: Option<SimDuration>, slo: Slo) -> Self {
        let recorder = match cfg.engine {
            Some(_) => Recorder::with_tokens(slo),
            None => Recorder::new(slo),
        };
        let width = cfg.engine.map_or(1, |e| e.tensor_parallel);
        let mut fleet = Fleet::new(cfg.gpus_per_instance / width, width, cfg.max_inputs);
        for k in 0..cfg.instances {
            let role = match cfg.spot {
                Some(_) => Role::Spot { slot: k },
                None => Role::OnDemand,
            };
            let vm = fleet.launch(role, SimTime::ZERO);
            fleet.enter_service(vm, SimTime::ZERO);
        }
        Dedicated {
            seeds,
            fleet,
            queue: RequestQueue::new(cfg.queue_limit, timeout),
            requeued: VecDeque::new(),
            in_flight: 0,
            spot: cfg
                .spot
                .as_ref()
                .map(|_| SpotState::new(cfg.instances, seeds)),
            meter: Meter::new(cfg.billing),
            fallback_meter: Meter::new(cfg.billing),
            recorder,
            engines: cfg.engine.map(Engines::new),
            jobs: None,
            cfg,
            timeline: None,
        }
    }

    /// Schedules the first spot interruptions (nothing to do for on-demand fleets).
    pub fn start<E: From<DedicatedEvent>>(&mut self, ctx: &mut Context<E>) {
        for k in 0..self.cfg.instances {
            if self.spot.is_some() {
                self.schedule_notice(ctx, k, k);
            }
        }
    }

    fn assign<E: From<DedicatedEvent>>(&mut self, ctx: &mut Context<E>, gpu: u32, req: Request) {
        let now = ctx.now();
        let (input, epoch) = self.fleet.assign(gpu, req, now);
        self.in_flight += 1;
        if self.engines.is_some() {
            return self.join_engine(ctx, gpu, input, req);
        }
        let end = match &mut self.jobs {
            Some(jobs) => jobs.start(req, now, None),
            None => now + req.service,
        };
        ctx.schedule(end, DedicatedEvent::Finished { input, epoch }.into());
    }

    /// The next request to start: requeued ones first.
    fn next_waiting(&mut self) -> Option<Request> {
        self.requeued.pop_front().or_else(|| self.queue.pop_front())
    }

    /// Fills free serving slots from the head of the queue.
    fn dispatch<E: From<DedicatedEvent>>(&mut self, ctx: &mut Context<E>) {
        self.recorder.counts.timed_out += self.queue.expire(ctx.now());
        while let Some(gpu) = self.fleet.least_loaded() {
            let Some(req) = self.next_waiting() else {
                break;
            };
            self.assign(ctx, gpu, req);
        }
    }

    /// Accepts one arrival (also used by composite platforms).
    pub fn arrive<E: From<DedicatedEvent>>(&mut self, ctx: &mut Context<E>, req: Request) {
        self.recorder.counts.arrived += 1;
        self.recorder.counts.timed_out += self.queue.expire(ctx.now());
        if refuses(self.engines.as_ref(), &req, &mut self.recorder) {
            return self.sync(ctx.now());
        }
        let req = match &mut self.jobs {
            Some(jobs) if self.fleet.has_free() || self.queue.has_room() => jobs.admit(req),
            // Rejected: the next job still draws by its arrival order.
            Some(jobs) => {
                jobs.pass();
                req
            }
            None => req,
        };
        if let Some(gpu) = self.fleet.least_loaded() {
            self.assign(ctx, gpu, req);
        } else if self.queue.has_room() {
            self.queue.push_back(req);
        } else {
            self.recorder.rejected(self.queue.rejects_as_overloaded());
        }
        self.sync(ctx.now());
    }

    /// Dispatches one of this model's events (also used by composite platforms).
    pub fn handle<E: From<DedicatedEvent>>(&mut self, ctx: &mut Context<E>, event: DedicatedEvent) {
        match event {
            DedicatedEvent::Finished { input, epoch } => self.on_finished(ctx, input, epoch),
            DedicatedEvent::SpotNotice { vm, epoch } => self.on_notice(ctx, vm, epoch),
            DedicatedEvent::SpotInterrupted { vm, epoch } => self.on_interrupted(ctx, vm, epoch),
            DedicatedEvent::InstanceReady { vm, epoch } => self.on_ready(ctx, vm, epoch),
            DedicatedEvent::EngineStep { gpu, generation } => {
                self.on_engine_step(ctx, gpu, generation)
            }
        }
        self.sync(ctx.now());
    }

    fn on_finished<E: From<DedicatedEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        input: u32,
        epoch: u32,
    ) {
        let now = ctx.now();
        if self.jobs.is_some() && self.job_works_on(ctx, input, epoch) {
            return;
        }
        let Some((run, gpu)) = self.fleet.complete(input, epoch, now) else {
            return;
        };
        self.in_flight -= 1;
        self.recorder.completed(run.req.arrival, run.start, now);
        self.after_completion(ctx, gpu, now);
    }

    /// `gpu` just finished a request: it takes the next waiting one if its instance
    /// serves, and a draining instance with nothing left stops.
    #[inline(always)]
    fn after_completion<E: From<DedicatedEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        gpu: u32,
        now: SimTime,
    ) {
        let vm = self.fleet.vm_of(gpu);
        match self.fleet.vms[vm as usize].state {
            VmState::Serving => {
                self.recorder.counts.timed_out += self.queue.expire(now);
                // Something waits only while every serving slot is taken, so the GPU
                // just freed is the least loaded one.
                if let Some(req) = self.next_waiting() {
                    self.assign(ctx, gpu, req);
                }
            }
            VmState::Draining if self.fleet.vm_load(vm) == 0 => self.stop_vm(vm, now),
            _ => {}
        }
    }

    /// Stops an empty instance and bills its span at its role's price.
    fn stop_vm(&mut self, vm: u32, now: SimTime) {
        self.stop_engines(vm);
        let role = self.fleet.vms[vm as usize].role;
        let span = self.fleet.stop(vm, now);
        self.bill(role, &span);
    }

    /// On-demand fallback instances are billed on their own meter (docs/semantics.md#spot-instances).
    fn meter_for(&mut self, role: Role) -> &mut Meter {
        match role {
            Role::Fallback { .. } => &mut self.fallback_meter,
            _ => &mut self.meter,
        }
    }

    /// Requests waiting to start (requeued ones included).
    pub fn waiting(&self) -> u64 {
        (self.queue.len() + self.requeued.len()) as u64
    }

    /// Whether a serving GPU has a free input slot.
    pub fn has_free_slot(&self) -> bool {
        self.fleet.has_free()
    }

    /// Input slots of serving GPUs (busy or not).
    pub fn serving_slots(&self) -> u64 {
        self.fleet.serving_gpus() as u64 * self.cfg.max_inputs as u64
    }

    /// Whether one more request could wait (`queue_limit`).
    pub fn has_room(&self) -> bool {
        self.queue.has_room()
    }

    /// Lets requests that waited too long give up now.
    pub fn expire_waiting(&mut self, now: SimTime) {
        self.recorder.counts.timed_out += self.queue.expire(now);
        self.sync(now);
    }

    /// Closes the books at the horizon: spans still open are billed up to it (each
    /// instance rounded on its own), waiting and running requests are in flight.
    pub fn finish(mut self, horizon: SimTime) -> (PlatformOutcome, Option<SpotOutcome>) {
        self.recorder.counts.timed_out += self.queue.expire(horizon);
        self.sync(horizon);
        let live: Vec<u32> = self.fleet.live_vms().collect();
        for vm in live {
            let span = self.fleet.span(vm, horizon);
            let role = self.fleet.vms[vm as usize].role;
            self.bill(role, &span);
        }
        if let Some(t) = &mut self.timeline {
            t.close(false);
        }
        self.recorder.counts.in_flight_at_end = self.in_flight + self.waiting();
        if let (Some(engines), Some(tokens)) = (self.engines.take(), &mut self.recorder.tokens) {
            tokens.engines = engines.finish();
        }
        self.recorder.jobs = self.jobs.take().map(|j| Box::new(j.metrics));
        debug_assert!(
            self.recorder.counts.is_conserved(),
            "requests are conserved"
        );
        self.recorder.flush();
        let spot = self.spot.take().map(|s| {
            s.outcome(
                horizon,
                self.cfg.gpus_per_instance,
                self.fallback_meter.billed,
            )
        });
        let f = &self.fleet;
        let mean = f.live.mean_until(horizon);
        // GPU-busy time is billed exactly (never rounded), every span closed by now.
        let busy = self.meter.billed.busy_gpu + self.fallback_meter.billed.busy_gpu;
        let busy_mean = TimeAverage::mean_of(busy, horizon);
        let containers = ContainerStats {
            started: self.spot_started_gpus(&spot),
            mean,
            busy_mean,
            idle_mean: (mean - busy_mean - f.booting.mean_until(horizon)).max(0.0),
            max: f.live.max(),
        };
        let outcome = PlatformOutcome {
            recorder: self.recorder,
            billed: self.meter.billed,
            containers,
            timeline: self.timeline.take(),
        };
        (outcome, spot)
    }

    /// GPUs of instances started after t = 0 (replacements and fallbacks).
    fn spot_started_gpus(&self, spot: &Option<SpotOutcome>) -> u64 {
        spot.as_ref().map_or(0, |s| s.instances_started) * self.cfg.gpus_per_instance as u64
    }
}

impl Model for Dedicated {
    type Event = DedicatedEvent;
    type Input = Request;

    fn on_event(&mut self, ctx: &mut Context<DedicatedEvent>, event: DedicatedEvent) {
        self.handle(ctx, event)
    }

    fn on_input(&mut self, ctx: &mut Context<DedicatedEvent>, req: Request) {
        self.arrive(ctx, req)
    }
}

#[cfg(test)]
mod tests;
