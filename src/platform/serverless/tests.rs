//! Timelines driven event by event, with a preemption injected at a chosen instant.

use super::*;
use crate::billing::BillingMode;
use crate::engine::Simulation;
use crate::workload::Dist;

const S: u64 = 1_000_000_000;

fn config(dispatch: Dispatch) -> ServerlessConfig {
    let constant = |s: f64| Phases::single(Dist::constant(s));
    ServerlessConfig {
        schedule_delay: constant(0.0),
        cold_start: constant(10.0),
        min_containers: 0,
        max_containers: u32::MAX,
        buffer_containers: 0,
        scaledown_window: SimDuration::from_secs(60),
        max_inputs: 1,
        target_inputs: 1,
        dispatch,
        pick: Pick::Newest,
        queue_limit: None,
        execution_timeout: SimDuration::from_secs(300),
        // No natural preemption within the test.
        preemptions_per_hour: 1e-12,
        billing: BillingRule {
            mode: BillingMode::Lifetime,
            granularity: SimDuration(1),
            minimum: SimDuration::ZERO,
        },
        engine: None,
    }
}

fn request(at_s: u64, service_s: u64) -> (SimTime, Request) {
    let arrival = SimTime(at_s * S);
    let service = SimDuration(service_s * S);
    (arrival, Request { arrival, service })
}

/// One 5 s request at t = 0 on a 10 s cold start, giving up after `timeout_s` waiting;
/// its container is preempted at `at_s`.
fn preempted_at(dispatch: Dispatch, at_s: u64, timeout_s: Option<u64>) -> PlatformOutcome {
    let timeout = timeout_s.map(SimDuration::from_secs);
    let mut sim = Simulation::new(Serverless::new(
        config(dispatch),
        Seeds::new(1, 0),
        timeout,
        Slo::default(),
    ));
    sim.init(|m, ctx| m.start(ctx));
    sim.run_until(SimTime(at_s * S), [request(0, 5)]);
    sim.init(|m, ctx| {
        let slot = m.fleet.live_slots().next().expect("one container");
        let life = m.fleet.get(slot).life;
        m.on_preempted(ctx, slot, life);
    });
    sim.run_until(SimTime(1000 * S), std::iter::empty());
    sim.into_model().finish(SimTime(1000 * S))
}

#[test]
fn a_preempted_input_restarts_from_scratch_on_a_new_container() {
    for dispatch in [Dispatch::Queue, Dispatch::PerRequest] {
        // 2 s into the execution.
        let out = preempted_at(dispatch, 12, None);
        let r = &out.recorder;
        assert_eq!((r.preemptions, r.restarts), (1, 1), "{dispatch:?}");
        // The first execution's end (15 s) is ignored though the slot is reused; the
        // replacement boots 12 → 22 s and runs the full 5 s again.
        assert_eq!(r.counts.completed, 1, "{dispatch:?}");
        assert_eq!(r.latency.mean_s(), Some(27.0), "{dispatch:?}");
        assert_eq!(r.wait.mean_s(), Some(22.0), "{dispatch:?}");
        assert_eq!(r.cold_start_wait.mean_s(), Some(10.0), "{dispatch:?}");
        // Billed: 0 → 12 s (boot 10, busy 2), then 12 → 27 + 60 s (boot 10, busy 5).
        assert_eq!(out.billed.total, 87 * S as u128, "{dispatch:?}");
        assert_eq!(out.billed.startup, 20 * S as u128, "{dispatch:?}");
        assert_eq!(out.billed.busy_gpu, 7 * S as u128, "{dispatch:?}");
        assert_eq!(out.containers.started, 2, "{dispatch:?}");
        assert_eq!(out.containers.max, 1, "{dispatch:?}");
    }
}

#[test]
fn a_preemption_during_the_boot_restarts_only_what_was_assigned_to_the_container() {
    // Under `queue` the request still waits in the function queue; under `per_request`
    // it waited on the container and moves to its own new one. Neither had started, so
    // nothing counts as a restart.
    for dispatch in [Dispatch::Queue, Dispatch::PerRequest] {
        let out = preempted_at(dispatch, 5, None);
        let r = &out.recorder;
        assert_eq!((r.preemptions, r.restarts), (1, 0), "{dispatch:?}");
        assert_eq!(r.latency.mean_s(), Some(20.0), "{dispatch:?}");
        // 0 → 5 s of an unfinished boot, then 5 → 20 + 60 s.
        assert_eq!(out.billed.total, 80 * S as u128, "{dispatch:?}");
        assert_eq!(out.billed.startup, 15 * S as u128, "{dispatch:?}");
    }
}

#[test]
fn a_request_waiting_for_a_preempted_boot_keeps_its_deadline() {
    // Preempted at 5 s, the replacement boots 5 → 15 s. Under `queue` the request waits in
    // the function queue; under `per_request` on the container, then on the replacement.
    // Either way it has not started, so it gives up at arrival + timeout_s if that comes
    // no later than the boot end (docs/semantics.md#timeouts).
    for dispatch in [Dispatch::Queue, Dispatch::PerRequest] {
        for timeout_s in [14, 15] {
            let out = preempted_at(dispatch, 5, Some(timeout_s));
            let (r, at) = (&out.recorder, format!("{dispatch:?}, {timeout_s} s"));
            assert_eq!((r.preemptions, r.restarts), (1, 0), "{at}");
            assert_eq!((r.counts.completed, r.counts.timed_out), (0, 1), "{at}");
            assert_eq!(r.counts.in_flight_at_end, 0, "{at}");
            // 0 → 5 s of an unfinished boot, then the replacement's boot and 60 s idle.
            assert_eq!(out.billed.total, 75 * S as u128, "{at}");
            assert_eq!(out.billed.busy_gpu, 0, "{at}");
        }
        let out = preempted_at(dispatch, 5, Some(16));
        let r = &out.recorder;
        assert_eq!(
            (r.counts.completed, r.counts.timed_out),
            (1, 0),
            "{dispatch:?}"
        );
        assert_eq!(r.latency.mean_s(), Some(20.0), "{dispatch:?}");
    }
}

#[test]
fn a_replacement_gives_its_spare_slots_to_the_function_queue_before_a_new_arrival() {
    // per_request, one container at most, two inputs each, 10 s boots, 1 s requests. A
    // (t = 0) starts C1, B (t = 1) joins it, Q (t = 2) finds it full and queues. C1 is
    // preempted at 3 s, the instant A's deadline passes: A gives up and B alone moves to
    // the replacement C2 (boot 3 → 13 s). C2's spare slot goes to Q, first in line
    // (docs/semantics.md#dispatch-and-pick), not to R (t = 4), which waits for the first slot that frees (14 s).
    let mut cfg = config(Dispatch::PerRequest);
    (cfg.max_inputs, cfg.target_inputs, cfg.max_containers) = (2, 2, 1);
    let mut sim = Simulation::new(Serverless::new(cfg, Seeds::new(1, 0), None, Slo::default()));
    sim.init(|m, ctx| m.start(ctx));
    sim.run_until(
        SimTime(3 * S),
        [request(0, 1), request(1, 1), request(2, 1)],
    );
    sim.init(|m, ctx| {
        let slot = m.fleet.live_slots().next().expect("one container");
        let c = m.fleet.get_mut(slot);
        let waiting = c.waiting.as_mut().expect("A and B wait for the boot");
        waiting[0].1 = Some(SimTime(3 * S));
        let life = c.life;
        m.on_preempted(ctx, slot, life);
    });
    sim.run_until(SimTime(1000 * S), [request(4, 1)]);
    let out = sim.into_model().finish(SimTime(1000 * S));
    let r = &out.recorder;
    assert_eq!((r.preemptions, r.restarts), (1, 0));
    assert_eq!((r.counts.completed, r.counts.timed_out), (3, 1));
    // Waits: B 12 s and Q 11 s (both start at 13 s), R 10 s (starts at 14 s). Had R
    // taken the spare slot, it would have waited 9 s and Q 12 s.
    assert_eq!(r.wait.mean_s(), Some(11.0));
    let shortest = r.wait.quantile_s(0.0).expect("three waits");
    assert!((shortest - 10.0).abs() < 0.01, "{shortest}");
}

/// per_request, two inputs a container, 10 s boots: A (t = 0, 1 s) starts C1, B (t = 1,
/// 100 s) joins C1 while it boots, X (t = 5, 100 s) starts C2, which boots until 15 s and
/// has a free slot. A ends at 11 s, so at D's arrival (t = 12, 1 s) the older C1 is ready
/// with a free slot while the newer C2 still boots.
fn ready_or_booting_slot(pick: Pick) -> PlatformOutcome {
    let arrivals = [
        request(0, 1),
        request(1, 100),
        request(5, 100),
        request(12, 1),
    ];
    per_request_run((2, 2, pick), arrivals, 1000)
}

/// per_request with (`max_inputs`, `target_inputs`, `pick`), `arrivals` until `end_s`.
fn per_request_run(
    (max_inputs, target_inputs, pick): (u32, u32, Pick),
    arrivals: [(SimTime, Request); 4],
    end_s: u64,
) -> PlatformOutcome {
    let mut cfg = config(Dispatch::PerRequest);
    (cfg.max_inputs, cfg.target_inputs, cfg.pick) = (max_inputs, target_inputs, pick);
    let mut sim = Simulation::new(Serverless::new(cfg, Seeds::new(1, 0), None, Slo::default()));
    sim.init(|m, ctx| m.start(ctx));
    sim.run_until(SimTime(end_s * S), arrivals);
    sim.into_model().finish(SimTime(end_s * S))
}

#[test]
fn per_request_takes_a_free_ready_slot_before_a_booting_one_under_every_pick() {
    // Ranked with the booting container, `newest` (C2 is newer) and `lru` (C2 was freed
    // at 5 s, C1 at 11 s) would make D wait for C2's boot: 3 s.
    for pick in [Pick::Newest, Pick::Oldest, Pick::Mru, Pick::Lru] {
        let out = ready_or_booting_slot(pick);
        let r = &out.recorder;
        assert_eq!(r.counts.completed, 4, "{pick:?}");
        // Waits: A 10 s, B 9 s, X 10 s, D 0 s; latencies 11, 109, 110 and 1 s.
        assert_eq!(r.wait.mean_s(), Some(29.0 / 4.0), "{pick:?}");
        assert_eq!(r.latency.mean_s(), Some(231.0 / 4.0), "{pick:?}");
        assert_eq!(
            r.cold_start_wait.count(),
            3,
            "D waited for no boot: {pick:?}"
        );
        assert_eq!(r.cold_start_arrivals, 2, "A and X: {pick:?}");
        assert_eq!(out.containers.started, 2, "{pick:?}");
    }
}

#[test]
fn per_request_takes_the_booting_slot_that_ends_its_boot_first_under_every_pick() {
    // Two inputs a container, provisioned for one: A (t = 0) starts C1 (boots until 10 s),
    // B (t = 1) joins it and the autoscaler starts C2 (until 11 s), C (t = 2) joins C2 and
    // the autoscaler starts C3 (until 12 s). D (t = 3) finds no ready container and a free
    // slot on C2 and two on C3: it joins C2, ready first, and waits 8 s whatever the
    // pick (ranked by pick, `newest` and `mru` would put it on C3: 9 s).
    let arrivals = [request(0, 1), request(1, 1), request(2, 1), request(3, 1)];
    for pick in [Pick::Newest, Pick::Mru, Pick::Oldest, Pick::Lru] {
        let out = per_request_run((2, 1, pick), arrivals, 100);
        let r = &out.recorder;
        assert_eq!(r.counts.completed, 4, "{pick:?}");
        assert_eq!(
            r.wait.mean_s(),
            Some((10.0 + 9.0 + 9.0 + 8.0) / 4.0),
            "{pick:?}"
        );
        assert_eq!(out.containers.started, 4, "{pick:?}");
        // C1 0 → 71 s, C2 1 → 72 s (C and D 11 → 12 s), C3 and C4 boot 10 s and idle 60 s.
        assert_eq!(
            out.billed.total,
            (71 + 71 + 70 + 70) * S as u128,
            "{pick:?}"
        );
    }
}

#[test]
fn per_request_breaks_a_tie_of_boot_ends_for_the_container_started_first() {
    // As above, all four at t = 0: C2 and C3 start together and end their boots together
    // at 10 s; D joins C2, started first, so that C2 runs C and D side by side and C3 runs
    // nothing (busy time 1 s on C1, 1 s on C2).
    let arrivals = [request(0, 1), request(0, 1), request(0, 1), request(0, 1)];
    for pick in [Pick::Newest, Pick::Mru, Pick::Oldest, Pick::Lru] {
        let out = per_request_run((2, 1, pick), arrivals, 100);
        assert_eq!(out.recorder.wait.mean_s(), Some(10.0), "{pick:?}");
        assert_eq!(out.billed.busy_gpu, 2 * S as u128, "{pick:?}");
        // C1 and C2 0 → 71 s, C3 and C4 0 → 70 s.
        assert_eq!(
            out.billed.total,
            (71 + 71 + 70 + 70) * S as u128,
            "{pick:?}"
        );
    }
}

/// `queue`, `pick`, `max_inputs` 2, a warm pool of two and `arrivals` until `end_s`.
fn warm_pair_run(pick: Pick, arrivals: Vec<(SimTime, Request)>, end_s: u64) -> PlatformOutcome {
    let mut cfg = config(Dispatch::Queue);
    (
        cfg.max_inputs,
        cfg.target_inputs,
        cfg.pick,
        cfg.min_containers,
    ) = (2, 2, pick, 2);
    let mut sim = Simulation::new(Serverless::new(cfg, Seeds::new(1, 0), None, Slo::default()));
    sim.init(|m, ctx| m.start(ctx));
    sim.run_until(SimTime(end_s * S), arrivals);
    sim.into_model().finish(SimTime(end_s * S))
}

#[test]
fn an_assignment_that_leaves_room_does_not_make_a_container_recently_freed() {
    // Two warm containers of two inputs, W0 and W1, both ready at t = 0 (W0 created first,
    // so freed first). 10 s requests at 0 and 1 s, then at 100 and 101 s. `lru` puts both
    // of the first pair on W0 (it stays the least recently freed after taking one), and
    // W0 frees at 10 and 11 s, so both of the second pair go to W1, which has not served.
    // Each pair runs side by side on one container: busy 11 s, twice. (Had the first
    // assignment counted as freeing, `lru` would alternate W0, W1: busy 40 s.) `mru`
    // starts on W1, the most recently freed, and stays there.
    let arrivals = vec![
        request(0, 10),
        request(1, 10),
        request(100, 10),
        request(101, 10),
    ];
    for pick in [Pick::Lru, Pick::Mru, Pick::Newest, Pick::Oldest] {
        let out = warm_pair_run(pick, arrivals.clone(), 1000);
        assert_eq!(out.billed.busy_gpu, 22 * S as u128, "{pick:?}");
        assert_eq!(out.recorder.wait.mean_s(), Some(0.0), "{pick:?}");
        assert_eq!(out.containers.started, 0, "the warm pool is not counted");
    }
}

#[test]
fn events_stay_small_because_the_heap_is_mostly_finished_executions() {
    assert!(std::mem::size_of::<ServerlessEvent>() <= 16);
}
