//! A container's life: the autoscaler starts it (schedule delay, then cold start), it
//! boots, idles out after the scaledown window, or is preempted.

use rand_distr::{Distribution, Exp};

use super::fleet::State;
use super::{Dispatch, Serverless, ServerlessEvent};
use crate::engine::Context;
use crate::random::Stream;
use crate::time::{SimDuration, SimTime};
use crate::workload::Request;

impl Serverless {
    /// Starts containers while live (starting included) < desired (SPEC §3.1); returns
    /// how many started.
    pub(super) fn autoscale<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>) -> u64 {
        let desired = self.desired();
        let mut started = 0;
        while self.fleet.live_count() < desired {
            let slot = self.start_container(ctx);
            if self.cfg.dispatch == Dispatch::PerRequest {
                // A booting container already takes work under per_request.
                self.feed(ctx, slot);
            }
            started += 1;
        }
        started
    }

    /// A new container, asked for now: it waits its schedule delay (unbilled), then boots.
    /// The n-th container start draws the n-th delays (SPEC §10.1).
    pub(super) fn start_container<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
    ) -> u32 {
        let now = ctx.now();
        let n = self.cold_starts;
        self.cold_starts += 1;
        let delay = self
            .cfg
            .schedule_delay
            .sample(&mut self.seeds.rng(Stream::ScheduleDelay, n));
        let boot = self
            .cfg
            .cold_start
            .sample(&mut self.seeds.rng(Stream::ColdStart, n));
        let (started_at, boot_end) = (now + delay, now + delay + boot);
        let slot = self
            .fleet
            .create(now, started_at, boot_end, State::Starting);
        let life = self.fleet.get(slot).life;
        ctx.schedule(
            boot_end,
            ServerlessEvent::ColdStartDone { slot, life }.into(),
        );
        self.arm_preemption(ctx, slot);
        if self.cfg.dispatch == Dispatch::PerRequest {
            self.fleet.offer(slot);
        }
        slot
    }

    /// Draws when `slot` will be preempted: a per-container Poisson hazard from the
    /// moment it exists (after its schedule delay), keyed by its creation order.
    pub(super) fn arm_preemption<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
    ) {
        let rate_per_s = self.cfg.preemptions_per_hour / 3600.0;
        if rate_per_s <= 0.0 {
            return;
        }
        let c = self.fleet.get(slot);
        let mut rng = self.seeds.rng(Stream::Preemption, c.start_seq);
        let after_s = Exp::new(rate_per_s)
            .expect("rate validated > 0")
            .sample(&mut rng);
        let at = c.started_at + SimDuration::from_secs_f64(after_s);
        let life = c.life;
        ctx.schedule(at, ServerlessEvent::Preempted { slot, life }.into());
    }

    pub(super) fn arm_scaledown<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
    ) {
        let idle_gen = self.fleet.get(slot).idle_gen;
        ctx.schedule_in(
            self.cfg.scaledown_window,
            ServerlessEvent::ScaledownExpired { slot, idle_gen }.into(),
        );
    }

    pub(super) fn on_cold_start_done<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        life: u32,
    ) {
        if !self.fleet.is_current(slot, life) {
            return;
        }
        let now = ctx.now();
        self.fleet.booted(slot, now);
        self.give_up_waiting(slot, now);
        let waiting = std::mem::take(&mut self.fleet.get_mut(slot).waiting);
        for &(req, _) in &waiting {
            self.execute(ctx, slot, req);
        }
        // Hand the (empty) vector back so that the slot keeps its capacity.
        let mut waiting = waiting;
        waiting.clear();
        self.fleet.get_mut(slot).waiting = waiting;
        self.feed(ctx, slot);
        self.autoscale(ctx);
    }

    /// Drops the requests waiting on booting `slot` whose deadline is `now` or earlier.
    fn give_up_waiting(&mut self, slot: u32, now: SimTime) -> u64 {
        let c = self.fleet.get_mut(slot);
        let before = c.waiting.len();
        c.waiting
            .retain(|(_, deadline)| deadline.is_none_or(|d| d > now));
        let gone = (before - c.waiting.len()) as u64;
        c.assigned -= gone as u32;
        self.in_flight -= gone;
        self.recorder.counts.timed_out += gone;
        gone
    }

    pub(super) fn on_gave_up<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        life: u32,
    ) {
        if !self.fleet.is_current(slot, life) || self.fleet.get(slot).state != State::Starting {
            return;
        }
        if self.give_up_waiting(slot, ctx.now()) > 0 {
            self.feed(ctx, slot);
            self.autoscale(ctx);
        }
    }

    pub(super) fn on_scaledown<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        idle_gen: u32,
    ) {
        let c = self.fleet.get(slot);
        if c.idle_gen != idle_gen || c.state != State::Ready || c.assigned != 0 {
            return;
        }
        self.recorder.counts.timed_out += self.queue.expire(ctx.now());
        // SPEC §10.7: stop only if live − 1 ≥ max(min_containers, desired).
        let floor = self.desired().max(self.cfg.min_containers as u64);
        if self.fleet.live_count() > floor {
            let now = ctx.now();
            let parts = self.fleet.stop(slot, now);
            self.bill(parts, now);
        } else {
            self.arm_scaledown(ctx, slot);
        }
    }

    /// The container dies with its inputs: they run again from scratch (Modal re-runs
    /// the same input), and the autoscaler replaces capacity as the load requires.
    pub(super) fn on_preempted<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        life: u32,
    ) {
        if !self.fleet.is_current(slot, life) {
            return;
        }
        let now = ctx.now();
        let c = self.fleet.get_mut(slot);
        let mut reqs: Vec<Request> = c.running.drain(..).map(|(r, _)| r).collect();
        reqs.extend(c.waiting.drain(..).map(|(r, _)| r));
        reqs.sort_by_key(|r| r.arrival);
        self.in_flight -= c.assigned as u64;
        self.recorder.preemptions += 1;
        self.recorder.restarts += reqs.len() as u64;
        let parts = self.fleet.stop(slot, now);
        self.bill(parts, now);
        self.restart(ctx, reqs);
        self.autoscale(ctx);
    }
}
