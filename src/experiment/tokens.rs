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
        Percentiles::of(&h)
    };
    Some(TokenSummary {
        ttft_s: merged(|t| &t.ttft),
        tpot_s: merged(|t| &t.tpot),
        output_tokens_per_s: stat_of(rs, |r| tokens(r).output_tokens as f64 / horizon_s),
        batch_size_mean: stat_of(rs, |r| tokens(r).engines.batch_size_mean()),
        kv_utilization_mean: stat_of(rs, |r| tokens(r).engines.kv_utilization_mean()),
        kv_preemptions: stat_of(rs, |r| tokens(r).engines.preemptions as f64),
    })
}
