//! Engines under what platforms do to them: the serverless execution timeout, container
//! preemption, spot interruptions and hybrid overflow.

use serde_json::{Value, json};

use crate::support::*;

/// Every step 10 ms, whatever it holds.
fn flat_steps() -> Value {
    json!({"step_time": {"base_s": 0.01, "per_prefill_token_s": 0.0, "per_decode_seq_s": 0.0,
                         "per_kv_token_s": 0.0}, "kv_capacity_tokens": 100000})
}

fn tokens(context: u32, output: u32) -> Value {
    json!({"dist": "tokens", "model": "llama-3.1-8b", "context_tokens": context, "output_tokens": output})
}

#[test]
fn an_execution_past_the_timeout_fails_there_and_is_billed_busy_until_then() {
    let dir = tempfile::tempdir().unwrap();
    // 1000 output tokens take 1000 steps (10 s); the next request, of one token, 10 ms.
    let trace = dir.path().join("two.csv");
    std::fs::write(
        &trace,
        "TIMESTAMP,ContextTokens,GeneratedTokens\n\
         2023-11-16 18:00:00.0000000,10,1000\n\
         2023-11-16 18:00:06.0000000,10,1\n",
    )
    .unwrap();
    let price = 0.001;
    let doc = json!({
        "name": "timeout", "horizon": 7, "seeds": 1,
        "workload": {"arrivals": {"process": "trace", "format": "azure_llm", "path": trace},
                     "service": {"dist": "tokens", "model": "llama-3.1-8b"}},
        "platforms": [{"name": "s", "type": "serverless", "gpu_usd_per_s": price, "cpu_cores": 0,
                       "memory_gib": 0, "cold_start": {"dist": "constant", "value_s": 1},
                       "min_containers": 1, "execution_timeout_s": 5, "engine": flat_steps(),
                       "billing": {"mode": "busy_only", "granularity_s": 0}}]
    });
    let path = dir.path().join("timeout.json");
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let s = platform(&run_json(&path, &[]), "s").clone();
    assert_eq!(mean(&s["requests"], "failed"), 1.0);
    assert_eq!(mean(&s["requests"], "completed"), 1.0);
    assert_eq!(s["latency_s"]["mean"], 0.01);
    // Busy from 0 to the 5 s deadline, then 10 ms for the second request.
    assert!(
        (mean(&s, "cost_usd") - 5.01 * price).abs() < 1e-12,
        "{}",
        s["cost_usd"]
    );
}

#[test]
fn a_container_whose_request_fails_in_its_last_step_idles_once_and_scales_down_on_time() {
    // The cold container is ready at 1 s; the request's 200 tokens take a prefill step and
    // 199 decode steps of 10 ms, ending at 3 s. Its 1.995 s timeout fails it at 2.995 s,
    // inside the last step, which the engine still completes at 3 s. The container idles
    // from 2.995 s and stops 10 s later: billed 12.995 s.
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("one.csv");
    std::fs::write(
        &trace,
        "TIMESTAMP,ContextTokens,GeneratedTokens\n2023-11-16 18:00:00.0000000,10,200\n",
    )
    .unwrap();
    let price = 0.001;
    let doc = json!({
        "name": "idle-after-timeout", "horizon": 30, "seeds": 1,
        "workload": {"arrivals": {"process": "trace", "format": "azure_llm", "path": trace},
                     "service": {"dist": "tokens", "model": "llama-3.1-8b"}},
        "platforms": [{"name": "s", "type": "serverless", "gpu_usd_per_s": price, "cpu_cores": 0,
                       "memory_gib": 0, "cold_start": {"dist": "constant", "value_s": 1},
                       "execution_timeout_s": 1.995, "scaledown_window_s": 10,
                       "engine": flat_steps(),
                       "billing": {"mode": "lifetime", "granularity_s": 0}}]
    });
    let path = dir.path().join("idle.json");
    std::fs::write(&path, serde_json::to_vec(&doc).unwrap()).unwrap();
    let s = platform(&run_json(&path, &[]), "s").clone();
    assert_eq!(mean(&s["requests"], "failed"), 1.0);
    assert_eq!(mean(&s["requests"], "completed"), 0.0);
    assert!(
        (mean(&s, "cost_usd") - 12.995 * price).abs() < 1e-12,
        "{}",
        s["cost_usd"]
    );
}

#[test]
fn preempted_containers_restart_their_engines_requests_elsewhere() {
    let doc = json!({
        "name": "preempt", "horizon": "2h", "seeds": 2,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": 5}, "service": tokens(200, 200)},
        "platforms": [{"name": "s", "type": "serverless", "gpu_usd_per_s": 0.001,
                       "cold_start": {"dist": "constant", "value_s": 5}, "max_inputs": 16,
                       "preemptions_per_hour": 20, "engine": flat_steps()}]
    });
    let (_dir, path) = scenario_file(&doc);
    let s = platform(&run_json(&path, &[]), "s").clone();
    assert_conserved(&s);
    assert!(mean(&s, "preemptions") > 10.0, "{}", s["preemptions"]);
    assert!(mean(&s, "restarts") > 10.0, "{}", s["restarts"]);
    // Nothing is lost: every arrival but the last few completes.
    let r = &s["requests"];
    assert_eq!(mean(r, "failed"), 0.0);
    assert!(mean(r, "completed") > 0.99 * mean(r, "arrived"));
    // 200 output tokens at 10 ms a step: at least 2 s, plus the restarts' lost work.
    assert!(f64_at(&s, "latency_s", "p50") >= 2.0);
}

fn f64_at(p: &Value, key: &str, field: &str) -> f64 {
    p[key][field].as_f64().unwrap()
}

#[test]
fn spot_interruptions_requeue_or_fail_what_the_engines_held() {
    let fleet = |name: &str, on_interrupt: &str| {
        json!({"name": name, "type": "dedicated", "instances": 2, "usd_per_hour": 2.0,
               "max_inputs": 16, "engine": flat_steps(),
               "spot": {"usd_per_hour": 0.8, "interruptions_per_hour": 6, "notice_s": 0,
                        "replacement_delay": {"dist": "constant", "value_s": 30},
                        "model_load": {"dist": "constant", "value_s": 30},
                        "on_interrupt": on_interrupt}})
    };
    let doc = json!({
        "name": "spot", "horizon": "2h", "seeds": 2,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": 4}, "service": tokens(100, 100)},
        "platforms": [fleet("requeue", "requeue"), fleet("fail", "fail")]
    });
    let (_dir, path) = scenario_file(&doc);
    let report = run_json(&path, &[]);
    let (requeue, fail) = (platform(&report, "requeue"), platform(&report, "fail"));
    for p in [requeue, fail] {
        assert_conserved(p);
        assert!(mean(&p["spot"], "interruptions") > 5.0);
    }
    // The same interruptions hit both (randomness is keyed by role): what one requeues, the
    // other fails.
    assert_eq!(
        requeue["spot"]["interruptions"],
        fail["spot"]["interruptions"]
    );
    assert!(mean(&requeue["spot"], "requeued") > 0.0);
    assert_eq!(mean(&requeue["requests"], "failed"), 0.0);
    assert!(mean(&fail["requests"], "failed") > 0.0);
}

#[test]
fn a_hybrid_overflows_to_serverless_engines_when_the_base_engine_is_full() {
    let doc = json!({
        "name": "hybrid", "horizon": "1h", "seeds": 2,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": 10}, "service": tokens(100, 100)},
        "platforms": [{"name": "h", "type": "hybrid",
                       "base": {"usd_per_hour": 2.0, "max_inputs": 4, "engine": flat_steps()},
                       "overflow": {"gpu_usd_per_s": 0.001, "max_inputs": 64, "engine": flat_steps(),
                                    "cold_start": {"dist": "constant", "value_s": 2}},
                       "overflow_when": {"queue_length": 1}}]
    });
    let (_dir, path) = scenario_file(&doc);
    let h = platform(&run_json(&path, &[]), "h").clone();
    assert_conserved(&h);
    // Four at a time of ~1 s each take ~4 of the 10 requests a second; the rest overflow.
    let share = mean(&h, "overflow_fraction");
    assert!(share > 0.4 && share < 0.8, "overflow share {share}");
    assert!(h["ttft_s"]["p50"].as_f64().unwrap() >= 0.01);
    // Every step is 10 ms: so is every TPOT (the mean is exact, percentiles to 3 digits).
    assert_eq!(f64_at(&h, "tpot_s", "mean"), 0.01);
    assert!((f64_at(&h, "tpot_s", "max") - 0.01).abs() < 1e-5);
}
