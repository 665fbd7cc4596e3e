//! A reference engine for tests: one step at a time, each rule applied literally, with no
//! closed forms and no lazy decisions (docs/semantics.md#continuous-batching).

use std::collections::VecDeque;

use super::{Accounting, Completion, EngineConfig, Request};
use crate::time::SimTime;

#[derive(Clone, Debug)]
struct Seq {
    req: Request,
    arrival_ps: u128,
    emitted: u32,
    preemptions: u32,
    first_token: Option<u64>,
    /// KV held: the whole prompt while prefilling, the KV length once decoding.
    kv: u64,
    prefilled: u64,
    decoding: bool,
}

impl Seq {
    fn prompt(&self) -> u64 {
        self.req.context_tokens as u64 + self.emitted as u64
    }
}

/// Runs `arrivals` (time order) and `aborts` (time order) to the end, step by step.
pub(super) fn simulate(
    cfg: &EngineConfig,
    arrivals: &[(SimTime, Request)],
    aborts: &[(SimTime, u64)],
) -> (Vec<Completion>, Accounting) {
    let ps = |t: SimTime| t.0 as u128 * 1_000;
    let mut pending: VecDeque<Seq> = arrivals
        .iter()
        .map(|&(t, req)| Seq {
            req,
            arrival_ps: ps(t),
            emitted: 0,
            preemptions: 0,
            first_token: None,
            kv: 0,
            prefilled: 0,
            decoding: false,
        })
        .collect();
    let mut aborts: VecDeque<(u128, u64)> = aborts.iter().map(|&(t, id)| (ps(t), id)).collect();
    let (mut running, mut waiting) = (Vec::<Seq>::new(), VecDeque::<Seq>::new());
    let (mut out, mut acc, mut b) = (Vec::new(), Accounting::default(), 0u128);
    loop {
        if running.is_empty() && waiting.is_empty() {
            match pending.front() {
                Some(s) => b = b.max(s.arrival_ps),
                None => break,
            }
        }
        while pending.front().is_some_and(|s| s.arrival_ps <= b) {
            waiting.push_back(pending.pop_front().unwrap());
        }
        while aborts.front().is_some_and(|&(t, _)| t <= b) {
            let (_, id) = aborts.pop_front().unwrap();
            running.retain(|s| s.req.id != id);
            waiting.retain(|s| s.req.id != id);
            pending.retain(|s| s.req.id != id);
        }
        if running.is_empty() && waiting.is_empty() {
            continue;
        }
        b = step(cfg, b, &mut running, &mut waiting, &mut out, &mut acc);
    }
    (out, acc)
}

/// One step from boundary `b`; returns its end.
fn step(
    cfg: &EngineConfig,
    b: u128,
    running: &mut Vec<Seq>,
    waiting: &mut VecDeque<Seq>,
    out: &mut Vec<Completion>,
    acc: &mut Accounting,
) -> u128 {
    let held = |r: &Vec<Seq>| r.iter().map(|s| s.kv).sum::<u64>();
    let mut d = running.iter().filter(|s| s.decoding).count() as u64;
    while cfg.kv_capacity_tokens - held(running) < d {
        let mut v = running.pop().expect("someone to preempt");
        d -= v.decoding as u64;
        (v.kv, v.prefilled, v.decoding) = (0, 0, false);
        v.preemptions += 1;
        acc.preemptions += 1;
        waiting.push_front(v);
    }
    let (mut budget, mut p, mut k) = (cfg.max_batched_tokens as u64 - d, 0u64, 0u64);
    let mut completing_prefill = Vec::new();
    for (i, s) in running.iter_mut().enumerate() {
        if s.decoding {
            s.kv += 1;
            k += s.kv;
        } else {
            let c = (s.prompt() - s.prefilled).min(budget);
            budget -= c;
            if c > 0 {
                s.prefilled += c;
                (p, k) = (p + c, k + s.prefilled);
                if s.prefilled == s.prompt() {
                    completing_prefill.push(i);
                }
            }
        }
    }
    while let Some(h) = waiting.front() {
        let free = cfg.kv_capacity_tokens - held(running);
        let ok = running.len() < cfg.max_num_seqs as usize && budget > 0;
        if !ok || h.arrival_ps > b || free < h.prompt() {
            break;
        }
        let mut s = waiting.pop_front().unwrap();
        s.kv = s.prompt();
        let c = s.prompt().min(budget);
        budget -= c;
        s.prefilled = c;
        (p, k) = (p + c, k + c);
        if c == s.prompt() {
            completing_prefill.push(running.len());
        }
        running.push(s);
    }
    let dur = cfg.step_time.step_ps(p, d, k);
    let end = b + dur;
    acc.steps += 1;
    acc.busy_ps += dur;
    acc.batch_ps += running.len() as u128 * dur;
    acc.kv_ps += held(running) as u128 * dur;
    acc.prefill_tokens += p;
    let end_ns = (end / 1_000) as u64;
    for s in running.iter_mut() {
        if s.decoding {
            s.emitted += 1;
        }
    }
    for &i in &completing_prefill {
        let s = &mut running[i];
        s.emitted += 1;
        s.decoding = true;
        s.first_token.get_or_insert(end_ns);
    }
    acc.output_tokens += d + completing_prefill.len() as u64;
    running.retain(|s| {
        let done = s.decoding && s.emitted == s.req.output_tokens;
        if done {
            acc.completed += 1;
            out.push(Completion {
                id: s.req.id,
                arrival: SimTime((s.arrival_ps / 1_000) as u64),
                first_token: SimTime(s.first_token.unwrap()),
                finish: SimTime(end_ns),
                output_tokens: s.req.output_tokens,
                preemptions: s.preemptions,
            });
        }
        !done
    });
    end
}
