//! Criterion benches of the simulator (docs/performance.md): the event queue, one replica of each
//! platform type, a cold-start storm beside a pool of a handful of containers, and a
//! small sweep. Each reports throughput in requests (events, for the queue) per second.
//!
//! `cargo bench --bench engine`; `cargo bench --bench baseline` puts servsim beside a
//! bare M/M/c loop.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use servsim::engine::EventQueue;
use servsim::experiment::{RunOptions, run_replica};
use servsim::scenario::Scenario;
use servsim::sweep::{Param, ParamPath, Study, parse_values};
use servsim::time::SimTime;

/// The bench scenario `benches/scenarios/{name}.json`.
fn scenario(name: &str) -> Scenario {
    let path = format!(
        "{}/benches/scenarios/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Scenario::from_file(path.as_ref()).expect("the bench scenarios are valid")
}

/// Requests of one replica of platform `p`: the throughput unit.
fn requests(s: &Scenario, p: usize) -> u64 {
    run_replica(s, &s.platforms[p], s.seed, 0)
        .outcome
        .recorder
        .counts
        .arrived
}

fn event_queue(c: &mut Criterion) {
    const N: u64 = 100_000;
    let mut g = c.benchmark_group("event_queue");
    g.throughput(Throughput::Elements(N));
    // Hold model: `pending` events queued; pop the earliest, push one a little later.
    for pending in [8u64, 64, 8_192] {
        g.bench_function(format!("push_pop_100k_hold_{pending}"), |b| {
            b.iter_batched(
                || {
                    let mut q = EventQueue::<[u32; 4]>::with_capacity(pending as usize + 1);
                    for i in 0..pending {
                        q.push(SimTime(i * 7_919 % 1_000), [i as u32; 4]);
                    }
                    q
                },
                |mut q| {
                    for i in 0..N {
                        let (t, e) = q.pop().expect("events pending");
                        q.push(SimTime(t.0 + 1 + (i * 7_919) % 1_000), e);
                    }
                    q
                },
                BatchSize::LargeInput,
            )
        });
    }
    g.finish();
}

/// One replica of each platform type on the same day of Poisson 36 req/s.
fn replicas(c: &mut Criterion) {
    let s = scenario("bench-platforms");
    let mut g = c.benchmark_group("replica");
    g.sample_size(10);
    for (i, p) in s.platforms.iter().enumerate() {
        g.throughput(Throughput::Elements(requests(&s, i)));
        g.bench_function(format!("{}/{}", p.model.type_name(), p.name), |b| {
            b.iter(|| run_replica(&s, p, s.seed, 0))
        });
    }
    g.finish();
}

/// 1M requests through tens of thousands of containers, and the same arrivals through a
/// handful: with the same 0.5 s of service on 8 containers of 1,000 inputs (only the pool
/// differs), and with 0.5 ms of service on 8 single-input containers.
fn pool_size(c: &mut Criterion) {
    let mut g = c.benchmark_group("pool_size");
    g.sample_size(10);
    for file in [
        "cold-start-storm-1m",
        "concurrent-handful-1m",
        "warm-handful-1m",
    ] {
        let s = scenario(file);
        g.throughput(Throughput::Elements(requests(&s, 0)));
        g.bench_function(file, |b| {
            b.iter(|| run_replica(&s, &s.platforms[0], s.seed, 0))
        });
    }
    g.finish();
}

/// Three scaledown windows × 2 seeds of two hours of `bench-serverless`, summarised.
fn sweep(c: &mut Criterion) {
    let path = format!(
        "{}/benches/scenarios/bench-serverless.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let mut base: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).expect("readable")).expect("json");
    base["horizon"] = "2h".into();
    let param = Param {
        path: ParamPath::parse("platforms.0.scaledown_window_s").expect("valid path"),
        values: parse_values("10,60,300").expect("valid values"),
    };
    let study = Study::new(base, &path, vec![param]).expect("valid sweep");
    let opts = RunOptions {
        seeds: 2,
        seed: 1,
        threads: None,
    };
    let run = || {
        let mut arrived = 0u64;
        study
            .run(opts, None, &|| {}, |i, results| {
                arrived += results
                    .iter()
                    .map(|(_, r)| r.outcome.recorder.counts.arrived)
                    .sum::<u64>();
                std::hint::black_box(study.point_report(i, results, Default::default()));
            })
            .expect("sweep runs");
        arrived
    };
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    g.throughput(Throughput::Elements(run()));
    g.bench_function("bench-serverless-2h/3-windows-x-2-seeds", |b| b.iter(run));
    g.finish();
}

criterion_group!(benches, event_queue, replicas, pool_size, sweep);
criterion_main!(benches);
