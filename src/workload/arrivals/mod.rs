//! Arrival processes (docs/semantics.md#arrivals): lazy, time-ordered generators of arrival instants.
//!
//! Deliberately knows nothing about platforms: `workload` pairs instants with demands.
//! `poisson`, `gamma` and `periodic` draw points in operational time and map them
//! through the rate profile (see `profile`), so a profile never changes the process's
//! own randomness; `mmpp` runs its chain in real time (see `mmpp`); `bursts` and traces
//! are not modulated.

mod bursts;
mod mmpp;

use rand_distr::{Distribution, Exp1};

use super::dist::{Dist, unit};
use super::profile::RateProfile;
use super::service::Demand;
use super::trace::{TraceError, TraceSpec, TraceStream};
use crate::random::SimRng;
use crate::time::SimTime;
pub use bursts::{BurstStream, Bursts};
pub use mmpp::{MmppState, MmppStream};

/// A validated arrival process.
#[derive(Clone, Debug, PartialEq)]
pub enum ArrivalProcess {
    /// Exponential inter-arrivals at `rate_per_s`.
    Poisson { rate_per_s: f64 },
    /// One arrival every `interval_s` from t = 0, each delayed by U[0, jitter_s).
    Periodic { interval_s: f64, jitter_s: f64 },
    /// Renewal process with gamma inter-arrivals of mean 1/`rate_per_s` and CV `cv`.
    Gamma { rate_per_s: f64, cv: f64 },
    /// Markov-modulated Poisson.
    Mmpp { states: Vec<MmppState> },
    /// Batch jobs.
    Bursts(Bursts),
    /// Recorded arrivals.
    Trace(Box<TraceSpec>),
}

impl ArrivalProcess {
    /// Long-run arrivals per second before any rate profile (a trace: while it plays).
    pub fn base_rate_per_s(&self) -> f64 {
        match self {
            ArrivalProcess::Poisson { rate_per_s } | ArrivalProcess::Gamma { rate_per_s, .. } => {
                *rate_per_s
            }
            ArrivalProcess::Periodic { interval_s, .. } => 1.0 / interval_s,
            ArrivalProcess::Mmpp { states } => mmpp::mean_rate_per_s(states),
            ArrivalProcess::Bursts(b) => b.rate_per_s(),
            ArrivalProcess::Trace(t) => t.rate_per_s(),
        }
    }

    /// Whether a workload's rate profile applies to this process (docs/semantics.md#arrivals).
    pub fn is_modulated(&self) -> bool {
        !matches!(self, ArrivalProcess::Bursts(_) | ArrivalProcess::Trace(_))
    }

    /// The `process` name used in scenario files.
    pub fn name(&self) -> &'static str {
        match self {
            ArrivalProcess::Poisson { .. } => "poisson",
            ArrivalProcess::Periodic { .. } => "periodic",
            ArrivalProcess::Gamma { .. } => "gamma",
            ArrivalProcess::Mmpp { .. } => "mmpp",
            ArrivalProcess::Bursts(_) => "bursts",
            ArrivalProcess::Trace(_) => "trace",
        }
    }
}

/// One arrival: when, and what it needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arrival {
    pub at: SimTime,
    pub demand: Demand,
}

/// Points in operational time: the processes a rate profile warps.
enum Operational {
    Poisson {
        rate_per_s: f64,
    },
    /// Renewal with i.i.d. inter-arrivals (gamma, or constant for cv 0).
    Renewal {
        gap: Dist,
    },
    Periodic {
        interval_s: f64,
        jitter_s: f64,
        next: u64,
    },
}

enum Source {
    Operational { op: Operational, u: f64 },
    Mmpp(MmppStream),
    Bursts(BurstStream),
    Trace(Box<TraceStream>),
}

/// The running state of one arrival process.
pub struct ArrivalStream {
    source: Source,
    profile: Option<RateProfile>,
    rng: SimRng,
    last: SimTime,
    fault: Option<TraceError>,
}

impl ArrivalStream {
    /// `profile` is ignored by the processes it does not modulate.
    pub fn new(process: ArrivalProcess, profile: Option<RateProfile>, mut rng: SimRng) -> Self {
        let profile = profile.filter(|_| process.is_modulated());
        let operational = |op| Source::Operational { op, u: 0.0 };
        let source = match process {
            ArrivalProcess::Poisson { rate_per_s } => {
                operational(Operational::Poisson { rate_per_s })
            }
            ArrivalProcess::Gamma { rate_per_s, cv } => operational(Operational::Renewal {
                gap: Dist::gamma_mean_cv(1.0 / rate_per_s, cv),
            }),
            ArrivalProcess::Periodic {
                interval_s,
                jitter_s,
            } => operational(Operational::Periodic {
                interval_s,
                jitter_s,
                next: 0,
            }),
            ArrivalProcess::Mmpp { states } => Source::Mmpp(MmppStream::new(states, &mut rng)),
            ArrivalProcess::Bursts(b) => Source::Bursts(BurstStream::new(b)),
            ArrivalProcess::Trace(spec) => Source::Trace(Box::new(TraceStream::new(*spec))),
        };
        ArrivalStream {
            source,
            profile,
            rng,
            last: SimTime::ZERO,
            fault: None,
        }
    }

    /// The next arrival (`None` once the process has no more: a profile that is zero
    /// forever, the end of a trace, or a trace that failed to read — see `fault`).
    #[inline]
    pub fn next_arrival(&mut self) -> Option<Arrival> {
        // The common processes inline, the others out of line: this runs per request.
        let t = match &mut self.source {
            Source::Operational { op, u } => {
                let t = next_operational(op, u, self.profile.as_ref(), &mut self.rng)?;
                SimTime::from_secs_f64(t)
            }
            _ => return self.next_other(),
        };
        Some(self.ordered(t, Demand::Draw))
    }

    #[inline(never)]
    fn next_other(&mut self) -> Option<Arrival> {
        let (t, demand) = match &mut self.source {
            Source::Operational { .. } => unreachable!("handled by next_arrival"),
            Source::Mmpp(m) => {
                let t = m.next_s(self.profile.as_ref(), &mut self.rng)?;
                (SimTime::from_secs_f64(t), Demand::Draw)
            }
            Source::Bursts(b) => (b.next_arrival()?, Demand::Draw),
            Source::Trace(tr) => match tr.next_arrival(&mut self.rng) {
                Ok(a) => a?,
                Err(e) => {
                    self.fault = Some(e);
                    return None;
                }
            },
        };
        Some(self.ordered(t, demand))
    }

    /// Jitter and rounding may not reorder arrivals: none precedes the previous one.
    #[inline]
    fn ordered(&mut self, t: SimTime, demand: Demand) -> Arrival {
        let at = t.max(self.last);
        self.last = at;
        Arrival { at, demand }
    }

    /// Why a trace stopped early (the file changed or vanished after validation).
    pub fn fault(&self) -> Option<&TraceError> {
        self.fault.as_ref()
    }
}

/// The next point of an operational-time process, mapped to real seconds.
#[inline]
fn next_operational(
    op: &mut Operational,
    u: &mut f64,
    profile: Option<&RateProfile>,
    rng: &mut SimRng,
) -> Option<f64> {
    let jitter_s = match op {
        Operational::Poisson { rate_per_s } => {
            let e: f64 = Exp1.sample(rng);
            *u += e / *rate_per_s;
            0.0
        }
        Operational::Renewal { gap } => {
            *u += gap.sample_f64(rng);
            0.0
        }
        Operational::Periodic {
            interval_s,
            jitter_s,
            next,
        } => {
            // By index, so no drift accumulates.
            *u = *next as f64 * *interval_s;
            *next += 1;
            *jitter_s
        }
    };
    let t = match profile {
        None => *u,
        Some(p) => p.inverse(*u),
    };
    if !t.is_finite() {
        return None;
    }
    Some(if jitter_s > 0.0 {
        t + unit(rng) * jitter_s
    } else {
        t
    })
}

#[cfg(test)]
mod tests;
