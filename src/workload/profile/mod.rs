//! Rate profiles: time-varying multipliers of an arrival rate (docs/semantics.md#arrivals), used by exact
//! inversion of the cumulative intensity Λ(t) = ∫₀ᵗ m(s) ds, never by discretising time.
//!
//! A process generates points in *operational time* u (where the rate is constant) and
//! maps each to real time with `inverse(u)`, the first t where Λ(t) > u. A Poisson
//! process stays Poisson, and `periodic` arrivals follow the profile exactly. Every kind
//! inverts in closed form except the sinusoid, which uses a safeguarded Newton iteration
//! on its monotone Λ.

mod piecewise;
mod sinusoid;
mod weekly;

pub use piecewise::{PiecewiseLinear, Window};
pub use sinusoid::Sinusoid;
pub use weekly::Weekly;

/// A rate profile: the multiplier m(t) ≥ 0 of an arrival process's base rate.
#[derive(Clone, Debug)]
pub enum RateProfile {
    /// `daily_windows` and `piecewise`: periodic, piecewise linear.
    DailyWindows(PiecewiseLinear),
    Piecewise(PiecewiseLinear),
    Sinusoid(Sinusoid),
    Weekly(Box<Weekly>),
}

impl RateProfile {
    /// m(t) at `t_s` seconds.
    pub fn multiplier(&self, t_s: f64) -> f64 {
        match self {
            RateProfile::DailyWindows(p) | RateProfile::Piecewise(p) => p.multiplier(t_s),
            RateProfile::Sinusoid(p) => p.multiplier(t_s),
            RateProfile::Weekly(p) => p.multiplier(t_s),
        }
    }

    /// Λ(t) = ∫₀ᵗ m(s) ds.
    pub fn cumulative(&self, t_s: f64) -> f64 {
        match self {
            RateProfile::DailyWindows(p) | RateProfile::Piecewise(p) => p.cumulative(t_s),
            RateProfile::Sinusoid(p) => p.cumulative(t_s),
            RateProfile::Weekly(p) => p.cumulative(t_s),
        }
    }

    /// The first real time t with Λ(t) > u (∞ if the profile is zero everywhere).
    #[inline]
    pub fn inverse(&self, u: f64) -> f64 {
        match self {
            RateProfile::DailyWindows(p) | RateProfile::Piecewise(p) => p.inverse(u),
            RateProfile::Sinusoid(p) => p.inverse(u),
            RateProfile::Weekly(p) => p.inverse(u),
        }
    }

    /// Mean multiplier over a period (the long-run rate factor).
    pub fn mean_multiplier(&self) -> f64 {
        match self {
            RateProfile::DailyWindows(p) | RateProfile::Piecewise(p) => {
                p.mass_per_period() / p.period_s()
            }
            RateProfile::Sinusoid(_) => 1.0,
            RateProfile::Weekly(p) => p.mean_multiplier(),
        }
    }

    /// The largest multiplier over a period.
    pub fn peak_multiplier(&self) -> f64 {
        match self {
            RateProfile::DailyWindows(p) | RateProfile::Piecewise(p) => p.peak(),
            RateProfile::Sinusoid(p) => p.peak(),
            RateProfile::Weekly(p) => p.peak(),
        }
    }

    /// The parts of one period `[0, period_s)` where m(t) > `level`, as `[start_s,
    /// end_s)` in order, touching parts joined; exact for every kind.
    pub fn above(&self, level: f64) -> Vec<(f64, f64)> {
        match self {
            RateProfile::DailyWindows(p) | RateProfile::Piecewise(p) => p.above(level),
            RateProfile::Sinusoid(p) => p.above(level),
            RateProfile::Weekly(p) => p.above(level),
        }
    }

    /// The period after which the profile repeats.
    pub fn period_s(&self) -> f64 {
        match self {
            RateProfile::DailyWindows(p) | RateProfile::Piecewise(p) => p.period_s(),
            RateProfile::Sinusoid(p) => p.period_s(),
            RateProfile::Weekly(_) => 7.0 * 86_400.0,
        }
    }
}

/// Appends `part` to ordered, disjoint parts, joining it to the last when they touch.
fn join(parts: &mut Vec<(f64, f64)>, part: (f64, f64)) {
    match parts.last_mut() {
        // A crossing computed on each side of a piece boundary may differ by rounding.
        Some(last) if part.0 <= last.1 + 1e-6 => last.1 = last.1.max(part.1),
        _ => parts.push(part),
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
        RateProfile::DailyWindows(PiecewiseLinear::daily_windows(&[w], 0.0))
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
        let p = RateProfile::DailyWindows(PiecewiseLinear::daily_windows(&ws, 0.25));
        for u in [0.0, 100.0, 20_000.0, 30_000.0, 50_000.0, 123_456.7] {
            let t = p.inverse(u);
            assert!((p.cumulative(t) - u).abs() < 1e-6, "u {u} t {t}");
        }
        assert_eq!(p.multiplier(10.0 * 3600.0), 2.0);
        assert_eq!(p.multiplier(12.5 * 3600.0), 0.25);
        assert_eq!(p.multiplier(86_400.0 + 14.0 * 3600.0), 1.5);
    }

    #[test]
    fn the_parts_above_a_level_join_where_windows_touch_and_wrap_per_kind() {
        let h = 3600.0;
        let w = |start_h, end_h, multiplier| Window {
            start_h,
            end_h,
            multiplier,
        };
        let p = RateProfile::DailyWindows(PiecewiseLinear::daily_windows(
            &[w(9.0, 12.0, 3.0), w(12.0, 14.0, 2.0), w(20.0, 21.0, 1.5)],
            0.5,
        ));
        assert_eq!(p.above(1.5), vec![(9.0 * h, 14.0 * h)]);
        assert_eq!(p.above(0.4), vec![(0.0, 86_400.0)]);
        assert_eq!(p.above(3.0), Vec::<(f64, f64)>::new());
        assert_eq!(p.peak_multiplier(), 3.0);
        // Amplitude 1 reaches 0 at the trough: above 0 everywhere but there.
        let s = RateProfile::Sinusoid(Sinusoid::new(86_400.0, 1.0, 12.0));
        assert_eq!(s.above(-0.1), vec![(0.0, 86_400.0)]);
        assert_eq!(s.above(2.0), Vec::<(f64, f64)>::new());
        let arc = s.above(1.0);
        assert!((arc[0].0 - 6.0 * h).abs() < 1e-6 && (arc[0].1 - 18.0 * h).abs() < 1e-6);
        // A weekly profile scales its day's level: Tuesday at 2 × the office hours.
        let office =
            RateProfile::DailyWindows(PiecewiseLinear::daily_windows(&[w(9.0, 17.0, 1.0)], 0.0));
        let week = RateProfile::Weekly(Box::new(Weekly::new(
            [1.0, 2.0, 1.0, 1.0, 1.0, 0.0, 0.0],
            Some(office),
        )));
        assert_eq!(week.above(1.5), vec![(33.0 * h, 41.0 * h)]);
        assert_eq!(week.peak_multiplier(), 2.0);
    }

    #[test]
    fn a_profile_that_is_zero_everywhere_never_fires() {
        let p = RateProfile::DailyWindows(PiecewiseLinear::daily_windows(&[], 0.0));
        assert!(p.inverse(0.0).is_infinite());
        let w = RateProfile::Weekly(Box::new(Weekly::new([0.0; 7], None)));
        assert!(w.inverse(5.0).is_infinite());
    }
}
