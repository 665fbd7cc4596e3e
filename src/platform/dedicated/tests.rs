//! Exact timelines of spot interruptions: interruption times are drawn from the same
//! stream the model uses, so every instant and every billed nanosecond is known.

use super::*;
use crate::billing::{BilledTime, BillingMode};
use crate::engine::Simulation;
use crate::random::Stream;

const S: u64 = 1_000_000_000;

fn secs(s: u64) -> SimDuration {
    SimDuration(s * S)
}

fn spot_fleet(
    max_inputs: u32,
    notice_s: u64,
    fallback: Fallback,
    on_interrupt: OnInterrupt,
) -> DedicatedConfig {
    DedicatedConfig {
        instances: 1,
        gpus_per_instance: 1,
        max_inputs,
        queue_limit: None,
        billing: BillingRule {
            mode: BillingMode::Lifetime,
            granularity: secs(1),
            minimum: SimDuration::ZERO,
        },
        spot: Some(SpotConfig {
            interruptions_per_hour: 1.0,
            notice: secs(notice_s),
            replacement_delay: Dist::constant(600.0),
            model_load: Dist::constant(300.0),
            on_interrupt,
            fallback,
        }),
        engine: None,
    }
}

/// The first two serving times of slot 0 under `seeds`.
fn draws(seeds: Seeds) -> (SimDuration, SimDuration) {
    let mut rng = seeds.rng(Stream::Interruptions, 0);
    (
        next_interruption(&mut rng, 1.0),
        next_interruption(&mut rng, 1.0),
    )
}

/// A replica whose first interruption comes after `min_first` and whose replacement
/// serves at least `min_second` before its own notice.
fn seeds_with(min_first: SimDuration, min_second: SimDuration) -> (Seeds, SimTime, SimDuration) {
    (0..1000)
        .map(|r| Seeds::new(11, r))
        .find_map(|seeds| {
            let (t1, t2) = draws(seeds);
            (t1 > min_first && t2 > min_second).then_some((seeds, SimTime(t1.0), t2))
        })
        .expect("some replica has such draws")
}

fn req(arrival: SimTime, service: SimDuration) -> (SimTime, Request) {
    (arrival, Request { arrival, service })
}

fn sim(cfg: DedicatedConfig, seeds: Seeds) -> Simulation<Dedicated> {
    let mut sim = Simulation::new(Dedicated::new(cfg, seeds, None, Slo::default()));
    sim.init(|m, ctx| m.start(ctx));
    sim
}

#[test]
fn billing_ends_with_the_notice_and_the_replacement_pays_from_provisioning() {
    let (seeds, t1, t2) = seeds_with(secs(10), secs(100));
    let mut cfg = spot_fleet(1, 120, Fallback::Wait, OnInterrupt::Requeue);
    cfg.billing.granularity = secs(3600);
    let mut sim = sim(cfg, seeds);
    let ready = t1 + secs(900);
    let horizon = ready + SimDuration(t2.0 / 2);
    sim.run_until(horizon, std::iter::empty());
    let (outcome, spot) = sim.into_model().finish(horizon);
    let hour = secs(3600);
    let first = (t1 + secs(120) - SimTime::ZERO).round_up_to(hour);
    let second = (horizon - t1).round_up_to(hour);
    assert_eq!(
        outcome.billed.total,
        (first.0 + second.0) as u128,
        "each span rounded on its own"
    );
    assert_eq!(
        outcome.billed.startup, 0,
        "provisioning is idle time on a dedicated bill"
    );
    let spot = spot.expect("a spot fleet reports spot figures");
    assert_eq!(spot.interruptions, 1);
    assert_eq!(spot.capacity_lost_gpu_ns, secs(900).0 as u128);
    assert_eq!(spot.instances_started, 1);
    assert_eq!(spot.fallback_billed, BilledTime::default());
}

#[test]
fn requeued_requests_go_first_in_arrival_order_and_restart_from_scratch() {
    // The replacement must serve long enough to rerun the interrupted work.
    let (seeds, t1) = (0..1000)
        .map(|r| Seeds::new(11, r))
        .find_map(|seeds| {
            let (t1, t2) = draws(seeds);
            (t1 > secs(10) && t2 > t1 + secs(200)).then_some((seeds, SimTime(t1.0)))
        })
        .expect("some replica has such draws");
    let run_s = t1 - SimTime::ZERO + secs(100);
    let inputs = vec![
        req(SimTime::ZERO, run_s),
        req(SimTime(S), run_s),
        req(SimTime(2 * S), secs(5)),
    ];
    let mut sim = sim(
        spot_fleet(2, 0, Fallback::Wait, OnInterrupt::Requeue),
        seeds,
    );
    sim.run_until(t1 + SimDuration(1), inputs);
    let m = &sim.model;
    let order: Vec<SimTime> = m.requeued.iter().map(|r| r.arrival).collect();
    assert_eq!(
        order,
        vec![SimTime::ZERO, SimTime(S)],
        "requeued in arrival order"
    );
    assert_eq!((m.queue.len(), m.in_flight, m.waiting()), (1, 0, 3));
    let ready = t1 + secs(900);
    let end = ready + run_s + secs(5);
    sim.run_until(end, std::iter::empty());
    let (outcome, spot) = sim.into_model().finish(end);
    let c = outcome.recorder.counts;
    assert_eq!((c.completed, c.failed, c.in_flight_at_end), (3, 0, 0));
    // Waits end at the start of the execution that completed: A and B at `ready`, C
    // when the first of them finishes (full demand again).
    let waits = [
        ready - SimTime::ZERO,
        ready - SimTime(S),
        ready + run_s - SimTime(2 * S),
    ];
    let sum: u64 = waits.iter().map(|d| d.0).sum();
    assert_eq!(outcome.recorder.wait.sum_ns, sum as u128);
    // The interrupted work is GPU-busy time, and so is the rerun.
    let busy = (t1 - SimTime::ZERO) + run_s + secs(5);
    assert_eq!(outcome.billed.busy_gpu, busy.0 as u128);
    assert_eq!(spot.map(|s| s.requeued), Some(2));
}

#[test]
fn fail_counts_what_runs_at_the_end_of_the_notice_and_the_notice_lets_work_finish() {
    let (seeds, t1, _) = seeds_with(secs(100), SimDuration::ZERO);
    let long = t1 - SimTime::ZERO + secs(1000);
    let inputs = vec![
        req(SimTime::ZERO, long),
        // Starts before the notice, finishes inside it.
        req(SimTime(t1.0 - 5 * S), secs(20)),
    ];
    let mut sim = sim(spot_fleet(2, 30, Fallback::Wait, OnInterrupt::Fail), seeds);
    let horizon = t1 + secs(40);
    sim.run_until(horizon, inputs);
    let (outcome, _) = sim.into_model().finish(horizon);
    let c = outcome.recorder.counts;
    assert_eq!((c.arrived, c.completed, c.failed), (2, 1, 1));
}

#[test]
fn a_fallback_bridges_the_gap_then_drains_and_stops() {
    let (seeds, t1, _) = seeds_with(secs(10), secs(2000));
    let fallback = Fallback::OnDemand {
        delay: Dist::constant(60.0),
    };
    let inputs = vec![
        // Waits for the fallback, still runs when the replacement serves.
        req(t1 + secs(30), secs(1000)),
        // Arrives after the replacement serves: goes to it, not to the draining fallback.
        req(t1 + secs(950), secs(10)),
    ];
    let mut sim = sim(spot_fleet(1, 0, fallback, OnInterrupt::Requeue), seeds);
    let horizon = t1 + secs(1500);
    sim.run_until(horizon, inputs);
    let (outcome, spot) = sim.into_model().finish(horizon);
    let spot = spot.unwrap();
    assert_eq!(
        spot.fallback_billed.total,
        secs(60 + 1000).0 as u128,
        "notice → drained"
    );
    assert_eq!(spot.fallback_billed.busy_gpu, secs(1000).0 as u128);
    assert_eq!(spot.capacity_lost_gpu_ns, secs(60).0 as u128);
    assert_eq!(spot.instances_started, 2);
    assert_eq!(outcome.recorder.wait.sum_ns, secs(30).0 as u128);
    assert_eq!(outcome.recorder.counts.completed, 2);
}

#[test]
fn a_fallback_slower_than_the_replacement_is_cancelled_while_booting() {
    let (seeds, t1, _) = seeds_with(secs(10), secs(2000));
    let fallback = Fallback::OnDemand {
        delay: Dist::constant(2000.0),
    };
    let mut sim = sim(spot_fleet(1, 0, fallback, OnInterrupt::Requeue), seeds);
    let horizon = t1 + secs(1500);
    sim.run_until(horizon, std::iter::empty());
    let (_, spot) = sim.into_model().finish(horizon);
    let spot = spot.unwrap();
    assert_eq!(spot.fallback_billed.total, secs(900).0 as u128);
    assert_eq!(spot.capacity_lost_gpu_ns, secs(900).0 as u128);
}
