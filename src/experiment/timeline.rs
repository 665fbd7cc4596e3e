//! A platform's timeline across seeds (docs/semantics.md#timeline): each replica's
//! integer bins summed in seed order, priced per part, and turned into rates and means.
//!
//! Deliberately records nothing: `metrics::timeline` does, while replicas run.

use serde::Serialize;

use super::ReplicaResult;
use crate::billing::PriceSheet;
use crate::metrics::Timeline;
use crate::scenario::PlatformSpec;

/// One bin of a platform's timeline, each figure the mean over seeds (docs/guide.md
/// `timeline`).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct TimelineBin {
    pub start_s: f64,
    /// The horizon for the last bin, which may be shorter than the others.
    pub end_s: f64,
    pub arrivals_per_s: f64,
    pub completions_per_s: f64,
    /// Time-average live containers (starting included), or GPUs of billed instances.
    pub containers_mean: f64,
    /// Time-average containers (GPUs) executing at least one request.
    pub containers_busy_mean: f64,
    /// Time-average requests waiting in the platform's queue.
    pub queue_length_mean: f64,
    /// Cost accrued in the bin (USD).
    pub cost_usd: f64,
}

/// One priced part of a replica's timeline: its bins, its price and its fallback
/// instances' price.
type Part<'a> = (&'a Timeline, &'a PriceSheet, Option<&'a PriceSheet>);

/// The parts of a replica that record a timeline: the platform, or a hybrid's base and
/// overflow pool (each at its own prices).
fn parts<'a>(spec: &'a PlatformSpec, r: &'a ReplicaResult) -> Option<Vec<Part<'a>>> {
    let fallback = spec.fallback_prices.as_ref();
    match &r.parts {
        None => Some(vec![(
            r.outcome.timeline.as_deref()?,
            &spec.prices,
            fallback,
        )]),
        Some(h) => {
            let overflow = spec.overflow_prices.as_ref()?;
            Some(vec![
                (h.base.outcome.timeline.as_deref()?, &spec.prices, fallback),
                (h.overflow.outcome.timeline.as_deref()?, overflow, None),
            ])
        }
    }
}

/// Part k of every replica summed over seeds, with its prices.
type Summed<'a> = (Timeline, &'a PriceSheet, Option<&'a PriceSheet>);

/// The timeline of a platform's replicas (in seed order), or `None` when they recorded
/// none. Integers are summed over seeds first and priced once per part, so the figures do
/// not depend on how replicas were scheduled or sharded.
pub fn timeline(spec: &PlatformSpec, rs: &[ReplicaResult]) -> Option<Vec<TimelineBin>> {
    let per_replica: Vec<Vec<Part>> = rs.iter().map(|r| parts(spec, r)).collect::<Option<_>>()?;
    let first = per_replica.first()?;
    let sums: Vec<Summed> = (0..first.len())
        .map(|k| {
            let (t0, price, fallback) = first[k];
            let mut sum = t0.clone();
            for parts in &per_replica[1..] {
                sum.add(parts[k].0);
            }
            (sum, price, fallback)
        })
        .collect();
    let count = first[0].0.bins.count();
    Some((0..count).map(|i| bin(&sums, i, rs.len() as f64)).collect())
}

/// Bin `i` of the summed parts, as means over `seeds`.
fn bin(sums: &[Summed], i: usize, seeds: f64) -> TimelineBin {
    let bins = sums[0].0.bins;
    let (start, end) = (bins.start(i), bins.end(i));
    let width_s = (end - start).as_secs_f64();
    let secs = |ns: u128| ns as f64 / 1e9;
    let total = |f: &dyn Fn(&Timeline) -> u128| sums.iter().map(|(t, ..)| f(t)).sum::<u128>();
    let cost: f64 = sums
        .iter()
        .map(|(t, price, fallback)| {
            let own = secs(t.billed_ns[i]) * price.usd_per_unit_s;
            let stand_ins =
                fallback.map_or(0.0, |p| secs(t.fallback_billed_ns[i]) * p.usd_per_unit_s);
            own + stand_ins
        })
        .sum();
    let rate = |n: u128| n as f64 / seeds / width_s;
    let mean = |ns: u128| secs(ns) / seeds / width_s;
    TimelineBin {
        start_s: start.as_secs_f64(),
        end_s: end.as_secs_f64(),
        arrivals_per_s: rate(total(&|t| t.arrivals[i] as u128)),
        completions_per_s: rate(total(&|t| t.completions[i] as u128)),
        containers_mean: mean(total(&|t| t.live_ns[i])),
        containers_busy_mean: mean(total(&|t| t.busy_ns[i])),
        queue_length_mean: mean(total(&|t| t.queue_ns[i])),
        cost_usd: cost / seeds,
    }
}
