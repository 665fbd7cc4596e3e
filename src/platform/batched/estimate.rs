//! Closed-form estimates of an engine's speed at given token counts, for what must be
//! known before anything runs (overload checks) or cannot wait for the simulation (a
//! hybrid's expected wait): the time of one request alone, and the throughput of a full
//! batch in steady state.
//!
//! Deliberately approximate (prefill chunking of a full batch and the spread of token
//! counts are averaged away); the engine itself is exact.

use super::EngineSpec;

impl EngineSpec {
    fn secs(&self) -> (f64, f64, f64, f64) {
        let s = self.config.step_time.as_secs();
        (
            s.base_s,
            s.per_prefill_token_s,
            s.per_decode_seq_s,
            s.per_kv_token_s,
        )
    }

    /// Seconds one request of `context` and `output` tokens takes alone on an idle
    /// engine: its prefill in chunks of `max_batched_tokens`, then `output − 1` decode
    /// steps, each reading the KV written so far.
    pub fn alone_s(&self, context: f64, output: f64) -> f64 {
        let (base, prefill, decode, kv) = self.secs();
        let (c, o) = (context.max(1.0), output.max(1.0));
        let budget = self.config.max_batched_tokens as f64;
        let chunks = (c / budget).ceil();
        // Σ prefix lengths after each chunk: full chunks of `budget`, then the rest.
        let full = chunks - 1.0;
        let prefixes = budget * full * (full + 1.0) / 2.0 + c;
        let prefill_s = chunks * base + prefill * c + kv * prefixes;
        let steps = o - 1.0;
        let decode_s = steps * (base + decode) + kv * (steps * c + steps * o / 2.0);
        prefill_s + decode_s
    }

    /// A full batch in steady state at these mean token counts: how many sequences run at
    /// once (`max_inputs`, or fewer when the step budget or the KV cache is the limit)
    /// and how long each stays (`output` steps of that batch).
    pub fn full_batch(&self, context: f64, output: f64) -> (f64, f64) {
        let (base, prefill, decode, kv) = self.secs();
        let (c, o) = (context.max(1.0), output.max(1.0));
        let cfg = &self.config;
        // Each step admits batch/o new sequences (their prompts) and decodes the rest.
        let by_budget = cfg.max_batched_tokens as f64 / (1.0 + c / o);
        let by_kv = cfg.kv_capacity_tokens as f64 / (c + o / 2.0);
        let batch = (cfg.max_num_seqs as f64)
            .min(by_budget)
            .min(by_kv)
            .floor()
            .max(1.0);
        let step = base
            + prefill * batch * c / o
            + decode * batch * (o - 1.0) / o
            + kv * batch * (c + o / 2.0);
        (batch, o * step)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::batching::{EngineConfig, StepTime};

    fn spec(budget: u32, kv: u64, seqs: u32) -> EngineSpec {
        let st = StepTime {
            base: 5_000_000_000,
            per_prefill_token: 1_000_000,
            per_decode_seq: 2_000_000,
            per_kv_token: 1_000,
        };
        EngineSpec {
            config: EngineConfig::new(st, kv, budget, seqs).unwrap(),
            tensor_parallel: 1,
        }
    }

    #[test]
    fn a_request_alone_costs_its_chunks_and_its_decode_steps() {
        // base 5 ms, 1 µs a prefill token, 2 µs a decode, 1 ns a KV token.
        let s = spec(100, 10_000, 4);
        // Chunks 100, 100, 50: prefixes 100, 200, 250; then 2 decode steps at K 251, 252.
        let prefill = 3.0 * 5e-3 + 250.0 * 1e-6 + 550.0 * 1e-9;
        let decode = 2.0 * (5e-3 + 2e-6) + (251.0 + 252.0) * 1e-9;
        assert!((s.alone_s(250.0, 3.0) - (prefill + decode)).abs() < 1e-12);
    }

    #[test]
    fn a_full_batch_is_capped_by_seqs_budget_or_kv() {
        assert_eq!(spec(8192, 1 << 30, 16).full_batch(100.0, 100.0).0, 16.0);
        // 8192 / (1 + 1000/10) = 81.1 sequences by budget.
        assert_eq!(spec(8192, 1 << 30, 256).full_batch(1000.0, 10.0).0, 81.0);
        // 10,000 KV tokens / (1000 + 50) = 9.5.
        assert_eq!(spec(8192, 10_000, 256).full_batch(1000.0, 100.0).0, 9.0);
    }
}
