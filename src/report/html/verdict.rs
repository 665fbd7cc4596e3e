//! The verdict paragraph: the cheapest option overall and the cheapest meeting the
//! latency target, each with its monthly cost and p99 (± their 95% CIs across seeds), and
//! by how much it beats the next one — a difference paired by seed, since every option
//! ran on the same seeds.
//!
//! An option is a platform (run) or a platform at its best grid point (sweep). Which
//! options meet the target is the report's own verdict (`meets_slo`, `best`), so the page
//! and the text tables agree.

use maud::{Markup, html};

use super::super::grid::targets_text;
use super::super::table::{money, seconds, with_ci};
use crate::experiment::{PlatformSummary, SloTargets};
use crate::metrics::Stat;
use crate::sweep::{BreakEvenReport, PointReport, PointValues, describe_values};

/// One option: a platform, at a grid point for sweeps, with its per-seed monthly costs.
#[derive(Clone, Copy)]
pub(super) struct Candidate<'a> {
    pub summary: &'a PlatformSummary,
    pub point: Option<(usize, &'a PointValues)>,
    pub seed_costs: &'a [f64],
}

impl Candidate<'_> {
    fn cost(&self) -> Option<Stat> {
        self.summary.cost_usd_per_month
    }

    fn mean(&self) -> f64 {
        self.cost().map_or(f64::INFINITY, |s| s.mean)
    }
}

/// The cheapest of `options` by mean monthly cost (ties to the first) and the next one.
fn two_cheapest<'a, 'b>(
    options: &'b [Candidate<'a>],
) -> (Option<&'b Candidate<'a>>, Option<&'b Candidate<'a>>) {
    let mut order: Vec<&Candidate> = options.iter().filter(|c| c.cost().is_some()).collect();
    // A stable sort keeps scenario (and grid) order among equal costs.
    order.sort_by(|a, b| a.mean().total_cmp(&b.mean()));
    (order.first().copied(), order.get(1).copied())
}

/// The cheapest of `options` by mean monthly cost (ties to the first).
pub(super) fn cheapest<'a>(options: &[Candidate<'a>]) -> Option<Candidate<'a>> {
    two_cheapest(options).0.copied()
}

fn name(c: &Candidate) -> Markup {
    html! {
        strong { (c.summary.name) }
        @if let Some((i, values)) = c.point {
            " at " (describe_values(&values.0)) " (point #" (i) ")"
        }
    }
}

fn cost_text(c: &Candidate) -> String {
    format!("${} a month", with_ci(c.cost(), money))
}

fn p99_text(c: &Candidate) -> String {
    match (
        c.summary.latency_s.p99,
        c.summary.p99_latency_s.and_then(|s| s.ci95),
    ) {
        (None, _) => "no request completed".into(),
        (Some(p), None) => format!("p99 {}", seconds(p)),
        (Some(p), Some(ci)) => format!("p99 {} ± {}", seconds(p), seconds(ci)),
    }
}

/// How much more `dear` costs than `cheap` a month: the mean of the per-seed differences
/// ± its 95% CI, and as a share of `base`'s mean.
fn difference(cheap: &Candidate, dear: &Candidate, base: &Candidate) -> String {
    let diffs: Vec<f64> = dear
        .seed_costs
        .iter()
        .zip(cheap.seed_costs)
        .map(|(d, c)| d - c)
        .collect();
    let stat = Stat::of(&diffs);
    let share = match (stat, base.cost()) {
        (Some(d), Some(b)) if b.mean > 0.0 => format!(" ({:.1}%)", d.mean / b.mean * 100.0),
        _ => String::new(),
    };
    format!("${} a month{share}", with_ci(stat, money))
}

/// The verdict: `options` are every platform's cheapest option, `meeting` every
/// platform's cheapest option that meets the target (with the target's text).
pub(super) fn verdict(options: &[Candidate], meeting: Option<(String, Vec<Candidate>)>) -> Markup {
    let (best, next) = two_cheapest(options);
    let Some(best) = best else {
        return html! { p { "No platform has a cost to compare." } };
    };
    html! {
        p.overall {
            "Cheapest overall: " (name(best)) ", " (cost_text(best)) ", " (p99_text(best)) "."
            @if let Some(next) = next {
                " That is " (difference(best, next, next)) " less than the next cheapest, "
                (name(next)) " (" (cost_text(next)) ")."
            }
        }
        @if let Some((target, meeting)) = meeting {
            (slo_sentence(best, options, &target, &meeting))
        }
    }
}

/// The targets as the verdict names them, with where they come from.
pub(super) fn target_text(targets: &SloTargets, source: &str) -> String {
    format!(
        "{} with at least 99% of requests completed, from {source}",
        targets_text(targets)
    )
}

fn slo_sentence(
    best: &Candidate,
    options: &[Candidate],
    target: &str,
    meeting: &[Candidate],
) -> Markup {
    let (first, second) = two_cheapest(meeting);
    let count = format!("{} of {} platforms meet it", meeting.len(), options.len());
    html! {
        p.slo {
            @match first {
                None => {
                    "No platform meets the latency target (" (target) ")"
                    @if let Some(fastest) = fastest(options) {
                        "; the lowest p99 is " (name(fastest)) "'s, " (p99_text(fastest))
                    }
                    "."
                }
                Some(first) if same(first, best) => {
                    "It also meets the latency target (" (target) "); " (count) "."
                    @if let Some(second) = second {
                        " The next cheapest that meets it, " (name(second)) ", costs "
                        (difference(first, second, second)) " more."
                    }
                }
                Some(first) => {
                    "Cheapest meeting the latency target (" (target) "): "
                    (name(first)) ", " (cost_text(first)) ", " (p99_text(first)) " — "
                    (difference(best, first, best)) " more than " (name(best))
                    ", which misses it. " (count) "."
                    @if let Some(second) = second {
                        " The next cheapest that meets it, " (name(second)) ", costs "
                        (difference(first, second, second)) " more."
                    }
                }
            }
        }
    }
}

fn same(a: &Candidate, b: &Candidate) -> bool {
    std::ptr::eq(a.summary, b.summary)
}

/// The option with the lowest merged p99.
fn fastest<'a, 'b>(options: &'b [Candidate<'a>]) -> Option<&'b Candidate<'a>> {
    options
        .iter()
        .filter(|c| c.summary.latency_s.p99.is_some())
        .min_by(|a, b| {
            let p = |c: &Candidate| c.summary.latency_s.p99.unwrap_or(f64::INFINITY);
            p(a).total_cmp(&p(b))
        })
}

/// A break-even's two cost curves at the ends of its range.
pub(super) fn ends(report: &BreakEvenReport) -> Markup {
    let (Some(first), Some(last)) = (report.points.first(), report.points.last()) else {
        return html! {};
    };
    let at = |point: &PointReport, k: usize| {
        point.platforms.get(k).map_or("—".into(), |p| {
            format!("${}", with_ci(p.cost_usd_per_month, money))
        })
    };
    let value = |point: &PointReport| {
        point
            .values
            .0
            .first()
            .map_or(String::new(), |(_, v)| v.to_string())
    };
    html! {
        p {
            "From " (report.parameter) " = " (value(first)) " to " (value(last)) ", "
            strong { (report.between[0]) } " goes from " (at(first, 0)) " to " (at(last, 0))
            " a month and " strong { (report.between[1]) } " from " (at(first, 1)) " to " (at(last, 1)) " a month."
        }
    }
}
