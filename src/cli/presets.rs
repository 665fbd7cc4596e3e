//! `servsim presets`: every catalog offer (table, JSON, Markdown), or one offer as the
//! platform object a scenario can paste; the staleness warnings of catalog prices; what
//! `validate` says about platforms written over presets (docs/semantics.md#presets).
//!
//! Today's date comes from `SERVSIM_TODAY=YYYY-MM-DD` when set (tests pin it), else from
//! the clock. Staleness goes to standard error only, so that output stays a function of
//! the input alone.

use std::io::Write;

use clap::Args;
use serde_json::{Map, Value};

use super::{CliError, write_stdout};
use crate::catalog::{self, Preset, STALE_AFTER_DAYS, age_days};
use crate::report::{Format, catalog_listing};
use crate::scenario::{Scenario, close_presets};

#[derive(Debug, Args)]
pub struct PresetsArgs {
    /// A preset id (`modal:H100`): print it as a platform object to paste into a scenario.
    id: Option<String>,
    /// Output format of the listing (a preset id always prints JSON).
    #[arg(long, value_parser = ["table", "json", "markdown"], default_value = "table")]
    format: String,
    /// No notes or warnings on standard error.
    #[arg(long)]
    quiet: bool,
}

pub fn presets_command(args: PresetsArgs) -> Result<(), CliError> {
    let today = today()?;
    let Some(id) = args.id else {
        let format = match args.format.as_str() {
            "json" => Format::Json,
            "markdown" => Format::Markdown,
            _ => Format::Table,
        };
        write_stdout(&catalog_listing(format))?;
        if !args.quiet {
            warn_lines(&stale_offers(catalog::presets(), &today));
        }
        return Ok(());
    };
    let preset = catalog::preset(&id).ok_or_else(|| unknown(&id))?;
    let text = serde_json::to_string_pretty(&Value::Object(as_platform(preset)))
        .expect("a JSON object serializes");
    write_stdout(&format!("{text}\n"))?;
    if !args.quiet {
        warn_lines(&notes(preset));
        warn_lines(&stale_offers(std::slice::from_ref(preset), &today));
    }
    Ok(())
}

/// The platform a scenario gets from `{"name": ID, "preset": ID}`, without `preset`.
pub fn as_platform(preset: &Preset) -> Map<String, Value> {
    let mut out = Map::new();
    out.insert("name".into(), Value::String(preset.id.clone()));
    out.extend(preset.platform_json());
    out
}

fn unknown(id: &str) -> CliError {
    let close = close_presets(id);
    let hint = if close.is_empty() {
        "no preset has a close name".to_string()
    } else {
        format!("close names: {}", close.join(", "))
    };
    CliError::Invalid(format!(
        "no preset \"{id}\" in the catalog; {hint} (`servsim presets` lists them)"
    ))
}

/// What the printed platform still needs, and the values its provider does not document.
fn notes(preset: &Preset) -> Vec<String> {
    let mut out: Vec<String> = preset
        .user_must_supply()
        .iter()
        .map(|k| format!("note: {}: the scenario supplies {k}", preset.id))
        .collect();
    for key in preset.assumed() {
        out.push(format!(
            "note: {}: {key} is not documented by the provider; the catalog chose it (catalog/presets.json says why)",
            preset.id
        ));
    }
    out
}

/// Today as `YYYY-MM-DD`: `SERVSIM_TODAY`, else the clock (UTC).
pub fn today() -> Result<String, CliError> {
    if let Ok(day) = std::env::var("SERVSIM_TODAY") {
        return match age_days(&day, &day) {
            Some(_) => Ok(day),
            None => Err(CliError::Invalid(format!(
                "SERVSIM_TODAY: expected a date YYYY-MM-DD, found \"{day}\""
            ))),
        };
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let epoch = chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("a real date");
    let day = epoch + chrono::Days::new(secs / 86_400);
    Ok(day.format("%Y-%m-%d").to_string())
}

/// One warning per price date older than `STALE_AFTER_DAYS`, naming its offers.
fn stale_offers(presets: &[Preset], today: &str) -> Vec<String> {
    let mut dates: Vec<(String, Vec<&str>)> = Vec::new();
    for p in presets {
        let date = p.prices_as_of();
        match dates.iter_mut().find(|(d, _)| *d == date) {
            Some((_, ids)) => ids.push(&p.id),
            None => dates.push((date, vec![&p.id])),
        }
    }
    dates.sort();
    dates
        .into_iter()
        .filter_map(|(date, ids)| {
            let age = age_days(&date, today).filter(|a| *a > STALE_AFTER_DAYS)?;
            Some(format!(
                "warning: prices as of {date} are {age} days old on {today} (stale after \
                 {STALE_AFTER_DAYS}; re-check them at their sources): {}",
                ids.join(", ")
            ))
        })
        .collect()
}

/// What `validate` says about each platform written over a preset: one line each.
pub fn describe(scenario: &Scenario) -> String {
    let mut out = String::new();
    for (i, p) in scenario.platforms.iter().enumerate() {
        let Some(u) = &p.preset else { continue };
        let list = |keys: &[String]| match keys {
            [] => "none".to_string(),
            k => k.join(", "),
        };
        out.push_str(&format!(
            "  platforms[{i}] {} (preset {}): from the preset: {}; written in the platform: \
             {}; not documented by the provider: {}\n",
            p.name,
            u.id,
            list(&u.from_preset),
            list(&u.overridden),
            list(&u.assumed)
        ));
    }
    out
}

fn warn_lines(lines: &[String]) {
    let mut stderr = std::io::stderr().lock();
    for l in lines {
        // A closed standard error must not turn a warning into a panic.
        let _ = writeln!(stderr, "{l}");
    }
}
