//! The output of `servsim calibrate`: the fitted `engine.step_time` to paste, the fit's error
//! on every measured row, and the roofline's beside it when a GPU and model are named.
//!
//! Knows neither how the fit was computed nor where the bytes go.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{CellAlignment, Table};
use serde::Serialize;

use crate::batching::StepTimeSecs;

/// Everything `calibrate` reports (its `--format json` object).
#[derive(Clone, Debug, Serialize)]
pub struct CalibrationReport {
    pub file: String,
    /// The fitted coefficients as the engine holds them (rounded to the picosecond).
    pub step_time: Coefficients,
    /// Root-mean-square relative error of the fitted step times over every TTFT and TPOT.
    pub rms_relative_error: f64,
    /// Whether the rows determine all four coefficients.
    pub determined: bool,
    pub rows: Vec<RowReport>,
    pub roofline: Option<RooflineReport>,
}

/// The four coefficients under their scenario keys.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Coefficients {
    pub base_s: f64,
    pub per_prefill_token_s: f64,
    pub per_decode_seq_s: f64,
    pub per_kv_token_s: f64,
}

impl From<StepTimeSecs> for Coefficients {
    fn from(s: StepTimeSecs) -> Coefficients {
        Coefficients {
            base_s: s.base_s,
            per_prefill_token_s: s.per_prefill_token_s,
            per_decode_seq_s: s.per_decode_seq_s,
            per_kv_token_s: s.per_kv_token_s,
        }
    }
}

/// One measured row (a mean the file leaves empty is `null`) and what the fit predicts.
#[derive(Clone, Debug, Serialize)]
pub struct RowReport {
    pub line: u64,
    pub concurrency: u64,
    pub context_tokens: u64,
    pub output_tokens: u64,
    pub ttft_s: Option<f64>,
    pub tpot_s: Option<f64>,
    pub fitted: Predicted,
}

/// Predicted TTFT and TPOT of a row and their errors relative to the measurements (an error
/// is `null` where the row gives no measurement; TPOT is `null` for one output token).
#[derive(Clone, Debug, Serialize)]
pub struct Predicted {
    pub ttft_s: f64,
    pub ttft_relative_error: Option<f64>,
    pub tpot_s: Option<f64>,
    pub tpot_relative_error: Option<f64>,
}

/// The roofline-derived coefficients of a catalog GPU × model, and how they predict the rows.
#[derive(Clone, Debug, Serialize)]
pub struct RooflineReport {
    pub gpu: String,
    pub model: String,
    pub tensor_parallel: u32,
    pub mfu: f64,
    pub mbu: f64,
    pub step_overhead_s: f64,
    pub kv_capacity_tokens: u64,
    pub step_time: Coefficients,
    pub rms_relative_error: f64,
    /// Per row, in the order of `rows`.
    pub rows: Vec<Predicted>,
}

/// The report as JSON, ending with a newline.
pub fn calibration_json(report: &CalibrationReport) -> String {
    let mut s = serde_json::to_string_pretty(report).expect("reports serialize");
    s.push('\n');
    s
}

/// `"step_time": {…}` with every number as JSON, ready to paste into an `engine` object.
pub fn step_time_snippet(c: &Coefficients) -> String {
    let n = |x: f64| serde_json::to_string(&x).expect("finite numbers serialize");
    format!(
        "\"step_time\": {{\"base_s\": {}, \"per_prefill_token_s\": {}, \"per_decode_seq_s\": {}, \"per_kv_token_s\": {}}}",
        n(c.base_s),
        n(c.per_prefill_token_s),
        n(c.per_decode_seq_s),
        n(c.per_kv_token_s)
    )
}

/// The human report: the snippet to paste, the coefficients (beside the roofline's), then
/// every row with the fit's prediction and error.
pub fn calibration_table(report: &CalibrationReport) -> String {
    let equations: usize = report
        .rows
        .iter()
        .map(|r| r.ttft_s.is_some() as usize + r.tpot_s.is_some() as usize)
        .sum();
    let mut out = format!(
        "{}: {} benchmark runs, {equations} step times fitted by non-negative least squares; \
         rms relative error {}\n\n",
        report.file,
        report.rows.len(),
        percent(report.rms_relative_error),
    );
    out += "Paste into the platform's \"engine\" object:\n";
    out += &format!("  {}\n\n", step_time_snippet(&report.step_time));
    out += &format!("{}\n\n", coefficient_table(report));
    out += &format!("{}\n", row_table(report));
    out
}

fn coefficient_table(report: &CalibrationReport) -> Table {
    let mut t = table();
    let mut header = vec!["coefficient".to_string(), "fitted".to_string()];
    if let Some(r) = &report.roofline {
        header.push(format!(
            "roofline: {} on {} × {}",
            r.model, r.tensor_parallel, r.gpu
        ));
        header.push("fitted / roofline".into());
    }
    t.set_header(header);
    let f = &report.step_time;
    type Pick = fn(&Coefficients) -> f64;
    let rows: [(&str, Pick); 4] = [
        ("base_s", |c| c.base_s),
        ("per_prefill_token_s", |c| c.per_prefill_token_s),
        ("per_decode_seq_s", |c| c.per_decode_seq_s),
        ("per_kv_token_s", |c| c.per_kv_token_s),
    ];
    for (name, pick) in rows {
        let fitted = pick(f);
        let mut row = vec![name.to_string(), duration(fitted)];
        if let Some(r) = &report.roofline {
            let roof = pick(&r.step_time);
            row.push(duration(roof));
            row.push(if roof > 0.0 {
                format!("{:.3}", fitted / roof)
            } else {
                "—".into()
            });
        }
        t.add_row(row);
    }
    if let Some(r) = &report.roofline {
        t.add_row(vec![
            "rms relative error on the rows".to_string(),
            percent(report.rms_relative_error),
            percent(r.rms_relative_error),
            String::new(),
        ]);
    }
    right_align(&mut t, 1);
    t
}

fn row_table(report: &CalibrationReport) -> Table {
    let mut t = table();
    let mut header: Vec<&str> = vec![
        "line",
        "concurrency",
        "context",
        "output",
        "TTFT measured",
        "TTFT fitted",
        "TPOT measured",
        "TPOT fitted",
    ];
    if report.roofline.is_some() {
        header.extend(["TTFT roofline", "TPOT roofline"]);
    }
    t.set_header(header);
    for (i, r) in report.rows.iter().enumerate() {
        let mut row = vec![
            r.line.to_string(),
            r.concurrency.to_string(),
            r.context_tokens.to_string(),
            r.output_tokens.to_string(),
            r.ttft_s.map_or("—".into(), duration),
            ttft_cell(&r.fitted),
            r.tpot_s.map_or("—".into(), duration),
            tpot_cell(&r.fitted),
        ];
        if let Some(roof) = &report.roofline {
            let p = &roof.rows[i];
            row.push(ttft_cell(p));
            row.push(tpot_cell(p));
        }
        t.add_row(row);
    }
    right_align(&mut t, 0);
    t
}

/// The prediction, with its error where there is a measurement to compare.
fn cell(value_s: Option<f64>, relative_error: Option<f64>) -> String {
    match (value_s, relative_error) {
        (Some(v), Some(e)) => with_error(v, e),
        (Some(v), None) => duration(v),
        (None, _) => "—".into(),
    }
}

fn ttft_cell(p: &Predicted) -> String {
    cell(Some(p.ttft_s), p.ttft_relative_error)
}

fn tpot_cell(p: &Predicted) -> String {
    cell(p.tpot_s, p.tpot_relative_error)
}

fn table() -> Table {
    let mut t = Table::new();
    t.load_style(UTF8_FULL_CONDENSED).force_no_tty();
    t
}

fn right_align(t: &mut Table, from: usize) {
    for column in t.column_iter_mut().skip(from) {
        column.set_cell_alignment(CellAlignment::Right);
    }
}

/// `7.120 ms (+0.4%)`.
fn with_error(value_s: f64, relative_error: f64) -> String {
    format!("{} ({:+.1}%)", duration(value_s), relative_error * 100.0)
}

fn percent(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// Seconds in the unit that leaves 1–999 before the point, with four significant digits.
pub fn duration(s: f64) -> String {
    if s == 0.0 {
        return "0 s".into();
    }
    let (v, unit) = match s.abs() {
        a if a >= 1.0 => (s, "s"),
        a if a >= 1e-3 => (s * 1e3, "ms"),
        a if a >= 1e-6 => (s * 1e6, "µs"),
        a if a >= 1e-9 => (s * 1e9, "ns"),
        _ => (s * 1e12, "ps"),
    };
    let digits = (3 - v.abs().log10().floor() as i32).clamp(0, 3) as usize;
    format!("{v:.digits$} {unit}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_take_the_unit_that_keeps_them_readable() {
        assert_eq!(duration(0.0079904), "7.990 ms");
        assert_eq!(duration(3.246e-5), "32.46 µs");
        assert_eq!(duration(2.4454e-8), "24.45 ns");
        assert_eq!(duration(1.5), "1.500 s");
        assert_eq!(duration(0.0), "0 s");
    }

    #[test]
    fn the_snippet_is_a_json_member_with_the_scenario_keys() {
        let c = Coefficients {
            base_s: 0.005,
            per_prefill_token_s: 1.7e-5,
            per_decode_seq_s: 3e-5,
            per_kv_token_s: 2.5e-8,
        };
        let s = step_time_snippet(&c);
        assert_eq!(
            s,
            "\"step_time\": {\"base_s\": 0.005, \"per_prefill_token_s\": 0.000017, \
             \"per_decode_seq_s\": 0.00003, \"per_kv_token_s\": 2.5e-8}"
        );
        let v: serde_json::Value = serde_json::from_str(&format!("{{{s}}}")).unwrap();
        assert_eq!(v["step_time"]["per_kv_token_s"], 2.5e-8);
    }
}
