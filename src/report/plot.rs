//! SVG plots drawn with plotters: monthly cost against the swept parameter, one line per
//! platform with its 95% CI band and the break-even crossing marked, and the pieces the
//! other charts share (the SVG canvas, fonts, legends, log ticks, lines with CI bands).
//!
//! Text is laid out with plotters' built-in font metrics (no system fonts), so the same
//! report gives the same bytes on every machine.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;
use serde_json::Value;

use crate::experiment::PlatformSummary;
use crate::sweep::{BreakEvenReport, Crossing, PointReport, SweepReport};

pub(super) const SIZE: (u32, u32) = (960, 560);

/// Font sizes (plotters units) of titles, axis descriptions and tick labels: legible when
/// a chart is shown at its own width or scaled to a printed page.
pub(super) const TITLE_FONT: u32 = 22;
pub(super) const LABEL_FONT: u32 = 16;

/// A point of a line with its band: x, the value, its band's low and high ends, and
/// whether its marker is drawn open (a point that misses a target).
#[derive(Clone, Copy, Debug)]
pub(super) struct Point {
    pub x: f64,
    pub y: f64,
    pub lo: f64,
    pub hi: f64,
    pub open: bool,
}

/// One line of a plot over grid points.
pub(super) struct Series {
    pub name: String,
    pub points: Vec<Point>,
}

/// The x axis of a plot over grid points: numeric values, or categories at 0, 1, 2 …
pub(super) struct Axis {
    pub label: String,
    pub ticks: Option<Vec<String>>,
}

pub(super) type PlotResult = Result<String, String>;

/// A linear axis with exactly the ticks given (plotters' own `with_key_points` on an f64
/// range does not take a label formatter).
#[derive(Clone)]
pub(super) struct Keyed {
    inner: RangedCoordf64,
    keys: Vec<f64>,
}

impl Keyed {
    pub fn new(range: std::ops::Range<f64>, keys: Vec<f64>) -> Keyed {
        Keyed {
            inner: range.into(),
            keys,
        }
    }
}

impl Ranged for Keyed {
    type FormatOption = DefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        self.inner.map(value, limit)
    }

    fn key_points<Hint: KeyPointHint>(&self, hint: Hint) -> Vec<f64> {
        if hint.weight().allow_light_points() {
            Vec::new()
        } else {
            self.keys.clone()
        }
    }

    fn range(&self) -> std::ops::Range<f64> {
        self.inner.range()
    }
}

pub(super) fn err<E: std::fmt::Debug>(e: E) -> String {
    format!("cannot draw the plot: {e:?}")
}

/// A platform's monthly cost: mean and 95% CI half-width (0 with one seed).
fn monthly_cost(p: &PlatformSummary) -> Option<(f64, f64, bool)> {
    p.cost_usd_per_month
        .map(|c| (c.mean, c.ci95.unwrap_or(0.0), false))
}

/// `sweep --plot`: cost per month against the first parameter, a line per platform (and
/// per combination of the other parameters' values).
pub fn cost_plot(report: &SweepReport) -> PlotResult {
    let title = format!("{}: cost per month", report.scenario);
    let (series, axis) = series_of(&report.points, &report.parameters, monthly_cost);
    draw_costs(&title, &series, &axis, None)
}

/// `breakeven --plot`: the two cost curves, their CI bands, and the crossing with its CI.
pub fn breakeven_plot(report: &BreakEvenReport) -> PlotResult {
    let title = format!(
        "{}: {} vs {}",
        report.scenario, report.between[0], report.between[1]
    );
    let (series, axis) = series_of(
        &report.points,
        std::slice::from_ref(&report.parameter),
        monthly_cost,
    );
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
/// the other parameters; `pick` gives a platform's (value, CI half-width, open marker), or
/// nothing to leave the point out.
pub(super) fn series_of(
    points: &[PointReport],
    parameters: &[String],
    pick: impl Fn(&PlatformSummary) -> Option<(f64, f64, bool)>,
) -> (Vec<Series>, Axis) {
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
            let Some((y, ci, open)) = pick(p) else {
                continue;
            };
            let name = if rest.is_empty() {
                p.name.clone()
            } else {
                format!("{} ({})", p.name, rest.join(", "))
            };
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
            lines[at].points.push(Point {
                x,
                y,
                lo: y - ci,
                hi: y + ci,
                open,
            });
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

/// Whole decades around the positive values `xs` (with 20% room), so a log axis is
/// labelled all the way; 1 ms to 1 s when there are none.
pub(super) fn decades(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let xs = xs.filter(|x| *x > 0.0 && x.is_finite());
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
pub(super) fn one_two_five(lo: f64, hi: f64) -> Vec<f64> {
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
pub(super) fn short(x: f64) -> String {
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

pub(super) fn span(lo: f64, hi: f64) -> (f64, f64) {
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
            .caption(title, ("sans-serif", TITLE_FONT))
            .margin(16)
            .x_label_area_size(56)
            .y_label_area_size(96)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(err)?;
        let x_fmt = x_formatter(axis);
        chart
            .configure_mesh()
            .x_desc(axis.label.as_str())
            .y_desc("USD per month (mean, 95% CI band)")
            .light_line_style(TRANSPARENT)
            .label_style(("sans-serif", LABEL_FONT))
            .axis_desc_style(("sans-serif", LABEL_FONT))
            .x_label_formatter(&x_fmt)
            .y_label_formatter(&|y| format!("{y:.0}"))
            .draw()
            .map_err(err)?;
        if let Some(c) = crossing {
            draw_crossing(&mut chart, c, (y0, y1))?;
        }
        for (k, s) in series.iter().enumerate() {
            draw_band_series(
                &mut chart,
                Palette99::pick(k).to_rgba(),
                s,
                f64::NEG_INFINITY,
            )?;
        }
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

/// The tick label at x of a grid axis: its category, or the number.
pub(super) fn x_formatter(axis: &Axis) -> impl Fn(&f64) -> String + use<> {
    let ticks = axis.ticks.clone();
    move |x: &f64| match &ticks {
        Some(t) => t.get(x.round() as usize).cloned().unwrap_or_default(),
        None => short(*x),
    }
}

/// An SVG of `SIZE` on white, drawn by `draw` on the whole area.
fn svg(draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>) -> PlotResult {
    svg_sized(SIZE, draw)
}

/// An SVG of `size` pixels on white, drawn by `draw` on the whole area.
pub(super) fn svg_sized(
    size: (u32, u32),
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> PlotResult {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, size).into_drawing_area();
        root.fill(&WHITE).map_err(err)?;
        draw(&root)?;
        root.present().map_err(err)?;
    }
    Ok(svg)
}

/// The box naming each line, in `corner`.
pub(super) fn legend<'a, CT: CoordTranslate>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, CT>,
    corner: SeriesLabelPosition,
) -> Result<(), String> {
    chart
        .configure_series_labels()
        .position(corner)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", LABEL_FONT))
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
    let y_hi = all.clone().map(|p| p.hi).fold(f64::NEG_INFINITY, f64::max);
    let y_lo = all.map(|p| p.lo).fold(f64::INFINITY, f64::min).min(0.0);
    (
        x_bounds(series),
        span(y_lo, y_hi + (y_hi - y_lo).abs() * 0.08),
    )
}

/// The x span of grid lines.
pub(super) fn x_bounds(series: &[Series]) -> (f64, f64) {
    let xs = series.iter().flat_map(|s| s.points.iter().map(|p| p.x));
    span(
        xs.clone().fold(f64::INFINITY, f64::min),
        xs.fold(f64::NEG_INFINITY, f64::max),
    )
}

/// One line's CI band, its line (in the legend) and point markers (open ones hollow);
/// `floor` clips the band's low end (a log axis has no room at or below 0).
pub(super) fn draw_band_series<'a, CT>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, CT>,
    color: RGBAColor,
    s: &Series,
    floor: f64,
) -> Result<(), String>
where
    CT: CoordTranslate<From = (f64, f64)>,
{
    let mut band: Vec<(f64, f64)> = s.points.iter().map(|p| (p.x, p.hi)).collect();
    band.extend(s.points.iter().rev().map(|p| (p.x, p.lo.max(floor))));
    chart
        .draw_series(std::iter::once(Polygon::new(band, color.mix(0.2).filled())))
        .map_err(err)?;
    chart
        .draw_series(LineSeries::new(
            s.points.iter().map(|p| (p.x, p.y)),
            color.stroke_width(2),
        ))
        .map_err(err)?
        .label(s.name.as_str())
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2)));
    chart
        .draw_series(s.points.iter().map(|p| {
            let style = if p.open {
                color.stroke_width(2)
            } else {
                color.filled()
            };
            Circle::new((p.x, p.y), if p.open { 5 } else { 3 }, style)
        }))
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
