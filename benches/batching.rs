//! Criterion bench of the continuous-batching engine (docs/semantics.md#continuous-batching):
//! one Llama-3.1-8B-FP8 engine on an H100 fed a simulated day of a synthetic stream shaped
//! like the Azure LLM conversation trace (Poisson 5.53 req/s, lognormal context mean 1155,
//! geometric-ish output mean 211). Reports requests simulated per second.
//!
//! `cargo bench --bench batching`

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

fn batching(c: &mut Criterion) {
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
    g.bench_function("azure_conv_day_one_h100", |b| {
        b.iter_batched(
            || arrivals.clone(),
            |a| assert_eq!(simulate(cfg, &a), a.len()),
            BatchSize::LargeInput,
        )
    });
    g.finish();
}

criterion_group!(benches, batching);
criterion_main!(benches);
