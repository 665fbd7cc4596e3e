//! The glue between slots and engines: ids that survive place reuse, wake-ups that go
//! stale when replaced, deadlines in start order.

use super::*;
use crate::batching::StepTime;

/// 1 ms a step plus 1 µs a prefill token; decode and KV free.
fn engines() -> Engines {
    let st = StepTime {
        base: 1_000_000_000,
        per_prefill_token: 1_000_000,
        per_decode_seq: 0,
        per_kv_token: 0,
    };
    Engines::new(EngineSpec {
        config: EngineConfig::new(st, 10_000, 64, 4).unwrap(),
        tensor_parallel: 1,
    })
}

const MS: u64 = 1_000_000;

#[test]
fn a_wake_up_comes_at_the_end_of_the_step_that_changes_the_batch() {
    let mut e = engines();
    e.enqueue(0, 0, (10, 3), SimTime::ZERO);
    // Prefill step: 1 ms + 10 µs emits the first token; then two 1 ms decode steps.
    let (at, generation) = e.reschedule(0).unwrap();
    assert_eq!(at, SimTime(MS + 10_000));
    assert_eq!(
        e.reschedule(0),
        None,
        "unchanged: the pending wake-up stands"
    );
    assert_eq!(e.wake(0, generation, at).unwrap(), vec![]);
    let (at, generation) = e.reschedule(0).unwrap();
    assert_eq!(at, SimTime(3 * MS + 10_000));
    let done = e.wake(0, generation, at).unwrap();
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].first_token, SimTime(MS + 10_000));
    assert_eq!(e.place_of(0, &done[0]), Some(0));
    assert_eq!(e.reschedule(0), None, "idle: nothing to wake for");
}

#[test]
fn a_replaced_wake_up_is_stale() {
    let mut e = engines();
    e.enqueue(0, 0, (10, 50), SimTime::ZERO);
    let (_, first) = e.reschedule(0).unwrap();
    // An arrival during the decode run moves the next change earlier.
    e.wake(0, first, SimTime(MS + 10_000)).unwrap();
    let (late, g1) = e.reschedule(0).unwrap();
    e.enqueue(0, 1, (10, 1), SimTime(2 * MS));
    let (early, g2) = e.reschedule(0).unwrap();
    assert!(early < late, "{early} < {late}");
    assert_eq!(e.wake(0, g1, early), None, "stale generation");
    assert!(e.wake(0, g2, early).is_some());
}

#[test]
fn an_aborted_request_leaves_its_place_to_a_new_one_with_another_id() {
    let mut e = engines();
    let a = e.enqueue(0, 0, (10, 1_000), SimTime::ZERO);
    assert_eq!(e.add_deadline(0, a, SimTime(5 * MS)), Some(SimTime(5 * MS)));
    let (_, g) = e.reschedule(0).unwrap();
    e.wake(0, g, SimTime(MS + 10_000));
    let (places, next) = e.expire(0, SimTime(5 * MS));
    assert_eq!((places, next), (vec![0], None));
    let b = e.enqueue(0, 0, (10, 1), SimTime(5 * MS));
    assert_ne!(a, b);
    let mut done = Vec::new();
    while let Some((at, g)) = e.reschedule(0) {
        done.extend(e.wake(0, g, at).unwrap());
    }
    // The aborted request left at the boundary; only the new one completes.
    assert_eq!(done.len(), 1);
    assert_eq!(done[0].id, b);
    assert_eq!(e.place_of(0, &done[0]), Some(0));
    assert_eq!(e.in_engine(0), 0);
}

#[test]
fn deadlines_fire_in_start_order_and_skip_finished_requests() {
    let mut e = engines();
    let a = e.enqueue(0, 0, (10, 1), SimTime::ZERO);
    let b = e.enqueue(0, 1, (10, 100), SimTime::ZERO);
    assert!(e.add_deadline(0, a, SimTime(10 * MS)).is_some());
    assert_eq!(
        e.add_deadline(0, b, SimTime(10 * MS)),
        None,
        "one timer at a time"
    );
    let (at, g) = e.reschedule(0).unwrap();
    let done = e.wake(0, g, at).unwrap();
    assert_eq!(done.len(), 1, "a finishes in the first step");
    e.release(0, 0);
    let (places, next) = e.expire(0, SimTime(10 * MS));
    assert_eq!((places, next), (vec![1], None));
}

#[test]
fn totals_add_every_engine_that_ran() {
    let mut e = engines();
    e.enqueue(0, 0, (10, 1), SimTime::ZERO);
    e.enqueue(3, 0, (10, 1), SimTime::ZERO);
    for slot in [0, 3] {
        let (at, g) = e.reschedule(slot).unwrap();
        e.wake(slot, g, at).unwrap();
    }
    e.reset(3);
    let t = e.finish();
    assert_eq!(t.steps, 2);
    assert_eq!(t.busy_ps, 2 * 1_010_000_000);
    assert_eq!(t.batch_size_mean(), 1.0);
    assert!((t.kv_utilization_mean() - 10.0 / 10_000.0).abs() < 1e-12);
}
