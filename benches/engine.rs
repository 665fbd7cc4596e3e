//! Criterion benches of the simulator core; each reports throughput in requests (or
//! events) per second.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use servsim::engine::EventQueue;
use servsim::experiment::run_replica;
use servsim::scenario::Scenario;
use servsim::time::SimTime;

fn event_queue(c: &mut Criterion) {
    const N: u64 = 100_000;
    let mut g = c.benchmark_group("event_queue");
    g.throughput(Throughput::Elements(N));
    g.bench_function("push_pop_100k_hold_64", |b| {
        b.iter_batched(
            || EventQueue::<u64>::with_capacity(128),
            |mut q| {
                // Hold model: 64 pending events, pop the earliest and push a later one.
                for i in 0..64 {
                    q.push(SimTime(i * 7919 % 1000), i);
                }
                for i in 0..N {
                    let (t, e) = q.pop().expect("64 pending");
                    q.push(SimTime(t.0 + 1 + (i * 7919) % 1000), e);
                }
                q
            },
            BatchSize::SmallInput,
        )
    });
    g.finish();
}

fn replicas(c: &mut Criterion) {
    let scenario = Scenario::default_scenario();
    let mut g = c.benchmark_group("replica");
    g.sample_size(10);
    for p in &scenario.platforms {
        let requests = run_replica(&scenario, p, 1, 0)
            .outcome
            .recorder
            .counts
            .arrived;
        g.throughput(Throughput::Elements(requests));
        g.bench_function(format!("continuous-inference/{}", p.name), |b| {
            b.iter(|| run_replica(&scenario, p, 1, 0))
        });
    }
    g.finish();
}

criterion_group!(benches, event_queue, replicas);
criterion_main!(benches);
