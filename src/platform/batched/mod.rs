//! Continuous batching on a platform (docs/semantics.md#continuous-batching): the engines
//! of one platform, one `BatchEngine` per serverless container or dedicated GPU group,
//! indexed like the platform's own slots, and what they add up to.
//!
//! Deliberately knows no dispatch, scaling or billing: the platform decides which slot a
//! request goes to and keeps it in its own input places (a request's engine id names its
//! place), wakes a slot's engine at the time `reschedule` hands back, and records what the
//! completions say. `BatchEngine` knows nothing of platforms either; this is the glue.

mod estimate;

use std::collections::VecDeque;

use crate::batching::{self, BatchEngine, Completion, EngineConfig};
use crate::metrics::{EngineTotals, Recorder};
use crate::time::SimTime;
use crate::workload::Request;

/// The engine every container or GPU group of a platform runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineSpec {
    pub config: EngineConfig,
    /// GPUs one engine spans (billed as that many GPUs).
    pub tensor_parallel: u32,
}

/// One slot's engine and the bookkeeping that ties its requests to the slot's places.
#[derive(Clone, Debug)]
struct Slot {
    engine: BatchEngine,
    /// The engine id of the request in each place, 0 when the place holds none. An id is
    /// `serial << 32 | place`, so a place reused while the engine still holds an aborted
    /// request (it leaves at the next step boundary) gets a different id.
    ids: Vec<u64>,
    serial: u32,
    /// Moves on whenever the pending wake-up is replaced: wake-ups of another generation
    /// are stale.
    generation: u32,
    /// When the engine expects its pending wake-up.
    wake: Option<SimTime>,
    /// Execution deadlines (time, id) in start order: with one timeout for every request,
    /// start order is deadline order.
    deadlines: VecDeque<(SimTime, u64)>,
    /// The deadline a pending timer event was scheduled for.
    timer: Option<SimTime>,
}

/// The engines of one platform, by slot.
#[derive(Clone, Debug)]
pub struct Engines {
    spec: EngineSpec,
    slots: Vec<Slot>,
    totals: EngineTotals,
    /// The vector the last wake-up's completions came in, handed back (`recycle`) so that
    /// wake-ups do not allocate.
    spare: Vec<Completion>,
}

impl Engines {
    pub fn new(spec: EngineSpec) -> Engines {
        Engines {
            spec,
            slots: Vec::new(),
            totals: EngineTotals::default(),
            spare: Vec::new(),
        }
    }

    pub fn spec(&self) -> &EngineSpec {
        &self.spec
    }

    fn slot(&mut self, slot: u32) -> &mut Slot {
        let i = slot as usize;
        if i >= self.slots.len() {
            let fresh = Slot {
                engine: BatchEngine::new(self.spec.config),
                ids: Vec::new(),
                serial: 0,
                generation: 0,
                wake: None,
                deadlines: VecDeque::new(),
                timer: None,
            };
            self.slots.resize(i + 1, fresh);
        }
        &mut self.slots[i]
    }

    /// Whether a request of these token counts can ever finish on this engine (its prompt
    /// and output fit the KV cache).
    pub fn fits(&self, (context, output): (u32, u32)) -> bool {
        context as u64 + output as u64 - 1 <= self.spec.config.kv_capacity_tokens
    }

    /// The request in `place` of `slot` joins the slot's engine at `now`.
    pub fn enqueue(&mut self, slot: u32, place: u32, tokens: (u32, u32), now: SimTime) -> u64 {
        let s = self.slot(slot);
        s.serial = s.serial.wrapping_add(1).max(1);
        let id = ((s.serial as u64) << 32) | place as u64;
        if s.ids.len() <= place as usize {
            s.ids.resize(place as usize + 1, 0);
        }
        s.ids[place as usize] = id;
        let req = batching::Request {
            id,
            context_tokens: tokens.0,
            output_tokens: tokens.1,
        };
        s.engine
            .enqueue(req, now)
            .expect("invariant: the platform enqueues only requests that fit (Engines::fits)");
        id
    }

    /// The place of the request a completion names, if it still holds it (not aborted).
    pub fn place_of(&self, slot: u32, c: &Completion) -> Option<u32> {
        let place = c.id as u32;
        let s = self.slots.get(slot as usize)?;
        (s.ids.get(place as usize) == Some(&c.id)).then_some(place)
    }

    /// Frees `place` of `slot` after its request completed.
    pub fn release(&mut self, slot: u32, place: u32) {
        self.slot(slot).ids[place as usize] = 0;
    }

    /// The wake-up `generation` of `slot` is due at `now`: the requests its engine
    /// completed by now, in completion order, or `None` if the wake-up is stale. Hand the
    /// vector back with `recycle` once read.
    pub fn wake(&mut self, slot: u32, generation: u32, now: SimTime) -> Option<Vec<Completion>> {
        let mut done = std::mem::take(&mut self.spare);
        let s = self.slot(slot);
        if s.generation != generation {
            self.spare = done;
            return None;
        }
        s.wake = None;
        done.clear();
        s.engine.advance_into(now, &mut done);
        Some(done)
    }

    /// Takes back the vector a wake-up returned, to reuse its allocation.
    pub fn recycle(&mut self, done: Vec<Completion>) {
        self.spare = done;
    }

    /// When `slot`'s engine next needs a wake-up, with its generation, if that changed
    /// since the last call: the platform schedules it (the one pending before is stale).
    pub fn reschedule(&mut self, slot: u32) -> Option<(SimTime, u32)> {
        let s = self.slot(slot);
        let next = s.engine.next_event();
        if next == s.wake {
            return None;
        }
        s.generation = s.generation.wrapping_add(1);
        s.wake = next;
        next.map(|t| (t, s.generation))
    }

    /// Requests in `slot`'s engine (running and waiting, aborted ones included until
    /// they leave at a step boundary).
    pub fn in_engine(&self, slot: u32) -> usize {
        self.slots
            .get(slot as usize)
            .map_or(0, |s| s.engine.in_flight())
    }

    /// Records the execution deadline of request `id` of `slot`; returns the instant a
    /// timer must be scheduled for, if none is pending.
    pub fn add_deadline(&mut self, slot: u32, id: u64, deadline: SimTime) -> Option<SimTime> {
        let s = self.slot(slot);
        debug_assert!(s.deadlines.back().is_none_or(|&(d, _)| d <= deadline));
        s.deadlines.push_back((deadline, id));
        if s.timer.is_some() {
            return None;
        }
        s.timer = Some(deadline);
        s.timer
    }

    /// The deadline timer of `slot` fires at `now`: the places whose request is still in
    /// the engine past its deadline (aborted: it leaves at the next step boundary), and
    /// when to schedule the next timer.
    pub fn expire(&mut self, slot: u32, now: SimTime) -> (Vec<u32>, Option<SimTime>) {
        let s = self.slot(slot);
        if s.timer != Some(now) {
            return (Vec::new(), None);
        }
        s.timer = None;
        let mut places = Vec::new();
        while let Some(&(deadline, id)) = s.deadlines.front() {
            if deadline > now {
                break;
            }
            s.deadlines.pop_front();
            let place = id as u32;
            if s.ids.get(place as usize) == Some(&id) {
                s.ids[place as usize] = 0;
                s.engine.abort(id, now);
                places.push(place);
            }
        }
        s.timer = s.deadlines.front().map(|&(d, _)| d);
        (places, s.timer)
    }

    /// The slot's tenant is gone (its container stopped, its instance was interrupted):
    /// the engine's figures join the totals and a fresh engine waits for the next one.
    /// Pending wake-ups and timers become stale.
    pub fn reset(&mut self, slot: u32) {
        let cap = self.spec.config.kv_capacity_tokens;
        let fresh = BatchEngine::new(self.spec.config);
        let s = self.slot(slot);
        let old = std::mem::replace(&mut s.engine, fresh);
        s.ids.clear();
        s.generation = s.generation.wrapping_add(1);
        s.wake = None;
        s.deadlines.clear();
        s.timer = None;
        add(&mut self.totals, old.accounting(), cap);
    }

    /// The totals over every engine, those still running included (their committed
    /// steps), at the end of the replica.
    pub fn finish(mut self) -> EngineTotals {
        let cap = self.spec.config.kv_capacity_tokens;
        for s in &self.slots {
            add(&mut self.totals, s.engine.accounting(), cap);
        }
        self.totals
    }
}

fn add(t: &mut EngineTotals, a: &batching::Accounting, kv_capacity_tokens: u64) {
    t.merge(&EngineTotals {
        busy_ps: a.busy_ps,
        batch_ps: a.batch_ps,
        kv_share_ps: a.kv_ps as f64 / kv_capacity_tokens as f64,
        preemptions: a.preemptions,
        steps: a.steps,
    });
}

#[cfg(test)]
mod tests;

/// Whether a platform's `engines` (if it has any) can never finish `req`: such a request
/// fails at arrival, counted in `recorder`, and is never queued (like a prompt longer than
/// vLLM's `max_model_len`).
#[inline]
pub fn refuses(engines: Option<&Engines>, req: &Request, recorder: &mut Recorder) -> bool {
    match engines {
        Some(engines) if !engines.fits(req.tokens()) => {
            recorder.counts.failed += 1;
            true
        }
        _ => false,
    }
}
