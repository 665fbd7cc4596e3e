//! What one replica records while it runs.

use hdrhistogram::Histogram;
use serde::{Deserialize, Serialize};

use super::codec;
use super::jobs::JobMetrics;
use super::staged::Staged;
use super::tokens::{Slo, TokenMetrics};
use crate::time::{SimDuration, SimTime};

/// Request outcomes. Conservation: `arrived` = the sum of the other five.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub arrived: u64,
    pub completed: u64,
    pub rejected: u64,
    pub timed_out: u64,
    pub failed: u64,
    pub in_flight_at_end: u64,
}

impl Counts {
    /// Whether every arrival is accounted for exactly once.
    pub fn is_conserved(&self) -> bool {
        self.arrived
            == self.completed + self.rejected + self.timed_out + self.failed + self.in_flight_at_end
    }

    /// Adds another platform part's counts (a hybrid's totals are sums).
    pub fn add(&mut self, o: &Counts) {
        self.arrived += o.arrived;
        self.completed += o.completed;
        self.rejected += o.rejected;
        self.timed_out += o.timed_out;
        self.failed += o.failed;
        self.in_flight_at_end += o.in_flight_at_end;
    }
}

/// Durations in microseconds to 3 significant digits (docs/semantics.md#metrics), plus the exact sum so the
/// mean carries no bucketing error. Serialized (for shards) as HdrHistogram's V2 encoding
/// in base64 plus the exact sum, see `metrics::codec`.
///
/// Recording only counts into a plain array (`staged`); `flush` hands the counts to the
/// HdrHistogram once the replica is over, and every reader expects it flushed.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(into = "codec::HistogramRecord", try_from = "codec::HistogramRecord")]
pub struct DurationHistogram {
    pub hist: Histogram<u64>,
    pub sum_ns: u128,
    staged: Staged,
}

impl Default for DurationHistogram {
    fn default() -> Self {
        // One hour at first; it grows itself for longer values.
        let mut hist = Histogram::new_with_bounds(1, 3_600_000_000, 3).expect("valid hdr bounds");
        hist.auto(true);
        DurationHistogram::from_parts(hist, 0)
    }
}

impl DurationHistogram {
    pub(super) fn from_parts(hist: Histogram<u64>, sum_ns: u128) -> Self {
        DurationHistogram {
            hist,
            sum_ns,
            staged: Staged::default(),
        }
    }

    #[inline(always)]
    pub fn record(&mut self, d: SimDuration) {
        let micros = (d.0 + 500) / 1_000;
        if !self.staged.record(micros) {
            self.hist
                .record(micros)
                .expect("auto-resizing histogram accepts any u64");
        }
        self.sum_ns += d.0 as u128;
    }

    /// Moves what was recorded into the histogram; needed before reading.
    pub fn flush(&mut self) {
        self.staged.drain_into(&mut self.hist);
    }

    fn assert_flushed(&self) {
        debug_assert!(
            self.staged.is_empty(),
            "histograms are flushed before reading"
        );
    }

    pub fn count(&self) -> u64 {
        self.assert_flushed();
        self.hist.len()
    }

    /// Exact mean in seconds (`None` when empty).
    pub fn mean_s(&self) -> Option<f64> {
        let n = self.count();
        (n > 0).then(|| self.sum_ns as f64 / n as f64 / 1e9)
    }

    /// The q-quantile in seconds, as the middle of its 3-digit bucket (`None` when empty).
    pub fn quantile_s(&self, q: f64) -> Option<f64> {
        (self.count() > 0).then(|| {
            let v = self.hist.value_at_quantile(q);
            self.hist.median_equivalent(v) as f64 / 1e6
        })
    }

    pub fn max_s(&self) -> Option<f64> {
        (self.count() > 0).then(|| self.hist.median_equivalent(self.hist.max()) as f64 / 1e6)
    }

    /// The empirical CDF as (seconds, fraction ≤) at the top of each recorded bucket,
    /// thinned to steps of at least 0.1% in probability or 5% in value (for plots).
    pub fn cdf_s(&self) -> Vec<(f64, f64)> {
        self.assert_flushed();
        let total = self.count() as f64;
        let mut points: Vec<(f64, f64)> = Vec::new();
        let mut seen = 0u64;
        let mut recorded = self.hist.iter_recorded().peekable();
        while let Some(v) = recorded.next() {
            seen += v.count_at_value();
            let point = (v.value_iterated_to() as f64 / 1e6, seen as f64 / total);
            let keep = match points.last() {
                None => true,
                Some(&(x, q)) => {
                    recorded.peek().is_none() || point.1 - q >= 1e-3 || point.0 >= x * 1.05
                }
            };
            if keep {
                points.push(point);
            }
        }
        points
    }

    pub fn merge(&mut self, other: &DurationHistogram) {
        self.assert_flushed();
        other.assert_flushed();
        self.hist
            .add(&other.hist)
            .expect("auto-resizing histograms merge");
        self.sum_ns += other.sum_ns;
    }
}

/// The time-average of an integer level (live containers, busy GPUs …) and its maximum.
#[derive(Clone, Copy, Debug, Default)]
pub struct TimeAverage {
    last: SimTime,
    level: u64,
    /// ∫ level dt in level·ns.
    integral: u128,
    max: u64,
}

impl TimeAverage {
    #[cfg(test)]
    pub fn starting_at(level: u64) -> Self {
        TimeAverage {
            last: SimTime::ZERO,
            level,
            integral: 0,
            max: level,
        }
    }

    #[inline]
    pub fn set(&mut self, now: SimTime, level: u64) {
        self.integral += (now.0 - self.last.0) as u128 * self.level as u128;
        self.last = now;
        self.level = level;
        self.max = self.max.max(level);
    }

    #[inline]
    pub fn add(&mut self, now: SimTime, delta: i64) {
        let level = self
            .level
            .checked_add_signed(delta)
            .expect("a level never goes below zero");
        self.set(now, level);
    }

    pub fn level(&self) -> u64 {
        self.level
    }

    pub fn max(&self) -> u64 {
        self.max
    }

    /// The average over [0, end].
    pub fn mean_until(&self, end: SimTime) -> f64 {
        if end.0 == 0 {
            return self.level as f64;
        }
        TimeAverage::mean_of(self.integral_until(end), end)
    }

    /// ∫ level dt over [0, end], in level·ns.
    pub fn integral_until(&self, end: SimTime) -> u128 {
        self.integral + (end.0.saturating_sub(self.last.0)) as u128 * self.level as u128
    }

    /// The average over [0, end] (end > 0) of a level whose integral is `integral`.
    pub fn mean_of(integral: u128, end: SimTime) -> f64 {
        integral as f64 / end.0 as f64
    }
}

/// Everything a replica records about requests.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Recorder {
    pub counts: Counts,
    pub latency: DurationHistogram,
    pub wait: DurationHistogram,
    pub cold_start_wait: DurationHistogram,
    /// Arrivals that found no free ready slot and started at least one container.
    pub cold_start_arrivals: u64,
    /// Completions within the SLO latency.
    pub slo_met: u64,
    /// Containers preempted (serverless `preemptions_per_hour`).
    pub preemptions: u64,
    /// Inputs started again from scratch after their container was preempted.
    pub restarts: u64,
    /// Arrivals rejected because the queue reached the overload guard (counted in
    /// `rejected` too): the platform could not keep up. Absent from older shards.
    #[serde(default)]
    pub overload_rejected: u64,
    /// With a `tokens` service: TTFT, TPOT, tokens and engine figures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tokens: Option<Box<TokenMetrics>>,
    /// With a `jobs` workload: completion times, lost work, checkpoints and restores.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jobs: Option<Box<JobMetrics>>,
    /// Only needed while recording, so shards do not carry it.
    #[serde(skip)]
    slo: Slo,
}

impl Recorder {
    pub fn new(slo: Slo) -> Self {
        Recorder {
            slo,
            ..Default::default()
        }
    }

    /// A recorder that also keeps the figures of a `tokens` service.
    pub fn with_tokens(slo: Slo) -> Self {
        Recorder {
            tokens: Some(Box::default()),
            ..Recorder::new(slo)
        }
    }

    /// Moves the recorded durations into the histograms: platforms call it when they
    /// finish, before anything reads them.
    pub fn flush(&mut self) {
        self.latency.flush();
        self.wait.flush();
        self.cold_start_wait.flush();
        if let Some(t) = &mut self.tokens {
            t.flush();
        }
        if let Some(j) = &mut self.jobs {
            j.flush();
        }
    }

    /// Adds what another part of the same platform recorded (same SLO).
    pub fn merge(&mut self, other: &Recorder) {
        self.counts.add(&other.counts);
        self.latency.merge(&other.latency);
        self.wait.merge(&other.wait);
        self.cold_start_wait.merge(&other.cold_start_wait);
        self.cold_start_arrivals += other.cold_start_arrivals;
        self.slo_met += other.slo_met;
        self.preemptions += other.preemptions;
        self.restarts += other.restarts;
        self.overload_rejected += other.overload_rejected;
        match (&mut self.tokens, &other.tokens) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (None, Some(theirs)) => self.tokens = Some(theirs.clone()),
            _ => {}
        }
        match (&mut self.jobs, &other.jobs) {
            (Some(mine), Some(theirs)) => mine.merge(theirs),
            (None, Some(theirs)) => self.jobs = Some(theirs.clone()),
            _ => {}
        }
    }

    /// An arrival turned away because the queue was full; `overloaded` when the overload
    /// guard, not `queue_limit`, made it full.
    pub fn rejected(&mut self, overloaded: bool) {
        self.counts.rejected += 1;
        if overloaded {
            self.overload_rejected += 1;
        }
    }

    /// A completed request: latency from arrival to `end`, wait from arrival to `start`.
    #[inline(always)]
    pub fn completed(&mut self, arrival: SimTime, start: SimTime, end: SimTime) {
        self.counts.completed += 1;
        let latency = end - arrival;
        self.latency.record(latency);
        self.wait.record(start - arrival);
        if self.slo.latency.is_some_and(|slo| latency <= slo) {
            self.slo_met += 1;
        }
    }

    /// A completed request of a `tokens` service: as `completed`, plus its TTFT and TPOT;
    /// it meets the SLO only if it meets every target given.
    pub fn completed_tokens(
        &mut self,
        (arrival, start): (SimTime, SimTime),
        first_token: SimTime,
        end: SimTime,
        output_tokens: u32,
    ) {
        self.counts.completed += 1;
        let latency = end - arrival;
        self.latency.record(latency);
        self.wait.record(start - arrival);
        let tokens = self
            .tokens
            .as_mut()
            .expect("invariant: a platform with engines records with Recorder::with_tokens");
        let met = tokens.completed(arrival, first_token, end, output_tokens, &self.slo);
        if met && self.slo.latency.is_none_or(|slo| latency <= slo) && self.slo.is_set() {
            self.slo_met += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_average_integrates_levels_over_time() {
        let mut a = TimeAverage::starting_at(2);
        a.set(SimTime(10), 4);
        a.add(SimTime(15), -3);
        // 2×10 + 4×5 + 1×5 over 20.
        assert_eq!(a.mean_until(SimTime(20)), 45.0 / 20.0);
        assert_eq!(a.max(), 4);
        assert_eq!(a.level(), 1);
    }

    #[test]
    fn histogram_quantiles_are_within_three_digits_and_the_mean_is_exact() {
        let mut h = DurationHistogram::default();
        for ms in 1..=1000u64 {
            h.record(SimDuration(ms * 1_000_000));
        }
        h.flush();
        assert_eq!(h.mean_s(), Some(0.5005));
        let p99 = h.quantile_s(0.99).unwrap();
        assert!((p99 - 0.990).abs() / 0.990 < 1e-3, "p99 {p99}");
        assert!(h.quantile_s(0.5).is_some());
        assert_eq!(DurationHistogram::default().quantile_s(0.5), None);
        let cdf = h.cdf_s();
        assert_eq!(cdf.last().map(|p| p.1), Some(1.0));
        assert!(cdf.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 < w[1].1));
        let half = cdf.iter().find(|p| p.1 >= 0.5).unwrap();
        assert!((half.0 - 0.5).abs() < 0.002, "median {half:?}");
    }

    #[test]
    fn slo_attainment_counts_completions_within_the_target() {
        let mut r = Recorder::new(Slo::latency(Some(SimDuration(100))));
        r.completed(SimTime(0), SimTime(0), SimTime(100));
        r.completed(SimTime(0), SimTime(50), SimTime(101));
        assert_eq!(r.slo_met, 1);
        assert_eq!(r.counts.completed, 2);
    }
}
