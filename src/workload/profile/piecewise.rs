//! Periodic, piecewise-linear multipliers: `daily_windows` (constant pieces) and
//! `piecewise` (linear interpolation between points), with Λ and its exact inverse in
//! closed form (a linear piece has a quadratic Λ).

/// One linear piece of a period: m goes from `m0` at `start_s` to `m1` at `end_s`.
#[derive(Clone, Debug, PartialEq)]
struct Piece {
    start_s: f64,
    end_s: f64,
    m0: f64,
    m1: f64,
    /// Λ from the start of the period to `start_s`.
    mass_before: f64,
}

impl Piece {
    fn len(&self) -> f64 {
        self.end_s - self.start_s
    }

    fn slope(&self) -> f64 {
        (self.m1 - self.m0) / self.len()
    }

    fn mass(&self) -> f64 {
        (self.m0 + self.m1) / 2.0 * self.len()
    }

    /// Λ from `start_s` to `start_s + x`.
    fn mass_to(&self, x: f64) -> f64 {
        if self.m0 == self.m1 {
            return self.m0 * x;
        }
        self.m0 * x + self.slope() * x * x / 2.0
    }

    /// The x with `mass_to(x) = r`, for 0 ≤ r < `mass()`.
    fn offset_of(&self, r: f64) -> f64 {
        if r <= 0.0 {
            return 0.0;
        }
        let x = if self.m0 == self.m1 {
            r / self.m0
        } else {
            // m0·x + s·x²/2 = r, in the form that cancels nothing for either sign of s.
            let disc = (self.m0 * self.m0 + 2.0 * self.slope() * r).max(0.0);
            2.0 * r / (self.m0 + disc.sqrt())
        };
        x.min(self.len())
    }
}

/// A daily window of activity: `[start_h, end_h)` at `multiplier`.
#[derive(Clone, Debug, PartialEq)]
pub struct Window {
    pub start_h: f64,
    pub end_h: f64,
    pub multiplier: f64,
}

/// A periodic, piecewise-linear multiplier with the cumulative mass of each piece.
#[derive(Clone, Debug)]
pub struct PiecewiseLinear {
    period_s: f64,
    pieces: Vec<Piece>,
    mass_per_period: f64,
}

impl PiecewiseLinear {
    /// Daily windows (validated: inside [0, 24], start < end, not overlapping) with
    /// `outside` everywhere else.
    pub fn daily_windows(windows: &[Window], outside: f64) -> PiecewiseLinear {
        let mut sorted: Vec<&Window> = windows.iter().collect();
        sorted.sort_by(|a, b| a.start_h.total_cmp(&b.start_h));
        let mut steps = Vec::new();
        let mut t = 0.0;
        for w in sorted {
            let (start, end) = (w.start_h * 3600.0, w.end_h * 3600.0);
            if start > t {
                steps.push((t, start, outside));
            }
            steps.push((start, end, w.multiplier));
            t = end;
        }
        if t < 86_400.0 {
            steps.push((t, 86_400.0, outside));
        }
        let pieces = steps.into_iter().map(|(s, e, m)| (s, e, m, m)).collect();
        PiecewiseLinear::new(86_400.0, pieces)
    }

    /// Linear interpolation between `(hour, multiplier)` points (validated: hours
    /// strictly increasing inside [0, period)), wrapping around the period.
    pub fn from_points(period_s: f64, points: &[(f64, f64)]) -> PiecewiseLinear {
        let first = points[0];
        let last = points[points.len() - 1];
        let (x0, xn) = (first.0 * 3600.0, last.0 * 3600.0);
        // The value where the period wraps, on the line from the last point to the first.
        let wrap_len = period_s - xn + x0;
        let at_wrap = last.1 + (first.1 - last.1) * (period_s - xn) / wrap_len;
        let mut pieces = Vec::new();
        if x0 > 0.0 {
            pieces.push((0.0, x0, at_wrap, first.1));
        }
        for pair in points.windows(2) {
            pieces.push((pair[0].0 * 3600.0, pair[1].0 * 3600.0, pair[0].1, pair[1].1));
        }
        pieces.push((xn, period_s, last.1, at_wrap));
        PiecewiseLinear::new(period_s, pieces)
    }

    fn new(period_s: f64, raw: Vec<(f64, f64, f64, f64)>) -> PiecewiseLinear {
        let mut pieces = Vec::with_capacity(raw.len());
        let mut mass = 0.0;
        for (start_s, end_s, m0, m1) in raw {
            let p = Piece {
                start_s,
                end_s,
                m0,
                m1,
                mass_before: mass,
            };
            mass += p.mass();
            pieces.push(p);
        }
        PiecewiseLinear {
            period_s,
            pieces,
            mass_per_period: mass,
        }
    }

    pub fn period_s(&self) -> f64 {
        self.period_s
    }

    pub fn mass_per_period(&self) -> f64 {
        self.mass_per_period
    }

    /// The largest multiplier (at a piece's end: the pieces are linear).
    pub fn peak(&self) -> f64 {
        self.pieces
            .iter()
            .map(|p| p.m0.max(p.m1))
            .fold(0.0, f64::max)
    }

    /// The parts of one period where m(t) > `level`, as `[start_s, end_s)` in order
    /// (touching parts joined): exact, each linear piece crosses a level at most once.
    pub fn above(&self, level: f64) -> Vec<(f64, f64)> {
        let mut out = Vec::new();
        for p in &self.pieces {
            let cross = || p.start_s + (level - p.m0) / (p.m1 - p.m0) * p.len();
            let part = match (p.m0 > level, p.m1 > level) {
                (true, true) => Some((p.start_s, p.end_s)),
                (true, false) => Some((p.start_s, cross())),
                (false, true) => Some((cross(), p.end_s)),
                (false, false) => None,
            };
            if let Some(part) = part.filter(|(a, b)| b > a) {
                super::join(&mut out, part);
            }
        }
        out
    }

    fn piece_at(&self, x: f64) -> &Piece {
        let i = self.pieces.partition_point(|p| p.end_s <= x);
        &self.pieces[i.min(self.pieces.len() - 1)]
    }

    pub fn multiplier(&self, t_s: f64) -> f64 {
        let x = t_s.rem_euclid(self.period_s);
        let p = self.piece_at(x);
        p.m0 + (p.m1 - p.m0) * (x - p.start_s) / p.len()
    }

    pub fn cumulative(&self, t_s: f64) -> f64 {
        let periods = (t_s / self.period_s).floor();
        let x = t_s - periods * self.period_s;
        let p = self.piece_at(x);
        periods * self.mass_per_period + p.mass_before + p.mass_to((x - p.start_s).min(p.len()))
    }

    /// The first t with Λ(t) > u.
    pub fn inverse(&self, u: f64) -> f64 {
        if self.mass_per_period <= 0.0 {
            return f64::INFINITY;
        }
        let periods = (u / self.mass_per_period).floor();
        self.locate(periods, u - periods * self.mass_per_period)
    }

    fn locate(&self, periods: f64, rem: f64) -> f64 {
        let i = self
            .pieces
            .partition_point(|p| p.mass_before + p.mass() <= rem);
        match self.pieces.get(i) {
            Some(p) => periods * self.period_s + p.start_s + p.offset_of(rem - p.mass_before),
            // Rounding left `rem` a hair past the period's mass: the next period's first
            // point (found, since the period has mass).
            None => self.locate(periods + 1.0, 0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn points_interpolate_linearly_and_wrap_around_the_period() {
        // 0.5 at 06:00, 2 at 18:00: rises through the day, falls through the night.
        let p = PiecewiseLinear::from_points(86_400.0, &[(6.0, 0.5), (18.0, 2.0)]);
        assert!((p.multiplier(12.0 * 3600.0) - 1.25).abs() < 1e-12);
        assert!(
            (p.multiplier(0.0) - 1.25).abs() < 1e-12,
            "midnight is halfway back"
        );
        assert!((p.multiplier(21.0 * 3600.0) - 1.625).abs() < 1e-12);
        assert!((p.multiplier(86_400.0 + 6.0 * 3600.0) - 0.5).abs() < 1e-12);
        // The mean of a periodic linear interpolation is the mean of the trapezoids: 1.25.
        assert!((p.mass_per_period() / 86_400.0 - 1.25).abs() < 1e-12);
    }

    #[test]
    fn the_inverse_of_a_quadratic_cumulative_is_exact() {
        let p =
            PiecewiseLinear::from_points(7200.0, &[(0.0, 0.0), (0.5, 3.0), (1.0, 0.0), (1.5, 1.0)]);
        for k in 0..2000 {
            let u = k as f64 * 7.3;
            let t = p.inverse(u);
            assert!((p.cumulative(t) - u).abs() < 1e-7, "u {u} t {t}");
        }
        // Λ is zero at t = 0 and grows from 0: the first instant with Λ > 0 is 0.
        assert_eq!(p.inverse(0.0), 0.0);
    }

    #[test]
    fn a_single_point_is_a_constant() {
        let p = PiecewiseLinear::from_points(86_400.0, &[(5.0, 2.0)]);
        assert_eq!(p.multiplier(123.0), 2.0);
        assert!((p.inverse(1000.0) - 500.0).abs() < 1e-9);
    }
}
