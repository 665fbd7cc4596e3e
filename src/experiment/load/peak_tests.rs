use serde_json::{Value, json};

use super::*;

/// Poisson at `rate` per second under `profile`, constant `service_s` demands, on a
/// dedicated fleet of `gpus` (capacity `gpus` slots).
fn fleet(rate: f64, profile: Value, service_s: f64, gpus: u32) -> Scenario {
    let doc = json!({
        "name": "t", "horizon": "7d",
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": rate},
                     "rate_profile": profile,
                     "service": {"dist": "constant", "value_s": service_s}},
        "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1, "instances": gpus}]
    });
    Scenario::from_value(&doc, "t.json").unwrap()
}

fn peak(s: &Scenario) -> Option<PeakOverload> {
    overloaded_at_peak(s, &s.platforms[0])
}

fn hours(o: &PeakOverload) -> Vec<(f64, f64)> {
    o.hours.iter().map(|h| (h.start_h, h.end_h)).collect()
}

#[test]
fn a_lunch_peak_above_capacity_is_overloaded_in_its_window_only() {
    // 2/s × 3 over 11:00–14:00 is 6 concurrent 1 s requests on 4 GPUs; 2 × 1.5 = 3 over
    // 18:00–19:00 and 2 × 0.5 = 1 elsewhere fit. Mean 2·20.5/24 = 1.71: stable.
    let profile = json!({"kind": "daily_windows", "outside": 0.5, "windows": [
        {"start_h": 11, "end_h": 14, "multiplier": 3},
        {"start_h": 18, "end_h": 19, "multiplier": 1.5}]});
    let s = fleet(2.0, profile, 1.0, 4);
    assert_eq!(overload(&s, &s.platforms[0]), None);
    let o = peak(&s).expect("6 > 4 at lunch");
    assert_eq!(hours(&o), vec![(11.0, 14.0)]);
    assert_eq!(
        (o.peak_offered_load, o.capacity, o.peak_rate_per_s),
        (6.0, 4.0, 6.0)
    );
    assert_eq!((o.period_h, o.overloaded_share), (Some(24.0), 0.125));
    assert_eq!(o.basis, Basis::RateProfile);
    assert_eq!(o.when, "11:00–14:00 every day");
    // Six GPUs cover the peak exactly: not overloaded (the rate must exceed the slots).
    assert_eq!(peak(&fleet(2.0, s_profile(), 1.0, 6)), None);
}

fn s_profile() -> Value {
    json!({"kind": "daily_windows", "outside": 0.5, "windows": [
        {"start_h": 11, "end_h": 14, "multiplier": 3}]})
}

#[test]
fn a_piecewise_profile_crosses_the_capacity_where_its_lines_do() {
    // m rises 0.5 → 2.5 over 06:00–12:00 and falls back by 18:00; 2/s × m > 4 slots where
    // m > 2: from 6 + 1.5/(2/6) = 10.5 h to 12 + 0.5/(2/6) = 13.5 h.
    let profile = json!({"kind": "piecewise", "points": [[6, 0.5], [12, 2.5], [18, 0.5]]});
    let o = peak(&fleet(2.0, profile, 1.0, 4)).unwrap();
    let h = hours(&o);
    assert_eq!(h.len(), 1);
    assert!(
        (h[0].0 - 10.5).abs() < 1e-9 && (h[0].1 - 13.5).abs() < 1e-9,
        "{h:?}"
    );
    assert!((o.peak_offered_load - 5.0).abs() < 1e-12);
    assert_eq!(o.when, "10:30–13:30 every day");
}

#[test]
fn a_sinusoid_is_overloaded_on_an_arc_around_its_peak() {
    // 2/s × (1 + 0.5 cos) of 2 s requests on 5 GPUs: over when cos > 0.5, ±4 h of 15:00.
    let profile = json!({"kind": "sinusoid", "amplitude": 0.5, "peak_h": 15});
    let o = peak(&fleet(2.0, profile, 2.0, 5)).unwrap();
    let h = hours(&o);
    assert!(
        (h[0].0 - 11.0).abs() < 1e-9 && (h[0].1 - 19.0).abs() < 1e-9,
        "{h:?}"
    );
    assert_eq!(o.peak_offered_load, 6.0);
    // A peak at 01:00 wraps past midnight.
    let profile = json!({"kind": "sinusoid", "amplitude": 0.5, "peak_h": 1});
    let o = peak(&fleet(2.0, profile, 2.0, 5)).unwrap();
    assert_eq!(o.hours.len(), 2);
    assert_eq!(o.when, "21:00–05:00 every day");
}

#[test]
fn a_weekly_profile_names_the_busy_day() {
    let profile = json!({"kind": "weekly", "day_multipliers": [1, 1, 1, 1, 2, 0, 0]});
    let o = peak(&fleet(1.0, profile, 1.0, 1)).unwrap();
    assert_eq!(hours(&o), vec![(96.0, 120.0)]);
    assert_eq!(o.when, "Fri 00:00–24:00 every week");
    assert!((o.overloaded_share - 1.0 / 7.0).abs() < 1e-12);
}

#[test]
fn a_flat_overload_is_overloaded_all_the_time_and_unlimited_serverless_never() {
    let doc = |max: Value| {
        json!({
            "name": "t", "horizon": "1d",
            "workload": {"arrivals": {"process": "poisson", "rate_per_s": 10},
                         "service": {"dist": "exponential", "mean_s": 1}},
            "platforms": [{"name": "s", "type": "serverless", "gpu_usd_per_s": 0.001,
                           "cold_start": {"dist": "constant", "value_s": 1},
                           "max_containers": max, "queue_limit": 10}]
        })
    };
    let s = Scenario::from_value(&doc(json!(4)), "t.json").unwrap();
    let o = peak(&s).unwrap();
    assert_eq!((o.basis, o.when.as_str()), (Basis::Steady, "all the time"));
    assert_eq!((o.period_h, hours(&o)), (None, vec![(0.0, 24.0)]));
    // A bounded queue keeps it stable, but not covered at its peak.
    assert_eq!(overload(&s, &s.platforms[0]), None);
    let mut unlimited = doc(json!(4));
    unlimited["platforms"][0]
        .as_object_mut()
        .unwrap()
        .remove("max_containers");
    let s = Scenario::from_value(&unlimited, "t.json").unwrap();
    assert_eq!(peak(&s), None);
}

#[test]
fn an_mmpp_state_counts_at_its_rate_only_when_it_lasts_an_hour() {
    let doc = |holding_s: f64| {
        json!({
            "name": "t", "horizon": "1d",
            "workload": {"arrivals": {"process": "mmpp", "states": [
                            {"rate_per_s": 1, "mean_holding_s": 7200},
                            {"rate_per_s": 10, "mean_holding_s": holding_s}]},
                         "service": {"dist": "constant", "value_s": 1}},
            "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1, "instances": 8}]
        })
    };
    let s = Scenario::from_value(&doc(3600.0), "t.json").unwrap();
    let o = peak(&s).unwrap();
    assert_eq!((o.basis, o.peak_offered_load), (Basis::MmppState, 10.0));
    assert_eq!(
        o.when,
        "all the time, while the mmpp is in state 1 (10 arrivals/s, 33.3% of the time)"
    );
    // Minute-long spikes average out: mean (7200 + 600) / 7260 ≈ 1.07 < 8.
    let s = Scenario::from_value(&doc(60.0), "t.json").unwrap();
    assert_eq!(peak(&s), None);
}

#[test]
fn a_trace_is_judged_by_its_busiest_clock_hours() {
    let dir = tempfile::tempdir().unwrap();
    // 3 h of records: 1 per 10 s, then 1 per s from 01:00 to 02:00, then 1 per 10 s.
    let mut rows = vec!["timestamp_s".to_string()];
    let mut t = 0.0;
    while t < 3.0 * 3600.0 {
        rows.push(format!("{t}"));
        t += if (3600.0..7200.0).contains(&t) {
            1.0
        } else {
            10.0
        };
    }
    std::fs::write(dir.path().join("t.csv"), rows.join("\n") + "\n").unwrap();
    let doc = json!({
        "name": "t", "horizon": "1d",
        "workload": {"arrivals": {"process": "trace", "format": "csv", "path": "t.csv",
                                  "time_scale": 2},
                     "service": {"dist": "constant", "value_s": 3}},
        "platforms": [{"name": "d", "type": "dedicated", "usd_per_hour": 1, "instances": 1}]
    });
    let file = dir.path().join("s.json");
    let s = Scenario::from_value(&doc, file.to_str().unwrap()).unwrap();
    let o = peak(&s).unwrap();
    // Scaled ×2, the busy hour covers 02:00–04:00: 3600 arrivals over 2 h, 0.5/s × 3 s =
    // 1.5 concurrent requests on 1 slot; the other hours 0.05/s × 3 s = 0.15.
    assert_eq!(o.basis, Basis::TraceHours);
    assert_eq!(o.period_h, None);
    assert_eq!(hours(&o), vec![(2.0, 4.0)], "{o:?}");
    assert_eq!(o.when, "02:00–04:00");
    assert!((o.peak_offered_load - 1.5).abs() < 1e-9, "{o:?}");
    // Of the play's 2 × 3 h (and one mean gap): about a third.
    assert!((o.overloaded_share - 2.0 / 6.0).abs() < 1e-3, "{o:?}");
}
