//! The verdict paragraph: the cheapest option overall and the cheapest meeting the
//! latency target, each with its monthly cost and p99 (± their 95% CIs across seeds), and
//! by how much it beats the next one — a difference paired by seed, since every option
//! ran on the same seeds.
//!
//! An option is a platform (run) or a platform at its best grid point (sweep). The target
//! is met as `sweep --slo-p99` meets it (`sweep::best::meets_p99`), so the page and the
//! `best` table agree.

use maud::{Markup, html};

use super::super::table::{money, seconds, with_ci};
use super::Slo;
use crate::experiment::PlatformSummary;
use crate::metrics::Stat;
use crate::sweep::best::meets_p99;
use crate::sweep::{PointValues, describe_values};

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
/// platform's cheapest option that meets the target (with the target).
pub(super) fn verdict(options: &[Candidate], meeting: Option<(&Slo, Vec<Candidate>)>) -> Markup {
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
        @if let Some((slo, meeting)) = meeting {
            (slo_sentence(best, options, slo, &meeting))
        }
    }
}

fn target_text(slo: &Slo) -> String {
    format!(
        "p99 ≤ {} with at least 99% of requests completed, from {}",
        seconds(slo.latency_s),
        slo.source
    )
}

fn slo_sentence(
    best: &Candidate,
    options: &[Candidate],
    slo: &Slo,
    meeting: &[Candidate],
) -> Markup {
    let (first, second) = two_cheapest(meeting);
    let count = format!("{} of {} platforms meet it", meeting.len(), options.len());
    html! {
        p.slo {
            @match first {
                None => {
                    "No platform meets the latency target (" (target_text(slo)) ")"
                    @if let Some(fastest) = fastest(options) {
                        "; the lowest p99 is " (name(fastest)) "'s, " (p99_text(fastest))
                    }
                    "."
                }
                Some(first) if same(first, best) => {
                    "It also meets the latency target (" (target_text(slo)) "); " (count) "."
                    @if let Some(second) = second {
                        " The next cheapest that meets it, " (name(second)) ", costs "
                        (difference(first, second, second)) " more."
                    }
                }
                Some(first) => {
                    "Cheapest meeting the latency target (" (target_text(slo)) "): "
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

/// The options of `options` that meet `slo`.
pub(super) fn meeting<'a>(options: &[Candidate<'a>], slo: &Slo) -> Vec<Candidate<'a>> {
    options
        .iter()
        .copied()
        .filter(|c| meets_p99(c.summary, slo.latency_s))
        .collect()
}
