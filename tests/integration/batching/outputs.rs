//! What a tokens service adds to the outputs: its keys (and their absence elsewhere), the
//! SLO over every target, sweep targets on TTFT and TPOT, shards, and byte-identical
//! output for any thread count.

use serde_json::{Value, json};

use super::engine_platform;
use crate::support::*;

const TOKEN_KEYS: [&str; 6] = [
    "ttft_s",
    "tpot_s",
    "output_tokens_per_s",
    "batch_size_mean",
    "kv_utilization_mean",
    "kv_preemptions",
];

/// 10 ms a step, 100 µs a prefill token, 10 µs a decoding sequence.
fn step_time() -> Value {
    json!({"base_s": 0.01, "per_prefill_token_s": 1e-4, "per_decode_seq_s": 1e-5, "per_kv_token_s": 0.0})
}

/// 40 requests/s of 200 context and 20 output tokens on one engine.
/// `slo` null: none.
fn loaded(slo: Value) -> Value {
    let mut doc = json!({
        "name": "ttft-sweep", "horizon": 600, "seeds": 2, "seed": 3, "slo": slo,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": 40},
                     "service": {"dist": "tokens", "model": "llama-3.1-8b",
                                 "context_tokens": 200, "output_tokens": 20}},
        "platforms": [engine_platform("vm", 1, step_time(), 256)]
    });
    if doc["slo"].is_null() {
        doc.as_object_mut().unwrap().remove("slo");
    }
    doc
}

#[test]
fn tokens_keys_appear_with_a_tokens_service_and_only_then() {
    let (_dir, path) = scenario_file(&loaded(json!({"latency_s": 10})));
    let tokens = run_json(&path, &[]);
    let vm = platform(&tokens, "vm");
    for key in TOKEN_KEYS {
        assert!(vm.get(key).is_some(), "missing {key}");
    }
    for q in ["mean", "p50", "p90", "p95", "p99", "p999", "max"] {
        assert!(vm["ttft_s"][q].is_f64() && vm["tpot_s"][q].is_f64(), "{q}");
    }
    // Every step emits a token for each running sequence; 20 tokens a request.
    let completed = mean(&vm["requests"], "completed");
    assert_eq!(mean(vm, "output_tokens_per_s") * 600.0, completed * 20.0);
    let burst = run_json(
        &project_dir().join("scenarios/burst-batch.json"),
        &["--seeds", "2"],
    );
    for p in burst["platforms"].as_array().unwrap() {
        for key in TOKEN_KEYS {
            assert!(p.get(key).is_none(), "{key} without a tokens service");
        }
    }
}

#[test]
fn the_table_csv_and_markdown_show_ttft_and_tpot_p50_and_p99() {
    let (_dir, path) = scenario_file(&loaded(json!({"latency_s": 10})));
    let table = output_of("run", &path, &[]);
    let text = String::from_utf8(table.stdout).unwrap();
    for row in ["TTFT p50", "TTFT p99", "TPOT p50", "TPOT p99"] {
        assert!(text.contains(&format!("│ {row} ")), "{row} in {text}");
    }
    // Merged percentiles with the per-seed CI beside them (the scenario runs 2+ seeds).
    let ttft = text.lines().find(|l| l.starts_with("│ TTFT p99 ")).unwrap();
    assert!(ttft.contains(" ± "), "{ttft}");
    let md = String::from_utf8(output_of("run", &path, &["--format", "markdown"]).stdout).unwrap();
    assert!(md.contains("| TTFT p99 "), "{md}");
    let csv = String::from_utf8(output_of("run", &path, &["--format", "csv"]).stdout).unwrap();
    let header = csv.lines().next().unwrap();
    for column in [
        "ttft_s.p50",
        "ttft_s.p99",
        "tpot_s.p50",
        "tpot_s.p99",
        "kv_preemptions.mean",
    ] {
        assert!(
            header.split(',').any(|c| c == column),
            "no {column} in {header}"
        );
    }
    let burst = project_dir().join("scenarios/burst-batch.json");
    let plain = String::from_utf8(output_of("run", &burst, &["--seeds", "2"]).stdout).unwrap();
    assert!(!plain.contains("TTFT"), "{plain}");
}

#[test]
fn a_request_attains_the_slo_only_if_it_meets_every_target_given() {
    let attainment = |slo: Value| {
        let (_dir, path) = scenario_file(&loaded(slo));
        mean(
            platform(&run_json(&path, &["--seeds", "1"]), "vm"),
            "slo_attainment",
        )
    };
    let (_dir, path) = scenario_file(&loaded(Value::Null));
    let vm = run_json(&path, &["--seeds", "1"]);
    let requests = &platform(&vm, "vm")["requests"];
    // Requests still running at the horizon count as misses.
    let completed = mean(requests, "completed") / mean(requests, "arrived");
    // No step is shorter than 10 ms: a 5 ms TTFT is never met, whatever the latency.
    assert_eq!(attainment(json!({"latency_s": 100, "ttft_s": 0.005})), 0.0);
    assert_eq!(attainment(json!({"tpot_s": 0.005})), 0.0);
    let all = attainment(json!({"latency_s": 100, "ttft_s": 100, "tpot_s": 100}));
    assert_eq!(all, completed);
    let ttft = attainment(json!({"ttft_s": 0.1}));
    let both = attainment(json!({"ttft_s": 0.1, "latency_s": 0.5}));
    let latency = attainment(json!({"latency_s": 0.5}));
    assert!(ttft > 0.0 && ttft < 1.0 && latency > 0.0 && latency < 1.0);
    assert!(both <= ttft.min(latency), "{both} > min({ttft}, {latency})");
}

fn sweep_json(path: &std::path::Path, targets: &[&str]) -> Value {
    let args = [
        &[
            "--param",
            "platforms.0.instances",
            "--values",
            "1,2,3",
            "--format",
            "json",
        ][..],
        targets,
    ]
    .concat();
    let out = output_of("sweep", path, &args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn the_sweep_best_point_meets_every_ttft_tpot_and_latency_target_given() {
    let (_dir, path) = scenario_file(&loaded(Value::Null));
    // Latency alone: one GPU meets a 5 s p99.
    let latency = sweep_json(&path, &["--slo-p99", "5"]);
    assert_eq!(latency["best"][0]["point"], 0);
    assert!(latency["best"][0].get("p99_ttft_s").is_some());
    // A 100 ms TTFT p99 needs three: one GPU's is ~0.5 s, two GPUs' just above 100 ms.
    let ttft = sweep_json(&path, &["--slo-p99", "5", "--slo-ttft-p99", "0.1"]);
    assert_eq!(ttft["slo_ttft_p99_s"], 0.1);
    let best = &ttft["best"][0];
    assert_eq!(best["point"], 2, "{best}");
    assert!(best["p99_ttft_s"].as_f64().unwrap() <= 0.1);
    let ttft_of = |i: usize| {
        ttft["points"][i]["platforms"][0]["ttft_s"]["p99"]
            .as_f64()
            .unwrap()
    };
    assert!(
        ttft_of(0) > 0.1 && ttft_of(1) > 0.1,
        "{} {}",
        ttft_of(0),
        ttft_of(1)
    );
    // A 50 ms TPOT p99 alone: two GPUs.
    let tpot = sweep_json(&path, &["--slo-tpot-p99", "0.05"]);
    assert_eq!(tpot["best"][0]["point"], 1);
    assert!(tpot.get("slo_p99_s").is_none());
}

#[test]
fn shards_of_a_sweep_with_ttft_targets_merge_into_the_unsharded_output() {
    let (dir, path) = scenario_file(&loaded(Value::Null));
    let args = [
        "--param",
        "platforms.0.instances",
        "--values",
        "1,2,3",
        "--slo-ttft-p99",
        "0.1",
        "--slo-tpot-p99",
        "0.05",
    ];
    let whole = output_of("sweep", &path, &[&args[..], &["--format", "json"]].concat());
    assert!(whole.status.success());
    let mut parts = Vec::new();
    for k in 1..=2 {
        let part = dir.path().join(format!("part{k}.json"));
        let shard = format!("{k}/2");
        let out = output_of(
            "sweep",
            &path,
            &[
                &args[..],
                &["--shard", &shard, "--output", part.to_str().unwrap()],
            ]
            .concat(),
        );
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        parts.push(part);
    }
    let merged = servsim()
        .arg("merge")
        .args(&parts)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(
        merged.status.success(),
        "{}",
        String::from_utf8_lossy(&merged.stderr)
    );
    assert_eq!(merged.stdout, whole.stdout);
}

#[test]
fn a_preset_gives_its_gpu_to_the_engines_and_leaves_max_inputs_to_the_engine() {
    let doc = json!({
        "name": "preset-tokens", "horizon": "1h", "seeds": 1,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": 2},
                     "service": {"dist": "tokens", "model": "llama-3.1-8b",
                                 "context_tokens": 500, "output_tokens": 100}},
        "platforms": [{"name": "m", "preset": "modal:H100",
                       "cold_start": {"dist": "constant", "value_s": 20}},
                      {"name": "s", "preset": "spheron:H100"}]
    });
    let (_dir, path) = scenario_file(&doc);
    let report = run_json(&path, &[]);
    let floor = super::derived("H100", "llama-3.1-8b", 1).base_s;
    for name in ["m", "s"] {
        let p = platform(&report, name);
        // The provider's one input at a time would give a batch of exactly 1.
        assert!(
            mean(p, "batch_size_mean") > 1.5,
            "{name}: {}",
            p["batch_size_mean"]
        );
        let tpot = super::f(p, "tpot_s", "p50");
        assert!(
            tpot >= floor && tpot < 1.2 * floor,
            "{name}: TPOT {tpot} on an H100"
        );
    }
}

#[test]
fn a_tokens_run_is_byte_identical_for_any_thread_count() {
    let mut doc: Value = serde_json::from_slice(
        &std::fs::read(project_dir().join("scenarios/llm-70b-tp.json")).unwrap(),
    )
    .unwrap();
    doc["horizon"] = json!("2h");
    doc["workload"]["arrivals"]["rate_per_s"] = json!(3);
    let (_dir, path) = scenario_file(&doc);
    let one = output_of("run", &path, &["--format", "json", "--threads", "1"]);
    let four = output_of("run", &path, &["--format", "json", "--threads", "4"]);
    assert!(one.status.success());
    assert_eq!(one.stdout, four.stdout);
}
