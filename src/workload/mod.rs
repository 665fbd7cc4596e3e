//! The workload: a lazy, time-ordered stream of requests (arrival instant × service
//! demand), identical for every platform under a seed (common random numbers).
//!
//! Deliberately knows nothing about platforms or prices.

pub mod arrivals;
pub mod dist;
pub mod profile;

use crate::random::{Seeds, SimRng, Stream};
use crate::time::{SimDuration, SimTime};
pub use arrivals::{ArrivalProcess, ArrivalStream};
pub use dist::{Dist, Phases};
pub use profile::{RateProfile, Window};

/// A validated workload (SPEC §2).
#[derive(Clone, Debug)]
pub struct Workload {
    /// One process, or several superposed.
    pub arrivals: Vec<ArrivalProcess>,
    pub rate_profile: Option<RateProfile>,
    pub service: Dist,
    /// Give up if still waiting to start after this long.
    pub timeout: Option<SimDuration>,
}

impl Workload {
    /// Long-run arrivals per second, with the profile's mean multiplier.
    pub fn mean_rate_per_s(&self) -> f64 {
        let base: f64 = self
            .arrivals
            .iter()
            .map(ArrivalProcess::base_rate_per_s)
            .sum();
        base * self
            .rate_profile
            .as_ref()
            .map_or(1.0, RateProfile::mean_multiplier)
    }

    /// Mean service demand in seconds.
    pub fn mean_service_s(&self) -> f64 {
        self.service.mean()
    }

    /// The requests of one replica, lazily.
    pub fn requests(&self, seeds: Seeds) -> RequestStream {
        let streams = self
            .arrivals
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let mut s = ArrivalStream::new(
                    p.clone(),
                    self.rate_profile.clone(),
                    seeds.rng(Stream::Arrivals, i as u64),
                );
                let next = s.next_arrival();
                (next, s)
            })
            .collect();
        RequestStream {
            streams,
            service: self.service.clone(),
            service_rng: seeds.rng(Stream::Service, 0),
        }
    }
}

/// One request: when it arrives and how much GPU time it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    pub arrival: SimTime,
    pub service: SimDuration,
}

/// The merged, time-ordered requests of all arrival processes of a workload.
pub struct RequestStream {
    streams: Vec<(Option<SimTime>, ArrivalStream)>,
    service: Dist,
    service_rng: SimRng,
}

impl Iterator for RequestStream {
    type Item = (SimTime, Request);

    #[inline]
    fn next(&mut self) -> Option<(SimTime, Request)> {
        // Earliest head; ties go to the process listed first.
        let mut best: Option<usize> = None;
        for (i, (t, _)) in self.streams.iter().enumerate() {
            if let Some(t) = t
                && best.is_none_or(|b| Some(*t) < self.streams[b].0)
            {
                best = Some(i);
            }
        }
        let i = best?;
        let (head, stream) = &mut self.streams[i];
        let arrival = head.expect("best has a head");
        *head = stream.next_arrival();
        let service = self.service.sample(&mut self.service_rng);
        Some((arrival, Request { arrival, service }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superposed_processes_merge_in_time_order() {
        let w = Workload {
            arrivals: vec![
                ArrivalProcess::Periodic {
                    interval_s: 1.0,
                    jitter_s: 0.0,
                },
                ArrivalProcess::Periodic {
                    interval_s: 0.75,
                    jitter_s: 0.0,
                },
            ],
            rate_profile: None,
            service: Dist::constant(0.5),
            timeout: None,
        };
        let times: Vec<f64> = w
            .requests(Seeds::new(1, 0))
            .take(7)
            .map(|(t, _)| t.as_secs_f64())
            .collect();
        assert_eq!(times, vec![0.0, 0.0, 0.75, 1.0, 1.5, 2.0, 2.25]);
        assert!((w.mean_rate_per_s() - (1.0 + 1.0 / 0.75)).abs() < 1e-12);
    }

    #[test]
    fn the_same_seed_gives_the_same_requests() {
        let w = Workload {
            arrivals: vec![ArrivalProcess::Poisson { rate_per_s: 3.0 }],
            rate_profile: None,
            service: Dist::exponential(0.2),
            timeout: None,
        };
        let a: Vec<_> = w.requests(Seeds::new(5, 2)).take(100).collect();
        let b: Vec<_> = w.requests(Seeds::new(5, 2)).take(100).collect();
        let c: Vec<_> = w.requests(Seeds::new(5, 3)).take(100).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }
}
