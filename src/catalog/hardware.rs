//! GPUs (spec-sheet compute, bandwidth and memory) and models (the shapes that decide weight
//! and KV-cache bytes), as the catalogs hold them.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::Sourced;

/// A catalog GPU: dense BF16/FP16 tensor TFLOPS, HBM bandwidth and memory.
#[derive(Clone, Debug, Deserialize)]
pub struct Gpu {
    pub name: String,
    pub full_name: String,
    pub form_factor: Sourced<String>,
    pub tflops: Sourced<f64>,
    pub hbm_tb_s: Sourced<f64>,
    pub memory_gib: Sourced<f64>,
}

/// A catalog model at its base precision, with the variants it also comes in.
#[derive(Clone, Debug, Deserialize)]
pub struct Model {
    pub id: String,
    pub hf_repo: String,
    pub config_url: String,
    pub params_b: Sourced<f64>,
    pub layers: Sourced<u32>,
    pub kv_heads: Sourced<u32>,
    pub head_dim: Sourced<u32>,
    pub bytes_per_param: Sourced<f64>,
    pub kv_bytes: Sourced<f64>,
    pub max_position_embeddings: Sourced<u64>,
    #[serde(default)]
    pub variants: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// The numbers a step-time model needs of a model, at one precision.
#[derive(Clone, Debug, PartialEq)]
pub struct ModelSpec {
    /// The name it was asked by (`llama-3.1-8b-fp8`).
    pub name: String,
    pub params_b: f64,
    pub bytes_per_param: f64,
    pub layers: u32,
    pub kv_heads: u32,
    pub head_dim: u32,
    pub kv_bytes: f64,
}

/// How a variant (`fp8`) changes a base model: a name suffix and its precision.
#[derive(Clone, Debug, Deserialize)]
pub(super) struct VariantRules(BTreeMap<String, Variant>);

#[derive(Clone, Debug, Deserialize)]
struct Variant {
    id_suffix: String,
    bytes_per_param: f64,
    kv_bytes: f64,
}

impl VariantRules {
    /// The name of `base` in variant `variant` (`llama-3.1-8b` + `fp8` → `llama-3.1-8b-fp8`).
    pub(super) fn name(&self, base: &str, variant: &str) -> String {
        match self.0.get(variant) {
            Some(v) => format!("{base}{}", v.id_suffix),
            None => panic!("invariant: catalog variant {variant} of {base} has a rule"),
        }
    }
}

impl Model {
    /// This model's spec when `name` is its id or one of its variants' names.
    pub(super) fn spec(&self, name: &str, rules: &VariantRules) -> Option<ModelSpec> {
        let base = ModelSpec {
            name: name.to_string(),
            params_b: self.params_b.value,
            bytes_per_param: self.bytes_per_param.value,
            layers: self.layers.value,
            kv_heads: self.kv_heads.value,
            head_dim: self.head_dim.value,
            kv_bytes: self.kv_bytes.value,
        };
        if name == self.id {
            return Some(base);
        }
        let variant = self
            .variants
            .iter()
            .find(|v| rules.name(&self.id, v) == name)?;
        let rule = &rules.0[variant.as_str()];
        Some(ModelSpec {
            bytes_per_param: rule.bytes_per_param,
            kv_bytes: rule.kv_bytes,
            ..base
        })
    }
}
