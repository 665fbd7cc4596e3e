//! CSV: one row per platform (run) or per point × platform (sweep, break-even). Every
//! figure of the JSON summary is a column, nested keys joined with dots
//! (`cost_usd_per_month.mean`, `latency_s.p99`), so keys added to the summary appear
//! without changes here. Empty cells are nulls. With an SLO a `cheapest_meeting_slo`
//! column says which row the verdict of its run or point names.

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::experiment::{Cheapest, PlatformSummary, RunReport};
use crate::sweep::{BreakEvenReport, PointReport, SweepReport};

/// Leading columns of a row, then the flattened platform summary.
struct Row {
    lead: Vec<(String, String)>,
    summary: Vec<(String, String)>,
}

/// A JSON tree that keeps keys in the order they were written (serde_json's `Value`
/// sorts them), so columns come in the summary's own order.
enum Node {
    Leaf(String),
    Map(Vec<(String, Node)>),
    Seq(Vec<Node>),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Node, D::Error> {
        d.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Node, E> {
        Ok(Node::Leaf(v.to_string()))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Node, E> {
        Ok(Node::Leaf(v.to_string()))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Node, E> {
        Ok(Node::Leaf(v.to_string()))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Node, E> {
        // The same digits as the JSON output.
        Ok(Node::Leaf(
            serde_json::Number::from_f64(v).map_or(String::new(), |n| n.to_string()),
        ))
    }
    fn visit_str<E>(self, v: &str) -> Result<Node, E> {
        Ok(Node::Leaf(v.to_string()))
    }
    fn visit_unit<E>(self) -> Result<Node, E> {
        Ok(Node::Leaf(String::new()))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Seq(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut entries = Vec::new();
        while let Some((k, v)) = map.next_entry::<String, Node>()? {
            entries.push((k, v));
        }
        Ok(Node::Map(entries))
    }
}

fn flatten(prefix: &str, node: &Node, out: &mut Vec<(String, String)>) {
    let key = |k: &str| {
        if prefix.is_empty() {
            k.to_string()
        } else {
            format!("{prefix}.{k}")
        }
    };
    match node {
        Node::Map(entries) if !entries.is_empty() => {
            for (k, child) in entries {
                flatten(&key(k), child, out);
            }
        }
        Node::Seq(items) if !items.is_empty() => {
            for (i, child) in items.iter().enumerate() {
                flatten(&key(&i.to_string()), child, out);
            }
        }
        Node::Leaf(text) => out.push((prefix.to_string(), text.clone())),
        _ => out.push((prefix.to_string(), String::new())),
    }
}

fn cell(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

fn summary_cells(p: &PlatformSummary) -> Vec<(String, String)> {
    let text = serde_json::to_string(p).expect("summaries serialize");
    let node: Node = serde_json::from_str(&text).expect("JSON just written reads back");
    let mut out = Vec::new();
    flatten("", &node, &mut out);
    // The timeline has rows of its own (`timeline_csv`), not thousands of columns.
    out.retain(|(k, _)| k != "timeline" && !k.starts_with("timeline."));
    for (k, _) in out.iter_mut().take(2) {
        // `name` and `type` lead every summary; as columns they say whose row it is.
        if k == "name" {
            *k = "platform".into();
        }
    }
    out
}

/// Writes rows under the union of their columns; a null object whose keys another row
/// has (`spot` vs `spot.interruptions.mean`) gives way to those keys.
fn write(rows: &[Row]) -> String {
    let mut lead_cols: Vec<String> = Vec::new();
    let mut cols: Vec<String> = Vec::new();
    for r in rows {
        for (k, _) in &r.lead {
            if !lead_cols.contains(k) {
                lead_cols.push(k.clone());
            }
        }
        for (k, _) in &r.summary {
            if !cols.contains(k) {
                cols.push(k.clone());
            }
        }
    }
    let parents: Vec<String> = cols
        .iter()
        .filter(|c| cols.iter().any(|d| d.starts_with(&format!("{c}."))))
        .cloned()
        .collect();
    cols.retain(|c| !parents.contains(c));
    let header: Vec<&String> = lead_cols.iter().chain(&cols).collect();
    let mut w = ::csv::Writer::from_writer(Vec::new());
    w.write_record(&header).expect("in-memory CSV");
    for r in rows {
        let find = |fields: &[(String, String)], c: &str| {
            fields
                .iter()
                .find(|(k, _)| k == c)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let record: Vec<String> = lead_cols
            .iter()
            .map(|c| find(&r.lead, c))
            .chain(cols.iter().map(|c| find(&r.summary, c)))
            .collect();
        w.write_record(&record).expect("in-memory CSV");
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV of UTF-8 text")
}

/// With an SLO, the `cheapest_meeting_slo` column of `platform`'s row: whether it is the
/// one the verdict names.
fn cheapest_cell(verdict: &Option<Option<Cheapest>>, platform: &str) -> Vec<(String, String)> {
    match verdict {
        None => vec![],
        Some(c) => {
            let named = c.as_ref().is_some_and(|c| c.platform == platform);
            vec![("cheapest_meeting_slo".to_string(), named.to_string())]
        }
    }
}

/// `run`: one row per platform, or with a timeline one row per platform × bin.
pub fn run_csv(report: &RunReport) -> String {
    if report.platforms.iter().any(|p| p.timeline.is_some()) {
        return timeline_csv(report);
    }
    let rows: Vec<Row> = report
        .platforms
        .iter()
        .map(|p| {
            let mut lead = vec![
                ("scenario".into(), report.scenario.clone()),
                ("seed".into(), report.seed.to_string()),
                ("seeds".into(), report.seeds.to_string()),
                ("horizon_s".into(), report.horizon_s.to_string()),
            ];
            lead.extend(cheapest_cell(&report.cheapest_meeting_slo, &p.name));
            Row {
                lead,
                summary: summary_cells(p),
            }
        })
        .collect();
    write(&rows)
}

fn point_rows(
    points: &[PointReport],
    lead: impl Fn(usize, usize) -> Vec<(String, String)>,
) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, point) in points.iter().enumerate() {
        for (k, p) in point.platforms.iter().enumerate() {
            let mut l = vec![("point".to_string(), i.to_string())];
            l.extend(
                point
                    .values
                    .0
                    .iter()
                    .map(|(path, v)| (path.clone(), cell(v))),
            );
            l.extend(lead(i, k));
            l.extend(cheapest_cell(&point.cheapest_meeting_slo, &p.name));
            rows.push(Row {
                lead: l,
                summary: summary_cells(p),
            });
        }
    }
    rows
}

/// `sweep`: one row per point × platform; with `--slo-p99`, `best` marks each
/// platform's cheapest point meeting it.
pub fn sweep_csv(report: &SweepReport) -> String {
    let rows = point_rows(&report.points, |i, k| match &report.best {
        Some(best) => {
            let is_best = best
                .get(k)
                .and_then(|b| b.as_ref())
                .is_some_and(|b| b.point == i);
            vec![("best".to_string(), is_best.to_string())]
        }
        None => vec![],
    });
    write(&rows)
}

/// `breakeven`: one row per point × platform, the crossing repeated on every row.
pub fn breakeven_csv(report: &BreakEvenReport) -> String {
    let c = report.crossing;
    let num = |x: Option<f64>| x.map_or(String::new(), |x| x.to_string());
    let rows = point_rows(&report.points, |_, _| {
        vec![
            ("crossing_value".to_string(), num(c.map(|c| c.value))),
            (
                "crossing_ci95_lo".to_string(),
                num(c.and_then(|c| c.ci95).map(|ci| ci[0])),
            ),
            (
                "crossing_ci95_hi".to_string(),
                num(c.and_then(|c| c.ci95).map(|ci| ci[1])),
            ),
        ]
    });
    write(&rows)
}

/// `run --timeline`: one row per platform × bin, the bins of each platform in time order
/// (docs/guide.md `timeline`).
fn timeline_csv(report: &RunReport) -> String {
    let mut w = ::csv::Writer::from_writer(Vec::new());
    let mut header = vec!["scenario", "seed", "seeds", "horizon_s", "platform", "type"];
    header.extend(TIMELINE_COLUMNS);
    w.write_record(&header).expect("in-memory CSV");
    let num = |x: f64| serde_json::Number::from_f64(x).map_or(String::new(), |n| n.to_string());
    for p in &report.platforms {
        for b in p.timeline.iter().flatten() {
            let mut record = vec![
                report.scenario.clone(),
                report.seed.to_string(),
                report.seeds.to_string(),
                report.horizon_s.to_string(),
                p.name.clone(),
                p.kind.clone(),
            ];
            record.extend(
                [
                    b.start_s,
                    b.end_s,
                    b.arrivals_per_s,
                    b.completions_per_s,
                    b.containers_mean,
                    b.containers_busy_mean,
                    b.queue_length_mean,
                    b.cost_usd,
                ]
                .map(num),
            );
            w.write_record(&record).expect("in-memory CSV");
        }
    }
    String::from_utf8(w.into_inner().expect("in-memory CSV")).expect("CSV of UTF-8 text")
}

/// The figures of a timeline bin, as its JSON keys.
const TIMELINE_COLUMNS: [&str; 8] = [
    "start_s",
    "end_s",
    "arrivals_per_s",
    "completions_per_s",
    "containers_mean",
    "containers_busy_mean",
    "queue_length_mean",
    "cost_usd",
];
