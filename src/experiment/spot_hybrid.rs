//! Replicas and summaries of what only dedicated fleets and hybrids have: spot
//! interruptions and fallback cost (SPEC §3.2), a hybrid's parts and overflow share (§3.3).

use serde::{Deserialize, Serialize};

use super::{CostBreakdown, ReplicaResult, RequestStats, SpotStats, ratio, stat_of};
use crate::billing::Bill;
use crate::engine::Simulation;
use crate::metrics::{Counts, Stat};
use crate::platform::{
    Dedicated, DedicatedConfig, Hybrid, HybridConfig, PlatformOutcome, SpotOutcome,
};
use crate::random::Seeds;
use crate::scenario::{PlatformSpec, Scenario};
use crate::time::SimTime;
use crate::workload::{ArrivalProcess, RequestStream};

/// One part of a hybrid in one replica, with its own bill.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PartResult {
    pub outcome: PlatformOutcome,
    pub bill: Bill,
}

/// A hybrid's parts in one replica.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HybridParts {
    pub base: PartResult,
    pub overflow: PartResult,
    /// Arrivals sent to the serverless pool.
    pub overflowed: u64,
}

pub(super) fn run_dedicated(
    s: &Scenario,
    cfg: &DedicatedConfig,
    p: &PlatformSpec,
    seeds: Seeds,
    requests: &mut RequestStream,
) -> ReplicaResult {
    let horizon = SimTime(s.horizon.0);
    let model = Dedicated::new(cfg.clone(), seeds, s.workload.timeout, s.slo);
    let mut sim = Simulation::new(model);
    sim.init(|m, ctx| m.start(ctx));
    sim.run_until(horizon, requests);
    let (outcome, spot) = sim.into_model().finish(horizon);
    let bill = dedicated_bill(&outcome, spot.as_ref(), p);
    ReplicaResult {
        outcome,
        bill,
        spot,
        parts: None,
        trace_fault: None,
    }
}

/// A fleet's bill: its instances at their price (spot or on-demand), fallback instances
/// at the on-demand price.
fn dedicated_bill(outcome: &PlatformOutcome, spot: Option<&SpotOutcome>, p: &PlatformSpec) -> Bill {
    let bill = Bill::price(&outcome.billed, &p.prices);
    match (spot, &p.fallback_prices) {
        (Some(s), Some(on_demand)) => {
            bill.with_fallback(&Bill::price(&s.fallback_billed, on_demand))
        }
        _ => bill,
    }
}

pub(super) fn run_hybrid(
    s: &Scenario,
    cfg: &HybridConfig,
    p: &PlatformSpec,
    seeds: Seeds,
    requests: &mut RequestStream,
) -> ReplicaResult {
    let horizon = SimTime(s.horizon.0);
    // SPEC §10.12: the service distribution's mean, but a running mean for traces (the
    // file's mean would use demands the router cannot know yet).
    let replays_trace = s
        .workload
        .arrivals
        .iter()
        .any(|a| matches!(a, ArrivalProcess::Trace(_)));
    // A tokens service's demand is the time one request at the mean counts takes alone
    // on the base's engine (docs/semantics.md#continuous-batching).
    let mean_service_s =
        (!replays_trace).then(|| match (&cfg.base.engine, s.workload.mean_tokens()) {
            (Some(engine), Some((c, o))) => engine.alone_s(c, o),
            _ => s.workload.mean_service_s(),
        });
    let model = Hybrid::new(
        cfg.clone(),
        seeds,
        s.workload.timeout,
        s.slo,
        mean_service_s,
    );
    let mut sim = Simulation::new(model);
    sim.init(|m, ctx| m.start(ctx));
    sim.run_until(horizon, requests);
    let h = sim.into_model().finish(horizon);
    let base_bill = dedicated_bill(&h.base, h.base_spot.as_ref(), p);
    let overflow_prices = p
        .overflow_prices
        .as_ref()
        .expect("a hybrid platform spec carries its overflow prices");
    let overflow_bill = Bill::price(&h.overflow.billed, overflow_prices);
    ReplicaResult {
        outcome: h.whole,
        bill: base_bill.plus(&overflow_bill),
        spot: h.base_spot,
        parts: Some(HybridParts {
            base: PartResult {
                outcome: h.base,
                bill: base_bill,
            },
            overflow: PartResult {
                outcome: h.overflow,
                bill: overflow_bill,
            },
            overflowed: h.overflowed,
        }),
        trace_fault: None,
    }
}

/// `spot` of a platform whose replicas all ran spot instances.
pub(super) fn spot_stats(rs: &[ReplicaResult]) -> Option<SpotStats> {
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

/// A hybrid's overflowed ÷ arrived (SPEC §10.12).
pub(super) fn overflow_fraction(rs: &[ReplicaResult]) -> Option<Stat> {
    if rs.is_empty() || rs.iter().any(|r| r.parts.is_none()) {
        return None;
    }
    stat_of(rs, |r| {
        let overflowed = r.parts.as_ref().map_or(f64::NAN, |p| p.overflowed as f64);
        ratio(overflowed, r.outcome.recorder.counts.arrived as f64)
    })
}

/// One part of a hybrid across seeds: what it served and what it cost.
#[derive(Clone, Debug, Serialize)]
pub struct PartSummary {
    pub requests: RequestStats,
    pub p99_latency_s: Option<Stat>,
    pub gpu_utilization: Option<Stat>,
    pub cost_usd: Option<Stat>,
    pub cost_usd_per_month: Option<Stat>,
    pub cost_breakdown_usd: CostBreakdown,
}

/// `parts` of a hybrid: `{base, overflow}`; the platform's own cost keys are their sums.
#[derive(Clone, Debug, Serialize)]
pub struct PartsSummary {
    pub base: PartSummary,
    pub overflow: PartSummary,
}

/// The parts of a hybrid's replicas; `month` scales a replica's cost to 30 days.
pub(super) fn parts(rs: &[ReplicaResult], month: f64) -> Option<PartsSummary> {
    if rs.is_empty() || rs.iter().any(|r| r.parts.is_none()) {
        return None;
    }
    Some(PartsSummary {
        base: part_summary(rs, month, |p| &p.base),
        overflow: part_summary(rs, month, |p| &p.overflow),
    })
}

fn part_summary(
    rs: &[ReplicaResult],
    month: f64,
    pick: fn(&HybridParts) -> &PartResult,
) -> PartSummary {
    let parts: Vec<&PartResult> = rs
        .iter()
        .map(|r| pick(r.parts.as_ref().expect("every replica has parts")))
        .collect();
    let of = |f: &dyn Fn(&PartResult) -> f64| {
        Stat::of(&parts.iter().map(|p| f(p)).collect::<Vec<f64>>())
    };
    let count = |f: fn(&Counts) -> u64| of(&|p| f(&p.outcome.recorder.counts) as f64);
    let bill = |f: fn(&Bill) -> f64| of(&|p| f(&p.bill));
    PartSummary {
        requests: RequestStats {
            arrived: count(|c| c.arrived),
            completed: count(|c| c.completed),
            rejected: count(|c| c.rejected),
            timed_out: count(|c| c.timed_out),
            failed: count(|c| c.failed),
            in_flight_at_end: count(|c| c.in_flight_at_end),
        },
        p99_latency_s: of(&|p| {
            let latency = &p.outcome.recorder.latency;
            latency.quantile_s(0.99).unwrap_or(f64::NAN)
        }),
        gpu_utilization: bill(|b| ratio(b.busy_gpu_s, b.billed_gpu_s)),
        cost_usd: bill(|b| b.total_usd),
        cost_usd_per_month: of(&|p| p.bill.total_usd * month),
        cost_breakdown_usd: CostBreakdown {
            startup: bill(|b| b.startup_usd),
            busy: bill(|b| b.busy_usd),
            idle: bill(|b| b.idle_usd),
            fallback: bill(|b| b.fallback_usd),
        },
    }
}
