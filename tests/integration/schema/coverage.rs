//! Valid documents that between them take every variant of every object in the scenario
//! schema, for the schema/reader agreement test.

use serde_json::{Value, json};

use super::json_schema::{json_files, read};
use crate::support::*;

fn trace(name: &str) -> String {
    project_dir()
        .join("tests/data/traces")
        .join(name)
        .display()
        .to_string()
}

fn c(v: f64) -> Value {
    json!({"dist": "constant", "value_s": v})
}

/// A serverless platform, a spot fleet, and hybrids of both under each overflow rule.
fn platforms() -> [Value; 4] {
    let serverless = json!({
        "name": "s", "type": "serverless", "gpu_usd_per_s": 0.001, "cpu_cores": 0.5,
        "cpu_usd_per_core_s": 0.00001, "memory_gib": 1, "memory_usd_per_gib_s": 0.000002,
        "price_multiplier": 1.5,
        "schedule_delay": {"dist": "exponential", "mean_s": "2s"},
        "cold_start": {"phases": [c(1.0), {"dist": "gamma", "mean_s": 3, "cv": 0.5},
                                  {"dist": "uniform", "min_s": 1, "max_s": 2},
                                  {"dist": "empirical", "samples_s": [1, 2]},
                                  {"dist": "lognormal", "mu": 0.1, "sigma": 0.2},
                                  {"dist": "lognormal", "mean_s": 2, "cv": 0.2}]},
        "min_containers": 1, "max_containers": 9, "buffer_containers": 1,
        "scaledown_window_s": "2m", "max_inputs": 4, "target_inputs": 2,
        "dispatch": "per_request", "pick": "lru", "queue_limit": 100,
        "execution_timeout_s": 600, "preemptions_per_hour": 0.1,
        "billing": {"mode": "after_startup", "granularity_s": 1, "minimum_s": 60}
    });
    let spot = json!({
        "usd_per_hour": 0.8, "interruptions_per_hour": 0.1, "notice_s": 30,
        "replacement_delay": c(60.0), "model_load": c(30.0), "on_interrupt": "fail",
        "fallback": "on_demand", "fallback_delay": c(90.0)
    });
    let dedicated = json!({
        "name": "d", "type": "dedicated", "usd_per_hour": 2.4, "instances": 2,
        "gpus_per_instance": 2, "max_inputs": 2, "queue_limit": 50,
        "billing": {"granularity_s": 60, "minimum_s": 60}, "spot": spot
    });
    let mut base = dedicated.clone();
    base.as_object_mut().unwrap().remove("name");
    base["spot"] = json!({"usd_per_hour": 0.8, "interruptions_per_month": 2,
                          "replacement_delay": c(1.0), "model_load": c(1.0), "fallback": "wait"});
    let mut overflow = serverless.clone();
    overflow.as_object_mut().unwrap().remove("name");
    let hybrid = |when: Value| json!({"name": "h", "type": "hybrid", "base": base, "overflow": overflow, "overflow_when": when});
    let (wait, length) = (
        hybrid(json!({"queue_wait_s": 5})),
        hybrid(json!({"queue_length": 3})),
    );
    [serverless, dedicated, wait, length]
}

/// Valid documents that between them take every variant of every object in the schema.
pub(super) fn coverage() -> Vec<Value> {
    let [serverless, dedicated, hybrid_wait, hybrid_length] = platforms();
    let tokens = json!({"dist": "llm", "ttft_s": 0.05, "per_output_token_s": 0.01,
        "prefill_per_1k_tokens_s": 0.02,
        "context_tokens": {"dist": "lognormal", "mean": 500, "cv": 1},
        "output_tokens": 200});
    vec![
        json!({
            "name": "all-processes", "description": "coverage", "horizon": "1d", "seeds": 2, "seed": 3,
            "slo": {"latency_s": 2},
            "workload": {
                "arrivals": [
                    {"process": "poisson", "rate_per_s": 1},
                    {"process": "periodic", "interval_s": 10, "jitter_s": 1},
                    {"process": "gamma", "rate_per_s": 1, "cv": 2},
                    {"process": "mmpp", "states": [{"rate_per_s": 5, "mean_holding_s": 60},
                                                   {"rate_per_s": 0, "mean_holding_s": 600}]},
                    {"process": "bursts", "every_s": "1h", "offset_s": 60, "count": 10, "spacing_s": 1},
                    {"process": "trace", "path": trace("csv_service.csv"), "format": "csv",
                     "time_scale": 2, "repeat": 3, "start_s": 5}
                ],
                "rate_profile": {"kind": "weekly", "day_multipliers": [1, 1, 1, 1, 1, 0.5, 0.5],
                                 "daily": {"kind": "sinusoid", "period_s": "1d", "amplitude": 0.5, "peak_h": 14}},
                "service": {"dist": "exponential", "mean_s": 1},
                "timeout_s": 60
            },
            "platforms": [serverless, dedicated, hybrid_wait]
        }),
        json!({
            "name": "llm", "horizon": 3600,
            "workload": {
                "arrivals": [{"process": "trace", "path": trace("azure_llm_two.csv"), "format": "azure_llm", "repeat": true},
                             {"process": "poisson", "rate_per_s": 0.5}],
                "rate_profile": {"kind": "piecewise", "period_s": "1d", "points": [[0, 0.5], [12, 2]]},
                "service": tokens
            },
            "platforms": [hybrid_length]
        }),
        json!({
            "name": "functions", "horizon": "1h",
            "workload": {
                "arrivals": [{"process": "trace", "path": trace("azure_functions_small.csv"),
                              "format": "azure_functions_2019", "within_minute": "poisson",
                              "filter": {"owner": "o1", "app": "a1", "function": "f1", "trigger": "http"}},
                             {"process": "poisson", "rate_per_s": 0.5}],
                "rate_profile": {"kind": "daily_windows", "windows": [{"start_h": 9, "end_h": 17, "multiplier": 2}], "outside": 0.1},
                "service": {"dist": "llm", "ttft_s": 0.05, "per_output_token_s": 0.01,
                            "context_tokens": {"dist": "uniform", "min": 10, "max": 20},
                            "output_tokens": {"dist": "empirical", "samples": [1, 2, 3]}}
            },
            "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1}]
        }),
        json!({
            "name": "token-dists", "horizon": "1h",
            "workload": {
                "arrivals": {"process": "poisson", "rate_per_s": 0.5},
                "service": {"dist": "llm", "ttft_s": 0.05, "per_output_token_s": 0.01,
                            "context_tokens": {"dist": "gamma", "mean": 10, "cv": 1},
                            "output_tokens": {"dist": "exponential", "mean": 30}}
            },
            "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1,
                           "spot": {"usd_per_hour": 0.5, "interruptions_per_hour": 0}}]
        }),
        json!({
            "name": "batched-shapes", "horizon": "1h",
            "slo": {"ttft_s": 1, "tpot_s": 0.05},
            "workload": {
                "arrivals": {"process": "poisson", "rate_per_s": 0.5},
                "service": {"dist": "tokens",
                            "model": {"params_b": 8, "bytes_per_param": 2, "layers": 32,
                                      "kv_heads": 8, "head_dim": 128, "kv_bytes": 2},
                            "context_tokens": {"dist": "lognormal", "mean": 500, "cv": 1},
                            "output_tokens": 100}
            },
            "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1,
                           "gpus_per_instance": 2, "tensor_parallel": 2,
                           "gpu": {"tflops": 989.4, "hbm_tb_s": 3.35, "memory_gib": 80},
                           "engine": {"max_batched_tokens": 4096, "mfu": 0.4, "mbu": 0.7,
                                      "step_overhead_s": "3ms", "gpu_memory_utilization": 0.85,
                                      "kv_capacity_tokens": 100000,
                                      "step_time": {"base_s": 0.01, "per_prefill_token_s": 1e-5,
                                                    "per_decode_seq_s": 1e-5, "per_kv_token_s": 1e-8}}}]
        }),
        json!({
            "name": "constant-tokens", "horizon": "1h",
            "workload": {
                "arrivals": {"process": "poisson", "rate_per_s": 0.5},
                "service": {"dist": "llm", "ttft_s": 0.05, "per_output_token_s": 0.01,
                            "context_tokens": {"dist": "constant", "value": 10},
                            "output_tokens": {"dist": "lognormal", "mu": 3, "sigma": 0.5}}
            },
            "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1}]
        }),
        json!({
            "name": "jobs", "horizon": "1d",
            "workload": {
                "jobs": {
                    "arrivals": [{"process": "poisson", "rate_per_s": 0.001},
                                 {"process": "periodic", "interval_s": "2h"}],
                    "work": {"dist": "constant", "value_s": 3600},
                    "checkpoint": {"interval_s": "10m", "cost": {"dist": "constant", "value_s": 10},
                                   "restore": {"dist": "constant", "value_s": 20}}
                }
            },
            "platforms": [
                {"name": "d", "type": "dedicated", "usd_per_hour": 1, "checkpoint": "none"},
                {"name": "e", "type": "dedicated", "usd_per_hour": 1,
                 "checkpoint": {"interval_s": 60, "cost": {"dist": "constant", "value_s": 1},
                                "restore": {"dist": "constant", "value_s": 2}}}
            ]
        }),
        json!({
            "name": "job-count", "horizon": "1d",
            "workload": {"jobs": {"count": 2, "work": {"dist": "constant", "value_s": 60}}},
            "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1}]
        }),
    ]
    .into_iter()
    .chain(["gamma", "uniform", "empirical", "lognormal", "constant"].iter().map(|d| {
        let service = match *d {
            "gamma" => json!({"dist": "gamma", "mean_s": 1, "cv": 1}),
            "uniform" => json!({"dist": "uniform", "min_s": 1, "max_s": 2}),
            "empirical" => json!({"dist": "empirical", "samples_s": [1, 2]}),
            "lognormal" => json!({"dist": "lognormal", "mu": 0, "sigma": 1}),
            _ => json!({"dist": "constant", "value_s": 1}),
        };
        json!({"name": d, "horizon": 60, "workload": {"arrivals": {"process": "poisson", "rate_per_s": 1}, "service": service},
               "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1}]})
    }))
    .chain(
        [
            json!({"kind": "sinusoid", "amplitude": 0.3, "peak_h": 12}),
            json!({"kind": "weekly", "day_multipliers": [1, 1, 1, 1, 1, 0, 0],
                   "daily": {"kind": "daily_windows", "windows": [{"start_h": 9, "end_h": 17}]}}),
            json!({"kind": "weekly", "day_multipliers": [1, 1, 1, 1, 1, 0, 0],
                   "daily": {"kind": "piecewise", "points": [[0, 1], [12, 2]]}}),
        ]
        .into_iter()
        .map(|profile| {
            json!({"name": "profile", "horizon": 60,
                   "workload": {"arrivals": {"process": "poisson", "rate_per_s": 1}, "rate_profile": profile,
                                "service": {"dist": "lognormal", "mean_s": 1, "cv": 1}},
                   "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1}]})
        }),
    )
    .chain(json_files("scenarios").iter().map(|f| read(f)))
    .collect()
}
