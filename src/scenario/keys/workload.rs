//! Arrival processes (`workload.arrivals`), MMPP states and trace replay.

use super::{Default, Key, MAX_RATE_PER_S, MIN_GAP_S, Range, Table, Ty, Union, whole};

pub static ARRIVAL: Union = Union {
    id: "arrivals",
    title: "Arrival processes",
    doc: "When requests arrive, selected by `process`. An array of processes is their \
          superposition.",
    tag: "process",
    common: &[],
    variants: &[&POISSON, &PERIODIC, &GAMMA, &MMPP, &BURSTS, &TRACE],
};

const fn rate(doc: &'static str) -> Key {
    Key {
        name: "rate_per_s",
        ty: Ty::Number(Range::Rate),
        default: Default::Required,
        doc,
    }
}

static POISSON: Table = Table {
    id: "poisson",
    title: "poisson",
    doc: "A Poisson process: exponential inter-arrival times.",
    tag: Some(("process", "poisson")),
    keys: &[rate(
        "mean arrivals per second (at most 1e9, one a nanosecond); a rate profile multiplies it",
    )],
    exactly_one: &[],
};

static PERIODIC: Table = Table {
    id: "periodic",
    title: "periodic",
    doc: "Deterministic arrivals (back-to-back work, cron-like): one every `interval_s` from \
          t = 0, or from the first instant the rate profile is positive. A profile scales the \
          rate (interval ÷ multiplier) and 0 pauses arrivals.",
    tag: Some(("process", "periodic")),
    keys: &[
        Key {
            name: "interval_s",
            ty: Ty::Duration(Range::AtLeast(MIN_GAP_S)),
            default: Default::Required,
            doc: "time between arrivals, at least 1 ns",
        },
        Key {
            name: "jitter_s",
            ty: Ty::Duration(Range::NonNegative),
            default: Default::Num(0.0),
            doc: "each arrival is delayed by a uniform draw from [0, jitter_s)",
        },
    ],
    exactly_one: &[],
};

static GAMMA: Table = Table {
    id: "gamma-arrivals",
    title: "gamma",
    doc: "A renewal process with gamma inter-arrival times of mean 1/rate (shape 1/cv²). The \
          first arrival comes after one inter-arrival time.",
    tag: Some(("process", "gamma")),
    keys: &[
        rate("mean arrivals per second (at most 1e9)"),
        Key {
            name: "cv",
            ty: Ty::Number(Range::Between(0.0, 100.0)),
            default: Default::Required,
            doc: "coefficient of variation of the inter-arrival times: > 1 is bursty, 1 is \
                  Poisson, 0 is deterministic",
        },
    ],
    exactly_one: &[],
};

static MMPP: Table = Table {
    id: "mmpp",
    title: "mmpp",
    doc: "A Markov-modulated Poisson process: starts in state 0, holds each state an \
          exponential time, then moves to the next state in list order, cyclically. On/off \
          bursts are two states, one with rate 0. Long-run rate Σ rᵢhᵢ / Σ hᵢ.",
    tag: Some(("process", "mmpp")),
    keys: &[Key {
        name: "states",
        ty: Ty::List {
            item: &Ty::Object(&MMPP_STATE),
            min: 1,
            max: None,
        },
        default: Default::Required,
        doc: "the states, at least one with `rate_per_s` > 0",
    }],
    exactly_one: &[],
};

pub static MMPP_STATE: Table = Table {
    id: "mmpp-state",
    title: "mmpp state",
    doc: "One state of an `mmpp` process.",
    tag: None,
    keys: &[
        Key {
            name: "rate_per_s",
            ty: Ty::Number(Range::Between(0.0, MAX_RATE_PER_S)),
            default: Default::Required,
            doc: "Poisson rate while in this state, per second (0 for an off state)",
        },
        Key {
            name: "mean_holding_s",
            ty: Ty::Duration(Range::AtLeast(MIN_GAP_S)),
            default: Default::Required,
            doc: "mean of the exponential time spent in this state, at least 1 ns",
        },
    ],
    exactly_one: &[],
};

static BURSTS: Table = Table {
    id: "bursts",
    title: "bursts",
    doc: "Batch jobs: `count` requests at `offset_s + k·every_s`, `spacing_s` apart, computed \
          by index in integer nanoseconds (no drift). Never modulated by a rate profile.",
    tag: Some(("process", "bursts")),
    keys: &[
        Key {
            name: "every_s",
            ty: Ty::Duration(Range::AtLeast(MIN_GAP_S)),
            default: Default::Required,
            doc: "time between the starts of two bursts, at least 1 ns",
        },
        Key {
            name: "offset_s",
            ty: Ty::Duration(Range::NonNegative),
            default: Default::Num(0.0),
            doc: "start of the first burst",
        },
        Key {
            name: "count",
            ty: whole(1),
            default: Default::Required,
            doc: "requests per burst",
        },
        Key {
            name: "spacing_s",
            ty: Ty::Duration(Range::NonNegative),
            default: Default::Num(0.0),
            doc: "time between two requests of a burst; (count − 1) × spacing_s ≤ every_s, so \
                  bursts never overlap",
        },
    ],
    exactly_one: &[],
};

/// `repeat`: a flag, or a number of plays.
pub static REPEAT: [Ty; 2] = [Ty::Bool, whole(1)];

static TRACE: Table = Table {
    id: "trace",
    title: "trace",
    doc: "Replays recorded arrivals. Times are relative to the first record, which arrives at \
          `start_s`; records at or after the horizon are dropped. Loading the scenario reads \
          and checks every line of the file, and an error names the file and the line.",
    tag: Some(("process", "trace")),
    keys: &[
        Key {
            name: "path",
            ty: Ty::NonEmptyText,
            default: Default::Required,
            doc: "the trace file, a regular file; a relative path is resolved against the \
                  scenario file's folder",
        },
        Key {
            name: "format",
            ty: Ty::Choice(&["csv", "azure_llm", "azure_functions_2019"]),
            default: Default::Required,
            doc: "`csv`: a header row with `timestamp_s` (seconds, non-decreasing) and \
                  optionally `service_s`; `azure_llm`: `TIMESTAMP,ContextTokens,GeneratedTokens` \
                  (needs an `llm` service, which prices the recorded token counts); \
                  `azure_functions_2019`: `HashOwner,HashApp,HashFunction,Trigger,1..1440` \
                  per-minute invocation counts",
        },
        Key {
            name: "time_scale",
            ty: Ty::Number(Range::Positive),
            default: Default::Num(1.0),
            doc: "multiplies the trace's times (0.5 replays twice as fast); service times are \
                  not scaled",
        },
        Key {
            name: "repeat",
            ty: Ty::OneOf(&REPEAT),
            default: Default::Derived("`false`"),
            doc: "`false`: play once; `true`: play again and again until the horizon; a whole \
                  number: that many plays in all. Each play is shifted by the trace's span plus \
                  its mean inter-arrival time",
        },
        Key {
            name: "start_s",
            ty: Ty::Duration(Range::NonNegative),
            default: Default::Num(0.0),
            doc: "when the first record arrives",
        },
        Key {
            name: "within_minute",
            ty: Ty::Choice(&["uniform", "poisson", "equidistant"]),
            default: Default::Text("uniform"),
            doc: "`azure_functions_2019` only: how a minute's count is spread within it. \
                  `uniform`: at independent uniform instants (the count is kept exactly); \
                  `poisson`: a Poisson process at count/60 per second (the count is its mean); \
                  `equidistant`: evenly spaced from the minute's start",
        },
        Key {
            name: "filter",
            ty: Ty::Object(&FILTER),
            default: Default::Derived("every row"),
            doc: "`azure_functions_2019` only: the rows whose counts are summed per minute",
        },
    ],
    exactly_one: &[],
};

const fn column(name: &'static str, doc: &'static str) -> Key {
    Key {
        name,
        ty: Ty::Text,
        default: Default::Derived("any"),
        doc,
    }
}

pub static FILTER: Table = Table {
    id: "trace-filter",
    title: "trace filter",
    doc: "Which rows of an `azure_functions_2019` trace count: all given fields must match.",
    tag: None,
    keys: &[
        column("owner", "the row's `HashOwner`"),
        column("app", "the row's `HashApp`"),
        column("function", "the row's `HashFunction`"),
        column(
            "trigger",
            "the row's `Trigger` (`http`, `timer`, `queue` …)",
        ),
    ],
    exactly_one: &[],
};
