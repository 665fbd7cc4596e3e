//! Random durations and quantities: the one distribution grammar used for service demand,
//! cold starts and provisioning delays (SPEC §2.3).
//!
//! Deliberately does not parse anything; `scenario` builds these from validated numbers.

use rand::Rng;
use rand_distr::{Distribution, Exp, LogNormal};

use crate::random::SimRng;
use crate::time::SimDuration;

/// A distribution over non-negative values (seconds, or counts for tokens).
#[derive(Clone, Debug)]
pub enum Dist {
    Constant { value: f64 },
    Exponential { mean: f64, exp: Exp<f64> },
    LogNormal { mean: f64, dist: LogNormal<f64> },
}

impl Dist {
    pub fn constant(value: f64) -> Dist {
        Dist::Constant { value }
    }

    /// Exponential with the given mean (> 0).
    pub fn exponential(mean: f64) -> Dist {
        Dist::Exponential {
            mean,
            exp: Exp::new(1.0 / mean).expect("mean validated > 0"),
        }
    }

    /// Log-normal from its mean and coefficient of variation (SPEC §10.5):
    /// σ² = ln(1 + cv²), μ = ln(mean) − σ²/2.
    pub fn lognormal_mean_cv(mean: f64, cv: f64) -> Dist {
        let sigma2 = (1.0 + cv * cv).ln();
        Dist::lognormal_mu_sigma(mean.ln() - sigma2 / 2.0, sigma2.sqrt())
    }

    /// Log-normal from the parameters of the underlying normal.
    pub fn lognormal_mu_sigma(mu: f64, sigma: f64) -> Dist {
        let mean = (mu + sigma * sigma / 2.0).exp();
        Dist::LogNormal {
            mean,
            dist: LogNormal::new(mu, sigma).expect("sigma validated >= 0"),
        }
    }

    /// The expected value.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Constant { value } => *value,
            Dist::Exponential { mean, .. } | Dist::LogNormal { mean, .. } => *mean,
        }
    }

    /// One draw (seconds or a count, as the caller means it).
    #[inline]
    pub fn sample_f64(&self, rng: &mut SimRng) -> f64 {
        match self {
            Dist::Constant { value } => *value,
            Dist::Exponential { exp, .. } => exp.sample(rng),
            Dist::LogNormal { dist, .. } => dist.sample(rng),
        }
    }

    /// One draw as a duration in seconds, rounded to the nearest nanosecond.
    #[inline]
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        match self {
            // No draw at all: a constant consumes no randomness.
            Dist::Constant { value } => SimDuration::from_secs_f64(*value),
            _ => SimDuration::from_secs_f64(self.sample_f64(rng)),
        }
    }

    /// Whether every draw is the same value.
    pub fn is_constant(&self) -> bool {
        matches!(self, Dist::Constant { .. })
    }
}

/// A sum of independent phases (e.g. container boot + imports + model load).
#[derive(Clone, Debug)]
pub struct Phases(pub Vec<Dist>);

impl Phases {
    pub fn single(d: Dist) -> Phases {
        Phases(vec![d])
    }

    pub fn mean(&self) -> f64 {
        self.0.iter().map(Dist::mean).sum()
    }

    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        self.0
            .iter()
            .fold(SimDuration::ZERO, |acc, d| acc + d.sample(rng))
    }
}

/// A uniform draw in [0, 1); here so that callers need not import `rand`.
pub fn unit(rng: &mut SimRng) -> f64 {
    rng.r#gen::<f64>()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::random::{Stream, stream_rng};

    fn moments(d: &Dist, n: usize) -> (f64, f64) {
        let mut rng = stream_rng(1, 0, Stream::Service, 0);
        let xs: Vec<f64> = (0..n).map(|_| d.sample_f64(&mut rng)).collect();
        let mean = xs.iter().sum::<f64>() / n as f64;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64;
        (mean, var.sqrt() / mean)
    }

    #[test]
    fn lognormal_from_mean_and_cv_has_that_mean_and_cv() {
        let d = Dist::lognormal_mean_cv(2.0, 0.5);
        assert!((d.mean() - 2.0).abs() < 1e-12);
        // 10^6 draws: the standard error of the mean is 2 * 0.5 / 1000 = 0.001 (0.05%).
        let (mean, cv) = moments(&d, 1_000_000);
        assert!((mean - 2.0).abs() < 4.0 * 0.001, "mean {mean}");
        assert!((cv - 0.5).abs() < 0.01, "cv {cv}");
    }

    #[test]
    fn exponential_has_cv_one() {
        let (mean, cv) = moments(&Dist::exponential(0.1), 1_000_000);
        assert!((mean - 0.1).abs() < 4.0 * 0.1 / 1000.0, "mean {mean}");
        assert!((cv - 1.0).abs() < 0.01, "cv {cv}");
    }

    #[test]
    fn phases_sum() {
        let p = Phases(vec![Dist::constant(1.0), Dist::constant(2.5)]);
        let mut rng = stream_rng(1, 0, Stream::ColdStart, 0);
        assert_eq!(p.sample(&mut rng), SimDuration::from_secs_f64(3.5));
        assert_eq!(p.mean(), 3.5);
    }
}
