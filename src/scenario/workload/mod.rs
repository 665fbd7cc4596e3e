//! Reading `workload` (SPEC §2) and the distribution grammar shared by every random
//! duration, with the checks that span keys (which arrivals need which `service`).

mod dist;
mod profile;
mod trace;

use std::path::Path;

use serde_json::Value;

use super::reader::{
    Errors, MAX_RATE_PER_S, Obj, Range, array, duration, index, join, number, tag,
};
use crate::time::SimDuration;
use crate::workload::arrivals::{Bursts, MmppState};
use crate::workload::{ArrivalProcess, Service, Workload};
pub(super) use dist::{Keys as DistKeys, SECONDS, TOKENS};
pub use dist::{dist, phases};

/// The shortest interval between arrivals, bursts or MMPP state changes a scenario may
/// ask for: one nanosecond, the clock's resolution (shorter ones round to zero, and a
/// process that never advances the clock would never end).
const MIN_GAP_S: f64 = 1e-9;

const PROCESSES: [&str; 6] = ["poisson", "periodic", "gamma", "mmpp", "bursts", "trace"];

/// `base` is the folder relative trace paths are resolved against.
pub fn workload(v: &Value, path: &str, errs: &mut Errors, base: &Path) -> Option<Workload> {
    let mut o = Obj::new(v, path, errs)?;
    let arrivals = o.req("arrivals", errs, |v, p, e| match v {
        Value::Array(_) => array(v, p, e, |v, p, e| arrival(v, p, e, base)),
        _ => arrival(v, p, e, base).map(|a| vec![a]),
    });
    let rate_profile = o.opt("rate_profile", errs, profile::rate_profile);
    let service = o.opt("service", errs, dist::service);
    let timeout = o.opt("timeout_s", errs, duration(Range::Positive));
    o.finish(errs);
    let w = Workload {
        arrivals: arrivals?,
        rate_profile: rate_profile?,
        service: service?,
        timeout: timeout?.map(SimDuration::from_secs_f64),
    };
    check_demands(&w, path, errs).then_some(w)
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
            continue;
        }
        let tokens = trace.is_some_and(|t| t.has_tokens());
        match (&w.service, tokens) {
            (None, _) => errs.push(&service_path, format!("missing required key ({} at {} does not record its service times)", p.name(), at(i))),
            (Some(Service::Llm(_)), true) => {}
            (Some(s), true) => errs.push(&service_path, format!("expected {{\"dist\": \"llm\"}} to price the token counts of the azure_llm trace at {}, found {}", at(i), describe(s))),
            (Some(Service::Llm(m)), false) => {
                for (key, d) in [("context_tokens", &m.context_tokens), ("output_tokens", &m.output_tokens)] {
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
        Service::Dist(_) => "a distribution of seconds",
    }
}

fn arrival(v: &Value, path: &str, errs: &mut Errors, base: &Path) -> Option<ArrivalProcess> {
    let mut o = Obj::new(v, path, errs)?;
    let process = tag(&mut o, "process", &PROCESSES, errs)?;
    let parsed = match process {
        "poisson" => o
            .req("rate_per_s", errs, number(Range::Rate))
            .map(|rate_per_s| ArrivalProcess::Poisson { rate_per_s }),
        "periodic" => {
            let interval_s = o.req("interval_s", errs, duration(Range::AtLeast(MIN_GAP_S)));
            let jitter_s = o.or("jitter_s", 0.0, errs, duration(Range::NonNegative));
            interval_s.map(|interval_s| ArrivalProcess::Periodic {
                interval_s,
                jitter_s,
            })
        }
        "gamma" => {
            let rate_per_s = o.req("rate_per_s", errs, number(Range::Rate));
            let cv = o.req("cv", errs, number(Range::Between(0.0, 100.0)));
            Some(ArrivalProcess::Gamma {
                rate_per_s: rate_per_s?,
                cv: cv?,
            })
        }
        "mmpp" => mmpp(&mut o, errs),
        "bursts" => bursts(&mut o, errs),
        _ => trace::trace(&mut o, errs, base).map(|t| ArrivalProcess::Trace(Box::new(t))),
    };
    o.finish(errs);
    parsed
}

fn mmpp(o: &mut Obj, errs: &mut Errors) -> Option<ArrivalProcess> {
    let states_path = o.at("states");
    let states = o.req("states", errs, |v, p, e| array(v, p, e, mmpp_state))?;
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
    let mut o = Obj::new(v, path, errs)?;
    let rate_per_s = o.req(
        "rate_per_s",
        errs,
        number(Range::Between(0.0, MAX_RATE_PER_S)),
    );
    let mean_holding_s = o.req("mean_holding_s", errs, duration(Range::AtLeast(MIN_GAP_S)));
    o.finish(errs);
    Some(MmppState {
        rate_per_s: rate_per_s?,
        mean_holding_s: mean_holding_s?,
    })
}

fn bursts(o: &mut Obj, errs: &mut Errors) -> Option<ArrivalProcess> {
    let every = o.req("every_s", errs, duration(Range::AtLeast(MIN_GAP_S)));
    let offset = o.or("offset_s", 0.0, errs, duration(Range::NonNegative));
    let count = o.req("count", errs, super::reader::count(1));
    let spacing = o.or("spacing_s", 0.0, errs, duration(Range::NonNegative));
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
