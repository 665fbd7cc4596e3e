//! `platforms`: every platform's `name`, `type` and `checkpoint`, and the `hybrid` platform.

use super::{CHECKPOINT, DEDICATED, Default, Key, Range, SERVERLESS, Table, Ty, Union, whole};

pub static PLATFORM: Union = Union {
    id: "platforms",
    title: "Platforms",
    doc: "One platform to compare, selected by `type`.",
    tag: "type",
    common: &[
        Key {
            name: "name",
            ty: Ty::NonEmptyText,
            default: Default::Required,
            doc: "unique among the scenario's platforms, printed in every output",
        },
        Key {
            name: "checkpoint",
            ty: Ty::OneOf(&[Ty::Object(&CHECKPOINT), Ty::Choice(&["none"])]),
            default: Default::Derived("the workload's `jobs.checkpoint`"),
            doc: "with a `jobs` workload, how this platform's jobs checkpoint instead of the \
                  workload's `jobs.checkpoint`; `\"none\"`: they do not, and an interrupted job \
                  starts again from scratch",
        },
    ],
    variants: &[&SERVERLESS, &DEDICATED, &HYBRID],
};

static HYBRID: Table = Table {
    id: "hybrid",
    title: "hybrid",
    doc: "A dedicated fleet that overflows to a serverless pool: a request goes to the base \
          unless `overflow_when` says the wait there is too long. The expected wait is 0 when a \
          slot is free and nothing waits, else (waiting + 1) × mean service demand ÷ (serving \
          GPUs × `max_inputs`), with the mean of the service distribution (a running mean for \
          traces). Outputs give both parts' cost and the `overflow_fraction`.",
    tag: Some(("type", "hybrid")),
    keys: &[
        Key {
            name: "base",
            ty: Ty::Object(&DEDICATED),
            default: Default::Required,
            doc: "the dedicated fleet (spot allowed), without `name`",
        },
        Key {
            name: "overflow",
            ty: Ty::Object(&SERVERLESS),
            default: Default::Required,
            doc: "the serverless pool, without `name`",
        },
        Key {
            name: "overflow_when",
            ty: Ty::Object(&OVERFLOW_WHEN),
            default: Default::Required,
            doc: "when a request goes to the pool",
        },
    ],
    exactly_one: &[],
};

pub static OVERFLOW_WHEN: Table = Table {
    id: "overflow-when",
    title: "overflow_when",
    doc: "The overflow rule of a hybrid: exactly one of the two keys.",
    tag: None,
    keys: &[
        Key {
            name: "queue_wait_s",
            ty: Ty::Duration(Range::NonNegative),
            default: Default::Derived("one of the two is required"),
            doc: "overflow when the expected wait on the base exceeds this",
        },
        Key {
            name: "queue_length",
            ty: whole(0),
            default: Default::Derived("one of the two is required"),
            doc: "overflow when this many or more already wait on the base (`0` sends \
                  everything to the pool)",
        },
    ],
    exactly_one: &[&["queue_wait_s", "queue_length"]],
};
