//! Overloaded stretches of time in words: clock times of the day for a daily period,
//! weekday and time for a weekly one, hours of the period for any other, and times of the
//! run (with its day once it lasts longer than one) when there is no period.
//!
//! Deliberately rounds to the minute: the words are for people; JSON keeps the hours.

const DAY_S: f64 = 86_400.0;
const WEEK_S: f64 = 7.0 * DAY_S;
const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// `parts` (ordered, disjoint, in seconds of the period or of the run) in words.
pub(super) fn describe(parts: &[(f64, f64)], period_s: Option<f64>, horizon_s: f64) -> String {
    let parts = wrapped(parts, period_s);
    let whole = match period_s {
        Some(p) => parts.len() == 1 && parts[0].1 - parts[0].0 >= p,
        None => parts.len() == 1 && parts[0].0 <= 0.0 && parts[0].1 >= horizon_s,
    };
    if whole {
        return "all the time".into();
    }
    let text: Vec<String> = parts
        .iter()
        .map(|&(a, b)| range(a, b, period_s, horizon_s))
        .collect();
    let text = text.join(", ");
    match period_s {
        Some(p) if p == DAY_S => format!("{text} every day"),
        Some(p) if p == WEEK_S => format!("{text} every week"),
        Some(p) => format!("{text} of every {} h", short(p / 3600.0)),
        None => text,
    }
}

/// The last part joined to the first when it runs into the next period (22:00–02:00).
fn wrapped(parts: &[(f64, f64)], period_s: Option<f64>) -> Vec<(f64, f64)> {
    let mut out = parts.to_vec();
    if let (Some(p), true) = (period_s, out.len() > 1) {
        let (first, last) = (out[0], out[out.len() - 1]);
        if first.0 <= 0.0 && last.1 >= p {
            out.pop();
            out[0] = (last.0, first.1 + p);
        }
    }
    out
}

fn range(a: f64, b: f64, period_s: Option<f64>, horizon_s: f64) -> String {
    let weekly = period_s == Some(WEEK_S);
    match period_s {
        Some(p) if p == DAY_S || (weekly && same_day(a, b)) => {
            format!("{}–{}", when(a, weekly, false), clock(b, true))
        }
        Some(_) if weekly => format!("{}–{}", when(a, true, false), when(b, true, true)),
        Some(_) => format!("h {}–{}", short(a / 3600.0), short(b / 3600.0)),
        None if horizon_s <= DAY_S => format!("{}–{}", clock(a, false), clock(b, true)),
        None if same_day(a, b) => format!("{}–{}", day_clock(a, false), clock(b, true)),
        None => format!("{}–{}", day_clock(a, false), day_clock(b, true)),
    }
}

/// Minutes since t = 0, rounded; an end on a day boundary is the previous day's 24:00.
fn minutes(t: f64, end: bool) -> (u64, u64) {
    let m = (t / 60.0).round() as u64;
    if end && m > 0 && m.is_multiple_of(1440) {
        (m / 1440 - 1, 1440)
    } else {
        (m / 1440, m % 1440)
    }
}

/// Whether `[a, b)` ends on the day it starts (an end at midnight included).
fn same_day(a: f64, b: f64) -> bool {
    minutes(a, false).0 == minutes(b, true).0
}

/// Weekday (when `weekly`) and time of `t`.
fn when(t: f64, weekly: bool, end: bool) -> String {
    if !weekly {
        return clock(t, end);
    }
    let day = minutes(t, end).0 as usize % 7;
    format!("{} {}", WEEKDAYS[day], clock(t, end))
}

fn day_clock(t: f64, end: bool) -> String {
    format!("day {} {}", minutes(t, end).0 + 1, clock(t, end))
}

/// `HH:MM` of the day, rounded to the minute; an `end` at midnight is 24:00.
fn clock(t: f64, end: bool) -> String {
    let within = minutes(t, end).1;
    format!("{:02}:{:02}", within / 60, within % 60)
}

/// At most two decimals, no trailing zeros.
fn short(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_parts_read_as_clock_times_and_wrap_past_midnight() {
        let h = 3600.0;
        let day = Some(DAY_S);
        assert_eq!(
            describe(&[(11.5 * h, 14.0 * h)], day, 7.0 * DAY_S),
            "11:30–14:00 every day"
        );
        assert_eq!(
            describe(&[(0.0, 2.0 * h), (22.0 * h, 24.0 * h)], day, DAY_S),
            "22:00–02:00 every day"
        );
        assert_eq!(describe(&[(0.0, DAY_S)], day, DAY_S), "all the time");
        assert_eq!(
            describe(&[(20.0 * h, 24.0 * h)], day, DAY_S),
            "20:00–24:00 every day"
        );
    }

    #[test]
    fn weekly_and_run_parts_name_their_day() {
        let h = 3600.0;
        let week = Some(WEEK_S);
        assert_eq!(
            describe(&[(DAY_S + 9.0 * h, DAY_S + 17.0 * h)], week, WEEK_S),
            "Tue 09:00–17:00 every week"
        );
        assert_eq!(
            describe(
                &[(4.0 * DAY_S + 20.0 * h, 5.0 * DAY_S + 2.0 * h)],
                week,
                WEEK_S
            ),
            "Fri 20:00–Sat 02:00 every week"
        );
        assert_eq!(describe(&[(h, 3.0 * h)], None, 6.0 * h), "01:00–03:00");
        assert_eq!(
            describe(&[(DAY_S + h, DAY_S + 3.0 * h)], None, 3.0 * DAY_S),
            "day 2 01:00–03:00"
        );
        assert_eq!(
            describe(&[(h, 3.0 * h)], Some(12.0 * h), DAY_S),
            "h 1–3 of every 12 h"
        );
    }
}
