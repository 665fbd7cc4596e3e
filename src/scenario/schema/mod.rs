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

mod platform;

use serde_json::{Map, Value, json};

use super::workload::{DistKeys, SECONDS, TOKENS};
use platform::platform;

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

/// A distribution's amount: seconds take durations with units, token counts plain numbers.
fn amount(k: &DistKeys) -> Value {
    if k.seconds {
        def("duration")
    } else {
        number(0.0)
    }
}

fn dist_variants(k: &DistKeys) -> Vec<Value> {
    let a = || amount(k);
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

fn dist(k: &DistKeys) -> Value {
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
