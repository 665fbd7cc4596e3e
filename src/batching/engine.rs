//! `BatchEngine`: one continuous-batching LLM server (vLLM v1 chunked prefill, FCFS) that a
//! platform drives with `enqueue`, `next_event` and `advance` (docs/semantics.md#continuous-batching).
//!
//! Knows nothing of dispatch, billing or metrics recorders: it reports completions and keeps
//! its own time integrals. Decisions are lazy: the step that starts at boundary b is decided
//! only when it is committed, and sees exactly the arrivals at or before b, so the result
//! does not depend on when the host asks.

use std::collections::VecDeque;

use super::plan::{Plan, Shape, StepPlan};
use super::run::Run;
use super::state::{Prefilling, Running, Seq};
use super::{Accounting, Completion, EngineConfig, EnqueueError, Request};
use crate::time::SimTime;

const PS_PER_NS: u128 = 1_000;

/// One engine: its running batch, waiting queue, and the boundary where its next step starts.
#[derive(Clone, Debug)]
pub struct BatchEngine {
    pub(super) cfg: EngineConfig,
    pub(super) running: Running,
    /// Preempted sequences at the head, then arrivals in arrival order.
    pub(super) waiting: VecDeque<Seq>,
    /// (time in ps, request id) of aborts not yet applied, in time order.
    pub(super) aborts: VecDeque<(u128, u64)>,
    /// Start of the next undecided step, in picoseconds.
    pub(super) boundary_ps: u128,
    next_admission: u64,
    /// The latest time the host has reached (advance, enqueue or abort).
    host_now: SimTime,
    stats: Accounting,
    /// The plan at `boundary_ps`, once worked out; every change of state drops it.
    plan: Option<Plan>,
    /// The buffer of the last step plan's chunks, kept so that planning does not allocate.
    pub(super) spare_chunks: Vec<u64>,
}

impl BatchEngine {
    pub fn new(cfg: EngineConfig) -> BatchEngine {
        BatchEngine {
            cfg,
            running: Running::default(),
            waiting: VecDeque::new(),
            aborts: VecDeque::new(),
            boundary_ps: 0,
            next_admission: 0,
            host_now: SimTime::ZERO,
            stats: Accounting::default(),
            plan: None,
            spare_chunks: Vec::new(),
        }
    }

    pub fn config(&self) -> &EngineConfig {
        &self.cfg
    }

    /// Time integrals and counters of the steps committed so far.
    pub fn accounting(&self) -> &Accounting {
        &self.stats
    }

    /// Requests in the engine: running and waiting (what a dispatcher calls in flight).
    pub fn in_flight(&self) -> usize {
        self.running.len() + self.waiting.len()
    }

    pub fn running_len(&self) -> usize {
        self.running.len()
    }

    /// A request arrives at `now` and joins the first step that starts at or after `now`.
    /// Call `advance(now)` first so that completions at `now` come before it.
    pub fn enqueue(&mut self, req: Request, now: SimTime) -> Result<(), EnqueueError> {
        self.observe(now);
        if req.context_tokens == 0 || req.output_tokens == 0 {
            return Err(EnqueueError::NoTokens { id: req.id });
        }
        let needed = req.context_tokens as u64 + req.output_tokens as u64 - 1;
        if needed > self.cfg.kv_capacity_tokens {
            return Err(EnqueueError::NeverFits {
                id: req.id,
                needed_tokens: needed,
                kv_capacity_tokens: self.cfg.kv_capacity_tokens,
            });
        }
        let arrival_ps = now.0 as u128 * PS_PER_NS;
        let was_empty = self.waiting.is_empty();
        self.waiting.push_back(Seq {
            id: req.id,
            arrival_ps,
            context: req.context_tokens,
            output: req.output_tokens,
            emitted: 0,
            preemptions: 0,
            first_token_ns: None,
        });
        self.after_arrival(arrival_ps, was_empty);
        Ok(())
    }

    /// Request `id` leaves the engine at the first step boundary at or after `now` (steps
    /// are atomic: a step already under way still completes it if it was its last). Unknown
    /// or finished ids are ignored.
    pub fn abort(&mut self, id: u64, now: SimTime) {
        self.observe(now);
        self.aborts.push_back((now.0 as u128 * PS_PER_NS, id));
        self.invalidate();
    }

    /// When the host should next call `advance`, if no request arrives before: the end of
    /// the step, or run of steps, that is next to change the batch (a first token, a
    /// completion, an admission, a preemption). `None` when idle.
    pub fn next_event(&mut self) -> Option<SimTime> {
        self.ensure_plan();
        self.plan.as_ref().map(|p| ns_floor(p.end()))
    }

    /// Commits every step that ends at or before `to` (event times are the floor in ns) and
    /// returns the requests completed by them, in completion order.
    pub fn advance(&mut self, to: SimTime) -> Vec<Completion> {
        let mut out = Vec::new();
        self.advance_into(to, &mut out);
        out
    }

    /// `advance`, appending the completions to `out` (a host that keeps one buffer saves an
    /// allocation per call).
    pub fn advance_into(&mut self, to: SimTime, out: &mut Vec<Completion>) {
        self.observe(to);
        let limit = (to.0 as u128 + 1) * PS_PER_NS;
        while self.ensure_plan() {
            let plan = self.plan.take().expect("ensured");
            let window = limit.saturating_sub(plan.start);
            match plan.shape {
                Shape::Step(step) if step.duration < window => {
                    self.apply_step(plan.start, step, out);
                }
                Shape::Run(run) => {
                    let m = run.steps_ending_within(window);
                    if m == 0 {
                        self.plan = Some(plan);
                        break;
                    }
                    self.apply_run(plan.start, &run, m, out);
                    if m < run.steps {
                        break;
                    }
                }
                Shape::Step(_) => {
                    self.plan = Some(plan);
                    break;
                }
            }
        }
    }

    /// Runs until the engine is empty, assuming nothing else arrives.
    pub fn drain(&mut self) -> Vec<Completion> {
        self.advance(SimTime::MAX)
    }

    /// Works out the plan at the boundary unless it is known; whether there is one.
    fn ensure_plan(&mut self) -> bool {
        if self.plan.is_none() {
            self.settle();
            self.plan = self.plan_now();
        }
        self.plan.is_some()
    }

    /// Keeps the plan where an arrival cannot change it: one after the boundary does not join
    /// the planned step, and it cuts a planned run short only when it heads the queue (a
    /// head that waits at the boundary keeps everyone behind it waiting until a finish).
    /// The cut is the one `plan_now` would make. Anything else replans.
    fn after_arrival(&mut self, arrival_ps: u128, was_empty: bool) {
        let boundary = self.boundary_ps;
        match self.plan.as_mut().map(|p| &mut p.shape) {
            Some(Shape::Step(_)) if arrival_ps > boundary => {}
            Some(Shape::Run(run)) if arrival_ps > boundary => {
                if was_empty {
                    run.steps = run.steps_starting_within(arrival_ps - boundary);
                }
            }
            _ => self.invalidate(),
        }
    }

    /// Drops the plan after a change of state, keeping its chunk buffer.
    fn invalidate(&mut self) {
        if let Some(Plan {
            shape: Shape::Step(step),
            ..
        }) = self.plan.take()
        {
            self.spare_chunks = step.chunks;
        }
    }

    /// The host's clock only moves forward; a call out of order is a bug in the host.
    fn observe(&mut self, now: SimTime) {
        assert!(
            now >= self.host_now,
            "invariant: engine calls come in time order ({now} after {})",
            self.host_now
        );
        self.host_now = now;
    }

    /// Brings the boundary to the next arrival when nothing runs, and applies the aborts due
    /// at it; both are known facts, so this is safe before any plan is committed.
    fn settle(&mut self) {
        loop {
            if self.running.is_empty()
                && let Some(head) = self.waiting.front()
            {
                self.boundary_ps = self.boundary_ps.max(head.arrival_ps);
            }
            match self.aborts.front() {
                Some(&(ps, id)) if ps <= self.boundary_ps => {
                    self.aborts.pop_front();
                    if self.running.remove(id).is_none() {
                        self.waiting.retain(|s| s.id != id);
                    }
                }
                _ => break,
            }
        }
    }

    fn apply_step(&mut self, start: u128, step: StepPlan, out: &mut Vec<Completion>) {
        let end = start + step.duration;
        for _ in 0..step.victims {
            let mut s = self
                .running
                .pop_most_recent()
                .expect("invariant: a planned victim is running");
            s.preemptions += 1;
            self.stats.preemptions += 1;
            self.waiting.push_front(s);
        }
        let decoders = self.running.decoders.len() as u64;
        self.running.decode_all();
        self.record(step.duration, step.batch, step.held as u128 * step.duration);
        self.stats.output_tokens += decoders;
        let continuing = step.chunks.len() - step.admitted;
        for (pf, &c) in self
            .running
            .prefilling
            .iter_mut()
            .zip(&step.chunks[..continuing])
        {
            pf.done += c;
        }
        while self
            .running
            .prefilling
            .front()
            .is_some_and(|p| p.done == p.prompt)
        {
            let p = self.running.prefilling.pop_front().expect("checked");
            self.finish_prefill(p, end, out);
        }
        for &c in &step.chunks[continuing..] {
            let seq = self
                .waiting
                .pop_front()
                .expect("invariant: a planned admission waits");
            let p = Prefilling {
                admitted: self.next_admission,
                seq,
                prompt: seq.prompt(),
                done: c,
            };
            self.next_admission += 1;
            self.running.held += p.prompt;
            if c == p.prompt {
                self.finish_prefill(p, end, out);
            } else {
                self.running.prefilling.push_back(p);
            }
        }
        self.stats.prefill_tokens += step.chunks.iter().sum::<u64>();
        self.finish_decoders(end, out);
        self.boundary_ps = end;
        self.spare_chunks = step.chunks;
    }

    fn apply_run(&mut self, start: u128, run: &Run, m: u64, out: &mut Vec<Completion>) {
        let duration = run.duration(m);
        let kv = run.kv_time(m, self.running.held);
        self.record(duration, self.running.len() as u64, kv);
        self.stats.steps += m - 1;
        self.stats.output_tokens += run.decoders * m;
        self.running.decode_all_n(m);
        self.finish_decoders(start + duration, out);
        self.boundary_ps = start + duration;
    }

    fn record(&mut self, duration: u128, batch: u64, kv_ps: u128) {
        self.stats.steps += 1;
        self.stats.busy_ps += duration;
        self.stats.batch_ps += batch as u128 * duration;
        self.stats.kv_ps = self.stats.kv_ps.saturating_add(kv_ps);
    }

    /// The step that completes a prompt emits one output token; the first one ends TTFT.
    fn finish_prefill(&mut self, p: Prefilling, end: u128, out: &mut Vec<Completion>) {
        let mut seq = p.seq;
        seq.emitted += 1;
        self.stats.output_tokens += 1;
        seq.first_token_ns.get_or_insert(ns_floor(end).0);
        if seq.emitted == seq.output {
            self.running.held -= p.prompt;
            self.complete(seq, end, out);
        } else {
            self.running.add_decoder(p.admitted, seq, p.prompt);
        }
    }

    fn finish_decoders(&mut self, end: u128, out: &mut Vec<Completion>) {
        while let Some(a) = self.running.finished_now() {
            let seq = self.running.remove_decoder(a);
            self.complete(seq, end, out);
        }
    }

    fn complete(&mut self, seq: Seq, end: u128, out: &mut Vec<Completion>) {
        self.stats.completed += 1;
        out.push(Completion {
            id: seq.id,
            arrival: ns_floor(seq.arrival_ps),
            first_token: SimTime(
                seq.first_token_ns
                    .expect("invariant: a completed request has emitted its first token"),
            ),
            finish: ns_floor(end),
            output_tokens: seq.output,
            preemptions: seq.preemptions,
        });
    }
}

fn ns_floor(ps: u128) -> SimTime {
    // A 64-bit division unless the time is past 213 days (2^64 ps).
    match u64::try_from(ps) {
        Ok(ps) => SimTime(ps / PS_PER_NS as u64),
        Err(_) => SimTime((ps / PS_PER_NS) as u64),
    }
}
