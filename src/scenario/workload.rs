//! Reading `workload` (SPEC §2) and the distribution grammar shared by every random
//! duration.

use serde_json::Value;

use super::reader::{Errors, Obj, Range, array, duration, number, tag};
use crate::time::SimDuration;
use crate::workload::profile::PiecewiseConstant;
use crate::workload::{ArrivalProcess, Dist, Phases, RateProfile, Window, Workload};

pub fn workload(v: &Value, path: &str, errs: &mut Errors) -> Option<Workload> {
    let mut o = Obj::new(v, path, errs)?;
    let arrivals = o.req("arrivals", errs, |v, p, e| match v {
        Value::Array(_) => array(v, p, e, arrival),
        _ => arrival(v, p, e).map(|a| vec![a]),
    });
    let rate_profile = o.opt("rate_profile", errs, rate_profile);
    let service = o.req("service", errs, dist);
    let timeout = o.opt("timeout_s", errs, duration(Range::Positive));
    o.finish(errs);
    Some(Workload {
        arrivals: arrivals?,
        rate_profile: rate_profile?,
        service: service?,
        timeout: timeout?.map(SimDuration::from_secs_f64),
    })
}

fn arrival(v: &Value, path: &str, errs: &mut Errors) -> Option<ArrivalProcess> {
    let mut o = Obj::new(v, path, errs)?;
    let process = tag(&mut o, "process", &["poisson", "periodic"], errs)?;
    let parsed = match process {
        "poisson" => o
            .req("rate_per_s", errs, number(Range::Positive))
            .map(|rate_per_s| ArrivalProcess::Poisson { rate_per_s }),
        _ => {
            let interval_s = o.req("interval_s", errs, duration(Range::Positive));
            let jitter_s = o.or("jitter_s", 0.0, errs, duration(Range::NonNegative));
            interval_s.map(|interval_s| ArrivalProcess::Periodic {
                interval_s,
                jitter_s,
            })
        }
    };
    o.finish(errs);
    parsed
}

fn rate_profile(v: &Value, path: &str, errs: &mut Errors) -> Option<RateProfile> {
    let mut o = Obj::new(v, path, errs)?;
    tag(&mut o, "kind", &["daily_windows"], errs)?;
    let windows = o.req("windows", errs, |v, p, e| match v {
        Value::Array(items) if items.is_empty() => Some(vec![]),
        _ => array(v, p, e, window),
    });
    let outside = o.or("outside", 0.0, errs, number(Range::NonNegative));
    let windows_path = o.at("windows");
    o.finish(errs);
    let mut windows = windows?;
    windows.sort_by(|a, b| a.start_h.total_cmp(&b.start_h));
    let mut ok = true;
    for pair in windows.windows(2) {
        if pair[1].start_h < pair[0].end_h {
            errs.push(
                &windows_path,
                format!(
                    "expected windows that do not overlap, found [{}, {}) and [{}, {})",
                    pair[0].start_h, pair[0].end_h, pair[1].start_h, pair[1].end_h
                ),
            );
            ok = false;
        }
    }
    ok.then(|| RateProfile::DailyWindows(PiecewiseConstant::daily_windows(&windows, outside)))
}

fn window(v: &Value, path: &str, errs: &mut Errors) -> Option<Window> {
    let mut o = Obj::new(v, path, errs)?;
    let start_h = o.req("start_h", errs, number(Range::Between(0.0, 24.0)));
    let end_h = o.req("end_h", errs, number(Range::Between(0.0, 24.0)));
    let multiplier = o.or("multiplier", 1.0, errs, number(Range::NonNegative));
    o.finish(errs);
    let (start_h, end_h) = (start_h?, end_h?);
    if start_h >= end_h {
        errs.push(
            path,
            format!("expected start_h < end_h (use two windows to cross midnight), found start_h {start_h}, end_h {end_h}"),
        );
        return None;
    }
    Some(Window {
        start_h,
        end_h,
        multiplier,
    })
}

/// A distribution: `{"dist": "constant" | "exponential" | "lognormal", …}`.
pub fn dist(v: &Value, path: &str, errs: &mut Errors) -> Option<Dist> {
    let mut o = Obj::new(v, path, errs)?;
    let kind = tag(
        &mut o,
        "dist",
        &["constant", "exponential", "lognormal"],
        errs,
    )?;
    let parsed = match kind {
        "constant" => o
            .req("value_s", errs, duration(Range::NonNegative))
            .map(Dist::constant),
        "exponential" => o
            .req("mean_s", errs, duration(Range::Positive))
            .map(Dist::exponential),
        _ => lognormal(&mut o, errs),
    };
    o.finish(errs);
    parsed
}

fn lognormal(o: &mut Obj, errs: &mut Errors) -> Option<Dist> {
    if o.has("mu") || o.has("sigma") {
        let mu = o.req("mu", errs, number(Range::Between(-50.0, 50.0)));
        let sigma = o.req("sigma", errs, number(Range::Between(0.0, 10.0)));
        return Some(Dist::lognormal_mu_sigma(mu?, sigma?));
    }
    let mean_s = o.req("mean_s", errs, duration(Range::Positive));
    let cv = o.req("cv", errs, number(Range::Between(0.0, 100.0)));
    Some(Dist::lognormal_mean_cv(mean_s?, cv?))
}

/// A distribution, or `{"phases": [dist, …]}` whose draws are summed.
pub fn phases(v: &Value, path: &str, errs: &mut Errors) -> Option<Phases> {
    if v.get("phases").is_none() {
        return dist(v, path, errs).map(Phases::single);
    }
    let mut o = Obj::new(v, path, errs)?;
    let list = o.req("phases", errs, |v, p, e| array(v, p, e, dist));
    o.finish(errs);
    list.map(Phases)
}
