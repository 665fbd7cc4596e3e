//! The baseline servsim is measured against (docs/performance.md): a bare binary-heap M/M/c loop —
//! Poisson arrivals, exponential service, c servers, one FIFO queue, no metrics — on the
//! traffic of each reference scenario, and the full servsim replica of that scenario,
//! side by side in one run: M/M/4 at 36 req/s of 0.1 s (ρ = 0.9) for `bench-dedicated`,
//! and 50 req/s of 0.1 s on 64 servers (no queueing, as in a warm serverless pool) for
//! `bench-serverless`. `benches/side_by_side.rs` prints the ratios.

mod common;

use common::{bare_mmc, scenario};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use servsim::experiment::run_replica;

fn side_by_side(c: &mut Criterion) {
    let dedicated = scenario("bench-dedicated");
    let serverless = scenario("bench-serverless");
    let day_ns = 86_400 * 1_000_000_000u64;
    let mut g = c.benchmark_group("per_request");
    g.sample_size(10);
    for (name, rate, servers) in [("M-M-4-rho0.9", 36.0, 4), ("M-M-64-50rps", 50.0, 64)] {
        let (n, _) = bare_mmc(rate, 0.1, servers, day_ns, 1);
        g.throughput(Throughput::Elements(n));
        g.bench_function(format!("bare_mmc_baseline/{name}"), |b| {
            b.iter(|| bare_mmc(rate, 0.1, servers, day_ns, 1))
        });
    }
    for s in [&dedicated, &serverless] {
        let p = &s.platforms[0];
        let requests = run_replica(s, p, 1, 0).outcome.recorder.counts.arrived;
        g.throughput(Throughput::Elements(requests));
        g.bench_function(format!("servsim/{}", s.name), |b| {
            b.iter(|| run_replica(s, p, 1, 0))
        });
    }
    g.finish();
}

criterion_group!(benches, side_by_side);
criterion_main!(benches);
