//! The top level of a scenario file, its `slo` and its `workload`.

use super::{
    ARRIVAL, Default, JOBS, Key, PLATFORM, RATE_PROFILE, Range, SERVICE, Table, Ty, whole, whole32,
};

pub static SCENARIO: Table = Table {
    id: "scenario",
    title: "Top level",
    doc: "A scenario file is one JSON object: a workload, the platforms to compare, a horizon \
          and seeds.",
    tag: None,
    keys: &[
        Key {
            name: "name",
            ty: Ty::NonEmptyText,
            default: Default::Required,
            doc: "short identifier, printed in every output",
        },
        Key {
            name: "description",
            ty: Ty::Text,
            default: Default::Text(""),
            doc: "one line for humans",
        },
        Key {
            name: "horizon",
            ty: Ty::Duration(Range::Positive),
            default: Default::Required,
            doc: "simulated span, at least 1 ns and at most 100 years (`\"36500d\"`); arrivals \
                  at or after it do not happen and open spans are billed up to it",
        },
        Key {
            name: "seeds",
            ty: whole32(1),
            default: Default::Whole(8),
            doc: "replicas per platform (`--seeds` overrides); every platform sees the same \
                  arrivals and demands for a given seed",
        },
        Key {
            name: "seed",
            ty: whole(0),
            default: Default::Whole(1),
            doc: "master seed from which every replica's random streams are derived \
                  (`--seed` overrides)",
        },
        Key {
            name: "slo",
            ty: Ty::Object(&SLO),
            default: Default::Optional,
            doc: "latency target; absent, `slo_attainment` is not computed",
        },
        Key {
            name: "workload",
            ty: Ty::Object(&WORKLOAD),
            default: Default::Required,
            doc: "the requests: arrivals, their service demand, optional rate profile and \
                  timeout",
        },
        Key {
            name: "platforms",
            ty: Ty::List {
                item: &Ty::Union(&PLATFORM),
                min: 1,
                max: None,
            },
            default: Default::Required,
            doc: "the platforms to compare, each with a unique `name`",
        },
    ],
    exactly_one: &[],
};

pub static SLO: Table = Table {
    id: "slo",
    title: "slo",
    doc: "The targets of `slo_attainment`: the share of arrivals completed within every target \
          given (rejected, failed and unfinished requests count as misses). At least one \
          target; `ttft_s` and `tpot_s` need a `tokens` service.",
    tag: None,
    keys: &[
        Key {
            name: "latency_s",
            ty: Ty::Duration(Range::Positive),
            default: Default::Derived("no latency target"),
            doc: "latency target, arrival to completion",
        },
        Key {
            name: "ttft_s",
            ty: Ty::Duration(Range::Positive),
            default: Default::Derived("no TTFT target"),
            doc: "time-to-first-token target, arrival to the first output token",
        },
        Key {
            name: "tpot_s",
            ty: Ty::Duration(Range::Positive),
            default: Default::Derived("no TPOT target"),
            doc: "time-per-output-token target: (completion − first token) ÷ (output tokens − \
                  1); a request of one output token meets it",
        },
    ],
    exactly_one: &[],
};

pub static WORKLOAD: Table = Table {
    id: "workload",
    title: "workload",
    doc: "The requests every platform sees: for a given seed, exactly the same arrivals and \
          service demands on every platform.",
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
            default: Default::Derived("required unless `jobs`"),
            doc: "one arrival process, or an array of them: their superposition, merged in time \
                  order (ties to the process listed first), each drawing from its own random \
                  stream",
        },
        Key {
            name: "rate_profile",
            ty: Ty::Union(&RATE_PROFILE),
            default: Default::Derived("flat (multiplier 1)"),
            doc: "multiplies the rate of `poisson`, `gamma`, `mmpp` and `periodic` processes over \
                  time; `bursts` and traces are never modulated (a profile with nothing to \
                  modulate is an error)",
        },
        Key {
            name: "service",
            ty: Ty::Union(&SERVICE),
            default: Default::Derived("required unless every arrival records its service time"),
            doc: "GPU execution time of one request: a distribution of seconds or the `llm` \
                  token model; a trace's recorded `service_s` always wins over it",
        },
        Key {
            name: "timeout_s",
            ty: Ty::Duration(Range::Positive),
            default: Default::Derived("none"),
            doc: "a request still waiting to start after this long gives up (`timed_out`), \
                  waiting for a booting container included; it never reaches a GPU and is not \
                  billed as work",
        },
        Key {
            name: "jobs",
            ty: Ty::Object(&JOBS),
            default: Default::Optional,
            doc: "long batch or training jobs with checkpoints, instead of `arrivals` and \
                  `service`",
        },
    ],
    exactly_one: &[],
};
