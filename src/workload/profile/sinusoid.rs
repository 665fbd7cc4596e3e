//! A sinusoidal multiplier m(t) = 1 + a·cos(2π(t − peak)/P): mean 1, so the base rate is
//! the long-run rate. Λ is closed-form; its inverse is found by a safeguarded Newton
//! iteration on the monotone Λ (bisection whenever Newton would leave the bracket),
//! started inside a bracket found on a precomputed grid of Λ, so that it converges in a
//! couple of steps.

use std::f64::consts::TAU;
use std::sync::Arc;

/// Newton stops once a step is below this (0.1 ns): finer than the clock's resolution.
const TOLERANCE_S: f64 = 1e-10;
/// Grid points per period for the initial bracket.
const GRID: usize = 1024;

#[derive(Clone, Debug, PartialEq)]
pub struct Sinusoid {
    period_s: f64,
    amplitude: f64,
    peak_s: f64,
    /// Λ within the period at i·P/GRID, i = 0..=GRID.
    grid: Arc<[f64]>,
}

impl Sinusoid {
    /// `amplitude` in [0, 1] (so m ≥ 0) and `peak_h` in [0, period), both validated.
    pub fn new(period_s: f64, amplitude: f64, peak_h: f64) -> Sinusoid {
        let mut s = Sinusoid {
            period_s,
            amplitude,
            peak_s: peak_h * 3600.0,
            grid: Arc::from([]),
        };
        let step = period_s / GRID as f64;
        s.grid = (0..=GRID).map(|i| s.within(i as f64 * step)).collect();
        s
    }

    pub fn period_s(&self) -> f64 {
        self.period_s
    }

    fn phase(&self, t_s: f64) -> f64 {
        TAU * (t_s - self.peak_s) / self.period_s
    }

    pub fn multiplier(&self, t_s: f64) -> f64 {
        1.0 + self.amplitude * self.phase(t_s).cos()
    }

    pub fn peak(&self) -> f64 {
        1.0 + self.amplitude
    }

    /// The parts of one period where m(t) > `level`: an arc of half-width
    /// P·acos((level − 1)/a)/2π around the peak, split where it wraps.
    pub fn above(&self, level: f64) -> Vec<(f64, f64)> {
        let p = self.period_s;
        if self.amplitude == 0.0 || (level - 1.0) / self.amplitude <= -1.0 {
            return if 1.0 > level || self.amplitude > 0.0 {
                vec![(0.0, p)]
            } else {
                Vec::new()
            };
        }
        let c = (level - 1.0) / self.amplitude;
        if c >= 1.0 {
            return Vec::new();
        }
        let half = p * c.acos() / TAU;
        let (a, b) = (self.peak_s - half, self.peak_s + half);
        let mut parts: Vec<(f64, f64)> = [(a - p, b - p), (a, b), (a + p, b + p)]
            .iter()
            .map(|&(x, y)| (x.max(0.0), y.min(p)))
            .filter(|(x, y)| y > x)
            .collect();
        parts.sort_by(|x, y| x.0.total_cmp(&y.0));
        let mut out = Vec::new();
        for part in parts {
            super::join(&mut out, part);
        }
        out
    }

    /// Λ within one period, x in [0, P].
    fn within(&self, x: f64) -> f64 {
        let k = self.amplitude * self.period_s / TAU;
        x + k * (self.phase(x).sin() - self.phase(0.0).sin())
    }

    pub fn cumulative(&self, t_s: f64) -> f64 {
        let periods = (t_s / self.period_s).floor();
        periods * self.period_s + self.within(t_s - periods * self.period_s)
    }

    /// The t with Λ(t) = u (Λ is strictly increasing: m vanishes at isolated instants).
    pub fn inverse(&self, u: f64) -> f64 {
        let periods = (u / self.period_s).floor();
        let rem = u - periods * self.period_s;
        let step = self.period_s / GRID as f64;
        let i = self.grid.partition_point(|g| *g <= rem).clamp(1, GRID) - 1;
        let (g0, g1) = (self.grid[i], self.grid[i + 1]);
        let (mut lo, mut hi) = (i as f64 * step, (i + 1) as f64 * step);
        let mut x = if g1 > g0 {
            lo + (rem - g0) / (g1 - g0) * step
        } else {
            lo
        };
        for _ in 0..100 {
            let f = self.within(x) - rem;
            if f == 0.0 {
                break;
            }
            if f > 0.0 {
                hi = x;
            } else {
                lo = x;
            }
            let slope = self.multiplier(x);
            let newton = x - f / slope;
            // A Newton step that lands on the bracket's edge is a converged one, not a
            // reason to bisect.
            let next = if slope > 0.0 && newton >= lo && newton <= hi {
                newton
            } else {
                (lo + hi) / 2.0
            };
            let moved = (next - x).abs();
            x = next;
            if moved < TOLERANCE_S || hi - lo < TOLERANCE_S {
                break;
            }
        }
        periods * self.period_s + x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_multiplier_peaks_at_peak_h_and_averages_one() {
        let s = Sinusoid::new(86_400.0, 0.6, 15.0);
        assert!((s.multiplier(15.0 * 3600.0) - 1.6).abs() < 1e-12);
        assert!((s.multiplier(3.0 * 3600.0) - 0.4).abs() < 1e-12);
        assert!((s.cumulative(86_400.0) - 86_400.0).abs() < 1e-9);
        assert!((s.cumulative(3.0 * 86_400.0) - 3.0 * 86_400.0).abs() < 1e-9);
    }

    #[test]
    fn inverse_undoes_cumulative_even_where_the_rate_touches_zero() {
        for amplitude in [0.0, 0.5, 1.0] {
            let s = Sinusoid::new(86_400.0, amplitude, 20.0);
            for k in 0..5000 {
                let u = k as f64 * 61.7;
                let t = s.inverse(u);
                assert!(
                    (s.cumulative(t) - u).abs() < 1e-6,
                    "a {amplitude} u {u} t {t}"
                );
            }
        }
        // With amplitude 1 the rate is 0 at 08:00, where Λ rises like (t − t₀)³·1e-9: a
        // rounding error of 1e-11 in u is worth ~0.2 s of t there (no arrival is likely
        // there anyway). The iteration must still converge, not wander off.
        let s = Sinusoid::new(86_400.0, 1.0, 20.0);
        let u = s.cumulative(8.0 * 3600.0);
        assert!((s.inverse(u) - 8.0 * 3600.0).abs() < 1.0);
    }
}
