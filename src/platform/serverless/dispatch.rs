//! Placing requests on containers: the two dispatch rules, execution, completion and the
//! restart of preempted inputs.

use super::fleet::State;
use super::{Dispatch, Serverless, ServerlessEvent};
use crate::engine::Context;
use crate::platform::batched::refuses;
use crate::time::SimTime;
use crate::workload::Request;

/// Where a per_request placement went.
enum Placed {
    /// A free slot of a live container, ready or still booting.
    Slot { ready: bool },
    /// The request's own, new container.
    OwnContainer(u32),
    /// Every container is full and none may start.
    Nowhere,
}

impl Serverless {
    pub(super) fn on_arrival<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        req: Request,
    ) {
        self.recorder.counts.arrived += 1;
        self.recorder.counts.timed_out += self.queue.expire(ctx.now());
        if refuses(self.engines.as_ref(), &req, &mut self.recorder) {
            return;
        }
        if self.jobs.is_some() {
            return self.arrive_job(ctx, req);
        }
        let cold = match self.cfg.dispatch {
            Dispatch::Queue => self.arrive_queued(ctx, req),
            Dispatch::PerRequest => self.arrive_per_request(ctx, req),
        };
        if cold {
            self.recorder.cold_start_arrivals += 1;
        }
    }

    /// Modal: a free ready slot, else the function queue. Returns whether the arrival
    /// found no free slot and made the autoscaler start a container.
    #[inline]
    pub(super) fn arrive_queued<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        req: Request,
    ) -> bool {
        if let Some(slot) = self.fleet.pick() {
            self.assign(ctx, slot, req, true);
            self.autoscale(ctx);
            return false;
        }
        if !self.queue.has_room() {
            self.recorder.rejected(self.queue.rejects_as_overloaded());
            self.autoscale(ctx);
            return false;
        }
        self.queue.push_back(req);
        self.autoscale(ctx) > 0
    }

    /// SimFaaS / Lambda: a free slot (ready first), else its own container, else the queue
    /// (only at `max_containers`, docs/semantics.md#dispatch-and-pick). Returns whether it started a container.
    pub(super) fn arrive_per_request<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        req: Request,
    ) -> bool {
        let placed = self.place(ctx, req, true);
        if let Placed::Nowhere = placed {
            if self.queue.has_room() {
                self.queue.push_back(req);
            } else {
                self.recorder.rejected(self.queue.rejects_as_overloaded());
            }
        }
        let started = self.autoscale(ctx);
        // docs/semantics.md#metrics: cold when the arrival found no free *ready* slot and started at least
        // one container — its own, or one the autoscaler (buffer, target_inputs) started.
        match placed {
            Placed::Slot { ready: true } => false,
            Placed::OwnContainer(_) => true,
            Placed::Slot { ready: false } | Placed::Nowhere => started > 0,
        }
    }

    /// per_request placement of a new (`fresh`) or restarted request: ready containers
    /// first, so that it never waits for a boot while a ready slot idles.
    fn place<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        req: Request,
        fresh: bool,
    ) -> Placed {
        if let Some(slot) = self.fleet.pick_ready_first() {
            let ready = self.fleet.get(slot).state == State::Ready;
            self.assign(ctx, slot, req, fresh);
            return Placed::Slot { ready };
        }
        if self.fleet.live_count() < self.cfg.max_containers as u64 {
            let slot = self.start_container(ctx);
            self.assign(ctx, slot, req, fresh);
            return Placed::OwnContainer(slot);
        }
        Placed::Nowhere
    }

    /// Gives `req` a slot of `slot`: it executes now on a ready container, or waits for
    /// the boot of a starting one (per_request only). Only a `fresh` request (one that has
    /// not started before) may give up waiting (docs/semantics.md#timeouts).
    #[inline(always)]
    pub(super) fn assign<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        req: Request,
        fresh: bool,
    ) {
        self.in_flight += 1;
        self.fleet.idle.remove(slot);
        let c = self.fleet.get_mut(slot);
        debug_assert!(c.state != State::Stopped, "assign needs a live container");
        c.assigned += 1;
        let ready = c.state == State::Ready;
        if !ready {
            let deadline = fresh.then(|| self.timeout.map_or(SimTime::MAX, |t| req.arrival + t));
            let waiting = c.waiting.get_or_insert_with(Default::default);
            waiting.push((req, deadline));
            if let Some(deadline) = deadline
                && deadline < c.boot_end
            {
                let gave_up = ServerlessEvent::GaveUp { slot, life: c.life };
                ctx.schedule(deadline.max(ctx.now()), gave_up.into());
            }
        }
        self.fleet.offer(slot);
        if ready {
            self.execute(ctx, slot, req);
        }
    }

    /// Starts executing `req` on `slot` now.
    #[inline]
    pub(super) fn execute<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        req: Request,
    ) {
        let now = ctx.now();
        let place = self.fleet.exec_started(slot, req, now);
        if self.engines.is_some() {
            return self.join_engine(ctx, slot, place, req);
        }
        let life = self.fleet.get(slot).life;
        let end = match &mut self.jobs {
            Some(jobs) => jobs.start(req, now, Some(now + self.cfg.execution_timeout)),
            None => now + req.service.min(self.cfg.execution_timeout),
        };
        let done = ServerlessEvent::Finished { slot, life, place };
        ctx.schedule(end, done.into());
    }

    #[inline]
    pub(super) fn on_finished<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        life: u32,
        place: u32,
    ) {
        if !self.fleet.is_current(slot, life) {
            return; // preempted: the input was restarted elsewhere
        }
        if self.jobs.is_some() {
            return self.on_job_event(ctx, slot, life, place);
        }
        let now = ctx.now();
        let run = self.fleet.exec_ended(slot, place, now);
        self.in_flight -= 1;
        if run.req.service <= self.cfg.execution_timeout {
            self.record_completion(slot, run.req.arrival, run.start, now);
        } else {
            self.recorder.counts.failed += 1;
        }
        self.feed(ctx, slot);
        self.autoscale(ctx);
    }

    /// A request that arrived at `arrival` and started at `start` on `slot` completes.
    #[inline(always)]
    pub(super) fn record_completion(
        &mut self,
        slot: u32,
        arrival: SimTime,
        start: SimTime,
        now: SimTime,
    ) {
        self.recorder.completed(arrival, start, now);
        let c = self.fleet.get(slot);
        // docs/semantics.md#metrics: only requests that arrived before their container's boot ended.
        if c.boot_end > arrival {
            let waited = c.boot_end - arrival.max(c.created);
            self.recorder.cold_start_wait.record(waited);
        }
    }

    /// Gives waiting requests (restarts first) to `slot` while it has room, then puts
    /// it in the free set or arms its idle timer.
    #[inline(always)]
    pub(super) fn feed<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, slot: u32) {
        self.recorder.counts.timed_out += self.queue.expire(ctx.now());
        while self.fleet.has_room(slot) {
            if let Some(req) = self.restarts.pop_front() {
                self.assign(ctx, slot, req, false);
            } else if let Some(req) = self.queue.pop_front() {
                self.assign(ctx, slot, req, true);
            } else {
                break;
            }
        }
        self.fleet.offer(slot);
        let c = self.fleet.get(slot);
        if c.assigned == 0 && c.state == State::Ready {
            self.went_idle(ctx, slot);
        }
    }

    /// Runs preempted inputs again from scratch, in arrival order: on a free slot if
    /// there is one, else (per_request) on a new container, else at the head of the
    /// line, ahead of new requests. Each comes with its deadline if it never started
    /// (it waited for the preempted container's boot), `None` if it did.
    pub(super) fn restart<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        reqs: Vec<(Request, Option<SimTime>)>,
    ) {
        let mut started = Vec::new();
        for (req, deadline) in reqs {
            // docs/semantics.md#timeouts: waiting for the replacement is still waiting to start.
            if deadline.is_some_and(|d| d <= ctx.now()) {
                self.recorder.counts.timed_out += 1;
                continue;
            }
            let fresh = deadline.is_some();
            let placed = match self.cfg.dispatch {
                Dispatch::PerRequest => self.place(ctx, req, fresh),
                Dispatch::Queue => match self.fleet.pick() {
                    Some(slot) => {
                        self.assign(ctx, slot, req, false);
                        Placed::Slot { ready: true }
                    }
                    None => Placed::Nowhere,
                },
            };
            if let Placed::OwnContainer(slot) = placed {
                started.push(slot);
            }
            if let Placed::Nowhere = placed {
                // Only executing inputs get here: the preempted container's stop left
                // room for a container of its own for those that waited for its boot.
                debug_assert!(!fresh, "a request that never started finds a slot");
                let at = self.restarts.partition_point(|r| r.arrival <= req.arrival);
                self.restarts.insert(at, req);
            }
        }
        // per_request at `max_containers`: what the replacements have room for beyond
        // the restarted inputs goes to the function queue in its order (docs/semantics.md#dispatch-and-pick), not
        // to whichever request arrives next.
        for slot in started {
            self.feed(ctx, slot);
        }
    }
}
