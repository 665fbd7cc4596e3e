//! `servsim catalog`: every GPU and model of the built-in catalogs in each format.

use serde_json::Value;

use crate::support::servsim;

const GPUS: [&str; 9] = [
    "T4",
    "L4",
    "A10G",
    "L40S",
    "A100-40GB",
    "A100-80GB",
    "H100",
    "H200",
    "B200",
];
const MODELS: [&str; 7] = [
    "llama-3.1-8b",
    "llama-3.1-70b",
    "mistral-7b",
    "qwen2.5-7b",
    "qwen2.5-32b",
    "qwen2.5-72b",
    "gemma-2-27b",
];

fn stdout_of(args: &[&str]) -> String {
    let out = servsim().arg("catalog").args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The cells of the table row whose first cell is `name`.
fn row<'a>(text: &'a str, name: &str) -> Vec<&'a str> {
    text.lines()
        .map(|l| {
            l.trim_matches(|c| c == '│' || c == '|')
                .split(['┆', '|'])
                .map(str::trim)
                .collect::<Vec<_>>()
        })
        .find(|cells| cells[0] == name)
        .unwrap_or_else(|| panic!("no row {name}"))
}

#[test]
fn the_json_lists_every_gpu_and_model_with_fp8_variants_and_sources() {
    let v: Value = serde_json::from_str(&stdout_of(&["--format", "json"])).unwrap();
    let gpus: Vec<&str> = v["gpus"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(gpus, GPUS);
    let h100 = &v["gpus"][6];
    assert_eq!(
        (
            h100["tflops"].as_f64(),
            h100["hbm_tb_s"].as_f64(),
            h100["memory_gib"].as_f64()
        ),
        (Some(989.4), Some(3.35), Some(80.0))
    );
    let models = v["models"].as_array().unwrap();
    assert_eq!(models.len(), 14);
    for base in MODELS {
        let find = |n: &str| {
            models
                .iter()
                .find(|m| m["name"] == n)
                .unwrap_or_else(|| panic!("{n}"))
        };
        let (b, fp8) = (find(base), find(&format!("{base}-fp8")));
        assert_eq!(
            (b["bytes_per_param"].as_f64(), b["kv_bytes"].as_f64()),
            (Some(2.0), Some(2.0))
        );
        assert_eq!(
            (fp8["bytes_per_param"].as_f64(), fp8["kv_bytes"].as_f64()),
            (Some(1.0), Some(1.0))
        );
        assert_eq!(fp8["variant_of"], base);
        assert_eq!(b["variant_of"], Value::Null);
        assert_eq!(fp8["layers"], b["layers"]);
    }
    // 2 × 32 layers × 8 KV heads × 128 × 2 bytes.
    assert_eq!(models[0]["kv_bytes_per_token"].as_f64(), Some(131_072.0));
    for entry in v["gpus"].as_array().unwrap().iter().chain(models) {
        let sources = entry["sources"].as_array().unwrap();
        assert!(sources.len() >= 3, "{entry}");
        for s in sources {
            assert!(s["source"].as_str().unwrap().starts_with("https://"), "{s}");
            assert_eq!(s["as_of"].as_str().unwrap().len(), 10, "{s}");
        }
    }
}

#[test]
fn the_table_shows_each_figure_beside_its_source() {
    let text = stdout_of(&[]);
    assert_eq!(
        row(&text, "H100"),
        [
            "H100",
            "989.4",
            "3.35",
            "80",
            "https://www.nvidia.com/en-us/data-center/h100/"
        ]
    );
    let fp8 = row(&text, "llama-3.1-8b-fp8");
    assert_eq!(&fp8[1..8], ["8.03", "32", "8", "128", "1", "1", "65536"]);
    assert!(
        fp8[8].contains("config.json") && fp8[8].contains("variant rule"),
        "{fp8:?}"
    );
    for name in GPUS.iter().copied().chain(MODELS) {
        row(&text, name);
        if !GPUS.contains(&name) {
            row(&text, &format!("{name}-fp8"));
        }
    }
}

#[test]
fn markdown_tables_have_a_heading_and_as_many_cells_in_every_row() {
    let text = stdout_of(&["--format", "markdown"]);
    assert!(text.starts_with("## GPUs"), "{text}");
    assert!(text.contains("\n## Models"));
    let mut widths: Vec<usize> = Vec::new();
    for block in text.split("\n\n").filter(|b| b.starts_with('|')) {
        let counts: Vec<usize> = block.lines().map(|l| l.matches('|').count()).collect();
        assert!(counts.iter().all(|&c| c == counts[0]), "{block}");
        widths.push(counts[0]);
        assert!(block.lines().nth(1).unwrap().starts_with("|-"), "{block}");
    }
    assert_eq!(widths, [6, 10], "5 GPU columns and 9 model columns");
    assert_eq!(row(&text, "B200")[..4], ["B200", "2250", "8", "180"]);
}

#[test]
fn naming_one_list_shows_only_that_list() {
    let gpus: Value = serde_json::from_str(&stdout_of(&["gpus", "--format", "json"])).unwrap();
    assert!(gpus.get("models").is_none() && gpus["gpus"].is_array());
    let models = stdout_of(&["models"]);
    assert!(models.contains("qwen2.5-72b-fp8") && !models.contains("H100"));
    let out = servsim()
        .args(["catalog", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
