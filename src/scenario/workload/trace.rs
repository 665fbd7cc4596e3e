//! Reading a `trace` arrival process (docs/semantics.md#arrivals): its keys, the path resolved against
//! the scenario file's folder, and the validating pass over the file itself.

use std::path::Path;

use serde_json::Value;

use super::super::keys::{FILTER, REPEAT};
use super::super::reader::{Errors, Obj, scalar};
use crate::time::SimDuration;
use crate::workload::trace::{
    FunctionFilter, RecordFormat, Repeat, TraceFormat, TraceSpec, WithinMinute,
};

/// The keys of `{"process": "trace", …}` (the tag already read).
pub fn trace(o: &mut Obj, errs: &mut Errors, base: &Path) -> Option<TraceSpec> {
    let path: Option<String> = o.req("path", errs);
    let format: Option<&str> = o.req("format", errs);
    let time_scale: f64 = o.or("time_scale", errs);
    // Invalid values are reported; playing once only lets the checks go on.
    let repeat = o.opt_with("repeat", errs, repeat).flatten();
    let repeat = repeat.unwrap_or(Repeat::Times(1));
    let start: f64 = o.or("start_s", errs);
    let within = o.get::<&str>("within_minute", errs);
    let within_given = o.has("within_minute");
    let filter = o.opt_with("filter", errs, filter);
    let within = (within?, within_given);
    let format = trace_format(o, errs, format?, within, filter?);
    let resolved = base.join(path?);
    let summary = TraceSpec::summarize(&resolved, &format)
        .map_err(|e| errs.push(&o.at("path"), e.to_string()))
        .ok()?;
    let spec = TraceSpec {
        path: resolved,
        format,
        time_scale,
        repeat,
        start: SimDuration::from_secs_f64(start),
        summary,
    };
    if repeat != Repeat::Times(1)
        && let Some(problem) = spec.repeat_problem()
    {
        errs.push(&o.at("repeat"), problem);
        return None;
    }
    Some(spec)
}

/// The format with its options (`within_minute`: its value, and whether it was given);
/// the per-minute options belong to `azure_functions_2019`.
fn trace_format(
    o: &Obj,
    errs: &mut Errors,
    name: &str,
    (within, within_given): (&str, bool),
    filter: Option<FunctionFilter>,
) -> TraceFormat {
    if name == "azure_functions_2019" {
        let within_minute = match within {
            "uniform" => WithinMinute::Uniform,
            "poisson" => WithinMinute::Poisson,
            "equidistant" => WithinMinute::Equidistant,
            other => unreachable!("within_minute {other:?} is not a choice of the table"),
        };
        let filter = filter.unwrap_or_default();
        return TraceFormat::AzureFunctions2019 {
            within_minute,
            filter,
        };
    }
    for (key, given) in [
        ("within_minute", within_given),
        ("filter", filter.is_some()),
    ] {
        if given {
            errs.push(
                &o.at(key),
                format!("expected no {key}: it applies to format \"azure_functions_2019\" only, found format \"{name}\""),
            );
        }
    }
    TraceFormat::Records(match name {
        "csv" => RecordFormat::Csv,
        "azure_llm" => RecordFormat::AzureLlm,
        other => unreachable!("trace format {other:?} is not a choice of the table"),
    })
}

/// `false` (once), `true` (until the horizon) or the number of plays (≥ 1).
fn repeat(v: &Value, path: &str, errs: &mut Errors) -> Option<Repeat> {
    match v {
        Value::Bool(false) => Some(Repeat::Times(1)),
        Value::Bool(true) => Some(Repeat::Forever),
        Value::Number(_) => scalar(v, &REPEAT[1], path, errs).map(Repeat::Times),
        _ => {
            errs.expected(path, "true, false or a whole number of plays ≥ 1", v);
            None
        }
    }
}

fn filter(v: &Value, path: &str, errs: &mut Errors) -> Option<FunctionFilter> {
    let mut o = Obj::new(v, path, &FILTER, errs)?;
    let owner = o.opt("owner", errs);
    let app = o.opt("app", errs);
    let function = o.opt("function", errs);
    let trigger = o.opt("trigger", errs);
    o.finish(errs);
    Some(FunctionFilter {
        owner: owner?,
        app: app?,
        function: function?,
        trigger: trigger?,
    })
}
