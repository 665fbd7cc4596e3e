//! `--format html`: one self-contained page per run, sweep and break-even, read back with
//! an HTML5 parser — a chart per figure, the table's rows, the scenario, the footer, no
//! script and nothing loaded from anywhere, the same bytes for any thread count.

use scraper::{ElementRef, Html, Selector};

use crate::support::*;

fn scenario(name: &str) -> String {
    project_dir()
        .join("scenarios")
        .join(name)
        .to_str()
        .unwrap()
        .to_string()
}

/// The page `servsim ARGS… --format html --quiet --threads T` prints.
fn page(args: &[&str], threads: &str) -> String {
    let mut all: Vec<&str> = args.to_vec();
    all.extend(["--format", "html", "--quiet", "--threads", threads]);
    let out = servsim().args(&all).output().unwrap();
    assert!(
        out.status.success(),
        "servsim {all:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("the page is UTF-8")
}

/// The page at one and at four threads, which must be the same bytes.
fn same_page_for_any_threads(args: &[&str]) -> Html {
    let one = page(args, "1");
    let four = page(args, "4");
    assert!(
        one == four,
        "--threads 1 and --threads 4 give different pages"
    );
    let doc = Html::parse_document(&one);
    assert_eq!(
        doc.errors,
        Vec::<std::borrow::Cow<str>>::new(),
        "HTML5 parse errors"
    );
    doc
}

fn select<'a>(doc: &'a Html, css: &str) -> Vec<ElementRef<'a>> {
    let sel = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e:?}"));
    doc.select(&sel).collect()
}

fn text(e: &ElementRef) -> String {
    e.text().collect::<String>()
}

/// Exactly one <svg> per expected chart, each inside the figure with that id, and nothing
/// run or loaded: no script, no src, no link out of the page, no url() in any style.
fn check_self_contained_with_charts(doc: &Html, charts: &[&str]) {
    assert_eq!(
        select(doc, "svg").len(),
        charts.len(),
        "one <svg> per chart"
    );
    for id in charts {
        let svgs = select(doc, &format!("figure#{id} > svg"));
        assert_eq!(svgs.len(), 1, "chart {id}");
        let shapes = svgs[0]
            .descendants()
            .filter_map(ElementRef::wrap)
            .filter(|e| ["polyline", "rect", "circle", "polygon"].contains(&e.value().name()))
            .count();
        assert!(shapes >= 10, "chart {id} draws {shapes} shapes");
    }
    assert!(select(doc, "script").is_empty(), "a <script>");
    for e in select(doc, "*") {
        for (name, value) in e.value().attrs() {
            assert!(name != "src", "<{} src={value:?}>", e.value().name());
            assert!(
                name != "href" || value.starts_with('#'),
                "<{} href={value:?}> leaves the page",
                e.value().name()
            );
            assert!(
                !value.contains("url(") && !value.contains("://"),
                "<{} {name}={value:?}>",
                e.value().name()
            );
        }
    }
    for style in select(doc, "style") {
        let css = text(&style);
        assert!(!css.contains("url(") && !css.contains("@import") && !css.contains("@font-face"));
    }
}

/// The scenario inside <details> is the file as read.
fn check_scenario(doc: &Html, file: &str) {
    let pre = select(doc, "details#scenario-json pre");
    assert_eq!(pre.len(), 1);
    assert_eq!(text(&pre[0]), std::fs::read_to_string(file).unwrap());
}

fn footer_seeds(doc: &Html) -> String {
    text(&select(doc, "footer .seeds")[0])
}

fn footer_command(doc: &Html) -> String {
    text(&select(doc, "footer code.command")[0])
}

/// The cells of `--format markdown`'s run table as (label, cells per platform), spaces
/// removed (the page puts the ± part on its own line).
fn markdown_cells(args: &[&str]) -> Vec<(String, Vec<String>)> {
    let mut all = args.to_vec();
    all.extend(["--format", "markdown", "--quiet"]);
    let out = servsim().args(&all).output().unwrap();
    let md = String::from_utf8(out.stdout).unwrap();
    md.lines()
        .filter(|l| l.starts_with('|') && !l.starts_with("|-") && !l.starts_with("| -"))
        .skip(1)
        .map(|l| {
            let cells: Vec<String> = l
                .trim_matches('|')
                .split('|')
                .map(|c| c.split_whitespace().collect())
                .collect();
            (cells[0].clone(), cells[1..].to_vec())
        })
        .collect()
}

/// The charts of the run page of three platforms: cost breakdown, latency tail and one
/// timeline per platform.
const RUN_CHARTS_OF_THREE: [&str; 5] = [
    "chart-cost-breakdown",
    "chart-latency-tail",
    "chart-timeline-0",
    "chart-timeline-1",
    "chart-timeline-2",
];

#[test]
fn a_run_page_holds_the_verdict_the_table_of_the_text_output_its_charts_and_the_scenario() {
    let file = scenario("continuous-inference.json");
    let args = ["run", file.as_str(), "--seeds", "2", "--seed", "7"];
    let doc = same_page_for_any_threads(&args);
    let mut charts = RUN_CHARTS_OF_THREE.to_vec();
    charts.push("chart-timeline-3");
    check_self_contained_with_charts(&doc, &charts);
    check_scenario(&doc, &file);
    // A row per platform, in scenario order.
    let rows = select(&doc, "table#comparison-table tbody tr");
    let names: Vec<String> = rows
        .iter()
        .map(|r| text(&r.select(&Selector::parse("th").unwrap()).next().unwrap()))
        .collect();
    assert_eq!(
        names,
        [
            "modal-article",
            "modal-lifetime",
            "spheron-on-demand",
            "spheron-spot"
        ]
    );
    // Every cell is the text table's, platforms as rows instead of columns.
    let td = Selector::parse("td").unwrap();
    let page_cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            r.select(&td)
                .map(|c| text(&c).split_whitespace().collect())
                .collect()
        })
        .collect();
    let text_table = markdown_cells(&args);
    assert_eq!(text_table.len(), page_cells[0].len());
    for (j, (label, cells)) in text_table.iter().enumerate() {
        for (k, cell) in cells.iter().enumerate() {
            assert_eq!(&page_cells[k][j], cell, "{label} of {}", names[k]);
        }
    }
    // Spot at $0.80/h and on-demand at $2.40/h for 720 h: $576 and $1,728, $1,152 apart,
    // which is 1152 / 1728 = 66.7% of on-demand's cost; periodic 2 s jobs, exactly.
    let verdict = text(&select(&doc, "#verdict .verdict")[0]);
    assert!(
        verdict.contains(
            "Cheapest overall: spheron-spot, $576.00 ± 0.00 a month, p99 2.000 s ± 0 s. That is $1,152.00 ± 0.00 a month (66.7%) less than the next cheapest, spheron-on-demand ($1,728.00 ± 0.00 a month)."
        ),
        "{verdict}"
    );
    assert!(
        verdict.contains("It also meets the latency target (p99 ≤ 10.00 s"),
        "{verdict}"
    );
    // The bars end at each platform's monthly cost: the article's $2,843.42 for busy-only.
    let bars = text(&select(&doc, "figure#chart-cost-breakdown svg")[0]);
    for total in ["$2,843.42", "$1,728.00", "$576.00"] {
        assert!(bars.contains(total), "{total} in {bars}");
    }
    let tail = text(&select(&doc, "figure#chart-latency-tail svg")[0]);
    for label in [
        "p50",
        "p90",
        "p99",
        "p99.9",
        "p99.99",
        "latency target 10.00 s",
    ] {
        assert!(tail.contains(label), "{label} in the latency chart");
    }
    assert_eq!(
        footer_seeds(&doc),
        "master seed 7, 2 seeds per platform (replicas 0–1)"
    );
    assert_eq!(
        footer_command(&doc),
        format!("servsim run {file} --seeds 2 --seed 7 --format html")
    );
}

#[test]
fn an_llm_run_page_is_the_same_for_any_thread_count() {
    let file = scenario("llm-chat-diurnal.json");
    let doc = same_page_for_any_threads(&["run", file.as_str(), "--seeds", "2"]);
    check_self_contained_with_charts(&doc, &RUN_CHARTS_OF_THREE);
    check_scenario(&doc, &file);
    assert_eq!(select(&doc, "table#comparison-table tbody tr").len(), 3);
    assert_eq!(
        footer_seeds(&doc),
        "master seed 1, 2 seeds per platform (replicas 0–1)"
    );
    // Seven days in bins of 1/500 of the horizon.
    let caption = text(&select(&doc, "figure#chart-timeline-0 figcaption")[0]);
    assert!(caption.contains("per bin of 20.2 min"), "{caption}");
    // A fixed-time service has no token tails.
    assert!(select(&doc, "figure#chart-ttft-tail, figure#chart-tpot-tail").is_empty());
}

#[test]
fn a_tokens_run_page_draws_the_ttft_and_tpot_tails_of_every_platform() {
    let file = scenario("llm-chat-diurnal-tokens.json");
    let doc = same_page_for_any_threads(&["run", file.as_str(), "--seeds", "1", "--horizon", "1d"]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let names: Vec<String> = (json["platforms"].as_array().unwrap().iter())
        .map(|p| p["name"].as_str().unwrap().to_string())
        .collect();
    assert!(names.len() >= 2, "{names:?}");
    for (id, axis) in [
        ("chart-ttft-tail", "time to first token (s), log scale"),
        ("chart-tpot-tail", "time per output token (s), log scale"),
    ] {
        let svgs = select(&doc, &format!("figure#{id} svg"));
        assert_eq!(svgs.len(), 1, "{id}");
        let chart = text(&svgs[0]);
        assert!(chart.contains(axis), "{axis} in {id}");
        for label in ["p50", "p99", "p99.9"] {
            assert!(chart.contains(label), "{label} in {id}");
        }
        for name in &names {
            assert!(
                chart.contains(name.as_str()),
                "{name} in the legend of {id}"
            );
        }
    }
}

#[test]
fn a_sweep_page_draws_cost_and_p99_curves_with_the_target_and_names_the_cheapest_meeting_it() {
    let file = scenario("realtime-slo.json");
    let args = [
        "sweep",
        file.as_str(),
        "--param",
        "platforms.0.scaledown_window_s",
        "--values",
        "60,1200",
        "--slo-p99",
        "0.2",
        "--seeds",
        "2",
    ];
    let doc = same_page_for_any_threads(&args);
    check_self_contained_with_charts(
        &doc,
        &[
            "chart-sweep-cost",
            "chart-sweep-p99",
            "chart-cost-breakdown",
            "chart-latency-tail",
        ],
    );
    check_scenario(&doc, &file);
    assert_eq!(select(&doc, "table#sweep-table tbody tr").len(), 2);
    assert_eq!(select(&doc, "table#best-table tbody tr").len(), 4);
    // Scale-to-zero is cheapest but waits ~30 s for cold starts; the dedicated VM is the
    // cheapest that meets 200 ms, and it does not depend on the swept window.
    let verdict = text(&select(&doc, "#verdict .verdict")[0]);
    assert!(
        verdict.contains("Cheapest overall: modal-scale-to-zero at platforms.0.scaledown_window_s = 60 (point #0)"),
        "{verdict}"
    );
    assert!(
        verdict.contains("Cheapest meeting the latency target (p99 ≤ 200.0 ms with at least 99% of requests completed, from --slo-p99): spheron-on-demand, $1,728.00 ± 0.00 a month"),
        "{verdict}"
    );
    let p99 = text(&select(&doc, "figure#chart-sweep-p99 svg")[0]);
    assert!(p99.contains("target: p99 ≤ 200.0 ms"), "{p99}");
    // The charts of the recommended point are those of point #0.
    assert!(text(&select(&doc, "figure#chart-latency-tail svg")[0]).contains("at point #0"));
    // Sweeps record no timeline; the page says where to find them.
    let note = text(&select(&doc, "#timeline p.meta")[0]);
    assert!(note.starts_with("Timelines are recorded by runs"), "{note}");
    assert_eq!(
        select(&doc, "table#sweep-table tbody tr.chosen").len(),
        1,
        "the recommended point is highlighted"
    );
    assert_eq!(
        footer_seeds(&doc),
        "master seed 1, 2 seeds per platform (replicas 0–1)"
    );
}

#[test]
fn a_breakeven_page_marks_the_crossing() {
    let file = scenario("breakeven-h100.json");
    let args = [
        "breakeven",
        file.as_str(),
        "--param",
        "workload.rate_profile.windows.0.end_h",
        "--range",
        "10:18:2",
        "--between",
        "modal-busy-only",
        "spheron-on-demand",
    ];
    let doc = same_page_for_any_threads(&args);
    check_self_contained_with_charts(&doc, &["chart-breakeven", "chart-breakeven-p99"]);
    check_scenario(&doc, &file);
    assert_eq!(select(&doc, "table#breakeven-table tbody tr").len(), 5);
    // Busy-only Modal costs $0.001097 × 3600 × 30 = $118.476 a month per hour of window,
    // $1,184.76 at 10 h and $2,132.57 at 18 h; both lines are straight, so they cross at
    // 1728 / 118.476 = 14.5852 h exactly.
    let verdict = text(&select(&doc, "#verdict .verdict")[0]);
    assert!(verdict.contains("= 14.5852"), "{verdict}");
    assert!(
        verdict.contains("modal-busy-only goes from $1,184.76 ± 0.00 to $2,132.57 ± 0.00 a month"),
        "{verdict}"
    );
    assert!(
        verdict.contains("spheron-on-demand from $1,728.00 ± 0.00 to $1,728.00 ± 0.00 a month"),
        "{verdict}"
    );
    let chart = text(&select(&doc, "figure#chart-breakeven svg")[0]);
    assert!(chart.contains("crossing 14.585"), "{chart}");
    assert_eq!(
        footer_seeds(&doc),
        "master seed 1, 4 seeds per platform (replicas 0–3)"
    );
}

#[test]
fn merged_shards_give_the_page_of_the_unsharded_run_but_for_the_command() {
    let file = scenario("llm-chat-diurnal.json");
    let dir = tempfile::tempdir().unwrap();
    let mut parts = Vec::new();
    for k in ["1/2", "2/2"] {
        let part = dir.path().join(format!("part{}.json", &k[..1]));
        let out = servsim()
            .args([
                "run",
                file.as_str(),
                "--seeds",
                "2",
                "--shard",
                k,
                // The bins the page of an unsharded run records: 7 d / 500.
                "--timeline",
                "1209.6s",
                "--quiet",
            ])
            .args(["--output", s(&part)])
            .output()
            .unwrap();
        assert!(out.status.success());
        parts.push(part);
    }
    let merged = page(&["merge", s(&parts[0]), s(&parts[1])], "2");
    let direct = page(&["run", file.as_str(), "--seeds", "2"], "2");
    let body = |html: &str| html[..html.find("<details").unwrap()].to_string();
    assert_eq!(body(&merged), body(&direct));
}
