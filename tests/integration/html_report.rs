//! `--format html`: one self-contained page per report, parsed with an HTML5 parser.

use scraper::{Html, Selector};

use crate::support::project_dir;
use crate::sweep::stdout_of;

fn select<'a>(doc: &'a Html, css: &str) -> Vec<scraper::ElementRef<'a>> {
    doc.select(&Selector::parse(css).unwrap()).collect()
}

/// Nothing on the page is fetched: no script, and no attribute or style pointing at a URL.
fn assert_self_contained(page: &str, doc: &Html) {
    assert!(select(doc, "script").is_empty(), "a <script> in the page");
    for el in select(doc, "[src], [href], link, iframe, img") {
        for (name, value) in el.value().attrs() {
            let external = value.contains("://") || value.starts_with("//");
            assert!(
                !(matches!(name, "src" | "href") && external),
                "{name}={value}"
            );
        }
    }
    assert!(!page.contains("url(http"), "a stylesheet URL");
    assert!(!page.contains("@import"), "an imported stylesheet");
}

fn scenario(name: &str) -> String {
    project_dir()
        .join("scenarios")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

#[test]
fn a_run_report_is_one_self_contained_page_with_its_sections_and_the_same_bytes_for_any_thread_count()
 {
    for name in ["continuous-inference.json", "llm-chat-diurnal.json"] {
        let file = scenario(name);
        let args = ["run", &file, "--format", "html", "--seeds", "2", "--quiet"];
        let one = stdout_of(&[&args[..], &["--threads", "1"]].concat());
        let four = stdout_of(&[&args[..], &["--threads", "4"]].concat());
        assert!(
            one == four,
            "{name}: --threads 1 and 4 give different pages"
        );
        let doc = Html::parse_document(&one);
        assert_self_contained(&one, &doc);
        let headings: Vec<String> = select(&doc, "h2")
            .iter()
            .map(|h| h.text().collect())
            .collect();
        for wanted in [
            "Verdict",
            "Comparison",
            "Where the money goes",
            "Latency tail",
        ] {
            assert!(
                headings.iter().any(|h| h == wanted),
                "{name}: no {wanted:?} in {headings:?}"
            );
        }
        assert!(
            select(&doc, "svg").len() >= 2,
            "{name}: cost bars and latency tail charts"
        );
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let listed = json["platforms"].as_array().unwrap().len();
        let rows = select(&doc, "table tbody tr").len();
        assert!(
            rows >= listed,
            "{name}: {rows} table rows for {listed} platforms"
        );
        let details: String = select(&doc, "details#scenario-json pre")
            .iter()
            .flat_map(|d| d.text())
            .collect();
        let embedded: serde_json::Value = serde_json::from_str(&details).expect("scenario JSON");
        assert_eq!(embedded["name"], json["name"], "{name}");
        let seeds: String = select(&doc, "footer .seeds")
            .iter()
            .flat_map(|s| s.text())
            .collect();
        assert!(seeds.contains("2 seeds"), "{name}: footer says {seeds:?}");
    }
}

#[test]
fn a_sweep_report_draws_its_curves_and_the_latency_target() {
    let file = scenario("realtime-slo.json");
    let page = stdout_of(&[
        "sweep",
        &file,
        "--param",
        "workload.arrivals.rate_per_s",
        "--values",
        "0.001,0.01",
        "--seeds",
        "2",
        "--format",
        "html",
        "--quiet",
    ]);
    let doc = Html::parse_document(&page);
    assert_self_contained(&page, &doc);
    let headings: Vec<String> = select(&doc, "h2")
        .iter()
        .map(|h| h.text().collect())
        .collect();
    assert!(
        headings
            .iter()
            .any(|h| h == "Cost and p99 across the sweep"),
        "{headings:?}"
    );
    // The sweep curves, the cost bars and the latency tail.
    assert!(
        select(&doc, "svg").len() >= 3,
        "{}",
        select(&doc, "svg").len()
    );
    let text: String = doc.root_element().text().collect();
    assert!(
        text.contains("latency target 200.0 ms"),
        "the scenario's slo.latency_s line"
    );
}
