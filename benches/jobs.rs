//! Criterion bench of long jobs (docs/performance.md): one replica of a year of 1,000
//! one-hour jobs a day, checkpointing every 15 minutes, on 64 spot GPUs reclaimed once per
//! instance-day, and on a hybrid of 40 of them overflowing to a serverless pool.
//! Throughput is in jobs per second.
//!
//! `cargo bench --bench jobs`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use servsim::experiment::run_replica;
use servsim::scenario::Scenario;

fn jobs_on_spot(c: &mut Criterion) {
    let path = format!(
        "{}/benches/scenarios/bench-jobs-spot-year.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let s = Scenario::from_file(path.as_ref()).expect("the bench scenario is valid");
    let mut g = c.benchmark_group("jobs");
    g.sample_size(10);
    for (p, id) in s.platforms.iter().zip([
        "year_1000_a_day_64_spot_gpus",
        "year_1000_a_day_40_spot_gpus_with_serverless_overflow",
    ]) {
        let jobs = run_replica(&s, p, s.seed, 0)
            .outcome
            .recorder
            .counts
            .arrived;
        g.throughput(Throughput::Elements(jobs));
        g.bench_function(id, |b| b.iter(|| run_replica(&s, p, s.seed, 0)));
    }
    g.finish();
}

criterion_group!(benches, jobs_on_spot);
criterion_main!(benches);
