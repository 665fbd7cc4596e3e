//! Simulated time as integer nanoseconds: the only place f64 seconds become time and back.
//!
//! Deliberately knows nothing else: no clocks, no calendars beyond the day length the
//! rate profiles need.

use std::fmt;
use std::ops::{Add, AddAssign, Sub};

/// Nanoseconds in one second.
pub const NANOS_PER_S: u64 = 1_000_000_000;
/// Nanoseconds in one hour.
pub const NANOS_PER_HOUR: u64 = 3_600 * NANOS_PER_S;
/// Nanoseconds in one day.
pub const NANOS_PER_DAY: u64 = 24 * NANOS_PER_HOUR;
/// The month used for `per_month` figures: 30 days.
pub const NANOS_PER_MONTH: u64 = 30 * NANOS_PER_DAY;

/// An instant of simulated time, in nanoseconds since the start of the replica.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimTime(pub u64);

/// A span of simulated time, in nanoseconds.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SimDuration(pub u64);

impl SimTime {
    pub const ZERO: SimTime = SimTime(0);
    pub const MAX: SimTime = SimTime(u64::MAX);

    pub fn from_secs_f64(s: f64) -> SimTime {
        SimTime(secs_to_nanos(s))
    }

    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_S as f64
    }

    /// Time elapsed since `earlier`; zero if `earlier` is later.
    pub fn since(self, earlier: SimTime) -> SimDuration {
        SimDuration(self.0.saturating_sub(earlier.0))
    }
}

impl SimDuration {
    pub const ZERO: SimDuration = SimDuration(0);

    pub fn from_secs_f64(s: f64) -> SimDuration {
        SimDuration(secs_to_nanos(s))
    }

    pub const fn from_secs(s: u64) -> SimDuration {
        SimDuration(s.saturating_mul(NANOS_PER_S))
    }

    pub fn as_secs_f64(self) -> f64 {
        self.0 as f64 / NANOS_PER_S as f64
    }

    /// Rounds up to a whole number of `granularity` (no rounding when it is zero).
    pub fn round_up_to(self, granularity: SimDuration) -> SimDuration {
        if granularity.0 == 0 {
            return self;
        }
        SimDuration(self.0.div_ceil(granularity.0).saturating_mul(granularity.0))
    }
}

/// Seconds to nanoseconds, rounded to the nearest nanosecond (halves away from zero) and
/// saturating at the ends (negative and NaN give 0), so that no sampled value can wrap
/// the clock.
///
/// Equal to `(s * 1e9).round()` for every input, without the libm call `round` is on
/// x86-64 without SSE4.1 (two per request): below 2^64 the truncation `t` is exact and so
/// is `ns - t`, and from 2^53 on every double is an integer (the fraction is 0).
#[inline]
fn secs_to_nanos(s: f64) -> u64 {
    const TWO_63: f64 = 9_223_372_036_854_775_808.0;
    let ns = s * NANOS_PER_S as f64;
    if ns.is_nan() || ns <= 0.0 {
        0
    } else if ns < TWO_63 {
        // Signed conversions are single instructions; every simulated time is here.
        let t = ns as i64;
        (t + (ns - t as f64 >= 0.5) as i64) as u64
    } else if ns >= u64::MAX as f64 {
        u64::MAX
    } else {
        // Integers from 2^53 on: nothing to round.
        ns as u64
    }
}

impl Add<SimDuration> for SimTime {
    type Output = SimTime;
    fn add(self, d: SimDuration) -> SimTime {
        SimTime(self.0.saturating_add(d.0))
    }
}

impl AddAssign<SimDuration> for SimTime {
    fn add_assign(&mut self, d: SimDuration) {
        self.0 = self.0.saturating_add(d.0);
    }
}

impl Sub<SimTime> for SimTime {
    type Output = SimDuration;
    fn sub(self, earlier: SimTime) -> SimDuration {
        self.since(earlier)
    }
}

impl Add for SimDuration {
    type Output = SimDuration;
    fn add(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_add(d.0))
    }
}

impl AddAssign for SimDuration {
    fn add_assign(&mut self, d: SimDuration) {
        self.0 = self.0.saturating_add(d.0);
    }
}

impl Sub for SimDuration {
    type Output = SimDuration;
    fn sub(self, d: SimDuration) -> SimDuration {
        SimDuration(self.0.saturating_sub(d.0))
    }
}

impl fmt::Display for SimTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}s", self.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seconds_round_to_the_nearest_nanosecond() {
        assert_eq!(
            SimDuration::from_secs_f64(3.0000000000004).0,
            3 * NANOS_PER_S
        );
        assert_eq!(SimDuration::from_secs_f64(1.5e-9).0, 2);
        assert_eq!(SimDuration::from_secs_f64(-1.0).0, 0);
        assert_eq!(SimDuration::from_secs_f64(f64::NAN).0, 0);
        assert_eq!(SimDuration::from_secs_f64(1e300).0, u64::MAX);
    }

    #[test]
    fn rounding_matches_f64_round_everywhere() {
        let reference = |s: f64| {
            let ns = (s * NANOS_PER_S as f64).round();
            if ns.is_nan() || ns <= 0.0 {
                0
            } else if ns >= u64::MAX as f64 {
                u64::MAX
            } else {
                ns as u64
            }
        };
        let mut cases = vec![
            0.0,
            -0.0,
            4e-10,
            5e-10,
            6e-10,
            1.5e-9,
            2.5e-9,
            0.1,
            86_400.0,
            1e300,
            -1.0,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
        ];
        // Around 2^52, 2^53, 2^63 and 2^64 nanoseconds.
        for bits in [52, 53, 63, 64] {
            let s = 2f64.powi(bits) / 1e9;
            cases.extend([
                s,
                s * (1.0 - f64::EPSILON),
                s * (1.0 + f64::EPSILON),
                s + 0.5e-9,
            ]);
        }
        // Halves, just-below-halves and large values across every magnitude.
        let mut x = 1e-10;
        while x < 1e12 {
            for k in [0.5, 1.5, 2.5, 1.0 / 3.0, 0.5 - f64::EPSILON / 4.0] {
                cases.push(x * k);
                cases.push(f64::from_bits((x * k).to_bits() + 1));
                cases.push(f64::from_bits((x * k).to_bits() - 1));
            }
            x *= 1.7;
        }
        // Arbitrary doubles of every exponent below 2^64 ns (xorshift64 bits).
        let mut bits = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..200_000 {
            bits ^= bits << 13;
            bits ^= bits >> 7;
            bits ^= bits << 17;
            cases.push(f64::from_bits(bits >> 2) % 2e10);
        }
        for s in cases {
            assert_eq!(secs_to_nanos(s), reference(s), "{s:e}");
        }
    }

    #[test]
    fn rounding_up_is_exact_integer_arithmetic() {
        let g = SimDuration::from_secs(60);
        assert_eq!(SimDuration(1).round_up_to(g), g);
        assert_eq!(g.round_up_to(g), g);
        assert_eq!(SimDuration(g.0 + 1).round_up_to(g).0, 2 * g.0);
        assert_eq!(SimDuration(7).round_up_to(SimDuration::ZERO).0, 7);
    }
}
