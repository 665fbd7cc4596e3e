//! The figures of a `tokens` service across seeds (docs/semantics.md#continuous-batching):
//! TTFT and TPOT from the merged histograms, and per-seed output throughput, batch size,
//! KV-cache utilisation and KV preemptions as Stats.

use serde::Serialize;

use super::ReplicaResult;
use super::summary::{Percentiles, stat_of};
use crate::metrics::{DurationHistogram, Stat, TokenMetrics};

/// Keys of `platforms[]` added when the service is `tokens`.
#[derive(Clone, Debug, Serialize)]
pub struct TokenSummary {
    /// Arrival to first output token, completed requests.
    pub ttft_s: Percentiles,
    /// Time per output token after the first, completed requests of two tokens or more.
    pub tpot_s: Percentiles,
    /// Output tokens of completed requests per second of the horizon.
    pub output_tokens_per_s: Option<Stat>,
    /// Time-average running sequences over busy engine time.
    pub batch_size_mean: Option<Stat>,
    /// Time-average share of the KV cache held over busy engine time.
    pub kv_utilization_mean: Option<Stat>,
    /// Running sequences preempted for lack of KV cache (`preemptions` counts containers).
    pub kv_preemptions: Option<Stat>,
    /// Per-seed TTFT and TPOT p50 and p99, whose spread the tables show beside the merged
    /// figures (not JSON keys).
    #[serde(skip)]
    pub per_seed: TokenPercentileStats,
    /// The merged TTFT and TPOT CDFs and p99.99s, for the tail charts (not JSON keys).
    #[serde(skip)]
    pub tails: TokenTails,
}

/// The merged TTFT and TPOT distributions as the tail charts draw them.
#[derive(Clone, Debug, Default)]
pub struct TokenTails {
    pub ttft_cdf: Vec<(f64, f64)>,
    pub tpot_cdf: Vec<(f64, f64)>,
    pub ttft_p9999_s: Option<f64>,
    pub tpot_p9999_s: Option<f64>,
}

/// Per-seed percentiles of a `tokens` service, as Stats across seeds.
#[derive(Clone, Copy, Debug, Default)]
pub struct TokenPercentileStats {
    pub ttft_p50_s: Option<Stat>,
    pub ttft_p99_s: Option<Stat>,
    pub tpot_p50_s: Option<Stat>,
    pub tpot_p99_s: Option<Stat>,
}

fn tokens(r: &ReplicaResult) -> &TokenMetrics {
    r.outcome
        .recorder
        .tokens
        .as_deref()
        .expect("checked: every replica of a tokens platform records tokens")
}

/// The summary of one platform's replicas, if they served a `tokens` service.
pub fn summary(rs: &[ReplicaResult], horizon_s: f64) -> Option<TokenSummary> {
    if rs.is_empty() || rs.iter().any(|r| r.outcome.recorder.tokens.is_none()) {
        return None;
    }
    let merged = |pick: fn(&TokenMetrics) -> &DurationHistogram| {
        let mut h = DurationHistogram::default();
        for r in rs {
            h.merge(pick(tokens(r)));
        }
        h
    };
    let (ttft, tpot) = (merged(|t| &t.ttft), merged(|t| &t.tpot));
    Some(TokenSummary {
        ttft_s: Percentiles::of(&ttft),
        tpot_s: Percentiles::of(&tpot),
        output_tokens_per_s: stat_of(rs, |r| tokens(r).output_tokens as f64 / horizon_s),
        batch_size_mean: stat_of(rs, |r| tokens(r).engines.batch_size_mean()),
        kv_utilization_mean: stat_of(rs, |r| tokens(r).engines.kv_utilization_mean()),
        kv_preemptions: stat_of(rs, |r| tokens(r).engines.preemptions as f64),
        per_seed: TokenPercentileStats {
            ttft_p50_s: per_seed(rs, |t| &t.ttft, 0.50),
            ttft_p99_s: per_seed(rs, |t| &t.ttft, 0.99),
            tpot_p50_s: per_seed(rs, |t| &t.tpot, 0.50),
            tpot_p99_s: per_seed(rs, |t| &t.tpot, 0.99),
        },
        tails: TokenTails {
            ttft_cdf: ttft.cdf_s(),
            tpot_cdf: tpot.cdf_s(),
            ttft_p9999_s: ttft.quantile_s(0.9999),
            tpot_p9999_s: tpot.quantile_s(0.9999),
        },
    })
}

/// The Stat of each seed's quantile `q` of one histogram (a seed without a value is left
/// out, as for any undefined per-seed figure).
fn per_seed(
    rs: &[ReplicaResult],
    pick: fn(&TokenMetrics) -> &DurationHistogram,
    q: f64,
) -> Option<Stat> {
    stat_of(rs, |r| pick(tokens(r)).quantile_s(q).unwrap_or(f64::NAN))
}
