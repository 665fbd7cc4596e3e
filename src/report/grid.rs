//! Sweep and break-even reports as text: one row per grid point, each platform's monthly
//! cost (± the 95% CI across seeds) and merged-histogram p99 side by side, for the
//! terminal or as Markdown.

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{CellAlignment, Table};
use serde_json::Value;

use super::preset_footer;
use super::table::{markdown_footer, money, seconds, with_ci};
use crate::metrics::Stat;
use crate::sweep::{BreakEvenReport, PointReport, SweepReport};

/// Where the text goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    Terminal,
    Markdown,
}

fn new_table(style: Style, header: Vec<String>) -> Table {
    let mut t = Table::new();
    let preset = match style {
        Style::Terminal => UTF8_FULL_CONDENSED,
        Style::Markdown => ASCII_MARKDOWN,
    };
    t.load_style(preset).force_no_tty().set_header(header);
    t
}

fn align_right(t: &mut Table, from: usize) {
    for column in t.column_iter_mut().skip(from) {
        column.set_cell_alignment(CellAlignment::Right);
    }
}

/// A column title over two lines on a terminal (Markdown cells cannot break).
fn two_lines(style: Style, top: &str, bottom: &str) -> String {
    match style {
        Style::Terminal => format!("{top}\n{bottom}"),
        Style::Markdown => format!("{top} {bottom}"),
    }
}

/// A parameter value as written: strings without quotes.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn p99_text(p: Option<f64>) -> String {
    p.map_or("—".into(), seconds)
}

fn paragraph(style: Style, text: &str, table: &Table) -> String {
    match style {
        Style::Terminal => format!("{text}\n{table}\n"),
        Style::Markdown => format!("{text}\n\n{table}\n"),
    }
}

/// Header row of the point columns.
fn point_columns(parameters: &[String]) -> Vec<String> {
    let mut h = vec!["#".to_string()];
    h.extend(parameters.iter().cloned());
    h
}

fn point_cells(i: usize, point: &PointReport) -> Vec<String> {
    let mut row = vec![i.to_string()];
    row.extend(point.values.0.iter().map(|(_, v)| value_text(v)));
    row
}

/// Header and rows of a text table, the first `lead` columns left-aligned.
pub(super) struct Grid {
    pub header: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub lead: usize,
}

impl Grid {
    fn table(self, style: Style) -> Table {
        let mut t = new_table(style, self.header);
        for row in self.rows {
            t.add_row(row);
        }
        align_right(&mut t, self.lead);
        t
    }
}

/// The cells of `sweep`: points × (cost / month, p99) per platform.
pub(super) fn sweep_grid(report: &SweepReport, style: Style) -> Grid {
    let names: Vec<String> = report
        .points
        .first()
        .map(|p| p.platforms.iter().map(|s| s.name.clone()).collect())
        .unwrap_or_default();
    let mut header = point_columns(&report.parameters);
    let lead = header.len();
    for n in &names {
        header.push(two_lines(style, n, "$/month"));
        header.push(two_lines(style, n, "p99"));
    }
    let rows = report
        .points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let mut row = point_cells(i, point);
            for p in &point.platforms {
                row.push(with_ci(p.cost_usd_per_month, money));
                row.push(p99_text(p.latency_s.p99));
            }
            row
        })
        .collect();
    Grid { header, rows, lead }
}

/// The sentence above the sweep table.
pub(super) fn sweep_header(report: &SweepReport) -> String {
    format!(
        "{}: sweep of {} — {} point{} × {} seed{} (master seed {}); ± is the 95% CI of the mean across seeds, p99 from the merged histogram",
        report.scenario,
        report.parameters.join(", "),
        report.points.len(),
        plural(report.points.len()),
        report.seeds,
        plural(report.seeds as usize),
        report.seed
    )
}

/// `sweep` as a table: points × (cost / month, p99) per platform, then the best points.
pub fn sweep_text(report: &SweepReport, style: Style) -> String {
    let t = sweep_grid(report, style).table(style);
    let mut out = paragraph(style, &sweep_header(report), &t);
    out.push_str(&footer(style, report.points.first()));
    if let (Some(best), Some(slo)) = (&report.best, report.slo_p99_s) {
        out.push_str(&best_text(report, best, slo, style));
    }
    out
}

/// The preset footer of a grid, from its first point (the points differ only in the
/// swept values).
fn footer(style: Style, first: Option<&PointReport>) -> String {
    let platforms = first.map_or(&[][..], |p| p.platforms.as_slice());
    match style {
        Style::Terminal => preset_footer(platforms, false),
        Style::Markdown => markdown_footer(platforms),
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The cells of the best-point table: per platform its cheapest point meeting the SLO.
pub(super) fn best_grid(report: &SweepReport, best: &[Option<crate::sweep::Best>]) -> Grid {
    let header = vec![
        "platform".into(),
        "cheapest point".into(),
        "$/month".into(),
        "p99".into(),
    ];
    let names = report.points.first().map(|p| &p.platforms);
    let rows = best
        .iter()
        .enumerate()
        .map(|(k, b)| match b {
            Some(b) => vec![
                b.platform.clone(),
                format!(
                    "#{} {}",
                    b.point,
                    b.values
                        .0
                        .iter()
                        .map(|(k, v)| format!("{k} = {}", value_text(v)))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                with_ci(Some(b.cost_usd_per_month), money),
                seconds(b.p99_latency_s),
            ],
            None => {
                let name = names
                    .and_then(|ps| ps.get(k))
                    .map_or(String::new(), |p| p.name.clone());
                vec![name, "none meets the SLO".into(), "—".into(), "—".into()]
            }
        })
        .collect();
    Grid {
        header,
        rows,
        lead: 2,
    }
}

fn best_text(
    report: &SweepReport,
    best: &[Option<crate::sweep::Best>],
    slo: f64,
    style: Style,
) -> String {
    let t = best_grid(report, best).table(style);
    let text = format!("\ncheapest point per platform with p99 ≤ {}:", seconds(slo));
    paragraph(style, &text, &t)
}

/// The cells of `breakeven`: the two cost curves and their difference paired by seed.
pub(super) fn breakeven_grid(report: &BreakEvenReport, style: Style) -> Grid {
    let [a, b] = &report.between;
    let mut header = point_columns(std::slice::from_ref(&report.parameter));
    let lead = header.len();
    header.extend([
        two_lines(style, a, "$/month"),
        two_lines(style, b, "$/month"),
        two_lines(style, &format!("{a} − {b}"), "$/month"),
    ]);
    let rows = report
        .points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let mut row = point_cells(i, point);
            for p in &point.platforms {
                row.push(with_ci(p.cost_usd_per_month, money));
            }
            let diff: Vec<f64> = point.seed_costs[0]
                .iter()
                .zip(&point.seed_costs[1])
                .map(|(x, y)| x - y)
                .collect();
            row.push(with_ci(Stat::of(&diff), money));
            row
        })
        .collect();
    Grid { header, rows, lead }
}

/// The sentence above the break-even table.
pub(super) fn breakeven_header(report: &BreakEvenReport) -> String {
    format!(
        "{}: {} ({} seed{}, master seed {}; ± is the 95% CI across seeds, the difference paired by seed)",
        report.scenario,
        report.message,
        report.seeds,
        plural(report.seeds as usize),
        report.seed
    )
}

/// `breakeven` as its sentence, then the two cost curves and their difference.
pub fn breakeven_text(report: &BreakEvenReport, style: Style) -> String {
    let t = breakeven_grid(report, style).table(style);
    paragraph(style, &breakeven_header(report), &t) + &footer(style, report.points.first())
}
