//! Prints, as the CSV `servsim calibrate` reads, what closed-loop benchmark runs (`vllm
//! bench serve --max-concurrency C` with fixed lengths) would measure on a simulated engine:
//! catalog GPU × model with the default engine parameters, each time then multiplied by a
//! seeded uniform factor in [1 − noise, 1 + noise] to mimic run-to-run variation.
//! `docs/calibration-example.csv` is its output for H100 × llama-3.1-8b with 3% noise:
//!
//! `cargo run --release --example simulated_benchmark -- H100 llama-3.1-8b 0.03`

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use servsim::batching::{EngineConfig, EngineParams, closed_loop_benchmark};

/// (concurrency, context tokens, output tokens) of each run.
const RUNS: [(u32, u32, u32); 10] = [
    (1, 128, 128),
    (1, 2048, 256),
    (4, 512, 256),
    (8, 1024, 512),
    (16, 256, 128),
    (16, 4096, 256),
    (32, 1024, 256),
    (64, 512, 512),
    (64, 2048, 128),
    (128, 256, 1024),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [gpu, model, noise] = &args[..] else {
        eprintln!("usage: simulated_benchmark GPU MODEL NOISE (e.g. H100 llama-3.1-8b 0.03)");
        std::process::exit(2);
    };
    let noise: f64 = noise.parse().expect("NOISE is a number such as 0.03");
    let params = EngineParams::default();
    let cfg = EngineConfig::from_catalog(gpu, model, 1, &params, 8_192, 256)
        .unwrap_or_else(|e| panic!("{gpu} × {model}: {e}"));
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2024);
    let mut jitter = || 1.0 + noise * (2.0 * rng.gen_range(0.0..1.0) - 1.0);
    println!(
        "# Simulated, not measured: servsim's engine for {model} on 1 × {gpu} (roofline \
         coefficients, mfu {}, mbu {}, step overhead {} s, max_batched_tokens 8192),",
        params.mfu, params.mbu, params.step_overhead_s
    );
    println!(
        "# run as closed-loop benchmarks (C clients, fixed lengths), each mean then multiplied \
         by a factor in [{}, {}] (seed 2024).",
        1.0 - noise,
        1.0 + noise
    );
    println!("# cargo run --release --example simulated_benchmark -- {gpu} {model} {noise}");
    println!("concurrency,context_tokens,output_tokens,ttft_s,tpot_s");
    for (c, ctx, out) in RUNS {
        let r = closed_loop_benchmark(cfg, c, ctx, out)
            .unwrap_or_else(|e| panic!("run ({c}, {ctx}, {out}): {e}"));
        println!(
            "{c},{ctx},{out},{:.6},{:.7}",
            r.ttft_s * jitter(),
            r.tpot_s * jitter()
        );
    }
}
