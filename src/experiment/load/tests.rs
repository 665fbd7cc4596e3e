use serde_json::json;

use super::*;

fn scenario(arrivals: serde_json::Value, service_s: f64, platform: serde_json::Value) -> Scenario {
    let doc = json!({
        "name": "t", "horizon": "1d", "seeds": 1,
        "workload": {"arrivals": arrivals, "service": {"dist": "exponential", "mean_s": service_s}},
        "platforms": [platform]
    });
    Scenario::from_value(&doc, "t.json").unwrap()
}

fn dedicated(gpus: u32) -> serde_json::Value {
    json!({"name": "d", "type": "dedicated", "usd_per_hour": 1, "instances": gpus})
}

#[test]
fn a_fleet_is_overloaded_once_the_offered_load_reaches_its_slots() {
    let poisson = |rate: f64| json!({"process": "poisson", "rate_per_s": rate});
    let s = scenario(poisson(3.9), 1.0, dedicated(4));
    assert_eq!(overload(&s, &s.platforms[0]), None);
    let s = scenario(poisson(4.0), 1.0, dedicated(4));
    let o = overload(&s, &s.platforms[0]).expect("ρ = 1 with random arrivals is unstable");
    assert_eq!((o.offered, o.capacity), (4.0, 4.0));
    // A queue limit or a give-up timeout bounds the queue.
    let mut limited = dedicated(4);
    limited["queue_limit"] = json!(100);
    let s = scenario(poisson(8.0), 1.0, limited);
    assert_eq!(overload(&s, &s.platforms[0]), None);
}

#[test]
fn back_to_back_deterministic_work_at_full_load_is_stable() {
    let doc = json!({
        "name": "t", "horizon": "1d",
        "workload": {"arrivals": {"process": "periodic", "interval_s": 2},
                     "service": {"dist": "constant", "value_s": 2}},
        "platforms": [dedicated(1)]
    });
    let s = Scenario::from_value(&doc, "t.json").unwrap();
    assert_eq!(overload(&s, &s.platforms[0]), None);
}

#[test]
fn serverless_capacity_is_unlimited_without_max_containers() {
    let modal = |max: Option<u32>| {
        let mut p = json!({"name": "s", "type": "serverless", "gpu_usd_per_s": 0.001,
                           "cold_start": {"dist": "constant", "value_s": 1}, "max_inputs": 2});
        if let Some(m) = max {
            p["max_containers"] = json!(m);
        }
        p
    };
    let poisson = json!({"process": "poisson", "rate_per_s": 100});
    let s = scenario(poisson.clone(), 1.0, modal(None));
    assert_eq!(overload(&s, &s.platforms[0]), None);
    let s = scenario(poisson, 1.0, modal(Some(40)));
    let o = overload(&s, &s.platforms[0]).unwrap();
    assert_eq!((o.offered, o.capacity), (100.0, 80.0));
}

#[test]
fn expected_events_follow_the_rate_profile_and_the_bursts() {
    let doc = json!({
        "name": "t", "horizon": "2d",
        "workload": {
            "arrivals": [{"process": "poisson", "rate_per_s": 10},
                         {"process": "bursts", "every_s": "1d", "offset_s": "1h", "count": 1000}],
            "rate_profile": {"kind": "daily_windows", "windows": [{"start_h": 0, "end_h": 6}]},
            "service": {"dist": "constant", "value_s": 1}},
        "platforms": [dedicated(1)]
    });
    let s = Scenario::from_value(&doc, "t.json").unwrap();
    // 10/s for 6 h on each of 2 days, plus 2 bursts of 1000.
    let expected = 10.0 * 6.0 * 3600.0 * 2.0 + 2000.0;
    assert!((expected_events(&s, &s.platforms[0]) - expected).abs() < 1e-6);
    assert_eq!(expected_work(&s, 3.0), 3.0 * expected);
}

#[test]
fn long_work_needs_force_and_absurd_work_never_runs() {
    assert_eq!(too_much_work(FORCE_ABOVE_EVENTS, false), None);
    let why = too_much_work(2.0 * FORCE_ABOVE_EVENTS, false).unwrap();
    assert!(why.contains("add --force"), "{why}");
    assert_eq!(too_much_work(2.0 * FORCE_ABOVE_EVENTS, true), None);
    for absurd in [2.0 * REFUSE_ABOVE_EVENTS, f64::INFINITY, f64::NAN] {
        let why = too_much_work(absurd, true).unwrap();
        assert!(why.contains("even with --force"), "{why}");
    }
}

#[test]
fn a_warm_pool_with_a_tiny_window_counts_its_timer_churn() {
    let mut p = json!({"name": "s", "type": "serverless", "gpu_usd_per_s": 0.001,
                       "cold_start": {"dist": "constant", "value_s": 1},
                       "min_containers": 1000, "scaledown_window_s": 0.001});
    let s = scenario(
        json!({"process": "poisson", "rate_per_s": 1}),
        1.0,
        p.clone(),
    );
    // 1000 containers re-arm every millisecond for a day: 8.64·10^10 timer events.
    assert!(expected_events(&s, &s.platforms[0]) > 8.6e10);
    p["scaledown_window_s"] = json!(60);
    let s = scenario(json!({"process": "poisson", "rate_per_s": 1}), 1.0, p);
    assert!(expected_events(&s, &s.platforms[0]) < 2e6);
}

#[test]
fn every_shipped_scenario_is_far_below_the_force_threshold() {
    let mut largest = (0.0, String::new());
    for entry in std::fs::read_dir("scenarios").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|x| x != "json") {
            continue;
        }
        let s = Scenario::from_file(&path).unwrap();
        let work = expected_work(&s, s.seeds as f64);
        if work > largest.0 {
            largest = (work, s.name.clone());
        }
    }
    assert!(largest.0 < FORCE_ABOVE_EVENTS / 10.0, "{largest:?}");
    eprintln!(
        "largest shipped scenario: {} with {:.3e} expected events",
        largest.1, largest.0
    );
}

#[test]
fn thousands_of_replicas_at_once_need_force() {
    let limit = FORCE_ABOVE_REPLICAS as f64;
    assert_eq!(too_many_replicas(limit, false), None);
    let why = too_many_replicas(limit + 1.0, false).unwrap();
    assert!(why.contains("add --force"), "{why}");
    assert_eq!(too_many_replicas(limit + 1.0, true), None);
    let why = too_many_replicas(4e9, true).unwrap();
    assert!(why.contains("even with --force"), "{why}");
}
