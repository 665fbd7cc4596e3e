//! SVG plots drawn with plotters: monthly cost against the swept parameter, one line per
//! platform with its 95% CI band and the break-even crossing marked; and latency CDFs of
//! a run, one per platform, from the merged histograms.
//!
//! Text is laid out with plotters' built-in font metrics (no system fonts), so the same
//! report gives the same bytes on every machine.

use plotters::coord::Shift;
use plotters::coord::combinators::BindKeyPoints;
use plotters::prelude::*;
use serde_json::Value;

use crate::experiment::{PlatformSummary, RunReport};
use crate::sweep::{BreakEvenReport, Crossing, PointReport, SweepReport};

const SIZE: (u32, u32) = (960, 560);

/// One line of a cost plot: (x, mean, mean − ci95, mean + ci95).
struct Series {
    name: String,
    points: Vec<(f64, f64, f64, f64)>,
}

/// The x axis of a cost plot: numeric values, or categories placed at 0, 1, 2 …
struct Axis {
    label: String,
    ticks: Option<Vec<String>>,
}

type PlotResult = Result<String, String>;

fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("cannot draw the plot: {e:?}")
}

/// `sweep --plot`: cost per month against the first parameter, a line per platform (and
/// per combination of the other parameters' values).
pub fn cost_plot(report: &SweepReport) -> PlotResult {
    let title = format!("{}: cost per month", report.scenario);
    let (series, axis) = series_of(&report.points, &report.parameters);
    draw_costs(&title, &series, &axis, None)
}

/// `breakeven --plot`: the two cost curves, their CI bands, and the crossing with its CI.
pub fn breakeven_plot(report: &BreakEvenReport) -> PlotResult {
    let title = format!(
        "{}: {} vs {}",
        report.scenario, report.between[0], report.between[1]
    );
    let (series, axis) = series_of(&report.points, std::slice::from_ref(&report.parameter));
    draw_costs(&title, &series, &axis, report.crossing)
}

/// A parameter value as a label: strings without their quotes.
fn label(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Where each point sits on the x axis: its first parameter's value when every value is
/// a number, else the position of its (first-seen) category.
fn x_positions(points: &[PointReport]) -> (Vec<f64>, Option<Vec<String>>) {
    let firsts: Vec<Option<&Value>> = points
        .iter()
        .map(|p| p.values.0.first().map(|(_, v)| v))
        .collect();
    if firsts.iter().all(|v| v.is_some_and(Value::is_number)) {
        let xs = firsts
            .iter()
            .map(|v| v.and_then(Value::as_f64).unwrap_or(0.0))
            .collect();
        return (xs, None);
    }
    let mut categories: Vec<String> = Vec::new();
    let xs = firsts
        .iter()
        .map(|v| {
            let t = v.map(label).unwrap_or_default();
            let at = categories.iter().position(|c| *c == t).unwrap_or_else(|| {
                categories.push(t);
                categories.len() - 1
            });
            at as f64
        })
        .collect();
    (xs, Some(categories))
}

/// Lines of a grid: x from the first parameter, one line per platform × the values of
/// the other parameters.
fn series_of(points: &[PointReport], parameters: &[String]) -> (Vec<Series>, Axis) {
    let (xs, ticks) = x_positions(points);
    let mut lines: Vec<Series> = Vec::new();
    for (point, &x) in points.iter().zip(&xs) {
        let rest: Vec<String> = point
            .values
            .0
            .iter()
            .skip(1)
            .map(|(k, v)| format!("{k}={}", label(v)))
            .collect();
        for p in &point.platforms {
            let Some(cost) = p.cost_usd_per_month else {
                continue;
            };
            let name = if rest.is_empty() {
                p.name.clone()
            } else {
                format!("{} ({})", p.name, rest.join(", "))
            };
            let ci = cost.ci95.unwrap_or(0.0);
            let at = lines
                .iter()
                .position(|l| l.name == name)
                .unwrap_or_else(|| {
                    lines.push(Series {
                        name,
                        points: Vec::new(),
                    });
                    lines.len() - 1
                });
            lines[at]
                .points
                .push((x, cost.mean, cost.mean - ci, cost.mean + ci));
        }
    }
    let axis = Axis {
        label: parameters
            .first()
            .cloned()
            .unwrap_or_else(|| "point".into()),
        ticks,
    };
    (lines, axis)
}

/// Whole decades around every CDF's latencies, so the log axis is labelled all the way.
fn decades(drawn: &[&PlatformSummary]) -> (f64, f64) {
    let xs = drawn
        .iter()
        .flat_map(|p| p.latency_cdf.iter().map(|q| q.0))
        .filter(|x| *x > 0.0);
    let lo = xs.clone().fold(f64::INFINITY, f64::min);
    let hi = xs.fold(f64::NEG_INFINITY, f64::max);
    if lo.is_finite() && hi.is_finite() {
        let floor = 10f64.powf((lo / 1.2).log10().floor());
        (floor, 10f64.powf((hi * 1.2).log10().ceil()))
    } else {
        (1e-3, 1.0)
    }
}

/// 1, 2, 5, 10, 20, 50 … within [lo, hi].
fn one_two_five(lo: f64, hi: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let mut decade = lo;
    while decade <= hi * 1.000_001 && out.len() < 60 {
        for m in [1.0, 2.0, 5.0] {
            if decade * m <= hi * 1.000_001 {
                out.push(decade * m);
            }
        }
        decade *= 10.0;
    }
    out
}

/// A tick label: at most three significant digits, no trailing zeros.
fn short(x: f64) -> String {
    let digits = if x == 0.0 {
        0
    } else {
        (2 - x.abs().log10().floor() as i32).clamp(0, 9) as usize
    };
    let s = format!("{x:.digits$}");
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

fn span(lo: f64, hi: f64) -> (f64, f64) {
    if !(lo.is_finite() && hi.is_finite()) {
        (0.0, 1.0)
    } else if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, hi + 1.0)
    }
}

fn draw_costs(
    title: &str,
    series: &[Series],
    axis: &Axis,
    crossing: Option<Crossing>,
) -> PlotResult {
    let ((x0, x1), (y0, y1)) = cost_bounds(series);
    svg(|root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, ("sans-serif", 22))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(84)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        let ticks = axis.ticks.clone();
        let x_fmt = move |x: &f64| match &ticks {
            Some(t) => t.get(x.round() as usize).cloned().unwrap_or_default(),
            None => short(*x),
        };
        chart
            .configure_mesh()
            .x_desc(axis.label.as_str())
            .y_desc("USD per month (mean, 95% CI band)")
            .light_line_style(TRANSPARENT)
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .map_err(err)?;
        if let Some(c) = crossing {
            draw_crossing(&mut chart, c, (y0, y1))?;
        }
        for (k, s) in series.iter().enumerate() {
            draw_cost_series(&mut chart, Palette99::pick(k).to_rgba(), s)?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// An SVG of `SIZE` on white, drawn by `draw` on the whole area.
fn svg(draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>) -> PlotResult {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The box naming each line, in `corner`.
fn legend<'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, CT>,
    corner: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(corner)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .draw()
        .map_err(err)
}

type CostChart<'a, 'b> = ChartContext<
    'a,
    SVGBackend<'b>,
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
>;

/// The x and y spans of cost lines and their bands (y from 0 unless costs go negative).
fn cost_bounds(series: &[Series]) -> ((f64, f64), (f64, f64)) {
    let all = series.iter().flat_map(|s| &s.points);
    let x = span(
        all.clone().map(|p| p.0).fold(f64::INFINITY, f64::min),
        all.clone().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max),
    );
    let y_hi = all.clone().map(|p| p.3).fold(f64::NEG_INFINITY, f64::max);
    let y_lo = all.map(|p| p.2).fold(f64::INFINITY, f64::min).min(0.0);
    (x, span(y_lo, y_hi + (y_hi - y_lo).abs() * 0.08))
}

/// One platform's CI band, mean line (in the legend) and point markers.
fn draw_cost_series(chart: &mut CostChart, color: RGBAColor, s: &Series) -> Result<(), String> {
    let mut band: Vec<(f64, f64)> = s.points.iter().map(|p| (p.0, p.3)).collect();
    band.extend(s.points.iter().rev().map(|p| (p.0, p.2)));
    chart
        .draw_series(std::iter::once(Polygon::new(band, color.mix(0.2).filled())))
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            s.points.iter().map(|p| (p.0, p.1)),
            color.stroke_width(2),
        ))
        .map_err(err)?
        .label(s.name.as_str())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    chart
        .draw_series(
            s.points
                .iter()
                .map(|p| Circle::new((p.0, p.1), 3, color.filled())),
        )
        .map_err(err)?;
    Ok(())
}

fn draw_crossing(chart: &mut CostChart, c: Crossing, (y0, y1): (f64, f64)) -> Result<(), String> {
    if let Some([lo, hi]) = c.ci95 {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(lo, y0), (hi, y1)],
                BLACK.mix(0.1).filled(),
            )))
            .map_err(err)?;
    }
    let label = match c.ci95 {
        Some([lo, hi]) => format!("crossing {:.3} (95% CI {:.3} to {:.3})", c.value, lo, hi),
        None => format!("crossing {:.3}", c.value),
    };
    chart
        .draw_series(LineSeries::new(
            [(c.value, y0), (c.value, y1)],
            BLACK.stroke_width(2),
        ))
        .map_err(err)?
        .label(label)
        .legend(|(x, y)| PathElement::new(vec![(x, y - 6), (x, y + 6)], BLACK.stroke_width(2)));
    Ok(())
}

/// `run --plot`: the latency CDF of each platform (merged over seeds), log-scaled time.
pub fn latency_cdf_plot(report: &RunReport) -> PlotResult {
    let drawn: Vec<&PlatformSummary> = report
        .platforms
        .iter()
        .filter(|p| !p.latency_cdf.is_empty())
        .collect();
    let (lo, hi) = decades(&drawn);
    svg(|root| {
        let mut chart = ChartBuilder::on(root)
            .caption(
                format!(
                    "{}: latency CDF ({} seeds merged)",
                    report.scenario, report.seeds
                ),
                ("sans-serif", 22),
            )
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(70)
            .build_cartesian_2d(
                (lo..hi).log_scale().with_key_points(one_two_five(lo, hi)),
                0.0..1.0,
            )
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc("latency (s), log scale")
            .y_desc("fraction of completed requests")
            .light_line_style(TRANSPARENT)
            .x_labels(12)
            .x_label_formatter(&|x| short(*x))
            .draw()
            .map_err(err)?;
        for (k, p) in drawn.iter().enumerate() {
            let color = Palette99::pick(k).to_rgba();
            let mut steps = vec![(p.latency_cdf[0].0.max(lo), 0.0)];
            steps.extend(p.latency_cdf.iter().map(|&(x, q)| (x.max(lo), q)));
            chart
                .draw_series(LineSeries::new(steps, color.stroke_width(2)))
                .map_err(err)?
                .label(p.name.as_str())
                .legend(move |(x, y)| {
                    PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                });
        }
        legend(&mut chart, SeriesLabelPosition::LowerRight)
    })
}
