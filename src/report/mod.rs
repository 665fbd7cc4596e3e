//! Output formats: a run's summaries rendered as bytes (table or JSON).
//!
//! Deliberately knows neither how the numbers were computed nor where the bytes go.

mod table;

pub use table::run_table;

use crate::experiment::RunReport;

/// Output format (`--format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Table,
    Json,
}

/// A run report in `format`, ending with a newline.
pub fn render_run(report: &RunReport, format: Format) -> String {
    match format {
        Format::Table => run_table(report),
        Format::Json => run_json(report),
    }
}

/// The `--format json` object of SPEC §5.
pub fn run_json(report: &RunReport) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("reports serialize");
    s.push('\n');
    s
}
