//! A `jobs` workload (`workload.jobs`) and its `checkpoint` block.

use super::{ARRIVAL, DIST, Default, Key, MIN_GAP_S, Range, Table, Ty, whole};

/// The longest interval: the longest horizon, 100 years (the clock ends after 584).
const MAX_INTERVAL_S: f64 = 36_500.0 * 86_400.0;

pub static JOBS: Table = Table {
    id: "jobs",
    title: "jobs",
    doc: "Long batch or training jobs instead of `arrivals` + `service` (docs/semantics.md, \
          Long jobs). A job holds one slot (a GPU, or a container input) until it is done, \
          checkpointing after every `checkpoint.interval_s` of work and once more when its \
          work is done; it completes when that last checkpoint ends. Interrupted (spot \
          interruption at the end of its notice, serverless preemption or \
          `execution_timeout_s`), it loses the work since its last completed checkpoint, goes \
          back to the head of the queue and restores before working again. Give `arrivals` \
          or `count`.",
    tag: None,
    keys: &[
        Key {
            name: "arrivals",
            ty: Ty::OneOf(&[
                Ty::Union(&ARRIVAL),
                Ty::List {
                    item: &Ty::Union(&ARRIVAL),
                    min: 1,
                    max: None,
                },
            ]),
            default: Default::Derived("required unless `count`"),
            doc: "when jobs are submitted: one arrival process or an array of them, modulated \
                  by the workload's `rate_profile`; a csv trace's `service_s` is the job's work",
        },
        Key {
            name: "count",
            ty: whole(1),
            default: Default::Derived("required unless `arrivals`"),
            doc: "this many jobs, all submitted at t = 0",
        },
        Key {
            name: "work",
            ty: Ty::Union(&DIST),
            default: Default::Required,
            doc: "GPU seconds of work of one job at full speed (mean > 0), shared by every \
                  platform for a seed",
        },
        Key {
            name: "checkpoint",
            ty: Ty::Object(&CHECKPOINT),
            default: Default::Derived(
                "no checkpoints: an interrupted job starts again from scratch",
            ),
            doc: "how jobs save their progress",
        },
    ],
    exactly_one: &[&["arrivals", "count"]],
};

pub static CHECKPOINT: Table = Table {
    id: "checkpoint",
    title: "checkpoint",
    doc: "Checkpointing of a `jobs` workload. Every checkpoint, and every restore, draws its \
          duration from the job's own stream, so every platform sees the same durations for \
          the same job. On a serverless platform (and a hybrid's overflow) `interval_s` + the \
          mean `cost` + the mean `restore` must fit in `execution_timeout_s`, or a resumed job \
          would never finish.",
    tag: None,
    keys: &[
        Key {
            name: "interval_s",
            ty: Ty::Duration(Range::Between(MIN_GAP_S, MAX_INTERVAL_S)),
            default: Default::Required,
            doc: "work between two checkpoints (at least 1 ns, at most 100 years: the longest \
                  horizon)",
        },
        Key {
            name: "cost",
            ty: Ty::Union(&DIST),
            default: Default::Required,
            doc: "time one checkpoint takes; the job does no work meanwhile and the slot stays \
                  busy and billed",
        },
        Key {
            name: "restore",
            ty: Ty::Union(&DIST),
            default: Default::Required,
            doc: "time to load the last checkpoint after an interruption, before working again",
        },
    ],
    exactly_one: &[],
};
