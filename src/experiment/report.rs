//! The report of a run: every platform's summary across seeds, judged against the SLO
//! (docs/semantics.md#sweeps), with the per-seed costs that paired differences need.
//!
//! Deliberately runs nothing and formats nothing.

use serde::Serialize;

use super::verdict::{self, Cheapest, SloTargets};
use super::{PlatformSummary, ReplicaResult, cost_usd_per_month, summarize};
use crate::scenario::Scenario;

/// A finished run of a scenario: what `run` reports.
#[derive(Clone, Debug, Serialize)]
pub struct RunReport {
    pub servsim_version: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub seeds: u32,
    pub horizon_s: f64,
    pub platforms: Vec<PlatformSummary>,
    /// The p99 targets of the verdict (the flags over the scenario's `slo`), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo_p99_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo_ttft_p99_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub slo_tpot_p99_s: Option<f64>,
    /// With an SLO: the cheapest platform meeting it, or null when none does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cheapest_meeting_slo: Option<Option<Cheapest>>,
    /// Per platform, each seed's `cost_usd_per_month`: the paired samples a difference
    /// between two platforms needs (not a JSON key).
    #[serde(skip)]
    pub seed_costs: Vec<Vec<f64>>,
}

impl RunReport {
    /// The report of replica results grouped by platform, each group in seed order, judged
    /// against the scenario's `slo`.
    pub fn from_results(s: &Scenario, seed: u64, results: &[Vec<ReplicaResult>]) -> RunReport {
        RunReport::judged(s, seed, results, SloTargets::default())
    }

    /// The targets the report was judged against.
    pub fn slo(&self) -> SloTargets {
        SloTargets {
            latency_p99_s: self.slo_p99_s,
            ttft_p99_s: self.slo_ttft_p99_s,
            tpot_p99_s: self.slo_tpot_p99_s,
        }
    }

    /// The same, judged against `flags`, each over the scenario's target of its kind.
    pub fn judged(
        s: &Scenario,
        seed: u64,
        results: &[Vec<ReplicaResult>],
        flags: SloTargets,
    ) -> RunReport {
        let mut platforms: Vec<PlatformSummary> = s
            .platforms
            .iter()
            .zip(results)
            .map(|(p, rs)| summarize(p, s, rs))
            .collect();
        let targets = flags.over(&s.slo);
        let cheapest_meeting_slo = verdict::judge(&mut platforms, &targets);
        RunReport {
            servsim_version: env!("CARGO_PKG_VERSION"),
            scenario: s.name.clone(),
            seed,
            seeds: results.first().map_or(0, |rs| rs.len() as u32),
            horizon_s: s.horizon.as_secs_f64(),
            platforms,
            slo_p99_s: targets.latency_p99_s,
            slo_ttft_p99_s: targets.ttft_p99_s,
            slo_tpot_p99_s: targets.tpot_p99_s,
            cheapest_meeting_slo,
            seed_costs: results
                .iter()
                .map(|rs| rs.iter().map(|r| cost_usd_per_month(s, r)).collect())
                .collect(),
        }
    }
}
