//! The JSON Schema (draft 2020-12) of scenario files, printed by `servsim schema` for
//! editors and other tools.
//!
//! Written out here rather than derived: the reader is hand-written over
//! `serde_json::Value` (so that it reports every error with its path), so there are no
//! deserialized types to derive a schema from, and mirror types kept only for a derive
//! would be a second hand-written description all the same. What keeps the two from
//! drifting is a test (`tests/integration/robustness/schema.rs`) that walks a corpus
//! covering every object kind and asks the reader itself which keys each object takes
//! (from its "unknown key; expected one of: …" error) and which tag values it accepts,
//! and compares them with this schema. The schema checks shapes, types and simple
//! ranges; what spans keys (`min_containers ≤ max_containers`, trace contents) is left
//! to `servsim validate`.

use serde_json::{Map, Value, json};

/// `{"$ref": "#/$defs/NAME"}`.
fn def(name: &str) -> Value {
    json!({ "$ref": format!("#/$defs/{name}") })
}

/// A closed object: `props` (name, schema, description), `required` among them.
fn object(props: &[(&str, Value, &str)], required: &[&str]) -> Value {
    let mut properties = Map::new();
    for (name, schema, doc) in props {
        let mut schema = schema.clone();
        if !doc.is_empty()
            && let Some(o) = schema.as_object_mut()
        {
            o.insert("description".into(), json!(doc));
        }
        properties.insert(name.to_string(), schema);
    }
    json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false
    })
}

/// A tagged variant: `tag` must be `value`, plus the variant's own keys.
fn variant(tag: &str, value: &str, props: &[(&str, Value, &str)], required: &[&str]) -> Value {
    let mut all = vec![(tag, json!({ "const": value }), "")];
    all.extend(props.iter().cloned());
    let mut req = vec![tag];
    req.extend_from_slice(required);
    object(&all, &req)
}

fn number(min: f64) -> Value {
    json!({ "type": "number", "minimum": min })
}

fn positive() -> Value {
    json!({ "type": "number", "exclusiveMinimum": 0 })
}

fn between(lo: f64, hi: f64) -> Value {
    json!({ "type": "number", "minimum": lo, "maximum": hi })
}

fn whole(min: u64) -> Value {
    json!({ "type": "integer", "minimum": min })
}

fn whole32(min: u32) -> Value {
    json!({ "type": "integer", "minimum": min, "maximum": u32::MAX })
}

fn string() -> Value {
    json!({ "type": "string" })
}

fn choice(values: &[&str]) -> Value {
    json!({ "enum": values })
}

fn list(items: Value) -> Value {
    json!({ "type": "array", "items": items, "minItems": 1 })
}

/// The whole schema.
pub fn schema() -> Value {
    let mut defs = Map::new();
    for (name, schema) in [
        ("duration", duration()),
        ("dist", dist(&SECONDS)),
        ("token_count", tokens()),
        ("phases", phases()),
        ("service", service()),
        ("arrival", arrival()),
        ("rate_profile", rate_profile(true)),
        ("daily_profile", rate_profile(false)),
        ("platform", platform()),
    ] {
        defs.insert(name.into(), schema);
    }
    let mut top = object(
        &[
            (
                "name",
                string(),
                "short identifier, printed in every output",
            ),
            ("description", string(), "one line for humans"),
            (
                "horizon",
                def("duration"),
                "simulated span (> 0, at most 100 years)",
            ),
            ("seeds", whole32(1), "replicas per platform (8)"),
            ("seed", whole(0), "master seed (1)"),
            (
                "slo",
                object(&[("latency_s", def("duration"), "")], &["latency_s"]),
                "",
            ),
            ("workload", workload(), ""),
            ("platforms", list(def("platform")), "unique names"),
        ],
        &["name", "horizon", "workload", "platforms"],
    );
    let o = top.as_object_mut().expect("an object");
    o.insert(
        "$schema".into(),
        json!("https://json-schema.org/draft/2020-12/schema"),
    );
    o.insert("title".into(), json!("servsim scenario"));
    o.insert("$defs".into(), Value::Object(defs));
    top
}

/// Seconds, or a string with a unit (`"90s"`, `"15m"`, `"2h"`, `"30d"`).
fn duration() -> Value {
    json!({ "anyOf": [
        { "type": "number", "minimum": 0 },
        { "type": "string",
          "pattern": r"^\s*[+]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*(ms|s|sec|m|min|h|d|w)\s*$" }
    ]})
}

/// Key names of a distribution of seconds or of token counts.
struct Keys {
    amount: fn() -> Value,
    value: &'static str,
    mean: &'static str,
    min: &'static str,
    max: &'static str,
    samples: &'static str,
}

const SECONDS: Keys = Keys {
    amount: || def("duration"),
    value: "value_s",
    mean: "mean_s",
    min: "min_s",
    max: "max_s",
    samples: "samples_s",
};

const TOKENS: Keys = Keys {
    amount: || number(0.0),
    value: "value",
    mean: "mean",
    min: "min",
    max: "max",
    samples: "samples",
};

fn dist_variants(k: &Keys) -> Vec<Value> {
    let a = k.amount;
    let cv = between(0.0, 100.0);
    vec![
        variant("dist", "constant", &[(k.value, a(), "")], &[k.value]),
        variant("dist", "exponential", &[(k.mean, a(), "")], &[k.mean]),
        variant(
            "dist",
            "lognormal",
            &[(k.mean, a(), ""), ("cv", cv.clone(), "")],
            &[k.mean, "cv"],
        ),
        variant(
            "dist",
            "lognormal",
            &[
                ("mu", between(-50.0, 50.0), ""),
                ("sigma", between(0.0, 10.0), ""),
            ],
            &["mu", "sigma"],
        ),
        variant(
            "dist",
            "gamma",
            &[(k.mean, a(), ""), ("cv", cv, "")],
            &[k.mean, "cv"],
        ),
        variant(
            "dist",
            "uniform",
            &[(k.min, a(), ""), (k.max, a(), "")],
            &[k.min, k.max],
        ),
        variant(
            "dist",
            "empirical",
            &[(k.samples, list(a()), "")],
            &[k.samples],
        ),
    ]
}

fn dist(k: &Keys) -> Value {
    json!({ "oneOf": dist_variants(k) })
}

fn tokens() -> Value {
    let mut options = vec![number(0.0)];
    options.extend(dist_variants(&TOKENS));
    json!({ "oneOf": options })
}

fn phases() -> Value {
    json!({ "oneOf": [
        def("dist"),
        object(&[("phases", list(def("dist")), "summed")], &["phases"])
    ]})
}

fn service() -> Value {
    let mut options = dist_variants(&SECONDS);
    let d = || def("duration");
    options.push(variant(
        "dist",
        "llm",
        &[
            ("ttft_s", d(), ""),
            ("per_output_token_s", d(), ""),
            ("prefill_per_1k_tokens_s", d(), ""),
            ("context_tokens", def("token_count"), ""),
            ("output_tokens", def("token_count"), ""),
        ],
        &["ttft_s", "per_output_token_s"],
    ));
    json!({ "oneOf": options })
}

fn workload() -> Value {
    object(
        &[
            (
                "arrivals",
                json!({ "oneOf": [def("arrival"), list(def("arrival"))] }),
                "one process, or several superposed",
            ),
            ("rate_profile", def("rate_profile"), ""),
            ("service", def("service"), ""),
            (
                "timeout_s",
                def("duration"),
                "give up if still waiting to start after this long",
            ),
        ],
        &["arrivals"],
    )
}

fn arrival() -> Value {
    let d = || def("duration");
    let rate = || between(0.0, 1e9);
    let state = object(
        &[("rate_per_s", rate(), ""), ("mean_holding_s", d(), "")],
        &["rate_per_s", "mean_holding_s"],
    );
    json!({ "oneOf": [
        variant("process", "poisson", &[("rate_per_s", rate(), "")], &["rate_per_s"]),
        variant("process", "periodic", &[("interval_s", d(), ""), ("jitter_s", d(), "")], &["interval_s"]),
        variant("process", "gamma", &[("rate_per_s", rate(), ""), ("cv", between(0.0, 100.0), "")], &["rate_per_s", "cv"]),
        variant("process", "mmpp", &[("states", list(state), "")], &["states"]),
        variant(
            "process",
            "bursts",
            &[("every_s", d(), ""), ("offset_s", d(), ""), ("count", whole(1), ""), ("spacing_s", d(), "")],
            &["every_s", "count"],
        ),
        trace(),
    ]})
}

fn trace() -> Value {
    let filter = object(
        &[
            ("owner", string(), ""),
            ("app", string(), ""),
            ("function", string(), ""),
            ("trigger", string(), ""),
        ],
        &[],
    );
    variant(
        "process",
        "trace",
        &[
            ("path", string(), "relative to the scenario file's folder"),
            (
                "format",
                choice(&["csv", "azure_llm", "azure_functions_2019"]),
                "",
            ),
            ("time_scale", positive(), ""),
            (
                "repeat",
                json!({ "oneOf": [{ "type": "boolean" }, whole(1)] }),
                "",
            ),
            ("start_s", def("duration"), ""),
            (
                "within_minute",
                choice(&["uniform", "poisson", "equidistant"]),
                "azure_functions_2019 only",
            ),
            ("filter", filter, "azure_functions_2019 only"),
        ],
        &["path", "format"],
    )
}

fn rate_profile(with_weekly: bool) -> Value {
    let window = object(
        &[
            ("start_h", between(0.0, 24.0), ""),
            ("end_h", between(0.0, 24.0), ""),
            ("multiplier", number(0.0), ""),
        ],
        &["start_h", "end_h"],
    );
    let point = json!({ "type": "array", "prefixItems": [number(0.0), number(0.0)], "minItems": 2, "maxItems": 2 });
    let mut kinds = vec![
        variant(
            "kind",
            "daily_windows",
            &[
                ("windows", json!({ "type": "array", "items": window }), ""),
                ("outside", number(0.0), ""),
            ],
            &["windows"],
        ),
        variant(
            "kind",
            "sinusoid",
            &[
                ("period_s", def("duration"), ""),
                ("amplitude", between(0.0, 1.0), ""),
                ("peak_h", number(0.0), ""),
            ],
            &["amplitude", "peak_h"],
        ),
        variant(
            "kind",
            "piecewise",
            &[
                ("period_s", def("duration"), ""),
                ("points", list(point), ""),
            ],
            &["points"],
        ),
    ];
    if with_weekly {
        let days = json!({ "type": "array", "items": number(0.0), "minItems": 7, "maxItems": 7 });
        kinds.push(variant(
            "kind",
            "weekly",
            &[
                ("day_multipliers", days, "Monday first"),
                ("daily", def("daily_profile"), ""),
            ],
            &["day_multipliers"],
        ));
    }
    json!({ "oneOf": kinds })
}

fn platform() -> Value {
    let named = |kind: &str, mut props: Vec<(&str, Value, &str)>, required: &[&str]| {
        props.insert(0, ("name", string(), ""));
        let mut req = vec!["name"];
        req.extend_from_slice(required);
        variant("type", kind, &props, &req)
    };
    let part = |kind: &str, mut props: Vec<(&str, Value, &'static str)>, required: &[&str]| {
        props.insert(0, ("type", json!({ "const": kind }), ""));
        object(&props, required)
    };
    let overflow_when = exactly_one(
        object(
            &[
                ("queue_wait_s", def("duration"), ""),
                ("queue_length", whole(0), ""),
            ],
            &[],
        ),
        &["queue_wait_s", "queue_length"],
    );
    json!({ "oneOf": [
        named("serverless", serverless_keys(), &["gpu_usd_per_s", "cold_start"]),
        named("dedicated", dedicated_keys(), &["usd_per_hour"]),
        named(
            "hybrid",
            vec![
                ("base", part("dedicated", dedicated_keys(), &["usd_per_hour"]), ""),
                ("overflow", part("serverless", serverless_keys(), &["gpu_usd_per_s", "cold_start"]), ""),
                ("overflow_when", overflow_when, ""),
            ],
            &["base", "overflow", "overflow_when"],
        ),
    ]})
}

fn billing(with_mode: bool) -> Value {
    let mut keys = vec![
        ("granularity_s", def("duration"), ""),
        ("minimum_s", def("duration"), ""),
    ];
    if with_mode {
        keys.insert(
            0,
            (
                "mode",
                choice(&["lifetime", "after_startup", "busy_only"]),
                "",
            ),
        );
    }
    object(&keys, &[])
}

fn serverless_keys() -> Vec<(&'static str, Value, &'static str)> {
    let d = || def("duration");
    vec![
        ("gpu_usd_per_s", number(0.0), "GPU price per second"),
        ("cpu_cores", number(0.0), ""),
        ("cpu_usd_per_core_s", number(0.0), ""),
        ("memory_gib", number(0.0), ""),
        ("memory_usd_per_gib_s", number(0.0), ""),
        ("price_multiplier", positive(), ""),
        ("schedule_delay", def("phases"), "not billed"),
        ("cold_start", def("phases"), "billed"),
        ("min_containers", whole32(0), "at most 1,048,576"),
        ("max_containers", whole32(1), "≥ min_containers"),
        ("buffer_containers", whole32(0), ""),
        ("scaledown_window_s", d(), ""),
        ("max_inputs", whole32(1), ""),
        ("target_inputs", whole32(1), "≤ max_inputs"),
        ("dispatch", choice(&["queue", "per_request"]), ""),
        ("pick", choice(&["newest", "oldest", "mru", "lru"]), ""),
        ("queue_limit", whole(0), ""),
        ("execution_timeout_s", d(), ""),
        ("preemptions_per_hour", between(0.0, 3600.0), ""),
        ("billing", billing(true), ""),
    ]
}

fn dedicated_keys() -> Vec<(&'static str, Value, &'static str)> {
    vec![
        ("usd_per_hour", number(0.0), "per instance, on-demand"),
        ("instances", whole32(1), ""),
        ("gpus_per_instance", whole32(1), ""),
        ("max_inputs", whole32(1), "per GPU, at most 65,536"),
        ("billing", billing(false), ""),
        ("queue_limit", whole(0), ""),
        ("spot", spot(), ""),
    ]
}

/// `schema` with exactly one of `keys` present.
fn exactly_one(mut schema: Value, keys: &[&str]) -> Value {
    let options: Vec<Value> = keys.iter().map(|k| json!({ "required": [k] })).collect();
    schema["oneOf"] = json!(options);
    schema
}

fn spot() -> Value {
    let rate = object(
        &[
            ("usd_per_hour", number(0.0), ""),
            (
                "interruptions_per_hour",
                between(0.0, 3600.0),
                "or interruptions_per_month",
            ),
            ("interruptions_per_month", between(0.0, 3600.0 * 720.0), ""),
            ("notice_s", def("duration"), ""),
            ("replacement_delay", def("dist"), ""),
            ("model_load", def("dist"), ""),
            ("on_interrupt", choice(&["requeue", "fail"]), ""),
            ("fallback", choice(&["wait", "on_demand"]), ""),
            ("fallback_delay", def("dist"), "with fallback on_demand"),
        ],
        &["usd_per_hour"],
    );
    exactly_one(rate, &["interruptions_per_hour", "interruptions_per_month"])
}
