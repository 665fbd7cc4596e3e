//! What the engine's next step, or run of identical-membership steps, will do, worked out
//! from the current state without changing it (docs/semantics.md#continuous-batching).
//!
//! Does not apply anything: `engine` commits a plan once every arrival that could change it
//! is known, so the same plan answers `next_event` and drives `advance`.

use super::engine::BatchEngine;
use super::run::{MAX_RUN_STEPS, Run};
use super::state::Seq;

/// The next thing the engine will do from its current boundary.
#[derive(Clone, Debug)]
pub(super) struct Plan {
    /// Start of the step, in picoseconds.
    pub start: u128,
    pub shape: Shape,
}

#[derive(Clone, Debug)]
pub(super) enum Shape {
    /// One step with preemptions or prefill work.
    Step(StepPlan),
    /// Decode-only steps of a fixed batch: nothing joins, leaves or is preempted before the
    /// run's last step.
    Run(Run),
}

#[derive(Clone, Debug, Default)]
pub(super) struct StepPlan {
    /// Running sequences preempted at the boundary, most recently admitted first.
    pub victims: usize,
    /// Prefill chunks in budget order: sequences already prefilling, then admissions.
    pub chunks: Vec<u64>,
    /// How many of `chunks` are admissions from the waiting queue.
    pub admitted: usize,
    pub duration: u128,
    /// Sequences running during the step (the time-average batch size counts these).
    pub batch: u64,
    /// KV tokens held during the step.
    pub held: u64,
}

impl Plan {
    /// End of the whole plan (every step of a run), in picoseconds.
    pub fn end(&self) -> u128 {
        match &self.shape {
            Shape::Step(s) => self.start + s.duration,
            Shape::Run(r) => self.start + r.duration(r.steps),
        }
    }
}

/// Phase 1 of a boundary: which running sequences the decode tokens' KV evicts.
struct Preemption {
    victims: Vec<Seq>,
    prefilling_victims: usize,
    /// Decoders left, each decoding one token.
    decoders: u64,
    /// Σ KV of the decoders left, before this step's token.
    decoders_kv: u64,
    /// Free KV after the victims leave, before the decode tokens are taken.
    free: u64,
}

impl BatchEngine {
    /// The plan at the current boundary; `None` when the engine has nothing to do. The caller
    /// has settled the boundary (idle jump, due aborts) first. Reuses the spare chunk buffer.
    pub(super) fn plan_now(&mut self) -> Option<Plan> {
        if self.running.is_empty() && self.waiting.is_empty() {
            return None;
        }
        let pre = self.preemption();
        let mut chunks = std::mem::take(&mut self.spare_chunks);
        chunks.clear();
        let step = self.compose(&pre, chunks);
        let shape = if step.victims == 0 && step.chunks.is_empty() {
            self.spare_chunks = step.chunks;
            Shape::Run(self.run(&pre))
        } else {
            Shape::Step(step)
        };
        Some(Plan {
            start: self.boundary_ps,
            shape,
        })
    }

    /// Every decoder needs one free KV token; while they do not all fit, the most recently
    /// admitted running sequence is preempted (docs/semantics.md#continuous-batching).
    fn preemption(&self) -> Preemption {
        let mut free = self.cfg.kv_capacity_tokens - self.running.held;
        let mut decoders = self.running.decoders.len() as u64;
        let mut decoders_kv = self.running.decoders_kv;
        let (mut victims, mut prefilling_victims) = (Vec::new(), 0);
        let mut order = self.running.victims();
        while free < decoders {
            let v = order
                .next()
                .expect("invariant: preempting every running sequence frees enough KV");
            free += v.kv;
            if v.decoding {
                decoders -= 1;
                decoders_kv -= v.kv;
            } else {
                prefilling_victims += 1;
            }
            victims.push(v.seq);
        }
        Preemption {
            victims,
            prefilling_victims,
            decoders,
            decoders_kv,
            free,
        }
    }

    /// Phase 2: the budget left after the decode tokens goes to prefill chunks, first to
    /// sequences already prefilling, then to waiting requests in order (victims at the head).
    fn compose(&self, pre: &Preemption, mut chunks: Vec<u64>) -> StepPlan {
        let st = &self.cfg.step_time;
        let mut budget = self.cfg.max_batched_tokens as u64 - pre.decoders;
        let mut spare = pre.free - pre.decoders;
        let mut batch = self.running.len() as u64 - pre.victims.len() as u64;
        let (mut p, mut k) = (0u64, pre.decoders_kv + pre.decoders);
        let keep = self.running.prefilling.len() - pre.prefilling_victims;
        for pf in self.running.prefilling.iter().take(keep) {
            let c = (pf.prompt - pf.done).min(budget);
            if c == 0 {
                break;
            }
            (budget, p, k) = (budget - c, p + c, k + pf.done + c);
            chunks.push(c);
        }
        let before = chunks.len();
        let queue = pre.victims.iter().rev().chain(self.waiting.iter());
        for s in queue {
            let prompt = s.prompt();
            let admissible = batch < self.cfg.max_num_seqs as u64 && budget > 0;
            if !admissible || s.arrival_ps > self.boundary_ps || spare < prompt {
                break;
            }
            let c = prompt.min(budget);
            (budget, p, k, spare, batch) = (budget - c, p + c, k + c, spare - prompt, batch + 1);
            chunks.push(c);
        }
        StepPlan {
            victims: pre.victims.len(),
            admitted: chunks.len() - before,
            duration: st.step_ps(p, pre.decoders, k),
            batch,
            held: self.cfg.kv_capacity_tokens - spare,
            chunks,
        }
    }

    /// A decode-only run: it lasts until a decoder finishes, the KV runs out, or an arrival
    /// or abort could change the batch at a later boundary.
    fn run(&self, pre: &Preemption) -> Run {
        let st = &self.cfg.step_time;
        let d = pre.decoders;
        assert!(
            d > 0,
            "invariant: a step without prefill or preemption decodes"
        );
        let to_finish = self
            .running
            .steps_to_next_finish()
            .expect("invariant: a decoding batch has a next finish");
        let mut run = Run {
            steps: to_finish.min(pre.free / d).min(MAX_RUN_STEPS),
            first: st.step_ps(0, d, pre.decoders_kv + d),
            growth: st.per_kv_token as u128 * d as u128,
            decoders: d,
        };
        let head = self.waiting.front().map(|s| s.arrival_ps);
        let abort = self.aborts.front().map(|&(ps, _)| ps);
        for change in [head, abort].into_iter().flatten() {
            if change > self.boundary_ps {
                run.steps = run.steps_starting_within(change - self.boundary_ps);
            }
        }
        run
    }
}
