//! What the preset catalog contributes to output: the footer under run, sweep and
//! break-even tables (which preset each platform was written over, the date of its prices,
//! the values its provider does not document), and the listing of every offer printed by
//! `servsim presets`.
//!
//! Deliberately pure: staleness depends on today's date, so it is the command line's
//! warning (on standard error), never part of these bytes.

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{Table, TableStyle};
use serde::Serialize;
use serde_json::{Map, Value};

use super::Format;
use crate::catalog::{self, Preset};
use crate::experiment::PlatformSummary;

/// Lines under a table for the platforms written over a preset ("" when none is): plain
/// lines for a terminal, a list in Markdown.
pub fn preset_footer(platforms: &[PlatformSummary], markdown: bool) -> String {
    let mut lines = Vec::new();
    for p in platforms {
        let Some(id) = &p.preset else { continue };
        lines.push(match &p.prices_as_of {
            Some(date) => format!("prices as of {date} for {} ({id})", p.name),
            None => format!("prices written in the scenario for {} ({id})", p.name),
        });
    }
    for p in platforms.iter().filter(|p| !p.preset_assumed.is_empty()) {
        lines.push(format!(
            "not documented by the provider, chosen by the catalog, for {}: {} (`servsim \
             presets {}`)",
            p.name,
            p.preset_assumed.join(", "),
            p.preset.as_deref().unwrap_or_default()
        ));
    }
    let bullet = if markdown { "- " } else { "" };
    lines.iter().map(|l| format!("{bullet}{l}\n")).collect()
}

/// One offer as `servsim presets` lists it.
#[derive(Clone, Debug, Serialize)]
pub struct Offer {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub gpu: String,
    pub gpus_per_instance: u32,
    /// Everything billed per container-hour (serverless: GPU, CPU and memory, multiplier
    /// applied) or instance-hour (dedicated: on-demand).
    pub usd_per_hour: f64,
    /// The spot price per instance-hour (null: not a spot offer, or not documented).
    pub spot_usd_per_hour: Option<f64>,
    pub billing: Value,
    /// Spot notice before an interruption (null: not a spot offer).
    pub notice_s: Option<f64>,
    pub prices_as_of: String,
    /// The page the main price was read from.
    pub source: String,
}

impl Offer {
    pub fn of(p: &Preset) -> Offer {
        let v = p.platform_json();
        let num = |m: &Map<String, Value>, k: &str| m.get(k).and_then(Value::as_f64);
        let spot = v.get("spot").and_then(Value::as_object);
        let (price_key, usd_per_hour) = match p.kind.as_str() {
            "serverless" => ("gpu_usd_per_s", serverless_usd_per_s(&v) * 3600.0),
            _ => ("usd_per_hour", num(&v, "usd_per_hour").unwrap_or(f64::NAN)),
        };
        let spot_price = spot.and_then(|s| num(s, "usd_per_hour"));
        let main = if spot_price.is_some() {
            "spot.usd_per_hour"
        } else {
            price_key
        };
        Offer {
            id: p.id.clone(),
            kind: if spot.is_some() { "spot" } else { kind(p) },
            gpu: p.gpu.clone(),
            gpus_per_instance: p.gpus_per_instance.value,
            usd_per_hour,
            spot_usd_per_hour: spot_price,
            billing: v.get("billing").cloned().unwrap_or(Value::Null),
            notice_s: spot.and_then(|s| num(s, "notice_s")),
            prices_as_of: p.prices_as_of(),
            source: p
                .fact(main)
                .map_or_else(String::new, |(s, _)| s.to_string()),
        }
    }
}

fn kind(p: &Preset) -> &'static str {
    if p.kind == "serverless" {
        "serverless"
    } else {
        "dedicated"
    }
}

/// The per-second price of a serverless preset. A CPU or memory price the preset leaves
/// out goes with an amount of 0 (the provider's price includes them): checked for every
/// preset against the scenario reader's price sheet.
fn serverless_usd_per_s(v: &Map<String, Value>) -> f64 {
    let num = |k: &str| v.get(k).and_then(Value::as_f64).unwrap_or(0.0);
    let multiplier = v
        .get("price_multiplier")
        .and_then(Value::as_f64)
        .unwrap_or(1.0);
    (num("gpu_usd_per_s")
        + num("cpu_cores") * num("cpu_usd_per_core_s")
        + num("memory_gib") * num("memory_usd_per_gib_s"))
        * multiplier
}

/// Every catalog offer, in catalog order.
pub fn offers() -> Vec<Offer> {
    catalog::presets().iter().map(Offer::of).collect()
}

/// The listing of every offer: a table (terminal or Markdown) or a JSON array.
pub fn catalog_listing(format: Format) -> String {
    let offers = offers();
    match format {
        Format::Json | Format::Csv => super::json(&offers),
        Format::Table => listing_table(&offers, UTF8_FULL_CONDENSED),
        // The listing is not a report page: HTML callers get the Markdown table.
        Format::Markdown | Format::Html(_) => listing_table(&offers, ASCII_MARKDOWN),
    }
}

fn listing_table(offers: &[Offer], style: TableStyle) -> String {
    let mut t = Table::new();
    t.load_style(style).force_no_tty();
    t.set_header([
        "preset",
        "type",
        "GPU",
        "USD / hour",
        "billing",
        "notice",
        "prices as of",
        "source",
    ]);
    for o in offers {
        t.add_row([
            o.id.clone(),
            o.kind.to_string(),
            format!("{} × {}", o.gpu, o.gpus_per_instance),
            price_text(o),
            billing_text(&o.billing),
            o.notice_s.map_or("—".into(), |s| format!("{s} s")),
            o.prices_as_of.clone(),
            o.source.clone(),
        ]);
    }
    format!(
        "{} offers; USD / hour per container (serverless) or instance; `servsim presets ID` \
         prints one as a platform\n{t}\n",
        offers.len()
    )
}

fn price_text(o: &Offer) -> String {
    let on_demand = format!("{:.2}", o.usd_per_hour);
    match (o.kind, o.spot_usd_per_hour) {
        ("spot", Some(s)) => format!("{s:.2} (on-demand {on_demand})"),
        ("spot", None) => format!("? (on-demand {on_demand})"),
        _ => on_demand,
    }
}

/// `lifetime, per 1 s, min 0 s` (dedicated offers have no mode).
fn billing_text(b: &Value) -> String {
    let secs = |k: &str| b.get(k).and_then(Value::as_f64);
    let mut parts = Vec::new();
    if let Some(mode) = b.get("mode").and_then(Value::as_str) {
        parts.push(mode.to_string());
    }
    parts.extend(secs("granularity_s").map(|g| format!("per {g} s")));
    parts.extend(secs("minimum_s").map(|m| format!("min {m} s")));
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Scenario;
    use serde_json::json;

    /// A scenario of `platform` alone, with the keys no preset can fill written in.
    fn with_required(mut platform: Map<String, Value>) -> Value {
        let constant = json!({"dist": "constant", "value_s": 1});
        if platform["type"] == "serverless" {
            platform.insert("cold_start".into(), constant.clone());
        }
        if let Some(Value::Object(spot)) = platform.get_mut("spot") {
            spot.remove("interruptions_per_month");
            spot.insert("interruptions_per_hour".into(), json!(0));
            spot.entry("usd_per_hour").or_insert(json!(1.0));
        }
        platform.insert("name".into(), json!("p"));
        json!({"name": "s", "horizon": 60,
               "workload": {"arrivals": {"process": "poisson", "rate_per_s": 1},
                            "service": constant},
               "platforms": [platform]})
    }

    #[test]
    fn every_listed_price_is_the_price_the_scenario_reader_bills() {
        for (p, o) in catalog::presets().iter().zip(offers()) {
            let s = Scenario::from_value(&with_required(p.platform_json()), p.id.as_str())
                .unwrap_or_else(|e| panic!("{}: {e}", p.id));
            let spec = &s.platforms[0];
            let mut pairs = vec![(o.spot_usd_per_hour, spec.prices)];
            if let Some(on_demand) = spec.fallback_prices.filter(|_| o.kind == "spot") {
                pairs = vec![
                    (o.spot_usd_per_hour, spec.prices),
                    (Some(o.usd_per_hour), on_demand),
                ];
            } else {
                pairs[0].0 = Some(o.usd_per_hour);
            }
            for (listed, sheet) in pairs {
                let Some(listed) = listed else { continue };
                let billed = sheet.usd_per_unit_s * 3600.0;
                assert!(
                    (billed - listed).abs() <= 1e-9 * billed.max(1.0),
                    "{}: listed {listed} per hour, billed {billed}",
                    p.id
                );
            }
        }
    }

    #[test]
    fn the_listing_names_every_offer_with_its_date_and_source() {
        let text = catalog_listing(Format::Markdown);
        assert!(text.starts_with("49 offers;"), "{text}");
        let row = text
            .lines()
            .find(|l| l.starts_with("| spheron:H100-spot "))
            .unwrap();
        assert_eq!(
            row.split('|').map(str::trim).collect::<Vec<_>>(),
            [
                "",
                "spheron:H100-spot",
                "spot",
                "H100 × 1",
                "2.91 (on-demand 5.07)",
                "per 1 s, min 1200 s",
                "0 s",
                "2026-06-03",
                "https://www.spheron.network/blog/gpu-spot-instance-arbitrage-2026/",
                ""
            ]
        );
    }
}
