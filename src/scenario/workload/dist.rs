//! The distribution grammar (SPEC §2.3) shared by every random duration, the `service`
//! of a workload (which may also be the `llm` token model) and token counts.

use serde_json::Value;

use super::super::reader::{Errors, Obj, Range, array, duration, number, tag};
use crate::workload::{Dist, LlmModel, Phases, Service};

/// The keys of a distribution over seconds or over token counts (unit-free); the JSON
/// schema describes distributions with the same names.
pub struct Keys {
    pub seconds: bool,
    pub value: &'static str,
    pub mean: &'static str,
    pub min: &'static str,
    pub max: &'static str,
    pub samples: &'static str,
}

pub const SECONDS: Keys = Keys {
    seconds: true,
    value: "value_s",
    mean: "mean_s",
    min: "min_s",
    max: "max_s",
    samples: "samples_s",
};

pub const TOKENS: Keys = Keys {
    seconds: false,
    value: "value",
    mean: "mean",
    min: "min",
    max: "max",
    samples: "samples",
};

/// Service times may also be `llm`; every other distribution takes the first six.
const SERVICE_KINDS: [&str; 7] = [
    "constant",
    "exponential",
    "lognormal",
    "gamma",
    "uniform",
    "empirical",
    "llm",
];
const KINDS: &[&str] = SERVICE_KINDS.split_at(6).0;

impl Keys {
    /// Seconds accept durations with units ("90s"); token counts plain numbers.
    fn amount(&self, range: Range) -> impl Fn(&Value, &str, &mut Errors) -> Option<f64> + use<> {
        let seconds = self.seconds;
        move |v, p, e| {
            if seconds {
                duration(range)(v, p, e)
            } else {
                number(range)(v, p, e)
            }
        }
    }
}

/// A distribution of seconds: `{"dist": "constant" | "exponential" | …, …}`.
pub fn dist(v: &Value, path: &str, errs: &mut Errors) -> Option<Dist> {
    let mut o = Obj::new(v, path, errs)?;
    let kind = tag(&mut o, "dist", KINDS, errs)?;
    let parsed = body(&mut o, kind, &SECONDS, errs);
    o.finish(errs);
    parsed
}

/// A workload's `service`: a distribution of seconds, or the `llm` token model.
pub fn service(v: &Value, path: &str, errs: &mut Errors) -> Option<Service> {
    let mut o = Obj::new(v, path, errs)?;
    let kind = tag(&mut o, "dist", &SERVICE_KINDS, errs)?;
    let parsed = match kind {
        "llm" => llm(&mut o, errs).map(Service::Llm),
        _ => body(&mut o, kind, &SECONDS, errs).map(Service::Dist),
    };
    o.finish(errs);
    parsed
}

/// A token count: a number ≥ 0, or a distribution with unit-free keys.
fn tokens(v: &Value, path: &str, errs: &mut Errors) -> Option<Dist> {
    if v.is_number() {
        return number(Range::NonNegative)(v, path, errs).map(Dist::constant);
    }
    let mut o = Obj::new(v, path, errs)?;
    let kind = tag(&mut o, "dist", KINDS, errs)?;
    let parsed = body(&mut o, kind, &TOKENS, errs);
    o.finish(errs);
    parsed
}

fn body(o: &mut Obj, kind: &str, k: &Keys, errs: &mut Errors) -> Option<Dist> {
    match kind {
        "constant" => o
            .req(k.value, errs, k.amount(Range::NonNegative))
            .map(Dist::constant),
        "exponential" => o
            .req(k.mean, errs, k.amount(Range::Positive))
            .map(Dist::exponential),
        "lognormal" => lognormal(o, k, errs),
        "gamma" => {
            let mean = o.req(k.mean, errs, k.amount(Range::Positive));
            let cv = o.req("cv", errs, number(Range::Between(0.0, 100.0)));
            Some(Dist::gamma_mean_cv(mean?, cv?))
        }
        "uniform" => uniform(o, k, errs),
        _ => o
            .req(k.samples, errs, |v, p, e| {
                array(v, p, e, k.amount(Range::NonNegative))
            })
            .map(|s| Dist::empirical(&s)),
    }
}

fn lognormal(o: &mut Obj, k: &Keys, errs: &mut Errors) -> Option<Dist> {
    if o.has("mu") || o.has("sigma") {
        let mu = o.req("mu", errs, number(Range::Between(-50.0, 50.0)));
        let sigma = o.req("sigma", errs, number(Range::Between(0.0, 10.0)));
        return Some(Dist::lognormal_mu_sigma(mu?, sigma?));
    }
    let mean = o.req(k.mean, errs, k.amount(Range::Positive));
    let cv = o.req("cv", errs, number(Range::Between(0.0, 100.0)));
    Some(Dist::lognormal_mean_cv(mean?, cv?))
}

fn uniform(o: &mut Obj, k: &Keys, errs: &mut Errors) -> Option<Dist> {
    let min = o.req(k.min, errs, k.amount(Range::NonNegative));
    let max = o.req(k.max, errs, k.amount(Range::NonNegative));
    let (min, max) = (min?, max?);
    if max < min {
        errs.push(
            &o.at(k.max),
            format!("expected {} ≥ {} ({min}), found {max}", k.max, k.min),
        );
        return None;
    }
    Some(Dist::uniform(min, max))
}

fn llm(o: &mut Obj, errs: &mut Errors) -> Option<LlmModel> {
    let ttft_s = o.req("ttft_s", errs, duration(Range::NonNegative));
    let per_output_token_s = o.req("per_output_token_s", errs, duration(Range::NonNegative));
    let prefill = o.or(
        "prefill_per_1k_tokens_s",
        0.0,
        errs,
        duration(Range::NonNegative),
    );
    let context_tokens = o.opt("context_tokens", errs, tokens);
    let output_tokens = o.opt("output_tokens", errs, tokens);
    Some(LlmModel {
        ttft_s: ttft_s?,
        per_output_token_s: per_output_token_s?,
        prefill_per_1k_tokens_s: prefill,
        context_tokens: context_tokens?,
        output_tokens: output_tokens?,
    })
}

/// A distribution, or `{"phases": [dist, …]}` whose draws are summed.
pub fn phases(v: &Value, path: &str, errs: &mut Errors) -> Option<Phases> {
    if v.get("phases").is_none() {
        return dist(v, path, errs).map(Phases::single);
    }
    let mut o = Obj::new(v, path, errs)?;
    let list = o.req("phases", errs, |v, p, e| array(v, p, e, dist));
    o.finish(errs);
    list.map(Phases)
}
