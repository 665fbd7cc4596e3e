//! Reading `dedicated` platforms and their `spot` block (docs/semantics.md#dedicated-dispatch).

use serde_json::Value;

use super::billing;
use super::engine::{Batching, engine};
use super::keys::SPOT;
use super::reader::{Errors, Obj};
use super::workload::dist;
use crate::billing::PriceSheet;
use crate::platform::{DedicatedConfig, Fallback, OnInterrupt, SpotConfig};
use crate::time::SimDuration;
use crate::workload::Dist;

/// A month, for `interruptions_per_month` (docs/semantics.md#dedicated-dispatch).
const HOURS_PER_MONTH: f64 = 720.0;

/// A dedicated fleet and its prices.
pub(super) struct ParsedDedicated {
    pub cfg: DedicatedConfig,
    /// Spot prices if the fleet is spot, else on-demand.
    pub prices: PriceSheet,
    /// On-demand prices, for spot fallback instances.
    pub fallback_prices: PriceSheet,
}

/// The keys of a dedicated fleet (`keys::DEDICATED`), the tag already read.
pub(super) fn dedicated(o: &mut Obj, errs: &mut Errors, ctx: &Batching) -> Option<ParsedDedicated> {
    // Expanded before the fleet is read (docs/semantics.md#presets).
    let _preset: Option<Option<String>> = o.opt("preset", errs);
    let instances: u32 = o.or("instances", errs);
    let gpus_per_instance: u32 = o.or("gpus_per_instance", errs);
    // Invalid values are reported; the default only lets the checks go on.
    let max_inputs = o
        .opt("max_inputs", errs)
        .flatten()
        .unwrap_or(ctx.default_max_inputs());
    let usd_per_hour: Option<f64> = o.req("usd_per_hour", errs);
    let billing = o.opt_with("billing", errs, billing::dedicated);
    let queue_limit: Option<Option<u64>> = o.opt("queue_limit", errs);
    let spot = o.opt_with("spot", errs, spot);
    let engine = engine(o, errs, ctx, max_inputs);
    if !fleet_fits(o, errs, instances, gpus_per_instance, max_inputs) {
        return None;
    }
    let (spot, on_demand, engine) = (spot?, usd_per_hour?, engine?);
    if let Some(e) = engine
        && !gpus_per_instance.is_multiple_of(e.tensor_parallel)
    {
        errs.push(
            &o.at("tensor_parallel"),
            format!(
                "expected tensor_parallel to divide gpus_per_instance ({gpus_per_instance}): an engine spans GPUs of one instance, found {}",
                e.tensor_parallel
            ),
        );
        return None;
    }
    let sheet = |usd_per_hour: f64| PriceSheet {
        usd_per_unit_s: usd_per_hour / 3600.0,
        gpus_per_unit: gpus_per_instance,
    };
    let prices = sheet(spot.as_ref().map_or(on_demand, |s| s.usd_per_hour));
    let cfg = DedicatedConfig {
        instances,
        gpus_per_instance,
        max_inputs,
        queue_limit: queue_limit?,
        billing: billing?.unwrap_or_else(|| billing::absent(billing::dedicated)),
        spot: spot.map(|s| s.cfg),
        engine,
    };
    Some(ParsedDedicated {
        cfg,
        prices,
        fallback_prices: sheet(on_demand),
    })
}

/// Every GPU and every input slot of a fleet exists from t = 0 (~50 bytes each), so both
/// are capped: 16,777,216 of either is about a gigabyte a replica.
const MAX_FLEET_SLOTS: u64 = 1 << 24;
/// Concurrent inputs per GPU: far beyond any batching server (vLLM's default is 256).
const MAX_INPUTS_PER_GPU: u32 = 65_536;

fn fleet_fits(o: &Obj, errs: &mut Errors, instances: u32, gpus: u32, max_inputs: u32) -> bool {
    let gpus = instances as u64 * gpus as u64;
    let problem = if gpus > MAX_FLEET_SLOTS {
        (
            "instances",
            format!(
                "expected at most 16,777,216 GPUs in a fleet, found {instances} × {}",
                gpus / instances as u64
            ),
        )
    } else if max_inputs > MAX_INPUTS_PER_GPU {
        (
            "max_inputs",
            format!(
                "expected at most {MAX_INPUTS_PER_GPU} concurrent inputs per GPU, found {max_inputs}"
            ),
        )
    } else if gpus * max_inputs as u64 > MAX_FLEET_SLOTS {
        (
            "max_inputs",
            format!(
                "expected at most 16,777,216 input slots in a fleet (GPUs × max_inputs), found {gpus} × {max_inputs}"
            ),
        )
    } else {
        return true;
    };
    errs.push(&o.at(problem.0), problem.1);
    false
}

/// A `spot` block: its price and its behaviour.
struct ParsedSpot {
    usd_per_hour: f64,
    cfg: SpotConfig,
}

fn spot(v: &Value, path: &str, errs: &mut Errors) -> Option<ParsedSpot> {
    let mut o = Obj::new(v, path, &SPOT, errs)?;
    let usd_per_hour: Option<f64> = o.req("usd_per_hour", errs);
    let rate = interruption_rate(&mut o, errs);
    let notice_s: f64 = o.or("notice_s", errs);
    let possible = rate.is_some_and(|r| r > 0.0);
    let why = "required when interruptions are possible";
    let replacement_delay = required_if(&mut o, "replacement_delay", possible, why, errs);
    let model_load = required_if(&mut o, "model_load", possible, why, errs);
    let on_interrupt = o.get::<&str>("on_interrupt", errs);
    let fallback = fallback(&mut o, errs);
    o.finish(errs);
    let on_interrupt = match on_interrupt? {
        "requeue" => OnInterrupt::Requeue,
        "fail" => OnInterrupt::Fail,
        other => unreachable!("on_interrupt {other:?} is not a choice of the table"),
    };
    Some(ParsedSpot {
        usd_per_hour: usd_per_hour?,
        cfg: SpotConfig {
            interruptions_per_hour: rate?,
            notice: SimDuration::from_secs_f64(notice_s),
            replacement_delay: replacement_delay?.unwrap_or(Dist::constant(0.0)),
            model_load: model_load?.unwrap_or(Dist::constant(0.0)),
            on_interrupt,
            fallback: fallback?,
        },
    })
}

/// `fallback` and its `fallback_delay`, which goes with `on_demand` and only with it.
fn fallback(o: &mut Obj, errs: &mut Errors) -> Option<Fallback> {
    let given = o.has("fallback");
    let fallback = o.get::<&str>("fallback", errs);
    let on_demand = fallback == Some("on_demand");
    let delay_path = o.at("fallback_delay");
    let why = "required with fallback \"on_demand\"";
    let delay = required_if(o, "fallback_delay", on_demand, why, errs);
    let fallback = fallback?;
    if !on_demand && matches!(delay, Some(Some(_))) {
        let found = if given {
            format!("fallback \"{fallback}\"")
        } else {
            format!("no fallback (the default is \"{fallback}\")")
        };
        errs.push(
            &delay_path,
            format!("expected fallback_delay only with fallback \"on_demand\", found {found}"),
        );
        return None;
    }
    match delay? {
        Some(delay) => Some(Fallback::OnDemand { delay }),
        None => Some(Fallback::Wait),
    }
}

/// `interruptions_per_hour` or `interruptions_per_month` (the table's `exactly_one`
/// pair), per hour.
fn interruption_rate(o: &mut Obj, errs: &mut Errors) -> Option<f64> {
    let per_hour: Option<Option<f64>> = o.opt("interruptions_per_hour", errs);
    let per_month: Option<Option<f64>> = o.opt("interruptions_per_month", errs);
    match (per_hour?, per_month?) {
        (Some(h), None) => Some(h),
        (None, Some(m)) => Some(m / HOURS_PER_MONTH),
        (Some(_), Some(_)) => {
            errs.push(
                &o.path,
                "expected one of interruptions_per_hour or interruptions_per_month, found both",
            );
            None
        }
        (None, None) => {
            errs.push(
                &o.at("interruptions_per_hour"),
                "missing required key (or interruptions_per_month; 0 for never)",
            );
            None
        }
    }
}

/// A distribution that must be present when `needed`: `Some(None)` when absent and not
/// needed, `None` when invalid or missing.
fn required_if(
    o: &mut Obj,
    key: &'static str,
    needed: bool,
    why: &str,
    errs: &mut Errors,
) -> Option<Option<Dist>> {
    let path = o.at(key);
    let parsed = o.opt_with(key, errs, dist)?;
    if parsed.is_none() && needed {
        errs.push(&path, format!("missing required key ({why})"));
        return None;
    }
    Some(parsed)
}
