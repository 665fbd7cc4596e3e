//! `--plot`: well-formed SVG with a series per platform, for sweep, breakeven and run.

use crate::support::*;
use crate::sweep::{s, small_scenario, stdout_of};

/// The elements of an SVG document with tag `name`, and all its text.
fn svg_parts(svg: &str, name: &str) -> (usize, String) {
    let doc = roxmltree::Document::parse(svg).expect("well-formed SVG");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let count = doc
        .descendants()
        .filter(|n| n.tag_name().name() == name)
        .count();
    let text: String = doc
        .descendants()
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("\n");
    (count, text)
}

#[test]
fn plots_are_well_formed_svg_with_a_series_per_platform() {
    let (dir, path) = scenario_file(&small_scenario());
    let svg = dir.path().join("sweep.svg");
    stdout_of(&[
        "sweep",
        s(&path),
        "--param",
        "workload.arrivals.rate_per_s",
        "--values",
        "0.01,0.03,0.05",
        "--seeds",
        "2",
        "--plot",
        s(&svg),
        "--quiet",
    ]);
    let (lines, text) = svg_parts(&std::fs::read_to_string(&svg).unwrap(), "polyline");
    assert!(lines >= 2, "a line per platform, found {lines}");
    for name in [
        "serverless",
        "dedicated",
        "workload.arrivals.rate_per_s",
        "exports: cost per month",
    ] {
        assert!(text.contains(name), "missing {name:?}");
    }
    let be = dir.path().join("breakeven.svg");
    stdout_of(&[
        "breakeven",
        s(&path),
        "--param",
        "workload.arrivals.rate_per_s",
        "--range",
        "0.01:0.05:0.02",
        "--between",
        "serverless",
        "dedicated",
        "--plot",
        s(&be),
        "--quiet",
    ]);
    let (lines, text) = svg_parts(&std::fs::read_to_string(&be).unwrap(), "polyline");
    assert!(lines >= 3, "two cost lines and the crossing, found {lines}");
    assert!(text.contains("crossing 0.0"), "{text}");
    let cdf = dir.path().join("cdf.svg");
    stdout_of(&["run", s(&path), "--plot", s(&cdf), "--quiet"]);
    let (lines, text) = svg_parts(&std::fs::read_to_string(&cdf).unwrap(), "polyline");
    assert!(lines >= 2, "a latency tail per platform, found {lines}");
    assert!(
        text.contains("serverless") && text.contains("dedicated") && text.contains("latency tail"),
        "{text}"
    );
}
