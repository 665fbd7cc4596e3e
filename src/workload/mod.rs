//! The workload: a lazy, time-ordered stream of requests (arrival instant × service
//! demand), identical for every platform under a seed (common random numbers).
//!
//! Deliberately knows nothing about platforms or prices.

pub mod arrivals;
pub mod dist;
pub mod jobs;
pub mod profile;
pub mod service;
pub mod trace;

use crate::random::{Seeds, SimRng, Stream};
use crate::time::{SimDuration, SimTime};
pub use arrivals::{Arrival, ArrivalProcess, ArrivalStream, Bursts, MmppState};
pub use dist::{Dist, Phases};
pub use jobs::{Checkpointing, JobSpec};
pub use profile::{RateProfile, Window};
pub use service::{Demand, LlmModel, Service, TokensService};
pub use trace::{TraceError, TraceSpec};

/// A validated workload (docs/scenarios.md).
#[derive(Clone, Debug)]
pub struct Workload {
    /// One process, or several superposed.
    pub arrivals: Vec<ArrivalProcess>,
    pub rate_profile: Option<RateProfile>,
    /// The demand of arrivals that do not record their own; `None` only when every
    /// arrival does (validated).
    pub service: Option<Service>,
    /// Give up if still waiting to start after this long.
    pub timeout: Option<SimDuration>,
    /// Present for a `jobs` workload: each request is a long job whose demand is its work.
    pub jobs: Option<JobSpec>,
}

impl Workload {
    /// Long-run arrivals per second, each process with the profile's mean multiplier if
    /// the profile modulates it (a trace counts at its rate while it plays).
    pub fn mean_rate_per_s(&self) -> f64 {
        let m = self
            .rate_profile
            .as_ref()
            .map_or(1.0, RateProfile::mean_multiplier);
        self.arrivals
            .iter()
            .map(|p| p.base_rate_per_s() * if p.is_modulated() { m } else { 1.0 })
            .sum()
    }

    /// Mean service demand in seconds: each process's mean demand (recorded in its trace,
    /// or the `service` mean) weighted by its rate.
    pub fn mean_service_s(&self) -> f64 {
        let drawn = self.service.as_ref().and_then(Service::mean_s);
        let llm = match &self.service {
            Some(Service::Llm(m)) => Some(m),
            _ => None,
        };
        let (mut work, mut rate) = (0.0, 0.0);
        for p in &self.arrivals {
            let recorded = match p {
                ArrivalProcess::Trace(t) => t.summary.mean_service_s.or_else(|| {
                    let (c, o) = t.summary.mean_tokens?;
                    Some(llm?.service_s(c, o))
                }),
                _ => None,
            };
            let r = p.base_rate_per_s();
            work += r * recorded.or(drawn).unwrap_or(0.0);
            rate += r;
        }
        if rate > 0.0 {
            work / rate
        } else {
            drawn.unwrap_or(0.0)
        }
    }

    /// Mean (context, output) tokens of a request of a `tokens` service: each process's
    /// recorded means or the drawn ones, weighted by its rate.
    pub fn mean_tokens(&self) -> Option<(f64, f64)> {
        let Some(Service::Tokens(t)) = &self.service else {
            return None;
        };
        let drawn = t.mean_tokens();
        let (mut c, mut o, mut rate) = (0.0, 0.0, 0.0);
        for p in &self.arrivals {
            let recorded = match p {
                ArrivalProcess::Trace(t) => t.summary.mean_tokens,
                _ => None,
            };
            let (pc, po) = recorded.or(drawn)?;
            let r = p.base_rate_per_s();
            (c, o, rate) = (c + r * pc, o + r * po, rate + r);
        }
        if rate > 0.0 {
            Some((c / rate, o / rate))
        } else {
            drawn
        }
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
            tokens_rng: seeds.rng(Stream::Tokens, 0),
        }
    }
}

/// One request: when it arrives and how much GPU time it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Request {
    pub arrival: SimTime,
    /// GPU time at full speed; for a `tokens` service, the token counts packed by
    /// `pack_tokens` instead (a batching engine decides the time). Which one a scenario's
    /// requests carry is fixed by its service, and packing keeps every request, and so
    /// every queue, at 16 bytes.
    pub service: SimDuration,
}

impl Request {
    /// The demand of a request of a `tokens` service: its context and output tokens.
    #[inline]
    pub fn pack_tokens(context: u32, output: u32) -> SimDuration {
        SimDuration(((context as u64) << 32) | output as u64)
    }

    /// (context, output) tokens of a request of a `tokens` service.
    #[inline]
    pub fn tokens(&self) -> (u32, u32) {
        ((self.service.0 >> 32) as u32, self.service.0 as u32)
    }
}

/// The merged, time-ordered requests of all arrival processes of a workload.
pub struct RequestStream {
    streams: Vec<(Option<Arrival>, ArrivalStream)>,
    service: Option<Service>,
    service_rng: SimRng,
    tokens_rng: SimRng,
}

impl RequestStream {
    /// Why a trace ended early, if one did (it changed or vanished after validation);
    /// the replica's results are then incomplete.
    pub fn fault(&self) -> Option<&TraceError> {
        self.streams.iter().find_map(|(_, s)| s.fault())
    }

    #[inline]
    fn demand(&mut self, d: Demand) -> SimDuration {
        match (d, &self.service) {
            (Demand::Service(s), _) => s,
            (Demand::Tokens { context, output }, Some(Service::Llm(m))) => {
                m.service(context, output)
            }
            (Demand::Tokens { context, output }, Some(Service::Tokens(_))) => {
                Request::pack_tokens(context, output)
            }
            (Demand::Draw, Some(s)) => s.sample(&mut self.service_rng, &mut self.tokens_rng),
            _ => unreachable!("validated: every arrival's demand can be priced by the service"),
        }
    }
}

impl Iterator for RequestStream {
    type Item = (SimTime, Request);

    #[inline]
    fn next(&mut self) -> Option<(SimTime, Request)> {
        let i = match self.streams.len() {
            1 => 0,
            _ => self.earliest()?,
        };
        let (head, stream) = &mut self.streams[i];
        let arrival = head.take()?;
        *head = stream.next_arrival();
        let service = self.demand(arrival.demand);
        Some((
            arrival.at,
            Request {
                arrival: arrival.at,
                service,
            },
        ))
    }
}

impl RequestStream {
    /// The process whose next arrival is earliest; ties go to the process listed first.
    fn earliest(&self) -> Option<usize> {
        let mut best: Option<(usize, SimTime)> = None;
        for (i, (head, _)) in self.streams.iter().enumerate() {
            if let Some(a) = head
                && best.is_none_or(|(_, t)| a.at < t)
            {
                best = Some((i, a.at));
            }
        }
        best.map(|(i, _)| i)
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
            service: Some(Dist::constant(0.5).into()),
            timeout: None,
            jobs: None,
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
            service: Some(Dist::exponential(0.2).into()),
            timeout: None,
            jobs: None,
        };
        let a: Vec<_> = w.requests(Seeds::new(5, 2)).take(100).collect();
        let b: Vec<_> = w.requests(Seeds::new(5, 2)).take(100).collect();
        let c: Vec<_> = w.requests(Seeds::new(5, 3)).take(100).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn a_superposition_of_poisson_and_gamma_has_the_summed_rate() {
        let w = Workload {
            arrivals: vec![
                ArrivalProcess::Poisson { rate_per_s: 30.0 },
                ArrivalProcess::Gamma {
                    rate_per_s: 20.0,
                    cv: 2.0,
                },
            ],
            rate_profile: None,
            service: Some(Dist::constant(0.1).into()),
            timeout: None,
            jobs: None,
        };
        let last = w
            .requests(Seeds::new(1, 0))
            .take(1_000_000)
            .last()
            .unwrap()
            .0;
        let rate = 1e6 / last.as_secs_f64();
        // Count variance per second: 30 + 20·cv² = 110 → sd of the rate over 2·10^4 s
        // is sqrt(110/2e4)/50 ≈ 0.15%.
        assert!((rate / 50.0 - 1.0).abs() < 0.006, "rate {rate}");
        assert_eq!(w.mean_rate_per_s(), 50.0);
    }
}
