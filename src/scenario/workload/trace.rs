//! Reading a `trace` arrival process (SPEC §2.4): its keys, the path resolved against
//! the scenario file's folder, and the validating pass over the file itself.

use std::path::Path;

use serde_json::Value;

use super::super::reader::{
    Errors, Obj, Range, any_string, choice, count, duration, number, string,
};
use crate::time::SimDuration;
use crate::workload::trace::{
    FunctionFilter, RecordFormat, Repeat, TraceFormat, TraceSpec, WithinMinute,
};

const FORMATS: [&str; 3] = ["csv", "azure_llm", "azure_functions_2019"];

/// The keys of `{"process": "trace", …}` (the tag already read).
pub fn trace(o: &mut Obj, errs: &mut Errors, base: &Path) -> Option<TraceSpec> {
    let path = o.req("path", errs, string);
    let format = o.req("format", errs, choice(&FORMATS));
    let time_scale = o.or("time_scale", 1.0, errs, number(Range::Positive));
    let repeat = o.or("repeat", Repeat::Times(1), errs, repeat);
    let start = o.or("start_s", 0.0, errs, duration(Range::NonNegative));
    let within = o.opt(
        "within_minute",
        errs,
        choice(&["uniform", "poisson", "equidistant"]),
    );
    let filter = o.opt("filter", errs, filter);
    let format = trace_format(o, errs, format?, within?, filter?);
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

/// The format with its options; the per-minute options belong to `azure_functions_2019`.
fn trace_format(
    o: &Obj,
    errs: &mut Errors,
    name: &str,
    within: Option<&str>,
    filter: Option<FunctionFilter>,
) -> TraceFormat {
    if name == "azure_functions_2019" {
        let within_minute = match within {
            Some("poisson") => WithinMinute::Poisson,
            Some("equidistant") => WithinMinute::Equidistant,
            _ => WithinMinute::Uniform,
        };
        let filter = filter.unwrap_or_default();
        return TraceFormat::AzureFunctions2019 {
            within_minute,
            filter,
        };
    }
    for (key, given) in [
        ("within_minute", within.is_some()),
        ("filter", filter.is_some()),
    ] {
        if given {
            errs.push(
                &o.at(key),
                format!("expected no {key}: it applies to format \"azure_functions_2019\" only, found format \"{name}\""),
            );
        }
    }
    TraceFormat::Records(if name == "csv" {
        RecordFormat::Csv
    } else {
        RecordFormat::AzureLlm
    })
}

/// `false` (once), `true` (until the horizon) or the number of plays (≥ 1).
fn repeat(v: &Value, path: &str, errs: &mut Errors) -> Option<Repeat> {
    match v {
        Value::Bool(false) => Some(Repeat::Times(1)),
        Value::Bool(true) => Some(Repeat::Forever),
        Value::Number(_) => count(1)(v, path, errs).map(Repeat::Times),
        _ => {
            errs.expected(path, "true, false or a whole number of plays ≥ 1", v);
            None
        }
    }
}

fn filter(v: &Value, path: &str, errs: &mut Errors) -> Option<FunctionFilter> {
    let mut o = Obj::new(v, path, errs)?;
    let owner = o.opt("owner", errs, any_string);
    let app = o.opt("app", errs, any_string);
    let function = o.opt("function", errs, any_string);
    let trigger = o.opt("trigger", errs, any_string);
    o.finish(errs);
    Some(FunctionFilter {
        owner: owner?,
        app: app?,
        function: function?,
        trigger: trigger?,
    })
}
