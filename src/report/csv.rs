//! CSV: one row per platform (run) or per point × platform (sweep, break-even). Every
//! figure of the JSON summary is a column, nested keys joined with dots
//! (`cost_usd_per_month.mean`, `latency_s.p99`), so keys added to the summary appear
//! without changes here. Empty cells are nulls.

use serde_json::Value;

use crate::experiment::{PlatformSummary, RunReport};
use crate::sweep::{BreakEvenReport, PointReport, SweepReport};

/// Leading columns of a row, then the flattened platform summary.
struct Row {
    lead: Vec<(String, String)>,
    summary: Vec<(String, String)>,
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    let key = |k: &str| {
        if prefix.is_empty() { k.to_string() } else { format!("{prefix}.{k}") }
    };
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                flatten(&key(k), child, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                flatten(&key(&i.to_string()), child, out);
            }
        }
        Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        other => out.push((prefix.to_string(), other.to_string())),
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
    let mut out = vec![("platform".to_string(), p.name.clone()), ("type".to_string(), p.kind.clone())];
    let mut v = serde_json::to_value(p).expect("summaries serialize");
    if let Value::Object(map) = &mut v {
        map.remove("name");
        map.remove("type");
    }
    flatten("", &v, &mut out);
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
            fields.iter().find(|(k, _)| k == c).map(|(_, v)| v.clone()).unwrap_or_default()
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

/// `run`: one row per platform.
pub fn run_csv(report: &RunReport) -> String {
    let rows: Vec<Row> = report
        .platforms
        .iter()
        .map(|p| Row {
            lead: vec![
                ("scenario".into(), report.scenario.clone()),
                ("seed".into(), report.seed.to_string()),
                ("seeds".into(), report.seeds.to_string()),
                ("horizon_s".into(), report.horizon_s.to_string()),
            ],
            summary: summary_cells(p),
        })
        .collect();
    write(&rows)
}

fn point_rows(points: &[PointReport], lead: impl Fn(usize, usize) -> Vec<(String, String)>) -> Vec<Row> {
    let mut rows = Vec::new();
    for (i, point) in points.iter().enumerate() {
        for (k, p) in point.platforms.iter().enumerate() {
            let mut l = vec![("point".to_string(), i.to_string())];
            l.extend(point.values.0.iter().map(|(path, v)| (path.clone(), cell(v))));
            l.extend(lead(i, k));
            rows.push(Row { lead: l, summary: summary_cells(p) });
        }
    }
    rows
}

/// `sweep`: one row per point × platform; with `--slo-p99`, `best` marks each
/// platform's cheapest point meeting it.
pub fn sweep_csv(report: &SweepReport) -> String {
    let rows = point_rows(&report.points, |i, k| match &report.best {
        Some(best) => {
            let is_best = best.get(k).and_then(|b| b.as_ref()).is_some_and(|b| b.point == i);
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
            ("crossing_ci95_lo".to_string(), num(c.and_then(|c| c.ci95).map(|ci| ci[0]))),
            ("crossing_ci95_hi".to_string(), num(c.and_then(|c| c.ci95).map(|ci| ci[1]))),
        ]
    });
    write(&rows)
}
