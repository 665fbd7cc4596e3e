//! Sweep and break-even reports as text: one row per grid point, each platform's monthly
//! cost (± the 95% CI across seeds) and merged-histogram p99 (± the CI of the per-seed
//! p99s) side by side, with an SLO the verdict at each point and each platform's cheapest
//! point meeting it, for the terminal or as Markdown.

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{CellAlignment, Table};
use serde_json::Value;

use super::preset_footer;
use super::table::{
    PERCENTILES_NOTE, markdown_footer, money, peak_cell, percentile, seconds, with_ci,
};
use crate::experiment::{PlatformSummary, SloTargets};
use crate::metrics::Stat;
use crate::sweep::{BreakEvenReport, PointReport, SweepReport, describe_values};

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
    // A tokens service adds each platform's merged TTFT and TPOT p99.
    let tokens = report
        .points
        .iter()
        .any(|p| p.platforms.iter().any(|s| s.tokens.is_some()));
    for n in &names {
        header.push(two_lines(style, n, "$/month"));
        header.push(two_lines(style, n, "p99"));
        if tokens {
            header.push(two_lines(style, n, "TTFT p99"));
            header.push(two_lines(style, n, "TPOT p99"));
        }
    }
    let rows = report
        .points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let mut row = point_cells(i, point);
            for p in &point.platforms {
                row.push(with_ci(p.cost_usd_per_month, money));
                row.push(p99_cell(p));
                if tokens {
                    let t = p.tokens.as_ref();
                    let (ttft, tpot) = (t.and_then(|t| t.ttft_s.p99), t.and_then(|t| t.tpot_s.p99));
                    row.push(percentile(ttft, t.and_then(|t| t.per_seed.ttft_p99_s)));
                    row.push(percentile(tpot, t.and_then(|t| t.per_seed.tpot_p99_s)));
                }
            }
            row
        })
        .collect();
    Grid { header, rows, lead }
}

/// A platform's merged p99 latency ± the CI of its per-seed p99s.
fn p99_cell(p: &PlatformSummary) -> String {
    percentile(p.latency_s.p99, p.p99_latency_s)
}

/// The sentence above the sweep table.
pub(super) fn sweep_header(report: &SweepReport) -> String {
    format!(
        "{}: sweep of {} — {} point{} × {} seed{} (master seed {}); ± is the 95% CI of the mean across seeds; {PERCENTILES_NOTE}",
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
    out.push_str(&peak_lines(&report.points, style));
    out.push_str(&footer(style, report.points.first()));
    if let Some(best) = &report.best {
        out.push_str(&verdict_text(&report.parameters, &report.points, style));
        out.push_str(&best_text(report, best, style));
    }
    out
}

/// One line per point and platform overloaded at the workload's peak
/// (docs/semantics.md#overloaded-at-peak), under the table; nothing when none is.
fn peak_lines(points: &[PointReport], style: Style) -> String {
    let mut lines = Vec::new();
    for (i, point) in points.iter().enumerate() {
        for p in &point.platforms {
            if let Some(o) = &p.overloaded_at_peak {
                let at = describe_values(&point.values.0);
                lines.push(format!(
                    "overloaded at peak (load > slots): #{i} ({at}) {}: {}",
                    p.name,
                    peak_cell(o)
                ));
            }
        }
    }
    match style {
        _ if lines.is_empty() => String::new(),
        Style::Terminal => lines.iter().map(|l| format!("{l}\n")).collect(),
        Style::Markdown => format!(
            "\n{}",
            lines.iter().map(|l| format!("- {l}\n")).collect::<String>()
        ),
    }
}

/// The targets as the tables name them: `p99 ≤ 200.0 ms, TTFT p99 ≤ 1.000 s`.
pub fn targets_text(slo: &SloTargets) -> String {
    let targets: Vec<String> = [
        ("p99", slo.latency_p99_s),
        ("TTFT p99", slo.ttft_p99_s),
        ("TPOT p99", slo.tpot_p99_s),
    ]
    .iter()
    .filter_map(|(what, s)| s.map(|s| format!("{what} ≤ {}", seconds(s))))
    .collect();
    targets.join(", ")
}

/// The cells of the verdict table: per point, the cheapest platform meeting the SLO
/// (its cost and p99) and every platform that meets it.
pub(super) fn verdict_grid(parameters: &[String], points: &[PointReport]) -> Grid {
    let mut header = point_columns(parameters);
    let lead = header.len() + 1;
    header.extend(["cheapest meeting the SLO", "$/month", "p99", "meeting it"].map(String::from));
    let rows = points
        .iter()
        .enumerate()
        .map(|(i, point)| {
            let mut row = point_cells(i, point);
            let found = point.cheapest_meeting_slo.as_ref().and_then(|c| c.as_ref());
            let summary = found.and_then(|c| point.platforms.iter().find(|p| p.name == c.platform));
            match (found, summary) {
                (Some(c), Some(p)) => row.extend([
                    c.platform.clone(),
                    with_ci(Some(c.cost_usd_per_month), money),
                    p99_cell(p),
                ]),
                _ => row.extend(["none".into(), "—".into(), "—".into()]),
            }
            let meeting: Vec<&str> = point
                .platforms
                .iter()
                .filter(|p| p.meets_slo == Some(true))
                .map(|p| p.name.as_str())
                .collect();
            row.push(format!(
                "{} of {}{}",
                meeting.len(),
                point.platforms.len(),
                if meeting.is_empty() {
                    String::new()
                } else {
                    format!(": {}", meeting.join(", "))
                }
            ));
            row
        })
        .collect();
    Grid { header, rows, lead }
}

/// The verdict table under a title naming the targets, when the points were judged.
fn verdict_text(parameters: &[String], points: &[PointReport], style: Style) -> String {
    let Some(first) = points.iter().find(|p| p.cheapest_meeting_slo.is_some()) else {
        return String::new();
    };
    let t = verdict_grid(parameters, points).table(style);
    let text = format!(
        "\ncheapest platform at each point with {} and at least 99% of requests completed:",
        targets_text(&first.targets)
    );
    paragraph(style, &text, &t)
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
    let mut header = vec![
        "platform".into(),
        "cheapest point".into(),
        "$/month".into(),
        "p99".into(),
    ];
    let slo = report.slo();
    let tokens = slo.ttft_p99_s.is_some() || slo.tpot_p99_s.is_some();
    if tokens {
        header.extend(["TTFT p99".into(), "TPOT p99".into()]);
    }
    let rows = best
        .iter()
        .enumerate()
        .map(|(k, b)| (b, best_cells(&report.points, k, b)))
        .map(|(b, mut row)| {
            if tokens {
                let b = b.as_ref();
                row.push(p99_text(b.and_then(|b| b.p99_ttft_s)));
                row.push(p99_text(b.and_then(|b| b.p99_tpot_s)));
            }
            row
        })
        .collect();
    Grid {
        header,
        rows,
        lead: 2,
    }
}

/// A best-point row: the point, its cost and p99, or that none meets the SLO.
fn best_cells(points: &[PointReport], k: usize, b: &Option<crate::sweep::Best>) -> Vec<String> {
    match b {
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
            points
                .get(b.point)
                .and_then(|p| p.platforms.get(k))
                .map_or(seconds(b.p99_latency_s), p99_cell),
        ],
        None => {
            let name = points
                .first()
                .and_then(|p| p.platforms.get(k))
                .map_or(String::new(), |p| p.name.clone());
            vec![name, "none meets the SLO".into(), "—".into(), "—".into()]
        }
    }
}

fn best_text(report: &SweepReport, best: &[Option<crate::sweep::Best>], style: Style) -> String {
    let t = best_grid(report, best).table(style);
    let text = format!(
        "\ncheapest point per platform with {}:",
        targets_text(&report.slo())
    );
    paragraph(style, &text, &t)
}

/// The cells of `breakeven`: the two cost curves and their difference paired by seed.
pub(super) fn breakeven_grid(report: &BreakEvenReport, style: Style) -> Grid {
    let [a, b] = &report.between;
    let mut header = point_columns(std::slice::from_ref(&report.parameter));
    let lead = header.len();
    header.extend([
        two_lines(style, a, "$/month"),
        two_lines(style, a, "p99"),
        two_lines(style, b, "$/month"),
        two_lines(style, b, "p99"),
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
                row.push(p99_cell(p));
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
        "{}: {} ({} seed{}, master seed {}; ± is the 95% CI across seeds, the difference paired by seed; {PERCENTILES_NOTE})",
        report.scenario,
        report.message,
        report.seeds,
        plural(report.seeds as usize),
        report.seed
    )
}

/// `breakeven` as its sentence, then the two cost curves, their p99s and their
/// difference, and with an SLO the verdict at each point.
pub fn breakeven_text(report: &BreakEvenReport, style: Style) -> String {
    let t = breakeven_grid(report, style).table(style);
    let parameters = std::slice::from_ref(&report.parameter);
    paragraph(style, &breakeven_header(report), &t)
        + &peak_lines(&report.points, style)
        + &footer(style, report.points.first())
        + &verdict_text(parameters, &report.points, style)
}
