//! Output formats: run, sweep and break-even reports rendered as bytes — a terminal table,
//! JSON (docs/guide.md), CSV (one row per platform, or per point × platform, every figure a
//! column), Markdown, a self-contained HTML page, and SVG plots — plus the JSON of shard
//! files.
//!
//! Deliberately knows neither how the numbers were computed nor where the bytes go.

mod calibration;
mod catalog;
mod chart;
mod csv;
mod grid;
pub mod html;
mod plot;
mod presets;
mod series;
mod table;
mod tail;

pub use calibration::{
    CalibrationReport, Coefficients, Predicted, RooflineReport, RowReport, calibration_json,
    calibration_table,
};
pub use catalog::{CatalogFormat, CatalogSelection, render_catalog};
pub use html::Page;
pub use plot::{breakeven_plot, cost_plot};
pub use presets::{Offer, catalog_listing, lookup, offers, preset_footer};
pub use table::{money, percent, run_table, seconds};
pub use tail::latency_tail_plot;

use crate::experiment::RunReport;
use crate::sweep::{BreakEvenReport, ShardFile, SweepReport};

/// Output format (`--format`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Format<'a> {
    Table,
    Json,
    Csv,
    Markdown,
    /// One self-contained page; `Page` says what the report itself does not.
    Html(&'a Page),
}

/// A run report in `format`, ending with a newline.
pub fn render_run(report: &RunReport, format: Format) -> String {
    match format {
        Format::Table => run_table(report),
        Format::Json => json(report),
        Format::Csv => csv::run_csv(report),
        Format::Markdown => table::run_markdown(report),
        Format::Html(page) => html::run_page(report, page),
    }
}

/// A sweep report (possibly with only its finished points) in `format`.
pub fn render_sweep(report: &SweepReport, format: Format) -> String {
    match format {
        Format::Table => grid::sweep_text(report, grid::Style::Terminal),
        Format::Json => json(report),
        Format::Csv => csv::sweep_csv(report),
        Format::Markdown => grid::sweep_text(report, grid::Style::Markdown),
        Format::Html(page) => html::sweep_page(report, page),
    }
}

/// A break-even report in `format`.
pub fn render_breakeven(report: &BreakEvenReport, format: Format) -> String {
    match format {
        Format::Table => grid::breakeven_text(report, grid::Style::Terminal),
        Format::Json => json(report),
        Format::Csv => csv::breakeven_csv(report),
        Format::Markdown => grid::breakeven_text(report, grid::Style::Markdown),
        Format::Html(page) => html::breakeven_page(report, page),
    }
}

/// The `--format json` object of docs/guide.md.
pub fn run_json(report: &RunReport) -> String {
    json(report)
}

fn json<T: serde::Serialize>(report: &T) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("reports serialize");
    s.push('\n');
    s
}

/// A shard file: one line of compact JSON (machines read it; histograms are base64).
pub fn shard_json(shard: &ShardFile) -> String {
    let mut s = serde_json::to_string(shard).expect("shard files serialize");
    s.push('\n');
    s
}
