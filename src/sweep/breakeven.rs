//! Break-even: where two platforms' mean monthly costs cross along one parameter, with
//! a 95% confidence interval.
//!
//! The crossing is that of the mean cost-difference curve D(x) = mean(A) − mean(B),
//! linearly interpolated between the first two grid points where D changes sign (or at a
//! point where D is exactly 0). Every point runs the same seeds on common random
//! numbers, so each seed r gives a paired difference d_r, and D(x̂) = 0 at the crossing
//! x̂. The interval is the delta method on those pairs: the t-interval of the per-seed
//! differences interpolated at x̂, divided by the slope of D there:
//! x̂ ± t₀.₉₇₅,ₙ₋₁ · sd(d_r(x̂)) / √n / |D′|. Deterministic workloads give a zero-width
//! interval; one seed gives none. Interpolation error between grid points is not in the
//! interval: a finer grid removes it.

use serde::Serialize;

use super::PointReport;
use crate::metrics::Stat;

/// Where the curves cross, with its 95% CI (`None` with a single seed or a flat curve).
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Crossing {
    pub value: f64,
    pub ci95: Option<[f64; 2]>,
}

/// The outcome of a break-even search. "No crossing in range" is a result, not an error.
#[derive(Clone, Debug, PartialEq)]
pub enum BreakEven {
    Found {
        crossing: Crossing,
        /// The grid values that bracket it.
        bracket: [f64; 2],
        /// Whether A is the cheaper one below the crossing.
        a_cheaper_below: bool,
        /// Sign changes of the mean difference over the whole grid (the first is reported).
        crossings: usize,
    },
    NotFound {
        /// Whether A is cheaper everywhere (else B is, or they are equal everywhere).
        a_cheaper: Option<bool>,
        /// Smallest and largest |mean(A) − mean(B)| over the grid.
        gap_usd_per_month: [f64; 2],
    },
}

/// Finds the crossing of platforms `a` and `b` (indices in each point) along `xs`.
pub fn find(points: &[PointReport], xs: &[f64], a: usize, b: usize) -> BreakEven {
    // Per point, each seed's cost difference A − B (paired by the common random numbers).
    let diffs: Vec<Vec<f64>> = points
        .iter()
        .map(|p| {
            let pairs = p.seed_costs[a].iter().zip(&p.seed_costs[b]);
            pairs.map(|(ca, cb)| ca - cb).collect()
        })
        .collect();
    let big_d: Vec<f64> = diffs
        .iter()
        .map(|d| d.iter().sum::<f64>() / d.len() as f64)
        .collect();
    let first = (0..big_d.len()).find(|&i| {
        big_d[i] == 0.0 || (i + 1 < big_d.len() && sgn(big_d[i]) * sgn(big_d[i + 1]) < 0)
    });
    match first {
        None => not_found(&big_d),
        Some(i) => found(&diffs, &big_d, xs, i),
    }
}

fn not_found(big_d: &[f64]) -> BreakEven {
    let gaps = big_d.iter().map(|d| d.abs());
    let lo = gaps.clone().fold(f64::INFINITY, f64::min);
    let hi = gaps.fold(0.0, f64::max);
    let a_cheaper = match big_d.first() {
        Some(d) if *d < 0.0 => Some(true),
        Some(d) if *d > 0.0 => Some(false),
        _ => None,
    };
    BreakEven::NotFound {
        a_cheaper,
        gap_usd_per_month: [lo, hi],
    }
}

/// The crossing at point `i` (D = 0 there) or between `i` and `i + 1` (D changes sign).
fn found(diffs: &[Vec<f64>], big_d: &[f64], xs: &[f64], i: usize) -> BreakEven {
    // The interval [j, j + 1] the crossing lies in (the last one when it is the last point).
    let j = if i + 1 < big_d.len() {
        i
    } else {
        i.saturating_sub(1)
    };
    let k = (j + 1).min(big_d.len() - 1);
    let (x0, x1, d0, d1) = (xs[j], xs[k], big_d[j], big_d[k]);
    let w = match (big_d[i] == 0.0, i == j) {
        (true, true) => 0.0,
        (true, false) => 1.0,
        (false, _) => d0 / (d0 - d1),
    };
    let value = x0 + w * (x1 - x0);
    let slope = if x1 > x0 { (d1 - d0) / (x1 - x0) } else { 0.0 };
    // Each seed's difference interpolated at the crossing: their mean is 0 there.
    let at_crossing: Vec<f64> = diffs[j]
        .iter()
        .zip(&diffs[k])
        .map(|(e0, e1)| (1.0 - w) * e0 + w * e1)
        .collect();
    let ci95 = Stat::of(&at_crossing)
        .and_then(|s| s.ci95)
        .filter(|_| slope != 0.0)
        .map(|half| [value - half / slope.abs(), value + half / slope.abs()]);
    let signs: Vec<i8> = big_d.iter().map(|&d| sgn(d)).filter(|&s| s != 0).collect();
    let flips = signs.windows(2).filter(|w| w[0] != w[1]).count();
    BreakEven::Found {
        crossing: Crossing { value, ci95 },
        bracket: [x0, x1],
        a_cheaper_below: if d0 != 0.0 { d0 < 0.0 } else { d1 > 0.0 },
        crossings: flips.max(1),
    }
}

impl BreakEven {
    pub fn crossing(&self) -> Option<Crossing> {
        match self {
            BreakEven::Found { crossing, .. } => Some(*crossing),
            BreakEven::NotFound { .. } => None,
        }
    }

    /// One sentence for humans.
    pub fn message(&self, parameter: &str, a: &str, b: &str, range: [f64; 2]) -> String {
        match self {
            BreakEven::Found {
                crossing,
                a_cheaper_below,
                crossings,
                ..
            } => {
                let (below, above) = if *a_cheaper_below { (a, b) } else { (b, a) };
                let ci = crossing.ci95.map_or(String::new(), |[lo, hi]| {
                    format!(" (95% CI {} to {})", num(lo), num(hi))
                });
                let more = if *crossings > 1 {
                    format!("; the mean curves cross {crossings} times in range, this is the first")
                } else {
                    String::new()
                };
                format!(
                    "{a} and {b} cost the same at {parameter} = {}{ci}: {below} is cheaper below, {above} above{more}",
                    num(crossing.value)
                )
            }
            BreakEven::NotFound {
                a_cheaper,
                gap_usd_per_month: [lo, hi],
            } => {
                let span = format!("{parameter} in [{}, {}]", num(range[0]), num(range[1]));
                match a_cheaper {
                    Some(a_wins) => {
                        let (cheap, dear) = if *a_wins { (a, b) } else { (b, a) };
                        format!(
                            "no crossing: {cheap} is cheaper than {dear} for every {span}, by ${lo:.2} to ${hi:.2} per month"
                        )
                    }
                    None => format!("no crossing: {a} and {b} cost the same at every {span}"),
                }
            }
        }
    }
}

fn sgn(x: f64) -> i8 {
    if x > 0.0 {
        1
    } else if x < 0.0 {
        -1
    } else {
        0
    }
}

/// A parameter value with up to 4 decimals, trailing zeros dropped.
fn num(x: f64) -> String {
    let s = format!("{x:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" { "0".into() } else { s.to_string() }
}

/// What `breakeven` reports (docs/guide.md): `{parameter, between, crossing, points}`.
#[derive(Clone, Debug, Serialize)]
pub struct BreakEvenReport {
    pub servsim_version: &'static str,
    pub scenario: String,
    pub seed: u64,
    pub seeds: u32,
    pub parameter: String,
    pub between: [String; 2],
    pub crossing: Option<Crossing>,
    /// The grid values bracketing the crossing (null without one).
    pub bracket: Option<[f64; 2]>,
    pub message: String,
    pub points: Vec<PointReport>,
}

impl BreakEvenReport {
    /// An empty report comparing `between` along `parameter`.
    pub fn new(
        scenario: &str,
        seed: u64,
        seeds: u32,
        parameter: &str,
        between: [String; 2],
    ) -> BreakEvenReport {
        BreakEvenReport {
            servsim_version: env!("CARGO_PKG_VERSION"),
            scenario: scenario.to_string(),
            seed,
            seeds,
            parameter: parameter.to_string(),
            between,
            crossing: None,
            bracket: None,
            message: String::new(),
            points: Vec::new(),
        }
    }

    /// Adds the next finished point (`xs` are the values of every grid point) and searches
    /// the curves so far again.
    pub fn push(&mut self, point: PointReport, xs: &[f64]) {
        self.points.push(point);
        let n = self.points.len();
        let found = find(&self.points, &xs[..n], 0, 1);
        self.crossing = found.crossing();
        self.bracket = match &found {
            BreakEven::Found { bracket, .. } => Some(*bracket),
            BreakEven::NotFound { .. } => None,
        };
        let [a, b] = &self.between;
        self.message = found.message(&self.parameter, a, b, [xs[0], xs[n - 1]]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sweep::PointValues;

    fn point(a: &[f64], b: &[f64]) -> PointReport {
        PointReport {
            values: PointValues(vec![]),
            platforms: vec![],
            cheapest_meeting_slo: None,
            seed_costs: vec![a.to_vec(), b.to_vec()],
            targets: Default::default(),
        }
    }

    #[test]
    fn straight_lines_cross_where_algebra_says() {
        // A = 100 x, B = 1000: crossing at 10, same for every seed (zero-width CI).
        let xs = [0.0, 4.0, 8.0, 12.0, 16.0];
        let points: Vec<_> = xs
            .iter()
            .map(|x| point(&[100.0 * x; 3], &[1000.0; 3]))
            .collect();
        let r = find(&points, &xs, 0, 1);
        let c = r.crossing().unwrap();
        assert!((c.value - 10.0).abs() < 1e-12);
        assert_eq!(c.ci95, Some([c.value, c.value]));
        assert!(matches!(
            r,
            BreakEven::Found {
                a_cheaper_below: true,
                bracket: [8.0, 12.0],
                crossings: 1,
                ..
            }
        ));
    }

    #[test]
    fn the_interval_is_the_seed_spread_over_the_slope() {
        // Seeds differ by a constant offset ±5 in A; slope of D is 100 per unit.
        let xs = [0.0, 10.0];
        let points = vec![
            point(&[-5.0, 5.0], &[500.0, 500.0]),
            point(&[995.0, 1005.0], &[500.0, 500.0]),
        ];
        let c = find(&points, &xs, 0, 1).crossing().unwrap();
        assert!((c.value - 5.0).abs() < 1e-12);
        // sd of (-5, 5) is √50; t(0.975, 1) = 12.706204736.
        let half = 12.706_204_736 * 50f64.sqrt() / 2f64.sqrt() / 100.0;
        let [lo, hi] = c.ci95.unwrap();
        assert!((hi - c.value - half).abs() < 1e-6, "{lo} {hi} vs ±{half}");
    }

    #[test]
    fn no_crossing_says_who_is_cheaper_and_by_how_much() {
        let xs = [1.0, 2.0];
        let points = vec![point(&[10.0], &[100.0]), point(&[20.0], &[100.0])];
        let r = find(&points, &xs, 0, 1);
        assert_eq!(
            r,
            BreakEven::NotFound {
                a_cheaper: Some(true),
                gap_usd_per_month: [80.0, 90.0]
            }
        );
        let m = r.message("h", "A", "B", [1.0, 2.0]);
        assert_eq!(
            m,
            "no crossing: A is cheaper than B for every h in [1, 2], by $80.00 to $90.00 per month"
        );
    }

    #[test]
    fn an_exact_tie_at_a_grid_point_is_the_crossing() {
        let xs = [0.0, 1.0, 2.0];
        let points = vec![
            point(&[1.0], &[3.0]),
            point(&[3.0], &[3.0]),
            point(&[5.0], &[3.0]),
        ];
        let r = find(&points, &xs, 0, 1);
        assert_eq!(r.crossing().unwrap().value, 1.0);
        assert_eq!(r.crossing().unwrap().ci95, None, "one seed: no interval");
    }
}
