//! Continuous batching: the `tokens` service, the model it names, and the engine keys of
//! serverless and dedicated platforms (`gpu`, `tensor_parallel`, `engine`).

use super::{Default, Key, Named, Range, TOKEN_COUNT, Table, Ty, whole32};

pub static TOKENS: Table = Table {
    id: "tokens",
    title: "tokens",
    doc: "Requests ask `model` for tokens and every platform runs one continuous-batching \
          engine per serverless container or dedicated GPU (or `tensor_parallel` GPUs), whose \
          step times decide TTFT, TPOT and latency (docs/semantics.md#continuous-batching). \
          Token counts come from the `azure_llm` trace when it records them (every record \
          needs ≥ 1 of each), else from `context_tokens` and `output_tokens`, drawn from their \
          own random stream, rounded to whole tokens and at least 1. Every platform then needs \
          engine keys (`gpu`, or `engine.step_time` with `engine.kv_capacity_tokens`).",
    tag: Some(("dist", "tokens")),
    keys: &[
        Key {
            name: "model",
            ty: Ty::Named(&MODEL),
            default: Default::Required,
            doc: "the model served: a catalog name or its shape",
        },
        Key {
            name: "context_tokens",
            ty: Ty::Named(&TOKEN_COUNT),
            default: Default::Derived("required when some arrivals draw it"),
            doc: "context (prompt) tokens of a request; every draw at least 1",
        },
        Key {
            name: "output_tokens",
            ty: Ty::Named(&TOKEN_COUNT),
            default: Default::Derived("required when some arrivals draw it"),
            doc: "generated tokens of a request; every draw at least 1",
        },
    ],
    exactly_one: &[],
};

pub static MODEL: Named = Named {
    id: "model",
    title: "Models",
    doc: "A catalog model name (`llama-3.1-8b`, `llama-3.1-70b`, `mistral-7b`, `qwen2.5-7b`, \
          `qwen2.5-32b`, `qwen2.5-72b`, `gemma-2-27b`, each also as `-fp8`; `servsim catalog \
          models` lists them), or the model's shape.",
    ty: Ty::OneOf(&[Ty::NonEmptyText, Ty::Object(&MODEL_SHAPE)]),
};

pub static MODEL_SHAPE: Table = Table {
    id: "model-shape",
    title: "model shape",
    doc: "A transformer as the step-time roofline sees it: weight bytes = params × \
          bytes_per_param, KV bytes per token = 2 × layers × kv_heads × head_dim × kv_bytes.",
    tag: None,
    keys: &[
        Key {
            name: "params_b",
            ty: Ty::Number(Range::Between(1e-6, 1e5)),
            default: Default::Required,
            doc: "parameters, in billions",
        },
        Key {
            name: "bytes_per_param",
            ty: Ty::Number(Range::Between(0.0625, 8.0)),
            default: Default::Required,
            doc: "bytes per weight (2 for BF16, 1 for FP8)",
        },
        Key {
            name: "layers",
            ty: Ty::Whole { min: 1, max: 1024 },
            default: Default::Required,
            doc: "transformer layers (`num_hidden_layers`)",
        },
        Key {
            name: "kv_heads",
            ty: Ty::Whole { min: 1, max: 1024 },
            default: Default::Required,
            doc: "key/value heads (`num_key_value_heads`)",
        },
        Key {
            name: "head_dim",
            ty: Ty::Whole { min: 1, max: 4096 },
            default: Default::Required,
            doc: "dimension of one head",
        },
        Key {
            name: "kv_bytes",
            ty: Ty::Number(Range::Between(0.0625, 8.0)),
            default: Default::Required,
            doc: "bytes per KV-cache element (2 for BF16, 1 for FP8)",
        },
    ],
    exactly_one: &[],
};

pub static GPU: Named = Named {
    id: "gpu",
    title: "GPUs",
    doc: "A catalog GPU name (`T4`, `L4`, `A10G`, `L40S`, `A100-40GB`, `A100-80GB`, `H100`, \
          `H200`, `B200`; `servsim catalog gpus` lists them), or its numbers.",
    ty: Ty::OneOf(&[Ty::NonEmptyText, Ty::Object(&GPU_SHAPE)]),
};

pub static GPU_SHAPE: Table = Table {
    id: "gpu-shape",
    title: "gpu numbers",
    doc: "One GPU as the step-time roofline sees it (`tensor_parallel` multiplies all three).",
    tag: None,
    keys: &[
        Key {
            name: "tflops",
            ty: Ty::Number(Range::Between(1e-3, 1e6)),
            default: Default::Required,
            doc: "dense BF16/FP16 tensor TFLOPS",
        },
        Key {
            name: "hbm_tb_s",
            ty: Ty::Number(Range::Between(1e-4, 1e3)),
            default: Default::Required,
            doc: "memory bandwidth, in TB/s (10¹² bytes a second)",
        },
        Key {
            name: "memory_gib",
            ty: Ty::Number(Range::Between(1e-3, 1e5)),
            default: Default::Required,
            doc: "GPU memory, in GiB",
        },
    ],
    exactly_one: &[],
};

pub static ENGINE: Table = Table {
    id: "engine",
    title: "engine",
    doc: "The continuous-batching engine of every container or GPU group (vLLM v1 chunked \
          prefill, FCFS, preemption by recompute). Unless given, the step time is derived from \
          the GPU and the model: base_s = step_overhead_s + W / (B·mbu), per_prefill_token_s = \
          per_decode_seq_s = 2·params / (F·mfu), per_kv_token_s = kvb / (B·mbu), and \
          kv_capacity_tokens = floor((memory·N·gpu_memory_utilization − W) / kvb), with F and B \
          the flops and bandwidth of the `tensor_parallel` N GPUs.",
    tag: None,
    keys: &[
        Key {
            name: "max_batched_tokens",
            ty: whole32(1),
            default: Default::Whole(8192),
            doc: "token budget of one step (decode tokens plus prefill chunks), ≥ `max_inputs`",
        },
        Key {
            name: "mfu",
            ty: Ty::Number(Range::Between(1e-6, 1.0)),
            default: Default::Num(0.5),
            doc: "model FLOPs utilisation of prefill and decode",
        },
        Key {
            name: "mbu",
            ty: Ty::Number(Range::Between(1e-6, 1.0)),
            default: Default::Num(0.8),
            doc: "memory-bandwidth utilisation of weight and KV reads",
        },
        Key {
            name: "step_overhead_s",
            ty: Ty::Duration(Range::Between(0.0, 1.0)),
            default: Default::Num(0.002),
            doc: "fixed CPU and launch cost of every step",
        },
        Key {
            name: "gpu_memory_utilization",
            ty: Ty::Number(Range::Between(1e-6, 1.0)),
            default: Default::Num(0.9),
            doc: "share of GPU memory the engine may use for weights and KV cache",
        },
        Key {
            name: "kv_capacity_tokens",
            ty: Ty::Whole {
                min: 1,
                max: 1 << 40,
            },
            default: Default::Derived("from the GPU and the model"),
            doc: "KV-cache tokens the engine holds",
        },
        Key {
            name: "step_time",
            ty: Ty::Object(&STEP_TIME),
            default: Default::Derived("from the GPU and the model"),
            doc: "the step-time coefficients, e.g. as `servsim calibrate` fits them",
        },
    ],
    exactly_one: &[],
};

pub static STEP_TIME: Table = Table {
    id: "step-time",
    title: "step_time",
    doc: "step_s = base_s + per_prefill_token_s·P + per_decode_seq_s·D + per_kv_token_s·K, with \
          P prefill tokens in the step, D sequences decoding one token, K the KV length after \
          the step summed over its sequences. Converted once to whole picoseconds.",
    tag: None,
    keys: &[
        Key {
            name: "base_s",
            ty: Ty::Duration(Range::Between(1e-9, 1.0)),
            default: Default::Required,
            doc: "fixed cost of a step (weights read, overhead); at least 1 ns",
        },
        Key {
            name: "per_prefill_token_s",
            ty: Ty::Duration(Range::Between(0.0, 1.0)),
            default: Default::Required,
            doc: "cost of one prefill token",
        },
        Key {
            name: "per_decode_seq_s",
            ty: Ty::Duration(Range::Between(0.0, 1.0)),
            default: Default::Required,
            doc: "cost of one sequence decoding one token",
        },
        Key {
            name: "per_kv_token_s",
            ty: Ty::Duration(Range::Between(0.0, 1.0)),
            default: Default::Required,
            doc: "cost of one KV token read",
        },
    ],
    exactly_one: &[],
};

/// The platform keys of an engine, shared by serverless and dedicated platforms.
pub const GPU_KEY: Key = Key {
    name: "gpu",
    ty: Ty::Named(&GPU),
    default: Default::Derived(
        "required with a `tokens` service unless `engine` gives `step_time` and \
         `kv_capacity_tokens`; otherwise it only names the hardware",
    ),
    doc: "the GPU of each container or instance, whose numbers the engine's step time is \
          derived from",
};

pub const TENSOR_PARALLEL_KEY: Key = Key {
    name: "tensor_parallel",
    ty: Ty::Whole { min: 1, max: 64 },
    default: Default::Whole(1),
    doc: "GPUs one engine spans (`tokens` service only): N× flops, bandwidth and memory, \
          billed as N GPUs; a serverless container then bills `gpu_usd_per_s` N times, a \
          dedicated instance runs `gpus_per_instance` ÷ N engines",
};

pub const ENGINE_KEY: Key = Key {
    name: "engine",
    ty: Ty::Object(&ENGINE),
    default: Default::Derived("all defaults (`tokens` service only)"),
    doc: "the batching engine's settings",
};
