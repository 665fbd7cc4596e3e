//! Reading `platforms` (SPEC §3): each entry becomes a price-free model plus its prices.

use serde_json::Value;

use super::PlatformSpec;
use super::reader::{Errors, Obj, Range, choice, count, count32, duration, number, string, tag};
use crate::billing::{BillingMode, BillingRule, PriceSheet};
use crate::platform::{DedicatedConfig, PlatformModel};
use crate::time::SimDuration;

pub fn platform(v: &Value, path: &str, errs: &mut Errors) -> Option<PlatformSpec> {
    let mut o = Obj::new(v, path, errs)?;
    let name = o.req("name", errs, string);
    let kind = tag(&mut o, "type", &["serverless", "dedicated"], errs);
    let parsed = match kind? {
        "serverless" => super::serverless::serverless(&mut o, errs),
        _ => dedicated(&mut o, errs),
    };
    o.finish(errs);
    let (model, prices) = parsed?;
    Some(PlatformSpec {
        name: name?,
        model,
        prices,
    })
}

pub(super) fn rule(mode: BillingMode, granularity_s: f64, minimum_s: f64) -> BillingRule {
    BillingRule {
        mode,
        granularity: SimDuration::from_secs_f64(granularity_s),
        minimum: SimDuration::from_secs_f64(minimum_s),
    }
}

/// `billing`: `{mode, granularity_s, minimum_s}` (serverless) or without `mode` (dedicated).
pub(super) fn billing(
    v: &Value,
    path: &str,
    errs: &mut Errors,
    with_mode: bool,
    default_granularity_s: f64,
) -> Option<BillingRule> {
    let mut o = Obj::new(v, path, errs)?;
    let mode = if with_mode {
        o.or(
            "mode",
            "lifetime",
            errs,
            choice(&["lifetime", "after_startup", "busy_only"]),
        )
    } else {
        "lifetime"
    };
    let granularity_s = o.or(
        "granularity_s",
        default_granularity_s,
        errs,
        duration(Range::NonNegative),
    );
    let minimum_s = o.or("minimum_s", 0.0, errs, duration(Range::NonNegative));
    o.finish(errs);
    let mode = match mode {
        "after_startup" => BillingMode::AfterStartup,
        "busy_only" => BillingMode::BusyOnly,
        _ => BillingMode::Lifetime,
    };
    Some(rule(mode, granularity_s, minimum_s))
}

fn dedicated(o: &mut Obj, errs: &mut Errors) -> Option<(PlatformModel, PriceSheet)> {
    let instances = o.or("instances", 1, errs, count32(1));
    let gpus_per_instance = o.or("gpus_per_instance", 1, errs, count32(1));
    let max_inputs = o.or("max_inputs", 1, errs, count32(1));
    let usd_per_hour = o.req("usd_per_hour", errs, number(Range::NonNegative));
    let billing = o.opt("billing", errs, |v, p, e| billing(v, p, e, false, 3600.0))?;
    let queue_limit = o.opt("queue_limit", errs, count(0));
    let spot = o.opt("spot", errs, spot)?;
    if (instances as u64) * (gpus_per_instance as u64) > 1 << 24 {
        errs.push(&o.at("instances"), format!("expected at most 16,777,216 GPUs in a fleet, found {instances} × {gpus_per_instance}"));
        return None;
    }
    let cfg = DedicatedConfig {
        instances,
        gpus_per_instance,
        max_inputs,
        queue_limit: queue_limit?,
        billing: billing.unwrap_or(rule(BillingMode::Lifetime, 3600.0, 0.0)),
    };
    let price_per_hour = spot.unwrap_or(usd_per_hour?);
    Some((
        PlatformModel::Dedicated(cfg),
        PriceSheet {
            usd_per_unit_s: price_per_hour / 3600.0,
            gpus_per_unit: gpus_per_instance,
        },
    ))
}

/// `spot`: the spot price. Returns the spot `usd_per_hour`.
fn spot(v: &Value, path: &str, errs: &mut Errors) -> Option<f64> {
    let mut o = Obj::new(v, path, errs)?;
    let usd_per_hour = o.req("usd_per_hour", errs, number(Range::NonNegative));
    let per_hour = o.opt("interruptions_per_hour", errs, number(Range::NonNegative));
    let per_month = o.opt("interruptions_per_month", errs, number(Range::NonNegative));
    let (hour_path, month_path) = (
        o.at("interruptions_per_hour"),
        o.at("interruptions_per_month"),
    );
    o.finish(errs);
    match (per_hour?, per_month?) {
        (Some(_), Some(_)) => {
            errs.push(
                path,
                "expected one of interruptions_per_hour or interruptions_per_month, found both",
            );
            return None;
        }
        (Some(r), _) if r > 0.0 => {
            errs.push(
                &hour_path,
                format!("expected 0 (spot interruptions are not implemented yet), found {r}"),
            );
            return None;
        }
        (_, Some(r)) if r > 0.0 => {
            errs.push(
                &month_path,
                format!("expected 0 (spot interruptions are not implemented yet), found {r}"),
            );
            return None;
        }
        _ => {}
    }
    usd_per_hour
}
