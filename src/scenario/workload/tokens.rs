//! Reading a `tokens` service (docs/semantics.md#continuous-batching): the model it names
//! (a catalog name, with close names suggested, or its shape) and its token counts.

use std::ops::ControlFlow;

use serde_json::Value;

use super::super::engine::by_name;
use super::super::keys::MODEL_SHAPE;
use super::super::reader::{Errors, Obj};
use super::dist::token_count;
use crate::batching::ModelSpec;
use crate::workload::{Dist, TokensService};

/// Keys of dist "llm" that a tokens service does not take: its times come from engines.
const LLM_ONLY: [&str; 3] = ["ttft_s", "per_output_token_s", "prefill_per_1k_tokens_s"];

/// The keys of `{"dist": "tokens", …}` (the tag already read).
pub fn tokens_service(o: &mut Obj, errs: &mut Errors) -> Option<TokensService> {
    let model = o.req_with("model", errs, model);
    let context = o.opt_with("context_tokens", errs, token_count);
    let output = o.opt_with("output_tokens", errs, token_count);
    for key in LLM_ONLY {
        let message = format!(
            "expected no {key} in dist \"tokens\": the platforms' batching engines derive every \
             time from the model and the GPU (give engine.step_time to set them), and {key} \
             belongs to dist \"llm\""
        );
        o.misplaced(key, &message, errs);
    }
    let (context, output) = (context?, output?);
    for (key, d) in [("context_tokens", &context), ("output_tokens", &output)] {
        if let Some(d) = d
            && let Some(max) = rounds_to_zero(d)
        {
            let found = match d {
                Dist::Constant { value } => format!("{value}"),
                _ => format!("a distribution whose every draw is at most {max}"),
            };
            errs.push(
                &o.at(key),
                format!("expected token counts that round to at least 1, found {found}"),
            );
            return None;
        }
    }
    Some(TokensService {
        model: model?,
        context_tokens: context,
        output_tokens: output,
    })
}

/// The largest value `d` can draw, when every draw rounds to 0 tokens. Distributions with
/// unbounded support (exponential, gamma, lognormal) reach 1 and are kept: their draws
/// below one half become 1.
fn rounds_to_zero(d: &Dist) -> Option<f64> {
    let max = match d {
        Dist::Constant { value } => *value,
        Dist::Uniform { max, .. } => *max,
        Dist::Empirical { samples, .. } => samples.iter().copied().fold(0.0, f64::max),
        _ => return None,
    };
    (max.round() < 1.0).then_some(max)
}

/// `model`: a catalog name or `{params_b, bytes_per_param, layers, kv_heads, head_dim,
/// kv_bytes}`.
fn model(v: &Value, path: &str, errs: &mut Errors) -> Option<ModelSpec> {
    let names = crate::catalog::model_names();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let kind = ("model", "shape");
    if let ControlFlow::Break(found) = by_name(v, path, errs, kind, &names, ModelSpec::from_catalog)
    {
        return found;
    }
    let mut o = Obj::new(v, path, &MODEL_SHAPE, errs)?;
    let params_b: Option<f64> = o.req("params_b", errs);
    let bytes_per_param: Option<f64> = o.req("bytes_per_param", errs);
    let layers: Option<u64> = o.req("layers", errs);
    let kv_heads: Option<u64> = o.req("kv_heads", errs);
    let head_dim: Option<u64> = o.req("head_dim", errs);
    let kv_bytes: Option<f64> = o.req("kv_bytes", errs);
    o.finish(errs);
    let params_b = params_b?;
    Some(ModelSpec {
        name: format!("of {params_b}B parameters"),
        params_b,
        bytes_per_param: bytes_per_param?,
        layers: layers? as u32,
        kv_heads: kv_heads? as u32,
        head_dim: head_dim? as u32,
        kv_bytes: kv_bytes?,
    })
}

/// Whether a scenario document's service is `tokens`, read from the raw JSON so that the
/// platforms are checked for their engine keys even when the workload has errors.
pub fn is_tokens_service(doc: &Value) -> bool {
    doc.pointer("/workload/service/dist")
        .is_some_and(|d| d == "tokens")
}
