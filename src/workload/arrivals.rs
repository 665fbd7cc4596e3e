//! Arrival processes (SPEC §2.1): lazy, time-ordered generators of arrival instants.
//!
//! Deliberately knows nothing about what arrives: `workload` pairs instants with demands.
//! Each process draws points in operational time and maps them through the rate profile
//! (see `profile`), so a profile never changes the process's own randomness.

use rand_distr::{Distribution, Exp1};

use super::dist::unit;
use super::profile::RateProfile;
use crate::random::SimRng;
use crate::time::SimTime;

/// A validated arrival process.
#[derive(Clone, Debug, PartialEq)]
pub enum ArrivalProcess {
    /// Exponential inter-arrivals at `rate_per_s`.
    Poisson { rate_per_s: f64 },
    /// One arrival every `interval_s` from t = 0, each delayed by U[0, jitter_s).
    Periodic { interval_s: f64, jitter_s: f64 },
}

impl ArrivalProcess {
    /// Long-run arrivals per second before any rate profile.
    pub fn base_rate_per_s(&self) -> f64 {
        match self {
            ArrivalProcess::Poisson { rate_per_s } => *rate_per_s,
            ArrivalProcess::Periodic { interval_s, .. } => 1.0 / interval_s,
        }
    }
}

/// The running state of one arrival process.
pub struct ArrivalStream {
    process: ArrivalProcess,
    profile: Option<RateProfile>,
    rng: SimRng,
    /// Operational time of the last point (Poisson).
    u: f64,
    /// Index of the next point (periodic: computed by index, so no drift accumulates).
    k: u64,
    last: SimTime,
}

impl ArrivalStream {
    pub fn new(process: ArrivalProcess, profile: Option<RateProfile>, rng: SimRng) -> Self {
        ArrivalStream {
            process,
            profile,
            rng,
            u: 0.0,
            k: 0,
            last: SimTime::ZERO,
        }
    }

    /// The next arrival instant (`None` once the profile is zero forever).
    #[inline]
    pub fn next_arrival(&mut self) -> Option<SimTime> {
        let (u, jitter_s) = match self.process {
            ArrivalProcess::Poisson { rate_per_s } => {
                let e: f64 = Exp1.sample(&mut self.rng);
                self.u += e / rate_per_s;
                (self.u, 0.0)
            }
            ArrivalProcess::Periodic {
                interval_s,
                jitter_s,
            } => {
                let u = self.k as f64 * interval_s;
                self.k += 1;
                (u, jitter_s)
            }
        };
        let mut t_s = match &self.profile {
            None => u,
            Some(p) => p.inverse(u),
        };
        if !t_s.is_finite() {
            return None;
        }
        if jitter_s > 0.0 {
            t_s += unit(&mut self.rng) * jitter_s;
        }
        // Jitter may not reorder arrivals: an arrival never precedes the previous one.
        let t = SimTime::from_secs_f64(t_s).max(self.last);
        self.last = t;
        Some(t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Stream, stream_rng};
    use crate::workload::profile::{PiecewiseConstant, Window};

    fn count_until(mut s: ArrivalStream, horizon_s: f64) -> u64 {
        let h = SimTime::from_secs_f64(horizon_s);
        std::iter::from_fn(|| s.next_arrival())
            .take_while(|t| *t < h)
            .count() as u64
    }

    #[test]
    fn poisson_count_matches_rate_within_four_standard_errors() {
        let s = ArrivalStream::new(
            ArrivalProcess::Poisson { rate_per_s: 50.0 },
            None,
            stream_rng(3, 0, Stream::Arrivals, 0),
        );
        let n = count_until(s, 20_000.0) as f64; // expected 10^6, sd 1000
        assert!((n - 1e6).abs() < 4_000.0, "count {n}");
    }

    #[test]
    fn periodic_with_daily_windows_gives_exactly_the_expected_count() {
        let w = Window {
            start_h: 0.0,
            end_h: 2.0,
            multiplier: 1.0,
        };
        let profile = RateProfile::DailyWindows(PiecewiseConstant::daily_windows(&[w], 0.0));
        let p = ArrivalProcess::Periodic {
            interval_s: 0.3,
            jitter_s: 0.0,
        };
        let s = ArrivalStream::new(p, Some(profile), stream_rng(1, 0, Stream::Arrivals, 0));
        // 2 h a day at one per 0.3 s = 24,000 a day, for 30 days.
        assert_eq!(count_until(s, 30.0 * 86_400.0), 720_000);
    }

    #[test]
    fn poisson_under_a_window_profile_arrives_only_inside_the_window() {
        let w = Window {
            start_h: 6.0,
            end_h: 8.0,
            multiplier: 3.0,
        };
        let profile = RateProfile::DailyWindows(PiecewiseConstant::daily_windows(&[w], 0.0));
        let mut s = ArrivalStream::new(
            ArrivalProcess::Poisson { rate_per_s: 10.0 },
            Some(profile),
            stream_rng(9, 0, Stream::Arrivals, 0),
        );
        let mut n = 0u64;
        while let Some(t) = s.next_arrival() {
            if t.as_secs_f64() >= 10.0 * 86_400.0 {
                break;
            }
            let h = t.as_secs_f64().rem_euclid(86_400.0) / 3600.0;
            assert!((6.0..8.0).contains(&h), "arrival at hour {h}");
            n += 1;
        }
        // Expected 10 days × 7200 s × 30/s = 2,160,000, sd ≈ 1470.
        assert!((n as f64 - 2_160_000.0).abs() < 6_000.0, "count {n}");
    }
}
