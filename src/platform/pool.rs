//! Which free container serves next: the `pick` policies in O(1) or O(log n).
//!
//! Entries are never searched for and removed; each carries the container's token at
//! insertion and is skipped when popped if the token has moved on (lazy deletion). The
//! structure compacts itself when stale entries outnumber live ones, so its size stays
//! O(live containers).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

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

/// An entry: container slot and the token it had when inserted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Entry {
    key: u64,
    slot: u32,
    token: u32,
}

#[derive(Debug)]
enum Order {
    Max(BinaryHeap<Entry>),
    Min(BinaryHeap<Reverse<Entry>>),
    Stack(Vec<Entry>),
    Fifo(VecDeque<Entry>),
}

/// Containers with a free slot, ordered by the pick policy.
#[derive(Debug)]
pub struct FreeSlots {
    order: Order,
}

impl FreeSlots {
    pub fn new(pick: Pick) -> Self {
        let order = match pick {
            Pick::Newest => Order::Max(BinaryHeap::new()),
            Pick::Oldest => Order::Min(BinaryHeap::new()),
            Pick::Mru => Order::Stack(Vec::new()),
            Pick::Lru => Order::Fifo(VecDeque::new()),
        };
        FreeSlots { order }
    }

    /// Whether a container must be re-inserted every time it frees a slot (recency
    /// policies), not only when it goes from full to free.
    pub fn tracks_recency(&self) -> bool {
        matches!(self.order, Order::Stack(_) | Order::Fifo(_))
    }

    /// Adds `slot` with its start order `start_seq` and current `token`.
    #[inline]
    pub fn insert(&mut self, slot: u32, start_seq: u64, token: u32) {
        let e = Entry {
            key: start_seq,
            slot,
            token,
        };
        match &mut self.order {
            Order::Max(h) => h.push(e),
            Order::Min(h) => h.push(Reverse(e)),
            Order::Stack(v) => v.push(e),
            Order::Fifo(q) => q.push_back(e),
        }
    }

    /// Removes and returns the best valid slot; `valid(slot, token)` says whether an
    /// entry is still current.
    #[inline]
    pub fn pop(&mut self, valid: impl Fn(u32, u32) -> bool) -> Option<u32> {
        loop {
            let e = match &mut self.order {
                Order::Max(h) => h.pop(),
                Order::Min(h) => h.pop().map(|Reverse(e)| e),
                Order::Stack(v) => v.pop(),
                Order::Fifo(q) => q.pop_front(),
            }?;
            if valid(e.slot, e.token) {
                return Some(e.slot);
            }
        }
    }

    /// Drops stale entries once they are more than half of all entries.
    pub fn compact(&mut self, live: usize, valid: impl Fn(u32, u32) -> bool) {
        let len = self.len();
        if len <= 2 * live + 64 {
            return;
        }
        match &mut self.order {
            Order::Max(h) => h.retain(|e| valid(e.slot, e.token)),
            Order::Min(h) => h.retain(|Reverse(e)| valid(e.slot, e.token)),
            Order::Stack(v) => v.retain(|e| valid(e.slot, e.token)),
            Order::Fifo(q) => q.retain(|e| valid(e.slot, e.token)),
        }
    }

    pub fn len(&self) -> usize {
        match &self.order {
            Order::Max(h) => h.len(),
            Order::Min(h) => h.len(),
            Order::Stack(v) => v.len(),
            Order::Fifo(q) => q.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(mut f: FreeSlots) -> Vec<u32> {
        std::iter::from_fn(|| f.pop(|_, _| true)).collect()
    }

    fn filled(pick: Pick) -> FreeSlots {
        let mut f = FreeSlots::new(pick);
        // Slots inserted in freeing order 2, 0, 1 with start orders 20, 0, 10.
        f.insert(2, 20, 0);
        f.insert(0, 0, 0);
        f.insert(1, 10, 0);
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
    fn stale_entries_are_skipped_and_compacted_away() {
        let mut f = FreeSlots::new(Pick::Mru);
        for i in 0..200 {
            f.insert(i, i as u64, 0);
        }
        // Only slot 7 is still current.
        let valid = |s: u32, _t: u32| s == 7;
        f.compact(1, valid);
        assert_eq!(f.len(), 1);
        assert_eq!(f.pop(valid), Some(7));
        assert_eq!(f.pop(valid), None);
    }
}
