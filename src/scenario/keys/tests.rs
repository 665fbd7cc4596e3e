//! Every key of every table is read by its reader: a key listed in a table but never asked
//! for would be accepted and silently ignored. Reading a corpus that takes every variant
//! of every object also walks every reader path, so a reader asking for a key its table
//! does not list (which panics) cannot hide.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};

use super::{Key, SCENARIO, Table, Ty, Union};
use crate::scenario::reader::Errors;

/// Every table reachable from the top level, by id, with every key it takes.
fn tables() -> BTreeMap<&'static str, Vec<&'static str>> {
    let mut out = BTreeMap::new();
    table(&SCENARIO, &[], &mut out);
    out
}

fn table(t: &'static Table, common: &'static [Key], out: &mut BTreeMap<&str, Vec<&str>>) {
    if out.contains_key(t.id) {
        return;
    }
    let mut names: Vec<&str> = common.iter().chain(t.keys).map(|k| k.name).collect();
    names.extend(t.tag.map(|(k, _)| k));
    out.insert(t.id, names);
    t.keys.iter().for_each(|k| ty(&k.ty, out));
}

fn ty(t: &'static Ty, out: &mut BTreeMap<&str, Vec<&str>>) {
    match t {
        Ty::List { item, .. } => ty(item, out),
        Ty::Tuple(items) | Ty::OneOf(items) => items.iter().for_each(|t| ty(t, out)),
        Ty::Object(t) => table(t, &[], out),
        Ty::Union(u) => union(u, out),
        Ty::Named(n) => ty(&n.ty, out),
        _ => {}
    }
}

fn union(u: &'static Union, out: &mut BTreeMap<&str, Vec<&str>>) {
    u.variants.iter().for_each(|t| table(t, u.common, out));
}

fn trace(name: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/traces");
    dir.join(name).display().to_string()
}

fn c(v: f64) -> Value {
    json!({"dist": "constant", "value_s": v})
}

/// A platform of each type with every key given, and a hybrid of them.
fn platforms() -> Vec<Value> {
    let serverless = json!({
        "name": "s", "type": "serverless", "gpu_usd_per_s": 0.001, "cpu_cores": 0.5,
        "cpu_usd_per_core_s": 0.00001, "memory_gib": 1, "memory_usd_per_gib_s": 0.000002,
        "price_multiplier": 1.5, "schedule_delay": {"dist": "exponential", "mean_s": "2s"},
        "cold_start": {"phases": [c(1.0), {"dist": "gamma", "mean_s": 3, "cv": 0.5},
            {"dist": "uniform", "min_s": 1, "max_s": 2}, {"dist": "empirical", "samples_s": [1, 2]},
            {"dist": "lognormal", "mu": 0.1, "sigma": 0.2}, {"dist": "lognormal", "mean_s": 2, "cv": 0.2}]},
        "min_containers": 1, "max_containers": 9, "buffer_containers": 1,
        "scaledown_window_s": "2m", "max_inputs": 4, "target_inputs": 2,
        "dispatch": "per_request", "pick": "lru", "queue_limit": 100,
        "execution_timeout_s": 600, "preemptions_per_hour": 0.1,
        "billing": {"mode": "after_startup", "granularity_s": 1, "minimum_s": 60}
    });
    let dedicated = json!({
        "name": "d", "type": "dedicated", "usd_per_hour": 2.4, "instances": 2,
        "gpus_per_instance": 2, "max_inputs": 2, "queue_limit": 50,
        "billing": {"granularity_s": 60, "minimum_s": 60},
        "spot": {"usd_per_hour": 0.8, "interruptions_per_hour": 0.1, "notice_s": 30,
            "replacement_delay": c(60.0), "model_load": c(30.0), "on_interrupt": "fail",
            "fallback": "on_demand", "fallback_delay": c(90.0)}
    });
    let mut base = dedicated.clone();
    base.as_object_mut().unwrap().remove("name");
    base["spot"] = json!({"usd_per_hour": 0.8, "interruptions_per_month": 2,
        "replacement_delay": c(1.0), "model_load": c(1.0)});
    let mut overflow = serverless.clone();
    overflow.as_object_mut().unwrap().remove("name");
    let hybrid = |name: &str, when: Value| json!({"name": name, "type": "hybrid", "base": base, "overflow": overflow, "overflow_when": when});
    let (wait, length) = (
        hybrid("h1", json!({"queue_wait_s": 5})),
        hybrid("h2", json!({"queue_length": 3})),
    );
    vec![serverless, dedicated, wait, length]
}

fn arrivals() -> Value {
    json!([
        {"process": "poisson", "rate_per_s": 1},
        {"process": "periodic", "interval_s": 10, "jitter_s": 1},
        {"process": "gamma", "rate_per_s": 1, "cv": 2},
        {"process": "mmpp", "states": [{"rate_per_s": 5, "mean_holding_s": 60}, {"rate_per_s": 0, "mean_holding_s": 600}]},
        {"process": "bursts", "every_s": "1h", "offset_s": 60, "count": 10, "spacing_s": 1},
        {"process": "trace", "path": trace("csv_service.csv"), "format": "csv", "time_scale": 2, "repeat": 3, "start_s": 5},
        {"process": "trace", "path": trace("azure_llm_two.csv"), "format": "azure_llm", "repeat": true},
        {"process": "trace", "path": trace("azure_functions_small.csv"), "format": "azure_functions_2019",
         "within_minute": "poisson", "filter": {"owner": "o1", "app": "a1", "function": "f1", "trigger": "http"}}
    ])
}

/// Documents that between them take every variant of every object.
fn corpus() -> Vec<Value> {
    let tokens = |context: Value, output: Value| {
        json!({"dist": "llm", "ttft_s": 0.05, "per_output_token_s": 0.01,
               "prefill_per_1k_tokens_s": 0.02, "context_tokens": context, "output_tokens": output})
    };
    let profiles = [
        json!({"kind": "weekly", "day_multipliers": [1, 1, 1, 1, 1, 0.5, 0.5],
               "daily": {"kind": "sinusoid", "period_s": "1d", "amplitude": 0.5, "peak_h": 14}}),
        json!({"kind": "piecewise", "period_s": "1d", "points": [[0, 0.5], [12, 2]]}),
        json!({"kind": "daily_windows", "windows": [{"start_h": 9, "end_h": 17, "multiplier": 2}], "outside": 0.1}),
    ];
    let services = [
        tokens(
            json!({"dist": "lognormal", "mean": 500, "cv": 1}),
            json!(200),
        ),
        tokens(
            json!({"dist": "uniform", "min": 10, "max": 20}),
            json!({"dist": "empirical", "samples": [1, 2]}),
        ),
        tokens(
            json!({"dist": "gamma", "mean": 10, "cv": 1}),
            json!({"dist": "exponential", "mean": 30}),
        ),
        tokens(
            json!({"dist": "constant", "value": 10}),
            json!({"dist": "lognormal", "mu": 3, "sigma": 0.5}),
        ),
    ];
    let doc = |i: usize, service: &Value| {
        json!({"name": format!("doc{i}"), "description": "coverage", "horizon": "1d", "seeds": 2, "seed": 3,
               "slo": {"latency_s": 2},
               "workload": {"arrivals": arrivals(), "rate_profile": profiles[i % profiles.len()],
                            "service": service, "timeout_s": 60},
               "platforms": platforms()})
    };
    let mut docs: Vec<Value> = services
        .iter()
        .enumerate()
        .map(|(i, s)| doc(i, s))
        .collect();
    for dist in [
        "constant",
        "exponential",
        "gamma",
        "uniform",
        "empirical",
        "lognormal",
    ] {
        let mut d = doc(0, &json!({}));
        d["workload"]["arrivals"] = json!({"process": "poisson", "rate_per_s": 1});
        d["workload"]["service"] = platforms()[0]["cold_start"]["phases"]
            .as_array()
            .unwrap()
            .iter()
            .chain([&json!({"dist": "exponential", "mean_s": 1})])
            .find(|p| p["dist"] == dist)
            .cloned()
            .unwrap();
        docs.push(d);
    }
    docs.extend(tokens_docs(&doc(0, &json!({}))));
    docs.extend(jobs_docs());
    docs
}

/// A jobs workload with arrivals and checkpoints, and one with a count alone, on the
/// platform types that run jobs.
fn jobs_docs() -> Vec<Value> {
    let platforms: Vec<Value> = platforms().into_iter().take(2).collect();
    let arrivals = json!({"name": "jobs-arrivals", "horizon": "7d",
        "workload": {"rate_profile": {"kind": "sinusoid", "amplitude": 0.5, "peak_h": 12},
            "jobs": {"arrivals": {"process": "poisson", "rate_per_s": 0.001},
                "work": {"dist": "exponential", "mean_s": 3600},
                "checkpoint": {"interval_s": "5m", "cost": c(10.0), "restore": c(20.0)}}},
        "platforms": platforms});
    let count = json!({"name": "jobs-count", "horizon": "7d",
        "workload": {"jobs": {"count": 3, "work": c(3600.0)}},
        "platforms": platforms});
    vec![arrivals, count]
}

/// A tokens service on every platform type, once with catalog names and derived engines,
/// once with shapes, numbers and every engine key given.
fn tokens_docs(template: &Value) -> Vec<Value> {
    let mut named = template.clone();
    named["workload"]["arrivals"] = arrivals()[6].clone();
    named.as_object_mut().unwrap()["workload"]
        .as_object_mut()
        .unwrap()
        .remove("rate_profile");
    named["workload"]["service"] = json!({"dist": "tokens", "model": "llama-3.1-8b"});
    named["slo"] = json!({"latency_s": 20, "ttft_s": 2, "tpot_s": 0.1});
    for p in named["platforms"].as_array_mut().unwrap() {
        let part = |p: &mut Value| {
            p["gpu"] = json!("H100");
            if p.get("cold_start").is_some() {
                p.as_object_mut().unwrap().remove("max_inputs");
                p.as_object_mut().unwrap().remove("target_inputs");
            }
        };
        match p["type"].as_str().unwrap() {
            "hybrid" => {
                part(&mut p["base"]);
                part(&mut p["overflow"]);
            }
            _ => part(p),
        }
    }
    let mut shaped = named.clone();
    shaped["name"] = json!("tokens-shaped");
    shaped["workload"]["arrivals"] = json!({"process": "poisson", "rate_per_s": 1});
    shaped["workload"]["service"] = json!({"dist": "tokens",
        "model": {"params_b": 8, "bytes_per_param": 2, "layers": 32, "kv_heads": 8, "head_dim": 128, "kv_bytes": 2},
        "context_tokens": {"dist": "lognormal", "mean": 500, "cv": 1}, "output_tokens": 100});
    let engine = json!({"max_batched_tokens": 4096, "mfu": 0.4, "mbu": 0.7, "step_overhead_s": "3ms",
        "gpu_memory_utilization": 0.85, "kv_capacity_tokens": 100000,
        "step_time": {"base_s": 0.01, "per_prefill_token_s": 1e-5, "per_decode_seq_s": 1e-5, "per_kv_token_s": 1e-8}});
    let shape = |p: &mut Value, tensor_parallel: u64| {
        p["gpu"] = json!({"tflops": 989.4, "hbm_tb_s": 3.35, "memory_gib": 80});
        p["engine"] = engine.clone();
        p["tensor_parallel"] = json!(tensor_parallel);
    };
    for p in shaped["platforms"].as_array_mut().unwrap() {
        match p["type"].as_str().unwrap() {
            "hybrid" => {
                shape(&mut p["base"], 2);
                shape(&mut p["overflow"], 1);
            }
            "dedicated" => shape(p, 2),
            _ => shape(p, 1),
        }
    }
    vec![named, shaped]
}

fn shipped() -> Vec<(Value, std::path::PathBuf)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    let read = |p: &Path| serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
    files.into_iter().map(|p| (read(&p), dir.clone())).collect()
}

#[test]
fn every_key_of_every_table_is_read_by_its_reader() {
    let here = Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf();
    let docs = corpus()
        .into_iter()
        .map(|d| (d, here.clone()))
        .chain(shipped());
    let mut asked: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (doc, base) in docs {
        let mut errs = Errors::default();
        let parsed = crate::scenario::read(&doc, &mut errs, &base);
        assert!(
            parsed.is_some() && errs.0.is_empty(),
            "{}: {:?}",
            doc["name"],
            errs.0
        );
        for visit in errs.1 {
            let names = tables().remove(visit.table).unwrap_or_default();
            let read = names.into_iter().filter(|n| !visit.unread.contains(n));
            asked.entry(visit.table).or_default().extend(read);
        }
    }
    for (id, names) in tables() {
        let read = asked
            .get(id)
            .unwrap_or_else(|| panic!("table {id:?} was never read"));
        let unread: Vec<&str> = names.into_iter().filter(|n| !read.contains(n)).collect();
        assert!(
            unread.is_empty(),
            "table {id:?}: keys never read: {unread:?}"
        );
    }
}
