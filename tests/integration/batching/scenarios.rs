//! The shipped tokens scenarios: what each one's numbers must be, worked out from the
//! step-time roofline, the trace and the prices.

use super::{derived, f};
use crate::support::*;

const MONTH_S: f64 = 30.0 * 86_400.0;

#[test]
fn chat_diurnal_tokens_ttft_is_a_prefill_step_and_tpot_a_decode_step_of_the_h100_roofline() {
    let path = project_dir().join("scenarios/llm-chat-diurnal-tokens.json");
    let report = run_json(&path, &["--seeds", "2"]);
    let st = derived("H100", "llama-3.1-8b", 1);
    // The median request (lognormal context: median = mean / √(1 + cv²)) prefills in one
    // step of at least base + per-token × context; at a batch of ~3 the step holds a few
    // decoders too, and the request may wait for the step under way.
    let median_context = 1155.0 / (1.0f64 + 0.96 * 0.96).sqrt();
    let prefill = st.base_s + (st.per_prefill_token_s + st.per_kv_token_s) * median_context;
    for name in ["modal-scale-to-zero", "modal-one-warm", "spheron-h100"] {
        let p = platform(&report, name);
        assert_conserved(p);
        let ttft = f(p, "ttft_s", "p50");
        assert!(
            ttft >= prefill * 0.995 && ttft <= prefill * 1.5,
            "{name}: TTFT p50 {ttft} vs one prefill step {prefill}"
        );
        assert!(f(p, "ttft_s", "p99") >= st.base_s + st.per_prefill_token_s * 1155.0);
        let tpot = f(p, "tpot_s", "p50");
        assert!(
            tpot >= st.base_s * 0.995 && tpot <= st.base_s * 1.25,
            "{name}: TPOT p50 {tpot} vs the weight-read floor {}",
            st.base_s
        );
        assert!(
            mean(p, "batch_size_mean") > 1.0,
            "{name}: requests share steps"
        );
        assert_eq!(
            mean(p, "kv_preemptions"),
            0.0,
            "{name}: the KV cache is never short"
        );
    }
    // One H100 at $2.40/h for 720 h, however busy.
    let vm = platform(&report, "spheron-h100");
    assert_eq!(mean(vm, "cost_usd_per_month"), 2.40 * 720.0);
}

#[test]
fn azure_trace_tokens_feeds_the_recorded_counts_to_the_engines() {
    let path = project_dir().join("scenarios/azure-llm-trace-tokens.json");
    let report = run_json(&path, &["--seeds", "1"]);
    let trace = std::fs::read_to_string(
        project_dir().join("scenarios/traces/AzureLLMInferenceTrace_conv.csv"),
    )
    .unwrap();
    let generated: Vec<f64> = trace
        .lines()
        .skip(1)
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    let per_request = generated.iter().sum::<f64>() / generated.len() as f64;
    for name in ["modal-h100", "spheron-2x-h100"] {
        let p = platform(&report, name);
        assert_conserved(p);
        // Whole plays of the trace complete: their output tokens are the recorded ones.
        let completed = mean(&p["requests"], "completed");
        let tokens = mean(p, "output_tokens_per_s") * 86_400.0;
        let rel = (tokens / completed / per_request - 1.0).abs();
        assert!(
            rel < 0.005,
            "{name}: {tokens} tokens over {completed} requests vs {per_request} a record"
        );
    }
    let vm = platform(&report, "spheron-2x-h100");
    assert_eq!(mean(vm, "cost_usd_per_month"), 2.0 * 2.40 * 720.0);
}

#[test]
fn seventy_b_on_tensor_parallel_h100s_bills_every_gpu_and_tp4_decodes_faster_than_tp2() {
    let path = project_dir().join("scenarios/llm-70b-tp.json");
    let report = run_json(&path, &["--seeds", "2"]);
    for name in ["vm-4x-h100-tp4", "vm-4x-h100-2xtp2"] {
        let p = platform(&report, name);
        assert_conserved(p);
        assert_eq!(mean(p, "cost_usd_per_month"), 9.60 * 720.0, "{name}");
        // Dedicated GPU counts are real GPUs: the one instance has four.
        assert_eq!(mean(p, "containers_mean"), 4.0, "{name}");
    }
    // A Modal container of 4 H100s pays the GPU price four times, plus its CPU and memory.
    let modal = platform(&report, "modal-4x-h100-tp4");
    let per_container_s = 4.0 * 0.001097 + 0.125 * 0.0000131 + 0.125 * 0.00000222;
    let expected = mean(modal, "containers_mean") * per_container_s * MONTH_S;
    let got = mean(modal, "cost_usd_per_month");
    assert!(
        (got / expected - 1.0).abs() < 0.002,
        "modal: {got} vs containers × 4 GPUs × price {expected}"
    );
    // Twice the bandwidth per engine: a TP-4 decode step reads the weights in half the
    // time of a TP-2 one (the overhead is the same).
    let tp4 = f(platform(&report, "vm-4x-h100-tp4"), "tpot_s", "p50");
    let tp2 = f(platform(&report, "vm-4x-h100-2xtp2"), "tpot_s", "p50");
    let (s4, s2) = (
        derived("H100", "llama-3.1-70b", 4),
        derived("H100", "llama-3.1-70b", 2),
    );
    assert!(tp4 >= s4.base_s && tp2 >= s2.base_s, "{tp4} {tp2}");
    assert!(
        tp4 < 0.6 * tp2,
        "TP-4 TPOT {tp4} vs TP-2 {tp2} (floors {} and {})",
        s4.base_s,
        s2.base_s
    );
}
