//! Reading `platforms` (SPEC §3): each entry becomes a price-free model plus its prices.

use serde_json::Value;

use super::PlatformSpec;
use super::reader::{Errors, Obj, Range, choice, count, count32, duration, number, string, tag};
use super::workload::phases;
use crate::billing::{BillingMode, BillingRule, PriceSheet};
use crate::platform::{DedicatedConfig, Dispatch, Pick, PlatformModel, ServerlessConfig};
use crate::time::SimDuration;
use crate::workload::{Dist, Phases};

pub fn platform(v: &Value, path: &str, errs: &mut Errors) -> Option<PlatformSpec> {
    let mut o = Obj::new(v, path, errs)?;
    let name = o.req("name", errs, string);
    let kind = tag(&mut o, "type", &["serverless", "dedicated"], errs);
    let parsed = match kind? {
        "serverless" => serverless(&mut o, errs),
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

/// The largest warm pool or buffer a scenario may ask for: each is created at once, at
/// ~130 bytes a container.
const MAX_WARM_CONTAINERS: u32 = 1 << 20;

fn serverless(o: &mut Obj, errs: &mut Errors) -> Option<(PlatformModel, PriceSheet)> {
    let gpu = o.req("gpu_usd_per_s", errs, number(Range::NonNegative));
    let cpu_cores = o.or("cpu_cores", 0.125, errs, number(Range::NonNegative));
    let cpu_price = o.or(
        "cpu_usd_per_core_s",
        0.0000131,
        errs,
        number(Range::NonNegative),
    );
    let memory_gib = o.or("memory_gib", 0.125, errs, number(Range::NonNegative));
    let memory_price = o.or(
        "memory_usd_per_gib_s",
        0.00000222,
        errs,
        number(Range::NonNegative),
    );
    let multiplier = o.or("price_multiplier", 1.0, errs, number(Range::Positive));
    let schedule_delay = o.opt("schedule_delay", errs, phases);
    let cold_start = o.req("cold_start", errs, phases);
    let min_containers = o.or("min_containers", 0, errs, count32(0));
    let max_containers = o.or("max_containers", u32::MAX, errs, count32(1));
    let buffer_containers = o.or("buffer_containers", 0, errs, count32(0));
    let scaledown_window_s = o.or("scaledown_window_s", 60.0, errs, duration(Range::Positive));
    let max_inputs = o.or("max_inputs", 1, errs, count32(1));
    let target_inputs = o.opt("target_inputs", errs, count32(1));
    let dispatch = o.or("dispatch", "queue", errs, choice(&["queue", "per_request"]));
    let pick = o.or(
        "pick",
        "newest",
        errs,
        choice(&["newest", "oldest", "mru", "lru"]),
    );
    let queue_limit = o.opt("queue_limit", errs, count(0));
    let execution_timeout_s = o.or(
        "execution_timeout_s",
        300.0,
        errs,
        duration(Range::Positive),
    );
    let preemptions_per_hour = o.or(
        "preemptions_per_hour",
        0.0,
        errs,
        number(Range::NonNegative),
    );
    let billing = o.opt("billing", errs, |v, p, e| billing(v, p, e, true, 1.0))?;
    if min_containers > max_containers {
        errs.push(
            &o.at("min_containers"),
            format!("expected min_containers ≤ max_containers ({max_containers}), found {min_containers}"),
        );
    }
    for (key, n) in [
        ("min_containers", min_containers),
        ("buffer_containers", buffer_containers),
    ] {
        if n > MAX_WARM_CONTAINERS {
            errs.push(
                &o.at(key),
                format!("expected at most {MAX_WARM_CONTAINERS} warm containers, found {n}"),
            );
        }
    }
    let target_inputs = target_inputs?.unwrap_or(max_inputs);
    if target_inputs > max_inputs {
        errs.push(
            &o.at("target_inputs"),
            format!("expected target_inputs ≤ max_inputs ({max_inputs}), found {target_inputs}"),
        );
    }
    let pick = match pick {
        "oldest" => Pick::Oldest,
        "mru" => Pick::Mru,
        "lru" => Pick::Lru,
        _ => Pick::Newest,
    };
    let dispatch = match dispatch {
        "per_request" => Dispatch::PerRequest,
        _ => Dispatch::Queue,
    };
    let cfg = ServerlessConfig {
        schedule_delay: schedule_delay?.unwrap_or(Phases::single(Dist::constant(0.0))),
        cold_start: cold_start?,
        min_containers,
        max_containers,
        buffer_containers,
        scaledown_window: SimDuration::from_secs_f64(scaledown_window_s),
        max_inputs,
        target_inputs,
        dispatch,
        pick,
        queue_limit: queue_limit?,
        execution_timeout: SimDuration::from_secs_f64(execution_timeout_s),
        preemptions_per_hour,
        billing: billing.unwrap_or(rule(BillingMode::Lifetime, 1.0, 0.0)),
    };
    let usd_per_unit_s = (gpu? + cpu_cores * cpu_price + memory_gib * memory_price) * multiplier;
    Some((
        PlatformModel::Serverless(cfg),
        PriceSheet {
            usd_per_unit_s,
            gpus_per_unit: 1,
        },
    ))
}

fn rule(mode: BillingMode, granularity_s: f64, minimum_s: f64) -> BillingRule {
    BillingRule {
        mode,
        granularity: SimDuration::from_secs_f64(granularity_s),
        minimum: SimDuration::from_secs_f64(minimum_s),
    }
}

/// `billing`: `{mode, granularity_s, minimum_s}` (serverless) or without `mode` (dedicated).
fn billing(
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
