//! The fleet's books: slot reuse, the free sets and their order, busy and idle levels.

use super::*;

const T0: SimTime = SimTime::ZERO;

#[test]
fn a_reused_slot_is_a_new_tenant() {
    let mut f = Fleet::new(Pick::Newest, 1, false);
    let a = f.create(T0, T0, T0, State::Ready);
    let life = f.get(a).life;
    f.stop(a, SimTime(5));
    assert!(!f.is_current(a, life));
    let b = f.create(SimTime(6), SimTime(6), SimTime(9), State::Starting);
    assert_eq!(a, b, "the vacant slot is reused");
    assert!(!f.is_current(b, life), "events of the old tenant are stale");
    assert!(f.is_current(b, f.get(b).life));
    assert_eq!(f.live_count(), 1);
}

#[test]
fn full_containers_leave_the_free_set_and_come_back_when_a_slot_frees() {
    let mut f = Fleet::new(Pick::Newest, 2, false);
    let a = f.create(T0, T0, T0, State::Ready);
    let b = f.create(T0, T0, T0, State::Ready);
    f.offer(a);
    f.offer(b);
    assert_eq!(f.pick(), Some(b), "newest first");
    f.get_mut(b).assigned = 2;
    f.offer(b);
    assert_eq!(f.pick(), Some(a));
    assert_eq!(f.pick(), None, "b is full");
    f.get_mut(b).assigned = 1;
    f.offer(b);
    assert_eq!(f.pick(), Some(b));
}

#[test]
fn a_booting_container_is_picked_only_when_no_ready_one_has_room() {
    let mut f = Fleet::new(Pick::Newest, 1, true);
    let old = f.create(T0, T0, T0, State::Ready);
    let booting = f.create(T0, T0, SimTime(10), State::Starting);
    f.offer(booting);
    f.offer(old);
    assert_eq!(
        f.pick(),
        Some(old),
        "`pick` never takes a booting container"
    );
    assert_eq!(f.pick(), None);
    f.offer(old);
    assert_eq!(f.pick_ready_first(), Some(old), "ready first, though older");
    assert_eq!(f.pick_ready_first(), Some(booting));
    f.offer(booting);
    f.booted(booting, SimTime(10));
    assert_eq!(f.pick(), None, "it leaves the booting set when it boots");
    f.offer(booting);
    assert_eq!(f.pick(), Some(booting));
    let stopped = f.create(T0, T0, SimTime(10), State::Starting);
    f.offer(stopped);
    f.stop(stopped, SimTime(5));
    assert_eq!(
        f.pick_ready_first(),
        None,
        "a stopped container is never picked"
    );
}

#[test]
fn a_booting_container_is_taken_by_the_end_of_its_boot_whatever_the_pick() {
    for pick in [Pick::Newest, Pick::Oldest, Pick::Mru, Pick::Lru] {
        let mut f = Fleet::new(pick, 2, true);
        // Started in this order; boots end at 20, 15, 15 and 30 s.
        let ends = [20, 15, 15, 30];
        let slots: Vec<u32> = ends
            .iter()
            .map(|&end| f.create(T0, T0, SimTime(end), State::Starting))
            .collect();
        for &slot in slots.iter().rev() {
            f.offer(slot);
        }
        let order: Vec<u32> = std::iter::from_fn(|| f.pick_ready_first()).collect();
        let expected = vec![slots[1], slots[2], slots[0], slots[3]];
        assert_eq!(order, expected, "{pick:?}: boot end, then start order");
    }
}

#[test]
fn only_a_finished_input_or_a_boot_end_makes_a_container_recently_freed() {
    let req = Request {
        arrival: T0,
        service: SimDuration(1),
    };
    let mut f = Fleet::new(Pick::Mru, 2, false);
    let a = f.create(T0, T0, T0, State::Ready);
    let b = f.create(T0, T0, T0, State::Ready);
    let c = f.create(T0, T0, SimTime(10), State::Starting);
    f.offer(a);
    f.offer(b);
    // b, created last, freed last; taking an input and keeping room leaves it first.
    assert_eq!(f.pick(), Some(b));
    f.get_mut(b).assigned = 1;
    let place = f.exec_started(b, req, SimTime(1));
    f.offer(b);
    assert_eq!(f.pick(), Some(b), "an assignment does not move it");
    f.offer(b);
    // a finishes an input: it is the most recently freed, then c ends its boot.
    f.get_mut(a).assigned = 1;
    let place_a = f.exec_started(a, req, SimTime(2));
    f.exec_ended(a, place_a, SimTime(3));
    assert_eq!(f.pick(), Some(a));
    f.offer(a);
    f.booted(c, SimTime(10));
    f.offer(c);
    assert_eq!(f.pick(), Some(c));
    f.exec_ended(b, place, SimTime(11));
    f.offer(b);
    let order: Vec<u32> = std::iter::from_fn(|| f.pick()).collect();
    assert_eq!(order, vec![b, a]);
}

#[test]
fn the_free_set_stays_small_under_repeated_reoffers() {
    let mut f = Fleet::new(Pick::Mru, 4, false);
    let a = f.create(T0, T0, T0, State::Ready);
    for _ in 0..10_000 {
        f.offer(a);
    }
    assert!(
        f.free.entries() <= 2 + 64,
        "compacted: {}",
        f.free.entries()
    );
    assert_eq!(f.pick(), Some(a));
    assert_eq!(f.pick(), None);
}

#[test]
fn busy_and_idle_levels_follow_execution() {
    let mut f = Fleet::new(Pick::Newest, 2, false);
    let a = f.create(T0, T0, T0, State::Ready);
    f.get_mut(a).assigned = 2;
    let req = Request {
        arrival: T0,
        service: SimDuration(1),
    };
    let first = f.exec_started(a, req, SimTime(10));
    let second = f.exec_started(a, req, SimTime(12));
    assert_ne!(first, second);
    assert_eq!(f.exec_ended(a, first, SimTime(15)).start, SimTime(10));
    assert_eq!(
        f.exec_started(a, req, SimTime(15)),
        first,
        "a freed place is reused"
    );
    f.exec_ended(a, first, SimTime(16));
    f.exec_ended(a, second, SimTime(20));
    assert_eq!(f.get(a).busy, SimDuration(10), "the union of intervals");
    let (start, boot_end, busy) = f.stop(a, SimTime(40));
    assert_eq!((start, boot_end, busy), (T0, T0, SimDuration(10)));
    assert_eq!(f.means(SimTime(40)), (1.0, 10.0 / 40.0, 30.0 / 40.0));
    // A container booting 40 → 50 s and idle 50 → 60 s.
    let b = f.create(SimTime(40), SimTime(40), SimTime(50), State::Starting);
    f.booted(b, SimTime(50));
    f.stop(b, SimTime(60));
    assert_eq!(f.means(SimTime(80)), (0.75, 10.0 / 80.0, 40.0 / 80.0));
}
