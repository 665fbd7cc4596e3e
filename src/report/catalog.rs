//! The output of `servsim catalog`: every built-in GPU and model with its figures and where
//! they come from, as a terminal table, Markdown or JSON.
//!
//! Knows nothing of where the catalogs are stored: it renders what `catalog` answers.

use comfy_table::presets::{ASCII_MARKDOWN, UTF8_FULL_CONDENSED};
use comfy_table::{CellAlignment, Table, TableStyle};
use serde::Serialize;

use crate::catalog::{self, Gpu, Model, ModelSpec, Sourced};

/// Which lists to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CatalogSelection {
    pub gpus: bool,
    pub models: bool,
}

/// How `servsim catalog` prints.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CatalogFormat {
    Table,
    Json,
    Markdown,
}

/// The selected catalogs in `format`, ending with a newline.
pub fn render_catalog(which: CatalogSelection, format: CatalogFormat) -> String {
    match format {
        CatalogFormat::Json => {
            let doc = CatalogJson {
                gpus: which
                    .gpus
                    .then(|| catalog::gpus().iter().map(gpu_json).collect()),
                models: which.models.then(|| {
                    catalog::model_variants()
                        .iter()
                        .map(|(spec, base)| model_json(spec, base))
                        .collect()
                }),
            };
            let mut s = serde_json::to_string_pretty(&doc).expect("catalogs serialize");
            s.push('\n');
            s
        }
        CatalogFormat::Markdown => text(which, ASCII_MARKDOWN, "## "),
        CatalogFormat::Table => text(which, UTF8_FULL_CONDENSED, ""),
    }
}

fn text(which: CatalogSelection, style: TableStyle, heading: &str) -> String {
    let mut parts = Vec::new();
    if which.gpus {
        parts.push(format!(
            "{heading}GPUs (per GPU; tensor_parallel N multiplies all three)\n\n{}\n",
            gpu_table(style)
        ));
    }
    if which.models {
        parts.push(format!(
            "{heading}Models (-fp8: FP8 weights and KV cache, derived by rule)\n\n{}\n",
            model_table(style)
        ));
    }
    parts.join("\n")
}

fn table(style: TableStyle, header: &[&str]) -> Table {
    let mut t = Table::new();
    t.load_style(style).force_no_tty();
    t.set_header(header.to_vec());
    t
}

fn gpu_table(style: TableStyle) -> Table {
    let mut t = table(
        style,
        &[
            "GPU",
            "dense BF16/FP16 TFLOPS",
            "HBM TB/s",
            "memory GiB",
            "source",
        ],
    );
    for g in catalog::gpus() {
        t.add_row(vec![
            g.name.clone(),
            number(g.tflops.value),
            number(g.hbm_tb_s.value),
            number(g.memory_gib.value),
            sources(&[&g.tflops.source, &g.hbm_tb_s.source, &g.memory_gib.source]),
        ]);
    }
    align_numbers(&mut t, 1..4);
    t
}

fn model_table(style: TableStyle) -> Table {
    let mut t = table(
        style,
        &[
            "model",
            "params (B)",
            "layers",
            "KV heads",
            "head dim",
            "bytes/param",
            "KV bytes",
            "KV bytes/token",
            "source",
        ],
    );
    for (spec, base) in catalog::model_variants() {
        let mut source = model_sources(base);
        if spec.name != base.id {
            source += " (precision: variant rule in catalog/models.json)";
        }
        t.add_row(vec![
            spec.name.clone(),
            number(spec.params_b),
            spec.layers.to_string(),
            spec.kv_heads.to_string(),
            spec.head_dim.to_string(),
            number(spec.bytes_per_param),
            number(spec.kv_bytes),
            number(kv_bytes_per_token(&spec)),
            source,
        ]);
    }
    align_numbers(&mut t, 1..8);
    t
}

fn model_sources(m: &Model) -> String {
    sources(&[
        &m.params_b.source,
        &m.layers.source,
        &m.kv_heads.source,
        &m.head_dim.source,
        &m.bytes_per_param.source,
        &m.kv_bytes.source,
    ])
}

/// The distinct sources, in order.
fn sources(all: &[&String]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for s in all {
        if !seen.contains(&s.as_str()) {
            seen.push(s);
        }
    }
    seen.join(" ; ")
}

fn align_numbers(t: &mut Table, columns: std::ops::Range<usize>) {
    for (i, column) in t.column_iter_mut().enumerate() {
        if columns.contains(&i) {
            column.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// A catalog figure as written (`989.4`, `80`, `0.32`): Rust's shortest round-trip form.
fn number(x: f64) -> String {
    x.to_string()
}

/// KV bytes one token adds: 2 (K and V) × layers × KV heads × head dim × bytes per element.
fn kv_bytes_per_token(m: &ModelSpec) -> f64 {
    2.0 * m.layers as f64 * m.kv_heads as f64 * m.head_dim as f64 * m.kv_bytes
}

#[derive(Serialize)]
struct CatalogJson {
    #[serde(skip_serializing_if = "Option::is_none")]
    gpus: Option<Vec<GpuJson>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    models: Option<Vec<ModelJson>>,
}

#[derive(Serialize)]
struct GpuJson {
    name: String,
    full_name: String,
    form_factor: String,
    tflops: f64,
    hbm_tb_s: f64,
    memory_gib: f64,
    /// Where each figure comes from.
    sources: Vec<SourceJson>,
}

#[derive(Serialize)]
struct ModelJson {
    name: String,
    /// The catalog entry a variant is derived from; `null` for an entry itself.
    variant_of: Option<String>,
    hf_repo: String,
    params_b: f64,
    layers: u32,
    kv_heads: u32,
    head_dim: u32,
    bytes_per_param: f64,
    kv_bytes: f64,
    kv_bytes_per_token: f64,
    /// Where each figure comes from (a variant's precision comes from its rule instead).
    sources: Vec<SourceJson>,
}

#[derive(Serialize)]
struct SourceJson {
    field: &'static str,
    source: String,
    as_of: String,
    note: Option<String>,
}

fn source<T>(field: &'static str, s: &Sourced<T>) -> SourceJson {
    SourceJson {
        field,
        source: s.source.clone(),
        as_of: s.as_of.clone(),
        note: s.note.clone(),
    }
}

fn gpu_json(g: &Gpu) -> GpuJson {
    GpuJson {
        name: g.name.clone(),
        full_name: g.full_name.clone(),
        form_factor: g.form_factor.value.clone(),
        tflops: g.tflops.value,
        hbm_tb_s: g.hbm_tb_s.value,
        memory_gib: g.memory_gib.value,
        sources: vec![
            source("tflops", &g.tflops),
            source("hbm_tb_s", &g.hbm_tb_s),
            source("memory_gib", &g.memory_gib),
        ],
    }
}

fn model_json(spec: &ModelSpec, base: &Model) -> ModelJson {
    let variant = spec.name != base.id;
    let mut sources = vec![
        source("params_b", &base.params_b),
        source("layers", &base.layers),
        source("kv_heads", &base.kv_heads),
        source("head_dim", &base.head_dim),
    ];
    if !variant {
        sources.push(source("bytes_per_param", &base.bytes_per_param));
        sources.push(source("kv_bytes", &base.kv_bytes));
    }
    ModelJson {
        name: spec.name.clone(),
        variant_of: variant.then(|| base.id.clone()),
        hf_repo: base.hf_repo.clone(),
        params_b: spec.params_b,
        layers: spec.layers,
        kv_heads: spec.kv_heads,
        head_dim: spec.head_dim,
        bytes_per_param: spec.bytes_per_param,
        kv_bytes: spec.kv_bytes,
        kv_bytes_per_token: kv_bytes_per_token(spec),
        sources,
    }
}
