//! Which free container serves next: the `pick` policies in O(1) or a few word operations,
//! however many containers are live.
//!
//! `newest`/`oldest` keep the free containers in a bitset over start order (`ranks`).
//! `mru`/`lru` keep a stack or a FIFO of entries that are never searched for and removed:
//! each carries the container's token at insertion and is skipped when popped if the
//! token has moved on (lazy deletion); the structure compacts itself when stale entries
//! outnumber live ones, so its size stays O(live containers).

mod ranks;

use std::collections::VecDeque;

use ranks::RankSet;

/// Which free container serves (SPEC §3.1 `pick`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pick {
    /// Latest started.
    Newest,
    /// Earliest started.
    Oldest,
    /// Most recently freed.
    Mru,
    /// Least recently freed.
    Lru,
}

/// A recency entry: container slot and the token it had when inserted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    slot: u32,
    token: u32,
}

/// The free containers in the order of last freeing, with lazy deletion.
#[derive(Debug, Default)]
struct Recency {
    /// Pops from the back (`mru`) or the front (`lru`).
    entries: VecDeque<Entry>,
    token: Vec<u32>,
    member: Vec<bool>,
    members: usize,
}

impl Recency {
    fn register(&mut self, slot: u32) {
        let s = slot as usize;
        if self.member.len() <= s {
            self.member.resize(s + 1, false);
            self.token.resize(s + 1, 0);
        }
    }

    /// (Re-)inserts `slot` as the most recently freed.
    #[inline]
    fn insert(&mut self, slot: u32) {
        let s = slot as usize;
        self.token[s] = self.token[s].wrapping_add(1);
        if !self.member[s] {
            self.member[s] = true;
            self.members += 1;
        }
        self.entries.push_back(Entry {
            slot,
            token: self.token[s],
        });
        if self.entries.len() > 2 * self.members + 64 {
            let (token, member) = (&self.token, &self.member);
            self.entries
                .retain(|e| member[e.slot as usize] && token[e.slot as usize] == e.token);
        }
    }

    #[inline]
    fn remove(&mut self, slot: u32) {
        let s = slot as usize;
        if self.member[s] {
            self.member[s] = false;
            self.token[s] = self.token[s].wrapping_add(1);
            self.members -= 1;
        }
    }

    #[inline]
    fn pop(&mut self, most_recent: bool) -> Option<u32> {
        while self.members > 0 {
            let e = if most_recent {
                self.entries.pop_back()
            } else {
                self.entries.pop_front()
            }
            .expect("every member has an entry");
            let s = e.slot as usize;
            if self.member[s] && self.token[s] == e.token {
                self.remove(e.slot);
                return Some(e.slot);
            }
        }
        None
    }
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
}

impl FreeSlots {
    pub fn new(pick: Pick) -> Self {
        let order = match pick {
            Pick::Newest => Order::Start(RankSet::default(), true),
            Pick::Oldest => Order::Start(RankSet::default(), false),
            Pick::Mru => Order::Freed(Recency::default(), true),
            Pick::Lru => Order::Freed(Recency::default(), false),
        };
        FreeSlots { order }
    }

    /// `slot` holds a new container, started after every other live one; not free yet.
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

    /// `slot` has a free slot (again): a member from now, and for the recency policies
    /// the most recently freed one.
    #[inline]
    pub fn offer(&mut self, slot: u32) {
        match &mut self.order {
            Order::Start(r, _) => r.insert(slot),
            Order::Freed(r, _) => r.insert(slot),
        }
    }

    /// `slot` has no free slot any more.
    #[inline]
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
            Order::Freed(r, _) => r.entries.len(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(mut f: FreeSlots) -> Vec<u32> {
        std::iter::from_fn(|| f.pop()).collect()
    }

    /// Slots started in the order 0, 1, 2 (start orders 0, 10, 20 of old) and freed in
    /// the order 2, 0, 1.
    fn filled(pick: Pick) -> FreeSlots {
        let mut f = FreeSlots::new(pick);
        for slot in 0..3 {
            f.register(slot);
        }
        for slot in [2, 0, 1] {
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
    fn withdrawn_and_stopped_containers_are_never_picked() {
        for pick in [Pick::Newest, Pick::Oldest, Pick::Mru, Pick::Lru] {
            let mut f = filled(pick);
            f.withdraw(0);
            f.release(2);
            assert_eq!(drain(f), vec![1], "{pick:?}");
        }
    }

    #[test]
    fn a_reoffered_container_moves_up_only_under_recency_policies() {
        for (pick, first) in [(Pick::Mru, 2), (Pick::Lru, 0), (Pick::Newest, 2)] {
            let mut f = filled(pick);
            f.offer(2);
            assert_eq!(f.pop(), Some(first), "{pick:?}");
            assert_eq!(f.len(), 2, "{pick:?}");
        }
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
            f.offer(7);
        }
        assert!(f.entries() <= 2 + 64, "{}", f.entries());
        assert_eq!(drain(f), vec![7]);
    }
}
