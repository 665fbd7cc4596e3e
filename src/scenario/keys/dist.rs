//! The distribution grammar: distributions of seconds (every random duration), of token
//! counts (unit-free keys), a workload's `service` (which may also be the `llm` token
//! model) and cold-start phases.

use super::{Default, Key, Named, Range, Table, Ty, Union};

pub static DIST: Union = Union {
    id: "distributions",
    title: "Distributions",
    doc: "A distribution of seconds, selected by `dist`: every random duration (service \
          times, cold starts, schedule, replacement and fallback delays, model loads) is one. \
          Amounts are durations; draws are rounded to the nearest nanosecond.",
    tag: "dist",
    common: &[],
    variants: &[
        &CONSTANT_S,
        &EXPONENTIAL_S,
        &LOGNORMAL_S,
        &LOGNORMAL_MU_SIGMA,
        &GAMMA_S,
        &UNIFORM_S,
        &EMPIRICAL_S,
    ],
};

pub static SERVICE: Union = Union {
    id: "service",
    title: "Service demand",
    doc: "The GPU execution time of one request: a distribution of seconds, or the `llm` \
          token model.",
    tag: "dist",
    common: &[],
    variants: &[
        &CONSTANT_S,
        &EXPONENTIAL_S,
        &LOGNORMAL_S,
        &LOGNORMAL_MU_SIGMA,
        &GAMMA_S,
        &UNIFORM_S,
        &EMPIRICAL_S,
        &LLM,
    ],
};

pub static TOKEN_DIST: Union = Union {
    id: "token-distributions",
    title: "Token-count distributions",
    doc: "The distributions of seconds with unit-free keys (`value`, `mean`, `min`, `max`, \
          `samples`); draws are rounded to whole tokens ≥ 0.",
    tag: "dist",
    common: &[],
    variants: &[
        &CONSTANT_T,
        &EXPONENTIAL_T,
        &LOGNORMAL_T,
        &LOGNORMAL_MU_SIGMA,
        &GAMMA_T,
        &UNIFORM_T,
        &EMPIRICAL_T,
    ],
};

/// The tables of one family of distributions: `$amount` is the type of an amount and
/// `$unit` its unit in the reference; the key names differ only by their suffix.
macro_rules! family {
    ($amount:path, $unit:literal, $suffix:literal, $idsuffix:literal, $title:literal,
     [$constant:ident, $exponential:ident, $lognormal:ident, $gamma:ident, $uniform:ident,
      $empirical:ident]) => {
        static $constant: Table = Table {
            id: concat!("constant", $idsuffix),
            title: concat!("constant", $title),
            doc: "Every draw is the same value.",
            tag: Some(("dist", "constant")),
            keys: &[Key {
                name: concat!("value", $suffix),
                ty: $amount(Range::NonNegative),
                default: Default::Required,
                doc: concat!("the value, in ", $unit),
            }],
            exactly_one: &[],
        };
        static $exponential: Table = Table {
            id: concat!("exponential", $idsuffix),
            title: concat!("exponential", $title),
            doc: "Exponentially distributed.",
            tag: Some(("dist", "exponential")),
            keys: &[mean!($amount, $unit, $suffix)],
            exactly_one: &[],
        };
        static $lognormal: Table = Table {
            id: concat!("lognormal", $idsuffix),
            title: concat!("lognormal", $title),
            doc: "Lognormal by its mean and coefficient of variation: σ² = ln(1 + cv²), \
                  μ = ln(mean) − σ²/2. Giving `mu` or `sigma` selects the other \
                  parameterisation.",
            tag: Some(("dist", "lognormal")),
            keys: &[mean!($amount, $unit, $suffix), CV],
            exactly_one: &[],
        };
        static $gamma: Table = Table {
            id: concat!("gamma", $idsuffix),
            title: concat!("gamma", $title),
            doc: "Gamma by its mean and coefficient of variation (shape 1/cv²; cv 0 is \
                  constant).",
            tag: Some(("dist", "gamma")),
            keys: &[mean!($amount, $unit, $suffix), CV],
            exactly_one: &[],
        };
        static $uniform: Table = Table {
            id: concat!("uniform", $idsuffix),
            title: concat!("uniform", $title),
            doc: "Uniform on [min, max].",
            tag: Some(("dist", "uniform")),
            keys: &[
                Key {
                    name: concat!("min", $suffix),
                    ty: $amount(Range::NonNegative),
                    default: Default::Required,
                    doc: concat!("lower bound, in ", $unit),
                },
                Key {
                    name: concat!("max", $suffix),
                    ty: $amount(Range::NonNegative),
                    default: Default::Required,
                    doc: concat!("upper bound, in ", $unit, ", ≥ the lower bound"),
                },
            ],
            exactly_one: &[],
        };
        static $empirical: Table = Table {
            id: concat!("empirical", $idsuffix),
            title: concat!("empirical", $title),
            doc: "Each draw picks one of the samples uniformly: a bootstrap of measured values.",
            tag: Some(("dist", "empirical")),
            keys: &[Key {
                name: concat!("samples", $suffix),
                ty: Ty::List {
                    item: &$amount(Range::NonNegative),
                    min: 1,
                    max: None,
                },
                default: Default::Required,
                doc: concat!("the measured values, in ", $unit),
            }],
            exactly_one: &[],
        };
    };
}

macro_rules! mean {
    ($amount:path, $unit:literal, $suffix:literal) => {
        Key {
            name: concat!("mean", $suffix),
            ty: $amount(Range::Positive),
            default: Default::Required,
            doc: concat!("mean, in ", $unit),
        }
    };
}

const CV: Key = Key {
    name: "cv",
    ty: Ty::Number(Range::Between(0.0, 100.0)),
    default: Default::Required,
    doc: "coefficient of variation: standard deviation ÷ mean",
};

family!(
    Ty::Duration,
    "seconds",
    "_s",
    "",
    "",
    [
        CONSTANT_S,
        EXPONENTIAL_S,
        LOGNORMAL_S,
        GAMMA_S,
        UNIFORM_S,
        EMPIRICAL_S
    ]
);
family!(
    Ty::Tokens,
    "tokens",
    "",
    "-tokens",
    " (tokens)",
    [
        CONSTANT_T,
        EXPONENTIAL_T,
        LOGNORMAL_T,
        GAMMA_T,
        UNIFORM_T,
        EMPIRICAL_T
    ]
);

/// Unit-free, so shared by both families.
static LOGNORMAL_MU_SIGMA: Table = Table {
    id: "lognormal-mu-sigma",
    title: "lognormal (mu, sigma)",
    doc: "Lognormal by the mean and standard deviation of the value's natural logarithm.",
    tag: Some(("dist", "lognormal")),
    keys: &[
        Key {
            name: "mu",
            ty: Ty::Number(Range::Between(-50.0, 50.0)),
            default: Default::Required,
            doc: "mean of ln(value), the value in seconds or tokens",
        },
        Key {
            name: "sigma",
            ty: Ty::Number(Range::Between(0.0, 10.0)),
            default: Default::Required,
            doc: "standard deviation of ln(value)",
        },
    ],
    exactly_one: &[],
};

static LLM: Table = Table {
    id: "llm",
    title: "llm",
    doc: "The LLM token model: service = `ttft_s` + `prefill_per_1k_tokens_s` × context ÷ 1000 \
          + `per_output_token_s` × output. Token counts come from the `azure_llm` trace when \
          it records them, else from `context_tokens` and `output_tokens`, drawn from their own \
          random stream so that every platform sees the same counts.",
    tag: Some(("dist", "llm")),
    keys: &[
        Key {
            name: "ttft_s",
            ty: Ty::Duration(Range::NonNegative),
            default: Default::Required,
            doc: "fixed time to first token of every request",
        },
        Key {
            name: "per_output_token_s",
            ty: Ty::Duration(Range::NonNegative),
            default: Default::Required,
            doc: "decode time per output token",
        },
        Key {
            name: "prefill_per_1k_tokens_s",
            ty: Ty::Duration(Range::NonNegative),
            default: Default::Num(0.0),
            doc: "prefill time per 1000 context tokens",
        },
        Key {
            name: "context_tokens",
            ty: Ty::Named(&TOKEN_COUNT),
            default: Default::Derived("required when some arrivals draw it"),
            doc: "context (prompt) tokens of a request",
        },
        Key {
            name: "output_tokens",
            ty: Ty::Named(&TOKEN_COUNT),
            default: Default::Derived("required when some arrivals draw it"),
            doc: "generated tokens of a request",
        },
    ],
    exactly_one: &[],
};

static TOKEN_SHAPES: [Ty; 2] = [Ty::Tokens(Range::NonNegative), Ty::Union(&TOKEN_DIST)];

/// A token count given as a plain number.
pub static TOKEN_NUMBER: &Ty = &TOKEN_SHAPES[0];

pub static TOKEN_COUNT: Named = Named {
    id: "token-count",
    title: "Token counts",
    doc: "A number of tokens ≥ 0 (every request the same), or a token-count distribution.",
    ty: Ty::OneOf(&TOKEN_SHAPES),
};

pub static PHASES: Named = Named {
    id: "random-durations",
    title: "Random durations with phases",
    doc: "A distribution of seconds, or `{\"phases\": [dist, …]}`: one draw from each phase, \
          summed (boot + imports + weight load).",
    ty: Ty::OneOf(&[Ty::Union(&DIST), Ty::Object(&PHASE_LIST)]),
};

pub static PHASE_LIST: Table = Table {
    id: "phases",
    title: "phases",
    doc: "Phases of a random duration, drawn independently and summed.",
    tag: None,
    keys: &[Key {
        name: "phases",
        ty: Ty::List {
            item: &Ty::Union(&DIST),
            min: 1,
            max: None,
        },
        default: Default::Required,
        doc: "the phases, in order",
    }],
    exactly_one: &[],
};
