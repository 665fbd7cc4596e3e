//! Reading a `serverless` platform (docs/semantics.md#serverless-autoscaler): its prices, its autoscaling and dispatch
//! keys, and the checks that tie keys together.

use super::billing;
use super::engine::{Batching, engine};
use super::reader::{Errors, Obj};
use super::workload::phases;
use crate::billing::PriceSheet;
use crate::platform::{Dispatch, Pick, PlatformModel, ServerlessConfig};
use crate::time::SimDuration;
use crate::workload::{Dist, Phases};

/// The largest warm pool or buffer a scenario may ask for: each is created at once, at
/// ~130 bytes a container.
const MAX_WARM_CONTAINERS: u32 = 1 << 20;

/// The keys of a serverless platform (`keys::SERVERLESS`), the tag already read.
pub(super) fn serverless(
    o: &mut Obj,
    errs: &mut Errors,
    ctx: &Batching,
) -> Option<(PlatformModel, PriceSheet)> {
    // Expanded before the platform is read (docs/semantics.md#presets).
    let _preset: Option<Option<String>> = o.opt("preset", errs);
    let price = price_per_s(o, errs);
    let cfg = config(o, errs, ctx);
    let cfg = cfg?;
    // A container whose engine spans N GPUs pays the GPU price N times.
    let gpus = cfg.engine.map_or(1, |e| e.tensor_parallel);
    let (gpu, cpu, memory, multiplier) = price?;
    Some((
        PlatformModel::Serverless(cfg),
        PriceSheet {
            usd_per_unit_s: (gpu * gpus as f64 + cpu + memory) * multiplier,
            gpus_per_unit: gpus,
        },
    ))
}

/// Per container-second: the GPU price, the reserved CPU and memory, and the
/// `price_multiplier` of the whole.
fn price_per_s(o: &mut Obj, errs: &mut Errors) -> Option<(f64, f64, f64, f64)> {
    let gpu: Option<f64> = o.req("gpu_usd_per_s", errs);
    let cpu_cores: f64 = o.or("cpu_cores", errs);
    let cpu_price: f64 = o.or("cpu_usd_per_core_s", errs);
    let memory_gib: f64 = o.or("memory_gib", errs);
    let memory_price: f64 = o.or("memory_usd_per_gib_s", errs);
    let multiplier: f64 = o.or("price_multiplier", errs);
    Some((
        gpu?,
        cpu_cores * cpu_price,
        memory_gib * memory_price,
        multiplier,
    ))
}

fn config(o: &mut Obj, errs: &mut Errors, ctx: &Batching) -> Option<ServerlessConfig> {
    let schedule_delay = o.opt_with("schedule_delay", errs, phases);
    let cold_start = o.req_with("cold_start", errs, phases);
    let min_containers: u32 = o.or("min_containers", errs);
    // Invalid values are reported; unlimited only lets the checks go on.
    let max_containers = o.opt("max_containers", errs).flatten().unwrap_or(u32::MAX);
    let buffer_containers: u32 = o.or("buffer_containers", errs);
    let window_s: f64 = o.or("scaledown_window_s", errs);
    // Invalid values are reported; the default only lets the checks go on.
    let max_inputs = o
        .opt("max_inputs", errs)
        .flatten()
        .unwrap_or(ctx.default_max_inputs());
    let target_inputs: Option<u32> = o.opt("target_inputs", errs).flatten();
    let dispatch = match o.or::<&str>("dispatch", errs) {
        "queue" => Dispatch::Queue,
        "per_request" => Dispatch::PerRequest,
        other => unreachable!("dispatch {other:?} is not a choice of the table"),
    };
    let pick = match o.or::<&str>("pick", errs) {
        "newest" => Pick::Newest,
        "oldest" => Pick::Oldest,
        "mru" => Pick::Mru,
        "lru" => Pick::Lru,
        other => unreachable!("pick {other:?} is not a choice of the table"),
    };
    let queue_limit: Option<Option<u64>> = o.opt("queue_limit", errs);
    let timeout_s: f64 = o.or("execution_timeout_s", errs);
    // At most one a second per container: far beyond any platform, and a bound on the
    // events.
    let preemptions: f64 = o.or("preemptions_per_hour", errs);
    let billing = o.opt_with("billing", errs, billing::serverless);
    let engine = engine(o, errs, ctx, max_inputs);
    let billing = billing?;
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
        dispatch,
        pick,
        queue_limit: queue_limit?,
        execution_timeout: SimDuration::from_secs_f64(timeout_s),
        preemptions_per_hour: preemptions,
        billing: billing.unwrap_or_else(|| billing::absent(billing::serverless)),
        engine: engine?,
    })
}

/// docs/semantics.md#bad-input: keys that contradict each other, and pools too big to create. Checked on the
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
/// flight nor queued, so with no queue the autoscaler (docs/semantics.md#serverless-autoscaler) never counts a request
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
