//! Reading the engine keys of a serverless or dedicated platform (`gpu`,
//! `tensor_parallel`, `engine`) and deriving the engine its containers or GPU groups run
//! when the workload's service is `tokens` (docs/semantics.md#continuous-batching).

use serde_json::Value;

use super::keys::{ENGINE, GPU_SHAPE, STEP_TIME};
use std::ops::ControlFlow;

use super::reader::{Errors, Obj, did_you_mean};
use crate::batching::{
    ConfigError, DeriveError, EngineConfig, EngineParams, GpuSpec, ModelSpec, StepTime,
    StepTimeSecs, derive,
};
use crate::platform::EngineSpec;

/// What a platform reader needs to know of the workload: whether its service is `tokens`
/// and, if the workload read cleanly, the model it serves.
#[derive(Clone, Copy, Debug, Default)]
pub struct Batching<'m> {
    pub tokens: bool,
    pub model: Option<&'m ModelSpec>,
}

impl Batching<'_> {
    /// `max_inputs` when absent: vLLM's `max_num_seqs` with a tokens service, else 1.
    pub fn default_max_inputs(&self) -> u32 {
        if self.tokens { 256 } else { 1 }
    }
}

/// The `engine` object as written.
struct EngineKeys {
    max_batched_tokens: u32,
    params: EngineParams,
    kv_capacity_tokens: Option<u64>,
    step_time: Option<StepTimeSecs>,
}

/// The platform's engine keys: `Some(None)` without a tokens service (the keys that need
/// one are refused), `Some(Some(spec))` with one, `None` when something is invalid.
/// `max_inputs` is the platform's (the engine's `max_num_seqs`).
pub(super) fn engine(
    o: &mut Obj,
    errs: &mut Errors,
    ctx: &Batching,
    max_inputs: u32,
) -> Option<Option<EngineSpec>> {
    let gpu = o.opt_with("gpu", errs, gpu);
    let tensor_parallel: u32 = o.or("tensor_parallel", errs);
    let keys = o.opt_with("engine", errs, engine_keys);
    if !ctx.tokens {
        return (gpu.is_some() && without_tokens(o, errs)).then_some(None);
    }
    let (gpu, keys) = (gpu?, keys?);
    let keys = keys.unwrap_or(EngineKeys {
        max_batched_tokens: 8192,
        params: EngineParams::default(),
        kv_capacity_tokens: None,
        step_time: None,
    });
    let model = ctx.model?;
    let (step_time, kv) = step_time_and_kv(o, errs, gpu.as_ref(), model, tensor_parallel, &keys)?;
    match EngineConfig::new(step_time, kv, keys.max_batched_tokens, max_inputs) {
        Ok(config) => Some(Some(EngineSpec {
            config,
            tensor_parallel,
        })),
        Err(ConfigError::BudgetBelowSeqs { .. }) => {
            errs.push(
                &super::reader::join(&o.at("engine"), "max_batched_tokens"),
                format!(
                    "expected max_batched_tokens ≥ max_inputs ({max_inputs}), so that every admitted sequence can decode in one step (vLLM refuses the same), found {}",
                    keys.max_batched_tokens
                ),
            );
            None
        }
        Err(e) => {
            errs.push(&o.at("engine"), e.to_string());
            None
        }
    }
}

/// Without a tokens service only `gpu` may be given (it names the hardware); whether the
/// keys that need engines are absent.
fn without_tokens(o: &Obj, errs: &mut Errors) -> bool {
    for key in ["tensor_parallel", "engine"] {
        if o.has(key) {
            errs.push(
                &o.at(key),
                format!(
                    "expected {key} only with a tokens service (workload.service {{\"dist\": \"tokens\"}}), whose requests run on batching engines; found another service"
                ),
            );
            return false;
        }
    }
    true
}

/// The step time and KV capacity: as given, else derived from the GPU and the model.
fn step_time_and_kv(
    o: &Obj,
    errs: &mut Errors,
    gpu: Option<&GpuSpec>,
    model: &ModelSpec,
    tensor_parallel: u32,
    keys: &EngineKeys,
) -> Option<(StepTime, u64)> {
    if let (Some(secs), Some(kv)) = (&keys.step_time, keys.kv_capacity_tokens) {
        return step_time(o, errs, secs).map(|st| (st, kv));
    }
    let Some(gpu) = gpu else {
        errs.push(
            &o.at("gpu"),
            "missing required key (a tokens service derives each engine's step time and KV cache from the GPU; or give engine.step_time and engine.kv_capacity_tokens)",
        );
        return None;
    };
    match derive(gpu, model, tensor_parallel, &keys.params) {
        Ok(d) => {
            let st = match &keys.step_time {
                Some(secs) => step_time(o, errs, secs)?,
                None => d.step_time,
            };
            Some((st, keys.kv_capacity_tokens.unwrap_or(d.kv_capacity_tokens)))
        }
        Err(e @ DeriveError::DoesNotFit { .. }) => {
            let path = if tensor_parallel > 1 {
                o.at("tensor_parallel")
            } else {
                o.at("gpu")
            };
            errs.push(
                &path,
                format!("{e}: use more GPUs (tensor_parallel), a larger GPU or an fp8 variant"),
            );
            None
        }
        Err(e) => {
            errs.push(&o.at("engine"), e.to_string());
            None
        }
    }
}

fn step_time(o: &Obj, errs: &mut Errors, secs: &StepTimeSecs) -> Option<StepTime> {
    StepTime::from_secs(secs)
        .map_err(|e| {
            let path = super::reader::join(&o.at("engine"), "step_time");
            errs.push(&path, e.to_string())
        })
        .ok()
}

/// A catalog entry (`kind`: "GPU", "model") written as its name: `Break` with the entry,
/// or with `None` after reporting an unknown name (with the catalog's names and the close
/// ones) or a value that is neither a name nor an object (of its `numbers`); `Continue`
/// when `v` is an object for the caller to read.
pub(super) fn by_name<T>(
    v: &Value,
    path: &str,
    errs: &mut Errors,
    (kind, numbers): (&str, &str),
    names: &[&str],
    find: impl Fn(&str) -> Option<T>,
) -> ControlFlow<Option<T>> {
    match v {
        Value::String(name) => ControlFlow::Break(find(name).or_else(|| {
            errs.push(
                path,
                format!(
                    "expected a catalog {kind} ({}), found \"{name}\"{}",
                    names.join(", "),
                    did_you_mean(name, names)
                ),
            );
            None
        })),
        Value::Object(_) => ControlFlow::Continue(()),
        _ => {
            let expected = format!("a catalog {kind} name or an object of the {kind}'s {numbers}");
            errs.expected(path, &expected, v);
            ControlFlow::Break(None)
        }
    }
}

/// `gpu`: a catalog name, or `{tflops, hbm_tb_s, memory_gib}`.
fn gpu(v: &Value, path: &str, errs: &mut Errors) -> Option<GpuSpec> {
    let gpus = crate::catalog::gpus();
    let names: Vec<&str> = gpus.iter().map(|g| g.name.as_str()).collect();
    let kind = ("GPU", "numbers");
    if let ControlFlow::Break(found) = by_name(v, path, errs, kind, &names, GpuSpec::from_catalog) {
        return found;
    }
    let mut o = Obj::new(v, path, &GPU_SHAPE, errs)?;
    let tflops: Option<f64> = o.req("tflops", errs);
    let hbm_tb_s: Option<f64> = o.req("hbm_tb_s", errs);
    let memory_gib: Option<f64> = o.req("memory_gib", errs);
    o.finish(errs);
    let memory_gib = memory_gib?;
    Some(GpuSpec {
        name: format!("GPU of {memory_gib} GiB"),
        tflops: tflops?,
        hbm_tb_s: hbm_tb_s?,
        memory_gib,
    })
}

fn engine_keys(v: &Value, path: &str, errs: &mut Errors) -> Option<EngineKeys> {
    let mut o = Obj::new(v, path, &ENGINE, errs)?;
    let max_batched_tokens: u32 = o.or("max_batched_tokens", errs);
    let mfu: f64 = o.or("mfu", errs);
    let mbu: f64 = o.or("mbu", errs);
    let step_overhead_s: f64 = o.or("step_overhead_s", errs);
    let gpu_memory_utilization: f64 = o.or("gpu_memory_utilization", errs);
    let kv_capacity_tokens: Option<Option<u64>> = o.opt("kv_capacity_tokens", errs);
    let step_time = o.opt_with("step_time", errs, step_time_keys);
    o.finish(errs);
    Some(EngineKeys {
        max_batched_tokens,
        params: EngineParams {
            mfu,
            mbu,
            step_overhead_s,
            gpu_memory_utilization,
        },
        kv_capacity_tokens: kv_capacity_tokens?,
        step_time: step_time?,
    })
}

fn step_time_keys(v: &Value, path: &str, errs: &mut Errors) -> Option<StepTimeSecs> {
    let mut o = Obj::new(v, path, &STEP_TIME, errs)?;
    let base_s: Option<f64> = o.req("base_s", errs);
    let per_prefill_token_s: Option<f64> = o.req("per_prefill_token_s", errs);
    let per_decode_seq_s: Option<f64> = o.req("per_decode_seq_s", errs);
    let per_kv_token_s: Option<f64> = o.req("per_kv_token_s", errs);
    o.finish(errs);
    Some(StepTimeSecs {
        base_s: base_s?,
        per_prefill_token_s: per_prefill_token_s?,
        per_decode_seq_s: per_decode_seq_s?,
        per_kv_token_s: per_kv_token_s?,
    })
}
