//! The distribution grammar (docs/scenarios.md) shared by every random duration, the `service`
//! of a workload (which may also be the `llm` token model) and token counts.

use serde_json::Value;

use super::super::keys::{DIST, PHASE_LIST, SERVICE, TOKEN_DIST, TOKEN_NUMBER};
use super::super::reader::{Errors, Obj, array, scalar};
use super::tokens;
use crate::workload::{Dist, LlmModel, Phases, Service};

/// The key names of a family of distributions (`keys::dist`): seconds or token counts.
struct Names {
    value: &'static str,
    mean: &'static str,
    min: &'static str,
    max: &'static str,
    samples: &'static str,
}

const SECONDS: Names = Names {
    value: "value_s",
    mean: "mean_s",
    min: "min_s",
    max: "max_s",
    samples: "samples_s",
};

const TOKENS: Names = Names {
    value: "value",
    mean: "mean",
    min: "min",
    max: "max",
    samples: "samples",
};

/// A distribution of seconds: `{"dist": "constant" | "exponential" | …, …}`.
pub fn dist(v: &Value, path: &str, errs: &mut Errors) -> Option<Dist> {
    let mut o = Obj::tagged(v, path, &DIST, errs)?;
    let kind = o.variant(errs)?;
    let parsed = body(&mut o, kind, &SECONDS, errs);
    o.finish(errs);
    parsed
}

/// A workload's `service`: a distribution of seconds, or the `llm` token model.
pub fn service(v: &Value, path: &str, errs: &mut Errors) -> Option<Service> {
    let mut o = Obj::tagged(v, path, &SERVICE, errs)?;
    let parsed = match o.variant(errs)? {
        "llm" => llm(&mut o, errs).map(Service::Llm),
        "tokens" => tokens::tokens_service(&mut o, errs).map(Service::Tokens),
        kind => body(&mut o, kind, &SECONDS, errs).map(Service::Dist),
    };
    o.finish(errs);
    parsed
}

/// A token count: a number ≥ 0, or a distribution with unit-free keys.
pub(super) fn token_count(v: &Value, path: &str, errs: &mut Errors) -> Option<Dist> {
    if v.is_number() {
        return scalar(v, TOKEN_NUMBER, path, errs).map(Dist::constant);
    }
    let mut o = Obj::tagged(v, path, &TOKEN_DIST, errs)?;
    let kind = o.variant(errs)?;
    let parsed = body(&mut o, kind, &TOKENS, errs);
    o.finish(errs);
    parsed
}

/// The keys of the variant `kind` (a table id of either family).
fn body(o: &mut Obj, kind: &str, k: &Names, errs: &mut Errors) -> Option<Dist> {
    match kind.trim_end_matches("-tokens") {
        "constant" => o.req(k.value, errs).map(Dist::constant),
        "exponential" => o.req(k.mean, errs).map(Dist::exponential),
        "lognormal" => {
            let mean: Option<f64> = o.req(k.mean, errs);
            let cv: Option<f64> = o.req("cv", errs);
            Some(Dist::lognormal_mean_cv(mean?, cv?))
        }
        "lognormal-mu-sigma" => {
            let mu: Option<f64> = o.req("mu", errs);
            let sigma: Option<f64> = o.req("sigma", errs);
            Some(Dist::lognormal_mu_sigma(mu?, sigma?))
        }
        "gamma" => {
            let mean: Option<f64> = o.req(k.mean, errs);
            let cv: Option<f64> = o.req("cv", errs);
            Some(Dist::gamma_mean_cv(mean?, cv?))
        }
        "uniform" => uniform(o, k, errs),
        "empirical" => o
            .req_list::<f64>(k.samples, errs)
            .map(|s| Dist::empirical(&s)),
        other => unreachable!("distribution {other:?} has no reader"),
    }
}

fn uniform(o: &mut Obj, k: &Names, errs: &mut Errors) -> Option<Dist> {
    let min: Option<f64> = o.req(k.min, errs);
    let max: Option<f64> = o.req(k.max, errs);
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
    let ttft_s: Option<f64> = o.req("ttft_s", errs);
    let per_output_token_s: Option<f64> = o.req("per_output_token_s", errs);
    let prefill: f64 = o.or("prefill_per_1k_tokens_s", errs);
    let context_tokens = o.opt_with("context_tokens", errs, token_count);
    let output_tokens = o.opt_with("output_tokens", errs, token_count);
    o.misplaced(
        "model",
        "expected no model in dist \"llm\", whose times are given: model belongs to dist \"tokens\", whose times the platforms' batching engines derive",
        errs,
    );
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
    let mut o = Obj::new(v, path, &PHASE_LIST, errs)?;
    let list = o.req_with("phases", errs, |v, p, e| array(v, p, e, dist));
    o.finish(errs);
    list.map(Phases)
}
