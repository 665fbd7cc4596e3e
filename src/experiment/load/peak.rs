//! The offered load at the workload's peak against a platform's capacity
//! (docs/semantics.md#overloaded-at-peak): a platform that keeps up on average can still
//! fall behind every lunchtime, and says so with the hours in which it does.
//!
//! Without traces the answer is exact over one period of the rate profile (every profile
//! kind crosses a level at points found in closed form). With a trace, arrivals are
//! counted in clock-hour windows of simulated time (`WINDOW_S`), modulated processes at
//! their mean over each window. Deliberately nominal, like `overload`: spot outages and
//! preemptions are not capacity lost, bursts count at their mean rate (a burst is a
//! transient the queue drains), and an MMPP state counts at its own rate only when it
//! lasts a window on average.

use serde::Serialize;

use super::slots_and_service;
use crate::scenario::{PlatformSpec, Scenario};
use crate::workload::trace::Repeat;
use crate::workload::{ArrivalProcess, MmppState, RateProfile, TraceSpec, Workload};

/// The window over which a trace's arrivals (and an MMPP state's duration) are judged:
/// one clock hour of simulated time.
pub const WINDOW_S: f64 = 3600.0;

/// The longest stretch of a run the hourly windows cover (a year); later hours repeat
/// what the trace or profile already did.
const MAX_SPAN_S: f64 = 366.0 * 86_400.0;

/// Plays of a short trace above which it counts at its mean rate instead.
const MAX_PLAYS: f64 = 1e6;

/// Where the peak comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// A constant rate above capacity: overloaded all the time.
    Steady,
    /// The rate profile's peak, exact over one period.
    RateProfile,
    /// An MMPP state that lasts at least a window on average.
    MmppState,
    /// Trace arrivals counted per clock hour of simulated time.
    TraceHours,
}

/// A stretch of time in hours: of the period when `period_h` is set, else from t = 0.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct HourRange {
    pub start_h: f64,
    pub end_h: f64,
}

/// A platform whose capacity is below the offered load at the workload's peak.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PeakOverload {
    /// Concurrent requests the peak asks for: peak arrival rate × mean service demand.
    pub peak_offered_load: f64,
    /// Input slots (as `unstable` counts them).
    pub capacity: f64,
    pub peak_rate_per_s: f64,
    /// When the offered load exceeds the capacity.
    pub hours: Vec<HourRange>,
    /// The period `hours` repeat with (the rate profile's), or null when they are times
    /// of the run.
    pub period_h: Option<f64>,
    /// The share of the period (or of the run) in `hours`.
    pub overloaded_share: f64,
    pub basis: Basis,
    /// `hours` in words, for the warning and the tables.
    pub when: String,
}

impl std::fmt::Display for PeakOverload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "offered load {:.4} concurrent requests at the peak ({:.4} arrivals/s × mean service) > capacity {} input slots, {} ({:.1}% of the time)",
            self.peak_offered_load,
            self.peak_rate_per_s,
            self.capacity,
            self.when,
            self.overloaded_share * 100.0
        )
    }
}

/// The arrival rate split the way the peak is found: modulated processes (their sum of
/// base rates, an MMPP at its sustained peak state) × m(t), plus a steady part, plus
/// traces.
struct Rates<'a> {
    modulated: f64,
    steady: f64,
    /// The MMPP state taken as its peak: (index, state, share of time in it).
    mmpp: Option<(usize, MmppState, f64)>,
    traces: Vec<&'a TraceSpec>,
}

fn rates(w: &Workload) -> Rates<'_> {
    let mut r = Rates {
        modulated: 0.0,
        steady: 0.0,
        mmpp: None,
        traces: Vec::new(),
    };
    for a in &w.arrivals {
        match a {
            ArrivalProcess::Trace(t) => r.traces.push(t),
            ArrivalProcess::Bursts(_) => r.steady += a.base_rate_per_s(),
            ArrivalProcess::Mmpp { states } => {
                let (rate, state) = mmpp_peak(states, a.base_rate_per_s());
                r.modulated += rate;
                r.mmpp = r.mmpp.or(state);
            }
            _ => r.modulated += a.base_rate_per_s(),
        }
    }
    r
}

/// An MMPP's peak rate: its highest state that lasts a window on average, if that is
/// above the long-run mean (shorter spikes are absorbed by the queue).
fn mmpp_peak(states: &[MmppState], mean: f64) -> (f64, Option<(usize, MmppState, f64)>) {
    let total: f64 = states.iter().map(|s| s.mean_holding_s).sum();
    let sustained = states
        .iter()
        .enumerate()
        .filter(|(_, s)| s.mean_holding_s >= WINDOW_S && s.rate_per_s > mean)
        .max_by(|a, b| a.1.rate_per_s.total_cmp(&b.1.rate_per_s));
    match sustained {
        Some((i, s)) => (s.rate_per_s, Some((i, *s, s.mean_holding_s / total))),
        None => (mean, None),
    }
}

/// `overloaded_at_peak` of platform `p`: `None` when its capacity covers the peak (or
/// is unlimited).
pub fn overloaded_at_peak(s: &Scenario, p: &PlatformSpec) -> Option<PeakOverload> {
    let w = &s.workload;
    let (capacity, service_s) = slots_and_service(w, p)?;
    if service_s <= 0.0 {
        return None;
    }
    let level_rate = capacity / service_s;
    let r = rates(w);
    let profile = w.rate_profile.as_ref().filter(|_| r.modulated > 0.0);
    let found = if r.traces.is_empty() {
        exact(&r, profile, level_rate, s.horizon.as_secs_f64())
    } else {
        hourly(&r, profile, level_rate, s.horizon.as_secs_f64())
    }?;
    let mut basis = found.basis;
    let mut when = super::hours::describe(&found.parts, found.period_s, s.horizon.as_secs_f64());
    if let Some((i, state, share)) = r.mmpp {
        basis = Basis::MmppState;
        when = format!(
            "{when}, while the mmpp is in state {i} ({} arrivals/s, {:.1}% of the time)",
            state.rate_per_s,
            share * 100.0
        );
    }
    let span = found.period_s.unwrap_or(found.span_s);
    let covered: f64 = found.parts.iter().map(|(a, b)| b - a).sum();
    Some(PeakOverload {
        peak_offered_load: found.peak_rate * service_s,
        capacity,
        peak_rate_per_s: found.peak_rate,
        hours: found
            .parts
            .iter()
            .map(|&(a, b)| HourRange {
                start_h: a / 3600.0,
                end_h: b / 3600.0,
            })
            .collect(),
        period_h: found.period_s.map(|p| p / 3600.0),
        overloaded_share: (covered / span).min(1.0),
        basis,
        when,
    })
}

/// The overloaded parts of time and the peak rate, before they are described.
struct Found {
    parts: Vec<(f64, f64)>,
    period_s: Option<f64>,
    /// What `parts` are a share of when there is no period.
    span_s: f64,
    peak_rate: f64,
    basis: Basis,
}

/// Without traces: the rate is modulated × m(t) + steady, overloaded where it exceeds
/// `level_rate`, found exactly over one period of the profile.
fn exact(
    r: &Rates,
    profile: Option<&RateProfile>,
    level_rate: f64,
    horizon_s: f64,
) -> Option<Found> {
    let peak_m = profile.map_or(1.0, RateProfile::peak_multiplier);
    let peak_rate = r.modulated * peak_m + r.steady;
    if peak_rate <= level_rate {
        return None;
    }
    let Some(profile) = profile else {
        return Some(Found {
            parts: vec![(0.0, horizon_s)],
            period_s: None,
            span_s: horizon_s,
            peak_rate,
            basis: Basis::Steady,
        });
    };
    let period_s = profile.period_s();
    let level = (level_rate - r.steady) / r.modulated;
    let parts = if level < 0.0 {
        vec![(0.0, period_s)]
    } else {
        profile.above(level)
    };
    (!parts.is_empty()).then_some(Found {
        parts,
        period_s: Some(period_s),
        span_s: period_s,
        peak_rate,
        basis: Basis::RateProfile,
    })
}

/// With traces: expected arrivals per clock hour of the run, overloaded hours joined.
fn hourly(
    r: &Rates,
    profile: Option<&RateProfile>,
    level_rate: f64,
    horizon_s: f64,
) -> Option<Found> {
    let span_s = hourly_span(r, profile, horizon_s);
    let windows = (span_s / WINDOW_S).ceil().max(1.0) as usize;
    let bounds = |k: usize| (k as f64 * WINDOW_S, ((k + 1) as f64 * WINDOW_S).min(span_s));
    let mut counts: Vec<f64> = (0..windows)
        .map(|k| {
            let (a, b) = bounds(k);
            let exposure = profile.map_or(b - a, |p| p.cumulative(b) - p.cumulative(a));
            r.modulated * exposure + r.steady * (b - a)
        })
        .collect();
    for t in &r.traces {
        spread_trace(t, span_s, &mut counts);
    }
    let (mut parts, mut peak_rate) = (Vec::new(), 0.0f64);
    for (k, c) in counts.iter().enumerate() {
        let (a, b) = bounds(k);
        let rate = c / (b - a);
        peak_rate = peak_rate.max(rate);
        if rate > level_rate {
            match parts.last_mut() {
                Some((_, end)) if *end == a => *end = b,
                _ => parts.push((a, b)),
            }
        }
    }
    (!parts.is_empty()).then_some(Found {
        parts,
        period_s: None,
        span_s,
        peak_rate,
        basis: Basis::TraceHours,
    })
}

/// How much of the run the hourly windows cover: until every trace has finished its
/// plays and the profile has gone round once, within the horizon and a year.
fn hourly_span(r: &Rates, profile: Option<&RateProfile>, horizon_s: f64) -> f64 {
    let mut needed = profile.map_or(0.0, RateProfile::period_s);
    for t in &r.traces {
        let end = match t.repeat {
            Repeat::Times(n) => t.start.as_secs_f64() + t.period().as_secs_f64() * n as f64,
            Repeat::Forever => f64::INFINITY,
        };
        needed = needed.max(end);
    }
    needed.min(horizon_s).clamp(1e-9, MAX_SPAN_S)
}

/// Adds a trace's arrivals before `span_s` to the windows, each of its bins spread evenly
/// over the stretch of simulated time it covers once scaled.
fn spread_trace(t: &TraceSpec, span_s: f64, counts: &mut [f64]) {
    let start = t.start.as_secs_f64();
    let period = t.period().as_secs_f64();
    let plays = match t.repeat {
        Repeat::Times(n) => n as f64,
        Repeat::Forever => f64::INFINITY,
    };
    let within = if period > 0.0 {
        ((span_s - start) / period).ceil().max(0.0)
    } else {
        1.0
    };
    let plays = plays.min(within).max(0.0);
    if plays > MAX_PLAYS {
        // Thousands of plays an hour: the trace is a steady stream at its mean rate.
        let rate = t.rate_per_s();
        for (k, c) in counts.iter_mut().enumerate() {
            let a = (k as f64 * WINDOW_S).max(start);
            let b = ((k + 1) as f64 * WINDOW_S).min(span_s);
            *c += rate * (b - a).max(0.0);
        }
        return;
    }
    let width = t.summary.bins.width.as_secs_f64() * t.time_scale;
    for j in 0..plays as u64 {
        let offset = start + j as f64 * period;
        for (k, &n) in t.summary.bins.counts.iter().enumerate() {
            let a = offset + k as f64 * width;
            if n > 0 && a < span_s {
                spread(n as f64, a, a + width, span_s, counts);
            }
        }
    }
}

/// Adds `n` arrivals spread evenly over `[a, b)` to the windows they fall in (those
/// before `span_s`).
fn spread(n: f64, a: f64, b: f64, span_s: f64, counts: &mut [f64]) {
    if b <= a {
        let k = ((a / WINDOW_S) as usize).min(counts.len() - 1);
        counts[k] += n;
        return;
    }
    let mut k = (a / WINDOW_S) as usize;
    while k < counts.len() {
        let (lo, hi) = (k as f64 * WINDOW_S, ((k + 1) as f64 * WINDOW_S).min(span_s));
        let overlap = hi.min(b) - lo.max(a);
        if overlap > 0.0 {
            counts[k] += n * overlap / (b - a);
        }
        if hi >= b {
            break;
        }
        k += 1;
    }
}
