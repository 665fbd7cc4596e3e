//! A `serverless` platform (Modal semantics; the defaults are Modal's).

use super::{Default, Key, PHASES, Range, SERVERLESS_BILLING, Table, Ty, whole, whole32};

const fn price(name: &'static str, default: f64, doc: &'static str) -> Key {
    Key {
        name,
        ty: Ty::Number(Range::NonNegative),
        default: Default::Num(default),
        doc,
    }
}

pub static SERVERLESS: Table = Table {
    id: "serverless",
    title: "serverless",
    doc: "One function on a Modal-like service. Containers go Starting → Ready (idle ⇄ busy) → \
          Stopped. The autoscaler, evaluated on every arrival, completion and container state \
          change, wants desired = clamp(ceil((in_flight + queued) / target_inputs) + \
          (buffer_containers while there is load), min_containers, max_containers) and starts \
          containers while live (starting included) < desired. At t = 0 the `min_containers` \
          warm pool exists, ready and billed. As a hybrid's `overflow` it has no `name`, and \
          `type` is optional.",
    tag: Some(("type", "serverless")),
    keys: &[
        Key {
            name: "gpu_usd_per_s",
            ty: Ty::Number(Range::NonNegative),
            default: Default::Required,
            doc: "GPU price per container-second, in USD (an H100 on Modal: 0.001097)",
        },
        price(
            "cpu_cores",
            0.125,
            "reserved CPU cores per container, billed like the GPU",
        ),
        price(
            "cpu_usd_per_core_s",
            0.0000131,
            "price of a CPU core per second, in USD",
        ),
        price(
            "memory_gib",
            0.125,
            "reserved memory per container, in GiB, billed like the GPU",
        ),
        price(
            "memory_usd_per_gib_s",
            0.00000222,
            "price of a GiB of memory per second, in USD",
        ),
        Key {
            name: "price_multiplier",
            ty: Ty::Number(Range::Positive),
            default: Default::Num(1.0),
            doc: "multiplies the whole per-second price (Modal's region pinning: 1.5 broad, 1.75 \
                  narrow)",
        },
        Key {
            name: "schedule_delay",
            ty: Ty::Named(&PHASES),
            default: Default::Derived("0"),
            doc: "wait for a GPU before the container exists: not billed, but counts as \
                  starting for everything else (live count, autoscaler, cold-start wait)",
        },
        Key {
            name: "cold_start",
            ty: Ty::Named(&PHASES),
            default: Default::Required,
            doc: "container boot + imports + model load, billed (except under `after_startup` \
                  and `busy_only` billing)",
        },
        Key {
            name: "min_containers",
            ty: whole32(0),
            default: Default::Whole(0),
            doc: "warm pool kept even with no load, billed while idle; at most 1,048,576 and ≤ \
                  `max_containers`",
        },
        Key {
            name: "max_containers",
            ty: whole32(1),
            default: Default::Derived("unlimited"),
            doc: "cap on live containers, starting ones included",
        },
        Key {
            name: "buffer_containers",
            ty: whole32(0),
            default: Default::Whole(0),
            doc: "extra containers kept while there is load; at most 1,048,576",
        },
        Key {
            name: "scaledown_window_s",
            ty: Ty::Duration(Range::Positive),
            default: Default::Num(60.0),
            doc: "an idle container stops after this long idle, unless that would take the pool \
                  below max(`min_containers`, desired): then its timer re-arms (Modal allows \
                  2–1200 s)",
        },
        Key {
            name: "max_inputs",
            ty: whole32(1),
            default: Default::Whole(1),
            doc: "concurrent inputs per container (`@modal.concurrent`), each at full speed",
        },
        Key {
            name: "target_inputs",
            ty: whole32(1),
            default: Default::Derived("= `max_inputs`"),
            doc: "inputs per container the autoscaler provisions for; ≤ `max_inputs`",
        },
        Key {
            name: "dispatch",
            ty: Ty::Choice(&["queue", "per_request"]),
            default: Default::Text("queue"),
            doc: "`queue`: one FIFO queue; whichever ready container has a free slot takes the \
                  head (Modal). `per_request`: a free slot on a ready container, else on a \
                  booting one (then the request waits for the boot), else the request starts \
                  its own container; only at `max_containers` does it queue (AWS Lambda, \
                  SimFaaS)",
        },
        Key {
            name: "pick",
            ty: Ty::Choice(&["newest", "oldest", "mru", "lru"]),
            default: Default::Text("newest"),
            doc: "which free container serves: `newest`/`oldest` by start time, `mru`/`lru` by \
                  when it last freed a slot. Platforms do not document theirs, and it moves the \
                  cold-start fraction of a busy function by an order of magnitude",
        },
        Key {
            name: "queue_limit",
            ty: whole(0),
            default: Default::Derived("unlimited"),
            doc: "requests waiting beyond this many are `rejected`; `0` with `per_request` is \
                  SimFaaS's loss system, `0` with `queue` never grows past the warm pool (a \
                  warning says so)",
        },
        Key {
            name: "execution_timeout_s",
            ty: Ty::Duration(Range::Positive),
            default: Default::Num(300.0),
            doc: "an execution longer than this is cut there, `failed`, billed as busy, and \
                  frees its slot",
        },
        Key {
            name: "preemptions_per_hour",
            ty: Ty::Number(Range::Between(0.0, 3600.0)),
            default: Default::Num(0.0),
            doc: "per-container preemption hazard; a preempted container's inputs run again from \
                  scratch",
        },
        Key {
            name: "billing",
            ty: Ty::Object(&SERVERLESS_BILLING),
            default: Default::Derived("`lifetime`, 1 s granularity, no minimum"),
            doc: "what is billed and how it is rounded",
        },
    ],
    exactly_one: &[],
};
