//! Prints, as the CSV `servsim calibrate` reads, what `vllm bench serve` runs with fixed
//! lengths would measure on a simulated engine (`servsim::batching::bench_serve`: the
//! clients start together, each completion sends the next request, 10 × concurrency
//! requests, means over all): catalog GPU × model with the default engine parameters, the
//! runs of the guide's protocol (TTFT at concurrency 1; TPOT with 16-token prompts at
//! concurrency 8, 32 and 128), each mean then multiplied by a seeded uniform factor in
//! [1 − noise, 1 + noise] to mimic run-to-run variation. `docs/calibration-example.csv` is
//! its output for H100 × llama-3.1-8b with 2% noise:
//!
//! `cargo run --release --example simulated_benchmark -- H100 llama-3.1-8b 0.02`

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use servsim::batching::{EngineConfig, EngineParams, bench_serve};

/// (concurrency, context tokens, output tokens, whether its TTFT is kept) of each run.
const RUNS: [(u32, u32, u32, bool); 10] = [
    (1, 256, 32, true),
    (1, 1024, 32, true),
    (1, 4096, 32, true),
    (1, 8000, 32, true),
    (8, 16, 512, false),
    (8, 16, 4096, false),
    (32, 16, 512, false),
    (32, 16, 4096, false),
    (128, 16, 512, false),
    (128, 16, 4096, false),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [gpu, model, noise] = &args[..] else {
        eprintln!("usage: simulated_benchmark GPU MODEL NOISE (e.g. H100 llama-3.1-8b 0.02)");
        std::process::exit(2);
    };
    let noise: f64 = noise.parse().expect("NOISE is a number such as 0.02");
    let params = EngineParams::default();
    let cfg = EngineConfig::from_catalog(gpu, model, 1, &params, 8_192, 256)
        .unwrap_or_else(|e| panic!("{gpu} × {model}: {e}"));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2024);
    let mut jitter = || 1.0 + noise * (2.0 * rng.gen_range(0.0..1.0) - 1.0);
    println!(
        "# Simulated, not measured: servsim's engine for {model} on 1 × {gpu} (roofline, mfu {}, \
         mbu {}, step overhead {} s, max_num_batched_tokens 8192)",
        params.mfu, params.mbu, params.step_overhead_s
    );
    println!(
        "# run as `vllm bench serve --max-concurrency C --num-prompts 10C` with fixed lengths; \
         means jittered by up to ±{}% (seed 2024). TTFT only at concurrency 1.",
        noise * 100.0
    );
    println!("# cargo run --release --example simulated_benchmark -- {gpu} {model} {noise}");
    println!("concurrency,context_tokens,output_tokens,ttft_s,tpot_s");
    for (c, ctx, out, keep_ttft) in RUNS {
        let r = bench_serve(cfg, c, ctx, out, 10 * c)
            .unwrap_or_else(|e| panic!("run ({c}, {ctx}, {out}): {e}"));
        let ttft = format!("{:.6}", r.ttft_s * jitter());
        let ttft = if keep_ttft { ttft.as_str() } else { "" };
        println!("{c},{ctx},{out},{ttft},{:.7}", r.tpot_s * jitter());
    }
}
