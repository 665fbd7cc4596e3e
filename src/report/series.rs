//! Lines over the points of a sweep or a break-even grid: x from the first parameter (a
//! number, or a category), one line per platform × the values of the other parameters,
//! each point with its CI band and whether it misses a target; and the ticks of that axis.
//!
//! Deliberately draws nothing: `chart` does.

use serde_json::Value;

use crate::experiment::PlatformSummary;
use crate::sweep::PointReport;

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

/// Ticks of a grid axis: every category, or the grid's values (every k-th of them when
/// there are more than 13, so labels do not collide).
pub(super) fn grid_ticks(series: &[Series], axis: &Axis) -> Vec<f64> {
    if let Some(t) = &axis.ticks {
        return (0..t.len()).map(|i| i as f64).collect();
    }
    let mut xs: Vec<f64> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.x))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let every = xs.len().div_ceil(13).max(1);
    xs.into_iter().step_by(every).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grid_ticks_are_the_grid_values_thinned_past_13() {
        let line = |xs: &[f64]| Series {
            name: "a".into(),
            points: xs
                .iter()
                .map(|&x| Point {
                    x,
                    y: 1.0,
                    lo: 1.0,
                    hi: 1.0,
                    open: false,
                })
                .collect(),
        };
        let axis = Axis {
            label: "x".into(),
            ticks: None,
        };
        assert_eq!(
            grid_ticks(&[line(&[60.0, 300.0, 1200.0])], &axis),
            vec![60.0, 300.0, 1200.0]
        );
        let many: Vec<f64> = (1..=24).map(f64::from).collect();
        let ticks = grid_ticks(&[line(&many)], &axis);
        assert_eq!(
            ticks,
            (1..=24).step_by(2).map(f64::from).collect::<Vec<_>>()
        );
    }
}
