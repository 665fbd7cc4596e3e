//! The page around the sections: doctype, inline style sheet (screen and print), the
//! heading, and the footer naming the version, the command line and the seeds.
//!
//! Text is escaped by maud wherever it is interpolated; only the SVG of charts goes in
//! unescaped. Nothing here loads anything: no script, no font, no image, no link out.

use maud::{DOCTYPE, Markup, PreEscaped, html};

use super::Page;

/// Screen first, then print. System font stacks only (no web fonts); charts scale to the
/// column, which is 1200 px at most so that a 1280 px window shows them at full size.
const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --rule: #d0d7de; --band: #f6f8fa; --accent: #0b5cad; }
* { box-sizing: border-box; }
body { margin: 0 auto; padding: 24px 32px 48px; max-width: 1264px; color: var(--ink); background: #fff;
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 19px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid var(--rule); }
h3 { font-size: 16px; margin: 20px 0 6px; }
p { margin: 6px 0; max-width: 75em; }
.description { color: var(--muted); margin-bottom: 2px; }
.meta { color: var(--muted); font-size: 13px; }
.verdict { font-size: 16px; background: var(--band); border-left: 4px solid var(--accent); padding: 10px 14px; }
.verdict p { margin: 4px 0; }
.warning { background: #fff4e5; border-left: 4px solid #d4760b; padding: 8px 14px; }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; font-size: 13px; font-variant-numeric: tabular-nums; margin: 8px 0; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 8px; vertical-align: top; }
thead th { text-align: right; font-weight: 600; background: var(--band); vertical-align: bottom; }
thead th.lead, tbody th, td.lead { text-align: left; }
tbody th { font-weight: 600; white-space: nowrap; }
td { text-align: right; white-space: nowrap; }
td .ci { display: block; color: var(--muted); font-size: 11px; }
tbody tr:nth-child(even) { background: #fbfcfd; }
tr.chosen { background: #eaf3fb !important; }
figure { margin: 12px 0 20px; break-inside: avoid; }
figure svg { display: block; width: 100%; max-width: 1200px; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 4px; max-width: 75em; }
details { margin: 8px 0; }
summary { cursor: pointer; font-weight: 600; }
pre { background: var(--band); border: 1px solid var(--rule); padding: 10px 12px; overflow-x: auto;
  font: 12px/1.45 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", "Liberation Mono", monospace; }
footer { margin-top: 40px; padding-top: 10px; border-top: 1px solid var(--rule); color: var(--muted); font-size: 13px; }
footer code { font: 12px ui-monospace, Menlo, Consolas, "DejaVu Sans Mono", monospace; word-break: break-all; color: var(--ink); }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  h2 { break-after: avoid; }
  .verdict, .warning { border-left-width: 2pt; }
  table { font-size: 8pt; }
  td .ci { font-size: 7pt; }
  .table-wrap { overflow: visible; }
  figure svg { max-width: 100%; }
  pre { white-space: pre-wrap; font-size: 7.5pt; }
  details::details-content { content-visibility: visible; display: contents; }
  summary { list-style: none; }
}
"#;

/// A whole document: `title` in the tab, `heading` on the page, then `body`, then the
/// footer.
pub(super) fn document(
    title: &str,
    page: &Page,
    heading: Markup,
    body: Markup,
    seeds: Seeds,
) -> String {
    let doc = html! {
        (DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content={ "servsim " (env!("CARGO_PKG_VERSION")) };
                title { (title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                header { (heading) }
                main { (body) }
                (footer(page, seeds))
            }
        }
    };
    let mut out = doc.into_string();
    out.push('\n');
    out
}

/// The seeds a report ran: the master seed and how many replicas per platform.
#[derive(Clone, Copy, Debug)]
pub(super) struct Seeds {
    pub master: u64,
    pub count: u32,
}

fn footer(page: &Page, seeds: Seeds) -> Markup {
    let last = seeds.count.saturating_sub(1);
    html! {
        footer {
            p {
                "servsim " (env!("CARGO_PKG_VERSION")) " · "
                span.seeds {
                    "master seed " (seeds.master) ", " (seeds.count)
                    " seed" @if seeds.count != 1 { "s" } " per platform (replicas 0–" (last) ")"
                }
            }
            p {
                "Command: " code.command { (page.command_line) }
            }
            p {
                "The same command gives the same page, byte for byte, whatever --threads says. "
                "Flags that only say where output goes or how it is computed (--threads, --output, --plot, --quiet, --force) are left out of the command above."
            }
        }
    }
}

/// A section with an id (for links within the page) and a heading.
pub(super) fn section(id: &str, heading: &str, body: Markup) -> Markup {
    html! {
        section id=(id) {
            h2 { (heading) }
            (body)
        }
    }
}
