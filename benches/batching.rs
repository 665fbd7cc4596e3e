//! Criterion benches of continuous batching (docs/performance.md#continuous-batching), each
//! reporting requests simulated per second:
//!
//! - `azure_conv_day/*`, side by side in one run: a day of the Azure LLM conversation trace
//!   on two H100s, a full servsim replica with the fixed-time `llm` service and one with the
//!   `tokens` service (a continuous-batching engine per GPU), and the same arrivals and token
//!   counts on the two engines alone, without the platform (`common/azure_tokens.rs`);
//! - `synthetic_day_one_h100`: one Llama-3.1-8B-FP8 engine on an H100 fed a simulated day
//!   of a synthetic stream shaped like that trace (Poisson 5.53 req/s, lognormal context
//!   mean 1155 and output mean 211, cv 1), the engine alone without trace parsing.
//!
//! `cargo bench --bench batching`; `benches/batching_side_by_side.rs` interleaves the
//! first two and prints their ratio round by round.

#[path = "common/azure_tokens.rs"]
mod azure_tokens;

use azure_tokens::{azure_scenario, engines_two_h100, two_h100};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp, LogNormal};
use rand_xoshiro::Xoshiro256PlusPlus;
use servsim::batching::{BatchEngine, EngineConfig, EngineParams, Request};
use servsim::time::{NANOS_PER_DAY, NANOS_PER_S, SimTime};

const RATE_PER_S: f64 = 5.53;

/// A day of arrivals: (time, request), in time order.
fn conversation_day() -> Vec<(SimTime, Request)> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2023);
    let gap = Exp::new(RATE_PER_S).unwrap();
    // cv 1 lognormals: σ² = ln 2, μ = ln(mean) − σ²/2.
    let s2 = 2f64.ln();
    let ctx = LogNormal::new(1155f64.ln() - s2 / 2.0, s2.sqrt()).unwrap();
    let out = LogNormal::new(211f64.ln() - s2 / 2.0, s2.sqrt()).unwrap();
    let (mut t, mut v, mut id) = (0f64, Vec::new(), 0u64);
    loop {
        t += gap.sample(&mut rng);
        let ns = (t * NANOS_PER_S as f64) as u64;
        if ns >= NANOS_PER_DAY {
            return v;
        }
        let r = Request {
            id,
            context_tokens: (ctx.sample(&mut rng).round() as u32).clamp(1, 16_000),
            output_tokens: (out.sample(&mut rng).round() as u32).clamp(1, 4_000),
        };
        v.push((SimTime(ns), r));
        id += 1;
    }
}

/// Drives one engine as a platform would; returns completions.
fn simulate(cfg: EngineConfig, arrivals: &[(SimTime, Request)]) -> usize {
    let mut e = BatchEngine::new(cfg);
    let mut done = 0;
    for &(t, r) in arrivals {
        while let Some(w) = e.next_event().filter(|&w| w < t) {
            done += e.advance(w).len();
        }
        done += e.advance(t).len();
        e.enqueue(r, t).expect("requests fit the engine");
    }
    done + e.drain().len()
}

fn azure_conv_day(c: &mut Criterion) {
    let (llm, tokens) = (
        azure_scenario("azure-llm-trace", 1),
        azure_scenario("azure-llm-trace-tokens", 1),
    );
    let requests = two_h100(&llm).recorder.counts.arrived;
    assert_eq!(two_h100(&tokens).recorder.counts.arrived, requests);
    assert_eq!(engines_two_h100(&tokens).arrived, requests);
    let mut g = c.benchmark_group("azure_conv_day");
    g.sample_size(10);
    g.throughput(Throughput::Elements(requests));
    g.bench_function("llm_two_h100", |b| b.iter(|| two_h100(&llm)));
    g.bench_function("tokens_two_h100", |b| b.iter(|| two_h100(&tokens)));
    g.bench_function("engines_two_h100", |b| {
        b.iter(|| engines_two_h100(&tokens).completed)
    });
    g.finish();
}

fn synthetic(c: &mut Criterion) {
    let arrivals = conversation_day();
    let cfg = EngineConfig::from_catalog(
        "H100",
        "llama-3.1-8b-fp8",
        1,
        &EngineParams::default(),
        8_192,
        256,
    )
    .unwrap();
    let mut g = c.benchmark_group("batching");
    g.sample_size(10);
    g.throughput(Throughput::Elements(arrivals.len() as u64));
    g.bench_function("synthetic_day_one_h100", |b| {
        b.iter_batched(
            || arrivals.clone(),
            |a| assert_eq!(simulate(cfg, &a), a.len()),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, azure_conv_day, synthetic);
criterion_main!(benches);
