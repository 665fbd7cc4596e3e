//! Reading `rate_profile` (docs/semantics.md#arrivals): `daily_windows`, `sinusoid`, `piecewise`, and
//! `weekly` over an inner daily profile.

use serde_json::Value;

use super::super::keys::{DAILY_PROFILE, DAY_MULTIPLIER, POINT, RATE_PROFILE, Union, WINDOW};
use super::super::reader::{Errors, Obj, array, index, scalar};
use crate::workload::profile::{PiecewiseLinear, Sinusoid, Weekly};
use crate::workload::{RateProfile, Window};

const DAY_S: f64 = 86_400.0;

pub fn rate_profile(v: &Value, path: &str, errs: &mut Errors) -> Option<RateProfile> {
    profile(v, path, errs, &RATE_PROFILE)
}

/// `weekly.daily`: a profile whose period is one day.
fn daily(v: &Value, path: &str, errs: &mut Errors) -> Option<RateProfile> {
    let p = profile(v, path, errs, &DAILY_PROFILE)?;
    if p.period_s() != DAY_S {
        errs.push(
            &super::super::reader::join(path, "period_s"),
            format!(
                "expected a daily profile (period_s 86400) inside weekly, found period_s {}",
                p.period_s()
            ),
        );
        return None;
    }
    Some(p)
}

fn profile(v: &Value, path: &str, errs: &mut Errors, kinds: &'static Union) -> Option<RateProfile> {
    let mut o = Obj::tagged(v, path, kinds, errs)?;
    let parsed = match o.variant(errs)? {
        "daily-windows" => daily_windows(&mut o, errs),
        "sinusoid" => sinusoid(&mut o, errs),
        "piecewise" => piecewise(&mut o, errs),
        "weekly" => weekly(&mut o, errs),
        other => unreachable!("rate profile {other:?} has no reader"),
    };
    o.finish(errs);
    parsed
}

fn daily_windows(o: &mut Obj, errs: &mut Errors) -> Option<RateProfile> {
    let windows = o.req_with("windows", errs, |v, p, e| match v {
        Value::Array(items) if items.is_empty() => Some(vec![]),
        _ => array(v, p, e, window),
    });
    let outside: f64 = o.or("outside", errs);
    let mut windows = windows?;
    windows.sort_by(|a, b| a.start_h.total_cmp(&b.start_h));
    let mut ok = true;
    for pair in windows.windows(2) {
        if pair[1].start_h < pair[0].end_h {
            errs.push(
                &o.at("windows"),
                format!(
                    "expected windows that do not overlap, found [{}, {}) and [{}, {})",
                    pair[0].start_h, pair[0].end_h, pair[1].start_h, pair[1].end_h
                ),
            );
            ok = false;
        }
    }
    ok.then(|| RateProfile::DailyWindows(PiecewiseLinear::daily_windows(&windows, outside)))
}

fn window(v: &Value, path: &str, errs: &mut Errors) -> Option<Window> {
    let mut o = Obj::new(v, path, &WINDOW, errs)?;
    let start_h: Option<f64> = o.req("start_h", errs);
    let end_h: Option<f64> = o.req("end_h", errs);
    let multiplier: f64 = o.or("multiplier", errs);
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

fn period(o: &mut Obj, errs: &mut Errors) -> Option<f64> {
    o.get("period_s", errs)
}

fn sinusoid(o: &mut Obj, errs: &mut Errors) -> Option<RateProfile> {
    let period_s = period(o, errs);
    let amplitude: Option<f64> = o.req("amplitude", errs);
    let peak_h: Option<f64> = o.req("peak_h", errs);
    let (period_s, peak_h) = (period_s?, peak_h?);
    if peak_h * 3600.0 >= period_s {
        errs.push(
            &o.at("peak_h"),
            format!(
                "expected an hour within the period [0, {}), found {peak_h}",
                period_s / 3600.0
            ),
        );
        return None;
    }
    Some(RateProfile::Sinusoid(Sinusoid::new(
        period_s, amplitude?, peak_h,
    )))
}

fn piecewise(o: &mut Obj, errs: &mut Errors) -> Option<RateProfile> {
    let period_s = period(o, errs)?;
    let period_h = period_s / 3600.0;
    let points_path = o.at("points");
    let points = o.req_with("points", errs, |v, p, e| array(v, p, e, point))?;
    let mut ok = true;
    for (i, (h, _)) in points.iter().enumerate() {
        let at = index(&points_path, i);
        if *h >= period_h {
            errs.push(
                &at,
                format!("expected an hour within the period [0, {period_h}), found {h}"),
            );
            ok = false;
        } else if i > 0 && *h <= points[i - 1].0 {
            let prev = points[i - 1].0;
            errs.push(
                &at,
                format!("expected hours in increasing order, found {h} after {prev}"),
            );
            ok = false;
        }
    }
    ok.then(|| RateProfile::Piecewise(PiecewiseLinear::from_points(period_s, &points)))
}

/// `[hour, multiplier]`.
fn point(v: &Value, path: &str, errs: &mut Errors) -> Option<(f64, f64)> {
    match v.as_array().map(Vec::as_slice) {
        Some([h, m]) => {
            let h: Option<f64> = scalar(h, &POINT[0], &index(path, 0), errs);
            let m: Option<f64> = scalar(m, &POINT[1], &index(path, 1), errs);
            Some((h?, m?))
        }
        _ => {
            errs.expected(path, "a pair [hour, multiplier]", v);
            None
        }
    }
}

fn weekly(o: &mut Obj, errs: &mut Errors) -> Option<RateProfile> {
    let days = o.req_with("day_multipliers", errs, |v, p, e| {
        let list = array(v, p, e, |v, p, e| scalar(v, &DAY_MULTIPLIER, p, e))?;
        match <[f64; 7]>::try_from(list.as_slice()) {
            Ok(days) => Some(days),
            Err(_) => {
                e.push(
                    p,
                    format!("expected 7 numbers (Monday first), found {}", list.len()),
                );
                None
            }
        }
    });
    let inner = o.opt_with("daily", errs, daily);
    Some(RateProfile::Weekly(Box::new(Weekly::new(days?, inner?))))
}
