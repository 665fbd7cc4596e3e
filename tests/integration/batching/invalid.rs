//! Bad input of a tokens service or its engines: each file exits 2 naming the file, the
//! JSON path (or the trace line), what was expected and what was found.

use crate::support::*;

/// (file in tests/data/invalid-tokens, text the error must contain after the file name).
const CASES: &[(&str, &str)] = &[
    (
        "tokens-context-rounds-to-zero.json",
        ": workload.service.context_tokens: expected token counts that round to at least 1, found a distribution whose every draw is at most 0.4",
    ),
    (
        "tokens-output-zero.json",
        ": workload.service.output_tokens: expected token counts that round to at least 1, found 0",
    ),
    (
        "tokens-model-does-not-fit.json",
        ": platforms[0].gpu: model llama-3.1-70b does not fit on 1 × H100: its weights take 141.11 GB and the usable GPU memory is 77.31 GB",
    ),
    (
        "tokens-unknown-gpu.json",
        ": platforms[0].gpu: expected a catalog GPU (T4, L4, A10G, L40S, A100-40GB, A100-80GB, H100, H200, B200), found \"H10\" (did you mean \"H100\"?)",
    ),
    (
        "tokens-unknown-model.json",
        ": workload.service.model: expected a catalog model (llama-3.1-8b, llama-3.1-8b-fp8, llama-3.1-70b, ",
    ),
    (
        "tokens-negative-step-time.json",
        ": platforms[0].engine.step_time.per_kv_token_s: expected a duration that is a number in [0, 1], found -1e-9",
    ),
    (
        "tokens-budget-zero.json",
        ": platforms[0].engine.max_batched_tokens: expected a whole number in [1, 4294967295], found 0",
    ),
    (
        "tokens-budget-below-max-inputs.json",
        ": platforms[0].engine.max_batched_tokens: expected max_batched_tokens ≥ max_inputs (256)",
    ),
    (
        "tokens-with-llm-key.json",
        ": workload.service.ttft_s: expected no ttft_s in dist \"tokens\"",
    ),
    (
        "llm-with-tokens-key.json",
        ": workload.service.model: expected no model in dist \"llm\"",
    ),
    (
        "engine-without-tokens.json",
        ": platforms[0].engine: expected engine only with a tokens service",
    ),
    (
        "ttft-slo-without-tokens.json",
        ": slo.ttft_s: expected ttft_s only with a tokens service",
    ),
    (
        "tokens-platform-without-gpu.json",
        ": platforms[0].gpu: missing required key (a tokens service derives each engine's step time and KV cache from the GPU",
    ),
    (
        "tokens-tp-does-not-divide.json",
        ": platforms[0].tensor_parallel: expected tensor_parallel to divide gpus_per_instance (4)",
    ),
    (
        "tokens-trace-zero-output.json",
        ": workload.arrivals: expected at least 1 token in every record for a tokens service, found GeneratedTokens 0 at ",
    ),
];

#[test]
fn each_malformed_tokens_scenario_exits_2_naming_file_and_path() {
    let dir = project_dir().join("tests/data/invalid-tokens");
    for (file, expected) in CASES {
        let path = dir.join(file);
        for command in ["run", "validate"] {
            let out = servsim().arg(command).arg(&path).output().unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command} {file}: {stderr}");
            let needle = format!("{}{expected}", path.display());
            assert!(
                stderr.contains(&needle),
                "{command} {file}: expected {needle:?} in\n{stderr}"
            );
            assert!(!stderr.contains("panicked"), "{file}: {stderr}");
        }
    }
    let files = std::fs::read_dir(&dir)
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "json")
        })
        .count();
    assert_eq!(files, CASES.len(), "every file is asserted");
}

#[test]
fn an_unknown_model_name_suggests_the_close_catalog_name() {
    let path = project_dir().join("tests/data/invalid-tokens/tokens-unknown-model.json");
    let out = servsim().arg("validate").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("found \"llama-3.1-8\" (did you mean \"llama-3.1-8b\"?)"),
        "{stderr}"
    );
}

#[test]
fn the_zero_token_record_is_named_by_its_trace_line() {
    let path = project_dir().join("tests/data/invalid-tokens/tokens-trace-zero-output.json");
    let out = servsim().arg("validate").arg(&path).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("zero-output.csv:3"), "{stderr}");
}

#[test]
fn ttft_and_tpot_sweep_targets_need_a_tokens_service() {
    let path = project_dir().join("scenarios/burst-batch.json");
    for flag in ["--slo-ttft-p99", "--slo-tpot-p99"] {
        let out = servsim()
            .args(["sweep"])
            .arg(&path)
            .args([
                "--param",
                "platforms.0.min_containers",
                "--values",
                "0,1",
                flag,
                "1",
            ])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flag}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "{flag}: expected a scenario with a tokens service"
            )),
            "{flag}: {stderr}"
        );
    }
}
