//! The baseline servsim is measured against (SPEC §8): a bare binary-heap M/M/c loop —
//! Poisson arrivals, exponential service, c servers, one FIFO queue, no metrics — and the
//! full servsim replica on the equivalent scenarios, side by side in one run.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_xoshiro::Xoshiro256PlusPlus;
use servsim::experiment::run_replica;
use servsim::scenario::Scenario;

/// Simulates M/M/c until `horizon_ns`; returns the number of arrivals (and a checksum so
/// the work cannot be optimised away).
pub fn bare_mmc(
    rate_per_s: f64,
    mean_service_s: f64,
    servers: u32,
    horizon_ns: u64,
    seed: u64,
) -> (u64, u64) {
    let mut arrivals = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut services = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x5555);
    let inter = Exp::new(rate_per_s).unwrap();
    let service = Exp::new(1.0 / mean_service_s).unwrap();
    // Completion times only; arrivals are generated one at a time.
    let mut heap: BinaryHeap<Reverse<u64>> = BinaryHeap::with_capacity(servers as usize);
    let mut queue: VecDeque<u64> = VecDeque::new();
    let mut free = servers;
    let mut t_arrival = 0.0f64;
    let mut next_arrival = 0u64;
    let (mut n, mut checksum) = (0u64, 0u64);
    loop {
        t_arrival += inter.sample(&mut arrivals);
        let prev = next_arrival;
        next_arrival = (t_arrival * 1e9).round() as u64;
        debug_assert!(next_arrival >= prev);
        // Completions at or before the next arrival come first.
        while let Some(&Reverse(done)) = heap.peek() {
            if done > next_arrival {
                break;
            }
            heap.pop();
            match queue.pop_front() {
                Some(arrived) => {
                    checksum = checksum.wrapping_add(done - arrived);
                    heap.push(Reverse(
                        done + (service.sample(&mut services) * 1e9).round() as u64,
                    ));
                }
                None => free += 1,
            }
        }
        if next_arrival >= horizon_ns {
            return (n, checksum);
        }
        n += 1;
        if free > 0 {
            free -= 1;
            heap.push(Reverse(
                next_arrival + (service.sample(&mut services) * 1e9).round() as u64,
            ));
        } else {
            queue.push_back(next_arrival);
        }
    }
}

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
