//! The sequences inside one engine and the aggregates the scheduler reads in O(1): the
//! running set split into decoders (indexed by when they finish) and prefilling sequences.
//!
//! Knows nothing of time or step prices. Decoders are stored against a global decode
//! clock, the number of steps taken, so that a step advances every decoder at once without
//! touching them: a decoder's emitted tokens and KV length are `value at join + (clock −
//! join clock)`, because every running decoder decodes in every step.

use std::collections::VecDeque;

use super::decoders::Decoders;

/// A request while it is in the engine.
#[derive(Clone, Copy, Debug)]
pub(super) struct Seq {
    pub id: u64,
    /// Arrival, in picoseconds: it may join a step that starts at or after this instant.
    pub arrival_ps: u128,
    pub context: u32,
    pub output: u32,
    /// Output tokens emitted so far; kept across preemptions.
    pub emitted: u32,
    pub preemptions: u32,
    /// When its first output token was emitted (ns), once it has been.
    pub first_token_ns: Option<u64>,
}

impl Seq {
    /// What it must prefill on (re-)admission: its context and every token it has generated.
    pub fn prompt(&self) -> u64 {
        self.context as u64 + self.emitted as u64
    }
}

/// A running sequence past its prefill.
#[derive(Clone, Copy, Debug)]
pub(super) struct Decoder {
    /// `emitted` as of `joined`.
    pub seq: Seq,
    pub joined: u64,
    pub kv_at_join: u64,
}

impl Decoder {
    pub fn kv(&self, clock: u64) -> u64 {
        self.kv_at_join + (clock - self.joined)
    }

    pub fn emitted(&self, clock: u64) -> u32 {
        self.seq.emitted + (clock - self.joined) as u32
    }

    /// The clock value at the end of the step that emits its last token.
    pub fn done_at(&self) -> u64 {
        self.joined + (self.seq.output - self.seq.emitted) as u64
    }
}

/// A running sequence still prefilling; its whole prompt's KV is held from admission.
#[derive(Clone, Copy, Debug)]
pub(super) struct Prefilling {
    pub admitted: u64,
    pub seq: Seq,
    pub prompt: u64,
    pub done: u64,
}

/// The running set in admission order: decoders first, then prefilling sequences (prefill
/// budget goes in admission order, so a later admission never finishes its prefill before
/// an earlier one and the prefilling sequences are always the most recently admitted).
#[derive(Clone, Debug, Default)]
pub(super) struct Running {
    pub decoders: Decoders,
    pub prefilling: VecDeque<Prefilling>,
    /// Steps taken so far.
    pub clock: u64,
    /// Σ KV length of the decoders.
    pub decoders_kv: u64,
    /// KV tokens held: decoders' KV plus prefilling sequences' whole prompts.
    pub held: u64,
}

impl Running {
    pub fn len(&self) -> usize {
        self.decoders.len() + self.prefilling.len()
    }

    pub fn is_empty(&self) -> bool {
        self.decoders.is_empty() && self.prefilling.is_empty()
    }

    /// Steps until the next decoder finishes (≥ 1), if any decodes.
    pub fn steps_to_next_finish(&self) -> Option<u64> {
        self.decoders
            .next_finish()
            .map(|(done, _)| done - self.clock)
    }

    pub fn add_decoder(&mut self, admitted: u64, seq: Seq, kv: u64) {
        let d = Decoder {
            seq,
            joined: self.clock,
            kv_at_join: kv,
        };
        self.decoders_kv += kv;
        self.decoders.insert(admitted, d);
    }

    /// Removes a decoder, frees its KV and returns it with `emitted` brought up to date.
    pub fn remove_decoder(&mut self, admitted: u64) -> Seq {
        let d = self
            .decoders
            .remove(admitted)
            .expect("invariant: a decoder's admission number is in the decoder map");
        let kv = d.kv(self.clock);
        self.decoders_kv -= kv;
        self.held -= kv;
        Seq {
            emitted: d.emitted(self.clock),
            ..d.seq
        }
    }

    /// Advances every decoder by one token.
    pub fn decode_all(&mut self) {
        let d = self.decoders.len() as u64;
        self.clock += 1;
        self.decoders_kv += d;
        self.held += d;
    }

    /// Advances every decoder by `n` tokens (a run of `n` steps without prefill).
    pub fn decode_all_n(&mut self, n: u64) {
        let d = self.decoders.len() as u64;
        self.clock += n;
        self.decoders_kv += d * n;
        self.held += d * n;
    }

    /// Admission number of a decoder finishing at the current clock, if any.
    pub fn finished_now(&self) -> Option<u64> {
        match self.decoders.next_finish() {
            Some((done, admitted)) if done == self.clock => Some(admitted),
            _ => None,
        }
    }

    /// Removes the running sequence `id` (an abort), freeing its KV; O(running), which an
    /// abort may cost because it is itself an event.
    pub fn remove(&mut self, id: u64) -> Option<Seq> {
        let decoder = self
            .decoders
            .iter_rev()
            .find(|(_, d)| d.seq.id == id)
            .map(|(a, _)| a);
        if let Some(a) = decoder {
            return Some(self.remove_decoder(a));
        }
        let i = self.prefilling.iter().position(|p| p.seq.id == id)?;
        let p = self.prefilling.remove(i)?;
        self.held -= p.prompt;
        Some(p.seq)
    }

    /// The most recently admitted running sequence, removed with its KV freed: the victim of
    /// a preemption (prefilling sequences are always the most recent, see `Running`).
    pub fn pop_most_recent(&mut self) -> Option<Seq> {
        if let Some(p) = self.prefilling.pop_back() {
            self.held -= p.prompt;
            return Some(p.seq);
        }
        let a = self.decoders.last()?;
        Some(self.remove_decoder(a))
    }

    /// KV each running sequence would free if preempted, most recently admitted first.
    pub fn victims(&self) -> impl Iterator<Item = Victim> + '_ {
        let clock = self.clock;
        let prefilling = self.prefilling.iter().rev().map(|p| Victim {
            seq: p.seq,
            kv: p.prompt,
            decoding: false,
        });
        let decoders = self.decoders.iter_rev().map(move |(_, d)| Victim {
            seq: Seq {
                emitted: d.emitted(clock),
                ..d.seq
            },
            kv: d.kv(clock),
            decoding: true,
        });
        prefilling.chain(decoders)
    }
}

/// A running sequence as a preemption would see it.
#[derive(Clone, Copy, Debug)]
pub(super) struct Victim {
    pub seq: Seq,
    pub kv: u64,
    pub decoding: bool,
}
