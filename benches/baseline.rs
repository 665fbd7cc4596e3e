//! The baseline servsim is measured against (SPEC §8): a bare binary-heap M/M/c loop —
//! Poisson arrivals, exponential service, c servers, one FIFO queue, no metrics — and the
//! full servsim replica on the equivalent scenarios, side by side in one run.

#[path = "common/bare_mmc.rs"]
mod bare_mmc;

use bare_mmc::bare_mmc;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use servsim::experiment::run_replica;
use servsim::scenario::Scenario;

fn side_by_side(c: &mut Criterion) {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/");
    let dedicated = Scenario::from_file(format!("{dir}bench-dedicated.json").as_ref()).unwrap();
    let serverless = Scenario::from_file(format!("{dir}bench-serverless.json").as_ref()).unwrap();
    let day_ns = 86_400 * 1_000_000_000u64;
    let mut g = c.benchmark_group("per_request");
    g.sample_size(10);
    let (n, _) = bare_mmc(36.0, 0.1, 4, day_ns, 1);
    g.throughput(Throughput::Elements(n));
    g.bench_function("bare_mmc_baseline/M-M-4-rho0.9", |b| {
        b.iter(|| bare_mmc(36.0, 0.1, 4, day_ns, 1))
    });
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
