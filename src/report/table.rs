//! The human table: platforms side by side, each figure with its 95% CI across seeds.

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{CellAlignment, Table, TableStyle};

use super::grid::targets_text;
use super::preset_footer;
use crate::experiment::load::PeakOverload;
use crate::experiment::{JobSummary, PlatformSummary, RunReport, TokenSummary};
use crate::metrics::Stat;

/// `12,345.67` — two decimals with thousands separators.
pub fn money(x: f64) -> String {
    let cents = (x.abs() * 100.0).round() as u128;
    let (whole, frac) = (cents / 100, cents % 100);
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    let sign = if x < 0.0 && cents > 0 { "-" } else { "" };
    format!("{sign}{grouped}.{frac:02}")
}

/// Seconds with four significant digits (or ms below one second).
pub fn seconds(x: f64) -> String {
    if x == 0.0 {
        "0 s".into()
    } else if x.abs() < 1.0 {
        format!("{} ms", sig4(x * 1e3))
    } else {
        format!("{} s", sig4(x))
    }
}

fn sig4(x: f64) -> String {
    let digits = (3 - x.abs().log10().floor() as i32).clamp(0, 6) as usize;
    format!("{x:.digits$}")
}

/// A share as a percentage with one decimal.
pub fn percent(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// `mean ± ci95` in the unit `fmt` gives, or `—` when there is nothing to show.
pub fn with_ci(stat: Option<Stat>, fmt: fn(f64) -> String) -> String {
    match stat {
        None => "—".into(),
        Some(s) => match s.ci95 {
            Some(ci) => format!("{} ± {}", fmt(s.mean), fmt(ci)),
            None => fmt(s.mean),
        },
    }
}

/// A merged-histogram percentile with the 95% CI of its per-seed values beside it
/// (docs/semantics.md#metrics), or `—` when no request completed.
pub fn percentile(merged: Option<f64>, per_seed: Option<Stat>) -> String {
    match (merged, per_seed.and_then(|s| s.ci95)) {
        (None, _) => "—".into(),
        (Some(p), None) => seconds(p),
        (Some(p), Some(ci)) => format!("{} ± {}", seconds(p), seconds(ci)),
    }
}

/// What the percentiles of every table are, and what the ± beside them is.
pub const PERCENTILES_NOTE: &str = "percentiles pool all seeds' requests, and the ± beside one is the 95% CI of its per-seed values";

type Row = (&'static str, fn(&PlatformSummary) -> String);

/// Left out when every platform ran jobs: "cost / job" says it per job.
const PER_REQUEST_COST: &str = "cost / 1M requests (USD)";

const ROWS: &[Row] = &[
    ("type", |p| p.kind.clone()),
    ("cost / month (USD)", |p| {
        with_ci(p.cost_usd_per_month, money)
    }),
    (PER_REQUEST_COST, |p| {
        with_ci(p.cost_usd_per_million_requests, money)
    }),
    ("p50 latency", |p| {
        percentile(p.latency_s.p50, p.p50_latency_s)
    }),
    ("p99 latency", |p| {
        percentile(p.latency_s.p99, p.p99_latency_s)
    }),
    ("cold-start fraction", |p| {
        with_ci(p.cold_start_fraction, percent)
    }),
    ("GPU utilization", |p| with_ci(p.gpu_utilization, percent)),
    ("SLO attainment", |p| with_ci(p.slo_attainment, percent)),
    ("requests completed", |p| {
        with_ci(p.requests.completed, |x| format!("{x:.0}"))
    }),
    ("horizon cost: startup / busy / idle (USD)", |p| {
        let b = &p.cost_breakdown_usd;
        let m = |s: Option<Stat>| s.map_or("—".into(), |s| money(s.mean));
        format!("{} / {} / {}", m(b.startup), m(b.busy), m(b.idle))
    }),
];

/// When a platform is overloaded at peak, and by how much: `09:00–10:00 every day (4.00 >
/// 2)`.
pub(super) fn peak_cell(o: &PeakOverload) -> String {
    format!("{} ({:.2} > {})", o.when, o.peak_offered_load, o.capacity)
}

/// Whether a platform's spot instances were ever interrupted.
fn interrupted(p: &PlatformSummary) -> bool {
    p.spot
        .and_then(|s| s.interruptions)
        .is_some_and(|s| s.max > 0.0)
}

/// Rows shown only when some platform has the figure (interrupted spot fleets, hybrids),
/// so that tables of other scenarios stay as they were.
/// A label, whether a platform has the figure, and its cell.
type OptionalRow = (
    &'static str,
    fn(&PlatformSummary) -> bool,
    fn(&PlatformSummary) -> String,
);

/// Whether a platform served a `tokens` service.
fn batched(p: &PlatformSummary) -> bool {
    p.tokens.is_some()
}

/// A percentile of a merged histogram of a `tokens` service, with its per-seed CI.
fn token_percentile(
    p: &PlatformSummary,
    pick: fn(&TokenSummary) -> (Option<f64>, Option<Stat>),
) -> String {
    p.tokens.as_ref().map_or("—".into(), |t| {
        let (merged, per_seed) = pick(t);
        percentile(merged, per_seed)
    })
}

fn token_stat(p: &PlatformSummary, pick: fn(&TokenSummary) -> Option<Stat>) -> Option<Stat> {
    p.tokens.as_ref().and_then(pick)
}

/// Whether a platform ran a `jobs` workload.
fn ran_jobs(p: &PlatformSummary) -> bool {
    p.jobs.is_some()
}

fn job_stat(p: &PlatformSummary, pick: fn(&JobSummary) -> Option<Stat>) -> Option<Stat> {
    p.jobs.as_ref().and_then(pick)
}

fn gpu_hours(x: f64) -> String {
    format!("{:.2}", x / 3600.0)
}

const OPTIONAL_ROWS: &[OptionalRow] = &[
    (
        "meets the SLO",
        |p| p.meets_slo.is_some(),
        |p| {
            if p.meets_slo == Some(true) {
                "yes"
            } else {
                "no"
            }
            .into()
        },
    ),
    ("TTFT p50", batched, |p| {
        token_percentile(p, |t| (t.ttft_s.p50, t.per_seed.ttft_p50_s))
    }),
    ("TTFT p99", batched, |p| {
        token_percentile(p, |t| (t.ttft_s.p99, t.per_seed.ttft_p99_s))
    }),
    ("TPOT p50", batched, |p| {
        token_percentile(p, |t| (t.tpot_s.p50, t.per_seed.tpot_p50_s))
    }),
    ("TPOT p99", batched, |p| {
        token_percentile(p, |t| (t.tpot_s.p99, t.per_seed.tpot_p99_s))
    }),
    ("jobs completed", ran_jobs, |p| {
        with_ci(job_stat(p, |j| j.completed), |x| format!("{x:.1}"))
    }),
    ("job completion p50", ran_jobs, |p| match &p.jobs {
        None => "—".into(),
        Some(j) => percentile(j.completion_time_s.p50, j.completion_p50_s),
    }),
    ("job completion p99", ran_jobs, |p| match &p.jobs {
        None => "—".into(),
        Some(j) => percentile(j.completion_time_s.p99, j.completion_p99_s),
    }),
    ("cost / job (USD)", ran_jobs, |p| {
        with_ci(job_stat(p, |j| j.cost_usd_per_job), money)
    }),
    ("work lost (GPU-h)", ran_jobs, |p| {
        with_ci(job_stat(p, |j| j.lost_work_s), gpu_hours)
    }),
    ("checkpoint / restore (GPU-h)", ran_jobs, |p| {
        let m = |s: Option<Stat>| s.map_or("—".into(), |s| gpu_hours(s.mean));
        format!(
            "{} / {}",
            m(job_stat(p, |j| j.checkpoint_s)),
            m(job_stat(p, |j| j.restore_s))
        )
    }),
    ("job restarts", ran_jobs, |p| {
        with_ci(job_stat(p, |j| j.restarts), |x| format!("{x:.1}"))
    }),
    ("output tokens / s", batched, |p| {
        with_ci(token_stat(p, |t| t.output_tokens_per_s), |x| {
            format!("{x:.1}")
        })
    }),
    ("batch size (time-average)", batched, |p| {
        with_ci(token_stat(p, |t| t.batch_size_mean), |x| format!("{x:.2}"))
    }),
    ("KV cache held (time-average)", batched, |p| {
        with_ci(token_stat(p, |t| t.kv_utilization_mean), percent)
    }),
    ("KV preemptions", batched, |p| {
        with_ci(token_stat(p, |t| t.kv_preemptions), |x| format!("{x:.0}"))
    }),
    (
        "unstable (queue grows without bound)",
        |p| p.unstable,
        |_| "yes".into(),
    ),
    (
        "overloaded at peak (load > slots)",
        |p| p.overloaded_at_peak.is_some(),
        |p| p.overloaded_at_peak.as_ref().map_or("—".into(), peak_cell),
    ),
    ("spot interruptions", interrupted, |p| {
        with_ci(p.spot.and_then(|s| s.interruptions), |x| format!("{x:.1}"))
    }),
    ("spot capacity lost (GPU-h)", interrupted, |p| {
        with_ci(p.spot.and_then(|s| s.capacity_s_lost), |x| {
            format!("{:.2}", x / 3600.0)
        })
    }),
    ("horizon cost: fallback (USD)", interrupted, |p| {
        with_ci(p.spot.and_then(|s| s.fallback_cost_usd), money)
    }),
    (
        "overflow share",
        |p| p.overflow_fraction.is_some(),
        |p| with_ci(p.overflow_fraction, percent),
    ),
    (
        "horizon cost: base / overflow (USD)",
        |p| p.parts.is_some(),
        |p| match &p.parts {
            None => "—".into(),
            Some(parts) => {
                let m = |s: Option<Stat>| s.map_or("—".into(), |s| money(s.mean));
                format!(
                    "{} / {}",
                    m(parts.base.cost_usd),
                    m(parts.overflow.cost_usd)
                )
            }
        },
    ),
];

/// The side-by-side table of a run, with a header line naming the scenario and, with an
/// SLO, the verdict under it.
pub fn run_table(report: &RunReport) -> String {
    let verdict = run_verdict(report).map_or(String::new(), |v| format!("{v}\n"));
    format!(
        "{}\n{}\n{verdict}{}",
        run_header(report),
        platform_table(report, UTF8_FULL_CONDENSED),
        preset_footer(&report.platforms, false)
    )
}

/// The same as a Markdown paragraph and table.
pub fn run_markdown(report: &RunReport) -> String {
    let verdict = run_verdict(report).map_or(String::new(), |v| format!("\n{v}\n"));
    format!(
        "{}\n\n{}\n{verdict}{}",
        run_header(report),
        platform_table(report, ASCII_MARKDOWN),
        markdown_footer(&report.platforms)
    )
}

/// With an SLO, the sentence naming the cheapest platform meeting it.
fn run_verdict(report: &RunReport) -> Option<String> {
    let found = report.cheapest_meeting_slo.as_ref()?;
    let slo = format!(
        "{}, with at least 99% of requests completed",
        targets_text(&report.slo())
    );
    Some(match found {
        None => format!("no platform meets the SLO ({slo})"),
        Some(c) => {
            let p99 = report
                .platforms
                .iter()
                .find(|p| p.name == c.platform)
                .map_or(seconds(c.p99_latency_s), |p| {
                    percentile(p.latency_s.p99, p.p99_latency_s)
                });
            format!(
                "cheapest meeting the SLO ({slo}): {}, {} USD a month, p99 latency {p99}",
                c.platform,
                with_ci(Some(c.cost_usd_per_month), money)
            )
        }
    })
}

/// The preset footer as a Markdown list, set off from the table by a blank line.
pub fn markdown_footer(platforms: &[PlatformSummary]) -> String {
    match preset_footer(platforms, true) {
        f if f.is_empty() => f,
        f => format!("\n{f}"),
    }
}

fn platform_table(report: &RunReport, preset: TableStyle) -> Table {
    let mut table = Table::new();
    table.load_style(preset).force_no_tty();
    let mut header = vec![String::new()];
    header.extend(report.platforms.iter().map(|p| p.name.clone()));
    table.set_header(header);
    for (label, cells) in platform_rows(report) {
        let mut row = vec![label.to_string()];
        row.extend(cells);
        table.add_row(row);
    }
    for column in table.column_iter_mut().skip(1) {
        column.set_cell_alignment(CellAlignment::Right);
    }
    table
}

/// The table's rows: each figure's label and its cell per platform (the optional rows
/// only when some platform has the figure).
pub(super) fn platform_rows(report: &RunReport) -> Vec<(&'static str, Vec<String>)> {
    let jobs = report.platforms.iter().all(ran_jobs);
    let mut rows: Vec<(&'static str, Vec<String>)> = ROWS
        .iter()
        .filter(|(label, _)| !(jobs && *label == PER_REQUEST_COST))
        .map(|(label, cell)| (*label, report.platforms.iter().map(cell).collect()))
        .collect();
    for (label, present, cell) in OPTIONAL_ROWS {
        if report.platforms.iter().any(present) {
            let cells = report
                .platforms
                .iter()
                .map(|p| if present(p) { cell(p) } else { "—".into() })
                .collect();
            rows.push((*label, cells));
        }
    }
    rows
}

pub(super) fn run_header(report: &RunReport) -> String {
    let days = report.horizon_s / 86_400.0;
    format!(
        "{}: {:.4} days, {} seed{} (master seed {}); ± is the 95% CI of the mean across seeds; {PERCENTILES_NOTE}",
        report.scenario,
        days,
        report.seeds,
        if report.seeds == 1 { "" } else { "s" },
        report.seed
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(2843.424), "2,843.42");
        assert_eq!(money(0.004), "0.00");
        assert_eq!(money(1_234_567.891), "1,234,567.89");
        assert_eq!(money(-12.5), "-12.50");
    }

    #[test]
    fn seconds_keep_four_significant_digits() {
        assert_eq!(seconds(0.123456), "123.5 ms");
        assert_eq!(seconds(12.3456), "12.35 s");
        assert_eq!(seconds(0.0), "0 s");
    }
}
