//! Markov-modulated Poisson arrivals (docs/semantics.md#arrivals `mmpp`): the modulating chain
//! starts in state 0, holds each state for an exponential time, and on leaving moves to
//! the next state in list order, cyclically; in state i arrivals are Poisson at rate rᵢ.
//!
//! With a rate profile the chain still runs in real time (a burst of 10 minutes lasts 10
//! minutes at any hour) and the profile multiplies the current state's rate: within a
//! state, arrivals are the non-homogeneous Poisson process of intensity rᵢ·m(t), drawn by
//! exact inversion of Λ. A candidate past the state's end is discarded and drawing
//! restarts at the switch, which is exact because Poisson increments are memoryless.

use rand_distr::{Distribution, Exp1};

use super::super::profile::RateProfile;
use crate::random::SimRng;

/// One state of the modulating chain.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MmppState {
    pub rate_per_s: f64,
    pub mean_holding_s: f64,
}

/// Long-run arrivals per second of a cyclic chain: Σ rᵢhᵢ / Σ hᵢ.
pub fn mean_rate_per_s(states: &[MmppState]) -> f64 {
    let time: f64 = states.iter().map(|s| s.mean_holding_s).sum();
    let work: f64 = states.iter().map(|s| s.rate_per_s * s.mean_holding_s).sum();
    work / time
}

/// The running chain and arrival position, in seconds.
pub struct MmppStream {
    states: Vec<MmppState>,
    state: usize,
    /// When the current state ends (real time).
    state_end_s: f64,
    /// Λ at the current position (= the position itself without a profile).
    u: f64,
}

impl MmppStream {
    /// Validated: non-empty, every holding time > 0, some rate > 0.
    pub fn new(states: Vec<MmppState>, rng: &mut SimRng) -> MmppStream {
        let first = states[0].mean_holding_s;
        MmppStream {
            states,
            state: 0,
            state_end_s: holding(first, rng),
            u: 0.0,
        }
    }

    /// The next arrival in seconds (`None` once the profile is zero forever).
    #[inline]
    pub fn next_s(&mut self, profile: Option<&RateProfile>, rng: &mut SimRng) -> Option<f64> {
        let to_real = |u: f64| profile.map_or(u, |p| p.inverse(u));
        loop {
            let rate = self.states[self.state].rate_per_s;
            if rate > 0.0 {
                let e: f64 = Exp1.sample(rng);
                let u = self.u + e / rate;
                let t = to_real(u);
                if !t.is_finite() {
                    return None;
                }
                if t < self.state_end_s {
                    self.u = u;
                    return Some(t);
                }
            }
            let t = self.state_end_s;
            self.state = (self.state + 1) % self.states.len();
            self.state_end_s = t + holding(self.states[self.state].mean_holding_s, rng);
            self.u = profile.map_or(t, |p| p.cumulative(t));
        }
    }
}

fn holding(mean_s: f64, rng: &mut SimRng) -> f64 {
    let e: f64 = Exp1.sample(rng);
    e * mean_s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Stream, stream_rng};

    /// Mean and squared CV of the inter-arrival time of an interrupted Poisson process
    /// (on at rate λ for Exp(1/α)-long spells, off for Exp(1/β)-long ones), from the
    /// first-step equations for the time to the next arrival from each state.
    fn ipp_iat_moments(lambda: f64, alpha: f64, beta: f64) -> (f64, f64) {
        let nu = lambda + alpha;
        let q = alpha / nu;
        let m_on = (alpha + beta) / (lambda * beta);
        let m_off = 1.0 / beta + m_on;
        // s_on = 2/ν² + 2q·m_off/ν + q·(2/β² + 2·m_on/β + s_on)
        let s_on = (2.0 / (nu * nu)
            + 2.0 * q * m_off / nu
            + q * (2.0 / (beta * beta) + 2.0 * m_on / beta))
            / (1.0 - q);
        (m_on, s_on / (m_on * m_on) - 1.0)
    }

    #[test]
    fn on_off_mmpp_matches_the_interrupted_poisson_process() {
        // On at 20/s for 5 s on average, off for 15 s: mean rate 5/s.
        let states = vec![
            MmppState {
                rate_per_s: 20.0,
                mean_holding_s: 5.0,
            },
            MmppState {
                rate_per_s: 0.0,
                mean_holding_s: 15.0,
            },
        ];
        assert_eq!(mean_rate_per_s(&states), 5.0);
        let mut rng = stream_rng(2, 0, Stream::Arrivals, 0);
        let mut s = MmppStream::new(states, &mut rng);
        let n = 4_000_000;
        let (mut last, mut sum, mut sum2) = (0.0, 0.0, 0.0);
        for _ in 0..n {
            let t = s.next_s(None, &mut rng).unwrap();
            let d = t - last;
            (sum, sum2, last) = (sum + d, sum2 + d * d, t);
        }
        let mean = sum / n as f64;
        let cv2 = sum2 / n as f64 / (mean * mean) - 1.0;
        let (m_theory, cv2_theory) = ipp_iat_moments(20.0, 1.0 / 5.0, 1.0 / 15.0);
        assert!((m_theory - 0.2).abs() < 1e-12);
        // Arrivals come in ~100-long clumps, one per 20-s on/off cycle (cycle sd 15.8 s),
        // so 4·10^6 arrivals are only 4·10^4 cycles: the mean's relative standard error
        // is ~0.4% (tolerance ~5 SE); the cv², a ratio of heavier moments, gets 5%.
        assert!(
            (mean / m_theory - 1.0).abs() < 0.02,
            "mean {mean} vs {m_theory}"
        );
        assert!(
            (cv2 / cv2_theory - 1.0).abs() < 0.05,
            "cv² {cv2} vs {cv2_theory}"
        );
        assert!(
            cv2_theory > 10.0,
            "on/off bursts are far burstier than Poisson"
        );
    }

    #[test]
    fn the_chain_visits_states_in_list_order_from_state_zero() {
        // Three states with very different rates: the first arrivals come at state 0's
        // rate, and the long-run rate is the holding-weighted mean.
        let states = vec![
            MmppState {
                rate_per_s: 1000.0,
                mean_holding_s: 1.0,
            },
            MmppState {
                rate_per_s: 10.0,
                mean_holding_s: 2.0,
            },
            MmppState {
                rate_per_s: 100.0,
                mean_holding_s: 1.0,
            },
        ];
        let expected = mean_rate_per_s(&states);
        assert_eq!(expected, (1000.0 + 20.0 + 100.0) / 4.0);
        let mut rng = stream_rng(5, 0, Stream::Arrivals, 0);
        let mut s = MmppStream::new(states, &mut rng);
        let first: Vec<f64> = (0..50).map(|_| s.next_s(None, &mut rng).unwrap()).collect();
        assert!(
            first[49] < 0.5,
            "state 0 (1000/s) comes first: {}",
            first[49]
        );
        let horizon = 40_000.0;
        let mut n = 50u64;
        while s.next_s(None, &mut rng).unwrap() < horizon {
            n += 1;
        }
        // 10^4 cycles of 4 s, each bringing 1120 ± 1005 arrivals (the exponential holding
        // times): the count's relative sd is ~0.9%, and the tolerance ~4.4 of them.
        let rate = n as f64 / horizon;
        assert!(
            (rate / expected - 1.0).abs() < 0.04,
            "rate {rate} vs {expected}"
        );
    }
}
