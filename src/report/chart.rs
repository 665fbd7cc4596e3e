//! The pieces every chart shares: the SVG canvas and its fonts, colours, legends, axes
//! with given ticks, log spans, lines with their CI bands, target lines. The lines over
//! grid points themselves are in `series`.
//!
//! Text is laid out with plotters' built-in font metrics (no system fonts), so the same
//! report gives the same bytes on every machine.

use plotters::coord::Shift;
use plotters::coord::ranged1d::{DefaultFormatting, KeyPointHint};
use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::series::{Axis, Series};

pub(super) const SIZE: (u32, u32) = (960, 560);

/// Font sizes (plotters units) of titles, axis descriptions and tick labels: legible when
/// a chart is shown at its own width or scaled to a printed page.
pub(super) const TITLE_FONT: u32 = 22;

pub(super) const LABEL_FONT: u32 = 16;

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

/// Line colours, one per series in order (matplotlib's "tab10": distinct on white and on
/// paper; the latency target and the crossing are drawn in black).
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(23, 190, 207),
    RGBColor(188, 189, 34),
];

/// The colour of series `k`.
pub(super) fn color(k: usize) -> RGBAColor {
    PALETTE[k % PALETTE.len()].to_rgba()
}

/// The span of a log axis around the positive values `xs`, with 20% room, from and to a
/// 1-2-5 value so that both ends carry a tick label; 1 ms to 1 s when there are none.
pub(super) fn decades(xs: impl Iterator<Item = f64> + Clone) -> (f64, f64) {
    let xs = xs.filter(|x| *x > 0.0 && x.is_finite());
    let lo = xs.clone().fold(f64::INFINITY, f64::min);
    let hi = xs.fold(f64::NEG_INFINITY, f64::max);
    if !(lo.is_finite() && hi.is_finite()) {
        return (1e-3, 1.0);
    }
    let (lo, hi) = (lo / 1.2, hi * 1.2);
    let decade = |x: f64| 10f64.powf(x.log10().floor());
    let below = [5.0, 2.0, 1.0]
        .iter()
        .map(|m| decade(lo) * m)
        .find(|v| *v <= lo * 1.000_001)
        .unwrap_or(decade(lo));
    let above = [1.0, 2.0, 5.0, 10.0]
        .iter()
        .map(|m| decade(hi) * m)
        .find(|v| *v >= hi / 1.000_001)
        .unwrap_or(decade(hi) * 10.0);
    (below, above)
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

/// The tick label at x of a grid axis: its category, or the number.
pub(super) fn x_formatter(axis: &Axis) -> impl Fn(&f64) -> String + use<> {
    let ticks = axis.ticks.clone();
    move |x: &f64| match &ticks {
        Some(t) => t.get(x.round() as usize).cloned().unwrap_or_default(),
        None => short(*x),
    }
}

/// An SVG of `SIZE` on white, drawn by `draw` on the whole area.
pub(super) fn svg(
    draw: impl FnOnce(&DrawingArea<SVGBackend, Shift>) -> Result<(), String>,
) -> PlotResult {
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

/// A horizontal dashed black line at `y` from `x0` to `x1`, named `label` in the legend.
pub(super) fn target_line<'a, CT>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, CT>,
    (x0, x1): (f64, f64),
    y: f64,
    label: String,
) -> Result<(), String>
where
    CT: CoordTranslate<From = (f64, f64)>,
{
    let style = BLACK.stroke_width(2);
    chart
        .draw_series(DashedLineSeries::new([(x0, y), (x1, y)], 10, 6, style))
        .map_err(err)?
        .label(label)
        .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], style));
    Ok(())
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

/// The legend's name for open markers.
pub(super) const MISS_LABEL: &str = "open marker: misses the SLO";

/// A legend entry for the open markers, when some point of `series` has one.
pub(super) fn miss_legend<'a, CT>(
    chart: &mut ChartContext<'a, SVGBackend<'a>, CT>,
    series: &[Series],
) -> Result<(), String>
where
    CT: CoordTranslate<From = (f64, f64)>,
{
    if !series.iter().any(|s| s.points.iter().any(|p| p.open)) {
        return Ok(());
    }
    chart
        .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())
        .map_err(err)?
        .label(MISS_LABEL)
        .legend(|(x, y)| Circle::new((x + 10, y), 5, BLACK.stroke_width(2)));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_log_span_ends_on_1_2_5_values_with_room_around_the_data() {
        // 2 / 1.2 = 1.67 → 1 below; 10 × 1.2 = 12 → 20 above.
        assert_eq!(decades([2.0, 10.0].into_iter()), (1.0, 20.0));
        // 0.15 / 1.2 = 0.125 → 0.1; 53 × 1.2 = 63.6 → 100.
        let (lo, hi) = decades([0.15, 53.0].into_iter());
        assert!(
            (lo - 0.1).abs() < 1e-12 && (hi - 100.0).abs() < 1e-9,
            "{lo} {hi}"
        );
        assert_eq!(decades([0.0, f64::NAN].into_iter()), (1e-3, 1.0));
    }
}
