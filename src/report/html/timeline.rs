//! Each platform's timeline as a small chart of three panels over the horizon: arrivals and
//! completions per second; live and busy containers (GPUs) and queue length; cost per bin.
//!
//! Does not compute figures: every number is a bin of the summary's `timeline`, drawn as
//! a step (each bin's value held over the bin).

use plotters::coord::Shift;
use plotters::prelude::*;

use super::super::chart::{LABEL_FONT, PlotResult, color, err, short, svg_sized};
use super::charts::WIDTH;
use crate::experiment::{PlatformSummary, TimelineBin};

/// How times on the x axis are written: in the unit that keeps the horizon's numbers short.
fn time_unit(horizon_s: f64) -> (f64, &'static str) {
    if horizon_s >= 3.0 * 86_400.0 {
        (86_400.0, "d")
    } else if horizon_s >= 3.0 * 3_600.0 {
        (3_600.0, "h")
    } else if horizon_s >= 180.0 {
        (60.0, "min")
    } else {
        (1.0, "s")
    }
}

/// A line of a panel: its name and the figure of a bin it draws.
type Line = (&'static str, fn(&TimelineBin) -> f64);

/// One panel: its y description and its lines.
struct Panel {
    y_desc: &'static str,
    lines: Vec<Line>,
}

fn panels() -> [Panel; 3] {
    [
        Panel {
            y_desc: "requests / s",
            lines: vec![
                ("arrivals", |b| b.arrivals_per_s),
                ("completions", |b| b.completions_per_s),
            ],
        },
        Panel {
            y_desc: "containers (GPUs), queue",
            lines: vec![
                ("live", |b| b.containers_mean),
                ("busy", |b| b.containers_busy_mean),
                ("queued", |b| b.queue_length_mean),
            ],
        },
        Panel {
            y_desc: "USD per bin",
            lines: vec![("cost", |b| b.cost_usd)],
        },
    ]
}

/// The chart of `p`'s timeline (`None` when it has none).
pub(super) fn timeline_chart(title: &str, p: &PlatformSummary) -> Option<PlotResult> {
    let bins = p.timeline.as_deref()?;
    let horizon_s = bins.last().map_or(1.0, |b| b.end_s);
    let unit = time_unit(horizon_s);
    Some(svg_sized((WIDTH, 600), |root| {
        let (top, rest) = root.split_vertically(36);
        top.titled(title, ("sans-serif", LABEL_FONT + 2))
            .map_err(err)?;
        let areas = rest.split_evenly((3, 1));
        for (k, (area, panel)) in areas.iter().zip(panels()).enumerate() {
            let last = k == 2;
            draw_panel(area, &panel, bins, unit, last)?;
        }
        Ok(())
    }))
}

/// A step line through the bins: each value held from the bin's start to its end.
fn steps(bins: &[TimelineBin], f: fn(&TimelineBin) -> f64, scale: f64) -> Vec<(f64, f64)> {
    bins.iter()
        .flat_map(|b| [(b.start_s / scale, f(b)), (b.end_s / scale, f(b))])
        .collect()
}

fn draw_panel(
    area: &DrawingArea<SVGBackend, Shift>,
    panel: &Panel,
    bins: &[TimelineBin],
    (scale, unit): (f64, &str),
    with_x_desc: bool,
) -> Result<(), String> {
    let x_end = bins.last().map_or(1.0, |b| b.end_s) / scale;
    let top = panel
        .lines
        .iter()
        .flat_map(|(_, f)| bins.iter().map(f))
        .filter(|v| v.is_finite())
        .fold(0.0, f64::max);
    let y_end = if top > 0.0 { top * 1.15 } else { 1.0 };
    let x_desc = format!("time ({unit})");
    let mut chart = ChartBuilder::on(area)
        .margin_left(16)
        .margin_right(24)
        .margin_bottom(4)
        .x_label_area_size(if with_x_desc { 44 } else { 24 })
        .y_label_area_size(96)
        .build_cartesian_2d(0.0..x_end, 0.0..y_end)
        .map_err(err)?;
    let mut mesh = chart.configure_mesh();
    mesh.light_line_style(TRANSPARENT)
        .bold_line_style(BLACK.mix(0.12))
        .y_desc(panel.y_desc)
        .x_labels(8)
        .y_labels(4)
        .label_style(("sans-serif", LABEL_FONT - 2))
        .axis_desc_style(("sans-serif", LABEL_FONT - 2))
        .x_label_formatter(&|x| short(*x))
        .y_label_formatter(&|y| short(*y));
    if with_x_desc {
        mesh.x_desc(x_desc.as_str());
    }
    mesh.draw().map_err(err)?;
    for (j, (name, f)) in panel.lines.iter().enumerate() {
        let c = color(j);
        chart
            .draw_series(LineSeries::new(steps(bins, *f, scale), c.stroke_width(2)))
            .map_err(err)?
            .label(*name)
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], c.stroke_width(2)));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", LABEL_FONT - 2))
        .draw()
        .map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_axis_uses_the_unit_that_keeps_the_horizon_short() {
        assert_eq!(time_unit(60.0).1, "s");
        assert_eq!(time_unit(3_600.0).1, "min");
        assert_eq!(time_unit(86_400.0).1, "h");
        assert_eq!(time_unit(30.0 * 86_400.0).1, "d");
    }
}
