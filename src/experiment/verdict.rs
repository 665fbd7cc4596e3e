//! Verdicts against a latency target (docs/semantics.md#sweeps): which platforms meet it
//! and which of them is the cheapest, on the merged-histogram p99s every output shows.
//!
//! A target is met when, for every target given, the merged p99 is at most the target, and
//! at least 99% of arrivals completed: the histogram holds completed requests only, so a
//! platform that sheds load (rejections, timeouts, failures, a backlog at the horizon)
//! could otherwise "meet" a p99 target by dropping its slow requests.
//!
//! Deliberately runs nothing and formats nothing: it reads summaries.

use serde::{Deserialize, Serialize};

use super::PlatformSummary;
use crate::metrics::{Slo, Stat};

/// The merged-histogram p99 targets a verdict checks, in seconds: the flags
/// (`--slo-p99`, `--slo-ttft-p99`, `--slo-tpot-p99`), each over the scenario's `slo` key
/// of the same kind.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SloTargets {
    pub latency_p99_s: Option<f64>,
    pub ttft_p99_s: Option<f64>,
    pub tpot_p99_s: Option<f64>,
}

impl SloTargets {
    pub fn is_set(&self) -> bool {
        self.latency_p99_s.is_some() || self.ttft_p99_s.is_some() || self.tpot_p99_s.is_some()
    }

    /// The scenario's `slo`, each target read as a p99 target.
    pub fn of_scenario(slo: &Slo) -> SloTargets {
        let s = |d: Option<crate::time::SimDuration>| d.map(|d| d.as_secs_f64());
        SloTargets {
            latency_p99_s: s(slo.latency),
            ttft_p99_s: s(slo.ttft),
            tpot_p99_s: s(slo.tpot),
        }
    }

    /// These targets, each falling back to the scenario's of the same kind.
    pub fn over(self, slo: &Slo) -> SloTargets {
        let base = SloTargets::of_scenario(slo);
        SloTargets {
            latency_p99_s: self.latency_p99_s.or(base.latency_p99_s),
            ttft_p99_s: self.ttft_p99_s.or(base.ttft_p99_s),
            tpot_p99_s: self.tpot_p99_s.or(base.tpot_p99_s),
        }
    }

    /// Whether `summary`'s merged p99s meet every target given (a figure it lacks misses)
    /// with at least 99% of its arrivals completed.
    pub fn met_by(&self, summary: &PlatformSummary) -> bool {
        let tokens = summary.tokens.as_ref();
        let within = |target: Option<f64>, p99: Option<f64>| {
            target.is_none_or(|t| p99.is_some_and(|p| p <= t))
        };
        within(self.latency_p99_s, summary.latency_s.p99)
            && within(self.ttft_p99_s, tokens.and_then(|t| t.ttft_s.p99))
            && within(self.tpot_p99_s, tokens.and_then(|t| t.tpot_s.p99))
            && completes_99_percent(summary)
    }
}

/// Whether at least 99% of arrivals completed, over all seeds (means of counts over the
/// same seeds compare as their totals do).
pub fn completes_99_percent(summary: &PlatformSummary) -> bool {
    let mean = |s: Option<Stat>| s.map_or(0.0, |s| s.mean);
    let arrived = mean(summary.requests.arrived);
    arrived > 0.0 && mean(summary.requests.completed) >= 0.99 * arrived
}

/// The cheapest platform meeting the SLO: `cheapest_meeting_slo` of a run or a grid point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Cheapest {
    pub platform: String,
    pub cost_usd_per_month: Stat,
    /// The merged-histogram p99 the SLO was checked against, in seconds.
    pub p99_latency_s: f64,
    /// With a `tokens` service: the merged-histogram TTFT and TPOT p99s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99_ttft_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99_tpot_s: Option<f64>,
}

impl Cheapest {
    /// The verdict's figures of `summary`, if it has a cost and a p99.
    pub fn of(summary: &PlatformSummary) -> Option<Cheapest> {
        let tokens = summary.tokens.as_ref();
        Some(Cheapest {
            platform: summary.name.clone(),
            cost_usd_per_month: summary.cost_usd_per_month?,
            p99_latency_s: summary.latency_s.p99?,
            p99_ttft_s: tokens.and_then(|t| t.ttft_s.p99),
            p99_tpot_s: tokens.and_then(|t| t.tpot_s.p99),
        })
    }
}

/// Sets every platform's `meets_slo` against `targets` (clears it without targets) and
/// returns `cheapest_meeting_slo`: `None` without targets, `Some(None)` when no platform
/// meets them. The lowest mean monthly cost wins; ties go to the earlier platform.
pub fn judge(platforms: &mut [PlatformSummary], targets: &SloTargets) -> Option<Option<Cheapest>> {
    if !targets.is_set() {
        for p in platforms.iter_mut() {
            p.meets_slo = None;
        }
        return None;
    }
    let mut best: Option<Cheapest> = None;
    for p in platforms.iter_mut() {
        let meets = targets.met_by(p);
        p.meets_slo = Some(meets);
        let Some(c) = Cheapest::of(p).filter(|_| meets) else {
            continue;
        };
        let mean = c.cost_usd_per_month.mean;
        if best
            .as_ref()
            .is_none_or(|b| mean < b.cost_usd_per_month.mean)
        {
            best = Some(c);
        }
    }
    Some(best)
}
