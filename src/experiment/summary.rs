//! Summaries across seeds: one platform's replicas (or one part of a hybrid's) become
//! `Stat`s per figure and percentiles of the merged histograms, the objects of `--format
//! json` (docs/semantics.md#metrics).
//!
//! Deliberately runs nothing and formats nothing: it reads replica results, fresh or
//! deserialized from shards alike, in seed order.

use serde::Serialize;

use super::troubles::{few_completed, instability};
use super::{HybridParts, JobSummary, PartResult, ReplicaResult, TimelineBin, TokenSummary, load};
use crate::billing::Bill;
use crate::metrics::{Counts, DurationHistogram, Stat};
use crate::platform::{PlatformOutcome, SpotOutcome};
use crate::scenario::{PlatformSpec, Scenario};
use crate::time::NANOS_PER_MONTH;

/// Percentiles of a histogram merged across seeds (docs/guide.md `latency_s`).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Percentiles {
    pub mean: Option<f64>,
    pub p50: Option<f64>,
    pub p90: Option<f64>,
    pub p95: Option<f64>,
    pub p99: Option<f64>,
    pub p999: Option<f64>,
    pub max: Option<f64>,
}

impl Percentiles {
    pub fn of(h: &DurationHistogram) -> Percentiles {
        Percentiles {
            mean: h.mean_s(),
            p50: h.quantile_s(0.50),
            p90: h.quantile_s(0.90),
            p95: h.quantile_s(0.95),
            p99: h.quantile_s(0.99),
            p999: h.quantile_s(0.999),
            max: h.max_s(),
        }
    }
}

/// Request counts across seeds.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct RequestStats {
    pub arrived: Option<Stat>,
    pub completed: Option<Stat>,
    pub rejected: Option<Stat>,
    pub timed_out: Option<Stat>,
    pub failed: Option<Stat>,
    pub in_flight_at_end: Option<Stat>,
}

/// Cost by kind across seeds.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct CostBreakdown {
    pub startup: Option<Stat>,
    pub busy: Option<Stat>,
    pub idle: Option<Stat>,
    pub fallback: Option<Stat>,
}

/// Spot interruption figures across seeds (docs/semantics.md#dedicated-dispatch).
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SpotStats {
    pub interruptions: Option<Stat>,
    pub requeued: Option<Stat>,
    pub capacity_s_lost: Option<Stat>,
    pub fallback_cost_usd: Option<Stat>,
}

/// What a platform, or one part of a hybrid, served and what it cost, across seeds: the
/// figures every summary has. A part's summary is exactly this; a platform's has these
/// and more.
#[derive(Clone, Debug, Serialize)]
pub struct PartSummary {
    pub requests: RequestStats,
    pub p99_latency_s: Option<Stat>,
    pub gpu_utilization: Option<Stat>,
    pub cost_usd: Option<Stat>,
    pub cost_usd_per_month: Option<Stat>,
    pub cost_breakdown_usd: CostBreakdown,
    /// With a `jobs` workload: completion times, lost work, checkpoints, restores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs: Option<JobSummary>,
}

/// `parts` of a hybrid: `{base, overflow}`; the platform's own cost keys are their sums.
#[derive(Clone, Debug, Serialize)]
pub struct PartsSummary {
    pub base: PartSummary,
    pub overflow: PartSummary,
}

/// One platform across seeds: the object of `platforms[]` in `--format json` (docs/guide.md).
#[derive(Clone, Debug, Serialize)]
pub struct PlatformSummary {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: String,
    /// The catalog preset the platform was written over (docs/semantics.md#presets).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preset: Option<String>,
    /// The date of the oldest preset price the platform kept (null when it wrote its own).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prices_as_of: Option<String>,
    pub requests: RequestStats,
    pub latency_s: Percentiles,
    pub wait_s: Percentiles,
    pub cold_start_wait_s: Percentiles,
    /// With a `tokens` service: TTFT, TPOT and the engines' figures.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<TokenSummary>,
    pub p99_latency_s: Option<Stat>,
    pub slo_attainment: Option<Stat>,
    /// With an SLO: whether the merged p99s meet it (docs/semantics.md#sweeps); absent
    /// without one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub meets_slo: Option<bool>,
    pub cold_start_fraction: Option<Stat>,
    pub containers_started: Option<Stat>,
    pub containers_mean: Option<Stat>,
    pub containers_busy_mean: Option<Stat>,
    pub containers_idle_mean: Option<Stat>,
    pub containers_max: Option<Stat>,
    pub gpu_utilization: Option<Stat>,
    pub cost_usd: Option<Stat>,
    pub cost_usd_per_month: Option<Stat>,
    pub cost_usd_per_million_requests: Option<Stat>,
    pub cost_breakdown_usd: CostBreakdown,
    pub spot: Option<SpotStats>,
    pub overflow_fraction: Option<Stat>,
    /// Containers preempted (serverless; 0 elsewhere).
    pub preemptions: Option<Stat>,
    /// Inputs run again from scratch after a preemption.
    pub restarts: Option<Stat>,
    /// With a `jobs` workload: completion times, lost work, checkpoints, restores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs: Option<JobSummary>,
    /// The platform cannot keep up (docs/semantics.md#bad-input): its mean offered load reaches its capacity
    /// with an unlimited queue, or a replica's queue reached the overload guard.
    pub unstable: bool,
    /// The platform's capacity is below the offered load at the workload's peak
    /// (docs/semantics.md#overloaded-at-peak), with the hours in which it is; null when
    /// it covers the peak.
    pub overloaded_at_peak: Option<load::PeakOverload>,
    /// A hybrid's parts (absent for other platforms).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parts: Option<PartsSummary>,
    /// Per-bin figures, mean over seeds, when the run records a timeline (`--timeline`,
    /// docs/semantics.md#timeline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<TimelineBin>>,
    /// Keys the preset filled with values its provider does not document, for the table
    /// (not a JSON key).
    #[serde(skip)]
    pub preset_assumed: Vec<String>,
    /// Why the platform is unstable, for the warning (not a JSON key).
    #[serde(skip)]
    pub instability: Option<String>,
    /// Why so few arrivals completed that the figures say little, for the warning (not
    /// a JSON key).
    #[serde(skip)]
    pub few_completed: Option<String>,
    /// Per-seed median latency, for the table (not a JSON key).
    #[serde(skip)]
    pub p50_latency_s: Option<Stat>,
    /// CDF of the merged latency histogram as (seconds, fraction), for plots (not a JSON key).
    #[serde(skip)]
    pub latency_cdf: Vec<(f64, f64)>,
    /// p99.99 of the merged latency histogram, for the HTML report's nines axis (not a JSON
    /// key).
    #[serde(skip)]
    pub latency_p9999_s: Option<f64>,
}

/// The `Stat` of `f` over `items`, in their order.
pub(super) fn stat_of<T>(items: &[T], f: impl Fn(&T) -> f64) -> Option<Stat> {
    Stat::of(&items.iter().map(f).collect::<Vec<f64>>())
}

fn ratio(a: f64, b: f64) -> f64 {
    if b == 0.0 { f64::NAN } else { a / b }
}

/// One replica's cost scaled to a 30-day month (docs/semantics.md#metrics `per_month`).
pub fn cost_usd_per_month(s: &Scenario, r: &ReplicaResult) -> f64 {
    r.bill.total_usd * (NANOS_PER_MONTH as f64 / s.horizon.0 as f64)
}

fn merged(
    rs: &[ReplicaResult],
    pick: fn(&ReplicaResult) -> &DurationHistogram,
) -> DurationHistogram {
    let mut h = DurationHistogram::default();
    for r in rs {
        h.merge(pick(r));
    }
    h
}

/// One replica (or one part of it) as the summary of what was served reads it.
pub(super) type Served<'a> = (&'a PlatformOutcome, &'a Bill);

/// The figures every summary has, over one outcome and bill per seed; `month` scales a
/// replica's cost to 30 days.
fn served(runs: &[Served], month: f64) -> PartSummary {
    let count = |f: fn(&Counts) -> u64| stat_of(runs, |(o, _)| f(&o.recorder.counts) as f64);
    let bill = |f: fn(&Bill) -> f64| stat_of(runs, |(_, b)| f(b));
    PartSummary {
        requests: RequestStats {
            arrived: count(|c| c.arrived),
            completed: count(|c| c.completed),
            rejected: count(|c| c.rejected),
            timed_out: count(|c| c.timed_out),
            failed: count(|c| c.failed),
            in_flight_at_end: count(|c| c.in_flight_at_end),
        },
        p99_latency_s: stat_of(runs, |(o, _)| {
            o.recorder.latency.quantile_s(0.99).unwrap_or(f64::NAN)
        }),
        gpu_utilization: bill(|b| ratio(b.busy_gpu_s, b.billed_gpu_s)),
        cost_usd: bill(|b| b.total_usd),
        cost_usd_per_month: stat_of(runs, |(_, b)| b.total_usd * month),
        cost_breakdown_usd: CostBreakdown {
            startup: bill(|b| b.startup_usd),
            busy: bill(|b| b.busy_usd),
            idle: bill(|b| b.idle_usd),
            fallback: bill(|b| b.fallback_usd),
        },
        jobs: super::jobs::summary(runs),
    }
}

/// Summarises one platform's replicas (in seed order) over `horizon_s`. Works the same on
/// fresh results and on results deserialized from shards.
pub fn summarize(spec: &PlatformSpec, s: &Scenario, rs: &[ReplicaResult]) -> PlatformSummary {
    let month = NANOS_PER_MONTH as f64 / s.horizon.0 as f64;
    let whole: Vec<Served> = rs.iter().map(|r| (&r.outcome, &r.bill)).collect();
    let PartSummary {
        requests,
        p99_latency_s,
        gpu_utilization,
        cost_usd,
        cost_usd_per_month,
        cost_breakdown_usd,
        jobs,
    } = served(&whole, month);
    let latency = merged(rs, |r| &r.outcome.recorder.latency);
    let merged = |pick| Percentiles::of(&merged(rs, pick));
    let per_arrival = |f: fn(&PlatformOutcome) -> u64| {
        stat_of(rs, |r| {
            let arrived = r.outcome.recorder.counts.arrived;
            ratio(f(&r.outcome) as f64, arrived as f64)
        })
    };
    let of = |f: fn(&PlatformOutcome) -> f64| stat_of(rs, |r| f(&r.outcome));
    let instability = instability(spec, s, rs);
    PlatformSummary {
        name: spec.name.clone(),
        kind: spec.model.type_name().to_string(),
        preset: spec.preset.as_ref().map(|u| u.id.clone()),
        prices_as_of: spec.preset.as_ref().and_then(|u| u.prices_as_of.clone()),
        preset_assumed: (spec.preset.as_ref().map(|u| u.assumed.clone())).unwrap_or_default(),
        requests,
        latency_s: Percentiles::of(&latency),
        wait_s: merged(|r| &r.outcome.recorder.wait),
        cold_start_wait_s: merged(|r| &r.outcome.recorder.cold_start_wait),
        tokens: super::tokens::summary(rs, s.horizon.as_secs_f64()),
        p99_latency_s,
        p50_latency_s: of(|o| o.recorder.latency.quantile_s(0.50).unwrap_or(f64::NAN)),
        slo_attainment: (s.slo.is_set())
            .then(|| per_arrival(|o| o.recorder.slo_met))
            .flatten(),
        meets_slo: None,
        cold_start_fraction: per_arrival(|o| o.recorder.cold_start_arrivals),
        containers_started: of(|o| o.containers.started as f64),
        containers_mean: of(|o| o.containers.mean),
        containers_busy_mean: of(|o| o.containers.busy_mean),
        containers_idle_mean: of(|o| o.containers.idle_mean),
        containers_max: of(|o| o.containers.max as f64),
        gpu_utilization,
        cost_usd,
        cost_usd_per_month,
        cost_usd_per_million_requests: stat_of(rs, |r| {
            let completed = r.outcome.recorder.counts.completed;
            ratio(r.bill.total_usd * 1e6, completed as f64)
        }),
        cost_breakdown_usd,
        spot: spot_stats(rs),
        overflow_fraction: overflow_fraction(rs),
        preemptions: of(|o| o.recorder.preemptions as f64),
        restarts: of(|o| o.recorder.restarts as f64),
        jobs,
        parts: parts(rs, month),
        timeline: super::timeline::timeline(spec, rs),
        unstable: instability.is_some(),
        instability,
        overloaded_at_peak: load::overloaded_at_peak(s, spec),
        few_completed: few_completed(rs),
        latency_cdf: latency.cdf_s(),
        latency_p9999_s: latency.quantile_s(0.9999),
    }
}

/// `spot` of a platform whose replicas all ran spot instances.
fn spot_stats(rs: &[ReplicaResult]) -> Option<SpotStats> {
    if rs.is_empty() || rs.iter().any(|r| r.spot.is_none()) {
        return None;
    }
    let of = |f: fn(&SpotOutcome) -> f64| stat_of(rs, |r| r.spot.as_ref().map_or(f64::NAN, f));
    Some(SpotStats {
        interruptions: of(|s| s.interruptions as f64),
        requeued: of(|s| s.requeued as f64),
        capacity_s_lost: of(|s| s.capacity_lost_gpu_ns as f64 / 1e9),
        fallback_cost_usd: stat_of(rs, |r| r.bill.fallback_usd),
    })
}

/// A hybrid's overflowed ÷ arrived (docs/semantics.md#hybrid-routing).
fn overflow_fraction(rs: &[ReplicaResult]) -> Option<Stat> {
    if rs.is_empty() || rs.iter().any(|r| r.parts.is_none()) {
        return None;
    }
    stat_of(rs, |r| {
        let overflowed = r.parts.as_ref().map_or(f64::NAN, |p| p.overflowed as f64);
        ratio(overflowed, r.outcome.recorder.counts.arrived as f64)
    })
}

/// The parts of a hybrid's replicas, each summarised as a platform's own figures are.
fn parts(rs: &[ReplicaResult], month: f64) -> Option<PartsSummary> {
    let all: Vec<&HybridParts> = rs.iter().map(|r| r.parts.as_ref()).collect::<Option<_>>()?;
    if all.is_empty() {
        return None;
    }
    let part = |pick: fn(&HybridParts) -> &PartResult| {
        let runs: Vec<Served> = all
            .iter()
            .map(|h| pick(h))
            .map(|p| (&p.outcome, &p.bill))
            .collect();
        served(&runs, month)
    };
    Some(PartsSummary {
        base: part(|h| &h.base),
        overflow: part(|h| &h.overflow),
    })
}
