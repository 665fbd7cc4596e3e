//! The page's non-chart sections: the heading, the tables (the same cells as the text
//! tables), warnings about unstable platforms and the scenario as JSON.

use maud::{Markup, html};

use super::super::grid::Grid;
use super::Page;
use crate::experiment::PlatformSummary;

/// The page heading: the scenario's name, its description and `meta`, one line on what
/// the figures are.
pub(super) fn heading(scenario: &str, page: &Page, meta: &str) -> Markup {
    html! {
        h1 { "servsim report: " (scenario) }
        @if !page.description.is_empty() {
            p.description { (page.description) }
        }
        p.meta { (meta) }
    }
}

/// A cell of a text table: its figure, with the ` ± CI` part on a line of its own so that
/// columns stay narrow.
fn cell(text: &str) -> Markup {
    match text.split_once(" ± ") {
        Some((value, ci)) => html! { (value) span.ci { "± " (ci) } },
        None => html! { (text) },
    }
}

/// A header cell of a text table: its lines joined by line breaks.
fn header_cell(text: &str) -> Markup {
    html! {
        @for (i, line) in text.lines().enumerate() {
            @if i > 0 { br; }
            (line)
        }
    }
}

/// The comparison table of a run: one row per platform, one column per figure of the
/// text table (`rows`: each figure's label and its cell per platform).
pub(super) fn platform_table(
    platforms: &[PlatformSummary],
    rows: &[(&'static str, Vec<String>)],
) -> Markup {
    html! {
        div.table-wrap {
            table #comparison-table {
                thead { tr {
                    th.lead scope="col" { "platform" }
                    @for (label, _) in rows { th scope="col" { (label) } }
                } }
                tbody {
                    @for (k, p) in platforms.iter().enumerate() {
                        tr {
                            th scope="row" { (p.name) }
                            @for (_, cells) in rows {
                                td { (cell(cells.get(k).map_or("—", String::as_str))) }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A grid of a text table (sweep points, best points, break-even points); rows whose
/// index is in `chosen` are highlighted.
pub(super) fn grid_table(id: &str, grid: &Grid, chosen: &[usize]) -> Markup {
    html! {
        div.table-wrap {
            table id=(id) {
                thead { tr {
                    @for (j, h) in grid.header.iter().enumerate() {
                        th.lead[j < grid.lead] scope="col" { (header_cell(h)) }
                    }
                } }
                tbody {
                    @for (i, row) in grid.rows.iter().enumerate() {
                        tr.chosen[chosen.contains(&i)] {
                            @for (j, c) in row.iter().enumerate() {
                                @if j < grid.lead { td.lead { (c) } } @else { td { (cell(c)) } }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// A warning for each platform that is unstable, overloaded at peak or completed too few
/// requests (`at`: which grid point, or empty).
pub(super) fn unstable(platforms: &[(String, &PlatformSummary)]) -> Markup {
    html! {
        @for (at, p) in platforms {
            @if let Some(why) = &p.instability {
                p.warning {
                    strong { (p.name) } (at) " is unstable: " (why) "."
                }
            }
            @if let Some(peak) = &p.overloaded_at_peak {
                p.warning {
                    strong { (p.name) } (at) " is overloaded at peak: " (peak.to_string()) "."
                }
            }
            @if let Some(why) = &p.few_completed {
                p.warning {
                    strong { (p.name) } (at) ": " (why) "."
                }
            }
        }
    }
}

/// The scenario file as read, folded (printed unfolded).
pub(super) fn scenario(page: &Page, note: Option<Markup>) -> Markup {
    html! {
        details #scenario-json {
            summary { "Scenario: " (page.scenario_file) }
            @if let Some(note) = note { p { (note) } }
            pre { code { (page.scenario_text) } }
        }
    }
}

/// Which preset each platform was written over, the date of its prices and the values its
/// provider does not document: the lines under the text tables, one paragraph each.
pub(super) fn presets(platforms: &[PlatformSummary]) -> Markup {
    let footer = super::super::preset_footer(platforms, false);
    html! {
        @for line in footer.lines() { p.meta { (line) } }
    }
}
