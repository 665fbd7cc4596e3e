//! A container's life: the autoscaler starts it (schedule delay, then cold start), it
//! boots, idles out after the scaledown window, or is preempted.

use rand_distr::{Distribution, Exp};

use super::fleet::State;
use super::{Dispatch, Serverless, ServerlessEvent};
use crate::engine::Context;
use crate::random::Stream;
use crate::time::{SimDuration, SimTime};

/// The shortest step between looks at a container's preemption hazard (longer scaledown
/// windows are used as they are).
const PREEMPTION_CHECK_STEP: SimDuration = SimDuration::from_secs(60);

impl Serverless {
    /// Starts containers while live (starting included) < desired (docs/semantics.md#serverless-autoscaler); returns
    /// how many started.
    #[inline]
    pub(super) fn autoscale<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>) -> u64 {
        let desired = self.desired();
        if self.fleet.live_count() >= desired {
            return 0;
        }
        self.scale_up(ctx, desired)
    }

    #[inline(never)]
    fn scale_up<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, desired: u64) -> u64 {
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
    /// The n-th container start draws the n-th delays (docs/semantics.md#randomness).
    pub(super) fn start_container<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
    ) -> u32 {
        let now = ctx.now();
        let n = self.cold_starts;
        self.cold_starts += 1;
        let seeds = self.seeds;
        let delay = (self.cfg.schedule_delay).sample_lazily(|| seeds.rng(Stream::ScheduleDelay, n));
        let boot = (self.cfg.cold_start).sample_lazily(|| seeds.rng(Stream::ColdStart, n));
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
        // Not offered yet: every caller assigns to it or feeds it first, and offers it
        // with what room is left (a per_request container of one input never enters the
        // booting set at all).
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
        let ticket = ctx.ticket();
        let c = self.fleet.get_mut(slot);
        let mut rng = self.seeds.rng(Stream::Preemption, c.start_seq);
        let after_s = Exp::new(rate_per_s)
            .expect("rate validated > 0")
            .sample(&mut rng);
        c.preempt_at = c.started_at + SimDuration::from_secs_f64(after_s);
        c.preempt_ticket = ticket;
        self.next_preemption_check(ctx, slot);
    }

    /// Schedules the next look at `slot`'s hazard: at the preemption itself, or one step
    /// ahead if that is further. A container that stops meanwhile (mostly scaled down,
    /// hours before a typical preemption) leaves at most one step behind in the queue,
    /// instead of an event per container ever started. The ticket taken when the hazard
    /// was drawn keeps the preemption's place among events at its instant.
    fn next_preemption_check<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, slot: u32) {
        let step = self.cfg.scaledown_window.max(PREEMPTION_CHECK_STEP);
        let c = self.fleet.get(slot);
        let at = c.preempt_at.min(ctx.now() + step);
        let life = c.life;
        ctx.schedule_with(
            at,
            c.preempt_ticket,
            ServerlessEvent::PreemptionDue { slot, life }.into(),
        );
    }

    pub(super) fn on_preemption_due<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        life: u32,
    ) {
        if !self.fleet.is_current(slot, life) {
            return;
        }
        if ctx.now() < self.fleet.get(slot).preempt_at {
            self.next_preemption_check(ctx, slot);
        } else {
            self.on_preempted(ctx, slot, life);
        }
    }

    /// `slot` just went idle (ready with no input): its scaledown window starts now
    /// (docs/semantics.md#scaledown). The ticket taken now gives its expiry the place among equal times
    /// a timer scheduled now would have.
    #[inline]
    pub(super) fn went_idle<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, slot: u32) {
        let ticket = ctx.ticket();
        let deadline = ctx.now() + self.cfg.scaledown_window;
        self.fleet.idle.push_back(slot, deadline, ticket);
        self.arm_scaledown(ctx);
    }

    /// Makes sure the fleet's scaledown timer is pending if a container idles. A pending
    /// one is never later than the earliest window end: windows join the list in order,
    /// and the front only moves back.
    fn arm_scaledown<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>) {
        if self.scaledown_timer.is_none()
            && let Some((_, deadline, ticket)) = self.fleet.idle.front()
        {
            self.scaledown_timer = Some((deadline, ticket));
            ctx.schedule_with(deadline, ticket, ServerlessEvent::ScaledownDue.into());
        }
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
        if let Some(mut waiting) = self.fleet.get_mut(slot).waiting.take() {
            for &(req, _) in waiting.iter() {
                self.execute(ctx, slot, req);
            }
            // Hand the (empty) vector back so that the slot keeps its capacity.
            waiting.clear();
            self.fleet.get_mut(slot).waiting = Some(waiting);
        }
        self.feed(ctx, slot);
        self.autoscale(ctx);
    }

    /// Drops the requests waiting on booting `slot` whose deadline is `now` or earlier.
    fn give_up_waiting(&mut self, slot: u32, now: SimTime) -> u64 {
        let c = self.fleet.get_mut(slot);
        let Some(waiting) = &mut c.waiting else {
            return 0;
        };
        let before = waiting.len();
        waiting.retain(|(_, deadline)| deadline.is_none_or(|d| d > now));
        let gone = (before - waiting.len()) as u64;
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

    /// The scaledown timer fires. If the window it was set for is still the earliest,
    /// that container has idled a full window: it stops if live − 1 ≥
    /// max(min_containers, desired), else its timer re-arms for another window (it goes
    /// to the back of the list). If that container was given work meanwhile, the timer
    /// moves on to the window that now ends first.
    pub(super) fn on_scaledown<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>) {
        let fired = self.scaledown_timer.take();
        let Some((slot, deadline, ticket)) = self.fleet.idle.front() else {
            return;
        };
        if fired == Some((deadline, ticket)) {
            let now = ctx.now();
            self.recorder.counts.timed_out += self.queue.expire(now);
            let floor = self.desired().max(self.cfg.min_containers as u64);
            if self.fleet.live_count() > floor {
                self.stop_and_bill(slot, now);
            } else {
                self.fleet.idle.remove(slot);
                self.went_idle(ctx, slot);
            }
        }
        self.arm_scaledown(ctx);
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
        let running = self.fleet.take_running(slot);
        if let Some(jobs) = &mut self.jobs {
            running.iter().for_each(|r| jobs.interrupt(*r, now));
        }
        self.recorder.restarts += running.len() as u64;
        let mut reqs: Vec<_> = running.into_iter().map(|r| (r, None)).collect();
        let c = self.fleet.get_mut(slot);
        if let Some(waiting) = &mut c.waiting {
            // Those that never started keep their deadline.
            reqs.extend(waiting.drain(..));
        }
        reqs.sort_by_key(|(r, _)| r.arrival);
        self.in_flight -= c.assigned as u64;
        self.recorder.preemptions += 1;
        self.stop_and_bill(slot, now);
        self.restart(ctx, reqs);
        self.autoscale(ctx);
    }
}
