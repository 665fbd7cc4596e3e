//! The free containers in the order of their last freeing (`mru`/`lru`), where a container
//! is freed when one of its inputs finishes, or when its boot ends (its creation, for the
//! warm pool) before it has served (docs/semantics.md#dispatch-and-pick). Taking an input
//! does not free: a container that still has room after an assignment keeps its rank.
//!
//! Each freeing hands out the next stamp, so stamps order freeings in processing order
//! (equal instants in the order the simulator handled them). Entries are kept sorted by
//! stamp and never searched for: one whose stamp is not its container's current stamp,
//! or whose container is not free, is skipped when popped (lazy deletion), and the deque
//! compacts itself when stale entries outnumber live ones, so it stays O(free containers).

use std::collections::VecDeque;

/// An entry: a container slot and the stamp it had when it went in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Entry {
    slot: u32,
    stamp: u64,
}

/// One slot's standing.
#[derive(Clone, Copy, Debug, Default)]
struct Mark {
    /// When its container last freed (a stamp).
    stamp: u64,
    /// Whether it has a free slot and is in the set.
    member: bool,
    /// Whether an entry with the current stamp is in the deque (live or withdrawn).
    entered: bool,
}

#[derive(Debug, Default)]
pub(super) struct Recency {
    /// Sorted by stamp; pops from the back (`mru`) or the front (`lru`).
    entries: VecDeque<Entry>,
    marks: Vec<Mark>,
    next_stamp: u64,
    pub(super) members: usize,
}

impl Recency {
    fn stamp(&mut self) -> u64 {
        self.next_stamp += 1;
        self.next_stamp
    }

    /// `slot` holds a new container: not free, and freed now as far as rank goes (a
    /// booting one is freed again when its boot ends).
    pub(super) fn register(&mut self, slot: u32) {
        let s = slot as usize;
        if self.marks.len() <= s {
            self.marks.resize(s + 1, Mark::default());
        }
        let stamp = self.stamp();
        self.marks[s] = Mark {
            stamp,
            member: false,
            entered: false,
        };
    }

    /// One of `slot`'s inputs finished, or its boot ended: it is the most recently freed.
    #[inline]
    pub(super) fn freed(&mut self, slot: u32) {
        let stamp = self.stamp();
        let m = &mut self.marks[slot as usize];
        m.stamp = stamp;
        m.entered = m.member;
        if m.member {
            self.entries.push_back(Entry { slot, stamp });
            self.compact_if_sparse();
        }
    }

    /// `slot` has a free slot: it joins the set at the rank of its last freeing.
    #[inline]
    pub(super) fn insert(&mut self, slot: u32) {
        let m = &mut self.marks[slot as usize];
        if m.member {
            return;
        }
        m.member = true;
        self.members += 1;
        if !m.entered {
            m.entered = true;
            let stamp = m.stamp;
            self.place(Entry { slot, stamp });
            self.compact_if_sparse();
        }
    }

    /// Puts `e` at its place by stamp. A container offered again without having freed
    /// was just popped from the end it goes back to, and one that freed just now has the
    /// newest stamp, so the serverless model only ever takes the two O(1) branches.
    #[inline]
    fn place(&mut self, e: Entry) {
        match (self.entries.front(), self.entries.back()) {
            (_, None) => self.entries.push_back(e),
            (_, Some(back)) if back.stamp < e.stamp => self.entries.push_back(e),
            (Some(front), _) if e.stamp < front.stamp => self.entries.push_front(e),
            _ => self.place_between(e),
        }
    }

    #[cold]
    #[inline(never)]
    fn place_between(&mut self, e: Entry) {
        let at = self.entries.partition_point(|x| x.stamp < e.stamp);
        self.entries.insert(at, e);
    }

    #[inline]
    pub(super) fn remove(&mut self, slot: u32) {
        let m = &mut self.marks[slot as usize];
        if m.member {
            m.member = false;
            self.members -= 1;
        }
    }

    /// Removes and returns the most (`most_recent`) or least recently freed member.
    #[inline]
    pub(super) fn pop(&mut self, most_recent: bool) -> Option<u32> {
        while self.members > 0 {
            let e = if most_recent {
                self.entries.pop_back()
            } else {
                self.entries.pop_front()
            }
            .expect("every member has an entry");
            let m = &mut self.marks[e.slot as usize];
            if m.stamp != e.stamp {
                continue;
            }
            m.entered = false;
            if m.member {
                m.member = false;
                self.members -= 1;
                return Some(e.slot);
            }
        }
        None
    }

    /// Entries held, stale ones included.
    pub(super) fn entries(&self) -> usize {
        self.entries.len()
    }

    #[inline]
    fn compact_if_sparse(&mut self) {
        if self.entries.len() > 2 * self.members + 64 {
            self.compact();
        }
    }

    #[cold]
    #[inline(never)]
    fn compact(&mut self) {
        let marks = &mut self.marks;
        self.entries.retain(|e| {
            let m = &mut marks[e.slot as usize];
            if m.stamp != e.stamp {
                return false;
            }
            m.entered = m.member;
            m.member
        });
    }
}
