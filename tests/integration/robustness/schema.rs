//! `servsim schema`: every shipped scenario validates against it, malformed files are
//! rejected by it, and it agrees with the reader on every object's keys and every tag's
//! values — asked of the reader itself, through its "unknown key; expected one of: …" and
//! "expected one of "a", "b" …" errors, at every object of a corpus that takes every
//! variant of the schema. A key added to the reader but not the schema (or the other way
//! round) fails here.

use std::collections::BTreeSet;

use serde_json::{Value, json};
use servsim::scenario::Scenario;

use crate::support::*;

fn schema() -> Value {
    let out = servsim().arg("schema").output().unwrap();
    assert!(out.status.success());
    let printed: Value = serde_json::from_slice(&out.stdout).expect("schema prints JSON");
    assert_eq!(printed, servsim::scenario::schema());
    printed
}

fn validator(schema: &Value) -> jsonschema::Validator {
    jsonschema::draft202012::new(schema).expect("a valid draft 2020-12 schema")
}

fn json_files(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(project_dir().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn read(path: &std::path::Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn every_shipped_scenario_validates_against_the_schema() {
    let v = validator(&schema());
    let mut files = json_files("scenarios");
    files.push(project_dir().join("tests/data/cold-start-storm.json"));
    assert!(files.len() >= 11);
    for f in files {
        let errors: Vec<String> = v.iter_errors(&read(&f)).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", f.display());
    }
}

#[test]
fn malformed_scenarios_are_rejected_by_the_schema() {
    let v = validator(&schema());
    for file in [
        "top-level-array",
        "unknown-top-key",
        "negative-rate",
        "no-platforms",
        "unknown-platform-type",
        "wrong-type-scaledown",
        "missing-cold-start",
        "negative-price",
        "bad-billing-mode",
        "bad-unit-in-dist",
        "rate-above-clock",
        "amplitude-out-of-range",
        "hybrid-both-overflow-rules",
        "hybrid-base-wrong-type",
        "weekly-six-days",
        "negative-seed",
        "null-value",
        "string-for-number",
        "infinite-horizon",
        "nan-duration",
    ] {
        let path = project_dir().join(format!("tests/data/invalid/{file}.json"));
        assert!(!v.is_valid(&read(&path)), "{file} passed the schema");
    }
}

fn trace(name: &str) -> String {
    project_dir()
        .join("tests/data/traces")
        .join(name)
        .display()
        .to_string()
}

/// Valid documents that between them take every variant of every object in the schema.
fn coverage() -> Vec<Value> {
    let c = |v: f64| json!({"dist": "constant", "value_s": v});
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
            "platforms": [serverless, dedicated, hybrid(json!({"queue_wait_s": 5}))]
        }),
        json!({
            "name": "llm", "horizon": 3600,
            "workload": {
                "arrivals": [{"process": "trace", "path": trace("azure_llm_two.csv"), "format": "azure_llm", "repeat": true},
                             {"process": "poisson", "rate_per_s": 0.5}],
                "rate_profile": {"kind": "piecewise", "period_s": "1d", "points": [[0, 0.5], [12, 2]]},
                "service": tokens
            },
            "platforms": [hybrid(json!({"queue_length": 3}))]
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
            "name": "constant-tokens", "horizon": "1h",
            "workload": {
                "arrivals": {"process": "poisson", "rate_per_s": 0.5},
                "service": {"dist": "llm", "ttft_s": 0.05, "per_output_token_s": 0.01,
                            "context_tokens": {"dist": "constant", "value": 10},
                            "output_tokens": {"dist": "lognormal", "mu": 3, "sigma": 0.5}}
            },
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

/// The document at `pointer` with `edit` applied, as the reader reports it.
fn reader_errors(doc: &Value, pointer: &str, edit: impl FnOnce(&mut Value)) -> String {
    let mut doc = doc.clone();
    edit(doc.pointer_mut(pointer).expect("the walked node exists"));
    let base = project_dir().join("scenarios");
    match Scenario::from_value_in(&doc, "cov.json", &base) {
        Ok(_) => String::new(),
        Err(e) => e.to_string(),
    }
}

/// The keys the reader takes at `path`: from its error on an injected unknown key.
fn reader_keys(doc: &Value, pointer: &str, path: &str) -> BTreeSet<String> {
    let text = reader_errors(doc, pointer, |v| {
        v.as_object_mut()
            .unwrap()
            .insert("zz_unknown".into(), json!(1));
    });
    let key = if path.is_empty() {
        "zz_unknown".to_string()
    } else {
        format!("{path}.zz_unknown")
    };
    let prefix = format!("cov.json: {key}: unknown key; expected one of: ");
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in\n{text}"));
    line.split(", ").map(str::to_string).collect()
}

/// The values the reader accepts for tag `key` at `path`: from its error on a bad value.
fn reader_choices(doc: &Value, pointer: &str, path: &str, key: &str) -> BTreeSet<String> {
    let text = reader_errors(doc, pointer, |v| v[key] = json!("zz_bad"));
    let at = if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    };
    let prefix = format!("cov.json: {at}: expected one of ");
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix(&prefix))
        .unwrap_or_else(|| panic!("no {prefix:?} in\n{text}"));
    let list = line.split(", found").next().unwrap();
    list.split(", ")
        .map(|s| s.trim_matches('"').to_string())
        .collect()
}

/// Walks a document and the schema side by side, checking each object's keys and each
/// tag's values against the reader.
struct Walk<'a> {
    root: &'a Value,
    doc: &'a Value,
    /// Schema locations of the oneOf branches some node took.
    taken: BTreeSet<String>,
    objects: usize,
}

impl<'a> Walk<'a> {
    fn deref(&self, mut s: &'a Value, mut loc: String) -> (&'a Value, String) {
        while let Some(name) = s.get("$ref").and_then(Value::as_str) {
            let name = name.trim_start_matches("#/$defs/");
            loc = format!("#/$defs/{name}");
            s = &self.root["$defs"][name];
        }
        (s, loc)
    }

    fn matches(&self, branch: &Value, inst: &Value) -> bool {
        let s = json!({"$defs": self.root["$defs"], "allOf": [branch]});
        validator(&s).is_valid(inst)
    }

    fn walk(&mut self, schema: &'a Value, loc: String, inst: &Value, pointer: &str, path: &str) {
        let (schema, loc) = self.deref(schema, loc);
        // An object schema's own oneOf only says which of its keys are required.
        let is_object = schema.get("properties").is_some();
        for combinator in ["oneOf", "anyOf"].into_iter().filter(|_| !is_object) {
            if let Some(branches) = schema.get(combinator).and_then(Value::as_array) {
                let matching: Vec<usize> = (0..branches.len())
                    .filter(|&i| self.matches(&branches[i], inst))
                    .collect();
                assert!(
                    !matching.is_empty(),
                    "{path}: no branch of {loc} takes {inst}"
                );
                if combinator == "oneOf" {
                    assert_eq!(
                        matching.len(),
                        1,
                        "{path}: several branches of {loc} take {inst}"
                    );
                    self.check_tag(branches, inst, pointer, path, &loc);
                }
                let at = format!("{loc}/{combinator}/{}", matching[0]);
                self.taken.insert(at.clone());
                return self.walk(&branches[matching[0]], at, inst, pointer, path);
            }
        }
        match inst {
            Value::Object(map) => {
                let props = schema["properties"]
                    .as_object()
                    .unwrap_or_else(|| panic!("{loc} is not an object schema"));
                let keys: BTreeSet<String> = props.keys().cloned().collect();
                assert_eq!(
                    reader_keys(self.doc, pointer, path),
                    keys,
                    "keys of {path:?} ({loc})"
                );
                self.objects += 1;
                for (k, v) in map {
                    let child = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    self.walk(
                        &props[k],
                        format!("{loc}/properties/{k}"),
                        v,
                        &format!("{pointer}/{k}"),
                        &child,
                    );
                }
            }
            Value::Array(items) if schema.get("items").is_some() => {
                for (i, item) in items.iter().enumerate() {
                    let at = (format!("{pointer}/{i}"), format!("{path}[{i}]"));
                    self.walk(&schema["items"], format!("{loc}/items"), item, &at.0, &at.1);
                }
            }
            _ => {}
        }
    }

    /// When every object branch of a oneOf is told apart by one constant key (`dist`,
    /// `process`, `kind`, `type`), the reader must accept exactly those values.
    fn check_tag(&self, branches: &'a [Value], inst: &Value, pointer: &str, path: &str, loc: &str) {
        if !inst.is_object() {
            return;
        }
        let objects: Vec<&Value> = branches
            .iter()
            .map(|b| self.deref(b, String::new()).0)
            .filter(|b| b.get("properties").is_some())
            .collect();
        let tag_of = |b: &Value| {
            b["properties"]
                .as_object()
                .unwrap()
                .iter()
                .find(|(_, s)| s.get("const").is_some())
                .map(|(k, _)| k.clone())
        };
        let Some(key) = objects.first().and_then(|b| tag_of(b)) else {
            return;
        };
        if objects.len() < 2 || objects.iter().any(|b| tag_of(b).as_deref() != Some(&key)) {
            return;
        }
        let values: BTreeSet<String> = objects
            .iter()
            .map(|b| b["properties"][&key]["const"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(
            reader_choices(self.doc, pointer, path, &key),
            values,
            "values of {path}.{key} ({loc})"
        );
    }
}

/// Every oneOf branch in the schema, named as the walker names them.
fn branches(schema: &Value, loc: &str, out: &mut BTreeSet<String>) {
    let variants = schema
        .get("oneOf")
        .filter(|_| schema.get("properties").is_none());
    if let Some(list) = variants.and_then(Value::as_array) {
        for (i, b) in list.iter().enumerate() {
            let at = format!("{loc}/oneOf/{i}");
            out.insert(at.clone());
            branches(b, &at, out);
        }
    }
    if let Some(props) = schema.get("properties").and_then(Value::as_object) {
        for (k, s) in props {
            branches(s, &format!("{loc}/properties/{k}"), out);
        }
    }
    if let Some(items) = schema.get("items") {
        branches(items, &format!("{loc}/items"), out);
    }
}

#[test]
fn the_schema_and_the_reader_agree_on_every_key_and_tag() {
    let root = schema();
    let mut taken = BTreeSet::new();
    let mut objects = 0;
    for doc in coverage() {
        let name = doc["name"].clone();
        Scenario::from_value_in(&doc, "cov.json", &project_dir().join("scenarios"))
            .unwrap_or_else(|e| panic!("coverage document {name} is valid: {e}"));
        let mut w = Walk {
            root: &root,
            doc: &doc,
            taken: BTreeSet::new(),
            objects: 0,
        };
        w.walk(&root, "#".into(), &doc, "", "");
        taken.extend(w.taken);
        objects += w.objects;
    }
    let mut all = BTreeSet::new();
    branches(&root, "#", &mut all);
    for (name, def) in root["$defs"].as_object().unwrap() {
        branches(def, &format!("#/$defs/{name}"), &mut all);
    }
    let missed: Vec<&String> = all.difference(&taken).collect();
    assert!(missed.is_empty(), "no coverage document takes {missed:?}");
    assert!(objects > 200, "{objects} objects checked");
}
