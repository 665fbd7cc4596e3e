//! Containers that run a batching engine (a `tokens` service,
//! docs/semantics.md#continuous-batching): an execution joins the container's engine
//! instead of timing itself, the engine's step boundaries wake the container, and the
//! execution timeout aborts what is still in the engine.
//!
//! Dispatch, scaling, scaledown and preemption are the container's as for any service: a
//! request in the engine holds an input place from assignment until it completes.

use super::{Serverless, ServerlessEvent};
use crate::batching::Completion;
use crate::engine::Context;
use crate::workload::Request;

impl Serverless {
    /// `req`, in input place `place` of `slot`, joins the container's engine now.
    #[inline(never)]
    pub(super) fn join_engine<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        place: u32,
        req: Request,
    ) {
        let now = ctx.now();
        let life = self.fleet.get(slot).life;
        let engines = self.engines.as_mut().expect("a batched container");
        let id = engines.enqueue(slot, place, req.tokens(), now);
        if let Some(at) = engines.add_deadline(slot, id, now + self.cfg.execution_timeout) {
            ctx.schedule(at, ServerlessEvent::ExecDeadline { slot, life }.into());
        }
        self.wake_engine(ctx, slot);
    }

    /// Schedules the engine's next wake-up if it moved.
    #[inline(never)]
    fn wake_engine<E: From<ServerlessEvent>>(&mut self, ctx: &mut Context<E>, slot: u32) {
        let life = self.fleet.get(slot).life;
        let engines = self.engines.as_mut().expect("a batched container");
        if let Some((at, generation)) = engines.reschedule(slot) {
            let step = ServerlessEvent::EngineStep {
                slot,
                life,
                generation,
            };
            ctx.schedule(at, step.into());
        }
    }

    /// The engine's step boundary: its completed requests leave their places, then the
    /// container takes more work as any container that frees does.
    #[inline(never)]
    pub(super) fn on_engine_step<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        life: u32,
        generation: u32,
    ) {
        if !self.fleet.is_current(slot, life) {
            return;
        }
        let now = ctx.now();
        let engines = self.engines.as_mut().expect("a batched container");
        let Some(done) = engines.wake(slot, generation, now) else {
            return;
        };
        let mut freed = false;
        for c in &done {
            freed |= self.engine_completed(slot, c);
        }
        self.engines
            .as_mut()
            .expect("a batched container")
            .recycle(done);
        // Completions of requests already failed at their deadline free nothing: the
        // container went idle (or took more work) when they failed.
        if freed {
            self.feed(ctx, slot);
            self.autoscale(ctx);
        }
        self.wake_engine(ctx, slot);
    }

    /// A request the engine completed leaves its place, unless it was aborted at its
    /// deadline, and so has already failed; returns whether it freed a place.
    fn engine_completed(&mut self, slot: u32, c: &Completion) -> bool {
        let engines = self.engines.as_mut().expect("a batched container");
        let Some(place) = engines.place_of(slot, c) else {
            return false;
        };
        engines.release(slot, place);
        let run = self.fleet.exec_ended(slot, place, c.finish);
        self.in_flight -= 1;
        let (arrival, start) = (run.req.arrival, run.start);
        self.recorder
            .completed_tokens((arrival, start), c.first_token, c.finish, c.output_tokens);
        let container = self.fleet.get(slot);
        // docs/semantics.md#metrics: only requests that arrived before the boot ended.
        if container.boot_end > arrival {
            let waited = container.boot_end - arrival.max(container.created);
            self.recorder.cold_start_wait.record(waited);
        }
        true
    }

    /// Requests still in the engine `execution_timeout_s` after they started fail now
    /// and free their places; the engine drops them at its next step boundary.
    #[inline(never)]
    pub(super) fn on_exec_deadline<E: From<ServerlessEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        slot: u32,
        life: u32,
    ) {
        if !self.fleet.is_current(slot, life) {
            return;
        }
        let now = ctx.now();
        let engines = self.engines.as_mut().expect("a batched container");
        let (places, next) = engines.expire(slot, now);
        if let Some(at) = next {
            ctx.schedule(at, ServerlessEvent::ExecDeadline { slot, life }.into());
        }
        if places.is_empty() {
            return;
        }
        for place in places {
            self.fleet.exec_ended(slot, place, now);
            self.in_flight -= 1;
            self.recorder.counts.failed += 1;
        }
        self.wake_engine(ctx, slot);
        self.feed(ctx, slot);
        self.autoscale(ctx);
    }

    /// The container in `slot` stops: its engine's figures join the totals and the slot
    /// gets a fresh engine for its next tenant. Returns the GPUs the container bills.
    pub(super) fn stop_engine(&mut self, slot: u32) -> u32 {
        match &mut self.engines {
            Some(engines) => {
                engines.reset(slot);
                engines.spec().tensor_parallel
            }
            None => 1,
        }
    }
}
