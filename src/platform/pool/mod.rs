//! Which free container serves next: the `pick` policies in O(1) or a few word operations,
//! however many containers are live, and (per_request) which booting one.
//!
//! `newest`/`oldest` rank by start order: a bitset over start ranks (`ranks`). `mru`/`lru`
//! rank by the last time the container freed — an input finished, or its boot ended
//! before it served — never by when it took an input (`recency`). Booting containers are
//! ranked by the end of their boot, whatever the pick (`booting`).

mod booting;
mod ranks;
mod recency;

pub use booting::BootingSlots;
use ranks::RankSet;
use recency::Recency;

/// Which free container serves (docs/semantics.md#serverless-autoscaler `pick`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// Latest started.
    Newest,
    /// Earliest started.
    Oldest,
    /// Most recently freed (an input finished, or the boot ended before it served).
    Mru,
    /// Least recently freed.
    Lru,
}

#[derive(Debug)]
enum Order {
    /// `newest` (true) or `oldest`.
    Start(RankSet, bool),
    /// `mru` (true) or `lru`.
    Freed(Recency, bool),
}

/// Containers with a free slot, ordered by the pick policy.
#[derive(Debug)]
pub struct FreeSlots {
    order: Order,
    /// Whether the order is by last freeing: a plain flag, so that telling a start-order
    /// set of a finished input costs a load and a branch on the completion path.
    by_freeing: bool,
}

impl FreeSlots {
    pub fn new(pick: Pick) -> Self {
        let order = match pick {
            Pick::Newest => Order::Start(RankSet::default(), true),
            Pick::Oldest => Order::Start(RankSet::default(), false),
            Pick::Mru => Order::Freed(Recency::default(), true),
            Pick::Lru => Order::Freed(Recency::default(), false),
        };
        let by_freeing = matches!(order, Order::Freed(..));
        FreeSlots { order, by_freeing }
    }

    /// `slot` holds a new container, started after every other live one; not free yet.
    /// For the recency policies it freed now (a warm container is ready at creation; a
    /// booting one frees again when its boot ends).
    pub fn register(&mut self, slot: u32) {
        match &mut self.order {
            Order::Start(r, _) => r.register(slot),
            Order::Freed(r, _) => r.register(slot),
        }
    }

    /// The container in `slot` stopped.
    pub fn release(&mut self, slot: u32) {
        match &mut self.order {
            Order::Start(r, _) => r.release(slot),
            Order::Freed(r, _) => r.remove(slot),
        }
    }

    /// One of `slot`'s inputs finished, or its boot ended: for the recency policies it is
    /// now the most recently freed, whether it is in the set or joins it later.
    #[inline(always)]
    pub fn freed(&mut self, slot: u32) {
        if self.by_freeing
            && let Order::Freed(r, _) = &mut self.order
        {
            r.freed(slot);
        }
    }

    /// `slot` has a free slot (again): a member from now, ranked by its start or by its
    /// last freeing; taking an input and still having room does not move it.
    #[inline(always)]
    pub fn offer(&mut self, slot: u32) {
        match &mut self.order {
            Order::Start(r, _) => r.insert(slot),
            Order::Freed(r, _) => r.insert(slot),
        }
    }

    /// `slot` has no free slot any more.
    #[inline(always)]
    pub fn withdraw(&mut self, slot: u32) {
        match &mut self.order {
            Order::Start(r, _) => r.remove(slot),
            Order::Freed(r, _) => r.remove(slot),
        }
    }

    /// Removes and returns the container the policy prefers, if any is free.
    #[inline(always)]
    pub fn pop(&mut self) -> Option<u32> {
        match &mut self.order {
            Order::Start(r, newest) => r.pop_first(*newest),
            Order::Freed(r, most_recent) => r.pop(*most_recent),
        }
    }

    /// Free containers.
    pub fn len(&self) -> usize {
        match &self.order {
            Order::Start(r, _) => r.len(),
            Order::Freed(r, _) => r.members,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Entries held, stale ones included (bounded by twice the free containers + 64).
    pub fn entries(&self) -> usize {
        match &self.order {
            Order::Start(r, _) => r.len(),
            Order::Freed(r, _) => r.entries(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(mut f: FreeSlots) -> Vec<u32> {
        std::iter::from_fn(|| f.pop()).collect()
    }

    const PICKS: [Pick; 4] = [Pick::Newest, Pick::Oldest, Pick::Mru, Pick::Lru];

    /// Slots started in the order 0, 1, 2, freed (an input finished) in the order 2, 0,
    /// 1, and offered in slot order.
    fn filled(pick: Pick) -> FreeSlots {
        let mut f = FreeSlots::new(pick);
        for slot in 0..3 {
            f.register(slot);
        }
        for slot in [2, 0, 1] {
            f.freed(slot);
        }
        for slot in 0..3 {
            f.offer(slot);
        }
        f
    }

    #[test]
    fn each_policy_picks_in_its_order() {
        assert_eq!(drain(filled(Pick::Newest)), vec![2, 1, 0]);
        assert_eq!(drain(filled(Pick::Oldest)), vec![0, 1, 2]);
        assert_eq!(drain(filled(Pick::Mru)), vec![1, 0, 2]);
        assert_eq!(drain(filled(Pick::Lru)), vec![2, 0, 1]);
    }

    #[test]
    fn containers_that_never_freed_rank_by_when_they_were_registered() {
        // The warm pool: ready at creation, never served.
        let mut f = FreeSlots::new(Pick::Lru);
        for slot in [5, 3, 4] {
            f.register(slot);
        }
        for slot in [4, 5, 3] {
            f.offer(slot);
        }
        assert_eq!(drain(f), vec![5, 3, 4]);
    }

    #[test]
    fn withdrawn_and_stopped_containers_are_never_picked() {
        for pick in PICKS {
            let mut f = filled(pick);
            f.withdraw(0);
            f.release(2);
            assert_eq!(drain(f), vec![1], "{pick:?}");
        }
    }

    #[test]
    fn taking_an_input_with_room_left_keeps_a_containers_rank_under_every_policy() {
        // What an assignment does: pop the preferred container, then offer it again
        // because it still has a free slot. It stays the preferred one.
        for (pick, first) in [
            (Pick::Newest, 2),
            (Pick::Oldest, 0),
            (Pick::Mru, 1),
            (Pick::Lru, 2),
        ] {
            let mut f = filled(pick);
            for _ in 0..3 {
                assert_eq!(f.pop(), Some(first), "{pick:?}");
                f.offer(first);
            }
            assert_eq!(f.len(), 3, "{pick:?}");
        }
    }

    #[test]
    fn a_finished_input_moves_its_container_up_only_under_recency_policies() {
        for (pick, first) in [
            (Pick::Mru, 2),
            (Pick::Lru, 0),
            (Pick::Newest, 2),
            (Pick::Oldest, 0),
        ] {
            let mut f = filled(pick);
            f.freed(2);
            assert_eq!(f.pop(), Some(first), "{pick:?}");
            assert_eq!(f.len(), 2, "{pick:?}");
        }
    }

    #[test]
    fn a_container_that_frees_while_full_comes_back_at_its_new_rank() {
        let mut f = filled(Pick::Lru);
        f.withdraw(2);
        f.freed(2);
        f.offer(2);
        assert_eq!(drain(f), vec![0, 1, 2]);
    }

    #[test]
    fn a_container_offered_between_others_takes_its_place_by_last_freeing() {
        // Entries 0 and 2 are in; 1 freed between them and joins in the middle.
        let mut f = FreeSlots::new(Pick::Lru);
        for slot in 0..3 {
            f.register(slot);
            f.freed(slot);
        }
        f.offer(2);
        f.offer(0);
        f.offer(1);
        assert_eq!(drain(f), vec![0, 1, 2]);
    }

    #[test]
    fn stale_entries_are_compacted_away() {
        let mut f = FreeSlots::new(Pick::Mru);
        for slot in 0..200 {
            f.register(slot);
            f.offer(slot);
        }
        for slot in 0..200 {
            if slot != 7 {
                f.withdraw(slot);
            }
        }
        for _ in 0..100 {
            f.freed(7);
        }
        assert!(f.entries() <= 2 + 64, "{}", f.entries());
        assert_eq!(drain(f), vec![7]);
    }
}
