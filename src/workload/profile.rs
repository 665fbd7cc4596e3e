//! Rate profiles: time-varying multipliers of an arrival rate (SPEC §2.2), used by exact
//! inversion of the cumulative intensity Λ(t) = ∫₀ᵗ m(s) ds, never by discretising time.
//!
//! A process generates points in *operational time* u (where the rate is constant) and
//! maps each to real time with `inverse(u)`, the first t where Λ(t) > u. A Poisson
//! process stays Poisson, and `periodic` arrivals follow the profile exactly.

/// One piece of a periodic, piecewise-constant multiplier.
#[derive(Clone, Debug, PartialEq)]
pub struct Segment {
    pub start_s: f64,
    pub end_s: f64,
    pub multiplier: f64,
}

/// A daily window of activity: `[start_h, end_h)` at `multiplier`.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    pub start_h: f64,
    pub end_h: f64,
    pub multiplier: f64,
}

/// A periodic, piecewise-constant multiplier with its cumulative masses precomputed.
#[derive(Clone, Debug)]
pub struct PiecewiseConstant {
    period_s: f64,
    segments: Vec<Segment>,
    /// Λ over one whole period.
    mass_per_period: f64,
}

impl PiecewiseConstant {
    /// Daily windows (validated: inside [0, 24], start < end, not overlapping) with
    /// `outside` everywhere else.
    pub fn daily_windows(windows: &[Window], outside: f64) -> PiecewiseConstant {
        let mut sorted: Vec<&Window> = windows.iter().collect();
        sorted.sort_by(|a, b| a.start_h.total_cmp(&b.start_h));
        let mut segments = Vec::new();
        let mut t = 0.0;
        for w in sorted {
            let (start, end) = (w.start_h * 3600.0, w.end_h * 3600.0);
            if start > t {
                segments.push(Segment {
                    start_s: t,
                    end_s: start,
                    multiplier: outside,
                });
            }
            segments.push(Segment {
                start_s: start,
                end_s: end,
                multiplier: w.multiplier,
            });
            t = end;
        }
        if t < 86_400.0 {
            segments.push(Segment {
                start_s: t,
                end_s: 86_400.0,
                multiplier: outside,
            });
        }
        PiecewiseConstant::new(86_400.0, segments)
    }

    fn new(period_s: f64, segments: Vec<Segment>) -> PiecewiseConstant {
        let mass_per_period = segments
            .iter()
            .map(|s| (s.end_s - s.start_s) * s.multiplier)
            .sum();
        PiecewiseConstant {
            period_s,
            segments,
            mass_per_period,
        }
    }

    fn multiplier(&self, t_s: f64) -> f64 {
        let x = t_s.rem_euclid(self.period_s);
        self.segments
            .iter()
            .find(|s| x >= s.start_s && x < s.end_s)
            .map_or(0.0, |s| s.multiplier)
    }

    fn cumulative(&self, t_s: f64) -> f64 {
        let periods = (t_s / self.period_s).floor();
        let x = t_s - periods * self.period_s;
        let within: f64 = self
            .segments
            .iter()
            .map(|s| (x.min(s.end_s) - s.start_s).max(0.0) * s.multiplier)
            .sum();
        periods * self.mass_per_period + within
    }

    fn inverse(&self, u: f64) -> f64 {
        if self.mass_per_period <= 0.0 {
            return f64::INFINITY;
        }
        let periods = (u / self.mass_per_period).floor();
        let mut rem = u - periods * self.mass_per_period;
        let base = periods * self.period_s;
        for seg in &self.segments {
            let mass = (seg.end_s - seg.start_s) * seg.multiplier;
            if rem < mass {
                return base + seg.start_s + rem / seg.multiplier;
            }
            rem -= mass;
        }
        // Rounding left `rem` a hair past the period's mass: the next period's first point.
        self.inverse((periods + 1.0) * self.mass_per_period)
    }
}

/// A rate profile: the multiplier m(t) ≥ 0 of an arrival process's base rate.
#[derive(Clone, Debug)]
pub enum RateProfile {
    DailyWindows(PiecewiseConstant),
}

impl RateProfile {
    /// m(t) at `t_s` seconds.
    pub fn multiplier(&self, t_s: f64) -> f64 {
        match self {
            RateProfile::DailyWindows(p) => p.multiplier(t_s),
        }
    }

    /// Λ(t) = ∫₀ᵗ m(s) ds.
    pub fn cumulative(&self, t_s: f64) -> f64 {
        match self {
            RateProfile::DailyWindows(p) => p.cumulative(t_s),
        }
    }

    /// The first real time t with Λ(t) > u (∞ if the profile is zero everywhere).
    pub fn inverse(&self, u: f64) -> f64 {
        match self {
            RateProfile::DailyWindows(p) => p.inverse(u),
        }
    }

    /// Mean multiplier over a period (the long-run rate factor).
    pub fn mean_multiplier(&self) -> f64 {
        match self {
            RateProfile::DailyWindows(p) => p.mass_per_period / p.period_s,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn two_hours_a_day() -> RateProfile {
        let w = Window {
            start_h: 0.0,
            end_h: 2.0,
            multiplier: 1.0,
        };
        RateProfile::DailyWindows(PiecewiseConstant::daily_windows(&[w], 0.0))
    }

    #[test]
    fn inverse_maps_operational_time_into_the_windows() {
        let p = two_hours_a_day();
        assert_eq!(p.inverse(0.0), 0.0);
        assert_eq!(p.inverse(7199.0), 7199.0);
        // The 7200th second of work is the first instant of the next day's window.
        assert_eq!(p.inverse(7200.0), 86_400.0);
        assert_eq!(p.inverse(7200.0 * 29.0 + 10.0), 86_400.0 * 29.0 + 10.0);
        assert_eq!(p.mean_multiplier(), 2.0 / 24.0);
    }

    #[test]
    fn cumulative_and_inverse_agree_with_gaps_and_outside_rate() {
        let ws = [
            Window {
                start_h: 9.0,
                end_h: 12.0,
                multiplier: 2.0,
            },
            Window {
                start_h: 13.0,
                end_h: 17.0,
                multiplier: 1.5,
            },
        ];
        let p = RateProfile::DailyWindows(PiecewiseConstant::daily_windows(&ws, 0.25));
        for u in [0.0, 100.0, 20_000.0, 30_000.0, 50_000.0, 123_456.7] {
            let t = p.inverse(u);
            assert!((p.cumulative(t) - u).abs() < 1e-6, "u {u} t {t}");
        }
        assert_eq!(p.multiplier(10.0 * 3600.0), 2.0);
        assert_eq!(p.multiplier(12.5 * 3600.0), 0.25);
        assert_eq!(p.multiplier(86_400.0 + 14.0 * 3600.0), 1.5);
    }

    #[test]
    fn a_profile_that_is_zero_everywhere_never_fires() {
        let p = RateProfile::DailyWindows(PiecewiseConstant::daily_windows(&[], 0.0));
        assert!(p.inverse(0.0).is_infinite());
    }
}
