//! `--format html`: one self-contained page per run, sweep or break-even — the verdict,
//! the comparison table, cost breakdown bars, the latency tail on a nines axis, the sweep's
//! cost and p99 curves or the break-even crossing, the scenario, and a footer saying how to
//! get the same page again.
//!
//! Inline CSS and inline SVG only: no script, no font, no image and no URL, so the file
//! reads the same offline, in a mail attachment or printed. Nothing varies with the clock
//! or the thread count: the same command gives the same bytes.

mod charts;
mod page;
mod sections;
mod timeline;
mod verdict;

use maud::{Markup, html};

use super::grid::{self, Style};
use super::table::{platform_rows, run_header};
use super::tail::Measure;
use super::{breakeven_plot, cost_plot};
use crate::experiment::{PlatformSummary, RunReport};
use crate::sweep::{BreakEvenReport, PointReport, SweepReport, describe_values};
use charts::figure;
use page::{Seeds, document, section};
use verdict::Candidate;

/// What a page says that its report does not: where it came from and what it aims at.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    /// The command line that made the page, as the reader would retype it.
    pub command_line: String,
    /// The flags left out of `command_line` because they change no figure.
    pub left_out: Vec<String>,
    /// The scenario file's name as given (or the embedded default's).
    pub scenario_file: String,
    /// The scenario file's text as read.
    pub scenario_text: String,
    /// The scenario's `description`.
    pub description: String,
    /// The latency target verdicts and charts measure against.
    pub slo: Option<Slo>,
}

/// Where the verdict's targets were set (`--slo-p99`, the scenario's `slo`), and the p99
/// latency target the charts draw (none when only TTFT or TPOT targets are given).
#[derive(Clone, Debug, PartialEq)]
pub struct Slo {
    pub latency_s: Option<f64>,
    pub source: String,
}

/// Where `page` says the targets come from.
fn source(page: &Page) -> &str {
    page.slo
        .as_ref()
        .map_or("the command line", |s| s.source.as_str())
}

/// The p99 latency target the charts draw.
fn latency_target(page: &Page) -> Option<f64> {
    page.slo.as_ref().and_then(|s| s.latency_s)
}

/// The candidates of `options` that meet the SLO, each platform's own verdict.
fn meeting<'a>(options: &[Candidate<'a>]) -> Vec<Candidate<'a>> {
    options
        .iter()
        .copied()
        .filter(|c| c.summary.meets_slo == Some(true))
        .collect()
}

/// What the verdict's and the charts' figures are.
const FIGURES: &str = "Costs are means over seeds; p99 and the other percentiles pool all seeds' requests (the histogram merged across seeds), and the verdict, the tables and the charts judge that same p99; ± is the 95% CI across seeds (beside a percentile, the CI of its per-seed values), and a difference is paired by seed.";

/// The page of a run.
pub fn run_page(report: &RunReport, page: &Page) -> String {
    let options: Vec<Candidate> = report
        .platforms
        .iter()
        .enumerate()
        .map(|(k, p)| Candidate {
            summary: p,
            point: None,
            seed_costs: report.seed_costs.get(k).map_or(&[], Vec::as_slice),
        })
        .collect();
    let meeting = (report.cheapest_meeting_slo.is_some()).then(|| {
        (
            verdict::target_text(&report.slo(), source(page)),
            meeting(&options),
        )
    });
    let all: Vec<&PlatformSummary> = report.platforms.iter().collect();
    let unstable: Vec<(String, &PlatformSummary)> =
        all.iter().map(|p| (String::new(), *p)).collect();
    let body = html! {
        (section("verdict", "Verdict", html! {
            div.verdict { (verdict::verdict(&options, meeting)) }
            p.meta { (FIGURES) }
            (sections::unstable(&unstable))
        }))
        (section("comparison", "Comparison", html! {
            (sections::platform_table(&report.platforms, &platform_rows(report)))
            p.meta { "The figures of the text table, one row per platform; ± is the 95% CI of the mean across seeds." }
            (sections::presets(&report.platforms))
        }))
        (platform_charts(&report.scenario, &all, page, None))
        (sections::scenario(page, None))
    };
    let meta = run_header(report);
    let heading = sections::heading(&report.scenario, page, &meta);
    let seeds = Seeds {
        master: report.seed,
        count: report.seeds,
    };
    document(&title(&report.scenario, "run"), page, heading, body, seeds)
}

fn title(scenario: &str, command: &str) -> String {
    format!("{scenario} — servsim {command} report")
}

/// The cost breakdown and the latency tail of `platforms` (those of a run, or of one grid
/// point, named by `at`), then their timelines.
fn platform_charts(
    scenario: &str,
    platforms: &[&PlatformSummary],
    page: &Page,
    at: Option<&str>,
) -> Markup {
    let at = at.map_or(String::new(), |a| format!(" at {a}"));
    let slo_s = latency_target(page);
    let breakdown = charts::breakdown_chart(&format!("{scenario}: cost by kind{at}"), platforms);
    let tail = charts::tail(
        &format!("{scenario}: latency tail{at}"),
        platforms,
        Measure::Latency,
        slo_s,
    );
    html! {
        (section("cost-breakdown", "Where the money goes", figure("chart-cost-breakdown", breakdown, html! {
            (charts::breakdown_legend(platforms))
            "Mean monthly cost over seeds, split as billed: startup (boot time billed), busy (GPU executing), idle (the rest of the bill, rounding included) and fallback (on-demand stand-ins for interrupted spot instances)" (at) "."
        })))
        (section("latency", "Latency tail", figure("chart-latency-tail", tail, html! {
            "Latency against percentile on a nines axis (p50, p90, p99, p99.9, p99.99: each step ten times rarer), from the histogram merged across seeds; dots are the histogram's percentiles"
            @if slo_s.is_some() { ", the dashed line the latency target" }
            (at) "."
        })))
        (token_tails(scenario, platforms, &at))
        (timelines(scenario, platforms, &at))
    }
}

/// With a `tokens` service, the TTFT and TPOT tails beside the latency's; nothing
/// otherwise.
fn token_tails(scenario: &str, platforms: &[&PlatformSummary], at: &str) -> Markup {
    if platforms.iter().all(|p| p.tokens.is_none()) {
        return html! {};
    }
    let chart = |measure: Measure, what: &str| {
        charts::tail(
            &format!("{scenario}: {what} tail{at}"),
            platforms,
            measure,
            None,
        )
    };
    html! {
        (section("ttft", "Time to first token", figure("chart-ttft-tail", chart(Measure::Ttft, "TTFT"), html! {
            "Arrival to first output token against percentile on the same nines axis, merged across seeds" (at) "."
        })))
        (section("tpot", "Time per output token", figure("chart-tpot-tail", chart(Measure::Tpot, "TPOT"), html! {
            "Time per output token after the first, of requests of two tokens or more, against percentile, merged across seeds" (at) "."
        })))
    }
}

/// One timeline chart per platform that recorded one; where none did (a sweep's or a
/// break-even's points), a line saying how to get them.
fn timelines(scenario: &str, platforms: &[&PlatformSummary], at: &str) -> Markup {
    let charts: Vec<(usize, &PlatformSummary, _)> = platforms
        .iter()
        .enumerate()
        .filter_map(|(k, p)| {
            let title = format!("{scenario}: {} over time{at}", p.name);
            timeline::timeline_chart(&title, p).map(|svg| (k, *p, svg))
        })
        .collect();
    let width = platforms
        .iter()
        .find_map(|p| p.timeline.as_ref()?.first().map(|b| b.end_s - b.start_s));
    section(
        "timeline",
        "Over time",
        html! {
            @if charts.is_empty() {
                p.meta { "Timelines are recorded by runs: " code { "servsim run --format html" } " of the scenario (at this point) draws each platform's." }
            }
            @for (k, p, svg) in charts {
                (figure(&format!("chart-timeline-{k}"), svg, html! {
                    (p.name) ": arrivals and completions per second, live and busy containers (GPUs of a dedicated fleet) and requests queued, time-averaged, and the cost accrued, per bin"
                    @if let Some(w) = width { " of " (bin_label(w)) }
                    ", each the mean over seeds" (at) "."
                }))
            }
        },
    )
}

/// A bin width as people say it: 1 s, 10 min, 1.5 h, 2 d.
fn bin_label(width_s: f64) -> String {
    let (unit, name) = [(86_400.0, "d"), (3_600.0, "h"), (60.0, "min")]
        .into_iter()
        .find(|(u, _)| width_s >= *u)
        .unwrap_or((1.0, "s"));
    format!("{} {name}", super::chart::short(width_s / unit))
}

/// Each platform's cheapest point (ties to the earlier point), as verdict options.
fn cheapest_points(points: &[PointReport]) -> Vec<Candidate<'_>> {
    let platforms = points.first().map_or(0, |p| p.platforms.len());
    (0..platforms)
        .filter_map(|k| {
            let mut best: Option<(usize, f64)> = None;
            for (i, point) in points.iter().enumerate() {
                if let Some(c) = point.platforms[k].cost_usd_per_month
                    && best.is_none_or(|(_, m)| c.mean < m)
                {
                    best = Some((i, c.mean));
                }
            }
            best.map(|(i, _)| candidate(points, i, k))
        })
        .collect()
}

/// Platform `k` at point `i`, named without the point when the platform's cost and p99
/// are the same at every point (the grid edits another platform).
fn candidate(points: &[PointReport], i: usize, k: usize) -> Candidate<'_> {
    let point = &points[i];
    let figures = |p: &PointReport| {
        let s = &p.platforms[k];
        (s.cost_usd_per_month, s.latency_s.p99)
    };
    let moves = points.iter().any(|p| figures(p) != figures(point));
    Candidate {
        summary: &point.platforms[k],
        point: moves.then_some((i, &point.values)),
        seed_costs: point.seed_costs.get(k).map_or(&[], Vec::as_slice),
    }
}

/// The page of a sweep.
pub fn sweep_page(report: &SweepReport, page: &Page) -> String {
    let options = cheapest_points(&report.points);
    let target = verdict::target_text(&report.slo(), source(page));
    let meeting = report.best.as_ref().map(|best| {
        let found = best.iter().flatten();
        let list = found.map(|b| {
            let k = report.points[b.point]
                .platforms
                .iter()
                .position(|p| p.name == b.platform);
            candidate(&report.points, b.point, k.unwrap_or(0))
        });
        (target.clone(), list.collect::<Vec<_>>())
    });
    // The point the verdict recommends: the cheapest meeting the target, else the cheapest.
    let chosen = meeting
        .as_ref()
        .and_then(|(_, m)| verdict::cheapest(m))
        .or_else(|| verdict::cheapest(&options))
        .and_then(|c| point_of(&report.points, c.summary));
    let slo_s = latency_target(page);
    let first = report.parameters.first().cloned().unwrap_or_default();
    let cost = cost_plot(report);
    let p99 = charts::p99_chart(
        &format!("{}: p99 latency", report.scenario),
        &report.points,
        &report.parameters,
        slo_s,
    );
    let body = html! {
        (section("verdict", "Verdict", html! {
            div.verdict { (verdict::verdict(&options, meeting)) }
            p.meta { (FIGURES) }
            (sections::unstable(&unstable_points(&report.points)))
        }))
        (section("curves", "Cost and p99 across the sweep", html! {
            (figure("chart-sweep-cost", cost, html! {
                "Mean monthly cost against " (first) ", one line per platform (and per value of the other parameters), the band its 95% CI across seeds"
                @if report.best.is_some() { "; open markers miss the SLO" }
                "."
            }))
            (figure("chart-sweep-p99", p99, html! {
                "p99 latency from the histogram merged across seeds, the band the 95% CI of the per-seed p99"
                @if slo_s.is_some() { "; the dashed line is the target" }
                @if report.best.is_some() { "; open markers miss the SLO" }
                "."
            }))
        }))
        (section("points", "Every point", html! {
            (sections::grid_table("sweep-table", &grid::sweep_grid(report, Style::Terminal), chosen.as_slice()))
            (sections::presets(report.points.first().map_or(&[][..], |p| p.platforms.as_slice())))
            @if let Some(best) = &report.best {
                h3 { "Cheapest platform at each point with " (grid::targets_text(&report.slo())) }
                (sections::grid_table("verdict-table", &grid::verdict_grid(&report.parameters, &report.points), &[]))
                h3 { "Cheapest point per platform with " (grid::targets_text(&report.slo())) }
                (sections::grid_table("best-table", &grid::best_grid(report, best), &[]))
            }
        }))
        @if let Some(i) = chosen {
            @let point = &report.points[i];
            @let at = format!("point #{i} ({})", describe_values(&point.values.0));
            (platform_charts(&report.scenario, &point.platforms.iter().collect::<Vec<_>>(), page, Some(&at)))
        }
        (sections::scenario(page, Some(html! { "Each point edits this file: " (grid_note(report)) "." })))
    };
    let heading = sections::heading(&report.scenario, page, &grid::sweep_header(report));
    let seeds = Seeds {
        master: report.seed,
        count: report.seeds,
    };
    document(
        &title(&report.scenario, "sweep"),
        page,
        heading,
        body,
        seeds,
    )
}

/// The index of the point whose summary `summary` is.
fn point_of(points: &[PointReport], summary: &PlatformSummary) -> Option<usize> {
    points
        .iter()
        .position(|p| p.platforms.iter().any(|s| std::ptr::eq(s, summary)))
}

fn grid_note(report: &SweepReport) -> String {
    format!(
        "{} ({} points)",
        report.parameters.join(" × "),
        report.points.len()
    )
}

/// Each platform of each point that has a warning (unstable, overloaded at peak, too few
/// completed), with the point named.
fn unstable_points(points: &[PointReport]) -> Vec<(String, &PlatformSummary)> {
    points
        .iter()
        .enumerate()
        .flat_map(|(i, point)| {
            point.platforms.iter().map(move |p| {
                (
                    format!(" at point #{i} ({})", describe_values(&point.values.0)),
                    p,
                )
            })
        })
        .filter(|(_, p)| p.unstable || p.overloaded_at_peak.is_some() || p.few_completed.is_some())
        .collect()
}

/// The page of a break-even search.
pub fn breakeven_page(report: &BreakEvenReport, page: &Page) -> String {
    let slo_s = latency_target(page);
    let judged = report
        .points
        .iter()
        .any(|p| p.cheapest_meeting_slo.is_some());
    let crossing = breakeven_plot(report);
    let p99 = charts::p99_chart(
        &format!("{}: p99 latency", report.scenario),
        &report.points,
        std::slice::from_ref(&report.parameter),
        slo_s,
    );
    let body = html! {
        (section("verdict", "Verdict", html! {
            div.verdict {
                p { (report.message) "." }
                (verdict::ends(report))
            }
            (sections::unstable(&unstable_points(&report.points)))
        }))
        (section("crossing", "Where the costs cross", html! {
            (figure("chart-breakeven", crossing, html! {
                "Mean monthly cost of " (report.between[0]) " and " (report.between[1]) " against " (report.parameter)
                ", the bands their 95% CIs across seeds; the black line is the crossing, the grey band its 95% CI (from the per-seed differences)."
            }))
            (figure("chart-breakeven-p99", p99, html! {
                "p99 latency from the histogram merged across seeds, the band the 95% CI of the per-seed p99"
                @if slo_s.is_some() { "; the dashed line is the latency target" }
                @if judged { "; open markers miss the SLO" }
                "."
            }))
        }))
        (section("points", "Every point", html! {
            (sections::grid_table("breakeven-table", &grid::breakeven_grid(report, Style::Terminal), &[]))
            @if judged {
                h3 { "Cheapest platform at each point meeting the SLO" }
                (sections::grid_table("verdict-table", &grid::verdict_grid(std::slice::from_ref(&report.parameter), &report.points), &[]))
            }
            (sections::presets(report.points.first().map_or(&[][..], |p| p.platforms.as_slice())))
        }))
        (sections::scenario(page, Some(html! {
            "Each point sets " (report.parameter) " and keeps only " (report.between[0]) " and " (report.between[1]) "."
        })))
    };
    let meta = format!(
        "break-even of {} and {} over {} — {} points × {} seeds (master seed {}); ± is the 95% CI across seeds, the difference paired by seed",
        report.between[0],
        report.between[1],
        report.parameter,
        report.points.len(),
        report.seeds,
        report.seed
    );
    let heading = sections::heading(&report.scenario, page, &meta);
    let seeds = Seeds {
        master: report.seed,
        count: report.seeds,
    };
    document(
        &title(&report.scenario, "breakeven"),
        page,
        heading,
        body,
        seeds,
    )
}
