//! The report's charts as inline SVG: cost breakdown bars per platform, the latency tail
//! on a nines axis, p99 against the swept parameter with its CI band and the latency
//! target, and the cost curves of `plot` — all drawn with the plotters code of `plot`
//! and `tail`, so `--plot` files and the page show the same pictures.
//!
//! Does not compute figures: every number comes from the report's summaries.

use maud::{Markup, PreEscaped, html};
use plotters::coord::combinators::BindKeyPoints;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::super::chart::{
    Keyed, LABEL_FONT, PlotResult, TITLE_FONT, color, decades, draw_band_series, err, legend,
    miss_legend, one_two_five, short, svg_sized, target_line, x_bounds, x_formatter,
};
use super::super::series::{Axis, Series, grid_ticks, series_of};
use super::super::table::{money, seconds};
use super::super::tail::{Measure, tail_chart};
use crate::experiment::PlatformSummary;
use crate::metrics::Stat;
use crate::sweep::PointReport;

/// Width of the page's charts in pixels, as `--plot` draws them: the page shows them a
/// quarter larger in a 1280 px window, so their labels read at about 16 px.
pub(super) const WIDTH: u32 = 960;

/// A chart in a figure with its caption; a chart that could not be drawn says why in its
/// place.
pub(super) fn figure(id: &str, svg: PlotResult, caption: Markup) -> Markup {
    html! {
        figure.chart id=(id) {
            @match svg {
                Ok(svg) => (PreEscaped(strip_namespace(&svg))),
                Err(e) => p.warning { (e) },
            }
            figcaption { (caption) }
        }
    }
}

/// plotters writes a standalone SVG document; inside HTML the namespace attribute is
/// implied, and leaving it out keeps every URL out of the page.
fn strip_namespace(svg: &str) -> String {
    svg.replacen(r#" xmlns="http://www.w3.org/2000/svg""#, "", 1)
}

/// Colours of the cost kinds (Okabe–Ito, readable by colour-blind readers and in grey).
const KINDS: [(&str, RGBColor); 4] = [
    ("startup", RGBColor(230, 159, 0)),
    ("busy", RGBColor(0, 114, 178)),
    ("idle", RGBColor(153, 153, 153)),
    ("fallback", RGBColor(213, 94, 0)),
];

/// A platform's cost by kind (startup, busy, idle, fallback), mean over seeds, in USD per
/// 30-day month: the breakdown covers the horizon, and the monthly cost is the horizon's
/// scaled by one factor, so the bars add up to the table's cost / month.
fn kinds(p: &PlatformSummary) -> [f64; 4] {
    let month = match (p.cost_usd, p.cost_usd_per_month) {
        (Some(total), Some(monthly)) if total.mean > 0.0 => monthly.mean / total.mean,
        _ => 0.0,
    };
    let b = &p.cost_breakdown_usd;
    let m = |s: Option<Stat>| s.map_or(0.0, |s| s.mean * month);
    [m(b.startup), m(b.busy), m(b.idle), m(b.fallback)]
}

/// Stacked horizontal bars: each platform's monthly cost split by kind, its total at the
/// end. Kinds no platform has are left out of the legend.
pub(super) fn breakdown_chart(title: &str, platforms: &[&PlatformSummary]) -> PlotResult {
    let n = platforms.len();
    let costs: Vec<[f64; 4]> = platforms.iter().map(|p| kinds(p)).collect();
    let top = costs
        .iter()
        .map(|c| c.iter().sum::<f64>())
        .fold(0.0, f64::max);
    let x_end = if top > 0.0 { top * 1.18 } else { 1.0 };
    let names: Vec<String> = platforms.iter().map(|p| p.name.clone()).collect();
    let height = 130 + 48 * n as u32;
    let rows: Vec<f64> = (0..n).map(|i| i as f64).collect();
    svg_sized((WIDTH, height), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", TITLE_FONT))
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(label_width(&names))
            .build_cartesian_2d(0.0..x_end, Keyed::new(-0.6..n as f64 - 0.4, rows))
            .map_err(err)?;
        // Row i from the top is platform i.
        let name_at = |y: &f64| {
            let i = n as f64 - 1.0 - y.round();
            names.get(i as usize).cloned().unwrap_or_default()
        };
        chart
            .configure_mesh()
            .disable_y_mesh()
            .light_line_style(TRANSPARENT)
            .bold_line_style(BLACK.mix(0.12))
            .x_desc("USD per 30-day month (mean over seeds)")
            .label_style(("sans-serif", LABEL_FONT))
            .axis_desc_style(("sans-serif", LABEL_FONT))
            .x_label_formatter(&|x| format!("{x:.0}"))
            .y_label_formatter(&name_at)
            .draw()
            .map_err(err)?;
        for (k, (_, color)) in KINDS.iter().enumerate() {
            let bars = costs
                .iter()
                .enumerate()
                .filter(|(_, c)| c[k] > 0.0)
                .map(|(i, c)| {
                    let y = (n - 1 - i) as f64;
                    let x0: f64 = c[..k].iter().sum();
                    Rectangle::new([(x0, y - 0.32), (x0 + c[k], y + 0.32)], color.filled())
                });
            let bars: Vec<_> = bars.collect();
            if bars.is_empty() {
                continue;
            }
            chart.draw_series(bars).map_err(err)?;
        }
        let style = TextStyle::from(("sans-serif", LABEL_FONT).into_font())
            .pos(Pos::new(HPos::Left, VPos::Center));
        chart
            .draw_series(costs.iter().enumerate().map(|(i, c)| {
                let total: f64 = c.iter().sum();
                let y = (n - 1 - i) as f64;
                Text::new(
                    format!("${}", money(total)),
                    (total + x_end * 0.01, y),
                    style.clone(),
                )
            }))
            .map_err(err)?;
        Ok(())
    })
}

/// The kinds the bars of `platforms` show, as an HTML legend (a legend drawn inside the
/// chart would cover the longest bar's total).
pub(super) fn breakdown_legend(platforms: &[&PlatformSummary]) -> Markup {
    let costs: Vec<[f64; 4]> = platforms.iter().map(|p| kinds(p)).collect();
    html! {
        p.legend {
            @for (k, (kind, RGBColor(r, g, b))) in KINDS.iter().enumerate() {
                @if costs.iter().any(|c| c[k] > 0.0) {
                    span.key {
                        span.swatch style={ "background:#" (format!("{r:02x}{g:02x}{b:02x}")) } {}
                        (kind)
                    }
                }
            }
        }
    }
}

/// Room for the longest platform name beside the bars (about 9 px a character).
fn label_width(names: &[String]) -> u32 {
    let longest = names.iter().map(|n| n.chars().count()).max().unwrap_or(0) as u32;
    (longest * 9 + 24).clamp(80, 360)
}

/// The tail of `measure` of `platforms` on a nines axis, with its target.
pub(super) fn tail(
    title: &str,
    platforms: &[&PlatformSummary],
    measure: Measure,
    slo_s: Option<f64>,
) -> PlotResult {
    tail_chart(title, platforms, measure, slo_s, (WIDTH, 520))
}

/// p99 (merged histogram) against the first parameter, one line per platform with the
/// per-seed 95% CI as its band, the latency target as a line and the points that miss the
/// SLO (their `meets_slo`) open.
pub(super) fn p99_chart(
    title: &str,
    points: &[PointReport],
    parameters: &[String],
    slo_s: Option<f64>,
) -> PlotResult {
    let pick = |p: &PlatformSummary| {
        let ci = p.p99_latency_s.and_then(|s| s.ci95).unwrap_or(0.0);
        let open = p.meets_slo == Some(false);
        p.latency_s.p99.map(|y| (y, ci, open))
    };
    let (series, axis) = series_of(points, parameters, pick);
    let values = series
        .iter()
        .flat_map(|s| s.points.iter().flat_map(|p| [p.lo, p.hi, p.y]))
        .chain(slo_s);
    let (lo, hi) = decades(values.collect::<Vec<_>>().into_iter());
    svg_sized((WIDTH, 520), |root| {
        draw_p99(root, title, &series, &axis, (lo, hi), slo_s)
    })
}

fn draw_p99(
    root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    title: &str,
    series: &[Series],
    axis: &Axis,
    (lo, hi): (f64, f64),
    slo_s: Option<f64>,
) -> Result<(), String> {
    let (x0, x1) = x_bounds(series);
    let x_keys = grid_ticks(series, axis);
    let mut chart = ChartBuilder::on(root)
        .caption(title, ("sans-serif", TITLE_FONT))
        .margin(16)
        .x_label_area_size(56)
        .y_label_area_size(84)
        .build_cartesian_2d(
            Keyed::new(x0..x1, x_keys),
            (lo..hi).log_scale().with_key_points(one_two_five(lo, hi)),
        )
        .map_err(err)?;
    let x_fmt = x_formatter(axis);
    chart
        .configure_mesh()
        .x_desc(axis.label.as_str())
        .y_desc("p99 latency (s), log scale")
        .light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.12))
        .label_style(("sans-serif", LABEL_FONT))
        .axis_desc_style(("sans-serif", LABEL_FONT))
        .x_label_formatter(&x_fmt)
        .y_label_formatter(&|y| short(*y))
        .draw()
        .map_err(err)?;
    if let Some(slo) = slo_s {
        let label = format!("target: p99 ≤ {}", seconds(slo));
        target_line(&mut chart, (x0, x1), slo, label)?;
    }
    for (k, s) in series.iter().enumerate() {
        draw_band_series(&mut chart, color(k), s, lo)?;
    }
    miss_legend(&mut chart, series)?;
    legend(&mut chart, emptiest_right(series, (x0, x1), (lo, hi)))
}

/// Where on the right the legend covers the fewest points: the top, middle or bottom third
/// of the log axis (ties to the middle, where fast and cold-start-bound curves are rarest).
fn emptiest_right(
    series: &[Series],
    (x0, x1): (f64, f64),
    (lo, hi): (f64, f64),
) -> SeriesLabelPosition {
    let mut thirds = [0usize; 3];
    let points = series.iter().flat_map(|s| &s.points);
    for p in points.filter(|p| p.x >= (x0 + x1) / 2.0 && p.y > 0.0) {
        let at = (p.y / lo).ln() / (hi / lo).ln();
        thirds[((at * 3.0).floor() as usize).min(2)] += 1;
    }
    let [bottom, middle, top] = thirds;
    if middle <= top && middle <= bottom {
        SeriesLabelPosition::MiddleRight
    } else if top <= bottom {
        SeriesLabelPosition::UpperRight
    } else {
        SeriesLabelPosition::LowerRight
    }
}
