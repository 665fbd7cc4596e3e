//! The horizon: the scenario key's range, `--horizon D` read with the key's own syntax and
//! range, and the warnings for a horizon too short to say much
//! (docs/semantics.md#overloaded-at-peak): shorter than the rate profile's period, or than
//! 100 mean inter-arrival times (of requests: a `jobs` workload is exempt).
//!
//! Deliberately runs nothing: the warnings come from the scenario alone.

use super::Scenario;
use super::reader::{Errors, parse_duration};
use crate::time::SimDuration;

/// Mean inter-arrival times a horizon must hold before its figures mean much.
pub const MIN_INTERARRIVALS: f64 = 100.0;

/// The longest horizon: 100 years (the clock's u64 nanoseconds end after 584).
const MAX_HORIZON_S: f64 = 36_500.0 * 86_400.0;

/// The range a duration > 0 cannot say: the clock's resolution and its end.
pub(super) fn in_range(h: f64, path: &str, errs: &mut Errors) -> Option<f64> {
    if h < 1e-9 {
        errs.push(
            path,
            format!("expected a horizon of at least 1 ns, found {h} s"),
        );
        return None;
    }
    if h > MAX_HORIZON_S {
        errs.push(
            path,
            format!("expected a horizon of at most 100 years (\"36500d\"), found {h} s"),
        );
        return None;
    }
    Some(h)
}

/// A horizon as `--horizon` gives it: seconds (a bare number) or a duration like `36h`,
/// `7d`, between 1 ns and 100 years, as the scenario's `horizon` key takes it.
pub fn parse_horizon(text: &str) -> Result<SimDuration, String> {
    let secs = match text.trim().parse::<f64>() {
        Ok(x) => Some(x),
        Err(_) => parse_duration(text),
    };
    match secs {
        Some(x) if (1e-9..=MAX_HORIZON_S).contains(&x) => Ok(SimDuration::from_secs_f64(x)),
        Some(x) if x.is_finite() && x > MAX_HORIZON_S => Err(format!(
            "expected a horizon of at most 100 years (\"36500d\"), found {text:?} ({x} s)"
        )),
        Some(x) if x.is_finite() => Err(format!(
            "expected a horizon of at least 1 ns, found {text:?} ({x} s)"
        )),
        _ => Err(format!(
            "expected seconds (a number) or a duration like \"90s\", \"15m\", \"36h\", \"7d\", \"2w\", found {text:?}"
        )),
    }
}

/// A duration in its largest whole-ish unit: `14 s`, `6 h`, `1.5 d`.
pub fn describe(secs: f64) -> String {
    let (x, unit) = match secs {
        s if s >= 86_400.0 => (s / 86_400.0, "d"),
        s if s >= 3600.0 => (s / 3600.0, "h"),
        s if s >= 60.0 => (s / 60.0, "min"),
        s => (s, "s"),
    };
    let text = format!("{x:.2}");
    format!(
        "{} {unit}",
        text.trim_end_matches('0').trim_end_matches('.')
    )
}

/// Warnings about the horizon as (JSON path, why).
pub(super) fn warnings(s: &Scenario) -> Vec<(String, String)> {
    let horizon_s = s.horizon.as_secs_f64();
    let mut out = Vec::new();
    let w = &s.workload;
    let modulated = w.arrivals.iter().any(|a| a.is_modulated());
    if let Some(p) = w.rate_profile.as_ref().filter(|_| modulated)
        && horizon_s < p.period_s()
    {
        out.push((
            "horizon".to_string(),
            format!(
                "the horizon ({}) is shorter than the rate profile's period ({}): the run sees only part of the profile, and monthly figures extrapolate that part",
                describe(horizon_s),
                describe(p.period_s())
            ),
        ));
    }
    let gaps = horizon_s * w.mean_rate_per_s();
    // Jobs last hours each: a week of 70 of them is a real workload, whose spread the
    // confidence intervals across seeds show (docs/semantics.md#long-jobs).
    if gaps < MIN_INTERARRIVALS && w.jobs.is_none() {
        // A whole number of seconds that could be a count of days was likely meant as one.
        let days = if horizon_s.fract() == 0.0 && horizon_s <= 366.0 {
            format!(" (a bare number is seconds: write \"{horizon_s}d\" for days)")
        } else {
            String::new()
        };
        out.push((
            "horizon".to_string(),
            format!(
                "the horizon ({}) holds {gaps:.1} mean inter-arrival times, fewer than {MIN_INTERARRIVALS}: too few requests for the figures to mean much{days}",
                describe(horizon_s),
            ),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn horizons_read_like_the_scenario_key() {
        assert_eq!(parse_horizon("7d"), Ok(SimDuration::from_secs(7 * 86_400)));
        assert_eq!(parse_horizon("36h"), Ok(SimDuration::from_secs(36 * 3600)));
        assert_eq!(parse_horizon("90"), Ok(SimDuration::from_secs(90)));
        assert_eq!(
            parse_horizon("7x"),
            Err("expected seconds (a number) or a duration like \"90s\", \"15m\", \"36h\", \"7d\", \"2w\", found \"7x\"".into())
        );
        assert_eq!(
            parse_horizon("0s"),
            Err("expected a horizon of at least 1 ns, found \"0s\" (0 s)".into())
        );
        assert!(
            parse_horizon("40000d")
                .unwrap_err()
                .contains("at most 100 years")
        );
    }

    #[test]
    fn durations_are_described_in_their_largest_unit() {
        assert_eq!(describe(14.0), "14 s");
        assert_eq!(describe(6.0 * 3600.0), "6 h");
        assert_eq!(describe(1.5 * 86_400.0), "1.5 d");
        assert_eq!(describe(90.0), "1.5 min");
    }
}
