//! Reading `workload` (docs/scenarios.md) and the distribution grammar shared by every random
//! duration, with the checks that span keys (which arrivals need which `service`).

mod dist;
mod jobs;
mod profile;
mod tokens;
mod trace;

use std::path::Path;

use serde_json::Value;

use super::keys::{ARRIVAL, MMPP_STATE, WORKLOAD};
use super::reader::{Errors, Obj, array, index, join};
use crate::time::SimDuration;
use crate::workload::arrivals::{Bursts, MmppState};
use crate::workload::{ArrivalProcess, LlmModel, Service, TokensService, TraceSpec, Workload};
pub use dist::{dist, phases};
pub use jobs::{check_platforms as check_job_platforms, checkpoint};
pub use tokens::is_tokens_service;

/// `base` is the folder relative trace paths are resolved against.
pub fn workload(v: &Value, path: &str, errs: &mut Errors, base: &Path) -> Option<Workload> {
    let mut o = Obj::new(v, path, &WORKLOAD, errs)?;
    if o.has("jobs") {
        return jobs::workload(o, errs, base);
    }
    let arrivals = o
        .opt_with("arrivals", errs, |v, p, e| arrivals(v, p, e, base))
        .and_then(|a| {
            a.or_else(|| {
                errs.push(&o.at("arrivals"), "missing required key");
                None
            })
        });
    let rate_profile = o.opt_with("rate_profile", errs, profile::rate_profile);
    let service = o.opt_with("service", errs, dist::service);
    let timeout: Option<Option<f64>> = o.opt("timeout_s", errs);
    o.opt_with("jobs", errs, |_, _, _| Some(()));
    o.finish(errs);
    let w = Workload {
        arrivals: arrivals?,
        rate_profile: rate_profile?,
        service: service?,
        timeout: timeout?.map(SimDuration::from_secs_f64),
        jobs: None,
    };
    check_demands(&w, path, errs).then_some(w)
}

/// One arrival process, or an array of them.
fn arrivals(v: &Value, path: &str, errs: &mut Errors, base: &Path) -> Option<Vec<ArrivalProcess>> {
    match v {
        Value::Array(_) => array(v, path, errs, |v, p, e| arrival(v, p, e, base)),
        _ => arrival(v, path, errs, base).map(|a| vec![a]),
    }
}

/// Every arrival's demand must be priceable: recorded service times need nothing, recorded
/// token counts an `llm` service, anything else a `service` that can draw.
fn check_demands(w: &Workload, path: &str, errs: &mut Errors) -> bool {
    let arrivals_path = join(path, "arrivals");
    let service_path = join(path, "service");
    let at = |i: usize| {
        if w.arrivals.len() == 1 {
            arrivals_path.clone()
        } else {
            index(&arrivals_path, i)
        }
    };
    let before = errs.0.len();
    for (i, p) in w.arrivals.iter().enumerate() {
        let trace = match p {
            ArrivalProcess::Trace(t) => Some(t),
            _ => None,
        };
        if trace.is_some_and(|t| t.has_service()) {
            if let Some(Service::Tokens(_)) = &w.service {
                errs.push(&at(i), "expected token counts (an azure_llm trace) or no recorded times (a csv trace without service_s) for a tokens service, whose times the engines decide, found recorded service_s");
            }
            continue;
        }
        let tokens = trace.is_some_and(|t| t.has_tokens());
        match (&w.service, tokens) {
            (None, _) => errs.push(&service_path, format!("missing required key ({} at {} does not record its service times)", p.name(), at(i))),
            (Some(Service::Llm(_)), true) => {}
            (Some(Service::Tokens(_)), true) => zero_tokens(trace.map(|t| &**t), &at(i), errs),
            (Some(s), true) => errs.push(&service_path, format!("expected {{\"dist\": \"llm\"}} or {{\"dist\": \"tokens\"}} to price the token counts of the azure_llm trace at {}, found {}", at(i), describe(s))),
            (Some(Service::Llm(LlmModel { context_tokens, output_tokens, .. })), false)
            | (Some(Service::Tokens(TokensService { context_tokens, output_tokens, .. })), false) => {
                for (key, d) in [("context_tokens", context_tokens), ("output_tokens", output_tokens)] {
                    if d.is_none() {
                        errs.push(&join(&service_path, key), format!("missing required key ({} at {} draws its token counts)", p.name(), at(i)));
                    }
                }
            }
            (Some(Service::Dist(_)), false) => {}
        }
    }
    if w.rate_profile.is_some() && !w.arrivals.iter().any(ArrivalProcess::is_modulated) {
        errs.push(&join(path, "rate_profile"), "expected a poisson, gamma, mmpp or periodic arrival process for the profile to modulate, found only bursts and traces");
    }
    errs.0.len() == before
}

fn describe(s: &Service) -> &'static str {
    match s {
        Service::Llm(_) => "dist \"llm\"",
        Service::Tokens(_) => "dist \"tokens\"",
        Service::Dist(_) => "a distribution of seconds",
    }
}

/// A tokens service needs at least one token of each kind in every record.
fn zero_tokens(trace: Option<&TraceSpec>, at: &str, errs: &mut Errors) {
    if let Some(t) = trace
        && let Some((line, column)) = t.summary.zero_tokens
    {
        errs.push(
            at,
            format!(
                "expected at least 1 token in every record for a tokens service, found {column} 0 at {}:{line}",
                t.path.display()
            ),
        );
    }
}

fn arrival(v: &Value, path: &str, errs: &mut Errors, base: &Path) -> Option<ArrivalProcess> {
    let mut o = Obj::tagged(v, path, &ARRIVAL, errs)?;
    let parsed = match o.variant(errs)? {
        "poisson" => o
            .req("rate_per_s", errs)
            .map(|rate_per_s| ArrivalProcess::Poisson { rate_per_s }),
        "periodic" => {
            let interval_s: Option<f64> = o.req("interval_s", errs);
            let jitter_s: f64 = o.or("jitter_s", errs);
            interval_s.map(|interval_s| ArrivalProcess::Periodic {
                interval_s,
                jitter_s,
            })
        }
        "gamma-arrivals" => {
            let rate_per_s: Option<f64> = o.req("rate_per_s", errs);
            let cv: Option<f64> = o.req("cv", errs);
            Some(ArrivalProcess::Gamma {
                rate_per_s: rate_per_s?,
                cv: cv?,
            })
        }
        "mmpp" => mmpp(&mut o, errs),
        "bursts" => bursts(&mut o, errs),
        "trace" => trace::trace(&mut o, errs, base).map(|t| ArrivalProcess::Trace(Box::new(t))),
        other => unreachable!("arrival process {other:?} has no reader"),
    };
    o.finish(errs);
    parsed
}

fn mmpp(o: &mut Obj, errs: &mut Errors) -> Option<ArrivalProcess> {
    let states_path = o.at("states");
    let states = o.req_with("states", errs, |v, p, e| array(v, p, e, mmpp_state))?;
    if states.iter().all(|s| s.rate_per_s == 0.0) {
        errs.push(
            &states_path,
            "expected at least one state with rate_per_s > 0, found all 0",
        );
        return None;
    }
    Some(ArrivalProcess::Mmpp { states })
}

fn mmpp_state(v: &Value, path: &str, errs: &mut Errors) -> Option<MmppState> {
    let mut o = Obj::new(v, path, &MMPP_STATE, errs)?;
    let rate_per_s: Option<f64> = o.req("rate_per_s", errs);
    let mean_holding_s: Option<f64> = o.req("mean_holding_s", errs);
    o.finish(errs);
    Some(MmppState {
        rate_per_s: rate_per_s?,
        mean_holding_s: mean_holding_s?,
    })
}

fn bursts(o: &mut Obj, errs: &mut Errors) -> Option<ArrivalProcess> {
    let every: Option<f64> = o.req("every_s", errs);
    let offset: f64 = o.or("offset_s", errs);
    let count: Option<u64> = o.req("count", errs);
    let spacing: f64 = o.or("spacing_s", errs);
    let (every, count) = (every?, count?);
    if (count - 1) as f64 * spacing > every {
        errs.push(
            &o.at("spacing_s"),
            format!("expected (count − 1) × spacing_s ≤ every_s ({every}) so that bursts do not overlap, found {} × {spacing}", count - 1),
        );
        return None;
    }
    Some(ArrivalProcess::Bursts(Bursts {
        every: SimDuration::from_secs_f64(every),
        offset: SimDuration::from_secs_f64(offset),
        count,
        spacing: SimDuration::from_secs_f64(spacing),
    }))
}

#[cfg(test)]
mod tests;
