//! The foundation's oracles: article figures, queueing theory, billing identities,
//! conservation and determinism.

use serde_json::json;

use crate::support::*;

fn assert_close(actual: f64, expected: f64, rel: f64, what: &str) {
    assert!(
        ((actual - expected) / expected).abs() <= rel,
        "{what}: {actual} vs expected {expected} (rel tol {rel})"
    );
}

#[test]
fn continuous_inference_reproduces_the_article_figures() {
    let report = run_json(
        &project_dir().join("scenarios/continuous-inference.json"),
        &["--seeds", "2"],
    );
    // 720 h × 3600 s × $0.001097/s; 720 h × $2.40; 720 h × $0.80.
    assert_close(
        mean(platform(&report, "modal-article"), "cost_usd_per_month"),
        2843.424,
        1e-9,
        "modal busy_only",
    );
    assert_close(
        mean(platform(&report, "spheron-on-demand"), "cost_usd_per_month"),
        1728.0,
        1e-12,
        "on-demand",
    );
    assert_close(
        mean(platform(&report, "spheron-spot"), "cost_usd_per_month"),
        576.0,
        1e-12,
        "spot",
    );
    let lifetime = mean(platform(&report, "modal-lifetime"), "cost_usd_per_month");
    assert!(
        lifetime > 2843.424,
        "lifetime billing adds cold starts, CPU and memory: {lifetime}"
    );
    for p in report["platforms"].as_array().unwrap() {
        assert_conserved(p);
    }
}

#[test]
fn burst_batch_reproduces_the_article_figures() {
    let report = run_json(
        &project_dir().join("scenarios/burst-batch.json"),
        &["--seeds", "2"],
    );
    // 2 h/day × 30 days × 3600 s × $0.001097/s.
    let article = platform(&report, "modal-article");
    assert_close(
        mean(article, "cost_usd_per_month"),
        236.952,
        1e-9,
        "modal busy_only",
    );
    assert_close(
        mean(platform(&report, "spheron-on-demand"), "cost_usd_per_month"),
        1728.0,
        1e-12,
        "on-demand",
    );
    // Back-to-back 2 s jobs for 2 h a day: exactly 3,600 a day.
    assert_eq!(article["requests"]["completed"]["mean"], 108_000.0);
    let lifetime = mean(platform(&report, "modal-lifetime"), "cost_usd_per_month");
    assert!(
        lifetime > 236.952 * 1.05,
        "daily cold starts and idle windows are billed: {lifetime}"
    );
}

/// M/M/1 at ρ = 0.7: the mean response time is 1/(μ − λ) = 1/(1 − 0.7) s.
#[test]
fn dedicated_mm1_mean_response_matches_queueing_theory() {
    let scenario = json!({
        "name": "mm1", "horizon": 1_000_000, "seeds": 4, "seed": 11,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": 0.7},
                     "service": {"dist": "exponential", "mean_s": 1.0}},
        "platforms": [{"name": "vm", "type": "dedicated", "usd_per_hour": 1.0}]
    });
    let (_dir, path) = scenario_file(&scenario);
    let report = run_json(&path, &[]);
    let vm = platform(&report, "vm");
    // 2.8M requests: the standard error of the mean response is ~0.4% at this ρ (the
    // asymptotic variance of M/M/1 sojourn means), so 3% is several standard errors.
    let mean_latency = vm["latency_s"]["mean"].as_f64().unwrap();
    assert_close(mean_latency, 1.0 / (1.0 - 0.7), 0.03, "M/M/1 mean response");
    // Mean wait ρ/(μ − λ); utilization ρ.
    assert_close(
        vm["wait_s"]["mean"].as_f64().unwrap(),
        0.7 / 0.3,
        0.03,
        "M/M/1 mean wait",
    );
    assert_close(mean(vm, "gpu_utilization"), 0.7, 0.01, "utilization");
    assert_conserved(vm);
}

/// With no cold start and busy-only billing without rounding, the bill is exactly the
/// GPU-busy seconds times the price.
#[test]
fn zero_cold_start_busy_only_cost_is_busy_seconds_times_price() {
    let price = 0.001097;
    let scenario = json!({
        "name": "exact", "horizon": "1d", "seeds": 3,
        "workload": {
            "arrivals": {"process": "poisson", "rate_per_s": 0.5},
            "rate_profile": {"kind": "daily_windows", "windows": [{"start_h": 0, "end_h": 20}]},
            "service": {"dist": "lognormal", "mean_s": 3, "cv": 0.5}
        },
        "platforms": [{"name": "s", "type": "serverless", "gpu_usd_per_s": price, "cpu_cores": 0, "memory_gib": 0,
                       "cold_start": {"dist": "constant", "value_s": 0},
                       "billing": {"mode": "busy_only", "granularity_s": 0}}]
    });
    let (_dir, path) = scenario_file(&scenario);
    let report = run_json(&path, &["--seeds", "1"]);
    let s = platform(&report, "s");
    assert_eq!(
        s["requests"]["in_flight_at_end"]["mean"], 0.0,
        "the last 4 h are quiet"
    );
    let completed = s["requests"]["completed"]["mean"].as_f64().unwrap();
    // Every request starts on arrival, so its latency is its service demand; the exact
    // mean latency times the count is the total busy time.
    assert_eq!(s["wait_s"]["max"], 0.0);
    let busy_s = s["latency_s"]["mean"].as_f64().unwrap() * completed;
    let cost = mean(s, "cost_usd");
    assert!(
        ((cost - busy_s * price) / cost).abs() < 1e-12,
        "cost {cost} vs busy {busy_s} s × price"
    );
    assert_close(
        mean(s, "gpu_utilization"),
        1.0,
        1e-12,
        "busy-only bills only busy time",
    );
}

/// One request in an empty system: lifetime billing is cold start + service + scaledown
/// window, to the nanosecond, and rounds up to the granularity.
#[test]
fn a_single_request_bills_cold_start_service_and_window() {
    for (granularity, billed_s) in [(1, 30.0 + 2.5 + 60.0), (60, 120.0)] {
        let scenario = json!({
            "name": "one", "horizon": "1h", "seeds": 1,
            "workload": {"arrivals": {"process": "periodic", "interval_s": 7200},
                         "service": {"dist": "constant", "value_s": 2.5}},
            "platforms": [{"name": "s", "type": "serverless", "gpu_usd_per_s": 1.0, "cpu_cores": 0, "memory_gib": 0,
                           "cold_start": {"dist": "constant", "value_s": 30}, "scaledown_window_s": 60,
                           "billing": {"mode": "lifetime", "granularity_s": granularity}}]
        });
        let (_dir, path) = scenario_file(&scenario);
        let s = platform(&run_json(&path, &[]), "s").clone();
        let billed = if granularity == 1 { 93.0 } else { billed_s };
        assert_close(
            mean(&s, "cost_usd"),
            billed,
            1e-12,
            "billed seconds at $1/s",
        );
        assert_eq!(s["cost_breakdown_usd"]["startup"]["mean"], 30.0);
        assert_eq!(s["cost_breakdown_usd"]["busy"]["mean"], 2.5);
        assert_close(
            s["latency_s"]["mean"].as_f64().unwrap(),
            32.5,
            1e-12,
            "cold start + service",
        );
        assert_eq!(s["cold_start_fraction"]["mean"], 1.0);
        assert_close(
            s["cold_start_wait_s"]["mean"].as_f64().unwrap(),
            30.0,
            1e-12,
            "cold-start wait",
        );
    }
}

#[test]
fn output_is_byte_identical_for_any_thread_count() {
    let scenario = json!({
        "name": "det", "horizon": "2h", "seeds": 6,
        "workload": {"arrivals": {"process": "poisson", "rate_per_s": 3},
                     "service": {"dist": "lognormal", "mean_s": 0.4, "cv": 1.5}},
        "platforms": [
            {"name": "s", "type": "serverless", "gpu_usd_per_s": 0.001,
             "cold_start": {"dist": "lognormal", "mean_s": 8, "cv": 0.5}, "scaledown_window_s": 20},
            {"name": "d", "type": "dedicated", "usd_per_hour": 2.4, "instances": 2}
        ]
    });
    let (_dir, path) = scenario_file(&scenario);
    let run = |threads: &str| {
        servsim()
            .arg("run")
            .arg(&path)
            .args(["--format", "json", "--threads", threads])
            .output()
            .unwrap()
            .stdout
    };
    let one = run("1");
    assert!(!one.is_empty());
    assert_eq!(one, run("4"));
    assert_eq!(one, run("2"));
    let other_seed = servsim()
        .arg("run")
        .arg(&path)
        .args(["--format", "json", "--seed", "2"])
        .output()
        .unwrap()
        .stdout;
    assert_ne!(one, other_seed, "the master seed matters");
}

#[test]
fn every_shipped_scenario_validates_and_runs() {
    let dir = project_dir().join("scenarios");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "json"));
    files.sort();
    assert!(files.len() >= 2);
    for f in &files {
        let out = servsim().arg("validate").arg(f).output().unwrap();
        assert!(
            out.status.success(),
            "{}: {}",
            f.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let text: serde_json::Value = serde_json::from_slice(&std::fs::read(f).unwrap()).unwrap();
        assert!(
            text["description"].as_str().is_some_and(|d| !d.is_empty()),
            "{} has a description",
            f.display()
        );
        let report = run_json(f, &["--seeds", "2"]);
        for p in report["platforms"].as_array().unwrap() {
            assert_conserved(p);
        }
    }
}

#[test]
fn json_output_has_exactly_the_spec_keys() {
    let path = project_dir().join("scenarios/burst-batch.json");
    let out = servsim()
        .arg("run")
        .arg(&path)
        .args(["--format", "json", "--seeds", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    let keys = |v: &serde_json::Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    let top = [
        "servsim_version",
        "scenario",
        "seed",
        "seeds",
        "horizon_s",
        "platforms",
    ];
    let mut sorted_top = top.to_vec();
    sorted_top.sort();
    assert_eq!(keys(&report), sorted_top, "exactly these top-level keys");
    let positions: Vec<usize> = top
        .iter()
        .map(|k| text.find(&format!("\"{k}\"")).unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|w| w[0] < w[1]),
        "top-level keys in SPEC order"
    );
    let p = &report["platforms"][0];
    for key in [
        "name",
        "type",
        "requests",
        "latency_s",
        "wait_s",
        "cold_start_wait_s",
        "p99_latency_s",
        "slo_attainment",
        "cold_start_fraction",
        "containers_started",
        "containers_mean",
        "containers_busy_mean",
        "containers_idle_mean",
        "containers_max",
        "gpu_utilization",
        "cost_usd",
        "cost_usd_per_month",
        "cost_usd_per_million_requests",
        "cost_breakdown_usd",
        "spot",
        "overflow_fraction",
    ] {
        assert!(p.get(key).is_some(), "missing {key}");
    }
    fn sorted(mut v: Vec<&'static str>) -> Vec<&'static str> {
        v.sort();
        v
    }
    assert_eq!(
        keys(&p["requests"]),
        sorted(vec![
            "arrived",
            "completed",
            "rejected",
            "timed_out",
            "failed",
            "in_flight_at_end"
        ])
    );
    assert_eq!(
        keys(&p["latency_s"]),
        sorted(vec!["mean", "p50", "p90", "p95", "p99", "p999", "max"])
    );
    assert_eq!(
        keys(&p["cost_usd"]),
        sorted(vec![
            "mean", "std", "ci95", "min", "p5", "p50", "p95", "max"
        ])
    );
}
