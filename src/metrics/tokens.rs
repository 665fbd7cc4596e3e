//! What a replica records of a `tokens` service (docs/semantics.md#continuous-batching):
//! time to first token and time per output token, output tokens, and the integrals of the
//! batching engines; and the SLO targets a request must all meet.
//!
//! Deliberately knows nothing of engines or platforms: it adds up what it is handed.

use serde::{Deserialize, Serialize};

use super::DurationHistogram;
use crate::time::{SimDuration, SimTime};

/// The scenario's targets: a request attains the SLO only if it meets every one given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Slo {
    /// Arrival to completion.
    pub latency: Option<SimDuration>,
    /// Arrival to the first output token (`tokens` service only).
    pub ttft: Option<SimDuration>,
    /// Time per output token after the first (`tokens` service only); a request of one
    /// output token has none and meets it.
    pub tpot: Option<SimDuration>,
}

impl Slo {
    /// A latency target alone.
    pub fn latency(latency: Option<SimDuration>) -> Slo {
        Slo {
            latency,
            ..Slo::default()
        }
    }

    /// Whether any target is given (`slo_attainment` is computed only then).
    pub fn is_set(&self) -> bool {
        self.latency.is_some() || self.ttft.is_some() || self.tpot.is_some()
    }
}

/// The engines of a platform over one replica, summed over every engine that ran: time
/// integrals in picoseconds of engine time.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EngineTotals {
    /// Σ step durations.
    pub busy_ps: u128,
    /// Σ running sequences × step duration.
    pub batch_ps: u128,
    /// Σ (KV tokens held ÷ capacity) × step duration.
    pub kv_share_ps: f64,
    /// Running sequences preempted for lack of KV cache (recomputed later).
    pub preemptions: u64,
    pub steps: u64,
}

impl EngineTotals {
    pub fn merge(&mut self, o: &EngineTotals) {
        self.busy_ps += o.busy_ps;
        self.batch_ps += o.batch_ps;
        self.kv_share_ps += o.kv_share_ps;
        self.preemptions += o.preemptions;
        self.steps += o.steps;
    }

    /// Time-average running sequences over busy engine time (0 when never busy).
    pub fn batch_size_mean(&self) -> f64 {
        if self.busy_ps == 0 {
            0.0
        } else {
            self.batch_ps as f64 / self.busy_ps as f64
        }
    }

    /// Time-average share of the KV cache held, over busy engine time (0 when never busy).
    pub fn kv_utilization_mean(&self) -> f64 {
        if self.busy_ps == 0 {
            0.0
        } else {
            self.kv_share_ps / self.busy_ps as f64
        }
    }
}

/// Per-request figures of a `tokens` service.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TokenMetrics {
    /// Arrival to first output token, of completed requests.
    pub ttft: DurationHistogram,
    /// (completion − first token) ÷ (output tokens − 1), of completed requests with more
    /// than one output token.
    pub tpot: DurationHistogram,
    /// Output tokens of completed requests.
    pub output_tokens: u64,
    pub engines: EngineTotals,
}

impl TokenMetrics {
    pub fn flush(&mut self) {
        self.ttft.flush();
        self.tpot.flush();
    }

    pub fn merge(&mut self, o: &TokenMetrics) {
        self.ttft.merge(&o.ttft);
        self.tpot.merge(&o.tpot);
        self.output_tokens += o.output_tokens;
        self.engines.merge(&o.engines);
    }

    /// Records a completed request; returns whether it met the TTFT and TPOT targets.
    pub fn completed(
        &mut self,
        arrival: SimTime,
        first_token: SimTime,
        end: SimTime,
        output_tokens: u32,
        slo: &Slo,
    ) -> bool {
        let ttft = first_token - arrival;
        self.ttft.record(ttft);
        self.output_tokens += output_tokens as u64;
        let tpot = tpot(first_token, end, output_tokens);
        if let Some(t) = tpot {
            self.tpot.record(t);
        }
        slo.ttft.is_none_or(|s| ttft <= s) && slo.tpot.is_none_or(|s| tpot.is_none_or(|t| t <= s))
    }
}

/// TPOT to the nearest nanosecond; `None` for one output token.
fn tpot(first_token: SimTime, end: SimTime, output_tokens: u32) -> Option<SimDuration> {
    let steps = output_tokens.checked_sub(1).filter(|&n| n > 0)? as u64;
    let span = (end - first_token).0;
    Some(SimDuration((span + steps / 2) / steps))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tpot_divides_the_decode_span_by_the_tokens_after_the_first() {
        assert_eq!(tpot(SimTime(100), SimTime(400), 4), Some(SimDuration(100)));
        // 301 ns over 3 tokens: 100.33 rounds to 100; 302 over 3: 100.67 rounds to 101.
        assert_eq!(tpot(SimTime(100), SimTime(401), 4), Some(SimDuration(100)));
        assert_eq!(tpot(SimTime(100), SimTime(402), 4), Some(SimDuration(101)));
        assert_eq!(tpot(SimTime(100), SimTime(100), 1), None);
    }

    #[test]
    fn a_request_meets_the_slo_only_if_it_meets_every_target_given() {
        let slo = Slo {
            latency: None,
            ttft: Some(SimDuration(50)),
            tpot: Some(SimDuration(10)),
        };
        let mut m = TokenMetrics::default();
        // TTFT 50, TPOT 10: both met (equal is within).
        assert!(m.completed(SimTime(0), SimTime(50), SimTime(80), 4, &slo));
        // TTFT 51.
        assert!(!m.completed(SimTime(0), SimTime(51), SimTime(81), 4, &slo));
        // TPOT 11.
        assert!(!m.completed(SimTime(0), SimTime(50), SimTime(83), 4, &slo));
        // One output token: no TPOT to miss.
        assert!(m.completed(SimTime(0), SimTime(50), SimTime(50), 1, &slo));
        m.flush();
        assert_eq!(
            (m.ttft.count(), m.tpot.count(), m.output_tokens),
            (4, 3, 13)
        );
        assert!(m.completed(SimTime(0), SimTime(99), SimTime(99), 1, &Slo::default()));
    }
}
