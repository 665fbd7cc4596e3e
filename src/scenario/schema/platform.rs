//! The schema of `platforms`: serverless, dedicated (with spot) and hybrid.

use serde_json::{Value, json};

use super::{between, choice, def, number, object, positive, string, variant, whole, whole32};

pub(super) fn platform() -> Value {
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
