//! SVG plots drawn with plotters: monthly cost against the swept parameter, one line per
//! platform with its 95% CI band, the break-even crossing marked, and with an SLO the
//! points where a platform misses it drawn open.
//!
//! Text is laid out with plotters' built-in font metrics (no system fonts), so the same
//! report gives the same bytes on every machine.

use plotters::coord::types::RangedCoordf64;
use plotters::prelude::*;

use super::chart::{
    Keyed, LABEL_FONT, PlotResult, TITLE_FONT, color, draw_band_series, err, legend, miss_legend,
    span, svg, x_bounds, x_formatter,
};
use super::series::{Axis, Series, grid_ticks, series_of};
use crate::experiment::PlatformSummary;
use crate::sweep::{BreakEvenReport, Crossing, SweepReport};

/// A platform's monthly cost: mean, 95% CI half-width (0 with one seed), and whether it
/// misses the SLO (its marker open).
fn monthly_cost(p: &PlatformSummary) -> Option<(f64, f64, bool)> {
    p.cost_usd_per_month
        .map(|c| (c.mean, c.ci95.unwrap_or(0.0), p.meets_slo == Some(false)))
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
            .build_cartesian_2d(Keyed::new(x0..x1, grid_ticks(series, axis)), y0..y1)
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
            draw_band_series(&mut chart, color(k), s, f64::NEG_INFINITY)?;
        }
        miss_legend(&mut chart, series)?;
        legend(&mut chart, SeriesLabelPosition::UpperLeft)
    })
}

type CostChart<'a, 'b> = ChartContext<'a, SVGBackend<'b>, Cartesian2d<Keyed, RangedCoordf64>>;

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
