//! GPUs that run a batching engine (a `tokens` service,
//! docs/semantics.md#continuous-batching): an assigned request joins its GPU's engine
//! instead of timing itself, and the engine's step boundaries wake the GPU.
//!
//! Dispatch, spot notices, requeues and draining are the fleet's as for any service: a
//! request in an engine holds its input slot from assignment until it completes.

use super::{Dedicated, DedicatedEvent};
use crate::engine::Context;
use crate::workload::Request;

impl Dedicated {
    /// `req`, on input slot `input` of `gpu`, joins the GPU's engine now.
    #[inline(never)]
    pub(super) fn join_engine<E: From<DedicatedEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        gpu: u32,
        input: u32,
        req: Request,
    ) {
        let place = input - gpu * self.fleet.max_inputs();
        let engines = self.engines.as_mut().expect("a batched fleet");
        engines.enqueue(gpu, place, req.tokens(), ctx.now());
        self.wake_engine(ctx, gpu);
    }

    #[inline(never)]
    fn wake_engine<E: From<DedicatedEvent>>(&mut self, ctx: &mut Context<E>, gpu: u32) {
        let engines = self.engines.as_mut().expect("a batched fleet");
        if let Some((at, generation)) = engines.reschedule(gpu) {
            ctx.schedule(at, DedicatedEvent::EngineStep { gpu, generation }.into());
        }
    }

    /// The engine's step boundary: its completed requests free their input slots, each
    /// as a completion on a GPU without an engine would.
    #[inline(never)]
    pub(super) fn on_engine_step<E: From<DedicatedEvent>>(
        &mut self,
        ctx: &mut Context<E>,
        gpu: u32,
        generation: u32,
    ) {
        let now = ctx.now();
        let engines = self.engines.as_mut().expect("a batched fleet");
        let Some(done) = engines.wake(gpu, generation, now) else {
            return;
        };
        let first = gpu * self.fleet.max_inputs();
        for c in &done {
            let engines = self.engines.as_mut().expect("a batched fleet");
            let place = engines
                .place_of(gpu, c)
                .expect("invariant: dedicated engines never abort");
            engines.release(gpu, place);
            let epoch = self.fleet.epoch(gpu);
            let (run, _) = self
                .fleet
                .complete(first + place, epoch, c.finish)
                .expect("invariant: an engine's request holds its input slot");
            self.in_flight -= 1;
            let (arrival, start) = (run.req.arrival, run.start);
            self.recorder.completed_tokens(
                (arrival, start),
                c.first_token,
                c.finish,
                c.output_tokens,
            );
            self.after_completion(ctx, gpu, now);
        }
        self.engines
            .as_mut()
            .expect("a batched fleet")
            .recycle(done);
        self.wake_engine(ctx, gpu);
    }

    /// `vm` stops (interrupted, drained or at its end): its engines' figures join the
    /// totals, and whatever they still held is gone with them (the fleet has already
    /// requeued or failed it).
    pub(super) fn stop_engines(&mut self, vm: u32) {
        if let Some(engines) = &mut self.engines {
            for gpu in self.fleet.gpus_of(vm) {
                engines.reset(gpu);
            }
        }
    }
}
