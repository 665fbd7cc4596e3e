//! A weekly profile: a multiplier per day of the week times an inner daily profile.
//! t = 0 is Monday 00:00 (the week of `day_multipliers` starts on Monday).

use super::RateProfile;

const DAY_S: f64 = 86_400.0;
const WEEK_S: f64 = 7.0 * DAY_S;

#[derive(Clone, Debug)]
pub struct Weekly {
    days: [f64; 7],
    /// A profile with a period of one day (validated); `None` is a flat 1.
    inner: Option<RateProfile>,
    /// Λ of the inner profile over one day.
    inner_mass: f64,
    /// Λ from Monday 00:00 to the start of each day.
    before_day: [f64; 7],
    mass_per_week: f64,
}

impl Weekly {
    pub fn new(days: [f64; 7], inner: Option<RateProfile>) -> Weekly {
        let inner_mass = inner.as_ref().map_or(DAY_S, |p| p.cumulative(DAY_S));
        let mut before_day = [0.0; 7];
        let mut mass = 0.0;
        for (i, d) in days.iter().enumerate() {
            before_day[i] = mass;
            mass += d * inner_mass;
        }
        Weekly {
            days,
            inner,
            inner_mass,
            before_day,
            mass_per_week: mass,
        }
    }

    pub fn mean_multiplier(&self) -> f64 {
        self.mass_per_week / WEEK_S
    }

    pub fn peak(&self) -> f64 {
        let inner = self
            .inner
            .as_ref()
            .map_or(1.0, RateProfile::peak_multiplier);
        self.days.iter().fold(0.0, |m, d| m.max(d * inner))
    }

    /// The parts of the week where m(t) > `level`: each day's parts of its inner profile
    /// above `level` ÷ the day's multiplier.
    pub fn above(&self, level: f64) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        for (i, &d) in self.days.iter().enumerate() {
            if d <= 0.0 || d <= level && self.inner.is_none() {
                continue;
            }
            let parts = match &self.inner {
                Some(p) => p.above(level / d),
                None => vec![(0.0, DAY_S)],
            };
            for (a, b) in parts {
                super::join(&mut out, (a + i as f64 * DAY_S, b + i as f64 * DAY_S));
            }
        }
        out
    }

    fn inner_multiplier(&self, t_s: f64) -> f64 {
        self.inner.as_ref().map_or(1.0, |p| p.multiplier(t_s))
    }

    fn inner_cumulative(&self, x: f64) -> f64 {
        self.inner.as_ref().map_or(x, |p| p.cumulative(x))
    }

    fn inner_inverse(&self, r: f64) -> f64 {
        self.inner.as_ref().map_or(r, |p| p.inverse(r))
    }

    fn day_of(t_s: f64) -> usize {
        ((t_s.rem_euclid(WEEK_S) / DAY_S) as usize).min(6)
    }

    pub fn multiplier(&self, t_s: f64) -> f64 {
        self.days[Weekly::day_of(t_s)] * self.inner_multiplier(t_s)
    }

    pub fn cumulative(&self, t_s: f64) -> f64 {
        let weeks = (t_s / WEEK_S).floor();
        let x = t_s - weeks * WEEK_S;
        let day = ((x / DAY_S) as usize).min(6);
        let y = x - day as f64 * DAY_S;
        weeks * self.mass_per_week
            + self.before_day[day]
            + self.days[day] * self.inner_cumulative(y)
    }

    /// The first t with Λ(t) > u.
    pub fn inverse(&self, u: f64) -> f64 {
        if self.mass_per_week <= 0.0 {
            return f64::INFINITY;
        }
        let weeks = (u / self.mass_per_week).floor();
        let rem = u - weeks * self.mass_per_week;
        let day_end = |i: usize| self.before_day[i] + self.days[i] * self.inner_mass;
        let Some(day) = (0..7).find(|&i| day_end(i) > rem) else {
            // Rounding left `rem` a hair past the week's mass.
            return self.first_from(weeks + 1.0, 0);
        };
        let y = self.inner_inverse((rem - self.before_day[day]) / self.days[day]);
        if y >= DAY_S {
            // Rounding pushed past the day's last point.
            return self.first_from(weeks, day + 1);
        }
        weeks * WEEK_S + day as f64 * DAY_S + y
    }

    /// The first instant with a positive rate from day `day` of week `weeks` on (there is
    /// one: the week has mass).
    fn first_from(&self, weeks: f64, day: usize) -> f64 {
        match (day..7).find(|&i| self.days[i] > 0.0) {
            Some(i) => weeks * WEEK_S + i as f64 * DAY_S + self.inner_inverse(0.0),
            None => self.first_from(weeks + 1.0, 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::workload::profile::{PiecewiseLinear, Window};

    #[test]
    fn weekdays_and_weekends_scale_the_daily_profile() {
        let office = PiecewiseLinear::daily_windows(
            &[Window {
                start_h: 9.0,
                end_h: 17.0,
                multiplier: 1.0,
            }],
            0.0,
        );
        let w = Weekly::new(
            [1.0, 1.0, 1.0, 1.0, 2.0, 0.0, 0.0],
            Some(RateProfile::DailyWindows(office)),
        );
        // Friday (day 4) 10:00 is at double rate; Saturday at 10:00 is closed.
        assert_eq!(w.multiplier(4.0 * DAY_S + 10.0 * 3600.0), 2.0);
        assert_eq!(w.multiplier(5.0 * DAY_S + 10.0 * 3600.0), 0.0);
        // 6 day-equivalents of 8 h a week.
        assert!((w.mean_multiplier() - 6.0 * 8.0 / 168.0).abs() < 1e-12);
        // The first point of the second week is Monday 09:00 of week two.
        assert_eq!(w.inverse(6.0 * 8.0 * 3600.0), WEEK_S + 9.0 * 3600.0);
        for k in 0..3000 {
            let u = k as f64 * 97.1;
            let t = w.inverse(u);
            assert!((w.cumulative(t) - u).abs() < 1e-6, "u {u} t {t}");
            assert!(w.multiplier(t) > 0.0, "an arrival at a closed time {t}");
        }
    }

    #[test]
    fn without_an_inner_profile_each_day_is_flat() {
        let w = Weekly::new([0.0, 0.0, 3.0, 0.0, 0.0, 0.0, 0.0], None);
        assert_eq!(w.inverse(0.0), 2.0 * DAY_S);
        assert_eq!(w.inverse(3.0 * DAY_S), WEEK_S + 2.0 * DAY_S);
        assert!((w.inverse(1.5 * DAY_S) - 2.5 * DAY_S).abs() < 1e-9);
    }
}
