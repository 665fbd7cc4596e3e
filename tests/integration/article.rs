//! The article's two worked examples, one H100 busy all day and batch jobs two hours a
//! day: the monthly costs it states, to the cent, and what real billing adds to them.

use crate::support::*;

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
