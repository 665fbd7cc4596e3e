//! Batched GPU execution for LLM serving: a step-time model (roofline-derived or calibrated)
//! and `BatchEngine`, a continuous-batching server that turns token-count requests into
//! first-token and completion times (docs/semantics.md#continuous-batching).
//!
//! Deliberately knows nothing of platforms, dispatch, billing or scenario files: a platform
//! owns one `BatchEngine` per container or GPU, feeds it arrivals in time order, wakes it at
//! `next_event`, and records what `advance` returns.
//!
//! Simulating costs O(arrivals + completions + admissions + preemptions) plans, not
//! O(tokens): between those, a batch's steps are an arithmetic progression (`run`).

mod benchmark;
mod calibrate;
mod decoders;
mod engine;
mod measurements;
mod nnls;
mod plan;
mod run;
mod state;
mod step_time;

#[cfg(test)]
mod naive;
#[cfg(test)]
mod tests;

pub use benchmark::{BenchmarkError, BenchmarkRow, bench_serve, closed_loop_benchmark};
pub use calibrate::{Fit, RowFit, calibrate};
pub use engine::BatchEngine;
pub use measurements::{CalibrationError, Measurement, Measurements};
pub use step_time::{
    DeriveError, Derived, EngineParams, GpuSpec, ModelSpec, StepTime, StepTimeError, StepTimeSecs,
    derive,
};

use crate::time::SimTime;

/// What a request asks of an engine.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    pub id: u64,
    pub context_tokens: u32,
    pub output_tokens: u32,
}

/// A finished request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Completion {
    pub id: u64,
    pub arrival: SimTime,
    /// End of the step that emitted its first output token (TTFT = first_token − arrival).
    pub first_token: SimTime,
    pub finish: SimTime,
    pub output_tokens: u32,
    /// How many times it was preempted (its KV freed and its prompt recomputed).
    pub preemptions: u32,
}

/// Time integrals (picoseconds) and counters over the steps committed so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Accounting {
    /// Σ step durations: the engine's GPU-busy time.
    pub busy_ps: u128,
    /// Σ running sequences × step duration.
    pub batch_ps: u128,
    /// Σ KV tokens held × step duration (saturating).
    pub kv_ps: u128,
    pub steps: u64,
    pub output_tokens: u64,
    pub prefill_tokens: u64,
    pub preemptions: u64,
    pub completed: u64,
}

impl Accounting {
    /// GPU-busy time, floored to whole nanoseconds.
    pub fn busy(&self) -> crate::time::SimDuration {
        crate::time::SimDuration((self.busy_ps / 1_000) as u64)
    }

    /// Time-average running sequences over busy time (0 when never busy).
    pub fn batch_size_mean(&self) -> f64 {
        ratio(self.batch_ps, self.busy_ps)
    }

    /// Time-average fraction of the KV cache held, over busy time (0 when never busy).
    pub fn kv_utilization_mean(&self, kv_capacity_tokens: u64) -> f64 {
        ratio(self.kv_ps, self.busy_ps) / kv_capacity_tokens as f64
    }
}

fn ratio(a: u128, b: u128) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// One engine's fixed settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineConfig {
    pub step_time: StepTime,
    pub kv_capacity_tokens: u64,
    /// Token budget of one step (decode tokens plus prefill chunks).
    pub max_batched_tokens: u32,
    /// Running sequences at most (`max_inputs` of the platform).
    pub max_num_seqs: u32,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ConfigError {
    #[error("unknown GPU {0:?}: expected a catalog name such as \"H100\"")]
    UnknownGpu(String),
    #[error("unknown model {0:?}: expected a catalog name such as \"llama-3.1-8b\"")]
    UnknownModel(String),
    #[error("{field} must be at least 1, found 0")]
    Zero { field: &'static str },
    #[error(
        "max_batched_tokens must be at least max_num_seqs (every running sequence may decode \
         in one step), found {max_batched_tokens} < {max_num_seqs}"
    )]
    BudgetBelowSeqs {
        max_batched_tokens: u32,
        max_num_seqs: u32,
    },
    #[error(transparent)]
    Derive(#[from] DeriveError),
}

impl EngineConfig {
    pub fn new(
        step_time: StepTime,
        kv_capacity_tokens: u64,
        max_batched_tokens: u32,
        max_num_seqs: u32,
    ) -> Result<EngineConfig, ConfigError> {
        for (field, v) in [
            ("kv_capacity_tokens", kv_capacity_tokens),
            ("max_batched_tokens", max_batched_tokens as u64),
            ("max_num_seqs", max_num_seqs as u64),
        ] {
            if v == 0 {
                return Err(ConfigError::Zero { field });
            }
        }
        // vLLM refuses the same configuration: a budget below the batch could not decode it.
        if max_batched_tokens < max_num_seqs {
            return Err(ConfigError::BudgetBelowSeqs {
                max_batched_tokens,
                max_num_seqs,
            });
        }
        Ok(EngineConfig {
            step_time,
            kv_capacity_tokens,
            max_batched_tokens,
            max_num_seqs,
        })
    }

    /// The roofline-derived engine of catalog model `model` on `tensor_parallel` × catalog
    /// GPU `gpu`.
    pub fn from_catalog(
        gpu: &str,
        model: &str,
        tensor_parallel: u32,
        params: &EngineParams,
        max_batched_tokens: u32,
        max_num_seqs: u32,
    ) -> Result<EngineConfig, ConfigError> {
        let g = GpuSpec::from_catalog(gpu).ok_or_else(|| ConfigError::UnknownGpu(gpu.into()))?;
        let m = ModelSpec::from_catalog(model)
            .ok_or_else(|| ConfigError::UnknownModel(model.into()))?;
        let d = derive(&g, &m, tensor_parallel, params)?;
        EngineConfig::new(
            d.step_time,
            d.kv_capacity_tokens,
            max_batched_tokens,
            max_num_seqs,
        )
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnqueueError {
    #[error("request {id}: context_tokens and output_tokens must be at least 1")]
    NoTokens { id: u64 },
    #[error(
        "request {id} can never finish: it needs {needed_tokens} KV tokens (context + output \
         − 1) and the engine holds {kv_capacity_tokens}"
    )]
    NeverFits {
        id: u64,
        needed_tokens: u64,
        kv_capacity_tokens: u64,
    },
}
