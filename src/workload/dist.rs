//! Random durations and quantities: the one distribution grammar used for service demand,
//! cold starts and provisioning delays (docs/scenarios.md).
//!
//! Deliberately does not parse anything; `scenario` builds these from validated numbers.

use std::sync::Arc;

use rand::Rng;
use rand_distr::{Distribution, Exp, Exp1, Gamma, LogNormal};

use crate::random::SimRng;
use crate::time::SimDuration;

/// A distribution over non-negative values (seconds, or counts for tokens).
#[derive(Clone, Debug)]
pub enum Dist {
    Constant {
        value: f64,
    },
    Exponential {
        mean: f64,
        /// What `rand_distr::Exp` multiplies `Exp1` by: 1 / (1 / mean), which may differ
        /// from `mean` in the last bit. Sampled here directly so that the draw inlines.
        scale: f64,
    },
    LogNormal {
        mean: f64,
        dist: LogNormal<f64>,
    },
    Gamma {
        mean: f64,
        dist: Gamma<f64>,
    },
    /// Uniform on [min, max].
    Uniform {
        min: f64,
        max: f64,
    },
    /// Resamples the given values uniformly (the bootstrap of a measured sample).
    Empirical {
        mean: f64,
        samples: Arc<[f64]>,
    },
}

impl Dist {
    pub fn constant(value: f64) -> Dist {
        Dist::Constant { value }
    }

    /// Exponential with the given mean (> 0).
    pub fn exponential(mean: f64) -> Dist {
        let rate = 1.0 / mean;
        debug_assert!(Exp::new(rate).is_ok(), "mean validated > 0");
        Dist::Exponential {
            mean,
            scale: 1.0 / rate,
        }
    }

    /// Log-normal from its mean and coefficient of variation (docs/semantics.md#arrivals):
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

    /// Gamma from its mean (> 0) and coefficient of variation: shape 1/cv², scale
    /// mean·cv². A zero cv is the constant `mean`.
    pub fn gamma_mean_cv(mean: f64, cv: f64) -> Dist {
        if cv == 0.0 {
            return Dist::constant(mean);
        }
        let shape = 1.0 / (cv * cv);
        Dist::Gamma {
            mean,
            dist: Gamma::new(shape, mean / shape).expect("mean and cv validated > 0"),
        }
    }

    /// Uniform on [min, max] (validated 0 ≤ min ≤ max).
    pub fn uniform(min: f64, max: f64) -> Dist {
        Dist::Uniform { min, max }
    }

    /// Uniform resampling of `samples` (validated non-empty, each ≥ 0).
    pub fn empirical(samples: &[f64]) -> Dist {
        let mean = samples.iter().sum::<f64>() / samples.len() as f64;
        Dist::Empirical {
            mean,
            samples: samples.into(),
        }
    }

    /// The expected value.
    pub fn mean(&self) -> f64 {
        match self {
            Dist::Constant { value } => *value,
            Dist::Uniform { min, max } => (min + max) / 2.0,
            Dist::Exponential { mean, .. }
            | Dist::LogNormal { mean, .. }
            | Dist::Gamma { mean, .. }
            | Dist::Empirical { mean, .. } => *mean,
        }
    }

    /// One draw (seconds or a count, as the caller means it).
    #[inline]
    pub fn sample_f64(&self, rng: &mut SimRng) -> f64 {
        match self {
            Dist::Constant { value } => *value,
            Dist::Exponential { scale, .. } => {
                let e: f64 = Exp1.sample(rng);
                e * scale
            }
            Dist::LogNormal { dist, .. } => dist.sample(rng),
            Dist::Gamma { dist, .. } => dist.sample(rng),
            Dist::Uniform { min, max } => min + (max - min) * unit(rng),
            Dist::Empirical { samples, .. } => samples[rng.gen_range(0..samples.len())],
        }
    }

    /// One draw as a duration in seconds, rounded to the nearest nanosecond.
    #[inline(always)]
    pub fn sample(&self, rng: &mut SimRng) -> SimDuration {
        match self {
            // No draw at all: a constant consumes no randomness.
            Dist::Constant { value } => SimDuration::from_secs_f64(*value),
            // The common service demand, drawn here so that it inlines.
            Dist::Exponential { scale, .. } => {
                let e: f64 = Exp1.sample(rng);
                SimDuration::from_secs_f64(e * scale)
            }
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

    /// As `sample`, making the generator only if a phase draws from it: seeding one
    /// costs more than a draw, and a constant cold start draws nothing.
    pub fn sample_lazily(&self, make_rng: impl FnOnce() -> SimRng) -> SimDuration {
        let (mut make_rng, mut rng) = (Some(make_rng), None);
        self.0.iter().fold(SimDuration::ZERO, |acc, d| {
            acc + match d {
                Dist::Constant { value } => SimDuration::from_secs_f64(*value),
                _ => d.sample(rng.get_or_insert_with(|| make_rng.take().expect("made once")())),
            }
        })
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
    fn exponential_draws_are_rand_distrs_exactly() {
        for mean in [0.1, 3.0, 1e-3, 7.77] {
            let (mut a, mut b) = (
                stream_rng(1, 0, Stream::Service, 0),
                stream_rng(1, 0, Stream::Service, 0),
            );
            let ours = Dist::exponential(mean);
            let theirs = Exp::new(1.0 / mean).unwrap();
            for _ in 0..10_000 {
                assert_eq!(ours.sample_f64(&mut a), theirs.sample(&mut b));
            }
        }
    }

    #[test]
    fn exponential_has_cv_one() {
        let (mean, cv) = moments(&Dist::exponential(0.1), 1_000_000);
        assert!((mean - 0.1).abs() < 4.0 * 0.1 / 1000.0, "mean {mean}");
        assert!((cv - 1.0).abs() < 0.01, "cv {cv}");
    }

    #[test]
    fn gamma_from_mean_and_cv_has_that_mean_and_cv() {
        // Excess kurtosis of a gamma is 6 cv², so the standard error of the sample cv is
        // about cv/2 · sqrt((2 + 6 cv²)/n): 0.005 for cv 2 and n = 10^6 (0.25%).
        for (mean_s, cv) in [(0.5, 0.3), (2.0, 2.0)] {
            let (mean, got_cv) = moments(&Dist::gamma_mean_cv(mean_s, cv), 1_000_000);
            let se_mean = mean_s * cv / 1000.0;
            assert!(
                (mean - mean_s).abs() < 4.0 * se_mean,
                "mean {mean} for cv {cv}"
            );
            let se_cv = cv / 2.0 * ((2.0 + 6.0 * cv * cv) / 1e6).sqrt();
            assert!((got_cv - cv).abs() < 4.0 * se_cv, "cv {got_cv} for cv {cv}");
        }
        assert!(Dist::gamma_mean_cv(1.5, 0.0).is_constant());
    }

    #[test]
    fn uniform_has_the_mean_and_cv_of_its_interval() {
        // U[1, 3]: mean 2, sd 2/sqrt(12), cv 0.2887.
        let d = Dist::uniform(1.0, 3.0);
        let (mean, cv) = moments(&d, 1_000_000);
        assert_eq!(d.mean(), 2.0);
        assert!((mean - 2.0).abs() < 4.0 * 0.5774 / 1000.0, "mean {mean}");
        assert!((cv - 0.288_675).abs() < 0.001, "cv {cv}");
    }

    #[test]
    fn empirical_resamples_its_values_uniformly() {
        let d = Dist::empirical(&[1.0, 2.0, 6.0]);
        assert_eq!(d.mean(), 3.0);
        let mut rng = stream_rng(4, 0, Stream::Service, 0);
        let mut counts = [0u32; 3];
        for _ in 0..300_000 {
            let x = d.sample_f64(&mut rng);
            counts[[1.0, 2.0, 6.0].iter().position(|v| *v == x).unwrap()] += 1;
        }
        // Each value 100,000 times, binomial sd ≈ 258.
        for c in counts {
            assert!((c as f64 - 100_000.0).abs() < 1_300.0, "{counts:?}");
        }
    }

    #[test]
    fn phases_sum() {
        let p = Phases(vec![Dist::constant(1.0), Dist::constant(2.5)]);
        let mut rng = stream_rng(1, 0, Stream::ColdStart, 0);
        assert_eq!(p.sample(&mut rng), SimDuration::from_secs_f64(3.5));
        assert_eq!(p.mean(), 3.5);
        let never = || -> SimRng { unreachable!("constant phases draw nothing") };
        assert_eq!(p.sample_lazily(never), SimDuration::from_secs_f64(3.5));
        let mixed = Phases(vec![Dist::constant(1.0), Dist::exponential(2.0)]);
        let make = || stream_rng(1, 0, Stream::ColdStart, 0);
        assert_eq!(mixed.sample_lazily(make), mixed.sample(&mut make()));
    }
}
