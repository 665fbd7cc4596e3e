//! A `dedicated` fleet (Spheron semantics) and its `spot` block.

use super::{DEDICATED_BILLING, DIST, Default, Key, Range, Table, Ty, whole, whole32};

pub static DEDICATED: Table = Table {
    id: "dedicated",
    title: "dedicated",
    doc: "Always-on GPU VMs with the model resident: no cold start in steady state. At t = 0 \
          every instance serves and is billed. A request goes to the least-loaded serving GPU \
          (ties in fleet order). As a hybrid's `base` it has no `name`, and `type` is optional.",
    tag: Some(("type", "dedicated")),
    keys: &[
        Key {
            name: "instances",
            ty: whole32(1),
            default: Default::Whole(1),
            doc: "VMs in the fleet; at most 16,777,216 GPUs in all",
        },
        Key {
            name: "gpus_per_instance",
            ty: whole32(1),
            default: Default::Whole(1),
            doc: "GPUs per VM, each serving independently",
        },
        Key {
            name: "max_inputs",
            ty: whole32(1),
            default: Default::Whole(1),
            doc: "concurrent requests per GPU, each at full speed; at most 65,536, and at most \
                  16,777,216 input slots in the fleet",
        },
        Key {
            name: "usd_per_hour",
            ty: Ty::Number(Range::NonNegative),
            default: Default::Required,
            doc: "on-demand price per instance-hour, in USD (also the price of spot fallback \
                  instances)",
        },
        Key {
            name: "billing",
            ty: Ty::Object(&DEDICATED_BILLING),
            default: Default::Derived("1 h granularity, no minimum"),
            doc: "how each instance's billed span is rounded",
        },
        Key {
            name: "queue_limit",
            ty: whole(0),
            default: Default::Derived("unlimited"),
            doc: "requests waiting beyond this many are `rejected` (`0`: a loss system)",
        },
        Key {
            name: "spot",
            ty: Ty::Object(&SPOT),
            default: Default::Optional,
            doc: "if present, the instances are spot instances that can be interrupted",
        },
    ],
    exactly_one: &[],
};

const fn delay(name: &'static str, default: &'static str, doc: &'static str) -> Key {
    Key {
        name,
        ty: Ty::Union(&DIST),
        default: Default::Derived(default),
        doc,
    }
}

const IF_POSSIBLE: &str = "required when interruptions are possible";

pub static SPOT: Table = Table {
    id: "spot",
    title: "spot",
    doc: "Spot instances: an interruption is a Poisson event per serving instance. During the \
          notice the instance takes no new requests and finishes what it can; the replacement \
          starts provisioning at the notice, is billed from then, and serves after \
          `replacement_delay` + `model_load`. Outputs gain `spot: {interruptions, requeued, \
          capacity_s_lost, fallback_cost_usd}`.",
    tag: None,
    keys: &[
        Key {
            name: "usd_per_hour",
            ty: Ty::Number(Range::NonNegative),
            default: Default::Required,
            doc: "spot price per instance-hour, in USD",
        },
        Key {
            name: "interruptions_per_hour",
            ty: Ty::Number(Range::Between(0.0, 3600.0)),
            default: Default::Derived("one of the two rates is required"),
            doc: "interruption hazard per serving instance, per hour (`0`: never)",
        },
        Key {
            name: "interruptions_per_month",
            ty: Ty::Number(Range::Between(0.0, 3600.0 * 720.0)),
            default: Default::Derived("one of the two rates is required"),
            doc: "the same hazard per month of 720 hours",
        },
        Key {
            name: "notice_s",
            ty: Ty::Duration(Range::NonNegative),
            default: Default::Num(0.0),
            doc: "notice before the instance is gone; it is billed until the notice ends",
        },
        delay(
            "replacement_delay",
            IF_POSSIBLE,
            "from the notice until spot capacity is back and a new VM is up",
        ),
        delay(
            "model_load",
            IF_POSSIBLE,
            "then until the replacement serves",
        ),
        Key {
            name: "on_interrupt",
            ty: Ty::Choice(&["requeue", "fail"]),
            default: Default::Text("requeue"),
            doc: "what still runs when the notice ends: `requeue` (back to the head of the \
                  queue in arrival order, restarted from scratch) or `fail`",
        },
        Key {
            name: "fallback",
            ty: Ty::Choice(&["wait", "on_demand"]),
            default: Default::Text("wait"),
            doc: "`wait` for the replacement, or `on_demand`: an on-demand VM starts at the \
                  notice, serves after `fallback_delay`, is billed at `usd_per_hour` of the \
                  fleet, and is released when the spot replacement serves",
        },
        delay(
            "fallback_delay",
            "required with `on_demand`, an error otherwise",
            "provisioning + model load of the on-demand fallback VM",
        ),
    ],
    exactly_one: &[&["interruptions_per_hour", "interruptions_per_month"]],
};
