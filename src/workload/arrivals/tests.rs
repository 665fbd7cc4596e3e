//! Each generator against theory: rates, moments, and NHPP counts per window.

use super::*;
use crate::random::{Stream, stream_rng};
use crate::time::SimDuration;
use crate::workload::profile::{PiecewiseLinear, Sinusoid, Weekly, Window};

fn stream(p: ArrivalProcess, profile: Option<RateProfile>, seed: u64) -> ArrivalStream {
    ArrivalStream::new(p, profile, stream_rng(seed, 0, Stream::Arrivals, 0))
}

fn times_until(mut s: ArrivalStream, horizon_s: f64) -> Vec<f64> {
    let h = SimTime::from_secs_f64(horizon_s);
    std::iter::from_fn(|| s.next_arrival())
        .map(|a| a.at)
        .take_while(|t| *t < h)
        .map(SimTime::as_secs_f64)
        .collect()
}

/// Rate, mean and CV of the `n` inter-arrival times after the first arrival.
fn iat_moments(mut s: ArrivalStream, n: usize) -> (f64, f64, f64) {
    let first = s.next_arrival().unwrap().at.as_secs_f64();
    let (mut last, mut sum, mut sum2) = (first, 0.0, 0.0);
    for _ in 0..n {
        let t = s.next_arrival().unwrap().at.as_secs_f64();
        let d = t - last;
        (sum, sum2, last) = (sum + d, sum2 + d * d, t);
    }
    let mean = sum / n as f64;
    let var = sum2 / n as f64 - mean * mean;
    (n as f64 / (last - first), mean, var.max(0.0).sqrt() / mean)
}

/// Asserts that the counts in `windows` consecutive windows of `width_s` match the
/// integral of the rate within `z` standard errors each (variance `dispersion` × the
/// mean: 1 for Poisson, cv² for a renewal process), and for Poisson that the χ² of all
/// windows is within 5 of its standard deviations of its mean (too regular fails too).
fn assert_counts_follow_the_rate(
    times: &[f64],
    expected: impl Fn(f64, f64) -> f64,
    width_s: f64,
    windows: usize,
    dispersion: f64,
) {
    let mut counts = vec![0u64; windows];
    for t in times {
        counts[((t / width_s) as usize).min(windows - 1)] += 1;
    }
    let mut chi2 = 0.0;
    for (i, n) in counts.iter().enumerate() {
        let e = expected(i as f64 * width_s, (i + 1) as f64 * width_s);
        let sd = (dispersion * e).sqrt();
        assert!(
            (*n as f64 - e).abs() < 5.0 * sd.max(1.0),
            "window {i}: {n} vs {e}"
        );
        chi2 += (*n as f64 - e).powi(2) / e.max(1e-9);
    }
    if dispersion == 1.0 {
        let (k, sd) = (windows as f64, (2.0 * windows as f64).sqrt());
        assert!(
            (chi2 - k).abs() < 5.0 * sd,
            "χ² {chi2} for {windows} windows"
        );
    }
}

#[test]
fn poisson_rate_mean_and_cv_match_theory() {
    let s = stream(ArrivalProcess::Poisson { rate_per_s: 50.0 }, None, 3);
    let (rate, mean, cv) = iat_moments(s, 1_000_000);
    // SE: mean 0.1%, cv 0.14% (exponential kurtosis 9): tolerances ≥ 4 SE.
    assert!((rate / 50.0 - 1.0).abs() < 0.004, "rate {rate}");
    assert!((mean / 0.02 - 1.0).abs() < 0.004, "mean {mean}");
    assert!((cv - 1.0).abs() < 0.006, "cv {cv}");
}

#[test]
fn gamma_rate_mean_and_cv_match_theory_for_smooth_and_bursty_traffic() {
    for cv_theory in [0.5, 3.0] {
        let p = ArrivalProcess::Gamma {
            rate_per_s: 10.0,
            cv: cv_theory,
        };
        let (rate, mean, cv) = iat_moments(stream(p, None, 11), 1_000_000);
        // SE of the mean: cv/1000 relative; of the sample cv: cv/2·sqrt((2 + 6cv²)/n).
        let se_mean = cv_theory / 1000.0;
        let se_cv = cv_theory / 2.0 * ((2.0 + 6.0 * cv_theory * cv_theory) / 1e6).sqrt();
        assert!(
            (rate / 10.0 - 1.0).abs() < 4.0 * se_mean,
            "rate {rate} cv {cv_theory}"
        );
        assert!(
            (mean / 0.1 - 1.0).abs() < 4.0 * se_mean,
            "mean {mean} cv {cv_theory}"
        );
        assert!(
            (cv - cv_theory).abs() < 4.0 * se_cv,
            "cv {cv} vs {cv_theory}"
        );
    }
}

#[test]
fn periodic_jitter_keeps_the_rate_and_adds_the_uniform_variance() {
    let p = ArrivalProcess::Periodic {
        interval_s: 1.0,
        jitter_s: 0.6,
    };
    let (rate, mean, cv) = iat_moments(stream(p, None, 1), 1_000_000);
    // Gaps are 1 + (U' − U)·0.6: mean 1 exactly in the long run, cv 0.6/sqrt(6).
    assert!(
        (rate - 1.0).abs() < 1e-5 && (mean - 1.0).abs() < 1e-5,
        "{rate} {mean}"
    );
    assert!((cv / (0.6 / 6f64.sqrt()) - 1.0).abs() < 0.005, "cv {cv}");
    let exact = ArrivalProcess::Periodic {
        interval_s: 0.25,
        jitter_s: 0.0,
    };
    let (_, mean, cv) = iat_moments(stream(exact, None, 1), 100_000);
    assert_eq!((mean, cv), (0.25, 0.0));
}

#[test]
fn periodic_with_daily_windows_gives_exactly_the_expected_count() {
    let w = Window {
        start_h: 0.0,
        end_h: 2.0,
        multiplier: 1.0,
    };
    let profile = RateProfile::DailyWindows(PiecewiseLinear::daily_windows(&[w], 0.0));
    let p = ArrivalProcess::Periodic {
        interval_s: 0.3,
        jitter_s: 0.0,
    };
    // 2 h a day at one per 0.3 s = 24,000 a day, for 30 days.
    let times = times_until(stream(p, Some(profile), 1), 30.0 * 86_400.0);
    assert_eq!(times.len(), 720_000);
}

#[test]
fn periodic_under_a_sinusoid_follows_the_cumulative_intensity_exactly() {
    let profile = RateProfile::Sinusoid(Sinusoid::new(86_400.0, 0.9, 13.0));
    let p = ArrivalProcess::Periodic {
        interval_s: 0.7,
        jitter_s: 0.0,
    };
    let horizon = 3.3 * 86_400.0;
    let times = times_until(stream(p, Some(profile.clone()), 1), horizon);
    // Arrival k is at Λ⁻¹(0.7k): those before T are the k with 0.7k < Λ(T).
    assert_eq!(
        times.len() as f64,
        (profile.cumulative(horizon) / 0.7).ceil()
    );
}

#[test]
fn poisson_under_a_window_profile_arrives_only_inside_the_window() {
    let w = Window {
        start_h: 6.0,
        end_h: 8.0,
        multiplier: 3.0,
    };
    let profile = RateProfile::DailyWindows(PiecewiseLinear::daily_windows(&[w], 0.0));
    let p = ArrivalProcess::Poisson { rate_per_s: 10.0 };
    let times = times_until(stream(p, Some(profile), 9), 10.0 * 86_400.0);
    for t in &times {
        let h = t.rem_euclid(86_400.0) / 3600.0;
        assert!((6.0..8.0).contains(&h), "arrival at hour {h}");
    }
    // Expected 10 days × 7200 s × 30/s = 2,160,000, sd ≈ 1470.
    assert!(
        (times.len() as f64 - 2_160_000.0).abs() < 6_000.0,
        "count {}",
        times.len()
    );
}

#[test]
fn nhpp_counts_per_hour_match_the_integral_of_a_sinusoidal_rate() {
    let profile = RateProfile::Sinusoid(Sinusoid::new(86_400.0, 0.8, 14.0));
    let p = ArrivalProcess::Poisson { rate_per_s: 20.0 };
    let times = times_until(stream(p, Some(profile.clone()), 4), 2.0 * 86_400.0);
    let e = |a: f64, b: f64| 20.0 * (profile.cumulative(b) - profile.cumulative(a));
    assert_counts_follow_the_rate(&times, e, 3600.0, 48, 1.0);
}

#[test]
fn nhpp_counts_per_hour_match_the_integral_of_a_piecewise_rate() {
    let points = [(0.0, 0.2), (7.0, 0.2), (9.5, 3.0), (17.0, 2.0), (20.0, 0.0)];
    let profile = RateProfile::Piecewise(PiecewiseLinear::from_points(86_400.0, &points));
    let p = ArrivalProcess::Poisson { rate_per_s: 15.0 };
    let times = times_until(stream(p, Some(profile.clone()), 6), 2.0 * 86_400.0);
    let e = |a: f64, b: f64| 15.0 * (profile.cumulative(b) - profile.cumulative(a));
    assert_counts_follow_the_rate(&times, e, 1800.0, 96, 1.0);
}

#[test]
fn nhpp_counts_per_hour_match_a_weekly_profile_over_two_weeks() {
    let inner = RateProfile::Sinusoid(Sinusoid::new(86_400.0, 0.5, 15.0));
    let days = [1.0, 1.1, 1.2, 1.1, 0.9, 0.3, 0.2];
    let profile = RateProfile::Weekly(Box::new(Weekly::new(days, Some(inner))));
    let p = ArrivalProcess::Poisson { rate_per_s: 4.0 };
    let times = times_until(stream(p, Some(profile.clone()), 8), 14.0 * 86_400.0);
    let e = |a: f64, b: f64| 4.0 * (profile.cumulative(b) - profile.cumulative(a));
    assert_counts_follow_the_rate(&times, e, 3600.0, 14 * 24, 1.0);
}

#[test]
fn bursty_gamma_under_a_profile_follows_the_rate_with_renewal_dispersion() {
    let w = Window {
        start_h: 8.0,
        end_h: 20.0,
        multiplier: 2.0,
    };
    let profile = RateProfile::DailyWindows(PiecewiseLinear::daily_windows(&[w], 0.25));
    let p = ArrivalProcess::Gamma {
        rate_per_s: 30.0,
        cv: 2.0,
    };
    let times = times_until(stream(p, Some(profile.clone()), 2), 3.0 * 86_400.0);
    let e = |a: f64, b: f64| 30.0 * (profile.cumulative(b) - profile.cumulative(a));
    // A renewal count's variance is ~cv² × its mean.
    assert_counts_follow_the_rate(&times, e, 3600.0, 72, 4.0);
}

#[test]
fn mmpp_under_a_profile_multiplies_each_state_rate() {
    let states = vec![
        MmppState {
            rate_per_s: 40.0,
            mean_holding_s: 2.0,
        },
        MmppState {
            rate_per_s: 0.0,
            mean_holding_s: 2.0,
        },
    ];
    let w = Window {
        start_h: 0.0,
        end_h: 12.0,
        multiplier: 1.0,
    };
    let profile = RateProfile::DailyWindows(PiecewiseLinear::daily_windows(&[w], 0.0));
    let times = times_until(
        stream(ArrivalProcess::Mmpp { states }, Some(profile), 3),
        10.0 * 86_400.0,
    );
    assert!(times.iter().all(|t| t.rem_euclid(86_400.0) < 12.0 * 3600.0));
    // 10 half-days at 20/s on average: 8.64·10^6. Per 4-s cycle 80 ± 82 arrivals
    // over 10^5 cycles: relative sd ≈ 0.33%.
    let n = times.len() as f64;
    assert!((n / 8.64e6 - 1.0).abs() < 0.015, "count {n}");
}

#[test]
fn processes_a_profile_does_not_modulate_ignore_it() {
    let b = Bursts {
        every: SimDuration::from_secs(100),
        offset: SimDuration::from_secs(13 * 3600),
        count: 2,
        spacing: SimDuration::ZERO,
    };
    let w = Window {
        start_h: 0.0,
        end_h: 1.0,
        multiplier: 1.0,
    };
    let profile = RateProfile::DailyWindows(PiecewiseLinear::daily_windows(&[w], 0.0));
    let times = times_until(
        stream(ArrivalProcess::Bursts(b), Some(profile), 1),
        46_900.0,
    );
    assert_eq!(times, vec![46_800.0, 46_800.0]);
}
