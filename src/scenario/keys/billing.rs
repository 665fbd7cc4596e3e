//! The `billing` objects of serverless and dedicated platforms.

use super::{Default, Key, Range, Table, Ty};

const fn minimum() -> Key {
    Key {
        name: "minimum_s",
        ty: Ty::Duration(Range::NonNegative),
        default: Default::Num(0.0),
        doc: "each billed time is at least this long",
    }
}

pub static SERVERLESS_BILLING: Table = Table {
    id: "serverless-billing",
    title: "serverless billing",
    doc: "What a container is billed for (GPU, CPU and memory alike), rounded per container. \
          Every output breaks the cost into `startup`, `busy` and `idle` (rounding lands in \
          idle).",
    tag: None,
    keys: &[
        Key {
            name: "mode",
            ty: Ty::Choice(&["lifetime", "after_startup", "busy_only"]),
            default: Default::Text("lifetime"),
            doc: "`lifetime`: from container start (after the schedule delay, cold start \
                  included) to stop; `after_startup`: from boot end to stop (Beam); \
                  `busy_only`: only the union of the container's execution intervals \
                  (Replicate's public models, and the article's idealisation)",
        },
        Key {
            name: "granularity_s",
            ty: Ty::Duration(Range::NonNegative),
            default: Default::Num(1.0),
            doc: "each container's billed time is rounded up to a multiple of this",
        },
        minimum(),
    ],
    exactly_one: &[],
};

pub static DEDICATED_BILLING: Table = Table {
    id: "dedicated-billing",
    title: "dedicated billing",
    doc: "How each instance's billed span (start of provisioning → stop) is rounded.",
    tag: None,
    keys: &[
        Key {
            name: "granularity_s",
            ty: Ty::Duration(Range::NonNegative),
            default: Default::Num(3600.0),
            doc: "each instance's billed span is rounded up to a multiple of this",
        },
        minimum(),
    ],
    exactly_one: &[],
};
