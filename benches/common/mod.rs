//! What the benches share: the bench scenarios (`benches/scenarios/`), and the bare
//! binary-heap M/M/c loop servsim is measured against (docs/performance.md): Poisson
//! arrivals, exponential service, c servers, one FIFO queue, no metrics.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use rand::SeedableRng;
use rand_distr::{Distribution, Exp};
use rand_xoshiro::Xoshiro256PlusPlus;
use servsim::Scenario;

/// The bench scenario `benches/scenarios/{name}.json`.
pub fn scenario(name: &str) -> Scenario {
    let path = format!(
        "{}/benches/scenarios/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    Scenario::from_file(path.as_ref()).expect("the bench scenarios are valid")
}

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
