//! The step-time model of one engine: four coefficients in integer picoseconds, and their
//! derivation from a GPU, a model and the engine's efficiency parameters (a roofline).
//!
//! Knows nothing about scheduling: it only prices a step of P prefill tokens, D decoding
//! sequences and K tokens of KV read (docs/semantics.md#continuous-batching).

/// Picoseconds in one second.
pub const PICOS_PER_S: f64 = 1e12;
/// Picoseconds in one nanosecond.
pub const PICOS_PER_NS: u128 = 1_000;
/// The largest accepted coefficient: a step cost above a second per unit is not a GPU.
const MAX_COEFFICIENT_S: f64 = 1.0;

/// Step-time coefficients in seconds, as a scenario gives them or as `calibrate` prints them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepTimeSecs {
    pub base_s: f64,
    pub per_prefill_token_s: f64,
    pub per_decode_seq_s: f64,
    pub per_kv_token_s: f64,
}

/// Step-time coefficients in integer picoseconds: `step = base + per_prefill_token·P +
/// per_decode_seq·D + per_kv_token·K`.
///
/// Seconds are converted once, rounded to the nearest picosecond, so that summing steps is
/// exact integer arithmetic (the derived H100 × llama-3.1-8b per-KV-token cost, 24.45 ns,
/// keeps five significant digits; the others keep seven or more).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StepTime {
    pub base: u64,
    pub per_prefill_token: u64,
    pub per_decode_seq: u64,
    pub per_kv_token: u64,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum StepTimeError {
    #[error("{field} must be a finite number of seconds in [0, 1], found {value}")]
    Coefficient { field: &'static str, value: f64 },
    #[error("base_s must be at least 1e-9 (one nanosecond), found {value}")]
    BaseBelowOneNanosecond { value: f64 },
}

impl StepTime {
    /// Converts seconds to picoseconds. `base_s` must be at least 1 ns: every step then
    /// crosses a nanosecond boundary, which is what lets a host observe each step's end
    /// after every arrival that could have joined it.
    pub fn from_secs(s: &StepTimeSecs) -> Result<StepTime, StepTimeError> {
        let base = to_picos("base_s", s.base_s)?;
        if base < PICOS_PER_NS as u64 {
            return Err(StepTimeError::BaseBelowOneNanosecond { value: s.base_s });
        }
        Ok(StepTime {
            base,
            per_prefill_token: to_picos("per_prefill_token_s", s.per_prefill_token_s)?,
            per_decode_seq: to_picos("per_decode_seq_s", s.per_decode_seq_s)?,
            per_kv_token: to_picos("per_kv_token_s", s.per_kv_token_s)?,
        })
    }

    pub fn as_secs(&self) -> StepTimeSecs {
        let s = |ps: u64| ps as f64 / PICOS_PER_S;
        StepTimeSecs {
            base_s: s(self.base),
            per_prefill_token_s: s(self.per_prefill_token),
            per_decode_seq_s: s(self.per_decode_seq),
            per_kv_token_s: s(self.per_kv_token),
        }
    }

    /// Duration in picoseconds of a step with `p` prefill tokens, `d` decoding sequences and
    /// `k` KV tokens (Σ over the step's sequences of their KV length after the step).
    #[inline]
    pub fn step_ps(&self, p: u64, d: u64, k: u64) -> u128 {
        self.base as u128
            + self.per_prefill_token as u128 * p as u128
            + self.per_decode_seq as u128 * d as u128
            + self.per_kv_token as u128 * k as u128
    }
}

fn to_picos(field: &'static str, s: f64) -> Result<u64, StepTimeError> {
    if !(s.is_finite() && (0.0..=MAX_COEFFICIENT_S).contains(&s)) {
        return Err(StepTimeError::Coefficient { field, value: s });
    }
    Ok((s * PICOS_PER_S).round() as u64)
}

/// A GPU as the roofline sees it (per GPU; `tensor_parallel` multiplies all three).
#[derive(Clone, Debug, PartialEq)]
pub struct GpuSpec {
    /// Catalog name, or how the scenario describes a GPU given by its numbers.
    pub name: String,
    /// Dense BF16/FP16 tensor TFLOPS.
    pub tflops: f64,
    pub hbm_tb_s: f64,
    pub memory_gib: f64,
}

/// A transformer as the roofline sees it.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelSpec {
    /// Catalog name, or how the scenario describes a model given by its numbers.
    pub name: String,
    /// Parameters in billions.
    pub params_b: f64,
    pub bytes_per_param: f64,
    pub layers: u32,
    pub kv_heads: u32,
    pub head_dim: u32,
    /// Bytes per KV element (2 for BF16, 1 for FP8).
    pub kv_bytes: f64,
}

/// Efficiency parameters of the engine (`engine` keys of a platform).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct EngineParams {
    /// Model FLOPs utilisation of prefill and decode matmuls.
    pub mfu: f64,
    /// Memory bandwidth utilisation of weight and KV reads.
    pub mbu: f64,
    pub step_overhead_s: f64,
    pub gpu_memory_utilization: f64,
}

impl Default for EngineParams {
    fn default() -> Self {
        EngineParams {
            mfu: 0.5,
            mbu: 0.8,
            step_overhead_s: 0.002,
            gpu_memory_utilization: 0.9,
        }
    }
}

/// What the roofline gives: the step time and the KV capacity in tokens.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Derived {
    pub secs: StepTimeSecs,
    pub step_time: StepTime,
    pub kv_capacity_tokens: u64,
    pub weight_bytes: f64,
    pub kv_bytes_per_token: f64,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum DeriveError {
    #[error("{field} must be a positive finite number, found {value}")]
    NotPositive { field: &'static str, value: f64 },
    #[error("{field} must be in (0, 1], found {value}")]
    NotFraction { field: &'static str, value: f64 },
    #[error("step_overhead_s must be a finite number of seconds ≥ 0, found {value}")]
    Overhead { value: f64 },
    #[error(
        "model {model} does not fit on {gpus} × {gpu}: its weights take {:.2} GB and the usable \
         GPU memory is {:.2} GB (no room for one KV token of {kv_bytes_per_token} bytes)",
        weight_bytes / 1e9,
        usable_bytes / 1e9
    )]
    DoesNotFit {
        model: String,
        gpu: String,
        gpus: u32,
        weight_bytes: f64,
        usable_bytes: f64,
        kv_bytes_per_token: f64,
    },
    #[error(transparent)]
    StepTime(#[from] StepTimeError),
}

/// Derives the step time and KV capacity of `model` on `tensor_parallel` GPUs:
/// W = params × bytes_per_param, kvb = 2 × layers × kv_heads × head_dim × kv_bytes,
/// F = tflops × 10¹² × N, B = hbm_tb_s × 10¹² × N; base = overhead + W / (B·mbu),
/// per prefill token = per decode sequence = 2·params / (F·mfu), per KV token =
/// kvb / (B·mbu), capacity = floor((memory_gib·2³⁰·N·utilisation − W) / kvb).
pub fn derive(
    gpu: &GpuSpec,
    model: &ModelSpec,
    tensor_parallel: u32,
    params: &EngineParams,
) -> Result<Derived, DeriveError> {
    check_inputs(gpu, model, tensor_parallel, params)?;
    let n = tensor_parallel as f64;
    let params_count = model.params_b * 1e9;
    let weight_bytes = params_count * model.bytes_per_param;
    let kvb =
        2.0 * model.layers as f64 * model.kv_heads as f64 * model.head_dim as f64 * model.kv_bytes;
    let flops = gpu.tflops * 1e12 * n;
    let bandwidth = gpu.hbm_tb_s * 1e12 * n;
    let per_token_s = 2.0 * params_count / (flops * params.mfu);
    let secs = StepTimeSecs {
        base_s: params.step_overhead_s + weight_bytes / (bandwidth * params.mbu),
        per_prefill_token_s: per_token_s,
        per_decode_seq_s: per_token_s,
        per_kv_token_s: kvb / (bandwidth * params.mbu),
    };
    let usable_bytes = gpu.memory_gib * 1024f64.powi(3) * n * params.gpu_memory_utilization;
    let tokens = ((usable_bytes - weight_bytes) / kvb).floor();
    if tokens < 1.0 {
        return Err(DeriveError::DoesNotFit {
            model: model.name.clone(),
            gpu: gpu.name.clone(),
            gpus: tensor_parallel,
            weight_bytes,
            usable_bytes,
            kv_bytes_per_token: kvb,
        });
    }
    Ok(Derived {
        secs,
        step_time: StepTime::from_secs(&secs)?,
        kv_capacity_tokens: tokens as u64,
        weight_bytes,
        kv_bytes_per_token: kvb,
    })
}

fn check_inputs(
    gpu: &GpuSpec,
    model: &ModelSpec,
    tensor_parallel: u32,
    params: &EngineParams,
) -> Result<(), DeriveError> {
    let positive = [
        ("tflops", gpu.tflops),
        ("hbm_tb_s", gpu.hbm_tb_s),
        ("memory_gib", gpu.memory_gib),
        ("params_b", model.params_b),
        ("bytes_per_param", model.bytes_per_param),
        ("layers", model.layers as f64),
        ("kv_heads", model.kv_heads as f64),
        ("head_dim", model.head_dim as f64),
        ("kv_bytes", model.kv_bytes),
        ("tensor_parallel", tensor_parallel as f64),
    ];
    for (field, value) in positive {
        if !(value.is_finite() && value > 0.0) {
            return Err(DeriveError::NotPositive { field, value });
        }
    }
    let fractions = [
        ("mfu", params.mfu),
        ("mbu", params.mbu),
        ("gpu_memory_utilization", params.gpu_memory_utilization),
    ];
    for (field, value) in fractions {
        if !(value > 0.0 && value <= 1.0) {
            return Err(DeriveError::NotFraction { field, value });
        }
    }
    if !(params.step_overhead_s.is_finite() && params.step_overhead_s >= 0.0) {
        return Err(DeriveError::Overhead {
            value: params.step_overhead_s,
        });
    }
    Ok(())
}

impl GpuSpec {
    /// The catalog GPU `name`, if there is one.
    pub fn from_catalog(name: &str) -> Option<GpuSpec> {
        let g = crate::catalog::gpu(name)?;
        Some(GpuSpec {
            name: g.name.clone(),
            tflops: g.tflops.value,
            hbm_tb_s: g.hbm_tb_s.value,
            memory_gib: g.memory_gib.value,
        })
    }
}

impl ModelSpec {
    /// The catalog model `name` (base or variant such as `llama-3.1-8b-fp8`), if there is one.
    pub fn from_catalog(name: &str) -> Option<ModelSpec> {
        let m = crate::catalog::model(name)?;
        Some(ModelSpec {
            name: m.name,
            params_b: m.params_b,
            bytes_per_param: m.bytes_per_param,
            layers: m.layers,
            kv_heads: m.kv_heads,
            head_dim: m.head_dim,
            kv_bytes: m.kv_bytes,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h100_llama(model: &str, tp: u32) -> Result<Derived, DeriveError> {
        let gpu = GpuSpec::from_catalog("H100").unwrap();
        let model = ModelSpec::from_catalog(model).unwrap();
        derive(&gpu, &model, tp, &EngineParams::default())
    }

    #[test]
    fn h100_llama_8b_fp8_coefficients_follow_the_roofline_formulas() {
        let d = h100_llama("llama-3.1-8b-fp8", 1).unwrap();
        // W = 8.03e9 B, B·mbu = 3.35e12 × 0.8 = 2.68e12 B/s, F·mfu = 989.4e12 × 0.5.
        let w_s = 8.03e9 / 2.68e12;
        assert!((d.secs.base_s - (0.002 + w_s)).abs() < 1e-15);
        assert!((d.secs.per_prefill_token_s - 2.0 * 8.03e9 / 494.7e12).abs() < 1e-18);
        assert_eq!(d.secs.per_prefill_token_s, d.secs.per_decode_seq_s);
        // kvb = 2 × 32 layers × 8 heads × 128 × 1 byte = 65,536 B.
        assert_eq!(d.kv_bytes_per_token, 65_536.0);
        assert_eq!(d.step_time.per_kv_token, 24_454); // 65536 / 2.68e12 s = 24.4537 ns
        let cap = ((80.0 * 1024f64.powi(3) * 0.9 - 8.03e9) / 65_536.0).floor() as u64;
        assert_eq!(d.kv_capacity_tokens, cap);
    }

    #[test]
    fn tensor_parallel_multiplies_flops_bandwidth_and_memory() {
        let one = h100_llama("llama-3.1-70b", 4).unwrap();
        let two = h100_llama("llama-3.1-70b", 8).unwrap();
        let halves = |a: f64, b: f64| (a / b - 2.0).abs() < 1e-9;
        assert!(halves(
            one.secs.per_prefill_token_s,
            two.secs.per_prefill_token_s
        ));
        assert!(halves(one.secs.per_kv_token_s, two.secs.per_kv_token_s));
        assert!(two.kv_capacity_tokens > 2 * one.kv_capacity_tokens);
    }

    #[test]
    fn a_model_too_big_for_the_gpu_is_an_error_naming_both_and_their_sizes() {
        let err = h100_llama("llama-3.1-70b", 1).unwrap_err();
        assert_eq!(
            err.to_string(),
            "model llama-3.1-70b does not fit on 1 × H100: its weights take 141.11 GB and the \
             usable GPU memory is 77.31 GB (no room for one KV token of 327680 bytes)"
        );
    }

    #[test]
    fn a_base_step_below_one_nanosecond_is_refused() {
        let s = StepTimeSecs {
            base_s: 1e-10,
            per_prefill_token_s: 0.0,
            per_decode_seq_s: 0.0,
            per_kv_token_s: 0.0,
        };
        assert_eq!(
            StepTime::from_secs(&s).unwrap_err().to_string(),
            "base_s must be at least 1e-9 (one nanosecond), found 0.0000000001"
        );
    }
}
