//! The cheapest grid point per platform meeting the SLO (docs/semantics.md#sweeps): among
//! the points where the platform meets it (`meets_slo`, the verdict of each point), the
//! lowest mean `cost_usd_per_month` wins, and ties go to the earlier grid point. The
//! verdict itself — merged-histogram p99s within every target given and at least 99% of
//! arrivals completed — is `experiment::verdict`'s, so `best`, each point's
//! `cheapest_meeting_slo` and the tables cannot disagree.

use serde::Serialize;

use super::{PointReport, PointValues};
use crate::experiment::Cheapest;
use crate::metrics::Stat;

pub use crate::experiment::SloTargets;

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

/// Per platform (in scenario order), the cheapest point where it meets the SLO, or `None`
/// when it meets it nowhere.
pub fn cheapest(points: &[PointReport]) -> Vec<Option<Best>> {
    let platforms = points.first().map_or(0, |p| p.platforms.len());
    (0..platforms)
        .map(|k| {
            let mut best: Option<Best> = None;
            for (i, point) in points.iter().enumerate() {
                let summary = &point.platforms[k];
                let Some(c) = Cheapest::of(summary).filter(|_| summary.meets_slo == Some(true))
                else {
                    continue;
                };
                let cost = c.cost_usd_per_month;
                if best
                    .as_ref()
                    .is_none_or(|b| cost.mean < b.cost_usd_per_month.mean)
                {
                    best = Some(Best {
                        platform: c.platform,
                        point: i,
                        values: point.values.clone(),
                        cost_usd_per_month: cost,
                        p99_latency_s: c.p99_latency_s,
                        p99_ttft_s: c.p99_ttft_s,
                        p99_tpot_s: c.p99_tpot_s,
                    });
                }
            }
            best
        })
        .collect()
}
