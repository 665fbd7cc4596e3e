//! A scalar across seeds: mean, spread, and the 95% t-interval of the mean.

use serde::Serialize;
use statrs::distribution::{ContinuousCDF, StudentsT};

/// `{mean, std, ci95, min, p5, p50, p95, max}` over replicas (docs/semantics.md#metrics). `std` and `ci95`
/// are `None` with a single seed; `ci95` is the half-width of the 95% t-interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Stat {
    pub mean: f64,
    pub std: Option<f64>,
    pub ci95: Option<f64>,
    pub min: f64,
    pub p5: f64,
    pub p50: f64,
    pub p95: f64,
    pub max: f64,
}

impl Stat {
    /// The Stat of `values` in replica order over the seeds where the value is defined:
    /// a non-finite value (a ratio with a zero denominator, such as a cost per request in a
    /// seed that completed nothing) is left out, so one empty seed does not blank the
    /// figure of all the others. `None` if no seed defines it.
    pub fn of(values: &[f64]) -> Option<Stat> {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let values = finite.as_slice();
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        let mean = values.iter().sum::<f64>() / n;
        let (std, ci95) = if values.len() > 1 {
            let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
            let std = var.sqrt();
            let t = StudentsT::new(0.0, 1.0, n - 1.0)
                .expect("df >= 1")
                .inverse_cdf(0.975);
            (Some(std), Some(t * std / n.sqrt()))
        } else {
            (None, None)
        };
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        Some(Stat {
            mean,
            std,
            ci95,
            min: sorted[0],
            p5: quantile_sorted(&sorted, 0.05),
            p50: quantile_sorted(&sorted, 0.50),
            p95: quantile_sorted(&sorted, 0.95),
            max: sorted[sorted.len() - 1],
        })
    }
}

/// The q-quantile of sorted values by linear interpolation between order statistics
/// (Hyndman–Fan type 7, the default of R and NumPy).
pub fn quantile_sorted(sorted: &[f64], q: f64) -> f64 {
    let h = (sorted.len() - 1) as f64 * q;
    let lo = h.floor() as usize;
    let hi = h.ceil() as usize;
    sorted[lo] + (h - lo as f64) * (sorted[hi] - sorted[lo])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_uses_the_t_interval() {
        let s = Stat::of(&[1.0, 2.0, 3.0, 4.0]).unwrap();
        assert_eq!(s.mean, 2.5);
        let std = (5.0f64 / 3.0).sqrt();
        assert!((s.std.unwrap() - std).abs() < 1e-12);
        // t(0.975, 3) = 3.182446305...
        assert!((s.ci95.unwrap() - 3.182_446_305 * std / 2.0).abs() < 1e-6);
        assert_eq!((s.min, s.p50, s.max), (1.0, 2.5, 4.0));
        assert!((s.p5 - 1.15).abs() < 1e-12);
    }

    #[test]
    fn one_seed_has_no_spread_and_non_finite_values_give_none() {
        let s = Stat::of(&[7.0]).unwrap();
        assert_eq!((s.std, s.ci95, s.p95), (None, None, 7.0));
        assert_eq!(
            Stat::of(&[1.0, f64::NAN, 3.0]).unwrap().mean,
            2.0,
            "undefined seeds are left out"
        );
        assert!(Stat::of(&[f64::NAN, f64::INFINITY]).is_none());
        assert!(Stat::of(&[]).is_none());
    }
}
