//! The latency tail (or with a `tokens` service the TTFT or TPOT tail) on a "nines" axis:
//! x is −log10(1 − q), so p50, p90, p99, p99.9 and p99.99 sit at even steps and the tail
//! gets as much room as the body; y is the duration on a log scale. One curve per platform from its merged-histogram CDF, with the merged
//! percentiles of the JSON output (and p99.99) marked on it.
//!
//! Does not interpolate between histogram buckets: the curve joins the recorded CDF
//! points, the markers are the histogram's own quantiles.

use plotters::coord::combinators::BindKeyPoints;
use plotters::prelude::*;

use super::chart::{
    Keyed, LABEL_FONT, PlotResult, SIZE, TITLE_FONT, color, decades, err, legend, one_two_five,
    short, svg_sized, target_line,
};
use super::table::seconds;
use crate::experiment::{Percentiles, PlatformSummary, RunReport};

/// The percentiles marked, as (quantile, label).
pub const NINES: [(f64, &str); 5] = [
    (0.5, "p50"),
    (0.9, "p90"),
    (0.99, "p99"),
    (0.999, "p99.9"),
    (0.9999, "p99.99"),
];

/// Where the x axis ends: a little past p99.99, where the slowest requests of a large
/// run are drawn.
const X_END: f64 = 4.3;

/// The nines of quantile `q`: 1 for p90, 2 for p99 … (the axis end for q = 1).
pub fn nines(q: f64) -> f64 {
    if q >= 1.0 {
        X_END
    } else {
        (-(1.0 - q).log10()).min(X_END)
    }
}

/// A platform's marked latency percentiles in seconds, in `NINES` order (`None` where
/// the histogram is empty).
pub fn percentiles(p: &PlatformSummary) -> [Option<f64>; 5] {
    let l = &p.latency_s;
    [l.p50, l.p90, l.p99, l.p999, p.latency_p9999_s]
}

/// The duration a tail chart shows: latency, or with a `tokens` service TTFT or TPOT.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Measure {
    Latency,
    Ttft,
    Tpot,
}

/// One platform's curve on a tail chart: its merged CDF of the measure and the marked
/// percentiles, in `NINES` order.
struct Curve<'a> {
    name: &'a str,
    cdf: &'a [(f64, f64)],
    marks: [Option<f64>; 5],
}

impl Measure {
    /// `p`'s curve of this duration, if it has one.
    fn of(self, p: &PlatformSummary) -> Option<Curve<'_>> {
        let marks = |l: &Percentiles, p9999| [l.p50, l.p90, l.p99, l.p999, p9999];
        let cdf_and_marks = match (self, &p.tokens) {
            (Measure::Latency, _) => (&p.latency_cdf[..], percentiles(p)),
            (Measure::Ttft, Some(t)) => (
                &t.tails.ttft_cdf[..],
                marks(&t.ttft_s, t.tails.ttft_p9999_s),
            ),
            (Measure::Tpot, Some(t)) => (
                &t.tails.tpot_cdf[..],
                marks(&t.tpot_s, t.tails.tpot_p9999_s),
            ),
            _ => return None,
        };
        let (cdf, marks) = cdf_and_marks;
        let name = p.name.as_str();
        (!cdf.is_empty()).then_some(Curve { name, cdf, marks })
    }

    /// The name of the duration on the axis and beside its target line.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Latency => "latency",
            Measure::Ttft => "time to first token",
            Measure::Tpot => "time per output token",
        }
    }
}

/// The curve of one CDF in (nines, seconds): from q = 0 at the fastest recorded latency,
/// through each recorded point, ending at the axis end.
fn curve(cdf: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let Some(&(first, _)) = cdf.first() else {
        return Vec::new();
    };
    let mut out = vec![(0.0, first)];
    for &(latency_s, q) in cdf {
        let x = nines(q);
        out.push((x, latency_s));
        if x >= X_END {
            break;
        }
    }
    out
}

/// `run --plot`: every platform's latency tail (merged over seeds) on a nines axis.
pub fn latency_tail_plot(report: &RunReport) -> PlotResult {
    let title = format!(
        "{}: latency tail ({} seeds merged)",
        report.scenario, report.seeds
    );
    let drawn: Vec<&PlatformSummary> = report.platforms.iter().collect();
    tail_chart(&title, &drawn, Measure::Latency, None, SIZE)
}

/// The nines chart of `measure` for `platforms`, with a horizontal line at its target
/// `slo_s`.
pub(super) fn tail_chart(
    title: &str,
    platforms: &[&PlatformSummary],
    measure: Measure,
    slo_s: Option<f64>,
    size: (u32, u32),
) -> PlotResult {
    let drawn: Vec<Curve> = platforms.iter().filter_map(|p| measure.of(p)).collect();
    let values = drawn
        .iter()
        .flat_map(|c| {
            let marks = c.marks.iter().flatten().copied();
            curve(c.cdf).into_iter().map(|c| c.1).chain(marks)
        })
        .chain(slo_s);
    let (lo, hi) = decades(values.collect::<Vec<_>>().into_iter());
    let x_keys: Vec<f64> = NINES.iter().map(|(q, _)| nines(*q)).collect();
    svg_sized(size, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", TITLE_FONT))
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(84)
            .build_cartesian_2d(
                Keyed::new(0.0..X_END, x_keys),
                (lo..hi).log_scale().with_key_points(one_two_five(lo, hi)),
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("percentile (nines axis: each step is 10× rarer)")
            .y_desc(format!("{} (s), log scale", measure.name()))
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.12))
            .label_style(("sans-serif", LABEL_FONT))
            .axis_desc_style(("sans-serif", LABEL_FONT))
            .x_label_formatter(&|x| nines_label(*x))
            .y_label_formatter(&|y| short(*y))
            .draw()
            .map_err(err)?;
        if let Some(slo) = slo_s {
            target_line(
                &mut chart,
                (0.0, X_END),
                slo,
                format!("{} target {}", measure.name(), seconds(slo)),
            )?;
        }
        for (k, c) in drawn.iter().enumerate() {
            let color = color(k);
            chart
                .draw_series(LineSeries::new(curve(c.cdf), color.stroke_width(2)))
                .map_err(err)?
                .label(c.name)
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
            let marks = NINES.iter().zip(c.marks);
            chart
                .draw_series(marks.filter_map(|((q, _), v)| {
                    v.map(|v| Circle::new((nines(*q), v), 4, color.filled()))
                }))
                .map_err(err)?;
        }
        // Durations only grow with the percentile, so the lower right corner stays empty.
        legend(&mut chart, SeriesLabelPosition::LowerRight)
    })
}

/// The label of a key point of the nines axis.
fn nines_label(x: f64) -> String {
    NINES
        .iter()
        .find(|(q, _)| (nines(*q) - x).abs() < 1e-9)
        .map_or_else(String::new, |(_, label)| label.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nines_put_each_tenfold_rarer_percentile_one_step_further() {
        assert_eq!(nines(0.9), 1.0);
        assert!((nines(0.99) - 2.0).abs() < 1e-12);
        assert!((nines(0.9999) - 4.0).abs() < 1e-9);
        assert!((nines(0.5) - std::f64::consts::LOG10_2).abs() < 1e-12);
        assert_eq!(nines(1.0), X_END);
    }

    #[test]
    fn a_curve_starts_at_the_fastest_latency_and_stops_at_the_axis_end() {
        let cdf = [(1.0, 0.5), (2.0, 0.99), (3.0, 0.999_999), (4.0, 1.0)];
        let c = curve(&cdf);
        assert_eq!(c[0], (0.0, 1.0));
        assert_eq!(c[2].1, 2.0);
        assert_eq!(c.last(), Some(&(X_END, 3.0)));
        assert_eq!(c.len(), 4);
    }

    #[test]
    fn a_constant_latency_is_a_flat_line_across_the_axis() {
        assert_eq!(curve(&[(2.0, 1.0)]), vec![(0.0, 2.0), (X_END, 2.0)]);
    }
}
