//! The cheapest grid point per platform whose p99 latency meets an SLO (docs/semantics.md#sweeps):
//! the merged-histogram p99 must be ≤ S, the lowest mean `cost_usd_per_month` wins, and
//! ties go to the earlier grid point. With a `tokens` service the TTFT and TPOT p99s may
//! be targets too; every target given must hold.
//!
//! The histogram holds completed requests only, so a point that sheds load (rejections,
//! timeouts, failures, a backlog at the horizon) could "meet" a p99 target by dropping its
//! slow requests. A p99 target speaks for 99% of requests: a point where more than 1% of
//! arrivals never complete does not meet it.

use serde::{Deserialize, Serialize};

use super::{PointReport, PointValues};
use crate::experiment::PlatformSummary;
use crate::metrics::Stat;

/// The merged-histogram p99 targets of a sweep's best point (`--slo-p99`,
/// `--slo-ttft-p99`, `--slo-tpot-p99`), in seconds.
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

    /// Whether `summary`'s p99s meet every target given (a figure it lacks misses).
    fn met_by(&self, summary: &PlatformSummary) -> bool {
        let tokens = summary.tokens.as_ref();
        let within = |target: Option<f64>, p99: Option<f64>| {
            target.is_none_or(|t| p99.is_some_and(|p| p <= t))
        };
        within(self.latency_p99_s, summary.latency_s.p99)
            && within(self.ttft_p99_s, tokens.and_then(|t| t.ttft_s.p99))
            && within(self.tpot_p99_s, tokens.and_then(|t| t.tpot_s.p99))
    }
}

/// One platform's best point.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Best {
    pub platform: String,
    /// Index of the point in `points`.
    pub point: usize,
    pub values: PointValues,
    pub cost_usd_per_month: Stat,
    /// The merged-histogram p99 the SLO was checked against, in seconds.
    pub p99_latency_s: f64,
    /// With a `tokens` service: the merged-histogram TTFT and TPOT p99s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99_ttft_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub p99_tpot_s: Option<f64>,
}

/// Whether at least 99% of arrivals completed (over all seeds).
fn completes_99_percent(summary: &PlatformSummary) -> bool {
    let mean = |s: Option<Stat>| s.map_or(0.0, |s| s.mean);
    let arrived = mean(summary.requests.arrived);
    arrived > 0.0 && mean(summary.requests.completed) >= 0.99 * arrived
}

/// Whether a platform's merged-histogram p99 is at most `slo_p99_s` with at least 99% of
/// its arrivals completed.
pub fn meets_p99(summary: &PlatformSummary, slo_p99_s: f64) -> bool {
    summary.latency_s.p99.is_some_and(|p99| p99 <= slo_p99_s) && completes_99_percent(summary)
}

/// Per platform (in scenario order), the cheapest point meeting every target of `slo`,
/// or `None` when no point does.
pub fn cheapest(points: &[PointReport], slo: &SloTargets) -> Vec<Option<Best>> {
    let platforms = points.first().map_or(0, |p| p.platforms.len());
    (0..platforms)
        .map(|k| {
            let mut best: Option<Best> = None;
            for (i, point) in points.iter().enumerate() {
                let summary = &point.platforms[k];
                let (Some(p99), Some(cost)) = (summary.latency_s.p99, summary.cost_usd_per_month)
                else {
                    continue;
                };
                let cheaper = best
                    .as_ref()
                    .is_none_or(|b| cost.mean < b.cost_usd_per_month.mean);
                if slo.met_by(summary) && completes_99_percent(summary) && cheaper {
                    let tokens = summary.tokens.as_ref();
                    best = Some(Best {
                        platform: summary.name.clone(),
                        point: i,
                        values: point.values.clone(),
                        cost_usd_per_month: cost,
                        p99_latency_s: p99,
                        p99_ttft_s: tokens.and_then(|t| t.ttft_s.p99),
                        p99_tpot_s: tokens.and_then(|t| t.tpot_s.p99),
                    });
                }
            }
            best
        })
        .collect()
}
