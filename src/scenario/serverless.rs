//! Reading a `serverless` platform (SPEC §3.1): its prices, its autoscaling and dispatch
//! keys, and the checks that tie keys together.

use super::platform::{billing, rule};
use super::reader::{Errors, Obj, Range, choice, count, count32, duration, number};
use super::workload::phases;
use crate::billing::{BillingMode, PriceSheet};
use crate::platform::{Dispatch, Pick, PlatformModel, ServerlessConfig};
use crate::time::SimDuration;
use crate::workload::{Dist, Phases};

/// The largest warm pool or buffer a scenario may ask for: each is created at once, at
/// ~130 bytes a container.
const MAX_WARM_CONTAINERS: u32 = 1 << 20;

pub(super) fn serverless(o: &mut Obj, errs: &mut Errors) -> Option<(PlatformModel, PriceSheet)> {
    let usd_per_unit_s = price_per_s(o, errs);
    let cfg = config(o, errs);
    Some((
        PlatformModel::Serverless(cfg?),
        PriceSheet {
            usd_per_unit_s: usd_per_unit_s?,
            gpus_per_unit: 1,
        },
    ))
}

/// GPU + reserved CPU and memory, times `price_multiplier`, per container-second.
fn price_per_s(o: &mut Obj, errs: &mut Errors) -> Option<f64> {
    let non_negative = || number(Range::NonNegative);
    let gpu = o.req("gpu_usd_per_s", errs, non_negative());
    let cpu_cores = o.or("cpu_cores", 0.125, errs, non_negative());
    let cpu_price = o.or("cpu_usd_per_core_s", 0.0000131, errs, non_negative());
    let memory_gib = o.or("memory_gib", 0.125, errs, non_negative());
    let memory_price = o.or("memory_usd_per_gib_s", 0.00000222, errs, non_negative());
    let multiplier = o.or("price_multiplier", 1.0, errs, number(Range::Positive));
    Some((gpu? + cpu_cores * cpu_price + memory_gib * memory_price) * multiplier)
}

fn config(o: &mut Obj, errs: &mut Errors) -> Option<ServerlessConfig> {
    let schedule_delay = o.opt("schedule_delay", errs, phases);
    let cold_start = o.req("cold_start", errs, phases);
    let min_containers = o.or("min_containers", 0, errs, count32(0));
    let max_containers = o.or("max_containers", u32::MAX, errs, count32(1));
    let buffer_containers = o.or("buffer_containers", 0, errs, count32(0));
    let window_s = o.or("scaledown_window_s", 60.0, errs, duration(Range::Positive));
    let max_inputs = o.or("max_inputs", 1, errs, count32(1));
    // An invalid value is reported; the default only lets the checks go on.
    let target_inputs = o.opt("target_inputs", errs, count32(1)).flatten();
    let dispatch = o.or("dispatch", "queue", errs, choice(&["queue", "per_request"]));
    let picks = ["newest", "oldest", "mru", "lru"];
    let pick = o.or("pick", "newest", errs, choice(&picks));
    let queue_limit = o.opt("queue_limit", errs, count(0));
    let timeout_s = o.or(
        "execution_timeout_s",
        300.0,
        errs,
        duration(Range::Positive),
    );
    // One a second per container: far beyond any platform, and a bound on the events.
    let preemptions = o.or(
        "preemptions_per_hour",
        0.0,
        errs,
        number(Range::Between(0.0, 3600.0)),
    );
    let billing = o.opt("billing", errs, |v, p, e| billing(v, p, e, true, 1.0))?;
    let target_inputs = target_inputs.unwrap_or(max_inputs);
    let pool = (min_containers, max_containers, buffer_containers);
    check(o, errs, pool, (target_inputs, max_inputs));
    Some(ServerlessConfig {
        schedule_delay: schedule_delay?.unwrap_or(Phases::single(Dist::constant(0.0))),
        cold_start: cold_start?,
        min_containers,
        max_containers,
        buffer_containers,
        scaledown_window: SimDuration::from_secs_f64(window_s),
        max_inputs,
        target_inputs,
        dispatch: match dispatch {
            "per_request" => Dispatch::PerRequest,
            _ => Dispatch::Queue,
        },
        pick: match pick {
            "oldest" => Pick::Oldest,
            "mru" => Pick::Mru,
            "lru" => Pick::Lru,
            _ => Pick::Newest,
        },
        queue_limit: queue_limit?,
        execution_timeout: SimDuration::from_secs_f64(timeout_s),
        preemptions_per_hour: preemptions,
        billing: billing.unwrap_or(rule(BillingMode::Lifetime, 1.0, 0.0)),
    })
}

/// SPEC §6: keys that contradict each other, and pools too big to create. Checked on the
/// values read, so that they are reported even when another key is invalid.
fn check(
    o: &Obj,
    errs: &mut Errors,
    (min, max, buffer): (u32, u32, u32),
    (target, max_inputs): (u32, u32),
) {
    if min > max {
        errs.push(
            &o.at("min_containers"),
            format!("expected min_containers ≤ max_containers ({max}), found {min}"),
        );
    }
    for (key, n) in [("min_containers", min), ("buffer_containers", buffer)] {
        if n > MAX_WARM_CONTAINERS {
            errs.push(
                &o.at(key),
                format!("expected at most {MAX_WARM_CONTAINERS} warm containers, found {n}"),
            );
        }
    }
    if target > max_inputs {
        errs.push(
            &o.at("target_inputs"),
            format!("expected target_inputs ≤ max_inputs ({max_inputs}), found {target}"),
        );
    }
}

/// A setting that is valid but cannot grow: under `queue` a rejected request is neither in
/// flight nor queued, so with no queue the autoscaler (SPEC §3.1) never counts a request
/// that found no free slot. With no warm pool every request is rejected; with one, and no
/// buffer or `target_inputs` below `max_inputs` to provision ahead, the function never
/// grows past it.
pub(super) fn warning(cfg: &ServerlessConfig) -> Option<String> {
    if cfg.dispatch != Dispatch::Queue || cfg.queue_limit != Some(0) {
        return None;
    }
    let fix = "set queue_limit ≥ 1 or dispatch per_request";
    if cfg.min_containers == 0 {
        return Some(
            "queue_limit 0 with min_containers 0 under dispatch queue rejects every request: \
             no container is ever started (set min_containers ≥ 1, queue_limit ≥ 1 or dispatch \
             per_request)"
                .to_string(),
        );
    }
    let provisions_ahead = cfg.buffer_containers > 0 || cfg.target_inputs < cfg.max_inputs;
    (!provisions_ahead).then(|| {
        format!(
            "queue_limit 0 under dispatch queue never grows the function past its {} warm \
             container(s): a request that finds no free slot is rejected before the autoscaler \
             counts it ({fix})",
            cfg.min_containers
        )
    })
}
